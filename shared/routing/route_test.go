package routing

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
)

// Times used by the tables. 2026-12-08 is a Tuesday, 2026-12-05 a
// Saturday and 2026-12-07 a Monday.
var (
	tuesday  = time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	saturday = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	monday   = time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
)

func loadEngine(t testing.TB, path string) *Engine {
	t.Helper()
	p, err := plan.Load(path)
	if err != nil {
		t.Fatalf("load plan: %v", err)
	}
	e, err := New(p)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func examplePath(name string) string {
	return filepath.Join("..", "..", "examples", "plans", name)
}

// want is the part of a decision a case checks.
type want struct {
	owner, coveredBy, rule string
	zone                   Zone
	limit                  int
	escalated              bool
	split                  *Split
	// explains is a part of the explanation that must appear.
	explains string
}

type routeCase struct {
	name  string
	lead  lead.Lead
	state State
	at    time.Time
	want  want
}

func runRouteCases(t *testing.T, e *Engine, cases []routeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := tc.at
			if at.IsZero() {
				at = tuesday
			}
			d := e.Route(&tc.lead, &tc.state, at)
			checkDecision(t, d, tc.want)
		})
	}
}

func checkDecision(t *testing.T, d Decision, w want) {
	t.Helper()
	explanation := strings.Join(d.Explanation, "\n")
	if d.Owner != w.owner {
		t.Errorf("owner = %q, want %q\n%s", d.Owner, w.owner, explanation)
	}
	if d.CoveredBy != w.coveredBy {
		t.Errorf("covered by = %q, want %q\n%s", d.CoveredBy, w.coveredBy, explanation)
	}
	if d.Rule != w.rule {
		t.Errorf("rule = %q, want %q", d.Rule, w.rule)
	}
	if d.Zone != w.zone {
		t.Errorf("zone = %q, want %q", d.Zone, w.zone)
	}
	if d.Reservation.Rep != d.Owner {
		t.Errorf("reservation rep = %q, want the owner %q", d.Reservation.Rep, d.Owner)
	}
	if d.Reservation.Limit != w.limit {
		t.Errorf("reservation limit = %d, want %d", d.Reservation.Limit, w.limit)
	}
	if (d.Escalation != nil) != w.escalated {
		t.Errorf("escalation = %+v, want escalated %v\n%s", d.Escalation, w.escalated, explanation)
	}
	if d.Escalation != nil && (d.Escalation.To == "" || d.Escalation.Reason == "") {
		t.Errorf("escalation %+v lacks a contact or a reason", d.Escalation)
	}
	if !reflect.DeepEqual(d.Split, w.split) {
		t.Errorf("split = %+v, want %+v", d.Split, w.split)
	}
	if w.explains != "" && !strings.Contains(explanation, w.explains) {
		t.Errorf("explanation lacks %q:\n%s", w.explains, explanation)
	}
	if len(d.Explanation) == 0 {
		t.Error("explanation is empty")
	}
}

