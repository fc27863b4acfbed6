package lead

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeDomain(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "acme.com", "acme.com"},
		{"upper case", "ACME.Com", "acme.com"},
		{"www prefix", "www.acme.com", "acme.com"},
		{"www prefix twice", "www.www.Acme.com", "acme.com"},
		{"www prefix twice before two labels", "www.www.0.A", "0.a"},
		{"www before a single label stays", "www.www.com", "www.com"},
		{"scheme path query port", "HTTPS://www.Acme.com:443/pricing?x=1#top", "acme.com"},
		{"scheme-relative", "//acme.com/x", "acme.com"},
		{"trailing dot", "acme.com.", "acme.com"},
		{"surrounding spaces", "  acme.co.uk \n", "acme.co.uk"},
		{"subdomain kept", "eu.acme.com", "eu.acme.com"},
		{"email gives domain", "bob@acme.com", "acme.com"},
		{"user info", "http://user:pw@acme.com/", "acme.com"},
		{"idn to punycode", "münchen.de", "xn--mnchen-3ya.de"},
		{"punycode unchanged", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de"},
		{"idn upper case", "MÜNCHEN.DE", "xn--mnchen-3ya.de"},
		{"empty", "", ""},
		{"spaces only", "   ", ""},
		{"single label", "localhost", ""},
		{"ipv4", "192.168.1.10", ""},
		{"ipv6", "http://[::1]:8080/", ""},
		{"space inside", "acme corp.com", ""},
		{"underscore", "my_site.com", ""},
		{"leading hyphen label", "-acme.com", ""},
		{"empty label", "acme..com", ""},
		{"only dots", "...", ""},
		{"label too long", strings.Repeat("a", 64) + ".com", ""},
		{"domain too long", strings.Repeat("abcdefghi.", 26) + "com", ""},
		{"www alone", "www.", ""},
		{"non-numeric port kept invalid", "acme.com:http", ""},
		{"invalid idn", "ex\u200dample.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeDomain(tt.in); got != tt.want {
				t.Errorf("NormalizeDomain(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDomainFromEmail(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "bob@acme.com", "acme.com"},
		{"upper case", "Bob@ACME.COM", "acme.com"},
		{"display name", "Bob Smith <bob@acme.com>", "acme.com"},
		{"idn", "jörg@müller.de", "xn--mller-kva.de"},
		{"no at", "bob.acme.com", ""},
		{"no local part", "@acme.com", ""},
		{"no domain", "bob@", ""},
		{"single label domain", "bob@localhost", ""},
		{"url after at", "bob@acme.com/path", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DomainFromEmail(tt.in); got != tt.want {
				t.Errorf("DomainFromEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRegistrableDomain(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"two labels", "acme.com", "acme.com"},
		{"subdomain", "eu.acme.com", "acme.com"},
		{"two subdomains", "a.b.acme.com", "acme.com"},
		{"two-label public suffix", "a.b.acme.co.uk", "acme.co.uk"},
		{"under two-label public suffix", "mail.acme.co.uk", "acme.co.uk"},
		{"idn punycode", "shop.xn--mnchen-3ya.de", "xn--mnchen-3ya.de"},
		{"idn top-level domain", "www.example.xn--p1ai", "example.xn--p1ai"},
		{"private suffix site", "x.github.io", "x.github.io"},
		{"under private suffix site", "docs.x.github.io", "x.github.io"},
		{"private suffix itself", "github.io", ""},
		{"herokuapp site", "api.shop.herokuapp.com", "shop.herokuapp.com"},
		{"blogspot site", "news.example.blogspot.com", "example.blogspot.com"},
		{"icann suffix itself", "co.uk", ""},
		{"top-level domain itself", "com", ""},
		{"three-label suffix itself", "pvt.k12.ma.us", ""},
		{"wildcard suffix", "foo.kawasaki.jp", ""},
		{"under wildcard suffix", "acme.foo.kawasaki.jp", "acme.foo.kawasaki.jp"},
		{"wildcard exception", "city.kawasaki.jp", "city.kawasaki.jp"},
		{"unlisted top-level domain", "a.b.acme.internal", "acme.internal"},
		{"free-mail subdomain", "mail.gmail.com", "gmail.com"},
		{"ip-like with letter tld", "1.2.3.4a", "3.4a"},
		{"single label", "localhost", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RegistrableDomain(tt.in); got != tt.want {
				t.Errorf("RegistrableDomain(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDomainKeyUsesRegistrableDomain(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"subdomain", "eu.acme.com", "domain:acme.com"},
		{"subdomain url", "https://EU.Acme.com:8443/x", "domain:acme.com"},
		{"email at subdomain", "kim@mail.acme.co.uk", "domain:acme.co.uk"},
		{"deep subdomain", "a.b.acme.co.uk", "domain:acme.co.uk"},
		{"trailing dot", "acme.com.", "domain:acme.com"},
		{"idn subdomain", "shop.münchen.de", "domain:xn--mnchen-3ya.de"},
		{"github pages sites differ", "x.github.io", "domain:x.github.io"},
		{"other github pages site", "y.github.io", "domain:y.github.io"},
		{"private suffix itself", "github.io", ""},
		{"icann suffix itself", "co.uk", ""},
		{"email at suffix", "c@co.uk", ""},
		{"url of suffix", "https://www.co.uk/", ""},
		{"ipv4", "10.0.0.1", ""},
		{"single label", "intranet", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DomainKey(tt.in); got != tt.want {
				t.Errorf("DomainKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
			d := NormalizeDomain(tt.in)
			if d == "" {
				return
			}
			if got := string(AppendDomainKey([]byte("x|"), d)); got != "x|"+tt.want {
				t.Errorf("AppendDomainKey(\"x|\", %q) = %q, want %q", d, got, "x|"+tt.want)
			}
		})
	}
}

func TestAppendDomainKeyTwoLabelsDoesNotAllocate(t *testing.T) {
	var buf [64]byte
	allocs := testing.AllocsPerRun(100, func() {
		_ = AppendDomainKey(buf[:0], "acme.com")
		_ = AppendDomainKey(buf[:0], "github.io")
	})
	if allocs != 0 {
		t.Errorf("allocations = %v, want 0", allocs)
	}
}

func TestNormalizeCompany(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Acme", "acme"},
		{"inc with comma", "ACME, Inc.", "acme"},
		{"llc", "Acme LLC", "acme"},
		{"ltd", "Acme Widgets Ltd.", "acme widgets"},
		{"gmbh and co kg", "Müller GmbH & Co. KG", "muller"},
		{"s.a.", "Grupo Bimbo S.A.", "grupo bimbo"},
		{"s.a. de c.v. keeps de cv", "Acme S.A. de C.V.", "acme sa de cv"},
		{"ampersand", "Johnson & Johnson", "johnson and johnson"},
		{"apostrophe", "McDonald's Corporation", "mcdonalds"},
		{"accents", "Société Générale", "societe generale"},
		{"full width", "ＡＣＭＥ", "acme"},
		{"sharp s", "Straße GmbH", "strasse"},
		{"extra spaces", "  Acme   Widgets  ", "acme widgets"},
		{"suffix only kept", "Limited", "limited"},
		{"two suffixes", "Acme Holdings Ltd", "acme"},
		{"non latin", "株式会社トヨタ", "株式会社トヨタ"},
		{"greek", "ΑΛΦΑ", "αλφα"},
		{"digits", "3M Company", "3m"},
		{"punctuation only", "!!!", ""},
		{"empty", "", ""},
		{"placeholder n/a", "N/A", ""},
		{"placeholder n/a lower", "n/a", ""},
		{"placeholder n.a.", "N.A.", ""},
		{"placeholder none", "None", ""},
		{"placeholder null", "NULL", ""},
		{"placeholder dash", "-", ""},
		{"placeholder double dash", "--", ""},
		{"placeholder dot", ".", ""},
		{"placeholder unknown", "Unknown", ""},
		{"placeholder not applicable", "Not applicable", ""},
		{"placeholder self-employed", "Self-employed", ""},
		{"placeholder self employed", "self employed", ""},
		{"placeholder freelancer", "Freelancer", ""},
		{"placeholder private", "private", ""},
		{"placeholder student", "Student", ""},
		{"placeholder test with suffix", "Test Ltd", ""},
		{"placeholder no company", "No company", ""},
		{"placeholder full width", "ＮＯＮＥ", ""},
		{"placeholder word inside name kept", "None Such Widgets", "none such widgets"},
		{"home in name kept", "Home Depot", "home depot"},
		{"single letter kept", "X Corp.", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeCompany(tt.in); got != tt.want {
				t.Errorf("NormalizeCompany(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeCompanyCapsLength(t *testing.T) {
	got := NormalizeCompany(strings.Repeat("é", 500))
	if len(got) > maxCompanyLength {
		t.Errorf("len = %d, want at most %d", len(got), maxCompanyLength)
	}
	if !utf8.ValidString(got) {
		t.Errorf("result %q is not valid UTF-8", got)
	}
}

func TestAccountKeys(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"domain key", DomainKey("WWW.Acme.com"), "domain:acme.com"},
		{"domain key of garbage", DomainKey("not a domain"), ""},
		{"company key", CompanyKey("Acme, Inc."), "company:acme"},
		{"company key of punctuation", CompanyKey("--"), ""},
		{"append domain key", string(AppendDomainKey(nil, "acme.com")), "domain:acme.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestNormalizeDomainNormalInputDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = NormalizeDomain("acme.com")
		_ = DomainFromEmail("bob@acme.com")
	})
	if allocs != 0 {
		t.Errorf("allocations = %v, want 0", allocs)
	}
}

// FuzzNormalizeDomain checks that any input gives "" or a domain that is
// already normal, and that normalising twice changes nothing.
func FuzzNormalizeDomain(f *testing.F) {
	for _, seed := range []string{
		"acme.com", "HTTPS://www.Acme.com:443/x?y#z", "münchen.de", "xn--mnchen-3ya.de",
		"bob@acme.com", "[::1]", "192.168.0.1", "", " ", "a..b", "www.", strings.Repeat("a.", 200),
		"\xff\xfe", "ｅｘａｍｐｌｅ．ｃｏｍ", "http://", "@", ":", "exa mple.com",
		"eu.acme.com", "a.b.acme.co.uk", "x.github.io", "github.io", "city.kawasaki.jp", "foo.kawasaki.jp",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := NormalizeDomain(in)
		if got == "" {
			return
		}
		if !isNormalDomain(got) {
			t.Fatalf("NormalizeDomain(%q) = %q, which is not a normal domain", in, got)
		}
		if again := NormalizeDomain(got); again != got {
			t.Fatalf("NormalizeDomain(%q) = %q, but NormalizeDomain(%q) = %q", in, got, got, again)
		}

		account := RegistrableDomain(got)
		if account == "" {
			if !IsPublicSuffix(got) {
				t.Fatalf("RegistrableDomain(%q) = \"\", but it is not a public suffix", got)
			}
			return
		}
		if !isNormalDomain(account) || !strings.HasSuffix("."+got, "."+account) {
			t.Fatalf("RegistrableDomain(%q) = %q, which is not a normal parent domain", got, account)
		}
		if again := RegistrableDomain(account); again != account {
			t.Fatalf("RegistrableDomain(%q) = %q, but RegistrableDomain(%q) = %q", got, account, account, again)
		}
		if key, appended := DomainKey(in), string(AppendDomainKey(nil, got)); key != appended {
			t.Fatalf("DomainKey(%q) = %q, but AppendDomainKey(nil, %q) = %q", in, key, got, appended)
		}
		_ = DomainFromEmail(in)
	})
}

// FuzzNormalizeCompany checks that any input gives valid UTF-8 within the
// length cap, and that normalising twice changes nothing.
func FuzzNormalizeCompany(f *testing.F) {
	for _, seed := range []string{
		"ACME, Inc.", "Müller GmbH & Co. KG", "株式会社トヨタ", "ＡＣＭＥ", "", " ", "Inc",
		"\xff\xfe", "a\u0301", strings.Repeat("Ltd ", 100), "İstanbul A.Ş.", "ǅ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := NormalizeCompany(in)
		if !utf8.ValidString(got) {
			t.Fatalf("NormalizeCompany(%q) = %q, not valid UTF-8", in, got)
		}
		if len(got) > maxCompanyLength {
			t.Fatalf("NormalizeCompany(%q) has %d bytes, over %d", in, len(got), maxCompanyLength)
		}
		if again := NormalizeCompany(got); again != got {
			t.Fatalf("NormalizeCompany(%q) = %q, but NormalizeCompany(%q) = %q", in, got, got, again)
		}
	})
}

// companyKeyInputs are names whose keys the append form must reproduce:
// every case of TestNormalizeCompany and the hard ASCII cases.
var companyKeyInputs = []string{
	"Acme", "ACME, Inc.", "Acme LLC", "Acme Widgets Ltd.", "Müller GmbH & Co. KG", "Grupo Bimbo S.A.",
	"Acme S.A. de C.V.", "Johnson & Johnson", "McDonald's Corporation", "Société Générale", "ＡＣＭＥ",
	"Straße GmbH", "  Acme   Widgets  ", "Limited", "Acme Holdings Ltd", "株式会社トヨタ", "ΑΛΦΑ",
	"3M Company", "!!!", "", " ", "&", "+", "& Co", "Acme & Co. KG", "Acme and Ltd", "And Ltd", "Ltd Ltd",
	"Acme&Widgets", "A+B", "a '.b", "S.A.", "\x00Acme\x7f", "Acme\tInc\n", "Acme, Inc. & Co", "Co & Co",
	strings.Repeat("a", 198) + " Ltd", strings.Repeat("a", 196) + " Ltd x", strings.Repeat("Ltd ", 100),
	strings.Repeat("word ", 60), strings.Repeat("a", 500), "\xff\xfe Acme",
	"N/A", "n/a", "None", "Self-employed", "self employed", "Test Ltd", "-", "--", ".", "ＮＯＮＥ",
	"None Such Widgets", "Freelancer & Co",
}

func TestAppendCompanyKeyMatchesCompanyKey(t *testing.T) {
	for _, in := range companyKeyInputs {
		want := CompanyKey(in)
		if got := string(AppendCompanyKey(nil, in)); got != want {
			t.Errorf("AppendCompanyKey(nil, %q) = %q, want %q", in, got, want)
		}
		if got := string(AppendCompanyKey([]byte("x|"), in)); got != "x|"+want {
			t.Errorf("AppendCompanyKey(\"x|\", %q) = %q, want %q", in, got, "x|"+want)
		}
	}
}

func TestAppendCompanyKeyASCIIDoesNotAllocate(t *testing.T) {
	var buf [256]byte
	allocs := testing.AllocsPerRun(100, func() {
		_ = AppendCompanyKey(buf[:0], "Miller and Sons GmbH & Co. KG")
		_ = AppendCompanyKey(buf[:0], "ACME, Inc.")
	})
	if allocs != 0 {
		t.Errorf("allocations = %v, want 0", allocs)
	}
}

// FuzzAppendCompanyKey checks that the append form gives the same key as
// CompanyKey for any name.
func FuzzAppendCompanyKey(f *testing.F) {
	for _, seed := range companyKeyInputs {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		want := CompanyKey(in)
		if got := string(AppendCompanyKey([]byte("x|"), in)); got != "x|"+want {
			t.Fatalf("AppendCompanyKey(\"x|\", %q) = %q, want %q", in, got, "x|"+want)
		}
	})
}
