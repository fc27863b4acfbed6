package intake

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/currency"
)

// Bounds of the numeric fields. The largest employers have about two million
// staff, and no lead a small sales team routes is worth a trillion.
const (
	maxEmployees = 10_000_000
	maxPotential = 1e12
)

// Accepted-value texts, shared by the validation messages and the README.
const (
	acceptedEmployees = "a whole number from 0 to 10000000, optionally with thousands separators, a multiplier (" + acceptedMultipliers + "), a trailing + or the word employees, or a range such as 51-200 (the lower bound is used)"
	acceptedPotential = "a number from 0 to 1000000000000, optionally with a currency symbol or ISO 4217 code, thousands separators, a decimal point, a multiplier (" + acceptedMultipliers + "), or a range such as 10k-50k (the lower bound is used)"

	acceptedMultipliers = "k, thousand, m, mm, mio, million, b, bn or billion"
)

var (
	errNegative = errors.New("is negative")
	errNotNum   = errors.New("is not a number")
	errTooLarge = errors.New("is too large")
	errDecimal  = errors.New("has a decimal comma or misplaced thousands separator")
	errReversed = errors.New("is a range whose upper bound is below its lower bound")
	errPlusLow  = errors.New("has a + on the lower bound of a range")
)

// multipliers are the suffixes accepted after a number, matched case
// insensitively, longest first so that "mm" is not read as "m" and "mm".
var multipliers = []struct {
	word  string
	value float64
}{
	{"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9},
	{"mio", 1e6}, {"mm", 1e6}, {"bn", 1e9},
	{"k", 1e3}, {"m", 1e6}, {"b", 1e9},
}

// employeeUnits are the words accepted after a company size.
var employeeUnits = map[string]bool{
	"employee": true, "employees": true, "people": true, "person": true, "persons": true,
	"staff": true, "fte": true, "ftes": true,
}

// currencySymbols are the symbols accepted after an amount ("100 €"); any
// symbol or letters may come before it ("$100", "EUR 100").
const currencySymbols = "$€£¥₹₩₽₺₪"

// parseEmployees reads a company size as people write it on forms: "42",
// "1,200", "5k", "2 thousand", "1000+", "51-200" or "51 to 200 employees".
// A range gives its lower bound, because the company is known to have at
// least that many and size conditions in the plan are thresholds.
func parseEmployees(text string) (int, error) {
	value, err := parseAmount(text, employeeUnit)
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
// "2 million", "2500.50" or "10k-50k" (lower bound). The currency is not
// converted: the plan's thresholds are in one currency, and the symbol or
// code is only stripped.
func parsePotential(text string) (float64, error) {
	value, err := parseAmount(text, currencyUnit)
	if err != nil {
		return 0, err
	}
	if value > maxPotential {
		return 0, errTooLarge
	}
	return value, nil
}

func employeeUnit(word string) bool { return employeeUnits[word] }

func currencyUnit(word string) bool {
	if len([]rune(word)) == 1 && strings.ContainsAny(word, currencySymbols) {
		return true
	}
	if currencyWords[word] {
		return true
	}
	_, err := currency.ParseISO(word)
	return len(word) == 3 && err == nil
}

// currencyWords are the currency names accepted after an amount.
var currencyWords = map[string]bool{
	"dollar": true, "dollars": true, "euro": true, "euros": true, "pound": true, "pounds": true,
}

// parseAmount parses the lower bound of text, which is one bound or a range
// of two ("51-200", "10k to 50k"). A currency symbol, code or comparison
// sign before a number is skipped. After the number may come a multiplier,
// a "+" and a unit that isUnit accepts, in that order.
//
// When only the upper bound of a range has a multiplier ("1-2 million"),
// the lower bound takes it too, unless that would put it above the upper
// bound ("500-5k" stays 500 to 5000).
func parseAmount(text string, isUnit func(string) bool) (float64, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "-") || strings.HasPrefix(text, "−") {
		return 0, errNegative
	}

	lowerText, upperText, isRange := splitRange(text)
	lower, err := parseBound(lowerText, isUnit)
	if err != nil || !isRange {
		return lower.value, err
	}

	upper, err := parseBound(upperText, isUnit)
	if err != nil {
		return 0, fmt.Errorf("has an upper bound that %w", err)
	}
	if lower.plus {
		return 0, errPlusLow
	}
	if lower.multiplier == 1 && upper.multiplier > 1 && lower.value*upper.multiplier <= upper.value {
		lower.value *= upper.multiplier
	}
	if upper.value < lower.value {
		return 0, errReversed
	}
	return lower.value, nil
}

// splitRange splits text at the first range separator that follows some
// text, so a leading minus is not taken for one.
func splitRange(text string) (lower, upper string, ok bool) {
	for _, separator := range []string{"–", "—", " to ", "-"} {
		if i := strings.Index(text, separator); i > 0 {
			return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+len(separator):]), true
		}
	}
	return text, "", false
}

// bound is one number of an amount, with what was written after it.
type bound struct {
	value      float64
	multiplier float64
	plus       bool
}

func parseBound(text string, isUnit func(string) bool) (bound, error) {
	// Skip a currency symbol, code or comparison sign in front.
	start := strings.IndexFunc(text, unicode.IsDigit)
	if start < 0 {
		return bound{}, errNotNum
	}
	prefix := strings.TrimSpace(text[:start])
	if strings.ContainsAny(prefix, "0123456789.") || strings.Contains(prefix, "-") {
		return bound{}, errNotNum
	}
	text = text[start:]

	// Split the number from what follows it.
	end := 0
	for end < len(text) && strings.ContainsRune("0123456789.,_' ", rune(text[end])) {
		end++
	}
	digits := strings.TrimSpace(text[:end])
	rest := strings.ToLower(strings.TrimSpace(text[end:]))

	number, err := parseGrouped(digits)
	if err != nil {
		return bound{}, err
	}

	b := bound{multiplier: 1}
	for _, m := range multipliers {
		after, found := strings.CutPrefix(rest, m.word)
		if found && !startsWithLetter(after) {
			b.multiplier = m.value
			rest = strings.TrimSpace(after)
			break
		}
	}
	if after, found := strings.CutPrefix(rest, "+"); found {
		b.plus = true
		rest = strings.TrimSpace(after)
	}
	if rest != "" && !isUnit(rest) {
		return bound{}, fmt.Errorf("ends in %q, which is not a known multiplier or unit", rest)
	}

	b.value = number * b.multiplier
	return b, nil
}

func startsWithLetter(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r)
	}
	return false
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
