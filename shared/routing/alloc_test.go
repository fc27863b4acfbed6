package routing

import (
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// TestRouteAllocationsPerStep checks that each step's common path costs
// only the explanation's two allocations, so memory per decision does not
// depend on which step decided. A Split or an Escalation adds its own
// allocations and is left out here.
func TestRouteAllocationsPerStep(t *testing.T) {
	e := loadEngine(t, examplePath("two-reps.yaml"))
	state := State{
		Active:    map[string]int{"ana": 3, "ben": 4},
		Owners:    map[string]string{"domain:acme.com": "ben", "company:initech": "ana"},
		Customers: map[string]string{"company:globex": "ben", "domain:umbrella.com": "ana"},
		Absences:  map[string][]Absence{"ana": {{From: tuesday.Add(-time.Hour), Until: tuesday.Add(48 * time.Hour)}}},
	}

	cases := []struct {
		name string
		lead lead.Lead
		zone Zone
	}{
		{"owned domain", lead.Lead{Source: "inbound", Domain: "acme.com"}, ZoneOwnership},
		{"owned company name", lead.Lead{Source: "inbound", Email: "kim@gmail.com", Company: "Initech, Inc."}, ZoneOwnership},
		{"unowned company name", lead.Lead{Source: "inbound", Email: "kim@gmail.com", Company: "Hooli LLC"}, ZonePrimary},
		{"no company", lead.Lead{Source: "outbound"}, ZonePrimary},
		{"referral by company name", lead.Lead{Source: "partner", Domain: "new.com", Referrer: "Globex Corp"}, ZoneReferral},
		{"referral by domain", lead.Lead{Source: "partner", Domain: "new.com", Referrer: "www.umbrella.com"}, ZoneReferral},
		{"unknown referrer", lead.Lead{Source: "partner", Domain: "new.com", Referrer: "Stark Industries"}, ZonePrimary},
		{"rule with owner away", lead.Lead{Source: "inbound", Domain: "new.com", Potential: 5000}, ZonePrimary},
		{"fallback", lead.Lead{Source: "podcast", Domain: "new.com", Industry: "Mining"}, ZoneFallback},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := e.Route(&tc.lead, &state, tuesday)
			if d.Zone != tc.zone {
				t.Fatalf("zone = %q, want %q", d.Zone, tc.zone)
			}
			if d.Split != nil || d.Escalation != nil {
				t.Fatalf("decision has a split or an escalation, which this test leaves out: %+v", d)
			}

			allocs := testing.AllocsPerRun(100, func() {
				e.Route(&tc.lead, &state, tuesday)
			})
			if allocs != 2 {
				t.Errorf("allocations per decision = %v, want 2 (explanation text and lines)", allocs)
			}
		})
	}
}
