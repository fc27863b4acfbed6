package sheet

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin without the system's zone files
	"unicode/utf16"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()

	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("load time zone Europe/Berlin: %v", err)
	}
	return loc
}

func sampleRecord() store.Record {
	return store.Record{
		Lead: lead.Lead{
			ID:         "L-01JD0000000000000000000001",
			ReceivedAt: time.Date(2026, 3, 2, 13, 5, 9, 750_000_000, time.UTC),
			FirstName:  "Ana",
			LastName:   "Ruiz",
			Email:      "ana@acme.example",
			Phone:      "+49 151 1234567",
			Company:    "Acme GmbH",
			Domain:     "acme.example",
			Source:     "inbound",
			Industry:   "Software",
			Country:    "DE",
			Region:     "EMEA",
			Employees:  120,
			Potential:  12500.5,
			Message:    "How can we help?\nWe need routing for 4 reps.",
			Attributes: map[string]string{
				"utm_campaign": "spring",
				"Budget note":  "Q3",
			},
			SourceSubmissionID: "typeform-8f2a",
		},
		Decision: routing.Decision{
			Owner:       "ben",
			CoveredBy:   "cara",
			Rule:        "inbound-large",
			Zone:        routing.ZoneCollaborative,
			Split:       &routing.Split{Prospector: "ana", Closer: "ben", ProspectorShare: 0.6, CloserShare: 0.4},
			Escalation:  &routing.Escalation{To: "lead@acme.example", Reason: "every rep is full"},
			Explanation: []string{"Rule inbound-large matched.", "", "  Ben is away, so cara covers.  "},
		},
	}
}

func TestLeadRowColumns(t *testing.T) {
	loc := berlin(t)
	row := LeadRow(sampleRecord(), loc)

	want := map[string]any{
		HeaderLeadID:        "L-01JD0000000000000000000001",
		HeaderFirstName:     "Ana",
		HeaderLastName:      "Ruiz",
		HeaderEmail:         "ana@acme.example",
		HeaderPhone:         "+49 151 1234567",
		HeaderCompany:       "Acme GmbH",
		HeaderDomain:        "acme.example",
		HeaderSource:        "inbound",
		HeaderIndustry:      "Software",
		HeaderCountry:       "DE",
		HeaderRegion:        "EMEA",
		HeaderEmployees:     120,
		HeaderPotential:     12500.5,
		HeaderOwner:         "ben",
		HeaderCoveredBy:     "cara",
		HeaderZone:          "collaborative",
		HeaderRule:          "inbound-large",
		HeaderRoutingReason: "Rule inbound-large matched; Ben is away, so cara covers.",
		HeaderSplit:         "ana 60% / ben 40%",
		HeaderEscalation:    "every rep is full (to lead@acme.example)",
		HeaderMessage:       "How can we help?\nWe need routing for 4 reps.",
		HeaderSubmissionID:  "typeform-8f2a",
		HeaderDetails:       "Budget note: Q3\nutm_campaign: spring",
	}
	for header, value := range want {
		if row[header] != value {
			t.Errorf("LeadRow()[%q] = %#v, want %#v", header, row[header], value)
		}
	}

	received, ok := row[HeaderReceived].(time.Time)
	if !ok {
		t.Fatalf("LeadRow()[Received] has type %T, want time.Time", row[HeaderReceived])
	}
	if got := received.Format(TimeLayout); got != "2026-03-02 14:05:09" {
		t.Errorf("Received in Europe/Berlin = %s, want 2026-03-02 14:05:09 (UTC+1, sub-second part dropped)", got)
	}
	if received.Location() != loc {
		t.Errorf("Received location = %v, want Europe/Berlin", received.Location())
	}
}

func TestLeadRowWritesNoRepEditedColumn(t *testing.T) {
	row := LeadRow(sampleRecord(), nil)

	for header := range row {
		if Leads.Edited(header) {
			t.Errorf("LeadRow() sets rep-edited column %q", header)
		}
	}
	for _, header := range Leads.Written() {
		if _, ok := row[header]; !ok {
			t.Errorf("LeadRow() lacks product-written column %q", header)
		}
	}
	if len(row) != len(Leads.Written()) {
		t.Errorf("LeadRow() has %d columns, want %d (every product-written one)", len(row), len(Leads.Written()))
	}
}

