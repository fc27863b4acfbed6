package routing

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
)

// Values that the wide plan's conditions name.
var (
	wideSources    = []string{"inbound", "website", "cold outbound", "event", "referral"}
	wideIndustries = []string{"fintech", "health care", "retail", "logistics", "education", "government"}
	wideCountries  = []string{"DE", "FR", "US", "UK", "JP", "BR", "IN"}
	wideRegions    = []string{"emea", "apac", "north america"}
)

// widePlan builds a plan with 150 rules, so the matcher's sets span three
// words, and 3 collaborative zones. Every rule tests a potential range
// that no earlier rule's range contains, so the plan passes the
// reachability check while most leads still match several rules and the
// first one must win.
func widePlan(tb testing.TB) *plan.Plan {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(values []string) string {
		n := 1 + rng.IntN(3)
		var chosen []string
		for range n {
			chosen = append(chosen, values[rng.IntN(len(values))])
		}
		return "[" + strings.Join(chosen, ", ") + "]"
	}

	var b strings.Builder
	b.WriteString("name: Wide\ntime_zone: UTC\nreps:\n  - id: ana\n    email: ana@example.com\n    capacity: 15\n  - id: ben\n    email: ben@example.com\n    capacity: 15\n")
	b.WriteString("leadership: [founder@example.com]\nescalation: founder@example.com\nrules:\n")
	for k := range 150 {
		var when []string
		if rng.IntN(2) == 0 {
			when = append(when, "source: "+pick(wideSources))
		}
		if rng.IntN(2) == 0 {
			when = append(when, "industry: "+pick(wideIndustries))
		}
		if rng.IntN(3) == 0 {
			when = append(when, "country: "+pick(wideCountries))
		}
		if rng.IntN(4) == 0 {
			when = append(when, "region: "+pick(wideRegions))
		}
		if rng.IntN(3) == 0 {
			when = append(when, fmt.Sprintf("employees: {above: %d}", rng.IntN(500)))
		}
		when = append(when, fmt.Sprintf("potential: {min: %d, max: %d}", k*10, k*10+5000))
		fmt.Fprintf(&b, "  - id: rule-%03d\n    when: {%s}\n    to: %s\n", k, strings.Join(when, ", "), []string{"ana", "ben"}[k%2])
	}
	b.WriteString("collaborative:\n" +
		"  - id: public\n    when: {industry: government, country: [DE, FR]}\n    members: [ana, ben]\n" +
		"  - id: schools\n    when: {industry: education, employees: {below: 100}}\n    members: [ana, ben]\n" +
		"  - id: mining\n    when: {industry: mining}\n    members: [ana, ben]\n" +
		"fallback: [ana, ben]\n")

	p, err := plan.Parse([]byte(b.String()), "wide.yaml")
	if err != nil {
		tb.Fatalf("wide plan: %v", err)
	}
	return p
}

