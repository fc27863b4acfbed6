package routing

import (
	"strings"
	"testing"
	"time"
)

func TestParseAbsence(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, berlin) }

	tests := []struct {
		name, text  string
		from, until time.Time
	}{
		{"whole day", "2026-12-24", at(2026, 12, 24, 0, 0), at(2026, 12, 25, 0, 0)},
		{"range of dates includes the last day", "2026-12-24 to 2026-12-28", at(2026, 12, 24, 0, 0), at(2026, 12, 29, 0, 0)},
		{"range with a hyphen", "2026-12-24 - 2026-12-28", at(2026, 12, 24, 0, 0), at(2026, 12, 29, 0, 0)},
		{"range with an en dash and capitals", "2026-12-24 – 2026-12-28", at(2026, 12, 24, 0, 0), at(2026, 12, 29, 0, 0)},
		{"range with until", "2026-12-24 UNTIL 2026-12-28", at(2026, 12, 24, 0, 0), at(2026, 12, 29, 0, 0)},
		{"afternoon off", "2026-12-24 13:00", at(2026, 12, 24, 13, 0), at(2026, 12, 25, 0, 0)},
		{"date and time with T", "2026-12-24T13:00", at(2026, 12, 24, 13, 0), at(2026, 12, 25, 0, 0)},
		{"partial range", "2026-12-23 13:00 to 2026-12-24 12:00", at(2026, 12, 23, 13, 0), at(2026, 12, 24, 12, 0)},
		{"until a date", "until 2026-12-28", time.Time{}, at(2026, 12, 29, 0, 0)},
		{"until a time", "Until 2026-12-28 09:30", time.Time{}, at(2026, 12, 28, 9, 30)},
		{"extra spaces", "  2026-12-24   to  2026-12-28 ", at(2026, 12, 24, 0, 0), at(2026, 12, 29, 0, 0)},
		{"spring forward day is 23 hours", "2026-03-29", at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAbsence(tt.text, berlin)
			if err != nil {
				t.Fatalf("ParseAbsence(%q): %v", tt.text, err)
			}
			if !a.From.Equal(tt.from) {
				t.Errorf("from = %v, want %v", a.From, tt.from)
			}
			if !a.Until.Equal(tt.until) {
				t.Errorf("until = %v, want %v", a.Until, tt.until)
			}
		})
	}
}

func TestParseAbsenceUsesTheRepsZone(t *testing.T) {
	a, err := ParseAbsence("2026-12-24", mustZone(t, "America/Los_Angeles"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC); !a.From.Equal(want) {
		t.Errorf("from = %v, want %v (midnight in Los Angeles)", a.From.UTC(), want)
	}
}

func TestParseAbsenceRejects(t *testing.T) {
	tests := []struct {
		name, text, message string
	}{
		{"empty", "  ", "empty"},
		{"words", "next week", `"next week" is not a date`},
		{"day first", "24.12.2026", "is not a date"},
		{"impossible date", "2026-02-30", "is not a date"},
		{"end before start", "2026-12-28 to 2026-12-24", "ends before it starts"},
		{"same instant range", "2026-12-24 10:00 to 2026-12-24 10:00", "ends before it starts"},
		{"bad end", "2026-12-24 to soon", "end:"},
		{"too long", strings.Repeat("2026-12-24 ", 20), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAbsence(tt.text, time.UTC)
			if err == nil {
				t.Fatalf("ParseAbsence(%q) returned no error", tt.text)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q lacks %q", err, tt.message)
			}
			if !strings.Contains(err.Error(), "2026-12-24") && tt.name != "end before start" && tt.name != "same instant range" {
				t.Errorf("error %q does not show an accepted form", err)
			}
		})
	}
}

// FuzzParseAbsence checks that any text gives an error or an absence that
// ends after it starts.
func FuzzParseAbsence(f *testing.F) {
	for _, seed := range []string{
		"2026-12-24", "2026-12-24 to 2026-12-28", "2026-12-24 13:00", "until 2026-12-28",
		"2026-12-23 13:00 to 2026-12-24 12:00", "", "to", "until ", " - ", "9999-12-31", "0000-01-01",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, err := ParseAbsence(text, time.UTC)
		if err != nil {
			return
		}
		if !a.Until.After(a.From) {
			t.Fatalf("ParseAbsence(%q) = %+v, which does not end after it starts", text, a)
		}
	})
}