func TestLeadRowUnknownSizeIsBlank(t *testing.T) {
	rec := sampleRecord()
	rec.Lead.Employees = 0
	rec.Lead.Potential = 0
	rec.Decision.Split = nil
	rec.Decision.Escalation = nil

	row := LeadRow(rec, nil)

	if v, ok := row[HeaderEmployees]; ok {
		t.Errorf("Employees = %#v, want absent for an unknown size", v)
	}
	if v, ok := row[HeaderPotential]; ok {
		t.Errorf("Potential = %#v, want absent for an unknown potential", v)
	}
	if row[HeaderSplit] != "" {
		t.Errorf("Split = %#v, want empty without a split", row[HeaderSplit])
	}
	if row[HeaderEscalation] != "" {
		t.Errorf("Escalation = %#v, want empty without an escalation", row[HeaderEscalation])
	}
}

func TestLeadRowWithoutExtrasIsBlank(t *testing.T) {
	rec := sampleRecord()
	rec.Lead.Message = ""
	rec.Lead.SourceSubmissionID = ""
	rec.Lead.Attributes = nil

	row := LeadRow(rec, nil)

	for _, header := range []string{HeaderMessage, HeaderSubmissionID, HeaderDetails} {
		if row[header] != "" {
			t.Errorf("%s = %#v, want empty", header, row[header])
		}
	}
}

