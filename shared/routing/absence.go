package routing

import (
	"fmt"
	"strings"
	"time"
)

// absenceFormats lists what ParseAbsence accepts, for error messages.
const absenceFormats = `a date "2026-12-24", a date and time "2026-12-24 13:00", ` +
	`a range "2026-12-24 to 2026-12-28" (either end may carry a time), ` +
	`or "until 2026-12-28"`

// maxAbsenceText bounds the input so that a pasted paragraph is rejected
// quickly instead of parsed.
const maxAbsenceText = 100

// ParseAbsence reads time off as a rep types it in the sheet, in the rep's
// time zone loc:
//
//   - "2026-12-24" is the whole day, from 00:00 to 00:00 the next day;
//   - "2026-12-24 13:00" is from 13:00 to the end of that day;
//   - "2026-12-24 to 2026-12-28" runs to the end of the 28th, and either
//     end may carry a time ("2026-12-23 13:00 to 2026-12-24 12:00"), in
//     which case the end is that instant;
//   - "until 2026-12-28" (or "until 2026-12-28 12:00") starts at once.
//
// "to", "until", "-" or "–" with spaces around separate a range, case does
// not matter, and a "T" may join date and time. An end before the start,
// or text in no accepted form, gives an error that names the text and the
// accepted forms.
func ParseAbsence(text string, loc *time.Location) (Absence, error) {
	if loc == nil {
		loc = time.UTC
	}
	t := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	if t == "" {
		return Absence{}, fmt.Errorf("time off is empty; write %s", absenceFormats)
	}
	if len(t) > maxAbsenceText {
		return Absence{}, fmt.Errorf("time off %.20q... is too long; write %s", text, absenceFormats)
	}

	if rest, ok := strings.CutPrefix(t, "until "); ok {
		_, end, err := parseAbsencePoint(rest, loc)
		if err != nil {
			return Absence{}, fmt.Errorf("time off %q: %w; write %s", text, err, absenceFormats)
		}
		return Absence{Until: end}, nil
	}

	for _, sep := range []string{" to ", " until ", " - ", " – ", " — "} {
		from, to, ok := strings.Cut(t, sep)
		if !ok {
			continue
		}
		start, _, err := parseAbsencePoint(from, loc)
		if err != nil {
			return Absence{}, fmt.Errorf("time off %q: start: %w; write %s", text, err, absenceFormats)
		}
		_, end, err := parseAbsencePoint(to, loc)
		if err != nil {
			return Absence{}, fmt.Errorf("time off %q: end: %w; write %s", text, err, absenceFormats)
		}
		if !end.After(start) {
			return Absence{}, fmt.Errorf("time off %q ends before it starts; put the earlier date first", text)
		}
		return Absence{From: start, Until: end}, nil
	}

	start, end, err := parseAbsencePoint(t, loc)
	if err != nil {
		return Absence{}, fmt.Errorf("time off %q: %w; write %s", text, err, absenceFormats)
	}
	if end.Equal(start) {
		y, m, day := start.Date()
		end = time.Date(y, m, day+1, 0, 0, 0, 0, loc)
	}
	return Absence{From: start, Until: end}, nil
}

// parseAbsencePoint reads a date or a date and time. For a date, start is
// its 00:00 and end the next day's 00:00. For a date and time, start and
// end are both that instant.
func parseAbsencePoint(s string, loc *time.Location) (start, end time.Time, err error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		y, m, day := d.Date()
		return d, time.Date(y, m, day+1, 0, 0, 0, 0, loc), nil
	}

	// A "T" (lower case by now) may join the date and the time.
	spaced := s
	if len(s) > 10 && s[10] == 't' {
		spaced = s[:10] + " " + s[11:]
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if d, err := time.ParseInLocation(layout, spaced, loc); err == nil {
			return d, d, nil
		}
	}
	return time.Time{}, time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM)", s)
}
