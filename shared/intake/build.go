package intake

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// FieldProblem is one reason a submission was rejected, as it appears in
// the "fields" list of a 400 response.
type FieldProblem struct {
	// Field is the field name as submitted, or the canonical name when the
	// problem concerns a field that is missing.
	Field    string `json:"field"`
	Problem  string `json:"problem"`
	Accepted string `json:"accepted"`
}

// Limits on attributes: fields that have no lead field of their own.
const (
	maxAttributes      = 50
	maxAttributeLength = 1000
)

// maxLength is the longest value, in characters, of each text field.
var maxLength = map[string]int{
	fieldEmail:        254,
	fieldPhone:        40,
	fieldFirstName:    100,
	fieldLastName:     100,
	fieldFullName:     200,
	fieldCompany:      200,
	fieldWebsite:      2048,
	fieldCountry:      100,
	fieldRegion:       100,
	fieldIndustry:     100,
	fieldEmployees:    40,
	fieldPotential:    40,
	fieldSource:       100,
	fieldReferrer:     200,
	fieldMessage:      5000,
	fieldSubmissionID: 200,
	fieldForm:         100,
}

// multiLine names the fields that may hold line breaks and tabs.
var multiLine = map[string]bool{fieldMessage: true}

// submission is a lead built from a request body, with the problems found.
type submission struct {
	lead     lead.Lead
	honeypot bool
	problems []FieldProblem
	// names maps a canonical field to the name it was submitted under, so
	// problems name the field the client sent.
	names map[string]string
	// currency is the plan's ISO 4217 code, the only one potential takes.
	currency string
}

func (s *submission) problem(canonical, problem, accepted string) {
	name := s.names[canonical]
	if name == "" {
		name = canonical
	}
	s.problems = append(s.problems, FieldProblem{Field: name, Problem: problem, Accepted: accepted})
}

// buildLead maps submitted fields onto a lead whose potential is in the
// plan's currency, an ISO 4217 code. Two fields that map to one lead field
// (aliases, or one name sent twice) may both be set only to the same
// value. Different values are a problem that names both fields. A fallback
// alias (see fallbackAliases) fills its field only when no primary alias
// has a value, and is otherwise kept as an attribute.
func buildLead(fields []submitted, currency string) submission {
	s := submission{names: make(map[string]string), currency: currency}
	values := make(map[string]string)
	attributes := make(map[string]string)
	fallbacks := make(map[string]string)
	fallbackNames := make(map[string]string)
	// contact is set when a contact field was submitted, even with a
	// value that is then rejected, so it is reported once, as invalid,
	// and not again as missing.
	contact := false

	for _, f := range fields {
		name := strings.TrimSpace(f.name)
		value := strings.TrimSpace(f.value)

		if name == "" {
			if value != "" {
				s.problems = append(s.problems, FieldProblem{Field: "", Problem: "a value was submitted without a field name", Accepted: "name=value pairs with a non-empty name"})
			}
			continue
		}
		if utf8.RuneCountInString(name) > maxNameRunes || hasControl(name, false) || hasFormatChar(name) {
			s.problems = append(s.problems, FieldProblem{Field: truncate(name, 40), Problem: "field name is too long or contains control or invisible formatting characters", Accepted: fmt.Sprintf("a field name of at most %d printable characters", maxNameRunes)})
			continue
		}

		if foldName(name) == foldName(HoneypotField) {
			if value != "" {
				s.honeypot = true
			}
			continue
		}

		canonical := canonicalName(name)
		if canonical == "" {
			if existing, seen := attributes[name]; seen && f.repeated && existing != value {
				s.problems = append(s.problems, FieldProblem{
					Field:    name,
					Problem:  "was submitted twice with different values",
					Accepted: "each JSON key once in the object",
				})
				continue
			}
			if value != "" {
				attributes[name] = value
			}
			continue
		}
		if isContact(canonical) && value != "" {
			contact = true
		}
		if f.jsonType != "" {
			s.problems = append(s.problems, FieldProblem{Field: name, Problem: "is a JSON " + f.jsonType + "; expected text", Accepted: acceptedJSONValue(canonical)})
			continue
		}

		target, targetNames := values, s.names
		if fallbackAliases[foldName(name)] {
			target, targetNames = fallbacks, fallbackNames
		}
		existing, seen := target[canonical]
		switch {
		case !seen || existing == "":
			target[canonical] = value
			targetNames[canonical] = name
		case value == "" || sameValue(canonical, existing, value, currency):
		default:
			s.problems = append(s.problems, conflict(targetNames[canonical], name, canonical))
		}
	}
	for _, canonical := range sortedKeys(fallbacks) {
		value := fallbacks[canonical]
		switch {
		case value == "":
		case values[canonical] == "":
			values[canonical] = value
			s.names[canonical] = fallbackNames[canonical]
		default:
			attributes[fallbackNames[canonical]] = value
		}
	}
	s.checkFullName(values)

	// A lead needs a way to reach or identify it.
	s.checkText(values)
	s.fill(values)
	s.checkAttributes(attributes)
	if len(attributes) > 0 {
		s.lead.Attributes = attributes
	}
	if !contact {
		s.problems = append(s.problems, FieldProblem{
			Field:    "email",
			Problem:  "is missing, and so are phone, company and submission_id",
			Accepted: "at least one of email, phone, company or submission_id",
		})
	}
	return s
}

