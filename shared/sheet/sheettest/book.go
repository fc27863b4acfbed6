package sheettest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// Tabs of the clauses: small on purpose, so failures are easy to read.
var (
	people = sheet.Tab{Name: "People", Headers: []string{"ID", "Name", "Notes"}}
	places = sheet.Tab{Name: "Places", Headers: []string{"City"}}
)

// FormulaPayloads are texts that a sheet would run as formulas, or turn into
// numbers, if it parsed what it is sent: each must come back as the same
// text.
var FormulaPayloads = []string{
	`=IMPORTXML("http://x","//a")`,
	`=HYPERLINK("http://x","y")`,
	`+cmd|' /C calc'!A0`,
	`-2+3`,
	`@SUM(1+1)`,
	"\t=1+1",
	"\r=1+1",
	`=1+1`,
	`+4915112345678`,
}

// LookAlikes are texts that a parsing sheet would change into a number, a
// date or a boolean.
var LookAlikes = []string{"00123", "1e3", "1,5", "TRUE", "2026-03-02", "12:30", "50%", "$100", " padded "}

var ensureTabsTests = []bookTest{
	{"creates missing tabs with headers", func(t *testing.T, b book) {
		mustEnsure(t, b, people, places)

		checkGrid(t, b, people.Name, [][]string{people.Headers})
		checkGrid(t, b, places.Name, [][]string{places.Headers})
		if rows := mustRows(t, b, people.Name); len(rows) != 0 {
			t.Errorf("Rows(%q) of a new tab = %q, want none", people.Name, rows)
		}
	}},

	{"adds missing headers right of data", func(t *testing.T, b book) {
		b.SetGrid(t, people.Name, [][]string{
			{"Name", "ID"},
			{"Ana", "1", "stray value under no header"},
		})

		mustEnsure(t, b, people)

		checkGrid(t, b, people.Name, [][]string{
			{"Name", "ID", "", "Notes"},
			{"Ana", "1", "stray value under no header"},
		})
	}},

	{"twice changes nothing", func(t *testing.T, b book) {
		mustEnsure(t, b, people, places)
		mustAppend(t, b, people.Name, sheet.Row{"ID": "1", "Name": "Ana"})
		before := b.Grid(t, people.Name)

		mustEnsure(t, b, people, places)

		checkGrid(t, b, people.Name, before)
		checkGrid(t, b, places.Name, [][]string{places.Headers})
	}},

	{"leaves rep columns and data alone", func(t *testing.T, b book) {
		grid := [][]string{
			{"ID", "Forecast", "Name", "Notes", "Mood"},
			{"1", "high", "Ana", "call back", "good"},
			{},
			{"3", "", "Cy", "", ""},
		}
		b.SetGrid(t, people.Name, grid)

		mustEnsure(t, b, people)

		checkGrid(t, b, people.Name, grid)
	}},

	{"matches headers ignoring case and spaces", func(t *testing.T, b book) {
		grid := [][]string{{" id ", "NAME", "notes"}}
		b.SetGrid(t, people.Name, grid)

		mustEnsure(t, b, people)

		checkGrid(t, b, people.Name, grid)
	}},

	{"rejects Lead ID on a Leads tab with data", func(t *testing.T, b book) {
		grid := [][]string{
			{"Lead", "Company"},
			{"L-1", "Acme"},
		}
		b.SetGrid(t, sheet.TabLeads, grid)
		leads := sheet.Tab{Name: sheet.TabLeads, Headers: []string{sheet.HeaderLeadID, "Company"}}

		err := b.EnsureTabs(context.Background(), []sheet.Tab{places, leads})

		checkKind(t, err, sheet.ErrInvalid, "EnsureTabs(Leads with data and no Lead ID)")
		checkGrid(t, b, sheet.TabLeads, grid)
		_, err = b.Rows(context.Background(), places.Name)
		checkKind(t, err, sheet.ErrNotFound, "Rows(tab listed before the rejected one)")
	}},

	{"adds Lead ID to a Leads tab without data", func(t *testing.T, b book) {
		b.SetGrid(t, sheet.TabLeads, [][]string{{"Company"}, {}, {""}})
		leads := sheet.Tab{Name: sheet.TabLeads, Headers: []string{sheet.HeaderLeadID, "Company"}}

		mustEnsure(t, b, leads)

		checkGrid(t, b, sheet.TabLeads, [][]string{{"Company", sheet.HeaderLeadID}})
	}},

	{"rejects a tab without headers", func(t *testing.T, b book) {
		err := b.EnsureTabs(context.Background(), []sheet.Tab{{Name: "Empty"}})
		checkKind(t, err, sheet.ErrInvalid, "EnsureTabs(tab without headers)")
	}},

	{"rejects a blank tab name", func(t *testing.T, b book) {
		err := b.EnsureTabs(context.Background(), []sheet.Tab{{Name: " ", Headers: []string{"A"}}})
		checkKind(t, err, sheet.ErrInvalid, "EnsureTabs(blank name)")
	}},

	{"rejects a header named twice", func(t *testing.T, b book) {
		err := b.EnsureTabs(context.Background(), []sheet.Tab{{Name: "Twice", Headers: []string{"A", "a "}}})
		checkKind(t, err, sheet.ErrInvalid, "EnsureTabs(header twice)")
	}},
}