func TestRouteFrameworkExample(t *testing.T) {
	e := loadEngine(t, filepath.Join("testdata", "framework.yaml"))
	runRouteCases(t, e, []routeCase{
		{
			name: "inbound goes to rep A",
			lead: lead.Lead{Source: "inbound", Email: "kim@initech.com"},
			want: want{owner: "rep-a", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "inbound with A over 15 goes to B",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Active: map[string]int{"rep-a": 16}},
			want:  want{owner: "rep-b", rule: "inbound", zone: ZoneOverflow, limit: 20, explains: "rep-a has 16 active opportunities, at or over the trigger of 15"},
		},
		{
			name:  "inbound with A at the trigger goes to B",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Active: map[string]int{"rep-a": 15}},
			want:  want{owner: "rep-b", rule: "inbound", zone: ZoneOverflow, limit: 20},
		},
		{
			name:  "inbound with A just under the trigger stays with A",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Active: map[string]int{"rep-a": 14}},
			want:  want{owner: "rep-a", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "inbound above 10k goes to B whatever the capacity",
			lead:  lead.Lead{Source: "inbound", Potential: 12000},
			state: State{Active: map[string]int{"rep-a": 0, "rep-b": 45}},
			want:  want{owner: "rep-b", rule: "inbound-large", zone: ZonePrimary, limit: 0, explains: "ignores capacity"},
		},
		{
			name: "inbound at exactly 10k is not above it",
			lead: lead.Lead{Source: "inbound", Potential: 10000},
			want: want{owner: "rep-a", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "referral goes to the referring customer's owner",
			lead:  lead.Lead{Source: "inbound", Referrer: "Globex Corporation"},
			state: State{Customers: map[string]string{"company:globex": "rep-b"}},
			want:  want{owner: "rep-b", zone: ZoneReferral, limit: 0, explains: "referrals go to the customer's owner"},
		},
		{
			name:  "referral by domain",
			lead:  lead.Lead{Source: "web", Referrer: "www.globex.com"},
			state: State{Customers: map[string]string{"domain:globex.com": "rep-a"}},
			want:  want{owner: "rep-a", zone: ZoneReferral, limit: 0},
		},
		{
			name:  "referral by subdomain",
			lead:  lead.Lead{Source: "web", Referrer: "eu.globex.com"},
			state: State{Customers: map[string]string{"domain:globex.com": "rep-a"}},
			want:  want{owner: "rep-a", zone: ZoneReferral, limit: 0},
		},
		{
			name: "referral from an unknown customer follows the rules",
			lead: lead.Lead{Source: "inbound", Referrer: "Hooli"},
			want: want{owner: "rep-a", rule: "inbound", zone: ZonePrimary, limit: 15, explains: `"Hooli" is not a known customer`},
		},
		{
			name:  "referral ignores an owner that is only an account owner",
			lead:  lead.Lead{Source: "inbound", Referrer: "Globex"},
			state: State{Owners: map[string]string{"company:globex": "rep-b"}},
			want:  want{owner: "rep-a", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
	})
}

func TestRouteTwoReps(t *testing.T) {
	e := loadEngine(t, examplePath("two-reps.yaml"))
	// Ana is in Europe/Berlin (UTC+1 in December), Ben in Europe/London.
	anaAfternoonOff, err := ParseAbsence("2026-12-08 13:00", mustZone(t, "Europe/Berlin"))
	if err != nil {
		t.Fatal(err)
	}

	runRouteCases(t, e, []routeCase{
		{
			name: "inbound goes to ana",
			lead: lead.Lead{Source: "Inbound", Email: "kim@initech.com"},
			want: want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, explains: "ana is available"},
		},
		{
			name: "source matching ignores case and separators",
			lead: lead.Lead{Source: "DEMO-request"},
			want: want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "inbound overflows to ben when ana is full",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Active: map[string]int{"ana": 15, "ben": 3}},
			want:  want{owner: "ben", rule: "inbound", zone: ZoneOverflow, limit: 20, explains: "overflow goes to ben"},
		},
		{
			name:  "everyone full goes to the least loaded with an escalation",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Active: map[string]int{"ana": 17, "ben": 20}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 0, escalated: true, explains: "every rep who could take the lead is at or over capacity (ana 17/15, ben 20/20)"},
		},
		{
			name:  "everyone full picks ben when he has fewer",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Active: map[string]int{"ana": 30, "ben": 21}},
			want:  want{owner: "ben", rule: "inbound", zone: ZoneOverflow, limit: 0, escalated: true},
		},
		{
			name:  "large inbound goes to ben whatever his load",
			lead:  lead.Lead{Source: "website", Potential: 10000.01},
			state: State{Active: map[string]int{"ben": 99}},
			want:  want{owner: "ben", rule: "inbound-large", zone: ZonePrimary, limit: 0},
		},
		{
			name: "outbound goes to ben",
			lead: lead.Lead{Source: "cold outbound"},
			want: want{owner: "ben", rule: "outbound", zone: ZonePrimary, limit: 20},
		},
		{
			name:  "owned domain goes to the owner whatever rule matches",
			lead:  lead.Lead{Source: "inbound", Email: "bob@acme.com", Company: "Acme"},
			state: State{Owners: map[string]string{"domain:acme.com": "ben"}, Active: map[string]int{"ben": 25}},
			want:  want{owner: "ben", zone: ZoneOwnership, limit: 0, explains: "acme.com is owned by ben"},
		},
		{
			name:  "owned domain matched from the website",
			lead:  lead.Lead{Source: "inbound", Website: "https://www.ACME.com/contact"},
			state: State{Owners: map[string]string{"domain:acme.com": "ben"}},
			want:  want{owner: "ben", zone: ZoneOwnership, limit: 0},
		},
		{
			name:  "subdomain email matches the parent account",
			lead:  lead.Lead{Source: "inbound", Email: "x@eu.acme.com"},
			state: State{Owners: map[string]string{"domain:acme.com": "ben"}},
			want:  want{owner: "ben", zone: ZoneOwnership, limit: 0, explains: "acme.com (from eu.acme.com) is owned by ben"},
		},
		{
			name:  "owner set on a subdomain key",
			lead:  lead.Lead{Source: "inbound", Domain: "eu.acme.com"},
			state: State{Owners: map[string]string{lead.DomainKey("eu.acme.com"): "ben"}},
			want:  want{owner: "ben", zone: ZoneOwnership, limit: 0},
		},
		{
			name:  "subdomain under a two-label suffix",
			lead:  lead.Lead{Source: "inbound", Email: "x@mail.acme.co.uk"},
			state: State{Owners: map[string]string{"domain:acme.co.uk": "ben"}},
			want:  want{owner: "ben", zone: ZoneOwnership, limit: 0, explains: "acme.co.uk (from mail.acme.co.uk)"},
		},
		{
			name:  "sites on a shared host are separate accounts",
			lead:  lead.Lead{Source: "inbound", Website: "https://y.github.io/"},
			state: State{Owners: map[string]string{"domain:x.github.io": "ben"}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, explains: "no owner on record for y.github.io."},
		},
		{
			name:  "free-mail subdomain never establishes ownership",
			lead:  lead.Lead{Source: "inbound", Email: "bob@mail.gmail.com", Company: "Acme"},
			state: State{Owners: map[string]string{"domain:gmail.com": "ben"}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, explains: "mail.gmail.com is a free-mail domain"},
		},
		{
			name:  "free-mail lead matches ownership by company name",
			lead:  lead.Lead{Source: "inbound", Email: "bob@gmail.com", Company: "ACME, Inc."},
			state: State{Owners: map[string]string{"company:acme": "ben"}},
			want:  want{owner: "ben", zone: ZoneOwnership, limit: 0, explains: "gmail.com is a free-mail domain"},
		},
		{
			name:  "free-mail domain never establishes ownership",
			lead:  lead.Lead{Source: "inbound", Email: "bob@gmail.com"},
			state: State{Owners: map[string]string{"domain:gmail.com": "ben"}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "company key is not used when the lead has a domain",
			lead:  lead.Lead{Source: "inbound", Email: "bob@acme-widgets.com", Company: "Acme"},
			state: State{Owners: map[string]string{"company:acme": "ben"}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, explains: "no owner on record for acme-widgets.com"},
		},
		{
			name:  "owner who left the plan escalates and follows the rules",
			lead:  lead.Lead{Source: "inbound", Domain: "acme.com"},
			state: State{Owners: map[string]string{"domain:acme.com": "dave"}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, escalated: true, explains: "who is not in the plan"},
		},
		{
			name:  "collaborative zone goes to the least loaded member",
			lead:  lead.Lead{Source: "trade show", Industry: "FinTech"},
			state: State{Active: map[string]int{"ana": 6, "ben": 2}},
			want:  want{owner: "ben", rule: "fintech", zone: ZoneCollaborative, limit: 20},
		},
		{
			name:  "collaborative tie goes to the member listed first",
			lead:  lead.Lead{Source: "trade show", Industry: "banking"},
			state: State{Active: map[string]int{"ana": 4, "ben": 4}},
			want:  want{owner: "ana", rule: "fintech", zone: ZoneCollaborative, limit: 15},
		},
		{
			name:  "collaborative zone skips a member who is away",
			lead:  lead.Lead{Industry: "payments"},
			state: State{Active: map[string]int{"ana": 1, "ben": 9}, Absences: map[string][]Absence{"ana": {{From: tuesday.Add(-time.Hour), Until: tuesday.Add(time.Hour)}}}},
			want:  want{owner: "ben", rule: "fintech", zone: ZoneCollaborative, limit: 20},
		},
		{
			name:  "collaborative deal at the threshold records a split",
			lead:  lead.Lead{Industry: "fintech", Potential: 25000},
			state: State{Active: map[string]int{"ana": 1, "ben": 9}},
			want: want{owner: "ana", rule: "fintech", zone: ZoneCollaborative, limit: 15,
				split: &Split{Prospector: "ana", Closer: "ben", ProspectorShare: 0.4, CloserShare: 0.6}, explains: "ana prospects for 40% of the credit and ben closes for 60%"},
		},
		{
			name: "collaborative deal under the threshold has no split",
			lead: lead.Lead{Industry: "fintech", Potential: 24999},
			want: want{owner: "ana", rule: "fintech", zone: ZoneCollaborative, limit: 15},
		},
		{
			name: "primary rule wins over the collaborative zone",
			lead: lead.Lead{Source: "inbound", Industry: "fintech", Potential: 5000},
			want: want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "unmatched lead goes to the fallback pool as a coverage gap",
			lead:  lead.Lead{Source: "podcast", Industry: "retail"},
			state: State{Active: map[string]int{"ana": 5, "ben": 1}},
			want:  want{owner: "ben", rule: "fallback", zone: ZoneFallback, limit: 20, explains: "coverage gap"},
		},
		{
			name: "lead with nothing at all goes to the fallback",
			lead: lead.Lead{},
			want: want{owner: "ana", rule: "fallback", zone: ZoneFallback, limit: 15},
		},
		{
			name:  "owner on time off is covered by the backup",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Absences: map[string][]Absence{"ana": {{From: tuesday.Add(-24 * time.Hour), Until: tuesday.Add(24 * time.Hour)}}}},
			want:  want{owner: "ana", coveredBy: "ben", rule: "inbound", zone: ZonePrimary, limit: 15, explains: "backup ben covers; ana stays the owner"},
		},
		{
			name:  "partial day off: before it starts ana works the lead",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Absences: map[string][]Absence{"ana": {anaAfternoonOff}}},
			at:    time.Date(2026, 12, 8, 11, 59, 0, 0, time.UTC),
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "partial day off: from 13:00 Berlin ben covers",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Absences: map[string][]Absence{"ana": {anaAfternoonOff}}},
			at:    time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC),
			want:  want{owner: "ana", coveredBy: "ben", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "time off ends exactly at until",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Absences: map[string][]Absence{"ana": {{From: tuesday.Add(-time.Hour), Until: tuesday}}}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15},
		},
		{
			name:  "owned account stays with an owner who is away",
			lead:  lead.Lead{Domain: "acme.com"},
			state: State{Owners: map[string]string{"domain:acme.com": "ben"}, Absences: map[string][]Absence{"ben": {{From: tuesday.Add(-time.Hour), Until: tuesday.Add(time.Hour)}}}},
			want:  want{owner: "ben", coveredBy: "ana", zone: ZoneOwnership, limit: 0},
		},
		{
			name: "weekend: nobody works, so the lead stays with the target and escalates",
			lead: lead.Lead{Source: "inbound"},
			at:   saturday,
			want: want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, escalated: true, explains: "ana does not work on Saturday (Europe/Berlin)"},
		},
		{
			name: "both away: the lead stays with ana and escalates",
			lead: lead.Lead{Source: "inbound"},
			state: State{Absences: map[string][]Absence{
				"ana": {{From: tuesday.Add(-time.Hour), Until: tuesday.Add(time.Hour)}},
				"ben": {{From: tuesday.Add(-time.Hour), Until: tuesday.Add(2 * time.Hour)}},
			}},
			want: want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, escalated: true, explains: "nobody who could cover is available"},
		},
		{
			name:  "negative and unknown active counts are harmless",
			lead:  lead.Lead{Source: "inbound"},
			state: State{Active: map[string]int{"ana": -4, "zed": 99}},
			want:  want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15, explains: "ana has 0 of 15"},
		},
	})
}

