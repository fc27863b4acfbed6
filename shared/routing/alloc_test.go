package routing

import (
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// TestRouteAllocationsPerStep checks that each step's common path costs
// only the explanation's two allocations, so memory per decision does not
// depend on which step decided. A Split or an Escalation adds its own
// allocations and is left out here. A domain of three or more labels adds
// the one allocation of lead.RegistrableDomain.
func TestRouteAllocationsPerStep(t *testing.T) {
	e := loadEngine(t, examplePath("two-reps.yaml"))
	state := State{
		Active:    map[string]int{"ana": 3, "ben": 4},
		Owners:    map[string]string{"domain:acme.com": "ben", "company:initech": "ana"},
		Customers: map[string]string{"company:globex": "ben", "domain:umbrella.com": "ana"},
		Absences:  map[string][]Absence{"ana": {{From: tuesday.Add(-time.Hour), Until: tuesday.Add(48 * time.Hour)}}},
	}

	cases := []struct {
		name   string
		lead   lead.Lead
		zone   Zone
		allocs float64
	}{
		{"owned domain", lead.Lead{Source: "inbound", Domain: "acme.com"}, ZoneOwnership, 2},
		{"owned company name", lead.Lead{Source: "inbound", Email: "kim@gmail.com", Company: "Initech, Inc."}, ZoneOwnership, 2},
		{"unowned company name", lead.Lead{Source: "inbound", Email: "kim@gmail.com", Company: "Hooli LLC"}, ZonePrimary, 2},
		{"no company", lead.Lead{Source: "outbound"}, ZonePrimary, 2},
		{"referral by company name", lead.Lead{Source: "partner", Domain: "new.com", Referrer: "Globex Corp"}, ZoneReferral, 2},
		{"referral by domain", lead.Lead{Source: "partner", Domain: "new.com", Referrer: "www.umbrella.com"}, ZoneReferral, 2},
		{"unknown referrer", lead.Lead{Source: "partner", Domain: "new.com", Referrer: "Stark Industries"}, ZonePrimary, 2},
		{"rule with owner away", lead.Lead{Source: "inbound", Domain: "new.com", Potential: 5000}, ZonePrimary, 2},
		{"fallback", lead.Lead{Source: "podcast", Domain: "new.com", Industry: "Mining"}, ZoneFallback, 2},
		{"owned subdomain", lead.Lead{Source: "inbound", Domain: "eu.acme.com"}, ZoneOwnership, 3},
		{"unowned subdomain", lead.Lead{Source: "outbound", Domain: "eu.new.com"}, ZonePrimary, 3},
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
			if allocs != tc.allocs {
				t.Errorf("allocations per decision = %v, want %v (explanation text and lines, and a subdomain's suffix lookup)", allocs, tc.allocs)
			}
		})
	}
}
