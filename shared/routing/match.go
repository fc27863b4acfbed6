package routing

import (
	"math/bits"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
)

// Text fields that conditions test, as indexes into the dictionaries.
const (
	textSource = iota
	textIndustry
	textCountry
	textRegion
	textFieldCount
)

var textFields = [textFieldCount]plan.Field{
	textSource:   plan.FieldSource,
	textIndustry: plan.FieldIndustry,
	textCountry:  plan.FieldCountry,
	textRegion:   plan.FieldRegion,
}

func textFieldIndex(f plan.Field) int {
	for i, tf := range textFields {
		if tf == f {
			return i
		}
	}
	return -1
}

// compiledConditions is a When list with its text values numbered in the
// engine's dictionaries. It is the input of newMatcher.
type compiledConditions struct {
	// text[f] is nil when the conditions do not test text field f. Else
	// text[f][id] is true when the value numbered id is accepted, and a
	// number past the end of the slice is not accepted.
	text      [textFieldCount][]bool
	employees *plan.Range
	potential *plan.Range
}

// numericConditions is the range conditions of one rule or zone. A nil
// range means the field is not tested.
type numericConditions struct {
	employees *plan.Range
	potential *plan.Range
}

func (n *numericConditions) contain(v *leadValues) bool {
	if n.employees != nil && !n.employees.Contains(v.employees) {
		return false
	}
	if n.potential != nil && !n.potential.Contains(v.potential) {
		return false
	}
	return true
}

// matcher finds the first entry of a list (the rules, or the
// collaborative zones) whose conditions a lead meets. New turns the text
// conditions into bit sets with one bit per entry, so testing a lead
// against 64 entries costs one AND per tested text field, and only the
// entries that pass every text condition have their ranges checked.
type matcher struct {
	// words is the number of 64-bit words in one set.
	words int

	// all is the set of every entry.
	all []uint64

	// accepts[f] is dictionarySize(f)+1 sets of words each, or nil when
	// no entry tests f. Set id+1 lists the entries that accept the value
	// numbered id. Set 0 is for a value that no condition names, so it
	// lists only the entries that do not test f.
	accepts [textFieldCount][]uint64

	ranges []numericConditions
}

// newMatcher builds the bit sets for conds, in order. dictionarySizes
// gives the final size of each field's dictionary, so it must be called
// after every rule and zone has been compiled.
func newMatcher(conds []compiledConditions, dictionarySizes [textFieldCount]int) matcher {
	m := matcher{words: (len(conds) + 63) / 64}
	m.all = make([]uint64, m.words)
	for i, c := range conds {
		setBit(m.all, i)
		m.ranges = append(m.ranges, numericConditions{employees: c.employees, potential: c.potential})
	}

	for f := range m.accepts {
		if !anyTests(conds, f) {
			continue
		}

		rows := dictionarySizes[f] + 1
		sets := make([]uint64, rows*m.words)
		for i, c := range conds {
			accepted := c.text[f]
			for row := range rows {
				id := row - 1
				untested := accepted == nil
				named := id >= 0 && id < len(accepted) && accepted[id]
				if untested || named {
					setBit(sets[row*m.words:(row+1)*m.words], i)
				}
			}
		}
		m.accepts[f] = sets
	}
	return m
}

func anyTests(conds []compiledConditions, f int) bool {
	for _, c := range conds {
		if c.text[f] != nil {
			return true
		}
	}
	return false
}

func setBit(set []uint64, i int) {
	set[i/64] |= 1 << (i % 64)
}

// first returns the position of the first entry whose conditions v meets,
// or -1. It works one word at a time, so it needs no scratch set and never
// allocates.
func (m *matcher) first(v *leadValues) int {
	for w := range m.words {
		set := m.all[w]
		for f, sets := range m.accepts {
			if sets == nil {
				continue
			}
			set &= sets[(v.text[f]+1)*m.words+w]
		}

		for set != 0 {
			i := w*64 + bits.TrailingZeros64(set)
			if m.ranges[i].contain(v) {
				return i
			}
			set &= set - 1
		}
	}
	return -1
}

// leadValues holds a lead's condition inputs: each text field as its
// dictionary number (-1 when no condition names the value).
type leadValues struct {
	text      [textFieldCount]int
	employees float64
	potential float64
}

// readValues folds each text field of the lead once and looks it up in
// the field's dictionary.
func (e *Engine) readValues(l *lead.Lead, v *leadValues) {
	fields := [textFieldCount]string{
		textSource:   l.Source,
		textIndustry: l.Industry,
		textCountry:  l.Country,
		textRegion:   l.Region,
	}

	var buf [128]byte
	for f, s := range fields {
		v.text[f] = -1
		if s == "" || len(e.dictionaries[f]) == 0 {
			continue
		}
		folded := plan.AppendFolded(buf[:0], s)
		if id, ok := e.dictionaries[f][string(folded)]; ok {
			v.text[f] = id
		}
	}
	v.employees = float64(l.Employees)
	v.potential = l.Potential
}