func TestRouteThreeReps(t *testing.T) {
	e := loadEngine(t, examplePath("three-reps.yaml"))
	runRouteCases(t, e, []routeCase{
		{
			name: "large company goes to ben",
			lead: lead.Lead{Source: "inbound", Employees: 800},
			want: want{owner: "ben", rule: "large-by-size", zone: ZonePrimary, limit: 15},
		},
		{
			name: "large potential goes to ben",
			lead: lead.Lead{Source: "event", Potential: 50000},
			want: want{owner: "ben", rule: "large-by-potential", zone: ZonePrimary, limit: 15},
		},
		{
			name: "inbound goes to ana",
			lead: lead.Lead{Source: "inbound", Employees: 40},
			want: want{owner: "ana", rule: "inbound-referral", zone: ZonePrimary, limit: 18},
		},
		{
			name: "referral from an unknown customer goes to ana",
			lead: lead.Lead{Source: "Referral", Referrer: "Nobody Known"},
			want: want{owner: "ana", rule: "inbound-referral", zone: ZonePrimary, limit: 18},
		},
		{
			name:  "referral from a customer goes to its owner",
			lead:  lead.Lead{Source: "referral", Referrer: "Initech LLC", Employees: 900},
			state: State{Customers: map[string]string{"company:initech": "chloe"}},
			want:  want{owner: "chloe", zone: ZoneReferral, limit: 0},
		},
		{
			name: "outbound goes to chloe",
			lead: lead.Lead{Source: "list"},
			want: want{owner: "chloe", rule: "outbound", zone: ZonePrimary, limit: 20},
		},
		{
			name: "small business from an event goes to chloe",
			lead: lead.Lead{Source: "event", Employees: 40},
			want: want{owner: "chloe", rule: "smb", zone: ZonePrimary, limit: 20},
		},
		{
			name:  "large account overflows from ben to ana",
			lead:  lead.Lead{Employees: 1200},
			state: State{Active: map[string]int{"ben": 15}},
			want:  want{owner: "ana", rule: "large-by-size", zone: ZoneOverflow, limit: 18},
		},
		{
			name:  "overflow follows the chain ben, ana, chloe",
			lead:  lead.Lead{Employees: 1200},
			state: State{Active: map[string]int{"ben": 15, "ana": 18, "chloe": 2}},
			want:  want{owner: "chloe", rule: "large-by-size", zone: ZoneOverflow, limit: 20},
		},
		{
			name:  "everyone full escalates to the least loaded in the chain",
			lead:  lead.Lead{Employees: 1200},
			state: State{Active: map[string]int{"ben": 15, "ana": 19, "chloe": 20}},
			want:  want{owner: "ben", rule: "large-by-size", zone: ZonePrimary, limit: 0, escalated: true},
		},
		{
			name:  "mid-size healthcare from an event is collaborative",
			lead:  lead.Lead{Source: "event", Industry: "Healthcare", Employees: 250},
			state: State{Active: map[string]int{"ben": 2, "chloe": 3}},
			want:  want{owner: "ben", rule: "healthcare", zone: ZoneCollaborative, limit: 15},
		},
		{
			name: "small healthcare business goes to chloe",
			lead: lead.Lead{Source: "event", Industry: "healthcare", Employees: 40},
			want: want{owner: "chloe", rule: "smb", zone: ZonePrimary, limit: 20},
		},
		{
			name:  "mid-size retail from an event falls back",
			lead:  lead.Lead{Source: "event", Industry: "retail", Employees: 250},
			state: State{Active: map[string]int{"ana": 4, "ben": 1, "chloe": 2}},
			want:  want{owner: "ben", rule: "fallback", zone: ZoneFallback, limit: 15},
		},
		{
			name:  "healthcare of unknown size is collaborative",
			lead:  lead.Lead{Source: "webinar", Industry: "Health Care"},
			state: State{Active: map[string]int{"ben": 7, "chloe": 3}},
			want:  want{owner: "chloe", rule: "healthcare", zone: ZoneCollaborative, limit: 20},
		},
		{
			name:  "healthcare member full is skipped within the zone",
			lead:  lead.Lead{Source: "webinar", Industry: "biotech", Potential: 30000},
			state: State{Active: map[string]int{"ben": 7, "chloe": 20}},
			want: want{owner: "ben", rule: "healthcare", zone: ZoneCollaborative, limit: 15,
				split: &Split{Prospector: "ben", Closer: "ben", ProspectorShare: 0.5, CloserShare: 0.5}},
		},
		{
			name:  "both healthcare members full overflow outside the zone",
			lead:  lead.Lead{Source: "webinar", Industry: "pharma", Potential: 40000},
			state: State{Active: map[string]int{"ben": 15, "chloe": 20, "ana": 2}},
			want:  want{owner: "ana", rule: "healthcare", zone: ZoneOverflow, limit: 18},
		},
		{
			name:  "webinar of unknown size and industry falls back to the least loaded",
			lead:  lead.Lead{Source: "webinar"},
			state: State{Active: map[string]int{"ana": 4, "ben": 4, "chloe": 1}},
			want:  want{owner: "chloe", rule: "fallback", zone: ZoneFallback, limit: 20},
		},
		{
			name: "chloe does not work on Mondays, so her backup ana covers",
			lead: lead.Lead{Source: "outbound"},
			at:   monday,
			want: want{owner: "chloe", coveredBy: "ana", rule: "outbound", zone: ZonePrimary, limit: 20, explains: "chloe does not work on Monday (America/Los_Angeles)"},
		},
		{
			name: "chloe works on Saturdays but her backup chain does not matter",
			lead: lead.Lead{Source: "outbound"},
			at:   saturday.Add(10 * time.Hour),
			want: want{owner: "chloe", rule: "outbound", zone: ZonePrimary, limit: 20},
		},
		{
			name: "backup chain: ben away, chloe off on Mondays, so ana covers",
			lead: lead.Lead{Employees: 600},
			state: State{Absences: map[string][]Absence{
				"ben": {{Until: monday.Add(time.Hour)}},
			}},
			at:   monday,
			want: want{owner: "ben", coveredBy: "ana", rule: "large-by-size", zone: ZonePrimary, limit: 15, explains: "backup chloe does not work on Monday"},
		},
		{
			name: "backup chain: ben, chloe and ana all away escalates",
			lead: lead.Lead{Employees: 600},
			state: State{Absences: map[string][]Absence{
				"ben": {{Until: monday.Add(time.Hour)}},
				"ana": {{From: monday.Add(-time.Hour), Until: monday.Add(time.Hour)}},
			}},
			at:   monday,
			want: want{owner: "ben", rule: "large-by-size", zone: ZonePrimary, limit: 15, escalated: true, explains: "backup ana is on time off until"},
		},
		{
			name:  "owned account beats the large-account rule",
			lead:  lead.Lead{Employees: 5000, Domain: "bigco.com"},
			state: State{Owners: map[string]string{"domain:bigco.com": "chloe"}},
			want:  want{owner: "chloe", zone: ZoneOwnership, limit: 0},
		},
	})
}