// isContact reports the fields of which a lead needs at least one.
func isContact(canonical string) bool {
	return canonical == fieldEmail || canonical == fieldPhone || canonical == fieldCompany || canonical == fieldSubmissionID
}

// conflict is the problem of two fields that give one lead field different
// values.
func conflict(first, second, canonical string) FieldProblem {
	problem := fmt.Sprintf("has a different value from %q; both are the lead's %s", first, canonical)
	if first == second {
		problem = fmt.Sprintf("was submitted twice with different values; it is the lead's %s", canonical)
	}
	return FieldProblem{
		Field:    second,
		Problem:  problem,
		Accepted: fmt.Sprintf("one value per lead field: send only one of %q and %q, or the same value in both", first, second),
	}
}

// sameValue reports whether two values of one lead field mean the same:
// equal text, an email differing only in case, or numbers that parse to
// the same value ("10k" and "10,000").
func sameValue(canonical, a, b, currency string) bool {
	if a == b {
		return true
	}
	switch canonical {
	case fieldEmail, fieldWebsite:
		return strings.EqualFold(a, b)
	case fieldEmployees:
		x, errX := parseEmployees(a)
		y, errY := parseEmployees(b)
		return errX == nil && errY == nil && x == y
	case fieldPotential:
		x, errX := parsePotential(a, currency)
		y, errY := parsePotential(b, currency)
		return errX == nil && errY == nil && x == y
	}
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// checkFullName reports a full name that disagrees with the first or last
// name sent beside it, and fills the one of them that is missing from the
// full name. A full name alone is split later, in fill.
func (s *submission) checkFullName(values map[string]string) {
	full := strings.Join(strings.Fields(values[fieldFullName]), " ")
	first := strings.Join(strings.Fields(values[fieldFirstName]), " ")
	last := strings.Join(strings.Fields(values[fieldLastName]), " ")
	if full == "" || (first == "" && last == "") {
		return
	}

	lowerFull, lowerFirst, lowerLast := strings.ToLower(full), strings.ToLower(first), strings.ToLower(last)
	switch {
	case first != "" && last != "":
		if lowerFull == lowerFirst+" "+lowerLast {
			return
		}
	case first != "":
		if lowerFull == lowerFirst {
			return
		}
		if strings.HasPrefix(lowerFull, lowerFirst+" ") {
			values[fieldLastName] = full[len(first)+1:]
			return
		}
	default:
		if lowerFull == lowerLast {
			return
		}
		if strings.HasSuffix(lowerFull, " "+lowerLast) {
			values[fieldFirstName] = full[:len(full)-len(last)-1]
			return
		}
	}

	given := s.names[fieldFirstName]
	if given == "" {
		given = s.names[fieldLastName]
	} else if s.names[fieldLastName] != "" {
		given += " and " + s.names[fieldLastName]
	}
	s.problem(fieldFullName, fmt.Sprintf("%q does not match %s %q", full, given, strings.TrimSpace(first+" "+last)),
		"either a full name or first and last names, or a full name that is the first name, a space and the last name")
}

// acceptedJSONValue is the accepted text for a lead field sent as a JSON
// boolean, object or list.
func acceptedJSONValue(canonical string) string {
	if canonical == fieldEmployees || canonical == fieldPotential {
		return "a JSON string or number"
	}
	return "a JSON string"
}

// checkText applies the length and character rules to every text field and
// blanks the values that break them, so later checks see only clean text.
func (s *submission) checkText(values map[string]string) {
	for _, canonical := range sortedKeys(values) {
		value := values[canonical]
		limit := maxLength[canonical]

		if n := utf8.RuneCountInString(value); n > limit {
			s.problem(canonical, fmt.Sprintf("is %d characters long", n), fmt.Sprintf("at most %d characters", limit))
			values[canonical] = ""
			continue
		}
		if hasControl(value, multiLine[canonical]) {
			accepted := "printable text on one line"
			if multiLine[canonical] {
				accepted = "printable text; line breaks and tabs are allowed"
			}
			s.problem(canonical, "contains control characters", accepted)
			values[canonical] = ""
			continue
		}
		if r, found := formatChar(value); found {
			s.problem(canonical, fmt.Sprintf("contains the invisible formatting character U+%04X", r), acceptedNoFormat)
			values[canonical] = ""
		}
	}
}

// fill copies clean values onto the lead, parsing and checking the fields
// that have a format.
func (s *submission) fill(values map[string]string) {
	l := &s.lead
	l.FirstName = values[fieldFirstName]
	l.LastName = values[fieldLastName]
	l.Company = values[fieldCompany]
	l.Country = values[fieldCountry]
	l.Region = values[fieldRegion]
	l.Industry = values[fieldIndustry]
	l.Source = values[fieldSource]
	l.Referrer = values[fieldReferrer]
	l.Message = values[fieldMessage]
	l.SourceSubmissionID = values[fieldSubmissionID]
	l.Form = values[fieldForm]

	if l.FirstName == "" && l.LastName == "" {
		l.FirstName, l.LastName = splitName(values[fieldFullName])
	}

	if email := values[fieldEmail]; email != "" {
		normalized, problem := checkEmail(email)
		if problem != "" {
			s.problem(fieldEmail, problem, acceptedEmail)
		} else {
			l.Email = normalized
		}
	}

	if phone := values[fieldPhone]; phone != "" {
		if problem := checkPhone(phone); problem != "" {
			s.problem(fieldPhone, problem, acceptedPhone)
		} else {
			l.Phone = phone
		}
	}

	if website := values[fieldWebsite]; website != "" {
		domain, problem := checkWebsite(website)
		if problem != "" {
			s.problem(fieldWebsite, problem, acceptedWebsite)
		} else {
			l.Website = website
			l.Domain = domain
		}
	}

	if text := values[fieldEmployees]; text != "" {
		n, err := parseEmployees(text)
		if err != nil {
			s.problem(fieldEmployees, fmt.Sprintf("%q %v", text, err), acceptedEmployees)
		} else {
			l.Employees = n
		}
	}

	if text := values[fieldPotential]; text != "" {
		v, err := parsePotential(text, s.currency)
		var wrongCurrency *currencyError
		switch {
		case errors.As(err, &wrongCurrency):
			s.problem(fieldPotential, fmt.Sprintf("%q %v", text, err), fmt.Sprintf("an amount in %s, the plan's currency, written with its code or with no currency", s.currency))
		case err != nil:
			s.problem(fieldPotential, fmt.Sprintf("%q %v", text, err), acceptedPotential)
		default:
			l.Potential = v
		}
	}
}

func (s *submission) checkAttributes(attributes map[string]string) {
	if len(attributes) > maxAttributes {
		s.problems = append(s.problems, FieldProblem{
			Field:    "attributes",
			Problem:  fmt.Sprintf("%d fields are not lead fields", len(attributes)),
			Accepted: fmt.Sprintf("at most %d extra fields besides the lead fields", maxAttributes),
		})
		return
	}

	for _, name := range sortedKeys(attributes) {
		value := attributes[name]
		if n := utf8.RuneCountInString(value); n > maxAttributeLength {
			s.problems = append(s.problems, FieldProblem{Field: name, Problem: fmt.Sprintf("is %d characters long", n), Accepted: fmt.Sprintf("at most %d characters in an extra field", maxAttributeLength)})
			delete(attributes, name)
			continue
		}
		if hasControl(value, true) {
			s.problems = append(s.problems, FieldProblem{Field: name, Problem: "contains control characters", Accepted: "printable text; line breaks and tabs are allowed"})
			delete(attributes, name)
			continue
		}
		if r, found := formatChar(value); found {
			s.problems = append(s.problems, FieldProblem{Field: name, Problem: fmt.Sprintf("contains the invisible formatting character U+%04X", r), Accepted: acceptedNoFormat})
			delete(attributes, name)
		}
	}
}

// splitName splits a full name at its last space: "Ada King Lovelace" gives
// "Ada King" and "Lovelace". A single word is a first name.
func splitName(full string) (first, last string) {
	full = strings.Join(strings.Fields(full), " ")
	i := strings.LastIndex(full, " ")
	if i < 0 {
		return full, ""
	}
	return full[:i], full[i+1:]
}

// hasControl reports Unicode control characters, allowing tab, line feed
// and carriage return when multiLine is set.
func hasControl(s string, multiLine bool) bool {
	for _, r := range s {
		if multiLine && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// acceptedNoFormat is the accepted text for a value with a format character.
const acceptedNoFormat = "text without bidirectional controls (U+202A to U+202E, U+2066 to U+2069) or other invisible formatting characters; U+200C and U+200D, which scripts and emoji need, are allowed"

// formatChar returns the first Unicode format character (category Cf) in
// s other than the zero-width non-joiner and joiner. Bidirectional controls
// reorder the text around them when the sheet shows it, so "moc.elpmaxe"
// can read as "example.com". Zero-width and tag characters hide text.
// NOTE: tag characters also spell subdivision flags such as England's, so
// those emoji are rejected too.
func formatChar(s string) (rune, bool) {
	for _, r := range s {
		if r == '\u200c' || r == '\u200d' {
			continue
		}
		if unicode.Is(unicode.Cf, r) {
			return r, true
		}
	}
	return 0, false
}

func hasFormatChar(s string) bool {
	_, found := formatChar(s)
	return found
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
