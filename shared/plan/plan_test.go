package plan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// validPlan is the smallest plan that passes validation; invalid cases
// change one part of it.
const validPlan = `
time_zone: Europe/Berlin
reps:
  - id: ana
    email: ana@example.com
    capacity: 15
  - id: ben
    email: ben@example.com
    capacity: 20
leadership: [founder@example.com]
escalation: founder@example.com
fallback: ana
`

func examplePlan(t *testing.T, name string) *Plan {
	t.Helper()
	p, err := Load(filepath.Join("..", "..", "examples", "plans", name))
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return p
}

func TestLoadExamplePlans(t *testing.T) {
	tests := []struct {
		file               string
		reps, rules, zones int
	}{
		{"two-reps.yaml", 2, 4, 1},
		{"three-reps.yaml", 3, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := examplePlan(t, tt.file)
			if len(p.Reps) != tt.reps {
				t.Errorf("reps = %d, want %d", len(p.Reps), tt.reps)
			}
			if len(p.Rules) != tt.rules {
				t.Errorf("rules = %d, want %d", len(p.Rules), tt.rules)
			}
			if len(p.Collaborative) != tt.zones {
				t.Errorf("collaborative zones = %d, want %d", len(p.Collaborative), tt.zones)
			}
			if p.Site.ThankYouURL != "/thanks" {
				t.Errorf("thank-you URL = %q, want /thanks", p.Site.ThankYouURL)
			}
			for _, origin := range []string{"http://127.0.0.1:3000", "http://localhost:3000"} {
				if !contains(p.Site.Origins, origin) {
					t.Errorf("origins %v lack %s", p.Site.Origins, origin)
				}
			}
		})
	}
}