var appendTests = []bookTest{
	{"puts values under moved headers", func(t *testing.T, b book) {
		b.SetGrid(t, people.Name, [][]string{{"Notes", "Inserted by a rep", "ID", "Name"}})

		mustAppend(t, b, people.Name,
			sheet.Row{"ID": "1", "Name": "Ana", "Notes": "first"},
			sheet.Row{"ID": "2", "Name": "Ben"},
		)

		checkGrid(t, b, people.Name, [][]string{
			{"Notes", "Inserted by a rep", "ID", "Name"},
			{"first", "", "1", "Ana"},
			{"", "", "2", "Ben"},
		})
	}},

	{"lands below the last row with a value", func(t *testing.T, b book) {
		b.SetGrid(t, people.Name, [][]string{
			{"ID", "Name", "Notes"},
			{"1", "Ana", ""},
			{},
			{},
			{"", "", "a note without an id"},
			{},
		})

		mustAppend(t, b, people.Name, sheet.Row{"ID": "2", "Name": "Ben"})

		checkGrid(t, b, people.Name, [][]string{
			{"ID", "Name", "Notes"},
			{"1", "Ana", ""},
			{},
			{},
			{"", "", "a note without an id"},
			{"2", "Ben"},
		})
	}},

	{"twice appends after the first", func(t *testing.T, b book) {
		mustEnsure(t, b, people)

		mustAppend(t, b, people.Name, sheet.Row{"ID": "1"})
		mustAppend(t, b, people.Name, sheet.Row{"ID": "2"}, sheet.Row{"ID": "3"})

		if got, want := mustColumn(t, b, people.Name, "ID"), []string{"1", "2", "3"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Column(ID) = %q, want %q", got, want)
		}
	}},

	{"finds headers ignoring case and spaces", func(t *testing.T, b book) {
		b.SetGrid(t, people.Name, [][]string{{" id ", "NAME"}})

		mustAppend(t, b, people.Name, sheet.Row{"ID": "1", "name": "Ana"})

		checkGrid(t, b, people.Name, [][]string{{" id ", "NAME"}, {"1", "Ana"}})
	}},

	{"unknown header writes nothing", func(t *testing.T, b book) {
		mustEnsure(t, b, people)
		before := b.Grid(t, people.Name)

		err := b.Append(context.Background(), people.Name, []sheet.Row{
			{"ID": "1"},
			{"ID": "2", "Stage": "won"},
		})

		checkKind(t, err, sheet.ErrInvalid, "Append(unknown header)")
		checkGrid(t, b, people.Name, before)
	}},

	{"unsupported value writes nothing", func(t *testing.T, b book) {
		mustEnsure(t, b, people)
		before := b.Grid(t, people.Name)

		err := b.Append(context.Background(), people.Name, []sheet.Row{
			{"ID": "1"},
			{"ID": "2", "Notes": true},
		})

		checkKind(t, err, sheet.ErrInvalid, "Append(bool value)")
		checkGrid(t, b, people.Name, before)
	}},

	{"missing tab is not found", func(t *testing.T, b book) {
		err := b.Append(context.Background(), "Nowhere", []sheet.Row{{"ID": "1"}})
		checkKind(t, err, sheet.ErrNotFound, "Append(missing tab)")
	}},

	{"no rows changes nothing", func(t *testing.T, b book) {
		mustEnsure(t, b, people)

		if err := b.Append(context.Background(), people.Name, nil); err != nil {
			t.Errorf("Append(no rows) = %v, want nil", err)
		}
		checkGrid(t, b, people.Name, [][]string{people.Headers})
	}},

	{"nil value leaves the cell blank", func(t *testing.T, b book) {
		mustEnsure(t, b, people)

		mustAppend(t, b, people.Name, sheet.Row{"ID": "1", "Notes": nil})

		checkGrid(t, b, people.Name, [][]string{people.Headers, {"1"}})
	}},
}

