package fakesheets

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Default grid size of a new sheet, as Google creates it.
const (
	defaultRowCount    = 1000
	defaultColumnCount = 26
)

// Cell is one stored cell. A zero Cell is empty.
type Cell struct {
	// Value is nil (empty), a string, a float64 or a bool.
	Value any
	// Formula is the formula text when the cell was written with
	// USER_ENTERED and the input parsed as a formula. Value is then nil,
	// because the fake does not evaluate formulas.
	Formula string
	// InputOption is the valueInputOption of the write that set the cell
	// ("RAW", "USER_ENTERED"), or "" for cells set with SetValues.
	InputOption string
}

// Empty reports whether the cell holds neither a value nor a formula.
func (c Cell) Empty() bool { return c.Value == nil && c.Formula == "" }

// NumberFormat is a column's number format as set by a repeatCell request.
type NumberFormat struct {
	Type    string
	Pattern string
}

// sheet is one tab: its properties and a sparse grid of cells.
type sheet struct {
	id          int64
	title       string
	index       int
	rowCount    int
	columnCount int
	hidden      map[int]bool
	// formats holds the number format of each column from formatStart
	// (0-based row) down.
	formats     map[int]NumberFormat
	formatStart map[int]int
	rows        [][]Cell
}

func newSheet(id int64, title string, index int) *sheet {
	return &sheet{
		id:          id,
		title:       title,
		index:       index,
		rowCount:    defaultRowCount,
		columnCount: defaultColumnCount,
		hidden:      map[int]bool{},
		formats:     map[int]NumberFormat{},
		formatStart: map[int]int{},
	}
}

func (s *sheet) cell(row, col int) Cell {
	if row < 0 || row >= len(s.rows) || col < 0 || col >= len(s.rows[row]) {
		return Cell{}
	}
	return s.rows[row][col]
}

func (s *sheet) set(row, col int, c Cell) {
	for len(s.rows) <= row {
		s.rows = append(s.rows, nil)
	}
	for len(s.rows[row]) <= col {
		s.rows[row] = append(s.rows[row], Cell{})
	}
	s.rows[row][col] = c

	if row >= s.rowCount {
		s.rowCount = row + 1
	}
	if col >= s.columnCount {
		s.columnCount = col + 1
	}
}

// insertRows shifts every row from at down by n, as INSERT_ROWS and a rep
// inserting rows do.
func (s *sheet) insertRows(at, n int) {
	s.rowCount += n
	if at >= len(s.rows) {
		return
	}

	inserted := make([][]Cell, n)
	tail := append(inserted, s.rows[at:]...)
	s.rows = append(s.rows[:at:at], tail...)
}

// rowEmpty reports whether row holds nothing in columns col0..col1.
func (s *sheet) rowEmpty(row, col0, col1 int) bool {
	if row >= len(s.rows) {
		return true
	}
	for col := col0; col <= col1 && col < len(s.rows[row]); col++ {
		if !s.rows[row][col].Empty() {
			return false
		}
	}
	return true
}

// lastRow returns the 0-based index of the last row with any value, or -1.
func (s *sheet) lastRow() int {
	for row := len(s.rows) - 1; row >= 0; row-- {
		if !s.rowEmpty(row, 0, math.MaxInt) {
			return row
		}
	}
	return -1
}

// usedColumns returns the first and last non-empty column of rows
// row0..row1 within col0..col1, or (-1, -1).
func (s *sheet) usedColumns(row0, row1, col0, col1 int) (int, int) {
	first, last := -1, -1
	for row := row0; row <= row1 && row < len(s.rows); row++ {
		for col := col0; col <= col1 && col < len(s.rows[row]); col++ {
			if s.rows[row][col].Empty() {
				continue
			}
			if first < 0 || col < first {
				first = col
			}
			if col > last {
				last = col
			}
		}
	}
	return first, last
}

// resolve closes the open sides of r against the sheet's grid.
func (s *sheet) resolve(r gridRange) (row0, col0, row1, col1 int) {
	row0, col0, row1, col1 = r.Row0, r.Col0, r.Row1, r.Col1
	if row0 < 0 {
		row0 = 0
	}
	if col0 < 0 {
		col0 = 0
	}
	if row1 < 0 {
		row1 = s.rowCount - 1
	}
	if col1 < 0 {
		col1 = s.columnCount - 1
	}
	return row0, col0, row1, col1
}

// parseInput turns one JSON value of a write request into a cell the way
// valueInputOption sets. RAW stores strings as text and numbers as
// numbers. USER_ENTERED parses strings as if typed into the Sheets UI: a
// leading "=" makes a formula, so does a leading "+" or "-" that is not a
// plain number, and numeric text becomes a number.
func parseInput(value any, option string) Cell {
	switch v := value.(type) {
	case nil:
		return Cell{}
	case bool:
		return Cell{Value: v, InputOption: option}
	case float64:
		return Cell{Value: v, InputOption: option}
	case string:
		if v == "" {
			return Cell{}
		}
		if option != "USER_ENTERED" {
			return Cell{Value: v, InputOption: option}
		}
		if n, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return Cell{Value: n, InputOption: option}
		}
		if strings.HasPrefix(v, "=") || strings.HasPrefix(v, "+") || strings.HasPrefix(v, "-") {
			return Cell{Formula: v, InputOption: option}
		}
		return Cell{Value: v, InputOption: option}
	default:
		return Cell{Value: v, InputOption: option}
	}
}

// sheetsEpoch is day zero of the serial numbers Sheets uses for dates.
var sheetsEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// render returns a cell in the form valueRenderOption selects: FORMATTED_VALUE (the
// default) gives text, UNFORMATTED_VALUE keeps numbers as numbers and
// FORMULA returns formula text in place of a value.
func (s *sheet) render(row, col int, option string) any {
	c := s.cell(row, col)
	if c.Formula != "" {
		if option == "FORMULA" {
			return c.Formula
		}
		// NOTE: the fake does not evaluate formulas; a formula shows as
		// an error value, which no adapter should ever produce.
		return "#ERROR!"
	}

	if option == "UNFORMATTED_VALUE" || option == "FORMULA" {
		return c.Value
	}

	switch v := c.Value.(type) {
	case nil:
		return ""
	case bool:
		return strings.ToUpper(strconv.FormatBool(v))
	case float64:
		return s.formatNumber(row, col, v)
	default:
		return v
	}
}

// formatNumber renders a number under the column's number format. DATE,
// TIME and DATE_TIME formats show the serial number as a date whatever
// their pattern; anything else shows the number plainly.
func (s *sheet) formatNumber(row, col int, v float64) string {
	format, ok := s.formats[col]
	if !ok || row < s.formatStart[col] {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}

	at := sheetsEpoch.Add(time.Duration(math.Round(v*86400)) * time.Second)
	switch format.Type {
	case "DATE":
		return at.Format("2006-01-02")
	case "TIME":
		return at.Format("15:04:05")
	case "DATE_TIME":
		return at.Format("2006-01-02 15:04:05")
	default:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
}
