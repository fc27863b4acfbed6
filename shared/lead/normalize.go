package lead

import (
	"strings"
	"sync"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// maxDomainLength is the DNS limit on a domain name in its ASCII form
// (RFC 1035, section 2.3.4).
const maxDomainLength = 253

// Account key prefixes. The store and routing.State use these keys, so
// changing them orphans every stored owner.
const (
	domainKeyPrefix  = "domain:"
	companyKeyPrefix = "company:"
)

// NormalizeDomain returns the host name in s in lower case, or "" when s
// holds no usable domain. It keeps subdomains ("eu.acme.com"), which
// RegistrableDomain removes. It accepts what people type
// in a website field: a scheme, user info, a path, a query, a port, a
// leading "www." and a trailing dot are removed ("HTTPS://www.Acme.com:443/x"
// becomes "acme.com"), and an email address gives its domain.
//
// Leading "www." labels are removed while a domain of two or more labels
// remains, so "www.www.acme.com" gives "acme.com". Internationalised names are returned in their ASCII (punycode) form, so
// "münchen.de" and "xn--mnchen-3ya.de" give the same result. IP addresses,
// single-label names such as "localhost", and names that break the DNS
// host-name rules give "".
func NormalizeDomain(s string) string {
	if isNormalDomain(s) && !strings.HasPrefix(s, "www.") {
		return s
	}

	host := hostOf(strings.TrimSpace(s))
	if host == "" {
		return ""
	}

	if !isASCII(host) {
		ascii, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return ""
		}
		host = ascii
	}

	host = strings.ToLower(host)
	host = strings.TrimSuffix(host, ".")
	if !isNormalDomain(host) {
		return ""
	}

	// Every leading "www." goes, but only while a domain remains, so
	// "www.com" stays whole and normalising a result again changes nothing.
	for {
		rest, ok := strings.CutPrefix(host, "www.")
		if !ok || !isNormalDomain(rest) {
			return host
		}
		host = rest
	}
}

// hostOf strips what surrounds the host in a URL or an email address.
func hostOf(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimPrefix(s, "//")

	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}

	// A bracketed host is an IPv6 literal, never an account domain.
	if strings.HasPrefix(s, "[") {
		return ""
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && isDigits(s[i+1:]) {
		s = s[:i]
	}
	return s
}

// isNormalDomain reports whether s is already a lower-case ASCII host name
// of at least two labels that follows the DNS host-name rules, with a
// top-level label that is not all digits (which rules out IPv4 addresses).
func isNormalDomain(s string) bool {
	if len(s) == 0 || len(s) > maxDomainLength {
		return false
	}

	labels := 0
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
			continue
		}

		label := s[start:i]
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		labels++
		start = i + 1
	}

	tld := s[strings.LastIndexByte(s, '.')+1:]
	return labels >= 2 && !isDigits(tld)
}

// DomainFromEmail returns the normalised domain of an email address
// ("Bob <bob@Acme.COM>" gives "acme.com"), or "" when email has no local
// part, no "@" or no usable domain. It does not judge whether the domain
// is a free-mail provider: plan.Plan.IsFreeMail does.
func DomainFromEmail(email string) string {
	email = strings.TrimSpace(email)
	if i := strings.LastIndexByte(email, '<'); i >= 0 {
		email = strings.TrimSuffix(email[i+1:], ">")
	}

	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return ""
	}

	domain := email[at+1:]
	if strings.ContainsAny(domain, "/?#:[] ") {
		return ""
	}
	return NormalizeDomain(domain)
}

// RegistrableDomain returns the part of a normalised domain that one
// organisation registered, its effective TLD plus one label (eTLD+1) on the
// public suffix list: "eu.acme.com" and "a.b.acme.co.uk" give "acme.com"
// and "acme.co.uk". The list includes private suffixes such as "github.io"
// and "herokuapp.com", so "x.github.io" stays "x.github.io": each site on a
// shared host is its own account. A domain that is itself a public suffix
// ("co.uk", "github.io", "com") gives "", because anyone can register a
// name under it, so it identifies no account. The list is the copy
// compiled into golang.org/x/net/publicsuffix, so it changes only when
// that module is updated.
//
// It does not allocate for a domain of two labels that IsPublicSuffix has
// seen before.
//
// NOTE: a domain of three or more labels costs one allocation, made by
// publicsuffix.PublicSuffix, which first tries to parse the domain as an
// IP address and builds that error.
func RegistrableDomain(normalizedDomain string) string {
	// With two labels, the public suffix is either the last label, which
	// makes the domain its own eTLD+1, or the whole domain.
	first := strings.IndexByte(normalizedDomain, '.')
	if first < 0 || strings.IndexByte(normalizedDomain[first+1:], '.') < 0 {
		if IsPublicSuffix(normalizedDomain) {
			return ""
		}
		return normalizedDomain
	}
	return registrableDomainOfSubdomain(normalizedDomain)
}

