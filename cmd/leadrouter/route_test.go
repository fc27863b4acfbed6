package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	twoRepsPlan   = "../../examples/plans/two-reps.yaml"
	threeRepsPlan = "../../examples/plans/three-reps.yaml"
)

// runCommand runs a subcommand in-process and returns its exit code and
// output.
func runCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPlanCheck(t *testing.T) {
	bad := writeFile(t, "bad.yaml", "time_zone: Mars/Base\nreps:\n  - id: ana\n    email: ana@example.com\n    capacity: 0\nleadership: [a@example.com]\nescalation: a@example.com\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"both examples are valid", []string{"plan", "check", twoRepsPlan, threeRepsPlan}, 0,
			[]string{"two-reps.yaml: ok (2 reps, 4 rules, 1 collaborative zone; fallback pool ana, ben)", "three-reps.yaml: ok (3 reps"}, ""},
		{"invalid plan lists every problem", []string{"plan", "check", bad}, 1,
			[]string{"bad.yaml:1:12: time_zone: unknown time zone", "bad.yaml:5:15: reps[0].capacity: capacity 0 is not above zero", "fallback: missing fallback", "invalid, 3 problems"}, ""},
		{"one invalid plan among valid ones fails", []string{"plan", "check", twoRepsPlan, bad}, 1,
			[]string{"two-reps.yaml: ok", "bad.yaml: invalid"}, ""},
		{"missing file", []string{"plan", "check", filepath.Join(t.TempDir(), "none.yaml")}, 1, nil, "no such file"},
		{"no file", []string{"plan", "check"}, 2, nil, "missing plan file"},
		{"unknown subcommand", []string{"plan", "lint"}, 2, nil, `unknown subcommand "lint"`},
		{"no subcommand", []string{"plan"}, 2, nil, "Usage: leadrouter plan check"},
		{"help", []string{"plan", "--help"}, 0, []string{"Usage: leadrouter plan check"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

// routeOutput is the JSON that route prints.
type routeOutput struct {
	Owner       string          `json:"owner"`
	CoveredBy   string          `json:"covered_by"`
	Rule        string          `json:"rule"`
	Zone        string          `json:"zone"`
	Split       json.RawMessage `json:"split"`
	Escalation  json.RawMessage `json:"escalation"`
	Explanation []string        `json:"explanation"`
	Reservation struct {
		Rep   string `json:"rep"`
		Limit int    `json:"limit"`
	} `json:"reservation"`
}

// requiredKeys are the keys route must always print, even when empty.
var requiredKeys = []string{"owner", "covered_by", "rule", "zone", "split", "escalation", "explanation"}

func TestRoute(t *testing.T) {
	state := writeFile(t, "state.json", `{
  "active": {"ana": 15, "ben": 3},
  "owners": {"acme.com": "ben", "company:Globex Inc": "ana"},
  "customers": {"Initech LLC": "ben"},
  "absences": {
    "ben": ["2026-12-24 to 2026-12-28", {"from": "2027-01-04T09:00:00Z", "until": "2027-01-04T17:00:00Z"}]
  }
}`)
	tests := []struct {
		name, lead, at               string
		owner, coveredBy, rule, zone string
		split, escalation            bool
		limit                        int
	}{
		{"inbound overflows from a full ana", `{"source": "inbound", "email": "kim@hooli.com"}`, "2026-12-08T10:00:00Z", "ben", "", "inbound", "overflow", false, false, 20},
		{"owned domain from the email", `{"source": "inbound", "email": "bob@acme.com"}`, "2026-12-08T10:00:00Z", "ben", "", "", "ownership", false, false, 0},
		{"free-mail lead owned by company name", `{"source": "outbound", "email": "x@gmail.com", "company": "GLOBEX, Inc."}`, "2026-12-08T10:00:00Z", "ana", "", "", "ownership", false, false, 0},
		{"referral", `{"source": "referral", "referrer": "Initech"}`, "2026-12-08T10:00:00Z", "ben", "", "", "referral", false, false, 0},
		{"a customer is also an owner", `{"source": "inbound", "company": "Initech LLC"}`, "2026-12-08T10:00:00Z", "ben", "", "", "ownership", false, false, 0},
		{"ben off over Christmas is covered by ana", `{"source": "outbound"}`, "2026-12-28T10:00:00Z", "ben", "ana", "outbound", "primary", false, false, 20},
		{"ben off for a day in January", `{"source": "outbound"}`, "2027-01-04T12:00:00Z", "ben", "ana", "outbound", "primary", false, false, 20},
		{"collaborative split", `{"source": "trade show", "industry": "fintech", "potential": 30000}`, "2026-12-08T10:00:00Z", "ben", "", "fintech", "collaborative", true, false, 20},
		{"weekend escalates", `{"source": "outbound"}`, "2026-12-05T10:00:00Z", "ben", "", "outbound", "primary", false, true, 20},
		{"fallback", `{"source": "podcast"}`, "2026-12-08T10:00:00Z", "ben", "", "fallback", "fallback", false, false, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leadPath := writeFile(t, "lead.json", tt.lead)
			code, stdout, stderr := runCommand(t, "route", "--plan", twoRepsPlan, "--state", state, "--at", tt.at, leadPath)
			if code != 0 {
				t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
			}

			var keys map[string]json.RawMessage
			if err := json.Unmarshal([]byte(stdout), &keys); err != nil {
				t.Fatalf("output is not a JSON object: %v\n%s", err, stdout)
			}
			for _, k := range requiredKeys {
				if _, ok := keys[k]; !ok {
					t.Errorf("output lacks key %q", k)
				}
			}

			var out routeOutput
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout)
			}
			if out.Owner != tt.owner {
				t.Errorf("owner = %q, want %q\n%s", out.Owner, tt.owner, stdout)
			}
			if out.CoveredBy != tt.coveredBy {
				t.Errorf("covered_by = %q, want %q", out.CoveredBy, tt.coveredBy)
			}
			if out.Rule != tt.rule {
				t.Errorf("rule = %q, want %q", out.Rule, tt.rule)
			}
			if out.Zone != tt.zone {
				t.Errorf("zone = %q, want %q", out.Zone, tt.zone)
			}
			if hasSplit := string(keys["split"]) != "null"; hasSplit != tt.split {
				t.Errorf("split = %s, want present %v", keys["split"], tt.split)
			}
			if hasEscalation := string(keys["escalation"]) != "null"; hasEscalation != tt.escalation {
				t.Errorf("escalation = %s, want present %v", keys["escalation"], tt.escalation)
			}
			if out.Reservation.Limit != tt.limit {
				t.Errorf("reservation limit = %d, want %d", out.Reservation.Limit, tt.limit)
			}
			if len(out.Explanation) == 0 {
				t.Error("explanation is empty")
			}
		})
	}
}