func TestLeadRowDetailsForm(t *testing.T) {
	cases := []struct {
		name       string
		form       string
		attributes map[string]string
		want       string
	}{
		{"form and attributes", "Contact us", map[string]string{"utm_campaign": "spring"}, "form: Contact us\nutm_campaign: spring"},
		{"form alone", "Contact us", nil, "form: Contact us"},
		{"form on two lines", "Contact\nus", nil, "form: Contact us"},
		{"blank form", "  ", map[string]string{"utm_campaign": "spring"}, "utm_campaign: spring"},
		{"no form", "", map[string]string{"utm_campaign": "spring"}, "utm_campaign: spring"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := sampleRecord()
			rec.Lead.Form = tc.form
			rec.Lead.Attributes = tc.attributes

			if got := LeadRow(rec, nil)[HeaderDetails]; got != tc.want {
				t.Errorf("Details = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLeadRowCutsLongDetails(t *testing.T) {
	rec := sampleRecord()
	rec.Lead.Attributes = map[string]string{}
	for i := range 50 {
		rec.Lead.Attributes[fmt.Sprintf("field %02d", i)] = strings.Repeat("x", 1000)
	}

	got := LeadRow(rec, nil)[HeaderDetails].(string)

	if units := len(utf16.Encode([]rune(got))); units != MaxCellText {
		t.Errorf("cut Details has %d UTF-16 units, want %d", units, MaxCellText)
	}
	if !strings.HasPrefix(got, "field 00: xxx") || !strings.HasSuffix(got, "…") {
		t.Errorf("cut Details = %q…%q, want the first field first and … at the end", got[:20], got[len(got)-8:])
	}
}

func TestDetailsText(t *testing.T) {
	tests := []struct {
		name       string
		attributes map[string]string
		want       string
	}{
		{"none", nil, ""},
		{"one", map[string]string{"utm_source": "ads"}, "utm_source: ads"},
		{"sorted ignoring case", map[string]string{"b": "2", "A": "1", "c": "3"}, "A: 1\nb: 2\nc: 3"},
		{"same key in two cases in a stable order", map[string]string{"plan": "x", "Plan": "y"}, "Plan: y\nplan: x"},
		{"blank key or value left out", map[string]string{" ": "orphan", "empty": "  ", "kept": "yes"}, "kept: yes"},
		{"line breaks become spaces", map[string]string{"two\nlines": "first \r\n second\u2028third"}, "two lines: first second third"},
		{"surrounding spaces trimmed", map[string]string{" key ": " value "}, "key: value"},
		{"formula text kept as given", map[string]string{"note": "=1+1"}, "note: =1+1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetailsText(tc.attributes); got != tc.want {
				t.Errorf("DetailsText(%q) = %q, want %q", tc.attributes, got, tc.want)
			}
		})
	}
}

func TestLeadRowNilLocationIsUTC(t *testing.T) {
	row := LeadRow(sampleRecord(), nil)

	received := row[HeaderReceived].(time.Time)
	if received.Location() != time.UTC {
		t.Errorf("Received location = %v, want UTC", received.Location())
	}
	if got := received.Format(TimeLayout); got != "2026-03-02 13:05:09" {
		t.Errorf("Received = %s, want 2026-03-02 13:05:09", got)
	}
}

func TestLeadRowCleansText(t *testing.T) {
	tests := []struct {
		name    string
		company string
		want    string
	}{
		{"formula stays as given", `=HYPERLINK("http://x","y")`, `=HYPERLINK("http://x","y")`},
		{"tab line feed and carriage return kept", "\tA\nB\rC", "\tA\nB\rC"},
		{"other control characters dropped", "A\x00B\x07C\x1bD\x7f", "ABCD"},
		{"invalid UTF-8 replaced", "Caf\xe9", "Caf\uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := sampleRecord()
			rec.Lead.Company = tc.company

			got := LeadRow(rec, nil)[HeaderCompany]
			if got != tc.want {
				t.Errorf("Company = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLeadRowCutsLongText(t *testing.T) {
	rec := sampleRecord()
	rec.Lead.Company = strings.Repeat("ü", MaxCellText) + strings.Repeat("😀", 10)

	got := LeadRow(rec, nil)[HeaderCompany].(string)

	if units := len(utf16.Encode([]rune(got))); units != MaxCellText {
		t.Errorf("cut Company has %d UTF-16 units, want %d", units, MaxCellText)
	}
	if !strings.HasSuffix(got, "…") {
		t.Errorf("cut Company ends with %q, want …", got[len(got)-8:])
	}
	if _, err := NewCell(HeaderCompany, got); err != nil {
		t.Errorf("NewCell(cut Company) = %v, want it accepted", err)
	}
}

func TestRoutingReason(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  string
	}{
		{"none", nil, ""},
		{"one step keeps its full stop", []string{"Owner of acme.example is ana."}, "Owner of acme.example is ana."},
		{"steps joined", []string{"Source is inbound.", "Ana holds 16 of 15.", "Overflow to ben."}, "Source is inbound; Ana holds 16 of 15; Overflow to ben."},
		{"blank steps dropped", []string{" ", "Fallback to ana", ""}, "Fallback to ana"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RoutingReason(tc.steps); got != tc.want {
				t.Errorf("RoutingReason(%q) = %q, want %q", tc.steps, got, tc.want)
			}
		})
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		split *routing.Split
		want  string
	}{
		{"none", nil, ""},
		{"even", &routing.Split{Prospector: "ana", Closer: "ben", ProspectorShare: 0.5, CloserShare: 0.5}, "ana 50% / ben 50%"},
		{"thirds rounded to one decimal", &routing.Split{Prospector: "ana", Closer: "ben", ProspectorShare: 1.0 / 3, CloserShare: 2.0 / 3}, "ana 33.3% / ben 66.7%"},
		{"float noise hidden", &routing.Split{Prospector: "ana", Closer: "ben", ProspectorShare: 0.7, CloserShare: 1 - 0.7}, "ana 70% / ben 30%"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SplitText(tc.split); got != tc.want {
				t.Errorf("SplitText() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEscalationText(t *testing.T) {
	tests := []struct {
		name       string
		escalation *routing.Escalation
		want       string
	}{
		{"none", nil, ""},
		{"reason and contact", &routing.Escalation{To: "lead@acme.example", Reason: "deal over 50k"}, "deal over 50k (to lead@acme.example)"},
		{"reason only", &routing.Escalation{Reason: "deal over 50k"}, "deal over 50k"},
		{"contact only", &routing.Escalation{To: "lead@acme.example"}, "to lead@acme.example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EscalationText(tc.escalation); got != tc.want {
				t.Errorf("EscalationText() = %q, want %q", got, tc.want)
			}
		})
	}
}
