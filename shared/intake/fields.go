package intake

import (
	"sort"
	"strings"
	"unicode"
)

// Canonical field names. A submitted field name is folded (lower case,
// letters and digits only) and looked up in aliases; a name that is not
// there is kept in lead.Lead.Attributes under the name as submitted.
const (
	fieldEmail        = "email"
	fieldPhone        = "phone"
	fieldFirstName    = "first_name"
	fieldLastName     = "last_name"
	fieldFullName     = "name"
	fieldCompany      = "company"
	fieldWebsite      = "website"
	fieldCountry      = "country"
	fieldRegion       = "region"
	fieldIndustry     = "industry"
	fieldEmployees    = "employees"
	fieldPotential    = "potential"
	fieldSource       = "source"
	fieldReferrer     = "referrer"
	fieldMessage      = "message"
	fieldSubmissionID = "submission_id"
	fieldForm         = "form"
)

// HoneypotField is the form field that people never see and bots fill in.
// A submission with a non-empty value in it gets the same response as an
// accepted lead, and nothing is stored. The form page hides it with CSS and
// aria-hidden, and a site's own form should do the same.
const HoneypotField = "website_url_confirm"

// aliases maps a folded field name to its canonical name.
var aliases = buildAliases(map[string][]string{
	fieldEmail:        {"email", "e-mail", "email_address", "work_email", "workEmail", "Work Email", "business_email", "your-email"},
	fieldPhone:        {"phone", "phone_number", "tel", "telephone", "mobile", "mobile_phone", "cell", "your-phone"},
	fieldFirstName:    {"first_name", "firstname", "first", "given_name", "givenname", "fname"},
	fieldLastName:     {"last_name", "lastname", "last", "surname", "family_name", "lname"},
	fieldFullName:     {"name", "full_name", "fullname", "your-name", "contact_name"},
	fieldCompany:      {"company", "company_name", "organization", "organisation", "organization_name", "organisation_name", "org", "business_name"},
	fieldWebsite:      {"website", "url", "company_website", "web_site", "homepage", "domain"},
	fieldCountry:      {"country", "country_name", "country_code"},
	fieldRegion:       {"region", "state", "province", "territory"},
	fieldIndustry:     {"industry", "sector", "vertical"},
	fieldEmployees:    {"employees", "company_size", "headcount", "employee_count", "number_of_employees", "num_employees", "team_size"},
	fieldPotential:    {"potential", "budget", "deal_size", "deal_value", "estimated_budget", "amount"},
	fieldSource:       {"source", "utm_source", "lead_source"},
	fieldReferrer:     {"referrer", "referred_by", "referral"},
	fieldMessage:      {"message", "comments", "comment", "notes", "enquiry", "inquiry", "question", "your-message"},
	fieldSubmissionID: {"submission_id", "source_submission_id", "response_id", "entry_id", "external_id"},
	fieldForm:         {"form", "form_name", "form_id"},
})

// fallbackAliases are the folded aliases that fill a lead field only when
// none of its primary aliases has a value; otherwise they are kept as
// attributes. Each names something related but different: utm_source is
// the ad campaign's source where source is how the lead came in, a
// country code sits beside a country name, a url field is often the page
// the form was on, and a form id sits beside the form name.
var fallbackAliases = map[string]bool{
	foldName("utm_source"):   true,
	foldName("country_code"): true,
	foldName("url"):          true,
	foldName("form_id"):      true,
}

func buildAliases(names map[string][]string) map[string]string {
	table := make(map[string]string)
	for canonical, list := range names {
		for _, name := range list {
			table[foldName(name)] = canonical
		}
	}
	return table
}

// foldName reduces a field name to lower-case letters and digits, so that
// "Work Email", "work_email", "workEmail" and "work-email" are one name.
func foldName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// canonicalName returns the canonical name of a submitted field name, or ""
// when the name is not a known alias.
func canonicalName(name string) string {
	return aliases[foldName(name)]
}

// Aliases returns, for each canonical lead field, the submitted names that
// map to it, sorted. The form page, the README and replay mappings use the
// canonical names.
func Aliases() map[string][]string {
	byCanonical := make(map[string][]string)
	for folded, canonical := range aliases {
		byCanonical[canonical] = append(byCanonical[canonical], folded)
	}
	for _, list := range byCanonical {
		sort.Strings(list)
	}
	return byCanonical
}
