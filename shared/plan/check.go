package plan

import "fmt"

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
// match because an earlier rule matches every lead they would match. The
// first matching rule wins, and zones are tried only when no rule matches.
func (c *checker) checkReachable(p *Plan) {
	for j, later := range p.Rules {
		for i := 0; i < j && !later.invalid; i++ {
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
			break
		}
	}

	for j, z := range p.Collaborative {
		for i, r := range p.Rules {
			if z.invalid || r.invalid || !covers(r.When, z.When) {
				continue
			}
			c.problems = append(c.problems, Problem{
				Line: z.Line, Column: z.column, Path: index("collaborative", j),
				Message: fmt.Sprintf("collaborative zone %q can never match: rules come before zones, and rule %q (rules[%d], line %d) matches every lead the zone would (%s)",
					z.ID, r.ID, i, r.Line, DescribeConditions(r.When)),
				Fix: fmt.Sprintf("narrow the conditions of rule %q so that the zone's leads reach it", r.ID),
			})
			break
		}
	}
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
