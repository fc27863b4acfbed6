package routing

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
)

// benchPlan builds a plan with 5 reps and 20 rules: a realistic mix of
// source, size, potential, industry and country conditions, none of them
// unreachable.
func benchPlan(tb testing.TB) *plan.Plan {
	tb.Helper()
	var b strings.Builder
	b.WriteString("name: Benchmark\ntime_zone: Europe/Berlin\nreps:\n")
	reps := []string{"ana", "ben", "chloe", "dev", "eli"}
	for i, id := range reps {
		fmt.Fprintf(&b, "  - id: %s\n    email: %s@example.com\n    capacity: %d\n    overflow: %s\n    backup: %s\n",
			id, id, 15+i, reps[(i+1)%len(reps)], reps[(i+2)%len(reps)])
	}
	b.WriteString("leadership: [founder@example.com]\nescalation: founder@example.com\nrules:\n")

	industries := []string{"fintech", "healthcare", "retail", "logistics", "education"}
	countries := []string{"DE", "FR", "US", "UK"}
	rule := 0
	add := func(when, to string) {
		fmt.Fprintf(&b, "  - id: rule-%02d\n    when: {%s}\n    to: %s\n", rule, when, to)
		rule++
	}
	for i, ind := range industries {
		add(fmt.Sprintf("industry: %s, employees: {min: 1000}", ind), reps[i])
	}
	for i, c := range countries {
		add(fmt.Sprintf("country: %s, potential: {min: 50000}", c), reps[(i+1)%5])
	}
	for i, ind := range industries {
		add(fmt.Sprintf("source: [inbound, website], industry: %s", ind), reps[(i+2)%5])
	}
	for i, c := range countries {
		add(fmt.Sprintf("source: [outbound, event], country: %s", c), reps[(i+3)%5])
	}
	add("source: referral", "[ana, ben]")
	add("employees: {below: 50}", "[chloe, dev, eli]")
	b.WriteString("collaborative:\n  - id: public\n    when: {industry: government}\n    members: [ana, eli]\n" +
		"    split: {threshold: 30000, prospector_share: 0.5, closer: ana}\nfallback: [ana, ben, chloe, dev, eli]\n")

	p, err := plan.Parse([]byte(b.String()), "bench.yaml")
	if err != nil {
		tb.Fatalf("bench plan: %v", err)
	}
	if len(p.Rules) != 20 || len(p.Reps) != 5 {
		tb.Fatalf("bench plan has %d rules and %d reps, want 20 and 5", len(p.Rules), len(p.Reps))
	}
	return p
}

// benchLeads returns leads that exercise every step: owned accounts,
// referrals, each kind of rule, the collaborative zone and the fallback.
func benchLeads() []lead.Lead {
	sources := []string{"Inbound", "website", "outbound", "event", "referral", "podcast"}
	industries := []string{"fintech", "healthcare", "retail", "logistics", "education", "government", "mining"}
	countries := []string{"DE", "FR", "US", "UK", "JP"}
	leads := make([]lead.Lead, 256)
	for i := range leads {
		leads[i] = lead.Lead{
			Email:     fmt.Sprintf("contact%d@company%d.com", i, i%97),
			Domain:    fmt.Sprintf("company%d.com", i%97),
			Company:   fmt.Sprintf("Company %d Inc", i%97),
			Source:    sources[i%len(sources)],
			Industry:  industries[i%len(industries)],
			Country:   countries[i%len(countries)],
			Employees: []int{0, 20, 300, 2000}[i%4],
			Potential: []float64{0, 8000, 40000, 90000}[(i/4)%4],
		}
		if i%11 == 0 {
			leads[i].Referrer = fmt.Sprintf("Customer %d", i%5)
		}
	}
	return leads
}

func benchState() *State {
	s := &State{
		Active:    map[string]int{"ana": 3, "ben": 16, "chloe": 17, "dev": 9, "eli": 30},
		Owners:    map[string]string{},
		Customers: map[string]string{},
		Absences: map[string][]Absence{
			"dev": {{From: tuesday.Add(-48 * 3600e9), Until: tuesday.Add(48 * 3600e9)}},
		},
	}
	for i := 0; i < 97; i += 7 {
		s.Owners[lead.DomainKey(fmt.Sprintf("company%d.com", i))] = []string{"ana", "ben", "chloe", "dev", "eli"}[i%5]
	}
	for i := 0; i < 5; i++ {
		s.Customers[lead.CompanyKey(fmt.Sprintf("Customer %d", i))] = "ben"
	}
	return s
}

// BenchmarkRoute measures decisions per second for a 20-rule plan with 5
// reps. Run it on one core: go test -run '^$' -bench Route -benchmem -cpu 1.
func BenchmarkRoute(b *testing.B) {
	e, err := New(benchPlan(b))
	if err != nil {
		b.Fatal(err)
	}
	leads := benchLeads()
	state := benchState()

	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e.Route(&leads[i%len(leads)], state, tuesday)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

func TestBenchPlanCoversEveryZone(t *testing.T) {
	e, err := New(benchPlan(t))
	if err != nil {
		t.Fatal(err)
	}
	state := benchState()
	zones := map[Zone]int{}
	for _, l := range benchLeads() {
		zones[e.Route(&l, state, tuesday).Zone]++
	}
	for _, z := range []Zone{ZoneOwnership, ZoneReferral, ZonePrimary, ZoneCollaborative, ZoneOverflow, ZoneFallback} {
		if zones[z] == 0 {
			t.Errorf("no benchmark lead routes to zone %s (zones: %v)", z, zones)
		}
	}
}

// FuzzRoute checks that any lead routes to a rep of the plan with a
// non-empty explanation and without panicking.
func FuzzRoute(f *testing.F) {
	f.Add("inbound", "fintech", "DE", "bob@acme.com", "Acme Inc", "acme.com", "", 10, 5000.0)
	f.Add("", "", "", "", "", "", "", 0, 0.0)
	f.Add("Referral", "government", "UK", "x@gmail.com", "ＡＣＭＥ", "münchen.de", "Customer 1", 2000, 1e300)
	f.Add("\xff", "\n", "  ", "@", "Ltd", "www.", "www.globex.com", -5, -1.0)
	e, err := New(benchPlan(f))
	if err != nil {
		f.Fatal(err)
	}
	state := benchState()
	f.Fuzz(func(t *testing.T, source, industry, country, email, company, domain, referrer string, employees int, potential float64) {
		l := lead.Lead{Source: source, Industry: industry, Country: country, Email: email, Company: company,
			Domain: domain, Referrer: referrer, Employees: employees, Potential: potential}
		d := e.Route(&l, state, tuesday)
		if _, ok := e.plan.Rep(d.Owner); !ok {
			t.Fatalf("owner %q is not a rep", d.Owner)
		}
		if d.CoveredBy != "" {
			if _, ok := e.plan.Rep(d.CoveredBy); !ok {
				t.Fatalf("covered by %q is not a rep", d.CoveredBy)
			}
		}
		if len(d.Explanation) == 0 {
			t.Fatal("explanation is empty")
		}
	})
}