func TestRouteWithoutState(t *testing.T) {
	leadPath := writeFile(t, "lead.json", `{"employees": 900}`)
	code, stdout, stderr := runCommand(t, "route", "--plan", threeRepsPlan, "--at", "2026-12-08T15:00:00Z", leadPath)
	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"owner": "ben"`) {
		t.Errorf("output does not route to ben:\n%s", stdout)
	}
	if !strings.Contains(stdout, `"split": null`) || !strings.Contains(stdout, `"escalation": null`) {
		t.Errorf("output lacks null split or escalation:\n%s", stdout)
	}
}

func TestRouteRejectsBadInput(t *testing.T) {
	goodLead := writeFile(t, "lead.json", `{"source": "inbound"}`)
	badPlan := writeFile(t, "plan.yaml", "reps: []\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no plan flag", []string{goodLead}, 2, "need --plan"},
		{"no lead", []string{"--plan", twoRepsPlan}, 2, "exactly one lead file"},
		{"two leads", []string{"--plan", twoRepsPlan, goodLead, goodLead}, 2, "exactly one lead file"},
		{"bad time", []string{"--plan", twoRepsPlan, "--at", "tomorrow", goodLead}, 2, `invalid --at "tomorrow"`},
		{"unknown flag", []string{"--plan", twoRepsPlan, "--when", "x", goodLead}, 2, "flag provided but not defined"},
		{"invalid plan", []string{"--plan", badPlan, goodLead}, 1, "expected a list of reps"},
		{"missing lead file", []string{"--plan", twoRepsPlan, filepath.Join(t.TempDir(), "none.json")}, 1, "no such file"},
		{"unknown lead key", []string{"--plan", twoRepsPlan, writeFile(t, "l.json", `{"compnay": "Acme"}`)}, 1, `unknown field "compnay"`},
		{"lead not JSON", []string{"--plan", twoRepsPlan, writeFile(t, "l.json", `source: inbound`)}, 1, "invalid JSON"},
		{"negative employees", []string{"--plan", twoRepsPlan, writeFile(t, "l.json", `{"employees": -1}`)}, 1, "employees -1 is negative"},
		{"negative potential", []string{"--plan", twoRepsPlan, writeFile(t, "l.json", `{"potential": -10}`)}, 1, "potential -10"},
		{"state with an unknown rep", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"active": {"zed": 1}}`), goodLead}, 1, `active: unknown rep "zed"`},
		{"state with a negative count", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"active": {"ana": -1}}`), goodLead}, 1, "write 0 or more"},
		{"state with a bad absence", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"absences": {"ana": ["next week"]}}`), goodLead}, 1, `absences: "ana"[0]`},
		{"state with a reversed absence", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"absences": {"ana": [{"from": "2026-12-05T00:00:00Z", "until": "2026-12-04T00:00:00Z"}]}}`), goodLead}, 1, "is not after from"},
		{"state with a bad owner key", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"owners": {"---": "ana"}}`), goodLead}, 1, `key "---" names no domain or company`},
		{"state with an owner not in the plan", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"owners": {"acme.com": "zed"}}`), goodLead}, 1, `owners: "acme.com": unknown rep "zed"`},
		{"state lists every problem", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"active": {"zed": 1, "ana": -1}}`), goodLead}, 1, `active: unknown rep "zed"`},
		{"state with an unknown key", []string{"--plan", twoRepsPlan, "--state", writeFile(t, "s.json", `{"owner": {}}`), goodLead}, 1, `unknown key "owner"; use "active"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, append([]string{"route"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstderr: %s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing on an error", stdout)
			}
		})
	}
}
