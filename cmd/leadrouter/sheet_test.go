package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/sheet"
)

func runSheetCommand(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()

	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"sheet"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSheetInitCreatesWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "leads.xlsx")

	code, stdout, stderr := runSheetCommand(t, "init", "--workbook", path)

	if code != 0 {
		t.Fatalf("sheet init exit code = %d, want 0; stderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "created workbook "+path) {
		t.Errorf("stdout = %q, want it to report the created workbook", stdout)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open created workbook: %v", err)
	}
	defer f.Close()
	if got := len(f.GetSheetList()); got != len(sheet.Layout) {
		t.Errorf("workbook has %d tabs, want %d", got, len(sheet.Layout))
	}
}

func TestSheetInitTwiceChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.xlsx")
	if code, _, stderr := runSheetCommand(t, "init", "--workbook", path); code != 0 {
		t.Fatalf("first sheet init exit code = %d; stderr: %s", code, stderr)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read workbook: %v", err)
	}

	code, stdout, stderr := runSheetCommand(t, "init", "--workbook", path)

	if code != 0 {
		t.Fatalf("second sheet init exit code = %d; stderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "nothing changed") {
		t.Errorf("stdout = %q, want it to say nothing changed", stdout)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read workbook: %v", err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("second sheet init changed the workbook's bytes")
	}
}

func TestSheetInitCompletesWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.xlsx")
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet.TabTeam); err != nil {
		t.Fatalf("name tab: %v", err)
	}
	for cell, value := range map[string]string{"A1": "Rep", "B1": "Forecast", "A2": "ana", "B2": "high"} {
		if err := f.SetCellStr(sheet.TabTeam, cell, value); err != nil {
			t.Fatalf("set %s: %v", cell, err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatalf("save %q: %v", path, err)
	}

	code, stdout, stderr := runSheetCommand(t, "init", "--workbook", path)

	if code != 0 {
		t.Fatalf("sheet init exit code = %d; stderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, `added to tab "Team" the headers Name, Email, Active Opportunities`) {
		t.Errorf("stdout = %q, want it to list the headers added to Team", stdout)
	}
	if !strings.Contains(stdout, `created tab "Leads"`) {
		t.Errorf("stdout = %q, want it to report the created Leads tab", stdout)
	}
	if strings.Contains(stdout, `"Rep"`) {
		t.Errorf("stdout = %q, want no mention of the existing Rep header", stdout)
	}

	check, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer check.Close()
	rows, err := check.GetRows(sheet.TabTeam)
	if err != nil {
		t.Fatalf("read Team: %v", err)
	}
	if rows[1][0] != "ana" || rows[1][1] != "high" {
		t.Errorf("Team row 2 = %q, want the rep's data unchanged", rows[1])
	}
	if rows[0][2] != "Name" {
		t.Errorf("Team C1 = %q, want the first added header, Name, right of the rep's column", rows[0][2])
	}
}

func TestSheetInitUsageErrors(t *testing.T) {
	credentials := filepath.Join(t.TempDir(), "key.json")

	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"no subcommand", nil, "Usage: leadrouter sheet init"},
		{"unknown subcommand", []string{"sync"}, `unknown subcommand "sync"`},
		{"no target", []string{"init"}, "missing target"},
		{"both targets", []string{"init", "--workbook", "a.xlsx", "--spreadsheet", "abc"}, "both set"},
		{"credentials with workbook", []string{"init", "--workbook", "a.xlsx", "--credentials", credentials}, "applies to --spreadsheet only"},
		{"spreadsheet without credentials", []string{"init", "--spreadsheet", "abc"}, "needs --credentials"},
		{"extra argument", []string{"init", "--workbook", "a.xlsx", "b.xlsx"}, `unexpected argument "b.xlsx"`},
		{"unknown flag", []string{"init", "--sheet", "x"}, "flag provided but not defined"},
		{"invalid spreadsheet id", []string{"init", "--spreadsheet", "not an id!", "--credentials", credentials}, "invalid spreadsheet id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runSheetCommand(t, tc.args...)

			if code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			if !strings.Contains(stderr, tc.message) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.message)
			}
		})
	}
}

func TestSheetInitHelp(t *testing.T) {
	code, _, stderr := runSheetCommand(t, "init", "-h")

	if code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	if !strings.Contains(stderr, "-workbook") {
		t.Errorf("help = %q, want it to list the flags", stderr)
	}
}

func TestSheetInitBadWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.xlsx")
	if err := os.WriteFile(path, []byte("not a workbook"), 0o600); err != nil {
		t.Fatalf("write %q: %v", path, err)
	}

	code, _, stderr := runSheetCommand(t, "init", "--workbook", path)

	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if !strings.Contains(stderr, path) {
		t.Errorf("stderr = %q, want it to name the workbook", stderr)
	}
}

func TestSheetInitMissingCredentialsFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")

	code, _, stderr := runSheetCommand(t, "init", "--spreadsheet", "abc", "--credentials", missing)

	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if !strings.Contains(stderr, "read credentials") || !strings.Contains(stderr, missing) {
		t.Errorf("stderr = %q, want it to name the credentials file", stderr)
	}
}

// TestSheetInitSpreadsheet runs the Google path through the real Sheets
// client against the local fake server.
func TestSheetInitSpreadsheet(t *testing.T) {
	fake := fakesheets.New()
	t.Cleanup(fake.Close)
	credentials := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(credentials, []byte(`{"type": "service_account"}`), 0o600); err != nil {
		t.Fatalf("write credentials: %v", err)
	}

	var gotCredentials []byte
	original := openSpreadsheet
	openSpreadsheet = func(ctx context.Context, id string, credentialsJSON []byte) (sheet.Book, error) {
		gotCredentials = credentialsJSON
		svc, err := sheets.NewService(ctx, option.WithEndpoint(fake.URL()), option.WithoutAuthentication())
		if err != nil {
			return nil, err
		}
		return gsheets.New(svc, id)
	}
	t.Cleanup(func() { openSpreadsheet = original })

	url := "https://docs.google.com/spreadsheets/d/" + fakesheets.SpreadsheetID + "/edit#gid=0"
	code, stdout, stderr := runSheetCommand(t, "init", "--spreadsheet", url, "--credentials", credentials)

	if code != 0 {
		t.Fatalf("exit code = %d, want 0; stderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "spreadsheet "+fakesheets.SpreadsheetID) {
		t.Errorf("stdout = %q, want it to name the spreadsheet", stdout)
	}
	if string(gotCredentials) != `{"type": "service_account"}` {
		t.Errorf("credentials passed on = %q, want the file's content", gotCredentials)
	}
	titles := fake.Sheets()
	for _, tab := range sheet.Layout {
		found := false
		for _, title := range titles {
			found = found || title == tab.Name
		}
		if !found {
			t.Errorf("spreadsheet tabs = %q, want %q among them", titles, tab.Name)
		}
	}
}
