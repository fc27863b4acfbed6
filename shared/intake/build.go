package intake

import (
	"fmt"
	"strings"
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
}

func (s *submission) problem(canonical, problem, accepted string) {
	name := s.names[canonical]
	if name == "" {
		name = canonical
	}
	s.problems = append(s.problems, FieldProblem{Field: name, Problem: problem, Accepted: accepted})
}

// buildLead maps submitted fields onto a lead. When two aliases of one field
// carry different values, the first non-empty one (in submitted order, or
// by name for JSON) wins and the other is kept as an attribute.
func buildLead(fields []submitted) submission {
	s := submission{names: make(map[string]string)}
	values := make(map[string]string)
	attributes := make(map[string]string)

	for _, f := range fields {
		name := strings.TrimSpace(f.name)
		value := strings.TrimSpace(f.value)

		if name == "" {
			if value != "" {
				s.problems = append(s.problems, FieldProblem{Field: "", Problem: "a value was submitted without a field name", Accepted: "name=value pairs with a non-empty name"})
			}
			continue
		}
		if utf8.RuneCountInString(name) > maxNameRunes || hasControl(name, false) {
			s.problems = append(s.problems, FieldProblem{Field: truncate(name, 40), Problem: "field name is too long or contains control characters", Accepted: fmt.Sprintf("a field name of at most %d printable characters", maxNameRunes)})
			continue
		}

		if foldName(name) == foldName(HoneypotField) {
			if value != "" {
				s.honeypot = true
			}
			continue
		}

		canonical := canonicalName(name)
		if canonical == "" || f.structured {
			if canonical != "" {
				s.problems = append(s.problems, FieldProblem{Field: name, Problem: "is a JSON object or list", Accepted: "a string or a number"})
				continue
			}
			if value != "" {
				attributes[name] = value
			}
			continue
		}

		if existing, ok := values[canonical]; ok && existing != "" {
			if value != "" && value != existing {
				attributes[name] = value
			}
			continue
		}
		values[canonical] = value
		s.names[canonical] = name
	}

	// A lead needs a way to reach or identify it. What was submitted
	// counts, so an invalid email is reported once, as invalid, and not
	// again as missing.
	contact := values[fieldEmail] != "" || values[fieldPhone] != "" || values[fieldCompany] != "" || values[fieldSubmissionID] != ""
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
		v, err := parsePotential(text)
		if err != nil {
			s.problem(fieldPotential, fmt.Sprintf("%q %v", text, err), acceptedPotential)
		} else {
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

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
