package intake

import (
	"fmt"
	"net/mail"
	"net/url"
	"sort"
	"strings"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// Accepted-value texts of the fields with a format.
const (
	acceptedEmail   = "one address such as ada@example.com, without a display name, whose domain contains a dot"
	acceptedPhone   = "7 to 15 digits, optionally with a leading +, spaces, dashes, dots, slashes and parentheses"
	acceptedWebsite = "a domain or an http(s) URL such as example.com or https://www.example.com/"
)

// checkEmail returns the address with its domain in lower case, or the
// problem with it.
func checkEmail(email string) (string, string) {
	parsed, err := mail.ParseAddress(email)
	if err != nil {
		return "", fmt.Sprintf("%q is not an email address", email)
	}
	if parsed.Name != "" || parsed.Address != email {
		return "", fmt.Sprintf("%q is not a bare email address", email)
	}

	local, domain, _ := strings.Cut(parsed.Address, "@")
	domain = strings.ToLower(domain)
	if !strings.Contains(strings.Trim(domain, "."), ".") || strings.HasPrefix(domain, "[") {
		return "", fmt.Sprintf("the domain %q of %q has no dot", domain, email)
	}
	return local + "@" + domain, ""
}

// checkPhone returns the problem with a phone number, or "". Extensions
// ("x12", "ext. 12") are not accepted, because the digit count could not
// be checked.
func checkPhone(phone string) string {
	digits := 0
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case strings.ContainsRune(" -./()", r):
		default:
			return fmt.Sprintf("%q contains %q", phone, r)
		}
	}
	if digits < 7 || digits > 15 {
		return fmt.Sprintf("%q has %d digits", phone, digits)
	}
	return ""
}

// checkWebsite returns the normalised domain of a website (lower case,
// punycode, without "www."), or the problem with it.
func checkWebsite(website string) (string, string) {
	raw := website
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}

	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return "", fmt.Sprintf("%q is not an http or https address", website)
	}
	domain := lead.NormalizeDomain(u.Host)
	if domain == "" {
		return "", fmt.Sprintf("%q has no domain name, such as example.com", website)
	}
	return domain, ""
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