var valueTests = []bookTest{
	{"formula payloads stay text", func(t *testing.T, b book) {
		mustEnsure(t, b, people)
		rows := make([]sheet.Row, len(FormulaPayloads))
		for i, payload := range FormulaPayloads {
			rows[i] = sheet.Row{"ID": payload, "Notes": payload}
		}

		mustAppend(t, b, people.Name, rows...)

		got := mustColumn(t, b, people.Name, "Notes")
		if len(got) != len(FormulaPayloads) {
			t.Fatalf("Column(Notes) has %d values, want %d", len(got), len(FormulaPayloads))
		}
		for i, payload := range FormulaPayloads {
			if got[i] != payload {
				t.Errorf("payload %q came back as %q", payload, got[i])
			}
		}
	}},

	{"look-alike text stays text", func(t *testing.T, b book) {
		mustEnsure(t, b, people)
		rows := make([]sheet.Row, len(LookAlikes))
		for i, text := range LookAlikes {
			rows[i] = sheet.Row{"ID": text}
		}

		mustAppend(t, b, people.Name, rows...)

		got := mustColumn(t, b, people.Name, "ID")
		for i, text := range LookAlikes {
			if i < len(got) && got[i] != text {
				t.Errorf("text %q came back as %q", text, got[i])
			}
		}
		if len(got) != len(LookAlikes) {
			t.Errorf("Column(ID) has %d values, want %d", len(got), len(LookAlikes))
		}
	}},

	{"numbers read back as the number", func(t *testing.T, b book) {
		mustEnsure(t, b, people)
		values := []struct {
			value any
			text  string
		}{
			{42, "42"},
			{int64(-3), "-3"},
			{0, "0"},
			{12500.5, "12500.5"},
			{0.25, "0.25"},
		}
		for _, v := range values {
			mustAppend(t, b, people.Name, sheet.Row{"ID": v.value})
		}

		got := mustColumn(t, b, people.Name, "ID")
		for i, v := range values {
			if i < len(got) && got[i] != v.text {
				t.Errorf("number %v came back as %q, want %q", v.value, got[i], v.text)
			}
		}
		if len(got) != len(values) {
			t.Errorf("Column(ID) has %d values, want %d", len(got), len(values))
		}
	}},

	{"times read back as dates", func(t *testing.T, b book) {
		mustEnsure(t, b, people)
		tokyo := time.FixedZone("JST", 9*3600)
		values := []struct {
			value time.Time
			text  string
		}{
			{time.Date(2026, 3, 2, 14, 5, 9, 0, time.UTC), "2026-03-02 14:05:09"},
			{time.Date(2026, 3, 2, 23, 59, 59, 999_999_999, time.UTC), "2026-03-02 23:59:59"},
			{time.Date(2026, 3, 3, 8, 0, 0, 0, tokyo), "2026-03-03 08:00:00"},
			{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "2024-02-29 00:00:00"},
		}
		for _, v := range values {
			mustAppend(t, b, people.Name, sheet.Row{"ID": "x", "Notes": v.value})
		}

		got := mustColumn(t, b, people.Name, "Notes")
		for i, v := range values {
			if i < len(got) && got[i] != v.text {
				t.Errorf("time %s came back as %q, want %q (the wall clock, to the second)", v.value, got[i], v.text)
			}
		}
		if len(got) != len(values) {
			t.Errorf("Column(Notes) has %d values, want %d", len(got), len(values))
		}
	}},

	{"values over the cell limit rejected", func(t *testing.T, b book) {
		mustEnsure(t, b, people)
		long := make([]byte, sheet.MaxCellText+1)
		for i := range long {
			long[i] = 'a'
		}

		err := b.Append(context.Background(), people.Name, []sheet.Row{{"ID": string(long)}})

		checkKind(t, err, sheet.ErrInvalid, "Append(text over the cell limit)")
		checkGrid(t, b, people.Name, [][]string{people.Headers})
	}},
}

