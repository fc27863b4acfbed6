package plan

import (
	"strconv"
	"strings"
)

// DescribeConditions writes conditions as a rep would say them:
// "source is inbound or website, potential above 10000". No conditions
// read "every lead".
func DescribeConditions(conds []Condition) string {
	if len(conds) == 0 {
		return "every lead"
	}
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = c.String()
	}
	return strings.Join(parts, ", ")
}

// String writes the condition as a rep would say it.
func (c Condition) String() string {
	if c.Field.IsNumeric() {
		return string(c.Field) + " " + c.Range.String()
	}
	return string(c.Field) + " is " + joinOr(c.Values)
}

// joinOr writes "a", "a or b", or "a, b or c".
func joinOr(values []string) string {
	if len(values) <= 2 {
		return strings.Join(values, " or ")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// String writes the range in words: "at least 50 and at most 500".
func (r Range) String() string {
	var parts []string
	if r.Min != nil {
		parts = append(parts, "at least "+formatNumber(*r.Min))
	}
	if r.Above != nil {
		parts = append(parts, "above "+formatNumber(*r.Above))
	}
	if r.Max != nil {
		parts = append(parts, "at most "+formatNumber(*r.Max))
	}
	if r.Below != nil {
		parts = append(parts, "below "+formatNumber(*r.Below))
	}
	return strings.Join(parts, " and ")
}

func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
