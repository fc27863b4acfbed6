package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/internal/testenv"
	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/store"
)

// teamStateFile sets every part of a team-state file for the two-rep plan.
const teamStateFile = `{
  "active":    {"ana": 12, "ben": 4},
  "owners":    {"acme.com": "ben", "company:Globex Inc": "ana"},
  "customers": {"domain:initech.com": "ben"},
  "absences":  {"ben": ["2026-12-24 to 2026-12-28", {"from": "2027-02-01T09:00:00Z", "until": "2027-02-01T17:00:00Z"}]}
}`

var (
	importedKeys = []string{"domain:acme.com", "company:globex", "domain:initech.com"}
	// benAway is ben's time off in teamStateFile: Christmas in London
	// (UTC in winter), then one afternoon.
	benAway = []struct{ from, until time.Time }{
		{time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 29, 0, 0, 0, 0, time.UTC)},
		{time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC), time.Date(2027, 2, 1, 17, 0, 0, 0, time.UTC)},
	}
)

// checkImported fails t unless snap holds everything teamStateFile sets.
func checkImported(t *testing.T, snap store.Snapshot) {
	t.Helper()
	s := snap.State
	if s.Active["ana"] != 12 || s.Active["ben"] != 4 {
		t.Errorf("Active = %v, want ana 12 and ben 4", s.Active)
	}
	if got := s.Owners["domain:acme.com"]; got != "ben" {
		t.Errorf("Owners[domain:acme.com] = %q, want ben", got)
	}
	if got := s.Owners["company:globex"]; got != "ana" {
		t.Errorf("Owners[company:globex] = %q, want ana", got)
	}
	if got := s.Customers["domain:initech.com"]; got != "ben" {
		t.Errorf("Customers[domain:initech.com] = %q, want ben", got)
	}
	if _, ok := s.Customers["domain:acme.com"]; ok {
		t.Error("Customers has domain:acme.com, want it absent because it is listed under owners")
	}
	got := s.Absences["ben"]
	if len(got) != len(benAway) {
		t.Fatalf("Absences[ben] = %v, want %d periods", got, len(benAway))
	}
	for i, want := range benAway {
		if !got[i].From.Equal(want.from) || !got[i].Until.Equal(want.until) {
			t.Errorf("Absences[ben][%d] = %v to %v, want %v to %v", i, got[i].From, got[i].Until, want.from, want.until)
		}
	}
}

func TestStateImportIntoBolt(t *testing.T) {
	data := t.TempDir()
	state := writeFile(t, "state.json", teamStateFile)

	code, stdout, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, state)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	for _, want := range []string{
		"owner domain:acme.com: ben (was no owner)",
		"customer domain:initech.com: ben (was no owner)",
		"active ana: 12 (was no count)",
		"absences ben: 2026-12-24T00:00:00Z to 2026-12-29T00:00:00Z, 2027-02-01T09:00:00Z to 2027-02-01T17:00:00Z (was none)",
		"6 changed, 0 unchanged",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	st, err := bolt.Open(filepath.Join(data, storeFile))
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	defer st.Close()
	snap, err := st.Snapshot(t.Context(), store.Query{AccountKeys: importedKeys, Reps: []string{"ana", "ben"}})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	checkImported(t, snap)
}

func TestStateImportTwiceChangesNothing(t *testing.T) {
	data := t.TempDir()
	state := writeFile(t, "state.json", teamStateFile)
	if code, _, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, state); code != 0 {
		t.Fatalf("first import: exit code %d\n%s", code, stderr)
	}

	code, stdout, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, state)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	if strings.TrimSpace(stdout) != "0 changed, 6 unchanged" {
		t.Errorf("stdout = %q, want only \"0 changed, 6 unchanged\"", stdout)
	}
}

func TestStateImportReplacesValues(t *testing.T) {
	data := t.TempDir()
	first := writeFile(t, "first.json", teamStateFile)
	if code, _, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, first); code != 0 {
		t.Fatalf("first import: exit code %d\n%s", code, stderr)
	}
	second := writeFile(t, "second.json", `{"active": {"ana": 3}, "customers": {"acme.com": "ana"}, "absences": {"ben": []}}`)

	code, stdout, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, second)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	for _, want := range []string{
		"customer domain:acme.com: ana (was owned by ben)",
		"active ana: 3 (was 12)",
		"absences ben: none (was 2026-12-24T00:00:00Z",
		"3 changed, 0 unchanged",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestStateShowRoundTrips(t *testing.T) {
	data := t.TempDir()
	state := writeFile(t, "state.json", teamStateFile)
	if code, _, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, state); code != 0 {
		t.Fatalf("import: exit code %d\n%s", code, stderr)
	}

	code, stdout, stderr := runCommand(t, "state", "show", "--plan", twoRepsPlan, "--data", data)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	var shown struct {
		Active   map[string]int `json:"active"`
		Absences map[string][]struct {
			From  time.Time `json:"from"`
			Until time.Time `json:"until"`
		} `json:"absences"`
	}
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if shown.Active["ana"] != 12 || shown.Active["ben"] != 4 {
		t.Errorf("active = %v, want ana 12 and ben 4", shown.Active)
	}
	if got := shown.Absences["ben"]; len(got) != 2 || !got[0].From.Equal(benAway[0].from) {
		t.Errorf("absences of ben = %v, want the two imported periods", got)
	}
	if _, ok := shown.Absences["ana"]; ok {
		t.Errorf("absences lists ana, want only reps with time off")
	}

	reimport := writeFile(t, "shown.json", stdout)
	code, stdout, stderr = runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, reimport)
	if code != 0 {
		t.Fatalf("import of the shown state: exit code %d\n%s", code, stderr)
	}
	if strings.TrimSpace(stdout) != "0 changed, 3 unchanged" {
		t.Errorf("import of the shown state printed %q, want \"0 changed, 3 unchanged\"", stdout)
	}
}