// referenceMatch is the condition semantics written out plainly: every
// condition must hold, a text condition by folded equality with one of its
// values and a numeric one by Range.Contains.
func referenceMatch(conds []plan.Condition, l *lead.Lead) bool {
	for _, c := range conds {
		var ok bool
		switch c.Field {
		case plan.FieldEmployees:
			ok = c.Range.Contains(float64(l.Employees))
		case plan.FieldPotential:
			ok = c.Range.Contains(l.Potential)
		default:
			value := map[plan.Field]string{
				plan.FieldSource: l.Source, plan.FieldIndustry: l.Industry,
				plan.FieldCountry: l.Country, plan.FieldRegion: l.Region,
			}[c.Field]
			for _, v := range c.Values {
				ok = ok || value != "" && plan.Fold(v) == plan.Fold(value)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func referenceFirstRule(p *plan.Plan, l *lead.Lead) int {
	for i, r := range p.Rules {
		if referenceMatch(r.When, l) {
			return i
		}
	}
	return -1
}

func referenceFirstZone(p *plan.Plan, l *lead.Lead) int {
	for i, z := range p.Collaborative {
		if referenceMatch(z.When, l) {
			return i
		}
	}
	return -1
}

// checkMatchers compares the engine's first rule and first zone for l with
// the reference.
func checkMatchers(t *testing.T, e *Engine, l *lead.Lead) {
	t.Helper()
	var values leadValues
	e.readValues(l, &values)

	if got, want := e.ruleMatcher.first(&values), referenceFirstRule(e.plan, l); got != want {
		t.Errorf("first rule for %+v = %d, want %d", *l, got, want)
	}
	if got, want := e.zoneMatcher.first(&values), referenceFirstZone(e.plan, l); got != want {
		t.Errorf("first zone for %+v = %d, want %d", *l, got, want)
	}
}

// respell returns a spelling of v that folds to the same text, or an
// unrelated value.
func respell(rng *rand.Rand, v string) string {
	switch rng.IntN(6) {
	case 0:
		return strings.ToUpper(v)
	case 1:
		return " " + strings.ReplaceAll(v, " ", "-") + "_"
	case 2:
		return "unknown"
	case 3:
		return ""
	default:
		return v
	}
}

func TestMatcherAgreesWithReference(t *testing.T) {
	plans := map[string]*plan.Plan{"wide": widePlan(t), "bench": benchPlan(t)}
	for name, p := range plans {
		t.Run(name, func(t *testing.T) {
			e, err := New(p)
			if err != nil {
				t.Fatal(err)
			}
			if name == "wide" && e.ruleMatcher.words != 3 {
				t.Fatalf("wide plan's rule sets have %d words, want 3", e.ruleMatcher.words)
			}

			rng := rand.New(rand.NewPCG(3, 4))
			for range 20000 {
				l := lead.Lead{
					Source:    respell(rng, wideSources[rng.IntN(len(wideSources))]),
					Industry:  respell(rng, append(wideIndustries, "mining")[rng.IntN(len(wideIndustries)+1)]),
					Country:   respell(rng, wideCountries[rng.IntN(len(wideCountries))]),
					Region:    respell(rng, wideRegions[rng.IntN(len(wideRegions))]),
					Employees: rng.IntN(700) - 10,
					Potential: float64(rng.IntN(7000) - 10),
				}
				checkMatchers(t, e, &l)
				if t.Failed() {
					return
				}
			}
		})
	}
}

func TestMatcherEmptyWhenMatchesEveryLead(t *testing.T) {
	p, err := plan.Parse([]byte("name: T\ntime_zone: UTC\nreps:\n  - id: ana\n    email: ana@example.com\n    capacity: 15\n"+
		"leadership: [a@example.com]\nescalation: a@example.com\nrules:\n  - id: everyone\n    to: ana\nfallback: ana\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(p)
	if err != nil {
		t.Fatal(err)
	}

	for _, l := range []lead.Lead{{}, {Source: "inbound", Employees: -1}, {Industry: "\xff", Potential: 1e300}} {
		var values leadValues
		e.readValues(&l, &values)
		if got := e.ruleMatcher.first(&values); got != 0 {
			t.Errorf("first rule for %+v = %d, want 0", l, got)
		}
		if got := e.zoneMatcher.first(&values); got != -1 {
			t.Errorf("first zone for %+v = %d, want -1 (the plan has no zones)", l, got)
		}
	}
}

// FuzzMatcher checks the bit-set matcher against the plain reference on
// the wide plan.
func FuzzMatcher(f *testing.F) {
	f.Add("inbound", "fintech", "DE", "emea", 10, 5000.0)
	f.Add("Cold-Outbound", " HEALTH_care", "de", "North  America", 0, 0.0)
	f.Add("", "government", "FR", "", 99, 1490.0)
	f.Add("\xff", "education", "\t", "apac", -1, -1.0)
	e, err := New(widePlan(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, source, industry, country, region string, employees int, potential float64) {
		l := lead.Lead{Source: source, Industry: industry, Country: country, Region: region, Employees: employees, Potential: potential}
		checkMatchers(t, e, &l)
	})
}
