package plan

import "math"

// maxCoverageSteps bounds the work of one coveredByUnion call in plan
// checks, because splitting a region by every earlier rule can take time
// exponential in the number of rules. When the bound is reached the check
// gives up and reports nothing, so it never reports a reachable rule.
//
// NOTE: the bound is a guess, not sized by measurement. A rule that is
// unreachable only through a split larger than this is not reported.
const maxCoverageSteps = 20000

// fieldOrder fixes the order in which regions are split, so that problems
// come out the same on every run.
var fieldOrder = []Field{FieldSource, FieldIndustry, FieldCountry, FieldRegion, FieldEmployees, FieldPotential}

// region is a set of leads described field by field: a lead is in the
// region when each of its field values is in that field's set. Every
// condition, and every "and" of conditions, is a region.
type region struct {
	text    map[Field]textSet
	numbers map[Field]numberSet
}

// textSet is a set of folded text values: the values listed, or every
// value except those listed when cofinite is set. A lead without the field
// has the value "", which no condition lists.
type textSet struct {
	values   map[string]bool
	cofinite bool
}

// numberSet is a set of field values: unknown (0 or less) when unknown is
// set, and the known values in the disjoint intervals. Employee counts are
// whole numbers, so their intervals are closed at whole numbers, which
// makes {max: 499} and {min: 500} meet with no gap between them.
type numberSet struct {
	unknown   bool
	intervals []interval
	whole     bool
}

// regionOf returns the leads that match every condition.
func regionOf(conds []Condition) region {
	r := region{text: map[Field]textSet{}, numbers: map[Field]numberSet{}}
	for _, f := range fieldOrder {
		c, ok := findCondition(conds, f)
		switch {
		case f.IsNumeric() && ok:
			r.numbers[f] = numberSet{intervals: []interval{c.Range.interval()}, whole: f == FieldEmployees}.normalized()
		case f.IsNumeric():
			all := interval{lo: 0, loOpen: true, hi: math.Inf(1), hiOpen: true}
			r.numbers[f] = numberSet{unknown: true, intervals: []interval{all}, whole: f == FieldEmployees}.normalized()
		case ok:
			values := map[string]bool{}
			for _, v := range c.Values {
				values[Fold(v)] = true
			}
			r.text[f] = textSet{values: values}
		default:
			r.text[f] = textSet{values: map[string]bool{}, cofinite: true}
		}
	}
	return r
}

func (r region) empty() bool {
	for _, s := range r.text {
		if s.empty() {
			return true
		}
	}
	for _, s := range r.numbers {
		if s.empty() {
			return true
		}
	}
	return false
}

func (r region) intersect(other region) region {
	out := region{text: map[Field]textSet{}, numbers: map[Field]numberSet{}}
	for f, s := range r.text {
		out.text[f] = s.intersect(other.text[f])
	}
	for f, s := range r.numbers {
		out.numbers[f] = s.intersect(other.numbers[f])
	}
	return out
}

// with returns a copy of r whose field f is the text set s or the number
// set n; the other argument is ignored.
func (r region) with(f Field, s textSet, n numberSet) region {
	out := region{text: map[Field]textSet{}, numbers: map[Field]numberSet{}}
	for k, v := range r.text {
		out.text[k] = v
	}
	for k, v := range r.numbers {
		out.numbers[k] = v
	}
	if f.IsNumeric() {
		out.numbers[f] = n
	} else {
		out.text[f] = s
	}
	return out
}

// subtract returns disjoint regions whose union is every lead in r that is
// not in other. Piece k keeps the first k-1 fields inside other and takes
// field k outside it.
func (r region) subtract(other region) []region {
	var pieces []region
	inside := r
	for _, f := range fieldOrder {
		var piece region
		if f.IsNumeric() {
			piece = inside.with(f, textSet{}, inside.numbers[f].subtract(other.numbers[f]))
			inside = inside.with(f, textSet{}, inside.numbers[f].intersect(other.numbers[f]))
		} else {
			piece = inside.with(f, inside.text[f].subtract(other.text[f]), numberSet{})
			inside = inside.with(f, inside.text[f].intersect(other.text[f]), numberSet{})
		}
		if !piece.empty() {
			pieces = append(pieces, piece)
		}
		if inside.empty() {
			break
		}
	}
	return pieces
}