func TestRouteNilState(t *testing.T) {
	e := loadEngine(t, examplePath("two-reps.yaml"))
	d := e.Route(&lead.Lead{Source: "inbound", Referrer: "Globex"}, nil, tuesday)
	checkDecision(t, d, want{owner: "ana", rule: "inbound", zone: ZonePrimary, limit: 15})
}

func TestRouteIsDeterministic(t *testing.T) {
	e := loadEngine(t, examplePath("three-reps.yaml"))
	l := lead.Lead{Source: "webinar", Industry: "pharma", Potential: 40000, Email: "x@gmail.com", Company: "Acme"}
	s := State{Active: map[string]int{"ben": 15, "chloe": 20, "ana": 2}, Owners: map[string]string{"company:other": "ana"}}

	first := e.Route(&l, &s, monday)
	for i := 0; i < 20; i++ {
		if got := e.Route(&l, &s, monday); !reflect.DeepEqual(got, first) {
			t.Fatalf("run %d gave %+v, want %+v", i, got, first)
		}
	}
}

// TestRouteRetryContract plays the intake's part: it reserves capacity
// the way the store does and, on a full rep, sets the count to the limit
// and routes again.
func TestRouteRetryContract(t *testing.T) {
	e := loadEngine(t, examplePath("three-reps.yaml"))
	tests := []struct {
		name string
		// racing is the count another lead reaches first, per rep.
		racing map[string]int
		want   string
	}{
		{"no race", nil, "ben"},
		{"ben filled concurrently", map[string]int{"ben": 15}, "ana"},
		{"ben and ana filled concurrently", map[string]int{"ben": 15, "ana": 18}, "chloe"},
		{"everyone filled concurrently", map[string]int{"ben": 15, "ana": 18, "chloe": 20}, "ben"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := State{Active: map[string]int{"ana": 17, "ben": 14, "chloe": 19}}
			stored := map[string]int{"ana": 17, "ben": 14, "chloe": 19}
			for rep, n := range tt.racing {
				stored[rep] = n
			}

			l := lead.Lead{Employees: 700}
			var d Decision
			calls := 0
			for {
				calls++
				d = e.Route(&l, &state, tuesday)
				limit := d.Reservation.Limit
				if limit == 0 || stored[d.Reservation.Rep] < limit {
					break
				}
				state.Active[d.Reservation.Rep] = limit
				if calls > len(e.plan.Reps)+1 {
					t.Fatalf("still retrying after %d calls: %+v", calls, d)
				}
			}
			if d.Owner != tt.want {
				t.Errorf("owner = %q, want %q", d.Owner, tt.want)
			}
		})
	}
}