// registrableDomainOfSubdomain is RegistrableDomain for a domain of three
// or more labels.
func registrableDomainOfSubdomain(d string) string {
	suffix, _ := publicsuffix.PublicSuffix(d)
	if len(suffix) >= len(d) || d[len(d)-len(suffix)-1] != '.' {
		return ""
	}
	rest := d[:len(d)-len(suffix)-1]
	return d[strings.LastIndexByte(rest, '.')+1:]
}

// maxPublicSuffixCache caps the entries of publicSuffixCache, so that
// domains submitted by forms cannot grow it without bound. About 4,000
// domains of at most 253 bytes stay near one megabyte.
const maxPublicSuffixCache = 4096

// publicSuffixCache stores IsPublicSuffix results, because
// publicsuffix.PublicSuffix allocates on every call and routing looks
// domains up on its allocation-free path.
var publicSuffixCache = struct {
	sync.RWMutex
	m map[string]bool
}{m: map[string]bool{}}

// IsPublicSuffix reports whether a normalised domain is itself on the
// public suffix list ("com", "co.uk", "github.io", "foo.kawasaki.jp"
// under the rule "*.kawasaki.jp"), so that no account can be named by it.
// A domain it has seen before costs no allocation.
func IsPublicSuffix(normalizedDomain string) bool {
	publicSuffixCache.RLock()
	is, ok := publicSuffixCache.m[normalizedDomain]
	publicSuffixCache.RUnlock()
	if ok {
		return is
	}

	suffix, _ := publicsuffix.PublicSuffix(normalizedDomain)
	is = suffix == normalizedDomain

	publicSuffixCache.Lock()
	if len(publicSuffixCache.m) < maxPublicSuffixCache {
		publicSuffixCache.m[normalizedDomain] = is
	}
	publicSuffixCache.Unlock()
	return is
}

// DomainKey returns the account key of a domain ("domain:acme.com"), or ""
// when the domain is not usable or is a public suffix ("co.uk"). The domain is normalised and reduced to
// its registrable domain, so "https://eu.acme.com/" also gives
// "domain:acme.com".
func DomainKey(domain string) string {
	d := NormalizeDomain(domain)
	if d == "" {
		return ""
	}
	r := RegistrableDomain(d)
	if r == "" {
		return ""
	}
	return domainKeyPrefix + r
}

// CompanyKey returns the account key of a company name ("company:acme" for
// "ACME, Inc."), or "" when nothing is left after normalisation.
func CompanyKey(name string) string {
	c := NormalizeCompany(name)
	if c == "" {
		return ""
	}
	return companyKeyPrefix + c
}

// AppendCompanyKey appends the account key that CompanyKey returns for
// name to dst, or nothing when that key is "". It lets a hot path look a
// key up in a map with m[string(AppendCompanyKey(buf[:0], name))], and it
// does not allocate for an ASCII name when dst has room.
//
// NOTE: a name with non-ASCII characters goes through CompanyKey, which
// allocates, because Unicode decomposition and case folding need buffers.
func AppendCompanyKey(dst []byte, name string) []byte {
	if !isASCII(name) {
		return append(dst, CompanyKey(name)...)
	}

	start := len(dst)
	dst = append(dst, companyKeyPrefix...)
	dst = appendCompanyASCII(dst, name)
	if len(dst) == start+len(companyKeyPrefix) {
		return dst[:start]
	}
	return dst
}

// AppendDomainKey appends the account key of an already normalised domain
// to dst, the same key that DomainKey returns, or nothing when that key is
// "" because the domain is a public suffix. It lets a hot path look a
// key up in a map, m[string(AppendDomainKey(buf[:0], d))], and allocates
// only when dst is too small or RegistrableDomain allocates.
func AppendDomainKey(dst []byte, normalizedDomain string) []byte {
	r := RegistrableDomain(normalizedDomain)
	if r == "" {
		return dst
	}
	dst = append(dst, domainKeyPrefix...)
	return append(dst, r...)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
