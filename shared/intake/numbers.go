package intake

import (
	"errors"
	"fmt"
	"math"
	"slices"
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
	acceptedPotential = "a number from 0 to 1000000000000 in the plan's currency, optionally with its symbol or ISO 4217 code, thousands separators, a decimal point (not before exactly three digits, as in 1.200, which is ambiguous), a multiplier (" + acceptedMultipliers + "), or a range such as 10k-50k (the lower bound is used)"

	acceptedMultipliers = "k, thousand, m, mm, mio, million, b, bn or billion"
)

var (
	errNegative = errors.New("is negative")
	errNotNum   = errors.New("is not a number")
	errTooLarge = errors.New("is too large")
	errDecimal  = errors.New("has a decimal comma or misplaced thousands separator")
	errReversed = errors.New("is a range whose upper bound is below its lower bound")
	errPlusLow  = errors.New("has a + on the lower bound of a range")
	errRange    = errors.New("is out of range")

	// errUnknownUnit is a word after a number that the unit check does not
	// know; parseBound names the word in its message.
	errUnknownUnit = errors.New("is not a known unit")
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

// parseEmployees reads a company size as people write it on forms: "42",
// "1,200", "5k", "2 thousand", "1000+", "51-200" or "51 to 200 employees".
// A range gives its lower bound, because the company is known to have at
// least that many and size conditions in the plan are thresholds.
func parseEmployees(text string) (int, error) {
	value, err := parseAmount(text, employeeUnit, anyPrefix)
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
// converted: the plan's thresholds are in planCurrency, an ISO 4217 code,
// so a symbol, code or word for another currency is rejected with a
// *currencyError.
func parsePotential(text, planCurrency string) (float64, error) {
	unit := func(word string) error { return checkCurrency(word, planCurrency) }
	prefix := func(word string) error {
		if currencyOf(word) == nil {
			return nil
		}
		return checkCurrency(word, planCurrency)
	}

	value, err := parseAmount(text, unit, prefix)
	if err != nil {
		return 0, err
	}
	if value > maxPotential {
		return 0, errTooLarge
	}
	return value, nil
}

// employeeUnit accepts the words after a company size.
func employeeUnit(word string) error {
	if employeeUnits[word] {
		return nil
	}
	return errUnknownUnit
}

// anyPrefix accepts any word before a company size, such as "about".
func anyPrefix(string) error { return nil }

// dollarCurrencies are the plan currencies whose amounts people write with
// a bare "$" or the word "dollars". "$" alone does not say which dollar,
// so it is taken to be the plan's own when the plan is in one of these,
// and rejected in any other plan.
var dollarCurrencies = []string{"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}

// currencyTokens maps a lower-case currency symbol, prefixed symbol or word
// to the ISO 4217 codes it can mean. ISO codes are found with
// currency.ParseISO.
var currencyTokens = map[string][]string{
	"$": dollarCurrencies, "dollar": dollarCurrencies, "dollars": dollarCurrencies,
	"us$": {"USD"}, "c$": {"CAD"}, "ca$": {"CAD"}, "a$": {"AUD"}, "au$": {"AUD"},
	"nz$": {"NZD"}, "s$": {"SGD"}, "hk$": {"HKD"}, "mx$": {"MXN"},
	"€": {"EUR"}, "euro": {"EUR"}, "euros": {"EUR"},
	"£": {"GBP"}, "pound": {"GBP"}, "pounds": {"GBP"},
	"¥": {"JPY", "CNY"}, "yen": {"JPY"}, "yuan": {"CNY"},
	"₹": {"INR"}, "₩": {"KRW"}, "₽": {"RUB"}, "₺": {"TRY"}, "₪": {"ILS"},
}

// currencyOf returns the ISO 4217 codes that a symbol, word or code can
// mean, or nil when word names no currency. Comparison signs in front
// ("<$", ">€") are ignored.
func currencyOf(word string) []string {
	word = strings.ToLower(strings.TrimLeft(strings.TrimSpace(word), "<>~≈≤≥="))
	if codes, found := currencyTokens[word]; found {
		return codes
	}
	if len(word) != 3 {
		return nil
	}
	unit, err := currency.ParseISO(word)
	if err != nil {
		return nil
	}
	return []string{unit.String()}
}

// currencyError is an amount in a currency other than the plan's.
type currencyError struct {
	// given is the ISO 4217 code of the amount, or the symbol and the
	// codes it can mean when it is ambiguous.
	given string
	plan  string
}

func (e *currencyError) Error() string {
	return fmt.Sprintf("is in %s, but the plan's amounts are in %s, and amounts are not converted", e.given, e.plan)
}

// checkCurrency returns nil when word is the plan's currency, a
// *currencyError when it names another currency and errUnknownUnit when it
// names none.
func checkCurrency(word, planCurrency string) error {
	codes := currencyOf(word)
	if codes == nil {
		return errUnknownUnit
	}
	if slices.Contains(codes, planCurrency) {
		return nil
	}

	given := codes[0]
	if len(codes) > 1 {
		given = fmt.Sprintf("%q (%s)", word, strings.Join(codes, " or "))
	}
	return &currencyError{given: given, plan: planCurrency}
}

// parseAmount parses the lower bound of text, which is one bound or a range
// of two ("51-200", "10k to 50k"). Each word before a number must pass
// prefix, so a comparison sign or a currency can come first. After the
// number may come a multiplier, a "+" and a word that unit accepts, in
// that order. "-0" is 0; any other negative number is rejected.
//
// When only the upper bound of a range has a multiplier ("1-2 million"),
// the lower bound takes it too, unless that would put it above the upper
// bound ("500-5k" stays 500 to 5000).
func parseAmount(text string, unit, prefix func(string) error) (float64, error) {
	text = strings.TrimSpace(text)

	// A JSON number outside float64, such as 1e400, arrives as sent.
	if strings.ContainsAny(text, "eE") {
		if _, err := strconv.ParseFloat(text, 64); errors.Is(err, strconv.ErrRange) {
			return 0, errRange
		}
	}

	for _, minus := range []string{"-", "−"} {
		if rest, found := strings.CutPrefix(text, minus); found {
			b, err := parseBound(strings.TrimSpace(rest), unit, prefix)
			if err == nil && b.value == 0 {
				return 0, nil
			}
			return 0, errNegative
		}
	}

	lowerText, upperText, isRange := splitRange(text)
	lower, err := parseBound(lowerText, unit, prefix)
	if err != nil || !isRange {
		return lower.value, err
	}

	upper, err := parseBound(upperText, unit, prefix)
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

func parseBound(text string, unit, prefix func(string) error) (bound, error) {
	// Check the words in front, such as a currency or a comparison sign.
	start := strings.IndexFunc(text, unicode.IsDigit)
	if start < 0 {
		return bound{}, errNotNum
	}
	before := strings.TrimSpace(text[:start])
	if strings.ContainsAny(before, "0123456789.") || strings.Contains(before, "-") {
		return bound{}, errNotNum
	}
	for _, word := range strings.Fields(before) {
		if err := prefix(word); err != nil {
			return bound{}, err
		}
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
	if rest != "" {
		err := unit(rest)
		if errors.Is(err, errUnknownUnit) {
			return bound{}, fmt.Errorf("ends in %q, which is not a known multiplier or unit", rest)
		}
		if err != nil {
			return bound{}, err
		}
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

	// "1.200" is 1.2 in English and 1200 in German. A leading 0 or four
	// digits before the dot rule out a thousands separator.
	if hasPoint && len(groups) == 1 && len(fraction) == 3 && len(integer) <= 3 && integer != "0" {
		decimal := strings.TrimRight(fraction, "0")
		if decimal == fraction {
			decimal += "0"
		}
		return 0, fmt.Errorf("is ambiguous: the dot may be a decimal point or a thousands separator; write %s%s, or %s.%s with a different number of decimals", integer, fraction, integer, decimal)
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