var readTests = []bookTest{
	{"column and rows keep blank rows", func(t *testing.T, b book) {
		b.SetGrid(t, people.Name, [][]string{
			{"ID", "Name", "Notes"},
			{"1", "Ana"},
			{},
			{"", "", "only a note"},
		})

		ids := mustColumn(t, b, people.Name, "ID")
		rows := mustRows(t, b, people.Name)

		if want := []string{"1", "", ""}; !reflect.DeepEqual(ids, want) {
			t.Errorf("Column(ID) = %q, want %q", ids, want)
		}
		want := []map[string]string{{"ID": "1", "Name": "Ana"}, {}, {"Notes": "only a note"}}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("Rows() = %q, want %q", rows, want)
		}
	}},

	{"rows key headers as the sheet spells them", func(t *testing.T, b book) {
		b.SetGrid(t, people.Name, [][]string{
			{" Lead ID ", "", "notes"},
			{"L-1", "under no header", "call"},
		})

		rows := mustRows(t, b, people.Name)

		want := []map[string]string{{"Lead ID": "L-1", "notes": "call"}}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("Rows() = %q, want %q", rows, want)
		}
	}},

	{"column finds the first matching header", func(t *testing.T, b book) {
		b.SetGrid(t, people.Name, [][]string{
			{"Name", "notes ", "Notes"},
			{"Ana", "first", "second"},
		})

		got := mustColumn(t, b, people.Name, "Notes")

		if want := []string{"first"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Column(Notes) = %q, want %q", got, want)
		}
	}},

	{"column of a missing header is invalid", func(t *testing.T, b book) {
		mustEnsure(t, b, people)

		_, err := b.Column(context.Background(), people.Name, "Stage")

		checkKind(t, err, sheet.ErrInvalid, "Column(missing header)")
	}},

	{"missing tab is not found", func(t *testing.T, b book) {
		_, err := b.Column(context.Background(), "Nowhere", "ID")
		checkKind(t, err, sheet.ErrNotFound, "Column(missing tab)")

		_, err = b.Rows(context.Background(), "Nowhere")
		checkKind(t, err, sheet.ErrNotFound, "Rows(missing tab)")
	}},

	{"new tab has no data rows", func(t *testing.T, b book) {
		mustEnsure(t, b, people)

		if got := mustColumn(t, b, people.Name, "ID"); len(got) != 0 {
			t.Errorf("Column(ID) of a new tab = %q, want none", got)
		}
		if got := mustRows(t, b, people.Name); len(got) != 0 {
			t.Errorf("Rows() of a new tab = %q, want none", got)
		}
	}},
}