func TestParseDefaultsAndFields(t *testing.T) {
	p, err := Parse([]byte(validPlan), "plan.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}

	ana, ok := p.Rep("ana")
	if !ok {
		t.Fatal(`Rep("ana") not found`)
	}
	if ana.Name != "ana" {
		t.Errorf("name = %q, want the id when no name is given", ana.Name)
	}
	if ana.TimeZone != "Europe/Berlin" || ana.Location().String() != "Europe/Berlin" {
		t.Errorf("rep time zone = %q (%v), want the team's Europe/Berlin", ana.TimeZone, ana.Location())
	}
	if len(ana.WorkingDays) != 5 || ana.WorkingDays[0] != time.Monday {
		t.Errorf("working days = %v, want Monday to Friday", ana.WorkingDays)
	}
	if p.Currency != "USD" {
		t.Errorf("currency = %q, want USD", p.Currency)
	}
	if p.Site.ThankYouURL != "/thanks" {
		t.Errorf("thank-you URL = %q, want /thanks", p.Site.ThankYouURL)
	}
	if !p.IsActiveStage(" qualified ") {
		t.Error(`IsActiveStage(" qualified ") = false, want true from the default stages`)
	}
	if p.IsActiveStage("Closed Won") {
		t.Error(`IsActiveStage("Closed Won") = true, want false`)
	}
	if got := strings.Join(p.RepIDs(), ","); got != "ana,ben" {
		t.Errorf("RepIDs = %s, want ana,ben", got)
	}
	if _, ok := p.Rep("zed"); ok {
		t.Error(`Rep("zed") found, want not found`)
	}
	if p.Fallback.Rep != "ana" {
		t.Errorf("fallback = %v, want ana", p.Fallback)
	}
}

func TestParseWorkingDays(t *testing.T) {
	tests := []struct {
		name, value string
		want        []time.Weekday
	}{
		{"list", "[mon, wed]", []time.Weekday{time.Monday, time.Wednesday}},
		{"range", "mon-fri", []time.Weekday{1, 2, 3, 4, 5}},
		{"range over the weekend", "fri-mon", []time.Weekday{time.Monday, time.Friday, time.Saturday, time.Sunday}},
		{"full names", "[Tuesday, Saturday]", []time.Weekday{time.Tuesday, time.Saturday}},
		{"every day", "every day", []time.Weekday{1, 2, 3, 4, 5, 6, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(validPlan, "time_zone: Europe/Berlin", "time_zone: Europe/Berlin\nworking_days: "+tt.value, 1)
			p, err := Parse([]byte(src), "plan.yaml")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := p.Reps[0].WorkingDays
			if len(got) != len(tt.want) {
				t.Fatalf("working days = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("working days = %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		// edit turns validPlan into the invalid plan.
		edit func(string) string
		line int
		path string
		// message is a part of the problem text.
		message string
	}{
		{
			name:    "syntax error",
			edit:    func(s string) string { return s + "rules: [\n" },
			line:    13,
			message: "not valid YAML",
		},
		{
			name:    "empty file",
			edit:    func(string) string { return "" },
			message: "empty",
		},
		{
			name:    "top level list",
			edit:    func(string) string { return "- a\n- b\n" },
			line:    1,
			message: "expected a mapping",
		},
		{
			name:    "unknown top-level key with suggestion",
			edit:    func(s string) string { return s + "fallbak: ben\n" },
			line:    13,
			path:    "fallbak",
			message: `did you mean "fallback"`,
		},
		{
			name:    "missing fallback",
			edit:    func(s string) string { return strings.Replace(s, "fallback: ana\n", "", 1) },
			path:    "fallback",
			message: "missing fallback",
		},
		{
			name:    "unknown time zone",
			edit:    func(s string) string { return strings.Replace(s, "Europe/Berlin", "Mars/Olympus", 1) },
			line:    2,
			path:    "time_zone",
			message: `unknown time zone "Mars/Olympus"`,
		},
		{
			name: "missing reps",
			edit: func(string) string {
				return "time_zone: UTC\nleadership: [a@example.com]\nescalation: a@example.com\nfallback: ana\n"
			},
			path:    "reps",
			message: "missing reps",
		},
		{
			name:    "capacity zero",
			edit:    func(s string) string { return strings.Replace(s, "capacity: 15", "capacity: 0", 1) },
			line:    6,
			path:    "reps[0].capacity",
			message: "capacity 0 is not above zero",
		},
		{
			name:    "capacity negative",
			edit:    func(s string) string { return strings.Replace(s, "capacity: 15", "capacity: -3", 1) },
			line:    6,
			path:    "reps[0].capacity",
			message: "capacity -3 is not above zero",
		},
		{
			name:    "capacity as text",
			edit:    func(s string) string { return strings.Replace(s, "capacity: 15", "capacity: fifteen", 1) },
			line:    6,
			path:    "reps[0].capacity",
			message: "expected a whole number",
		},
		{
			name:    "missing capacity",
			edit:    func(s string) string { return strings.Replace(s, "    capacity: 15\n", "", 1) },
			line:    4,
			path:    "reps[0].capacity",
			message: "missing capacity",
		},
		{
			name:    "duplicate rep id",
			edit:    func(s string) string { return strings.Replace(s, "id: ben", "id: ana", 1) },
			line:    7,
			path:    "reps[1].id",
			message: `rep id "ana" is used twice`,
		},
		{
			name:    "invalid rep id",
			edit:    func(s string) string { return strings.Replace(s, "id: ben", "id: Ben Baker", 1) },
			line:    7,
			path:    "reps[1].id",
			message: `invalid rep id "Ben Baker"`,
		},
		{
			name:    "invalid email",
			edit:    func(s string) string { return strings.Replace(s, "ana@example.com", "ana at example", 1) },
			line:    5,
			path:    "reps[0].email",
			message: "invalid email address",
		},
		{
			name:    "backup points to itself",
			edit:    func(s string) string { return strings.Replace(s, "capacity: 15", "capacity: 15\n    backup: ana", 1) },
			line:    7,
			path:    "reps[0].backup",
			message: "their own backup",
		},
		{
			name:    "overflow points to itself",
			edit:    func(s string) string { return strings.Replace(s, "capacity: 15", "capacity: 15\n    overflow: ana", 1) },
			line:    7,
			path:    "reps[0].overflow",
			message: "their own overflow",
		},
		{
			name:    "backup unknown rep",
			edit:    func(s string) string { return strings.Replace(s, "capacity: 15", "capacity: 15\n    backup: zed", 1) },
			line:    7,
			path:    "reps[0].backup",
			message: `unknown rep "zed"`,
		},
		{
			name:    "unknown rep key",
			edit:    func(s string) string { return strings.Replace(s, "capacity: 15", "capacity: 15\n    capcity: 3", 1) },
			line:    7,
			path:    "reps[0].capcity",
			message: `did you mean "capacity"`,
		},
		{
			name: "unknown working day",
			edit: func(s string) string {
				return strings.Replace(s, "capacity: 15", "capacity: 15\n    working_days: [mon, fun]", 1)
			},
			line:    7,
			path:    "reps[0].working_days",
			message: `unknown day "fun"`,
		},
		{
			name:    "missing escalation",
			edit:    func(s string) string { return strings.Replace(s, "escalation: founder@example.com\n", "", 1) },
			path:    "escalation",
			message: "missing escalation",
		},
		{
			name:    "invalid leadership email",
			edit:    func(s string) string { return strings.Replace(s, "[founder@example.com]", "[founder]", 1) },
			line:    10,
			path:    "leadership[0]",
			message: `invalid email address "founder"`,
		},
		{
			name:    "currency not a code",
			edit:    func(s string) string { return s + "currency: dollars\n" },
			line:    13,
			path:    "currency",
			message: `invalid currency "dollars"`,
		},
		{
			name:    "wildcard origin",
			edit:    func(s string) string { return s + "site:\n  origins: ['*']\n" },
			line:    14,
			path:    "site.origins[0]",
			message: "wildcard",
		},
		{
			name:    "wildcard subdomain origin",
			edit:    func(s string) string { return s + "site:\n  origins: ['https://*.example.com']\n" },
			line:    14,
			path:    "site.origins[0]",
			message: `invalid origin "https://*.example.com": an origin is matched exactly`,
		},
		{
			name:    "wildcard port origin",
			edit:    func(s string) string { return s + "site:\n  origins: ['http://localhost:*']\n" },
			line:    14,
			path:    "site.origins[0]",
			message: "matches no site",
		},
		{
			name:    "origin with path",
			edit:    func(s string) string { return s + "site:\n  origins: [https://example.com/form]\n" },
			line:    14,
			path:    "site.origins[0]",
			message: "no path",
		},
		{
			name:    "protocol-relative thank-you URL",
			edit:    func(s string) string { return s + "site:\n  thank_you_url: //evil.example.com\n" },
			line:    14,
			path:    "site.thank_you_url",
			message: "invalid thank-you URL",
		},
		{
			name: "unknown rep in rule",
			edit: func(s string) string {
				return s + "rules:\n  - id: inbound\n    when: {source: inbound}\n    to: bne\n"
			},
			line:    16,
			path:    "rules[0].to",
			message: `unknown rep "bne"`,
		},
		{
			name:    "rule without to",
			edit:    func(s string) string { return s + "rules:\n  - id: inbound\n    when: {source: inbound}\n" },
			line:    14,
			path:    "rules[0].to",
			message: "missing to",
		},
		{
			name:    "unknown rep in pool",
			edit:    func(s string) string { return strings.Replace(s, "fallback: ana", "fallback: [ana, zed]", 1) },
			line:    12,
			path:    "fallback[1]",
			message: `unknown rep "zed"`,
		},
		{
			name:    "rep twice in pool",
			edit:    func(s string) string { return strings.Replace(s, "fallback: ana", "fallback: [ana, ana]", 1) },
			line:    12,
			path:    "fallback[1]",
			message: "listed twice",
		},
		{
			name:    "condition on unknown field",
			edit:    func(s string) string { return s + "rules:\n  - id: big\n    when: {size: 50}\n    to: ana\n" },
			line:    15,
			path:    "rules[0].when.size",
			message: `unknown key "size"`,
		},
		{
			name:    "numeric condition with a single value",
			edit:    func(s string) string { return s + "rules:\n  - id: big\n    when: {potential: 10000}\n    to: ana\n" },
			line:    15,
			path:    "rules[0].when.potential",
			message: "takes a range",
		},
		{
			name: "numeric bound as text",
			edit: func(s string) string {
				return s + "rules:\n  - id: big\n    when: {potential: {above: 10k}}\n    to: ana\n"
			},
			line:    15,
			path:    "rules[0].when.potential.above",
			message: "expected a number",
		},
		{
			name: "text condition with a mapping",
			edit: func(s string) string {
				return s + "rules:\n  - id: x\n    when: {source: {is: inbound}}\n    to: ana\n"
			},
			line:    15,
			path:    "rules[0].when.source",
			message: "not a mapping",
		},
		{
			name: "empty range",
			edit: func(s string) string {
				return s + "rules:\n  - id: x\n    when: {employees: {min: 500, max: 100}}\n    to: ana\n"
			},
			line:    15,
			path:    "rules[0].when.employees",
			message: "can never match",
		},
		{
			name: "range below zero",
			edit: func(s string) string {
				return s + "rules:\n  - id: x\n    when: {employees: {below: 0}}\n    to: ana\n"
			},
			line:    15,
			path:    "rules[0].when.employees",
			message: "can never match",
		},
		{
			name: "min and above together",
			edit: func(s string) string {
				return s + "rules:\n  - id: x\n    when: {potential: {min: 5, above: 5}}\n    to: ana\n"
			},
			line:    15,
			path:    "rules[0].when.potential",
			message: "both min and above",
		},
		{
			name:    "ignore_capacity not a boolean",
			edit:    func(s string) string { return s + "rules:\n  - id: x\n    to: ana\n    ignore_capacity: yes please\n" },
			line:    16,
			path:    "rules[0].ignore_capacity",
			message: "expected true or false",
		},
		{
			name: "rule below a catch-all",
			edit: func(s string) string {
				return s + "rules:\n  - id: everything\n    to: ana\n  - id: inbound\n    when: {source: inbound}\n    to: ben\n"
			},
			line:    16,
			path:    "rules[1]",
			message: `rule "inbound" can never match: rule "everything" on line 14`,
		},
		{
			name: "rule below a wider rule",
			edit: func(s string) string {
				return s + "rules:\n  - id: warm\n    when: {source: [inbound, referral]}\n    to: ana\n" +
					"  - id: big-inbound\n    when: {source: Inbound, potential: {above: 10000}}\n    to: ben\n"
			},
			line:    17,
			path:    "rules[1]",
			message: `rule "big-inbound" can never match`,
		},
		{
			name: "rule below a wider range",
			edit: func(s string) string {
				return s + "rules:\n  - id: large\n    when: {employees: {min: 100}}\n    to: ana\n" +
					"  - id: huge\n    when: {employees: {above: 1000}, industry: banking}\n    to: ben\n"
			},
			line:    17,
			path:    "rules[1]",
			message: `rule "huge" can never match`,
		},
		{
			name: "rule below two rules that split sizes",
			edit: func(s string) string {
				return s + "rules:\n  - id: large\n    when: {employees: {min: 500}}\n    to: ana\n" +
					"  - id: small\n    when: {employees: {max: 499}}\n    to: ben\n" +
					"  - id: inbound\n    when: {source: inbound, employees: {min: 10}}\n    to: ana\n"
			},
			line:    20,
			path:    "rules[2]",
			message: `rule "inbound" can never match: the earlier rules "large" (line 14) and "small" (line 17) together match every lead it would`,
		},
		{
			name: "rule below a whole-number bound",
			edit: func(s string) string {
				return s + "rules:\n  - id: large\n    when: {employees: {min: 500}}\n    to: ana\n" +
					"  - id: over-499\n    when: {employees: {above: 499}}\n    to: ben\n"
			},
			line:    17,
			path:    "rules[1]",
			message: `rule "over-499" can never match: the earlier rule "large" (line 14) matches every lead it would`,
		},
		{
			name: "rule below two ranges sharing a bound",
			edit: func(s string) string {
				return s + "rules:\n  - id: low\n    when: {industry: fintech, potential: {max: 1000}}\n    to: ana\n" +
					"  - id: high\n    when: {industry: fintech, potential: {min: 1000}}\n    to: ben\n" +
					"  - id: known\n    when: {industry: [FinTech], potential: {above: 0}}\n    to: ana\n"
			},
			line:    20,
			path:    "rules[2]",
			message: `rule "known" can never match`,
		},
		{
			name: "zone below several rules",
			edit: func(s string) string {
				return s + "rules:\n  - id: warm\n    when: {source: [inbound, referral]}\n    to: ana\n" +
					"  - id: cold\n    when: {source: outbound}\n    to: ben\n" +
					"collaborative:\n  - id: fintech\n    when: {source: [inbound, outbound], industry: fintech}\n    members: [ana, ben]\n"
			},
			line:    21,
			path:    "collaborative[0]",
			message: `the rules "warm" (line 14) and "cold" (line 17) together match every lead the zone would`,
		},
		{
			name: "zone below a catch-all rule",
			edit: func(s string) string {
				return s + "rules:\n  - id: everything\n    to: ana\ncollaborative:\n  - id: fintech\n    when: {industry: fintech}\n    members: [ana, ben]\n"
			},
			line:    17,
			path:    "collaborative[0]",
			message: `collaborative zone "fintech" can never match`,
		},
		{
			name: "overlapping zones",
			edit: func(s string) string {
				return s + "collaborative:\n  - id: fintech\n    when: {industry: [fintech, banking]}\n    members: [ana, ben]\n" +
					"  - id: banks\n    when: {industry: Banking, employees: {min: 10}}\n    members: [ana, ben]\n"
			},
			line:    17,
			path:    "collaborative[1]",
			message: `zone "banks" overlaps zone "fintech"`,
		},
		{
			name: "overlapping ranges",
			edit: func(s string) string {
				return s + "collaborative:\n  - id: mid\n    when: {potential: {min: 10000, max: 50000}}\n    members: [ana, ben]\n" +
					"  - id: high\n    when: {potential: {min: 50000}}\n    members: [ana, ben]\n"
			},
			line:    17,
			path:    "collaborative[1]",
			message: `zone "high" overlaps zone "mid"`,
		},
		{
			name:    "zone without conditions",
			edit:    func(s string) string { return s + "collaborative:\n  - id: all\n    members: [ana, ben]\n" },
			line:    14,
			path:    "collaborative[0].when",
			message: "missing when",
		},
		{
			name: "zone with one member",
			edit: func(s string) string {
				return s + "collaborative:\n  - id: fin\n    when: {industry: fintech}\n    members: [ana]\n"
			},
			line:    16,
			path:    "collaborative[0].members",
			message: "at least two members",
		},
		{
			name: "split share out of range",
			edit: func(s string) string {
				return s + "collaborative:\n  - id: fin\n    when: {industry: fintech}\n    members: [ana, ben]\n" +
					"    split: {threshold: 25000, prospector_share: 1.5, closer: ben}\n"
			},
			line:    17,
			path:    "collaborative[0].split.prospector_share",
			message: "not between 0 and 1",
		},
		{
			name: "split closer not a member",
			edit: func(s string) string {
				return strings.Replace(s, "reps:\n", "reps:\n  - id: chloe\n    email: chloe@example.com\n    capacity: 5\n", 1) +
					"collaborative:\n  - id: fin\n    when: {industry: fintech}\n    members: [ana, ben]\n" +
					"    split: {threshold: 25000, prospector_share: 0.5, closer: chloe}\n"
			},
			line:    20,
			path:    "collaborative[0].split.closer",
			message: `closer "chloe" is not a member`,
		},
		{
			name: "rule and zone share an id",
			edit: func(s string) string {
				return s + "rules:\n  - id: fin\n    when: {source: inbound}\n    to: ana\n" +
					"collaborative:\n  - id: fin\n    when: {industry: fintech}\n    members: [ana, ben]\n"
			},
			line:    18,
			path:    "collaborative[0].id",
			message: `id "fin" is already used`,
		},
		{
			name:    "repeated key",
			edit:    func(s string) string { return s + "fallback: ben\n" },
			line:    13,
			path:    "fallback",
			message: "repeated",
		},
		{
			name:    "invalid free-mail domain",
			edit:    func(s string) string { return s + "free_mail_domains: [not a domain]\n" },
			line:    13,
			path:    "free_mail_domains[0]",
			message: "invalid domain",
		},
		{
			name: "comma in a condition value",
			edit: func(s string) string {
				return s + "rules:\n  - id: x\n    when:\n      source: referral, partner\n    to: ana\n"
			},
			line:    16,
			path:    "rules[0].when.source",
			message: `value "referral, partner" contains a comma, so YAML reads it as one value, not a list; write a list: [referral, partner]`,
		},
		{
			name: "comma in a zone condition",
			edit: func(s string) string {
				return s + "collaborative:\n  - id: fin\n    when: {industry: fintech, banking}\n    members: [ana, ben]\n"
			},
			line:    15,
			path:    "collaborative[0].when.banking",
			message: `unknown key "banking"`,
		},
		{
			name: "comma in a list item",
			edit: func(s string) string {
				return s + "rules:\n  - id: x\n    when:\n      industry:\n        - fintech\n        - health, wellness\n    to: ana\n"
			},
			line:    18,
			path:    "rules[0].when.industry",
			message: "write each value as its own list item: [health, wellness]",
		},
		{
			name:    "currency not in ISO 4217",
			edit:    func(s string) string { return s + "currency: XYZ\n" },
			line:    13,
			path:    "currency",
			message: `currency "XYZ" is not an ISO 4217 code`,
		},
		{
			name:    "withdrawn currency",
			edit:    func(s string) string { return s + "currency: DEM\n" },
			line:    13,
			path:    "currency",
			message: `currency "DEM" is not a current currency in the CLDR data`,
		},
		{
			name:    "currency code for no currency",
			edit:    func(s string) string { return s + "currency: XXX\n" },
			line:    13,
			path:    "currency",
			message: `currency "XXX" is not a current currency in the CLDR data`,
		},
		{
			name:    "second document",
			edit:    func(s string) string { return s + "---\nrules:\n  - id: x\n    to: ben\n" },
			line:    13,
			message: "second YAML document",
		},
		{
			name:    "second document not valid YAML",
			edit:    func(s string) string { return s + "---\nrules: [\n" },
			line:    14,
			message: "not valid YAML",
		},
		{
			name:    "public suffix as free-mail domain",
			edit:    func(s string) string { return s + "free_mail_domains: [mail.example.net, co.uk]\n" },
			line:    13,
			path:    "free_mail_domains[1]",
			message: `"co.uk" is a public suffix`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.edit(validPlan)), "plan.yaml")
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse error = %v, want a *ValidationError", err)
			}

			var found *Problem
			for i, p := range verr.Problems {
				if strings.Contains(p.Message+"; "+p.Fix, tt.message) && (tt.path == "" || p.Path == tt.path) {
					found = &verr.Problems[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no problem at %q containing %q; got:\n%v", tt.path, tt.message, err)
			}
			if tt.line != 0 && found.Line != tt.line {
				t.Errorf("problem line = %d, want %d (%s)", found.Line, tt.line, found)
			}
			if found.Fix == "" {
				t.Errorf("problem %q has no fix", found.Message)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := strings.Replace(validPlan, "capacity: 15", "capacity: 0\n    backup: ana", 1)
	src = strings.Replace(src, "Europe/Berlin", "Nowhere/Special", 1)
	src = strings.Replace(src, "fallback: ana", "fallback: zed", 1)

	_, err := Parse([]byte(src), "team.yaml")
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Parse error = %v, want a *ValidationError", err)
	}
	if len(verr.Problems) != 4 {
		t.Errorf("problems = %d, want 4:\n%v", len(verr.Problems), err)
	}
	for i := 1; i < len(verr.Problems); i++ {
		if verr.Problems[i].Line < verr.Problems[i-1].Line {
			t.Errorf("problems are not ordered by line:\n%v", err)
		}
	}
	if !strings.Contains(err.Error(), "team.yaml:2:12: time_zone: unknown time zone") {
		t.Errorf("error text lacks FILE:LINE:COLUMN: PATH: form:\n%v", err)
	}
}

func TestParseAcceptsValidVariants(t *testing.T) {
	tests := []struct {
		name, extra string
	}{
		{"mutual backup and overflow", ""},
		{"pool as mapping", "rules:\n  - id: x\n    when: {source: inbound}\n    to: {pool: [ana, ben]}\n"},
		{"anchors and aliases", "rules:\n  - id: x\n    when: {source: &warm [inbound, referral], potential: {above: 5}}\n    to: ben\n  - id: y\n    when: {source: *warm}\n    to: ana\n"},
		{"same field disjoint rules", "rules:\n  - id: small\n    when: {employees: {below: 50}}\n    to: ana\n  - id: big\n    when: {employees: {min: 50}}\n    to: ben\n"},
		{"disjoint zones", "collaborative:\n  - id: a\n    when: {industry: fintech}\n    members: [ana, ben]\n  - id: b\n    when: {industry: health}\n    members: [ana, ben]\n"},
		{"absolute thank-you URL", "site:\n  thank_you_url: https://www.example.com/thanks\n"},
		{"zone reached by unknown size", "rules:\n  - id: large\n    when: {employees: {min: 500}}\n    to: ana\n  - id: small\n    when: {employees: {max: 499}}\n    to: ben\n" +
			"collaborative:\n  - id: health\n    when: {industry: healthcare}\n    members: [ana, ben]\n"},
		{"rule reached at a shared open bound", "rules:\n  - id: low\n    when: {potential: {below: 1000}}\n    to: ana\n  - id: high\n    when: {potential: {above: 1000}}\n    to: ben\n" +
			"  - id: mid\n    when: {potential: {min: 1, max: 2000}}\n    to: ana\n"},
		{"rule reached by a whole-number gap", "rules:\n  - id: small\n    when: {employees: {max: 49}}\n    to: ana\n  - id: large\n    when: {employees: {min: 51}}\n    to: ben\n" +
			"  - id: fifty\n    when: {employees: {min: 1, max: 100}}\n    to: ana\n"},
		{"rule reached by another value", "rules:\n  - id: inbound\n    when: {source: inbound}\n    to: ana\n  - id: fintech\n    when: {industry: fintech}\n    to: ben\n" +
			"  - id: both\n    when: {source: [inbound, outbound], industry: [fintech, health]}\n    to: ana\n"},
		{"quoted value with a comma", "rules:\n  - id: x\n    when: {industry: [\"Health, Wellness\", fintech]}\n    to: ana\n"},
		{"quoted scalar with a comma", "rules:\n  - id: x\n    when: {industry: 'Health, Wellness'}\n    to: ana\n"},
		{"lower-case currency", "currency: eur\n"},
		{"currency of several countries", "currency: XAF\n"},
		{"trailing empty document", "---\n"},
		{"document end marker", "...\n"},
	}
	base := strings.Replace(validPlan, "capacity: 15", "capacity: 15\n    backup: ben\n    overflow: ben", 1)
	base = strings.Replace(base, "capacity: 20", "capacity: 20\n    backup: ana\n    overflow: ana", 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(base+tt.extra), "plan.yaml"); err != nil {
				t.Errorf("Parse: %v", err)
			}
		})
	}
}

func TestParseNamesFileAndLineOfSecondDocument(t *testing.T) {
	_, err := Parse([]byte(validPlan+"---\nfallback: ben\n"), "team.yaml")
	if err == nil {
		t.Fatal("Parse accepted a plan with a second document")
	}
	if want := `team.yaml:13:1: second YAML document`; !strings.Contains(err.Error(), want) {
		t.Errorf("error lacks %q:\n%v", want, err)
	}
}

func TestIsFreeMail(t *testing.T) {
	p, err := Parse([]byte(validPlan+"free_mail_domains: [Mail.Example.NET]\n"), "plan.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	tests := []struct {
		domain string
		want   bool
	}{
		{"gmail.com", true},
		{"GMail.com", true},
		{"www.gmail.com", true},
		{"mail.example.net", true},
		{"eu.mail.example.net", true},
		{"example.net", false},
		{"other.example.net", false},
		{"mail.gmail.com", true},
		{"https://EU.GMail.com/", true},
		{"googlemail.com", true},
		{"gmail.com.acme.com", false},
		{"mygmail.com", false},
		{"acme.com", false},
		{"eu.acme.com", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			if got := p.IsFreeMail(tt.domain); got != tt.want {
				t.Errorf("IsFreeMail(%q) = %v, want %v", tt.domain, got, tt.want)
			}
		})
	}
}

func TestBuiltinFreeMailHasNoPublicSuffix(t *testing.T) {
	for d := range builtinFreeMail {
		if suffix, _ := publicsuffix.PublicSuffix(d); suffix == d {
			t.Errorf("built-in free-mail domain %q is a public suffix", d)
		}
		if n := lead.NormalizeDomain(d); n != d {
			t.Errorf("built-in free-mail domain %q normalises to %q", d, n)
		}
	}
}

func TestAccountAndReferrerKeys(t *testing.T) {
	p, err := Parse([]byte(validPlan), "plan.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	tests := []struct {
		name string
		lead lead.Lead
		want string
		// referrers are the expected ReferrerKeys.
		referrers string
	}{
		{"domain and company", lead.Lead{Domain: "acme.com", Company: "Acme Inc"}, "domain:acme.com company:acme", ""},
		{"website when no domain", lead.Lead{Website: "https://www.acme.com/"}, "domain:acme.com", ""},
		{"email when no website", lead.Lead{Email: "bob@acme.com"}, "domain:acme.com", ""},
		{"free-mail email gives company only", lead.Lead{Email: "bob@gmail.com", Company: "Acme"}, "company:acme", ""},
		{"free-mail domain skipped for website", lead.Lead{Domain: "gmail.com", Website: "acme.io"}, "domain:acme.io", ""},
		{"nothing", lead.Lead{Email: "bob@gmail.com"}, "", ""},
		{"subdomain of the account", lead.Lead{Domain: "eu.acme.com"}, "domain:acme.com", ""},
		{"subdomain email", lead.Lead{Email: "kim@mail.acme.co.uk"}, "domain:acme.co.uk", ""},
		{"free-mail subdomain skipped", lead.Lead{Email: "kim@mail.gmail.com", Company: "Acme"}, "company:acme", ""},
		{"github pages site", lead.Lead{Website: "https://docs.x.github.io/"}, "domain:x.github.io", ""},
		{"referrer domain", lead.Lead{Referrer: "globex.com"}, "", "domain:globex.com company:globexcom"},
		{"referrer subdomain", lead.Lead{Referrer: "eu.globex.com"}, "", "domain:globex.com company:euglobexcom"},
		{"referrer name", lead.Lead{Referrer: "Globex Inc."}, "", "company:globex"},
		{"public suffix email gives company only", lead.Lead{Email: "c@co.uk", Company: "Acme"}, "company:acme", ""},
		{"public suffix email without company", lead.Lead{Email: "c@co.uk"}, "", ""},
		{"private suffix website skipped", lead.Lead{Website: "https://github.io/", Email: "kim@acme.com"}, "domain:acme.com", ""},
		{"placeholder company n/a", lead.Lead{Email: "kim@gmail.com", Company: "N/A"}, "", ""},
		{"placeholder company none", lead.Lead{Email: "kim@gmail.com", Company: "None"}, "", ""},
		{"placeholder company self-employed", lead.Lead{Email: "kim@gmail.com", Company: "Self-employed"}, "", ""},
		{"placeholder company keeps domain", lead.Lead{Domain: "acme.com", Company: "n/a"}, "domain:acme.com", ""},
		{"referrer placeholder", lead.Lead{Referrer: "none"}, "", ""},
		{"referrer public suffix", lead.Lead{Referrer: "co.uk"}, "", "company:couk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(p.AccountKeys(&tt.lead), " "); got != tt.want {
				t.Errorf("AccountKeys = %q, want %q", got, tt.want)
			}
			if got := strings.Join(p.ReferrerKeys(&tt.lead), " "); got != tt.referrers {
				t.Errorf("ReferrerKeys = %q, want %q", got, tt.referrers)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load error = %v, want one matching os.ErrNotExist", err)
	}
}

func TestRangeContains(t *testing.T) {
	ten, hundred := 10.0, 100.0
	tests := []struct {
		name string
		r    Range
		v    float64
		want bool
	}{
		{"min includes bound", Range{Min: &ten}, 10, true},
		{"above excludes bound", Range{Above: &ten}, 10, false},
		{"max includes bound", Range{Max: &hundred}, 100, true},
		{"below excludes bound", Range{Below: &hundred}, 100, false},
		{"unknown never matches", Range{Max: &hundred}, 0, false},
		{"negative never matches", Range{Max: &hundred}, -5, false},
		{"inside", Range{Min: &ten, Max: &hundred}, 50, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Contains(tt.v); got != tt.want {
				t.Errorf("Contains(%v) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
}

func TestAppendFolded(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Cold-Outbound", "cold outbound"},
		{"  COLD__outbound ", "cold outbound"},
		{"Démo Request", "démo request"},
		{"---", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzParse checks that no input makes Parse panic, and that it returns
// either a plan or a *ValidationError with at least one problem.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"two-reps.yaml", "three-reps.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "plans", name))
		if err != nil {
			f.Fatalf("read seed: %v", err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		validPlan, "", ":", "- -", "a: &x [*x]", "reps: [{id: ana, capacity: 1e400}]",
		"rules: [{when: {potential: {min: .nan}}}]", "reps: !!binary aGk=", "\xff\xfe",
		"fallback: [ana, [ben]]", "working_days: fri-", "collaborative: [{split: {closer: [x]}}]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.yaml")
		if err == nil {
			if p == nil || len(p.Reps) == 0 {
				t.Fatalf("Parse returned no error and no usable plan")
			}
			return
		}
		var verr *ValidationError
		if !errors.As(err, &verr) || len(verr.Problems) == 0 {
			t.Fatalf("Parse error = %v, want a *ValidationError with problems", err)
		}
		_ = verr.Error()
	})
}
