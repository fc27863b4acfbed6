// Package routing decides who owns a lead. The Engine applies a territory
// plan to one lead, the team's state and the time, and returns a Decision
// that says who owns the lead, who works it while the owner is away, which
// rule decided, and every step it took, in words a rep can read.
//
// The engine is pure: it reads no clock, stores nothing and changes
// nothing, so the same plan, lead, state and time always give the same
// decision.
package routing

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/leadrouter/leadrouter/shared/plan"
)

// Engine routes leads with one plan. It is safe for concurrent use.
type Engine struct {
	plan     *plan.Plan
	reps     []repInfo
	rules    []compiledRule
	zones    []compiledZone
	fallback compiledTarget

	// ruleMatcher and zoneMatcher find the first rule and the first
	// collaborative zone that a lead matches; entry i is e.rules[i] or
	// e.zones[i].
	ruleMatcher matcher
	zoneMatcher matcher

	// dictionaries give every text value that a condition names, folded,
	// a small number per field, so that matching a lead against every
	// rule costs one map lookup per field.
	dictionaries [textFieldCount]map[string]int

	escalateTo string
}

// repInfo is a rep with references resolved to indexes into Engine.reps;
// -1 means none.
type repInfo struct {
	id, name         string
	capacity         int
	backup, overflow int
	location         *time.Location
	workingDays      [7]bool

	// Explanation text that every decision for the rep repeats, built
	// once: "ana has " and " of 15 active opportunities" go around the
	// rep's count, and availableLine is "Availability: ana is available.".
	hasText, ofCapacityText, availableLine string
}

// compiledTarget is a rule's, zone's or the fallback's rep or pool, as rep
// indexes.
type compiledTarget struct {
	reps []int
	pool bool
}

type compiledRule struct {
	id             string
	target         compiledTarget
	ignoreCapacity bool
	// matched is the explanation line written when the rule matches.
	matched string
}

type compiledZone struct {
	id      string
	members compiledTarget
	split   *plan.SplitPolicy
	closer  int
	matched string
}

// New compiles a plan into an engine. The plan must come from plan.Parse
// or plan.Load, which guarantee that every rep it names exists; New
// returns an error for a nil plan or one that breaks that guarantee.
func New(p *plan.Plan) (*Engine, error) {
	if p == nil {
		return nil, errors.New("routing: new engine: plan is nil")
	}
	if len(p.Reps) == 0 {
		return nil, errors.New("routing: new engine: plan has no reps")
	}

	e := &Engine{plan: p, escalateTo: p.Escalation}
	for f := range e.dictionaries {
		e.dictionaries[f] = map[string]int{}
	}

	for _, r := range p.Reps {
		info := repInfo{
			id:       r.ID,
			name:     r.Name,
			capacity: r.Capacity,
			backup:   p.RepIndex(r.Backup),
			overflow: p.RepIndex(r.Overflow),
			location: r.Location(),

			hasText:        r.ID + " has ",
			ofCapacityText: " of " + strconv.Itoa(r.Capacity) + " active opportunities",
			availableLine:  "Availability: " + r.ID + " is available.",
		}
		for _, d := range r.WorkingDays {
			info.workingDays[d] = true
		}
		e.reps = append(e.reps, info)
	}

	var ruleConds []compiledConditions
	for _, r := range p.Rules {
		target, err := e.compileTarget(r.To)
		if err != nil {
			return nil, fmt.Errorf("routing: new engine: rule %q: %w", r.ID, err)
		}
		when, err := e.compileConditions(r.When)
		if err != nil {
			return nil, fmt.Errorf("routing: new engine: rule %q: %w", r.ID, err)
		}
		ruleConds = append(ruleConds, when)
		e.rules = append(e.rules, compiledRule{
			id:             r.ID,
			target:         target,
			ignoreCapacity: r.IgnoreCapacity,
			matched:        fmt.Sprintf("Rule %q matched (%s).", r.ID, plan.DescribeConditions(r.When)),
		})
	}

	var zoneConds []compiledConditions
	for _, z := range p.Collaborative {
		members, err := e.compileTarget(plan.Target{Pool: z.Members})
		if err != nil {
			return nil, fmt.Errorf("routing: new engine: collaborative zone %q: %w", z.ID, err)
		}
		when, err := e.compileConditions(z.When)
		if err != nil {
			return nil, fmt.Errorf("routing: new engine: collaborative zone %q: %w", z.ID, err)
		}
		zoneConds = append(zoneConds, when)
		cz := compiledZone{
			id:      z.ID,
			members: members,
			split:   z.Split,
			closer:  -1,
			matched: fmt.Sprintf("Collaborative zone %q matched (%s).", z.ID, plan.DescribeConditions(z.When)),
		}
		if z.Split != nil {
			cz.closer = p.RepIndex(z.Split.Closer)
		}
		e.zones = append(e.zones, cz)
	}

	var dictionarySizes [textFieldCount]int
	for f, dict := range e.dictionaries {
		dictionarySizes[f] = len(dict)
	}
	e.ruleMatcher = newMatcher(ruleConds, dictionarySizes)
	e.zoneMatcher = newMatcher(zoneConds, dictionarySizes)

	fallback, err := e.compileTarget(p.Fallback)
	if err != nil {
		return nil, fmt.Errorf("routing: new engine: fallback: %w", err)
	}
	e.fallback = fallback
	return e, nil
}

func (e *Engine) compileTarget(t plan.Target) (compiledTarget, error) {
	ids := t.Pool
	if t.Rep != "" {
		ids = []string{t.Rep}
	}
	if len(ids) == 0 {
		return compiledTarget{}, errors.New("target names no rep")
	}

	ct := compiledTarget{pool: t.Rep == ""}
	for _, id := range ids {
		i := e.plan.RepIndex(id)
		if i < 0 {
			return compiledTarget{}, fmt.Errorf("unknown rep %q", id)
		}
		ct.reps = append(ct.reps, i)
	}
	return ct, nil
}

// compileConditions numbers each text value in the field's dictionary
// and records which numbers the conditions accept. Accept lists are
// extended later as other rules add values; a missing index reads as
// "not accepted".
func (e *Engine) compileConditions(conds []plan.Condition) (compiledConditions, error) {
	var cc compiledConditions
	for _, c := range conds {
		switch c.Field {
		case plan.FieldEmployees:
			r := c.Range
			cc.employees = &r
		case plan.FieldPotential:
			r := c.Range
			cc.potential = &r
		default:
			f := textFieldIndex(c.Field)
			if f < 0 {
				return compiledConditions{}, fmt.Errorf("unknown condition field %q", c.Field)
			}
			dict := e.dictionaries[f]
			accepted := []bool{}
			for _, v := range c.Values {
				folded := plan.Fold(v)
				id, ok := dict[folded]
				if !ok {
					id = len(dict)
					dict[folded] = id
				}
				for len(accepted) <= id {
					accepted = append(accepted, false)
				}
				accepted[id] = true
			}
			cc.text[f] = accepted
		}
	}
	return cc, nil
}

// Plan returns the plan the engine routes with.
func (e *Engine) Plan() *plan.Plan {
	return e.plan
}