func TestStateShowEmptyStoreShowsZero(t *testing.T) {
	data := t.TempDir()
	empty := writeFile(t, "empty.json", `{}`)
	if code, _, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, empty); code != 0 {
		t.Fatalf("import: exit code %d\n%s", code, stderr)
	}

	code, stdout, stderr := runCommand(t, "state", "show", "--plan", twoRepsPlan, "--data", data)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"ana": 0`) || !strings.Contains(stdout, `"ben": 0`) {
		t.Errorf("stdout lacks zero counts for ana and ben:\n%s", stdout)
	}
	if !strings.Contains(stdout, `"absences": {}`) {
		t.Errorf("stdout lacks an empty absences object:\n%s", stdout)
	}
}

func TestStateImportIntoDynalite(t *testing.T) {
	endpoint := testenv.Dynalite(t)
	client := testenv.DynamoClient(t, endpoint)
	table := testenv.DynamoTableName(t)
	if err := dynamo.CreateTable(t.Context(), client, table); err != nil {
		t.Fatalf("CreateTable(%q): %v", table, err)
	}
	t.Cleanup(func() { _ = dynamo.DeleteTable(t.Context(), client, table) })
	// The command loads the default AWS configuration: give it fake
	// credentials and no shared files, and turn off instance metadata.
	none := filepath.Join(t.TempDir(), "none")
	for name, value := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIDLOCALTEST",
		"AWS_SECRET_ACCESS_KEY":       "local-test-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "us-east-1",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(name, value)
	}
	state := writeFile(t, "state.json", teamStateFile)

	code, stdout, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--table", table, "--endpoint", endpoint, state)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "6 changed, 0 unchanged") {
		t.Errorf("stdout lacks the summary:\n%s", stdout)
	}
	snap, err := dynamo.New(client, table).Snapshot(t.Context(), store.Query{AccountKeys: importedKeys, Reps: []string{"ana", "ben"}})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	checkImported(t, snap)

	code, stdout, stderr = runCommand(t, "state", "show", "--plan", twoRepsPlan, "--table", table, "--endpoint", endpoint)
	if code != 0 {
		t.Fatalf("show: exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"ana": 12`) {
		t.Errorf("show output lacks ana's count:\n%s", stdout)
	}
}

func TestStateImportListsEveryProblem(t *testing.T) {
	data := t.TempDir()
	state := writeFile(t, "bad.json", `{
  "active":    {"zed": 1, "ana": -2, "ben": 3},
  "owners":    {"---": "ana", "acme.com": "zed", "initech.com": "ana", "hooli.com": ""},
  "customers": {"domain:initech.com": "ben"},
  "absences":  {"ana": ["next week", {"from": "2026-12-05T00:00:00Z", "until": "2026-12-04T00:00:00Z"}, {"until": "2026-12-04T00:00:00Z"}], "zed": []}
}`)

	code, stdout, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, state)

	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing because nothing is imported", stdout)
	}
	for _, want := range []string{
		`active: unknown rep "zed"`,
		`active: "ana" has -2 active opportunities; write 0 or more`,
		`owners: key "---" names no domain or company`,
		`owners: "acme.com": unknown rep "zed"`,
		`owners: "hooli.com" has no rep`,
		`account "domain:initech.com" is owned by "ana" in owners and by "ben" in customers`,
		`absences: "ana"[0]`,
		`absences: "ana"[1]: until 2026-12-04T00:00:00Z is not after from`,
		`absences: "ana"[2]: missing from`,
		`absences: unknown rep "zed"`,
		"10 problems; nothing was imported",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(data, storeFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("store file after a rejected import: Stat error = %v, want ErrNotExist because nothing is opened", err)
	}
}

func TestStateImportEndedTimeOff(t *testing.T) {
	state := writeFile(t, "ended.json", `{"absences": {"ben": ["until 2020-01-10"]}}`)

	code, _, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", t.TempDir(), state)

	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if !strings.Contains(stderr, `absences: "ben"[0]: time off until 2020-01-11T00:00:00Z`) || !strings.Contains(stderr, "has already ended") {
		t.Errorf("stderr lacks the ended time off:\n%s", stderr)
	}
}

