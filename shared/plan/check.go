package plan

import (
	"fmt"
	"strings"
)

// checkIDs reports rule and zone ids used twice. Decisions name the rule
// or zone that matched, so an id must say which one it was.
func (c *checker) checkIDs(p *Plan) {
	seen := map[string]string{}
	for i, r := range p.Rules {
		c.checkID(seen, r.ID, r.Line, r.column, index("rules", i))
	}
	for i, z := range p.Collaborative {
		c.checkID(seen, z.ID, z.Line, z.column, index("collaborative", i))
	}
}

func (c *checker) checkID(seen map[string]string, id string, line, column int, path string) {
	if id == "" {
		return
	}
	if first, dup := seen[id]; dup {
		c.problems = append(c.problems, Problem{
			Line: line, Column: column, Path: path + ".id",
			Message: fmt.Sprintf("id %q is already used by %s", id, first),
			Fix:     "give every rule and collaborative zone its own id",
		})
		return
	}
	seen[id] = path
}

// checkReachable reports rules and collaborative zones that can never
// match because earlier rules match every lead they would match: one rule
// alone, or several together, such as {min: 500} and {max: 499} employees
// with every source. The first matching rule wins, and zones are tried
// only when no rule matches.
func (c *checker) checkReachable(p *Plan) {
	var regions []region
	var valid []int
	for i, r := range p.Rules {
		if !r.invalid {
			regions = append(regions, regionOf(r.When))
			valid = append(valid, i)
		}
	}

	for j, later := range p.Rules {
		if later.invalid {
			continue
		}
		reported := false
		for i := 0; i < j; i++ {
			earlier := p.Rules[i]
			if earlier.invalid || !covers(earlier.When, later.When) {
				continue
			}
			c.problems = append(c.problems, Problem{
				Line: later.Line, Column: later.column, Path: index("rules", j),
				Message: fmt.Sprintf("rule %q can never match: rule %q on line %d comes first and matches every lead it would (%s)",
					later.ID, earlier.ID, earlier.Line, DescribeConditions(earlier.When)),
				Fix: fmt.Sprintf("move rule %q above rule %q, or narrow the conditions of %q", later.ID, earlier.ID, earlier.ID),
			})
			reported = true
			break
		}
		if reported {
			continue
		}

		earlierCount := 0
		for earlierCount < len(valid) && valid[earlierCount] < j {
			earlierCount++
		}
		if ok, sharing := coveredByUnion(regionOf(later.When), regions[:earlierCount], maxCoverageSteps); ok {
			c.problems = append(c.problems, Problem{
				Line: later.Line, Column: later.column, Path: index("rules", j),
				Message: fmt.Sprintf("rule %q can never match: %s every lead it would",
					later.ID, matchedBy(p, valid, sharing, "the earlier")),
				Fix: fmt.Sprintf("move rule %q above them, or narrow the conditions of one of them", later.ID),
			})
		}
	}

	for j, z := range p.Collaborative {
		if z.invalid {
			continue
		}
		reported := false
		for i, r := range p.Rules {
			if r.invalid || !covers(r.When, z.When) {
				continue
			}
			c.problems = append(c.problems, Problem{
				Line: z.Line, Column: z.column, Path: index("collaborative", j),
				Message: fmt.Sprintf("collaborative zone %q can never match: rules come before zones, and rule %q (rules[%d], line %d) matches every lead the zone would (%s)",
					z.ID, r.ID, i, r.Line, DescribeConditions(r.When)),
				Fix: fmt.Sprintf("narrow the conditions of rule %q so that the zone's leads reach it", r.ID),
			})
			reported = true
			break
		}
		if reported {
			continue
		}

		if ok, sharing := coveredByUnion(regionOf(z.When), regions, maxCoverageSteps); ok {
			c.problems = append(c.problems, Problem{
				Line: z.Line, Column: z.column, Path: index("collaborative", j),
				Message: fmt.Sprintf("collaborative zone %q can never match: rules come before zones, and %s every lead the zone would",
					z.ID, matchedBy(p, valid, sharing, "the")),
				Fix: "narrow the conditions of one of those rules so that some of the zone's leads reach the zone",
			})
		}
	}
}

// matchedBy names the rules at positions sharing of valid, which holds
// indexes into p.Rules, followed by the verb: `the rule "large" (line 4)
// matches` or `the rules "large" (line 4) and "smb" (line 9) together
// match`. article is "the" or "the earlier".
func matchedBy(p *Plan, valid, sharing []int, article string) string {
	names := make([]string, len(sharing))
	for k, s := range sharing {
		r := p.Rules[valid[s]]
		names[k] = fmt.Sprintf("%q (line %d)", r.ID, r.Line)
	}
	if len(names) == 1 {
		return article + " rule " + names[0] + " matches"
	}
	return article + " rules " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " together match"
}

// checkOverlaps reports collaborative zones that some lead could match
// both of, since such a lead would silently go to the first.
func (c *checker) checkOverlaps(p *Plan) {
	for j, later := range p.Collaborative {
		for i := 0; i < j; i++ {
			earlier := p.Collaborative[i]
			if earlier.invalid || later.invalid || len(earlier.When) == 0 || len(later.When) == 0 || !overlap(earlier.When, later.When) {
				continue
			}
			c.problems = append(c.problems, Problem{
				Line: later.Line, Column: later.column, Path: index("collaborative", j),
				Message: fmt.Sprintf("collaborative zone %q overlaps zone %q on line %d: a lead can match both (%s; %s)",
					later.ID, earlier.ID, earlier.Line, DescribeConditions(later.When), DescribeConditions(earlier.When)),
				Fix: "change the conditions so that no lead matches both zones, or merge the zones",
			})
		}
	}
}
