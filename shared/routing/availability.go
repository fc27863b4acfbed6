package routing

import "time"

// available reports whether a rep can work a lead at now: not on time off
// and on one of their working days in their own time zone.
func (e *Engine) available(rep int, s *State, now time.Time) bool {
	if _, away := e.absentUntil(rep, s, now); away {
		return false
	}
	return e.reps[rep].workingDays[now.In(e.reps[rep].location).Weekday()]
}

// absentUntil returns the end of the time off that contains now, the
// latest end when several overlap.
func (e *Engine) absentUntil(rep int, s *State, now time.Time) (time.Time, bool) {
	var until time.Time
	away := false
	for _, a := range s.Absences[e.reps[rep].id] {
		if now.Before(a.From) || !now.Before(a.Until) {
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
func (e *Engine) writeAbsence(x *explainer, rep int, s *State, now time.Time) {
	r := &e.reps[rep]
	if until, away := e.absentUntil(rep, s, now); away {
		x.add(r.id)
		x.add(" is on time off until ")
		x.time(until, r.location)
		return
	}
	x.add(r.id)
	x.add(" does not work on ")
	x.add(now.In(r.location).Weekday().String())
	x.add(" (")
	x.add(r.location.String())
	x.add(")")
}

// applyAvailability applies step 6: an owner who is away is covered by
// the first available rep in their backup chain. Ownership never moves.
func (e *Engine) applyAvailability(owner int, s *State, now time.Time, x *explainer, d *Decision) {
	if e.available(owner, s, now) {
		x.start("Availability: ")
		x.add(e.reps[owner].id)
		x.add(" is available.")
		x.end()
		return
	}

	mark := x.mark()
	x.start("Availability: ")
	e.writeAbsence(x, owner, s, now)
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
		if e.available(b, s, now) {
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
		e.writeAbsence(x, b, s, now)
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
