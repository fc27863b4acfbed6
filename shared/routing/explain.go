package routing

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// maxQuotedText caps how much of a value from the lead an explanation line
// repeats, so a huge form field cannot make a huge sheet cell.
const maxQuotedText = 80

// explainer collects the explanation lines of one decision in a single
// buffer. However many lines it has, the explanation then costs two
// allocations: one string with every line, and the slice of lines, which
// are substrings of it.
//
// The buffer and the line offsets live in fixed arrays, and spill to the
// heap only for an unusually long explanation. The explainer holds no
// pointer into itself, so it stays on the caller's stack.
type explainer struct {
	fixed [1024]byte
	n     int
	spill []byte

	lineStart  int
	lines      [24][2]int
	count      int
	moreBounds [][2]int
}

// write appends s to the buffer.
func (x *explainer) write(s string) {
	if x.spill == nil && x.n+len(s) <= len(x.fixed) {
		x.n += copy(x.fixed[x.n:], s)
		return
	}
	if x.spill == nil {
		x.spill = make([]byte, x.n, 2*len(x.fixed)+len(s))
		copy(x.spill, x.fixed[:x.n])
	}
	x.spill = append(x.spill, s...)
	x.n = len(x.spill)
}

func (x *explainer) writeBytes(b []byte) {
	if x.spill == nil && x.n+len(b) <= len(x.fixed) {
		x.n += copy(x.fixed[x.n:], b)
		return
	}
	x.write(string(b))
}

func (x *explainer) bytes() []byte {
	if x.spill != nil {
		return x.spill
	}
	return x.fixed[:x.n]
}

// start begins a line with s.
func (x *explainer) start(s string) {
	x.lineStart = x.n
	x.write(s)
}

// add appends trusted text: the engine's own words, rep ids, rule ids.
func (x *explainer) add(s string) {
	x.write(s)
}

// text appends a value that came from outside (a lead, the state), with
// control characters and invalid UTF-8 replaced by spaces and at most
// maxQuotedText bytes kept.
func (x *explainer) text(s string) {
	if len(s) <= maxQuotedText && isPlainASCII(s) {
		x.write(s)
		return
	}

	var buf [maxQuotedText + utf8.UTFMax]byte
	out := buf[:0]
	for _, r := range s {
		if len(out) >= maxQuotedText {
			x.writeBytes(out)
			x.write("...")
			return
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = ' '
		}
		out = utf8.AppendRune(out, r)
	}
	x.writeBytes(out)
}

// textBytes is text for a value built in a byte slice. The string view
// shares b's memory without a copy, which is safe because text only
// copies from it and b does not change meanwhile.
func (x *explainer) textBytes(b []byte) {
	x.text(unsafe.String(unsafe.SliceData(b), len(b)))
}

// isPlainASCII reports whether s holds only printable ASCII.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// quoted appends an outside value between double quotes.
func (x *explainer) quoted(s string) {
	x.write(`"`)
	x.text(s)
	x.write(`"`)
}

func (x *explainer) int(n int) {
	var buf [20]byte
	x.writeBytes(strconv.AppendInt(buf[:0], int64(n), 10))
}

func (x *explainer) number(v float64) {
	var buf [32]byte
	x.writeBytes(strconv.AppendFloat(buf[:0], v, 'f', -1, 64))
}

// timeLayout is the layout of instants in explanations, which show them
// in the rep's time zone.
const timeLayout = "Mon 2006-01-02 15:04 MST"

func (x *explainer) time(t time.Time, loc *time.Location) {
	var buf [48]byte
	x.writeBytes(appendTime(buf[:0], t.In(loc)))
}

// appendTime appends t as t.AppendFormat(dst, timeLayout) does, without
// parsing the layout on every call. Years outside 0 to 9999 and zones
// without an abbreviation go through AppendFormat, because its rules for
// them are longer.
func appendTime(dst []byte, t time.Time) []byte {
	zone, offset := t.Zone()
	if zone == "" {
		return t.AppendFormat(dst, timeLayout)
	}

	// Read the wall clock with UTC arithmetic, so the zone is looked up once.
	wall := t.UTC().Add(time.Duration(offset) * time.Second)
	year, month, day := wall.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, timeLayout)
	}
	hour, minute, _ := wall.Clock()

	dst = append(dst, wall.Weekday().String()[:3]...)
	dst = append(dst, ' ')
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, ' ')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, minute, 2)
	dst = append(dst, ' ')
	return append(dst, zone...)
}

// appendDigits appends n, which must not be negative, zero-padded to
// width digits.
func appendDigits(dst []byte, n, width int) []byte {
	start := len(dst)
	for range width {
		dst = append(dst, '0')
	}
	for i := len(dst) - 1; i >= start && n > 0; i-- {
		dst[i] = byte('0' + n%10)
		n /= 10
	}
	return dst
}

// end closes the line begun by start.
func (x *explainer) end() {
	bound := [2]int{x.lineStart, x.n}
	if x.count < len(x.lines) {
		x.lines[x.count] = bound
	} else {
		x.moreBounds = append(x.moreBounds, bound)
	}
	x.count++
}

// bound returns the offsets of line i.
func (x *explainer) bound(i int) [2]int {
	if i < len(x.lines) {
		return x.lines[i]
	}
	return x.moreBounds[i-len(x.lines)]
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
	all := string(x.bytes())
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
	return x.n
}

// result returns the lines written.
func (x *explainer) result() []string {
	all := string(x.bytes())
	out := make([]string, x.count)
	for i := range out {
		bd := x.bound(i)
		out[i] = all[bd[0]:bd[1]]
	}
	return out
}
