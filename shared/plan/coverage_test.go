package plan

import (
	"math/rand/v2"
	"testing"
)

// sampleLead is a lead reduced to the fields that conditions test.
type sampleLead struct {
	source, industry     string
	employees, potential float64
}

func (l sampleLead) matches(conds []Condition) bool {
	for _, c := range conds {
		switch c.Field {
		case FieldSource:
			if !containsFolded(c.Values, l.source) {
				return false
			}
		case FieldIndustry:
			if !containsFolded(c.Values, l.industry) {
				return false
			}
		case FieldEmployees:
			if !c.Range.Contains(l.employees) {
				return false
			}
		case FieldPotential:
			if !c.Range.Contains(l.potential) {
				return false
			}
		}
	}
	return true
}

// randomConditions builds conditions from a few values and bounds, so
// that random rules often overlap and share bounds.
func randomConditions(rng *rand.Rand) []Condition {
	texts := []string{"a", "b", "c"}
	bounds := []float64{49, 50, 500, 1000}
	var conds []Condition
	for _, f := range []Field{FieldSource, FieldIndustry} {
		if rng.IntN(2) == 0 {
			continue
		}
		var values []string
		for _, v := range texts {
			if rng.IntN(2) == 0 {
				values = append(values, v)
			}
		}
		if len(values) == 0 {
			values = []string{texts[rng.IntN(len(texts))]}
		}
		conds = append(conds, Condition{Field: f, Values: values})
	}
	for _, f := range []Field{FieldEmployees, FieldPotential} {
		if rng.IntN(2) == 0 {
			continue
		}
		var r Range
		lo, hi := bounds[rng.IntN(len(bounds))], bounds[rng.IntN(len(bounds))]
		switch rng.IntN(3) {
		case 0:
			r.Min = &lo
		case 1:
			r.Above = &lo
		}
		switch rng.IntN(3) {
		case 0:
			r.Max = &hi
		case 1:
			r.Below = &hi
		}
		if r.interval().empty() {
			continue
		}
		conds = append(conds, Condition{Field: f, Range: r})
	}
	return conds
}

// TestCoveredByUnionIsSound checks random rule sets against sample leads
// on and between every bound: when coveredByUnion reports a rule covered,
// no sample lead may match the rule and miss every earlier one.
func TestCoveredByUnionIsSound(t *testing.T) {
	var samples []sampleLead
	for _, source := range []string{"a", "b", "c", "", "other"} {
		for _, industry := range []string{"a", "b", "c", ""} {
			for _, employees := range []float64{0, 1, 48, 49, 50, 51, 499, 500, 501, 999, 1000, 1001} {
				for _, potential := range []float64{0, 0.5, 49, 49.5, 50, 50.5, 500, 999.5, 1000, 1000.5, 5000} {
					samples = append(samples, sampleLead{source, industry, employees, potential})
				}
			}
		}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	reported := 0
	for trial := range 3000 {
		earlier := make([][]Condition, 1+rng.IntN(4))
		regions := make([]region, len(earlier))
		for i := range earlier {
			earlier[i] = randomConditions(rng)
			regions[i] = regionOf(earlier[i])
		}
		later := randomConditions(rng)

		covered, _ := coveredByUnion(regionOf(later), regions, maxCoverageSteps)
		if !covered {
			continue
		}
		reported++
		for _, l := range samples {
			if !l.matches(later) {
				continue
			}
			matched := false
			for _, e := range earlier {
				if l.matches(e) {
					matched = true
					break
				}
			}
			if !matched {
				t.Fatalf("trial %d: later %v reported covered by %v, but lead %+v matches only the later rule", trial, later, earlier, l)
			}
		}
	}
	t.Logf("%d of 3000 random rules reported covered", reported)
	if reported == 0 {
		t.Errorf("no random rule was reported covered, so the test checked nothing")
	}
}

func TestCoveredByUnionGivesUpAfterMaxSteps(t *testing.T) {
	small, large := 499.0, 500.0
	earlier := []region{
		regionOf([]Condition{{Field: FieldEmployees, Range: Range{Max: &small}}}),
		regionOf([]Condition{{Field: FieldEmployees, Range: Range{Min: &large}}}),
	}
	later := regionOf([]Condition{{Field: FieldSource, Values: []string{"inbound"}}, {Field: FieldEmployees, Range: Range{Min: &small}}})

	if covered, _ := coveredByUnion(later, earlier, maxCoverageSteps); !covered {
		t.Errorf("covered = false with the full step budget, want true")
	}
	if covered, _ := coveredByUnion(later, earlier, 1); covered {
		t.Errorf("covered = true after one step, want false: the check must give up without reporting")
	}
}
