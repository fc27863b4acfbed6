package intake

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Bounds of the numeric fields. The largest employers have about two million
// staff, and no lead a small sales team routes is worth a trillion.
const (
	maxEmployees = 10_000_000
	maxPotential = 1e12
)

// Accepted-value texts, shared by the validation messages and the README.
const (
	acceptedEmployees = "a whole number from 0 to 10000000, optionally with thousands separators, a k suffix, a trailing + or a range such as 51-200 (the lower bound is used)"
	acceptedPotential = "a number from 0 to 1000000000000, optionally with a currency symbol or code, thousands separators, a decimal point, a k or m suffix, or a range such as 10k-50k (the lower bound is used)"
)

var (
	errNegative = errors.New("is negative")
	errNotNum   = errors.New("is not a number")
	errTooLarge = errors.New("is too large")
	errDecimal  = errors.New("has a decimal comma or misplaced thousands separator")
)

// parseEmployees reads a company size as people write it on forms: "42",
// "1,200", "5k", "1000+", "51-200" or "51 to 200 employees". A range gives
// its lower bound, because the company is known to have at least that many
// and size conditions in the plan are thresholds.
func parseEmployees(text string) (int, error) {
	value, err := parseAmount(text, false)
	if err != nil {
		return 0, err
	}
	if value != math.Trunc(value) {
		return 0, errors.New("is not a whole number")
	}
	if value > maxEmployees {
		return 0, errTooLarge
	}
	return int(value), nil
}

// parsePotential reads a deal potential such as "$10,000", "10k", "EUR 1.5m",
// "2500.50" or "10k-50k" (lower bound). The currency is not converted: the
// plan's thresholds are in one currency, and the symbol is only stripped.
func parsePotential(text string) (float64, error) {
	value, err := parseAmount(text, true)
	if err != nil {
		return 0, err
	}
	if value > maxPotential {
		return 0, errTooLarge
	}
	return value, nil
}

// parseAmount parses the lower bound of text. Currency symbols and letters
// before the number, words after it ("employees", "USD") and a trailing "+"
// are ignored; allowMillions also accepts an "m" suffix.
func parseAmount(text string, allowMillions bool) (float64, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "-") || strings.HasPrefix(text, "−") {
		return 0, errNegative
	}

	// A range: keep the part before the first separator.
	lower := text
	for _, separator := range []string{"–", "—", " to ", "-"} {
		if i := strings.Index(lower, separator); i > 0 {
			lower = lower[:i]
			break
		}
	}
	lower = strings.TrimSpace(lower)

	// Skip a currency symbol, code or comparison sign in front.
	start := strings.IndexFunc(lower, unicode.IsDigit)
	if start < 0 {
		return 0, errNotNum
	}
	prefix := strings.TrimSpace(lower[:start])
	if strings.ContainsAny(prefix, "0123456789.") || strings.Contains(prefix, "-") {
		return 0, errNotNum
	}
	lower = lower[start:]

	// Split the number from what follows it.
	end := 0
	for end < len(lower) && strings.ContainsRune("0123456789.,_' ", rune(lower[end])) {
		end++
	}
	digits := strings.TrimSpace(lower[:end])
	rest := strings.ToLower(strings.TrimSpace(lower[end:]))

	number, err := parseGrouped(digits)
	if err != nil {
		return 0, err
	}

	multiplier := 1.0
	switch {
	case rest == "", rest == "+", strings.HasPrefix(rest, "+ "):
	case rest == "k", strings.HasPrefix(rest, "k ") || rest == "k+":
		multiplier = 1e3
	case allowMillions && (rest == "m" || strings.HasPrefix(rest, "m ") || rest == "m+"):
		multiplier = 1e6
	case isWord(rest):
		// "employees", "usd", "eur": a unit or currency after the number.
	default:
		return 0, errNotNum
	}
	return number * multiplier, nil
}

// parseGrouped parses digits with optional thousands separators (",", "_",
// "'" or a space, always before a group of three digits) and one decimal
// point. "10,5" is rejected rather than guessed.
func parseGrouped(digits string) (float64, error) {
	integer, fraction, hasPoint := strings.Cut(digits, ".")
	if strings.ContainsAny(fraction, ".,_' ") {
		return 0, errDecimal
	}

	groups := strings.FieldsFunc(integer, func(r rune) bool { return strings.ContainsRune(",_' ", r) })
	if len(groups) == 0 {
		return 0, errNotNum
	}
	for i, group := range groups {
		if i > 0 && len(group) != 3 {
			return 0, errDecimal
		}
	}

	plain := strings.Join(groups, "")
	if hasPoint {
		plain += "." + fraction
	}
	value, err := strconv.ParseFloat(plain, 64)
	if err != nil || math.IsInf(value, 0) || math.IsNaN(value) {
		return 0, errNotNum
	}
	return value, nil
}

// isWord reports whether s is letters only, such as a unit or currency code.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && r != ' ' {
			return false
		}
	}
	return true
}
