package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testMapping maps the columns of the CSV files that these tests write.
const testMapping = `
fields:
  submission_id: Ref
  email: Work Email
  company: Organisation
  source: [Channel, Origin]
  budget: Budget
  campaign: Campaign
constants:
  form: test-export
blank: [Select, n/a]
values:
  source:
    Web: inbound
    Cold: outbound
`

// writeCSV writes a header and rows to a file in dir and returns its path.
func writeCSV(t *testing.T, dir string, header []string, rows [][]string) string {
	t.Helper()

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeMapping(t *testing.T, dir, text string) *replayMapping {
	t.Helper()

	path := filepath.Join(dir, "map.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := loadMapping(path)
	if err != nil {
		t.Fatalf("loadMapping: %v", err)
	}
	return m
}

var testHeader = []string{"Ref", "Work Email", "Organisation", "Channel", "Origin", "Budget", "Campaign"}

func replayOnce(t *testing.T, srv *server, file string, m *replayMapping, concurrency int) *replaySummary {
	t.Helper()

	summary, err := replay(context.Background(), replayOptions{
		to:          "http://" + srv.addr() + "/leads",
		mapping:     m,
		file:        file,
		concurrency: concurrency,
		progress:    io.Discard,
		client:      &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	return summary
}

func TestReplayCountsAndReasons(t *testing.T) {
	dir := t.TempDir()
	m := writeMapping(t, dir, testMapping)
	file := writeCSV(t, dir, testHeader, [][]string{
		{"r1", "ada@acme.example", "Acme", "Web", "", "", "spring"},
		{"r2", "not-an-email", "Beta", "Web", "", "", ""},
		{"r3", "", "Gamma", "Select", "Cold", "", ""},
		{"", "", "", "Select", "", "", "spring"},
		{"r5", "also bad", "Delta", "Web", "", "ten", ""},
		{"r6", "bob@beta.example", "", "n/a", "Web", "$5,000", ""},
	})

	srv := testServer(t, t.TempDir())
	s := replayOnce(t, srv, file, m, 1)

	if s.accepted != 3 {
		t.Errorf("accepted = %d, want 3", s.accepted)
	}
	if s.rejected != 3 {
		t.Errorf("rejected = %d, want 3", s.rejected)
	}
	if s.failed != 0 {
		t.Errorf("failed = %d, want 0: %v", s.failed, s.failures)
	}
	if got := s.byZone["primary"]; got != 3 {
		t.Errorf("primary zone count = %d, want 3 (%v)", got, s.byZone)
	}
	if s.owners[4] != "ben" {
		t.Errorf("line 4 (Cold via Origin) owner = %q, want ben by the outbound rule", s.owners[4])
	}

	emailGroup := s.rejections[`email: "…" is not an email address`]
	if emailGroup == nil || fmt.Sprint(emailGroup.lines) != "[3 6]" {
		t.Errorf("email rejections = %+v, want lines 3 and 6 in one group; groups %v", emailGroup, groupNames(s.rejections))
	}
	if s.rejections[`budget: "…" is not a number`] == nil {
		t.Errorf("no budget rejection; groups %v", groupNames(s.rejections))
	}
	if s.rejections["email: is missing, and so are phone, company and submission_id"] == nil {
		t.Errorf("no missing-contact rejection for line 5; groups %v", groupNames(s.rejections))
	}

	var out bytes.Buffer
	s.print(&out)
	for _, want := range []string{"Replayed 6 rows", "Accepted: 3", "Rejected: 3", "by rep:", "(lines 3, 6)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary does not contain %q:\n%s", want, out.String())
		}
	}
}

func groupNames(groups map[string]*reasonGroup) []string {
	var names []string
	for name := range groups {
		names = append(names, name)
	}
	return names
}

func TestReplayTwiceAddsNothing(t *testing.T) {
	dir := t.TempDir()
	m := writeMapping(t, dir, testMapping)
	var rows [][]string
	for i := range 10 {
		// No submission id: the rows are distinguished by the replay's own
		// Idempotency-Key only.
		rows = append(rows, []string{"", fmt.Sprintf("lead%d@twice.example", i), "", "Web", "", "", ""})
	}
	file := writeCSV(t, dir, testHeader, rows)

	srv := testServer(t, t.TempDir())
	first := replayOnce(t, srv, file, m, 4)
	second := replayOnce(t, srv, file, m, 4)

	if first.accepted != 10 || first.duplicates != 0 {
		t.Fatalf("first replay: accepted %d, duplicates %d; want 10 and 0", first.accepted, first.duplicates)
	}
	if second.duplicates != 10 {
		t.Errorf("second replay: %d duplicates, want all 10", second.duplicates)
	}
	for line, id := range first.leadIDs {
		if second.leadIDs[line] != id {
			t.Errorf("line %d: second replay got lead %s, want the original %s", line, second.leadIDs[line], id)
		}
	}

	waitFor(t, "10 rows in the workbook", 10*time.Second, func() bool { return len(leadIDs(t, srv.book)) >= 10 })
	if got := len(leadIDs(t, srv.book)); got != 10 {
		t.Errorf("workbook has %d rows after two replays of 10 leads, want 10", got)
	}
}

// TestReplayMatchesOneAtATime replays more inbound leads than the first
// rep's capacity and checks that each row gets the owner it gets when the
// same leads are posted one by one, in file order, to a fresh server.
func TestReplayMatchesOneAtATime(t *testing.T) {
	dir := t.TempDir()
	m := writeMapping(t, dir, testMapping)
	var rows [][]string
	for i := range 45 {
		source := "Web"
		if i%7 == 3 {
			source = "Cold"
		}
		rows = append(rows, []string{fmt.Sprintf("sub-%d", i), fmt.Sprintf("p%d@order%d.example", i, i), "", source, "", "", ""})
	}
	file := writeCSV(t, dir, testHeader, rows)

	replayed := replayOnce(t, testServer(t, t.TempDir()), file, m, 1)

	single := testServer(t, t.TempDir())
	for i, row := range rows {
		line := i + 2
		body := fmt.Sprintf(`{"submission_id":%q,"form":"test-export","email":%q,"source":%q}`,
			row[0], row[1], map[string]string{"Web": "inbound", "Cold": "outbound"}[row[3]])
		status, answer := postJSON(t, single, body)
		if status != 202 {
			t.Fatalf("line %d: status %d, %v", line, status, answer)
		}
		if owner, _ := answer["owner"].(string); owner != replayed.owners[line] {
			t.Errorf("line %d: one at a time gives %q, replay gave %q", line, owner, replayed.owners[line])
		}
	}

	// The file is only a test of order if capacity changed some owners.
	if replayed.byZone["overflow"] == 0 {
		t.Errorf("no lead overflowed (%v); the file does not exercise capacity", replayed.byZone)
	}
}

func TestReplayUsageErrors(t *testing.T) {
	dir := t.TempDir()
	mapPath := filepath.Join(dir, "map.yaml")
	if err := os.WriteFile(mapPath, []byte(testMapping), 0o600); err != nil {
		t.Fatal(err)
	}
	badMap := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badMap, []byte("fields: {}\ncolumns: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	csvPath := writeCSV(t, dir, []string{"Other"}, [][]string{{"x"}})

	cases := []struct {
		name     string
		args     []string
		contains string
	}{
		{"no flags", []string{"file.csv"}, "--to is missing"},
		{"bad URL", []string{"--to", "ftp://x", "--map", mapPath, "f.csv"}, "not an http or https URL"},
		{"no file", []string{"--to", "http://127.0.0.1:1", "--map", mapPath}, "expected one CSV file"},
		{"concurrency zero", []string{"--to", "http://127.0.0.1:1", "--map", mapPath, "--concurrency", "0", "f.csv"}, "--concurrency 0 is out of range"},
		{"unknown mapping key", []string{"--to", "http://127.0.0.1:1", "--map", badMap, "f.csv"}, "columns"},
		{"missing CSV", []string{"--to", "http://127.0.0.1:1", "--map", mapPath, filepath.Join(dir, "none.csv")}, "none.csv"},
		{"columns missing", []string{"--to", "http://127.0.0.1:1", "--map", mapPath, csvPath}, `no column "Budget"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runReplay(context.Background(), c.args, &stdout, &stderr)
			if code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), c.contains) {
				t.Errorf("stderr does not contain %q:\n%s", c.contains, stderr.String())
			}
		})
	}
}

func TestIntakeURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000/leads"},
		{"http://127.0.0.1:3000/", "http://127.0.0.1:3000/leads"},
		{"https://api.example.com/prod/leads", "https://api.example.com/prod/leads"},
	}
	for _, c := range cases {
		got, err := intakeURL(c.in)
		if err != nil || got != c.want {
			t.Errorf("intakeURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestExampleMappingFitsExport binds the shipped X Education mapping to
// that export's header and checks the blank markers and source names on a
// row written here.
func TestExampleMappingFitsExport(t *testing.T) {
	m, err := loadMapping(filepath.Join("..", "..", "examples", "replay", "xeducation.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Split("Prospect ID,Lead Number,Lead Origin,Lead Source,Do Not Email,Do Not Call,Converted,TotalVisits,Total Time Spent on Website,Page Views Per Visit,Last Activity,Country,Specialization,How did you hear about X Education,What is your current occupation,What matters most to you in choosing a course,Search,Magazine,Newspaper Article,X Education Forums,Newspaper,Digital Advertisement,Through Recommendations,Receive More Updates About Our Courses,Tags,Lead Quality,Update me on Supply Chain Content,Get updates on DM Content,Lead Profile,City,Asymmetrique Activity Index,Asymmetrique Profile Index,Asymmetrique Activity Score,Asymmetrique Profile Score,I agree to pay the amount through cheque,A free copy of Mastering The Interview,Last Notable Activity", ",")
	if err := m.bind(header); err != nil {
		t.Fatalf("bind: %v", err)
	}

	record := make([]string, len(header))
	set := func(column, value string) { record[m.columns[column]] = value }
	set("Prospect ID", "00000000-0000-4000-8000-000000000001")
	set("Lead Origin", "Lead Import")
	set("Lead Source", "")
	set("Country", "unknown")
	set("Specialization", "Select")
	set("City", "Mumbai")

	got := m.lead(record)
	want := map[string]string{
		"submission_id": "00000000-0000-4000-8000-000000000001",
		"form":          "xeducation",
		"source":        "list",
		"region":        "Mumbai",
		"lead_origin":   "Lead Import",
	}
	for field, value := range want {
		if got[field] != value {
			t.Errorf("%s = %q, want %q", field, got[field], value)
		}
	}
	for _, field := range []string{"country", "industry", "lead_source_original"} {
		if v, ok := got[field]; ok {
			t.Errorf("%s = %q, want it left out as blank", field, v)
		}
	}
}
