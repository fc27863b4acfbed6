package routing

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxQuotedText caps how much of a value from the lead an explanation line
// repeats, so a huge form field cannot make a huge sheet cell.
const maxQuotedText = 80

// explainer collects the explanation lines of one decision in a single
// buffer, so that a decision costs two allocations for its explanation
// however many lines it has: the buffer and the slice of lines, which are
// substrings of it.
//
// The start and end offsets of the first lines live in a fixed array and
// the rest in a slice, so that the explainer holds no pointer into itself
// and stays on the caller's stack.
type explainer struct {
	b         strings.Builder
	lineStart int
	fixed     [24][2]int
	count     int
	more      [][2]int
}

// start begins a line with s.
func (x *explainer) start(s string) {
	if x.b.Cap() == 0 {
		x.b.Grow(640)
	}
	x.lineStart = x.b.Len()
	x.b.WriteString(s)
}

// add appends trusted text: the engine's own words, rep ids, rule ids.
func (x *explainer) add(s string) {
	x.b.WriteString(s)
}

// text appends a value that came from outside (a lead, the state), with
// control characters replaced and at most maxQuotedText bytes kept.
func (x *explainer) text(s string) {
	written := 0
	for _, r := range s {
		if written >= maxQuotedText {
			x.b.WriteString("...")
			return
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = ' '
		}
		x.b.WriteRune(r)
		written += utf8.RuneLen(r)
	}
}

// quoted appends an outside value between double quotes.
func (x *explainer) quoted(s string) {
	x.b.WriteByte('"')
	x.text(s)
	x.b.WriteByte('"')
}

func (x *explainer) int(n int) {
	var buf [20]byte
	x.b.Write(strconv.AppendInt(buf[:0], int64(n), 10))
}

func (x *explainer) number(v float64) {
	var buf [32]byte
	x.b.Write(strconv.AppendFloat(buf[:0], v, 'f', -1, 64))
}

func (x *explainer) time(t time.Time, loc *time.Location) {
	var buf [48]byte
	x.b.Write(t.In(loc).AppendFormat(buf[:0], "Mon 2006-01-02 15:04 MST"))
}

// end closes the line begun by start.
func (x *explainer) end() {
	bound := [2]int{x.lineStart, x.b.Len()}
	if x.count < len(x.fixed) {
		x.fixed[x.count] = bound
	} else {
		x.more = append(x.more, bound)
	}
	x.count++
}

// bound returns the offsets of line i.
func (x *explainer) bound(i int) [2]int {
	if i < len(x.fixed) {
		return x.fixed[i]
	}
	return x.more[i-len(x.fixed)]
}

// line writes a whole line.
func (x *explainer) line(s string) {
	x.start(s)
	x.end()
}

// since joins the lines written from byte offset mark on into one
// sentence for an escalation reason, dropping prefix from each line and
// the full stop from all but the last.
func (x *explainer) since(mark int, prefix string) string {
	var parts []string
	all := x.b.String()
	for i := 0; i < x.count; i++ {
		bd := x.bound(i)
		if bd[0] < mark {
			continue
		}
		line := strings.TrimPrefix(all[bd[0]:bd[1]], prefix)
		parts = append(parts, strings.TrimSuffix(line, "."))
	}
	return strings.Join(parts, "; ") + "."
}

func (x *explainer) mark() int {
	return x.b.Len()
}

// lines returns the lines written.
func (x *explainer) lines() []string {
	all := x.b.String()
	out := make([]string, x.count)
	for i := range out {
		bd := x.bound(i)
		out[i] = all[bd[0]:bd[1]]
	}
	return out
}