// coveredByUnion reports whether every lead in r matches at least one of
// the regions in earlier. It also returns the indexes of the earlier
// regions that share leads with r. A false result means either that some
// lead in r matches none of them or that the check gave up after
// maxSteps steps.
func coveredByUnion(r region, earlier []region, maxSteps int) (bool, []int) {
	var sharing []int
	for i, e := range earlier {
		if !r.intersect(e).empty() {
			sharing = append(sharing, i)
		}
	}
	if len(sharing) == 0 {
		return false, nil
	}

	steps := 0
	var covered func(r region, next int) bool
	covered = func(r region, next int) bool {
		steps++
		if steps > maxSteps {
			return false
		}
		if r.empty() {
			return true
		}
		for next < len(earlier) && r.intersect(earlier[next]).empty() {
			next++
		}
		if next == len(earlier) {
			return false
		}
		for _, piece := range r.subtract(earlier[next]) {
			if !covered(piece, next+1) {
				return false
			}
		}
		return true
	}
	return covered(r, 0), sharing
}

func (s textSet) empty() bool {
	return !s.cofinite && len(s.values) == 0
}

func (s textSet) complement() textSet {
	return textSet{values: s.values, cofinite: !s.cofinite}
}

func (s textSet) intersect(other textSet) textSet {
	out := textSet{values: map[string]bool{}, cofinite: s.cofinite && other.cofinite}
	switch {
	case s.cofinite && other.cofinite:
		// Every value except those either set leaves out.
		for v := range s.values {
			out.values[v] = true
		}
		for v := range other.values {
			out.values[v] = true
		}
	case s.cofinite:
		for v := range other.values {
			if !s.values[v] {
				out.values[v] = true
			}
		}
	case other.cofinite:
		for v := range s.values {
			if !other.values[v] {
				out.values[v] = true
			}
		}
	default:
		for v := range s.values {
			if other.values[v] {
				out.values[v] = true
			}
		}
	}
	return out
}

func (s textSet) subtract(other textSet) textSet {
	return s.intersect(other.complement())
}

func (s numberSet) empty() bool {
	return !s.unknown && len(s.intervals) == 0
}

func (s numberSet) intersect(other numberSet) numberSet {
	out := numberSet{unknown: s.unknown && other.unknown, whole: s.whole}
	for _, a := range s.intervals {
		for _, b := range other.intervals {
			out.intervals = append(out.intervals, a.intersect(b))
		}
	}
	return out.normalized()
}

func (s numberSet) subtract(other numberSet) numberSet {
	out := numberSet{unknown: s.unknown && !other.unknown, whole: s.whole}
	remaining := s.intervals
	for _, b := range other.intervals {
		below := interval{lo: math.Inf(-1), loOpen: true, hi: b.lo, hiOpen: !b.loOpen}
		above := interval{lo: b.hi, loOpen: !b.hiOpen, hi: math.Inf(1), hiOpen: true}
		var next []interval
		for _, a := range remaining {
			next = append(next, a.intersect(below), a.intersect(above))
		}
		remaining = numberSet{intervals: next, whole: s.whole}.normalized().intervals
	}
	out.intervals = remaining
	return out.normalized()
}

// normalized drops empty intervals and, for whole numbers, closes each
// finite bound at the nearest whole number inside the interval.
func (s numberSet) normalized() numberSet {
	out := numberSet{unknown: s.unknown, whole: s.whole}
	for _, iv := range s.intervals {
		if s.whole {
			iv = iv.wholeNumbers()
		}
		if !iv.empty() {
			out.intervals = append(out.intervals, iv)
		}
	}
	return out
}

// wholeNumbers returns the smallest interval with closed finite bounds
// that contains the same whole numbers as iv.
func (iv interval) wholeNumbers() interval {
	if !math.IsInf(iv.lo, 0) {
		lo := math.Ceil(iv.lo)
		if iv.loOpen && lo == iv.lo {
			lo++
		}
		iv.lo, iv.loOpen = lo, false
	}
	if !math.IsInf(iv.hi, 0) {
		hi := math.Floor(iv.hi)
		if iv.hiOpen && hi == iv.hi {
			hi--
		}
		iv.hi, iv.hiOpen = hi, false
	}
	return iv
}
