package routing

import (
	"strconv"
	"strings"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// stackReps is how many reps candidate lists hold before they allocate;
// plans for the teams leadrouter serves have two to five.
const stackReps = 16

// view is one decision's read of the state at one time. It caches each
// rep's active count and availability, which capacity and pool ranking
// consult several times.
type view struct {
	s     *State
	now   time.Time
	load  [stackReps]int
	flags [stackReps]uint8
}

// Flags of view.flags.
const (
	loadKnown uint8 = 1 << iota
	availabilityKnown
	isAvailable
)

// active returns a rep's active-opportunity count; missing and negative
// counts read as 0.
func (e *Engine) active(v *view, rep int) int {
	if rep < stackReps && v.flags[rep]&loadKnown != 0 {
		return v.load[rep]
	}

	n := max(v.s.Active[e.reps[rep].id], 0)
	if rep < stackReps {
		v.load[rep] = n
		v.flags[rep] |= loadKnown
	}
	return n
}

func (e *Engine) full(v *view, rep int) bool {
	return e.active(v, rep) >= e.reps[rep].capacity
}

// applyCapacity applies step 5 to a rule, zone or fallback choice and
// fills Owner, Rule, Zone, Split and Reservation. It returns the owner.
func (e *Engine) applyCapacity(c choice, l *lead.Lead, v *view, x *explainer, d *Decision) int {
	var candidateArr [stackReps]int
	candidates := e.candidates(c, v, candidateArr[:0])

	owner := -1
	limit := 0
	switch {
	case c.ignoreCapacity:
		owner = candidates[0]
		x.start("Capacity: rule ")
		x.add(strconv.Quote(c.rule))
		x.add(" ignores capacity; ")
		e.writeLoad(x, owner, v)
		x.add(".")
		x.end()
	default:
		owner = e.firstUnderCapacity(c, candidates, v, x)
		if owner >= 0 {
			limit = e.reps[owner].capacity
		} else {
			owner = e.leastLoaded(candidates, v)
			e.explainAllFull(candidates, owner, v, x, d)
		}
	}

	d.Owner = e.reps[owner].id
	d.Rule = c.rule
	d.Zone = c.zone
	if c.zone != ZoneFallback && !contains(c.target.reps, owner) {
		d.Zone = ZoneOverflow
	}
	d.Reservation = Reservation{Rep: d.Owner, Limit: limit}

	if d.Zone == ZoneCollaborative {
		e.applySplit(c.zoneIndex, owner, l, x, d)
	}
	return owner
}

// candidates lists who may take the lead, best first. A single rep comes
// first, then their overflow chain. Pool members come ranked by being
// under capacity, then available, then by fewest active opportunities,
// then by plan order; their overflow chains follow.
func (e *Engine) candidates(c choice, v *view, out []int) []int {
	var seenArr [stackReps]bool
	seen := seenArr[:]
	if len(e.reps) > stackReps {
		seen = make([]bool, len(e.reps))
	}

	for _, r := range c.target.reps {
		out = append(out, r)
		seen[r] = true
	}
	if c.target.pool {
		e.rank(out, v, c.ignoreCapacity)
	}

	members := len(out)
	for i := 0; i < members; i++ {
		for next := e.reps[out[i]].overflow; next >= 0 && !seen[next]; next = e.reps[next].overflow {
			out = append(out, next)
			seen[next] = true
		}
	}
	return out
}

// rank sorts pool members in place by insertion sort, which is stable and
// allocation-free for the handful of reps a pool holds.
func (e *Engine) rank(reps []int, v *view, ignoreCapacity bool) {
	less := func(a, b int) bool {
		if !ignoreCapacity {
			fa, fb := e.full(v, a), e.full(v, b)
			if fa != fb {
				return !fa
			}
		}
		aa, ab := e.available(a, v), e.available(b, v)
		if aa != ab {
			return aa
		}
		return e.active(v, a) < e.active(v, b)
	}

	for i := 1; i < len(reps); i++ {
		for j := i; j > 0 && less(reps[j], reps[j-1]); j-- {
			reps[j], reps[j-1] = reps[j-1], reps[j]
		}
	}
}

// firstUnderCapacity returns the first candidate below their capacity
// trigger and explains each one skipped, or -1 when all are full.
func (e *Engine) firstUnderCapacity(c choice, candidates []int, v *view, x *explainer) int {
	for i, r := range candidates {
		if !e.full(v, r) {
			x.start("Capacity: ")
			if i > 0 {
				x.add("overflow goes to ")
				x.add(e.reps[r].id)
				x.add(", who has ")
				x.int(e.active(v, r))
				x.add(" of ")
				x.int(e.reps[r].capacity)
				x.add(" active opportunities")
			} else {
				e.writeLoad(x, r, v)
			}
			if c.target.pool && len(c.target.reps) > 1 && contains(c.target.reps, r) {
				x.add(", and ranks first in the pool (under capacity, then available, then fewest active opportunities)")
			}
			x.add(".")
			x.end()
			return r
		}

		x.start("Capacity: ")
		x.add(e.reps[r].id)
		x.add(" has ")
		x.int(e.active(v, r))
		x.add(" active opportunities, at or over the trigger of ")
		x.int(e.reps[r].capacity)
		x.add(", so takes no new leads.")
		x.end()
	}
	return -1
}

// leastLoaded returns the candidate with the fewest active opportunities,
// the earliest on a tie.
func (e *Engine) leastLoaded(candidates []int, v *view) int {
	best := candidates[0]
	for _, r := range candidates[1:] {
		if e.active(v, r) < e.active(v, best) {
			best = r
		}
	}
	return best
}

func (e *Engine) explainAllFull(candidates []int, owner int, v *view, x *explainer, d *Decision) {
	var reason strings.Builder
	reason.WriteString("every rep who could take the lead is at or over capacity (")
	for i, r := range candidates {
		if i > 0 {
			reason.WriteString(", ")
		}
		reason.WriteString(e.reps[r].id)
		reason.WriteByte(' ')
		reason.WriteString(strconv.Itoa(e.active(v, r)))
		reason.WriteByte('/')
		reason.WriteString(strconv.Itoa(e.reps[r].capacity))
	}
	reason.WriteString("); ")
	reason.WriteString(e.reps[owner].id)
	reason.WriteString(" has the fewest active opportunities and takes it. Rebalance the team or raise a capacity trigger.")

	text := reason.String()
	x.start("Capacity: ")
	x.add(text)
	x.end()
	e.escalate(d, "E"+text[1:])
}

// explainCapacityIgnored notes the owner's load on an ownership or
// referral decision, which ignores capacity.
func (e *Engine) explainCapacityIgnored(x *explainer, owner int, v *view, steps string) {
	x.start("Capacity: ")
	x.add(steps)
	x.add(" ignore capacity; ")
	e.writeLoad(x, owner, v)
	x.add(".")
	x.end()
}

// writeLoad writes "ana has 3 of 15 active opportunities".
func (e *Engine) writeLoad(x *explainer, r int, v *view) {
	x.add(e.reps[r].hasText)
	x.int(e.active(v, r))
	x.add(e.reps[r].ofCapacityText)
}

// applySplit records the credit split of a large collaborative deal.
func (e *Engine) applySplit(zoneIndex, owner int, l *lead.Lead, x *explainer, d *Decision) {
	z := &e.zones[zoneIndex]
	if z.split == nil || z.closer < 0 {
		return
	}
	if !(l.Potential >= z.split.Threshold) {
		return
	}

	d.Split = &Split{
		Prospector:      e.reps[owner].id,
		Closer:          e.reps[z.closer].id,
		ProspectorShare: z.split.ProspectorShare,
		CloserShare:     1 - z.split.ProspectorShare,
	}

	x.start("Split: potential ")
	x.number(l.Potential)
	x.add(" reaches the threshold of ")
	x.number(z.split.Threshold)
	x.add(" in zone ")
	x.add(strconv.Quote(z.id))
	x.add(": ")
	x.add(d.Split.Prospector)
	x.add(" prospects for ")
	x.int(int(d.Split.ProspectorShare*100 + 0.5))
	x.add("% of the credit and ")
	x.add(d.Split.Closer)
	x.add(" closes for ")
	x.int(int(d.Split.CloserShare*100 + 0.5))
	x.add("%.")
	x.end()
}

func contains(reps []int, r int) bool {
	for _, v := range reps {
		if v == r {
			return true
		}
	}
	return false
}