func TestRouteDoesNotModifyInputs(t *testing.T) {
	e := loadEngine(t, examplePath("two-reps.yaml"))
	l := lead.Lead{Source: "inbound", Domain: "WWW.Acme.com", Email: "bob@acme.com"}
	s := State{Active: map[string]int{"ana": 15}, Owners: map[string]string{}}
	lCopy := l
	e.Route(&l, &s, tuesday)
	if !reflect.DeepEqual(l, lCopy) {
		t.Errorf("lead changed: %+v, was %+v", l, lCopy)
	}
	if len(s.Active) != 1 || s.Active["ana"] != 15 || len(s.Owners) != 0 {
		t.Errorf("state changed: %+v", s)
	}
}

func TestRouteExplanationRepeatsOutsideTextSafely(t *testing.T) {
	e := loadEngine(t, examplePath("two-reps.yaml"))
	d := e.Route(&lead.Lead{Referrer: "Evil\nCorp " + strings.Repeat("x", 500)}, nil, tuesday)
	for _, line := range d.Explanation {
		if strings.ContainsAny(line, "\n\r") {
			t.Errorf("line %q contains a line break", line)
		}
		if len(line) > 300 {
			t.Errorf("line has %d bytes, want the outside text truncated", len(line))
		}
	}
}

func TestNewRejectsBadPlans(t *testing.T) {
	tests := []struct {
		name string
		plan *plan.Plan
	}{
		{"nil plan", nil},
		{"no reps", &plan.Plan{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.plan); err == nil {
				t.Error("New returned no error")
			}
		})
	}
}

func TestRouteAllocationsDoNotGrow(t *testing.T) {
	e := loadEngine(t, examplePath("two-reps.yaml"))
	l := lead.Lead{Source: "inbound", Domain: "acme.com", Potential: 5000}
	s := State{Active: map[string]int{"ana": 3, "ben": 4}, Owners: map[string]string{"domain:other.com": "ben"}}
	allocs := testing.AllocsPerRun(200, func() {
		e.Route(&l, &s, tuesday)
	})
	if allocs > 2 {
		t.Errorf("allocations per decision = %v, want at most 2 (explanation buffer and lines)", allocs)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
