package sheet

import (
	"fmt"
	"math"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// CellKind is the way a Book stores a value.
type CellKind int

// Cell kinds.
const (
	// Blank leaves the cell empty.
	Blank CellKind = iota
	// Text is stored as a string and never parsed, so text that starts
	// with "=", "+", "-" or "@" stays text.
	Text
	// Number is stored as a number.
	Number
	// DateTime is stored as a number (a serial date, see SerialDate) with
	// the DateTimePattern number format, so the sheet shows it as a date.
	DateTime
)

// MaxCellText is the largest text, in UTF-16 code units, that a cell may
// hold. It is the limit of Excel (32,767 characters per cell); Google
// Sheets allows 50,000, so one limit serves both backends.
const MaxCellText = 32767

// DateTimePattern is the number format of DateTime cells, in the pattern
// syntax that Excel, LibreOffice and Google Sheets share. Column and Rows
// return such cells as the time formatted with TimeLayout.
const DateTimePattern = "yyyy-mm-dd hh:mm:ss"

// TimeLayout is the Go layout of the text the sheet shows for a DateTime
// cell.
const TimeLayout = "2006-01-02 15:04:05"

// maxExactInteger is the largest integer a float64, and so a sheet number,
// holds exactly.
const maxExactInteger = 1 << 53

// serialEpoch is day 0 of the serial dates used by Excel (1900 date system)
// and Google Sheets alike.
var serialEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// Serial dates before 1900-03-01 differ between Excel and Google Sheets,
// because Excel counts a 29 February 1900 that did not exist; 9999-12-31 is
// the last date Excel shows.
var (
	firstSerialDate = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC)
	lastSerialDate  = time.Date(10000, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// Cell is one value of a Row, checked and converted for storage.
type Cell struct {
	Kind CellKind
	// Text is the value of a Text cell, and for a DateTime cell the time
	// formatted with TimeLayout.
	Text string
	// Number is the value of a Number cell, and for a DateTime cell its
	// serial date.
	Number float64
}

// NewCell checks the value v for the column under header and converts it
// for storage. It accepts:
//
//   - nil, as Blank;
//   - a string of valid UTF-8 with at most MaxCellText UTF-16 code units,
//     as Text;
//   - an int or int64 of at most 2^53 in magnitude, or a finite float64,
//     as Number;
//   - a time.Time from 1900-03-01 to 9999-12-31, as DateTime.
//
// Anything else is an ErrInvalid error that names the header and the value.
func NewCell(header string, v any) (Cell, error) {
	switch value := v.(type) {
	case nil:
		return Cell{Kind: Blank}, nil

	case string:
		if !utf8.ValidString(value) {
			return Cell{}, fmt.Errorf("%w: value for %q is not valid UTF-8; send UTF-8 text", ErrInvalid, header)
		}
		if units := utf16Length(value); units > MaxCellText {
			return Cell{}, fmt.Errorf("%w: value for %q has %d characters, over the maximum of %d per cell; shorten it", ErrInvalid, header, units, MaxCellText)
		}
		return Cell{Kind: Text, Text: value}, nil

	case int:
		return integerCell(header, int64(value))
	case int64:
		return integerCell(header, value)

	case float64:
		if math.IsNaN(value) || math.IsInf(value, 0) {
			return Cell{}, fmt.Errorf("%w: value for %q is %v; only finite numbers are accepted", ErrInvalid, header, value)
		}
		return Cell{Kind: Number, Number: value}, nil

	case time.Time:
		serial, err := SerialDate(value)
		if err != nil {
			return Cell{}, fmt.Errorf("%w: value for %q: %v", ErrInvalid, header, err)
		}
		return Cell{Kind: DateTime, Text: value.Truncate(time.Second).Format(TimeLayout), Number: serial}, nil

	default:
		return Cell{}, fmt.Errorf("%w: value for %q has type %T; use a string, int, int64, float64, time.Time or nil", ErrInvalid, header, v)
	}
}

func integerCell(header string, value int64) (Cell, error) {
	if value > maxExactInteger || value < -maxExactInteger {
		return Cell{}, fmt.Errorf("%w: value for %q is %d, beyond 2^53 in magnitude, which a sheet number cannot store exactly; send it as text", ErrInvalid, header, value)
	}
	return Cell{Kind: Number, Number: float64(value)}, nil
}

// SerialDate returns t as a spreadsheet serial date: days since 1899-12-30,
// with the time of day as the fraction. It takes the wall-clock time of t
// in t's own location, because sheet dates carry no time zone, and drops
// the part below one second. Times before 1900-03-01 or after 9999-12-31
// are an error.
func SerialDate(t time.Time) (float64, error) {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	if wall.Before(firstSerialDate) || !wall.Before(lastSerialDate) {
		return 0, fmt.Errorf("time %s is outside the dates a sheet stores (1900-03-01 to 9999-12-31)", t.Format(time.RFC3339))
	}

	// Unix seconds, because a time.Duration overflows after 292 years.
	seconds := wall.Unix() - serialEpoch.Unix()
	return float64(seconds) / 86400, nil
}

func utf16Length(s string) int {
	units := 0
	for _, r := range s {
		units += utf16.RuneLen(r)
	}
	return units
}
