package lead

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// maxCompanyLength caps a normalised company name in bytes. Real names are
// far shorter; the cap keeps account keys well inside the 2,048-byte
// DynamoDB partition-key limit whatever a form submits.
const maxCompanyLength = 200

// legalSuffixes are trailing words that name a legal form rather than the
// company, already case-folded and without dots, so "S.A." is "sa".
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true,
	"co": true, "company": true, "llc": true, "llp": true, "lp": true,
	"ltd": true, "limited": true, "plc": true, "pllc": true, "pc": true,
	"gmbh": true, "mbh": true, "ag": true, "kg": true, "kgaa": true,
	"ug": true, "ev": true, "se": true,
	"sa": true, "sas": true, "sarl": true, "sasu": true, "sca": true,
	"srl": true, "spa": true, "sl": true, "slu": true, "sro": true,
	"bv": true, "nv": true, "vof": true,
	"ab": true, "as": true, "asa": true, "aps": true, "oy": true, "oyj": true,
	"pty": true, "pte": true, "pvt": true, "kk": true, "bhd": true, "sdn": true,
	"holding": true, "holdings": true, "group": true,
}

// placeholderCompanies are normalised names that people type into a
// company field when they have no company to give. They identify no
// account, so NormalizeCompany returns "" for them; otherwise the first
// "N/A" lead would make its rep the owner of every later one. Entries are
// compared after normalisation, so "N/A" is "n a", "Self-Employed" is
// "self employed" and "Test Ltd" is "test". Names made only of symbols
// such as "-", "--" or "." normalise to "" without this list.
var placeholderCompanies = map[string]bool{
	"n a": true, "na": true, "nan": true, "none": true, "null": true, "nil": true,
	"no": true, "not applicable": true, "not available": true, "no company": true,
	"none given": true, "nothing": true, "unknown": true, "undefined": true, "tbd": true,
	"xx": true, "xxx": true, "test": true, "testing": true,
	"self employed": true, "selfemployed": true, "freelance": true,
	"freelancer": true, "independent contractor": true, "sole trader": true,
	"sole proprietor": true, "private": true, "private person": true,
	"personal": true, "individual": true, "student": true, "home": true,
	"retired": true, "unemployed": true, "company": true, "my company": true,
}

// foldCompany removes case distinctions in a way that also covers
// characters such as "ß" (folded to "ss") that strings.ToLower keeps.
var foldCompany = cases.Fold()

// NormalizeCompany returns a company name reduced to the words that
// identify the company, so that spellings of one company compare equal:
// "ACME, Inc.", "Acme Inc" and "acme" all give "acme", "Müller GmbH & Co. KG"
// gives "muller", and "ＡＣＭＥ" (full-width) gives "acme".
//
// It applies compatibility decomposition (NFKD), drops combining marks and
// folds case. It removes apostrophes and dots, turns "&" into "and", and
// turns every other character that is not a letter or a digit into a
// space. Then it removes trailing legal-form words (Inc, LLC, Ltd, GmbH,
// S.A. ...) unless nothing would be left. The result is at most 200 bytes,
// and "" when the name has no letters or digits or is a placeholder such as
// "N/A", "none" or "Self-employed" (see placeholderCompanies).
func NormalizeCompany(name string) string {
	if strings.TrimSpace(name) == "" {
		return ""
	}

	// ASCII needs neither decomposition nor Unicode folding, and most
	// names are ASCII. Invalid bytes become spaces before decomposition,
	// which skips a character that follows them and would make a second
	// pass change the result.
	var folded string
	if isASCII(name) {
		folded = strings.ToLower(name)
	} else {
		decomposed := norm.NFKD.String(strings.ToValidUTF8(name, " "))
		folded = foldCompany.String(decomposed)
	}

	var b strings.Builder
	b.Grow(len(folded))
	for _, r := range folded {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining mark left over from decomposition: "é" is "e".
		case r == '\'' || r == '’' || r == '.':
			// "McDonald's" is "mcdonalds" and "S.A." is "sa".
		case r == '&' || r == '+':
			b.WriteString(" and ")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}

	// Truncate before trimming legal forms, so that a cut that ends in
	// "Ltd" is trimmed too and normalising a result again changes nothing.
	joined := truncateUTF8(strings.Join(strings.Fields(b.String()), " "), maxCompanyLength)
	words := trimLegalSuffixes(strings.Fields(joined))
	normalized := strings.Join(words, " ")
	if placeholderCompanies[normalized] {
		return ""
	}
	return normalized
}

// appendCompanyASCII appends NormalizeCompany(name) for an ASCII name,
// step for step the same but without building intermediate strings.
func appendCompanyASCII(dst []byte, name string) []byte {
	start := len(dst)

	// Keep letters and digits in lower case, drop apostrophes and dots,
	// and separate words by one space.
	pendingSpace := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c == '\'' || c == '.':
		case c == '&' || c == '+':
			if len(dst) > start {
				dst = append(dst, ' ')
			}
			dst = append(dst, "and"...)
			pendingSpace = true
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if pendingSpace && len(dst) > start {
				dst = append(dst, ' ')
			}
			pendingSpace = false
			dst = append(dst, c)
		default:
			pendingSpace = true
		}
	}

	// Truncate before trimming legal forms, as NormalizeCompany does.
	if len(dst)-start > maxCompanyLength {
		dst = dst[:start+maxCompanyLength]
		for len(dst) > start && dst[len(dst)-1] == ' ' {
			dst = dst[:len(dst)-1]
		}
	}

	for {
		last := bytes.LastIndexByte(dst[start:], ' ')
		if last < 0 || !legalSuffixes[string(dst[start+last+1:])] {
			break
		}
		dst = dst[:start+last]

		// Drop an "and" that joined the legal forms ("& Co. KG"), while
		// another word remains.
		last = bytes.LastIndexByte(dst[start:], ' ')
		if last >= 0 && string(dst[start+last+1:]) == "and" {
			dst = dst[:start+last]
		}
	}

	// The map lookup converts the bytes without allocating.
	if placeholderCompanies[string(dst[start:])] {
		return dst[:start]
	}
	return dst
}

// trimLegalSuffixes drops legal-form words from the end, and an "and" that
// joined them ("& Co. KG"), while at least one word would remain.
func trimLegalSuffixes(words []string) []string {
	for len(words) > 1 {
		last := words[len(words)-1]
		if !legalSuffixes[last] {
			break
		}
		words = words[:len(words)-1]
		if len(words) > 1 && words[len(words)-1] == "and" {
			words = words[:len(words)-1]
		}
	}
	return words
}

// truncateUTF8 shortens s to at most n bytes without splitting a
// character, and drops a space the cut leaves at the end.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ")
}
