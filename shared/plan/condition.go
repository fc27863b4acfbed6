package plan

import (
	"math"
	"unicode"
	"unicode/utf8"
)

// AppendFolded appends the form of s that text conditions compare: lower
// case, no leading or trailing separators, and every run of spaces,
// hyphens and underscores turned into one space, so "Cold-Outbound",
// "cold outbound" and " COLD_OUTBOUND " compare equal. It allocates only
// when dst is too small.
func AppendFolded(dst []byte, s string) []byte {
	pendingSpace := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n' || c == '\r' {
				pendingSpace = true
				continue
			}
			if pendingSpace && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			pendingSpace = false
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			continue
		}

		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) {
			pendingSpace = true
			continue
		}
		if pendingSpace && len(dst) > 0 {
			dst = append(dst, ' ')
		}
		pendingSpace = false
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// Fold returns AppendFolded(nil, s) as a string.
func Fold(s string) string {
	return string(AppendFolded(nil, s))
}

// interval is a Range with every bound made explicit. Numeric conditions
// never match an unknown value, which leads carry as 0, so the implicit
// lower bound is "above 0".
type interval struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

func (r Range) interval() interval {
	iv := interval{lo: 0, loOpen: true, hi: math.Inf(1), hiOpen: true}
	if r.Min != nil && *r.Min > iv.lo {
		iv.lo, iv.loOpen = *r.Min, false
	}
	if r.Above != nil && *r.Above >= iv.lo {
		iv.lo, iv.loOpen = *r.Above, true
	}
	if r.Max != nil {
		iv.hi, iv.hiOpen = *r.Max, false
	}
	if r.Below != nil && *r.Below <= iv.hi {
		iv.hi, iv.hiOpen = *r.Below, true
	}
	return iv
}

// Contains reports whether v lies in the range. A value of 0 or less is
// unknown and never does.
func (r Range) Contains(v float64) bool {
	if !(v > 0) {
		return false
	}
	return r.interval().contains(v)
}

func (iv interval) contains(v float64) bool {
	if v < iv.lo || v == iv.lo && iv.loOpen {
		return false
	}
	if v > iv.hi || v == iv.hi && iv.hiOpen {
		return false
	}
	return true
}

func (iv interval) empty() bool {
	return iv.lo > iv.hi || iv.lo == iv.hi && (iv.loOpen || iv.hiOpen)
}

// within reports whether every value in iv is also in outer.
func (iv interval) within(outer interval) bool {
	if iv.empty() {
		return true
	}
	lowOK := iv.lo > outer.lo || iv.lo == outer.lo && (!outer.loOpen || iv.loOpen)
	highOK := iv.hi < outer.hi || iv.hi == outer.hi && (!outer.hiOpen || iv.hiOpen)
	return lowOK && highOK
}

func (iv interval) intersect(other interval) interval {
	out := iv
	if other.lo > out.lo || other.lo == out.lo && other.loOpen {
		out.lo, out.loOpen = other.lo, other.loOpen
	}
	if other.hi < out.hi || other.hi == out.hi && other.hiOpen {
		out.hi, out.hiOpen = other.hi, other.hiOpen
	}
	return out
}

// covers reports whether every lead that matches inner also matches
// outer, judged on the conditions alone.
func covers(outer, inner []Condition) bool {
	for _, oc := range outer {
		ic, ok := findCondition(inner, oc.Field)
		if !ok {
			return false
		}
		if oc.Field.IsNumeric() {
			if !ic.Range.interval().within(oc.Range.interval()) {
				return false
			}
			continue
		}
		if !subsetFolded(ic.Values, oc.Values) {
			return false
		}
	}
	return true
}

// overlap reports whether some lead could match both sets of conditions.
func overlap(a, b []Condition) bool {
	for _, ac := range a {
		bc, ok := findCondition(b, ac.Field)
		if !ok {
			continue
		}
		if ac.Field.IsNumeric() {
			if ac.Range.interval().intersect(bc.Range.interval()).empty() {
				return false
			}
			continue
		}
		if !intersectFolded(ac.Values, bc.Values) {
			return false
		}
	}
	return true
}

func findCondition(conds []Condition, f Field) (Condition, bool) {
	for _, c := range conds {
		if c.Field == f {
			return c, true
		}
	}
	return Condition{}, false
}

func subsetFolded(inner, outer []string) bool {
	for _, v := range inner {
		if !containsFolded(outer, v) {
			return false
		}
	}
	return true
}

func intersectFolded(a, b []string) bool {
	for _, v := range a {
		if containsFolded(b, v) {
			return true
		}
	}
	return false
}

func containsFolded(list []string, v string) bool {
	fv := Fold(v)
	for _, w := range list {
		if Fold(w) == fv {
			return true
		}
	}
	return false
}
