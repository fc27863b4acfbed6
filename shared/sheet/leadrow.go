package sheet

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// LeadRow returns the Leads row of a stored lead: every product-written
// column of the Leads tab and none of the rep-edited ones. Received is the
// reception time in loc, the team's time zone (UTC when loc is nil), to
// the second. Employees and Potential are numbers when known and absent
// otherwise, so their cells stay blank rather than showing 0.
//
// Text is cleaned so that any Book accepts it: invalid UTF-8 becomes
// U+FFFD, control characters other than tab, line feed and carriage return
// are dropped, and text longer than MaxCellText is cut and ends with "…".
func LeadRow(rec store.Record, loc *time.Location) Row {
	if loc == nil {
		loc = time.UTC
	}
	l, d := rec.Lead, rec.Decision

	row := Row{
		HeaderLeadID:        cellText(l.ID),
		HeaderReceived:      l.ReceivedAt.In(loc).Truncate(time.Second),
		HeaderFirstName:     cellText(l.FirstName),
		HeaderLastName:      cellText(l.LastName),
		HeaderEmail:         cellText(l.Email),
		HeaderPhone:         cellText(l.Phone),
		HeaderCompany:       cellText(l.Company),
		HeaderDomain:        cellText(l.Domain),
		HeaderSource:        cellText(l.Source),
		HeaderIndustry:      cellText(l.Industry),
		HeaderCountry:       cellText(l.Country),
		HeaderRegion:        cellText(l.Region),
		HeaderMessage:       cellText(l.Message),
		HeaderOwner:         cellText(d.Owner),
		HeaderCoveredBy:     cellText(d.CoveredBy),
		HeaderZone:          cellText(string(d.Zone)),
		HeaderRule:          cellText(d.Rule),
		HeaderRoutingReason: cellText(RoutingReason(d.Explanation)),
		HeaderSplit:         cellText(SplitText(d.Split)),
		HeaderEscalation:    cellText(EscalationText(d.Escalation)),
		HeaderSubmissionID:  cellText(l.SourceSubmissionID),
		HeaderDetails:       cellText(leadDetails(l.Form, l.Attributes)),
	}
	if l.Employees > 0 {
		row[HeaderEmployees] = l.Employees
	}
	if l.Potential > 0 && !math.IsInf(l.Potential, 0) {
		row[HeaderPotential] = l.Potential
	}
	return row
}

// RoutingReason joins the steps of a decision's explanation into one cell.
// Blank steps are dropped and the rest are separated by "; ". Every step
// but the last loses its final full stop, so the cell reads as one
// sentence.
func RoutingReason(steps []string) string {
	kept := make([]string, 0, len(steps))
	for _, step := range steps {
		step = strings.TrimSpace(step)
		if step != "" {
			kept = append(kept, step)
		}
	}

	for i := 0; i < len(kept)-1; i++ {
		kept[i] = strings.TrimSuffix(kept[i], ".")
	}
	return strings.Join(kept, "; ")
}

// SplitText returns a credit split as "ana 60% / ben 40%", prospector
// first, or "" when there is none. Shares are fractions (0.6 is 60%) and
// are shown with at most one decimal.
func SplitText(split *routing.Split) string {
	if split == nil {
		return ""
	}
	return split.Prospector + " " + percent(split.ProspectorShare) + " / " + split.Closer + " " + percent(split.CloserShare)
}

// EscalationText returns an escalation as "reason (to manager@example.com)",
// or "" when there is none.
func EscalationText(escalation *routing.Escalation) string {
	if escalation == nil {
		return ""
	}

	reason := strings.TrimSpace(escalation.Reason)
	to := strings.TrimSpace(escalation.To)
	switch {
	case to == "":
		return reason
	case reason == "":
		return "to " + to
	default:
		return reason + " (to " + to + ")"
	}
}

// leadDetails returns the Details text of a lead: "form: NAME" first when
// the lead names its form, because the Leads tab has no Form column, and
// then DetailsText of the attributes.
func leadDetails(form string, attributes map[string]string) string {
	details := DetailsText(attributes)
	form = oneLine(form)
	if form == "" {
		return details
	}
	if details == "" {
		return "form: " + form
	}
	return "form: " + form + "\n" + details
}

// DetailsText returns a lead's extra attributes as "key: value" lines,
// sorted by key ignoring case, so a row reads the same however the form
// ordered its fields. Attributes whose key or value is blank are left
// out. Line breaks inside a key or value become spaces, so each attribute
// stays on one line.
func DetailsText(attributes map[string]string) string {
	keys := make([]string, 0, len(attributes))
	for key, value := range attributes {
		if strings.TrimSpace(key) != "" && strings.TrimSpace(value) != "" {
			keys = append(keys, key)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if order := strings.Compare(strings.ToLower(a), strings.ToLower(b)); order != 0 {
			return order
		}
		return strings.Compare(a, b)
	})

	lines := make([]string, 0, len(keys))
	for _, key := range keys {
		lines = append(lines, oneLine(key)+": "+oneLine(attributes[key]))
	}
	return strings.Join(lines, "\n")
}

// oneLine returns s on one line: each line break, with the spaces around
// it, becomes one space.
func oneLine(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u2028' || r == '\u2029'
	})

	kept := parts[:0]
	for _, part := range parts {
		if part = strings.TrimSpace(part); part != "" {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, " ")
}

func percent(share float64) string {
	return strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64) + "%"
}

// cellText makes s acceptable to every Book, as LeadRow documents.
func cellText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return -1
		}
		return r
	}, s)

	if utf16Length(s) <= MaxCellText {
		return s
	}
	runes := []rune(s)
	units := 0
	for i, r := range runes {
		units += utf16.RuneLen(r)
		if units > MaxCellText-1 {
			return string(runes[:i]) + "…"
		}
	}
	return s
}
