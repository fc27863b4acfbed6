package sheet

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestLayoutTabsAreWellFormed(t *testing.T) {
	names := map[string]bool{}
	for _, tab := range Layout {
		if names[strings.ToLower(tab.Name)] {
			t.Errorf("tab %q appears twice in Layout", tab.Name)
		}
		names[strings.ToLower(tab.Name)] = true

		seen := map[string]bool{}
		for _, header := range tab.Headers {
			key := strings.ToLower(strings.TrimSpace(header))
			if key == "" {
				t.Errorf("tab %q has a blank header", tab.Name)
			}
			if seen[key] {
				t.Errorf("tab %q has header %q twice", tab.Name, header)
			}
			seen[key] = true
		}
		for _, edited := range tab.RepEdited {
			if !seen[strings.ToLower(edited)] {
				t.Errorf("tab %q lists rep-edited %q, which is not among its headers", tab.Name, edited)
			}
		}
	}

	for _, name := range []string{TabLeads, TabResearch, TabTeam, TabTargets, TabConflicts, TabSummary} {
		if !names[strings.ToLower(name)] {
			t.Errorf("Layout lacks tab %q", name)
		}
	}
}

func TestLeadsTabStartsWithLeadID(t *testing.T) {
	if Leads.Headers[0] != HeaderLeadID {
		t.Errorf("first Leads header = %q, want %q", Leads.Headers[0], HeaderLeadID)
	}
	if Leads.Edited(HeaderLeadID) {
		t.Errorf("Lead ID is rep-edited, want product-written")
	}
}

func TestTabEdited(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"Stage", true},
		{" deal size ", true},
		{"NOTES", true},
		{"Owner", false},
		{"Lead ID", false},
		{"Unknown", false},
	}
	for _, tc := range tests {
		if got := Leads.Edited(tc.header); got != tc.want {
			t.Errorf("Leads.Edited(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestLayoutTab(t *testing.T) {
	tab, ok := LayoutTab("target accounts")
	if !ok {
		t.Fatalf("LayoutTab(%q) found nothing", "target accounts")
	}
	if tab.Name != TabTargets {
		t.Errorf("LayoutTab(%q).Name = %q, want %q", "target accounts", tab.Name, TabTargets)
	}

	if _, ok := LayoutTab("Pipeline"); ok {
		t.Errorf("LayoutTab(%q) found a tab, want none", "Pipeline")
	}
}

func TestHeaderMatches(t *testing.T) {
	tests := []struct {
		cell, header string
		want         bool
	}{
		{"Lead ID", "Lead ID", true},
		{"  lead id ", "Lead ID", true},
		{"LEAD ID", "Lead ID", true},
		{"LeadID", "Lead ID", false},
		{"Lead ID 2", "Lead ID", false},
		{"", "Lead ID", false},
	}
	for _, tc := range tests {
		if got := HeaderMatches(tc.cell, tc.header); got != tc.want {
			t.Errorf("HeaderMatches(%q, %q) = %v, want %v", tc.cell, tc.header, got, tc.want)
		}
	}
}

func TestNewCellAccepts(t *testing.T) {
	berlinTime := time.Date(2026, 3, 2, 14, 5, 9, 999_000_000, time.FixedZone("CET", 3600))

	tests := []struct {
		name  string
		value any
		want  Cell
	}{
		{"nil", nil, Cell{Kind: Blank}},
		{"text", "Acme", Cell{Kind: Text, Text: "Acme"}},
		{"formula-like text", "=1+1", Cell{Kind: Text, Text: "=1+1"}},
		{"empty text", "", Cell{Kind: Text, Text: ""}},
		{"int", 42, Cell{Kind: Number, Number: 42}},
		{"negative int64", int64(-3), Cell{Kind: Number, Number: -3}},
		{"largest exact integer", 1 << 53, Cell{Kind: Number, Number: 1 << 53}},
		{"float", 12500.5, Cell{Kind: Number, Number: 12500.5}},
		{"epoch of 1900-03-01", time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), Cell{Kind: DateTime, Text: "1900-03-01 00:00:00", Number: 61}},
		{"wall clock kept and second truncated", berlinTime, Cell{Kind: DateTime, Text: "2026-03-02 14:05:09", Number: 46083 + (14*3600+5*60+9)/86400.0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewCell("Value", tc.value)
			if err != nil {
				t.Fatalf("NewCell(%#v) = %v, want no error", tc.value, err)
			}
			if got.Kind != tc.want.Kind {
				t.Errorf("Kind = %v, want %v", got.Kind, tc.want.Kind)
			}
			if got.Text != tc.want.Text {
				t.Errorf("Text = %q, want %q", got.Text, tc.want.Text)
			}
			if math.Abs(got.Number-tc.want.Number) > 1e-9 {
				t.Errorf("Number = %v, want %v", got.Number, tc.want.Number)
			}
		})
	}
}

func TestNewCellRejects(t *testing.T) {
	tests := []struct {
		name    string
		value   any
		message string
	}{
		{"bool", true, "has type bool"},
		{"slice", []string{"a"}, "has type []string"},
		{"NaN", math.NaN(), "only finite numbers are accepted"},
		{"infinity", math.Inf(1), "only finite numbers are accepted"},
		{"integer past 2^53", int64(1<<53 + 1), "send it as text"},
		{"invalid UTF-8", "Caf\xe9", "not valid UTF-8"},
		{"text over the cell limit", strings.Repeat("a", MaxCellText+1), "maximum of 32767"},
		{"emoji over the cell limit in UTF-16", strings.Repeat("😀", MaxCellText/2+1), "maximum of 32767"},
		{"zero time", time.Time{}, "outside the dates"},
		{"time before 1900-03-01", time.Date(1900, 2, 28, 23, 59, 59, 0, time.UTC), "outside the dates"},
		{"time after 9999", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "outside the dates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCell("Value", tc.value)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("NewCell() = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), `"Value"`) {
				t.Errorf("error %q does not name the header", err)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not contain %q", err, tc.message)
			}
		})
	}
}

func TestCheckHeadersToAdd(t *testing.T) {
	tests := []struct {
		name     string
		tab      string
		missing  []string
		dataRows int
		wantErr  bool
	}{
		{"Lead ID to Leads with data", TabLeads, []string{HeaderMessage, HeaderLeadID}, 3, true},
		{"Lead ID matched ignoring case", " leads ", []string{"lead id "}, 1, true},
		{"Lead ID to Leads without data", TabLeads, []string{HeaderLeadID}, 0, false},
		{"other headers to Leads with data", TabLeads, []string{HeaderMessage, HeaderDetails}, 3, false},
		{"Lead ID to another tab", TabConflicts, []string{HeaderLeadID}, 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckHeadersToAdd(tc.tab, tc.missing, tc.dataRows)

			if !tc.wantErr {
				if err != nil {
					t.Errorf("CheckHeadersToAdd() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("CheckHeadersToAdd() = %v, want an ErrInvalid error", err)
			}
		})
	}
}

func TestCheckHeadersToAddMessage(t *testing.T) {
	err := CheckHeadersToAdd(TabLeads, []string{HeaderLeadID}, 1)

	want := `invalid request: the "Lead ID" column is missing from tab "Leads", which has 1 data row; rename its header back to "Lead ID" (case and surrounding spaces do not matter). No lead row is written until then, and leads wait in the outbox`
	if err == nil || err.Error() != want {
		t.Errorf("CheckHeadersToAdd() = %v, want %q", err, want)
	}
}