func TestStateImportStartsOpenTimeOffNow(t *testing.T) {
	data := t.TempDir()
	state := writeFile(t, "open.json", `{"absences": {"ben": ["until 2099-01-10"]}}`)
	before := time.Now().Add(-time.Second)

	code, _, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, state)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr: %s", code, stderr)
	}
	st, err := bolt.Open(filepath.Join(data, storeFile))
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	defer st.Close()
	snap, err := st.Snapshot(t.Context(), store.Query{Reps: []string{"ben"}})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	got := snap.State.Absences["ben"]
	if len(got) != 1 {
		t.Fatalf("Absences[ben] = %v, want one period", got)
	}
	if got[0].From.Before(before) || got[0].From.After(time.Now()) {
		t.Errorf("From = %v, want the time of the import", got[0].From)
	}
}

func TestStateRejectsBadUsage(t *testing.T) {
	state := writeFile(t, "state.json", `{}`)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no subcommand", []string{"state"}, 2, "Usage: leadrouter state import"},
		{"unknown subcommand", []string{"state", "export"}, 2, `unknown subcommand "export"`},
		{"no store", []string{"state", "import", "--plan", twoRepsPlan, state}, 2, "no store given"},
		{"two stores", []string{"state", "import", "--plan", twoRepsPlan, "--data", t.TempDir(), "--table", "t", state}, 2, "--data and --table are both set"},
		{"no plan", []string{"state", "import", "--data", t.TempDir(), state}, 2, "--plan is missing"},
		{"no state file", []string{"state", "import", "--plan", twoRepsPlan, "--data", t.TempDir()}, 2, "need exactly one state file"},
		{"remote endpoint", []string{"state", "show", "--plan", twoRepsPlan, "--table", "t", "--endpoint", "https://dynamodb.us-east-1.amazonaws.com"}, 2, "only an http URL on 127.0.0.1"},
		{"endpoint without table", []string{"state", "show", "--plan", twoRepsPlan, "--data", t.TempDir(), "--endpoint", "http://127.0.0.1:8000"}, 2, "--endpoint is set without --table"},
		{"show arguments", []string{"state", "show", "--plan", twoRepsPlan, "--data", t.TempDir(), state}, 2, "unexpected arguments"},
		{"show missing store", []string{"state", "show", "--plan", twoRepsPlan, "--data", t.TempDir()}, 1, "no store at"},
		{"missing state file", []string{"state", "import", "--plan", twoRepsPlan, "--data", t.TempDir(), filepath.Join(t.TempDir(), "none.json")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCommand(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstderr: %s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

func TestStateImportRejectsFileProblems(t *testing.T) {
	tests := []struct {
		name  string
		state string
		want  []string
	}{
		{
			name:  "unknown key and wrong types listed together",
			state: `{"activ": {}, "active": {"ana": "three", "ben": 2}, "owners": {"acme.com": 7, "initech.com": "zed"}, "customers": [], "absences": {"ana": "2026-12-24"}}`,
			want: []string{
				`unknown key "activ"; use "active", "owners", "customers", "absences"`,
				`active: "ana": expected a whole number such as 3, got text "three"`,
				`owners: "acme.com": expected a rep id such as "ana", got a number 7`,
				`owners: "initech.com": unknown rep "zed"`,
				`customers: expected an object of names to values, got a list []`,
				`absences: "ana": expected a list such as ["2026-12-24 to 2026-12-28"], got text "2026-12-24"`,
				"6 problems; nothing was imported",
			},
		},
		{
			name:  "duplicated keys",
			state: `{"owners": {"acme.com": "ana", "acme.com": "ben"}, "active": {"ana": 1}, "active": {"ben": 1}}`,
			want: []string{
				`key "active" appears twice in the top level`,
				`key "acme.com" appears twice in owners`,
				"2 problems; nothing was imported",
			},
		},
		{
			name:  "free-mail and public-suffix accounts",
			state: `{"owners": {"gmail.com": "ana", "co.uk": "ben", "domain:github.io": "ana", "acme.github.io": "ben"}, "customers": {"domain:mail.gmail.com": "ben", "company:Gmail": "ana"}}`,
			want: []string{
				`owners: "gmail.com" is the free-mail domain "gmail.com"`,
				`owners: "co.uk" is the public suffix "co.uk", which names no account`,
				`owners: "domain:github.io" is the public suffix "github.io"`,
				`customers: "domain:mail.gmail.com" is the free-mail domain "mail.gmail.com"`,
				"4 problems; nothing was imported",
			},
		},
		{
			name:  "placeholder company",
			state: `{"owners": {"N/A": "ana", "company:Self-employed": "ben"}}`,
			want: []string{
				`owners: key "N/A" names no domain or company`,
				`owners: key "company:Self-employed" names no domain or company`,
				"2 problems; nothing was imported",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			state := writeFile(t, "bad.json", tt.state)

			code, _, stderr := runCommand(t, "state", "import", "--plan", twoRepsPlan, "--data", data, state)

			if code != 1 {
				t.Errorf("exit code = %d, want 1", code)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}
