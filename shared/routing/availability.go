package routing

import "time"

// available reports whether a rep can work a lead at now: not on time off
// and on one of their working days in their own time zone.
func (e *Engine) available(rep int, v *view) bool {
	if rep < stackReps && v.flags[rep]&availabilityKnown != 0 {
		return v.flags[rep]&isAvailable != 0
	}

	_, away := e.absentUntil(rep, v)
	ok := !away && e.reps[rep].workingDays[v.now.In(e.reps[rep].location).Weekday()]
	if rep < stackReps {
		v.flags[rep] |= availabilityKnown
		if ok {
			v.flags[rep] |= isAvailable
		}
	}
	return ok
}

// absentUntil returns the end of the time off that contains now, the
// latest end when several overlap.
func (e *Engine) absentUntil(rep int, v *view) (time.Time, bool) {
	var until time.Time
	away := false
	for _, a := range v.s.Absences[e.reps[rep].id] {
		if v.now.Before(a.From) || !v.now.Before(a.Until) {
			continue
		}
		if !away || a.Until.After(until) {
			until = a.Until
		}
		away = true
	}
	return until, away
}

// writeAbsence explains why a rep is not available.
func (e *Engine) writeAbsence(x *explainer, rep int, v *view) {
	r := &e.reps[rep]
	if until, away := e.absentUntil(rep, v); away {
		x.add(r.id)
		x.add(" is on time off until ")
		x.time(until, r.location)
		return
	}
	x.add(r.id)
	x.add(" does not work on ")
	x.add(v.now.In(r.location).Weekday().String())
	x.add(" (")
	x.add(r.location.String())
	x.add(")")
}

// applyAvailability applies step 6: an owner who is away is covered by
// the first available rep in their backup chain. Ownership never moves.
func (e *Engine) applyAvailability(owner int, v *view, x *explainer, d *Decision) {
	if e.available(owner, v) {
		x.line(e.reps[owner].availableLine)
		return
	}

	mark := x.mark()
	x.start("Availability: ")
	e.writeAbsence(x, owner, v)
	x.add(".")
	x.end()

	var seenArr [stackReps]bool
	seen := seenArr[:]
	if len(e.reps) > stackReps {
		seen = make([]bool, len(e.reps))
	}
	seen[owner] = true

	b := e.reps[owner].backup
	if b < 0 {
		x.start("Availability: ")
		x.add(e.reps[owner].id)
		x.add(" has no backup in the plan.")
		x.end()
	}
	for ; b >= 0 && !seen[b]; b = e.reps[b].backup {
		seen[b] = true
		if e.available(b, v) {
			d.CoveredBy = e.reps[b].id
			x.start("Availability: backup ")
			x.add(e.reps[b].id)
			x.add(" covers; ")
			x.add(e.reps[owner].id)
			x.add(" stays the owner.")
			x.end()
			return
		}
		x.start("Availability: backup ")
		e.writeAbsence(x, b, v)
		x.add(".")
		x.end()
	}

	details := x.since(mark, "Availability: ")
	x.start("Availability: nobody who could cover is available, so the lead stays with ")
	x.add(e.reps[owner].id)
	x.add(" and is escalated.")
	x.end()
	e.escalate(d, "Nobody who could take the lead is available: "+details+" The lead stays with "+e.reps[owner].id+"; arrange cover or reassign it.")
}
