package routing

import (
	"bytes"
	"strconv"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
)

// maxKeyLength sizes the stack buffers that account keys and their
// explanation text are built in. A domain key has at most 260 bytes and a
// company key 208, and longer text moves to the heap.
const maxKeyLength = 320

// choice is the outcome of the rules, the collaborative zones or the
// fallback, before capacity and availability are applied.
type choice struct {
	zone           Zone
	rule           string
	target         compiledTarget
	ignoreCapacity bool
	zoneIndex      int
}

// Route decides who owns the lead. It takes these steps in order and
// writes one explanation line for each:
//
//  1. Ownership: a company with an owner in s.Owners goes to that owner,
//     whatever rule would match. The domain key identifies the company
//     when the lead has a domain that is not free-mail, and the company
//     key only otherwise. The domain key uses the registrable domain (see
//     lead.RegistrableDomain), so "eu.acme.com" finds the owner of
//     "acme.com".
//  2. Referral: a lead whose Referrer is a customer in s.Customers goes to
//     that customer's owner.
//  3. Primary-zone rules in plan order; the first match wins.
//  4. Collaborative zones: the member who is under capacity and
//     available with the fewest active opportunities takes the lead, ties
//     going to the member listed first. From the zone's split threshold the
//     decision carries a Split.
//  5. Capacity: a rep whose s.Active count is at or over the capacity
//     trigger is skipped for their overflow teammate, then that teammate's,
//     and so on. When every candidate is full, the least-loaded one takes
//     the lead and the decision carries an Escalation.
//  6. Availability: an owner on time off (s.Absences) or outside their
//     working days in their own time zone is covered by their backup, or
//     the backup's backup, and ownership stays. When no one in that chain
//     is available, the lead stays with the owner and carries an
//     Escalation.
//
// A lead that no rule or zone matches goes to the plan's fallback and is
// marked ZoneFallback, a coverage gap. Ownership and referral decisions
// ignore capacity, because sending an owned account to another rep is the
// collision the plan exists to prevent; their Reservation has Limit 0, as
// do rules with ignore_capacity and escalated all-full decisions.
//
// Retry contract: the caller reserves Decision.Reservation atomically in
// the store. When the store reports the rep full (another lead took the
// last slot first), the caller sets s.Active[rep] to the reservation's
// Limit and calls Route again; that rep then counts as full, so each retry
// moves to another candidate, and after at most len(plan.Reps)+1 calls the
// decision has Limit 0 and cannot fail. Route is correct for any Active
// values, including negative ones (read as 0) and reps the plan lacks.
//
// s may be nil, which means no owners, no customers, nobody busy and
// nobody away. Route never modifies l or s.
func (e *Engine) Route(l *lead.Lead, s *State, now time.Time) Decision {
	if s == nil {
		s = &State{}
	}
	var x explainer
	var d Decision
	v := view{s: s, now: now}

	c, owner, ok := e.ownership(l, s, &x, &d)
	if !ok {
		owner, ok = e.referral(l, s, &x, &d)
		c.zone = ZoneReferral
	}

	if ok {
		d.Owner = e.reps[owner].id
		d.Zone = c.zone
		d.Reservation = Reservation{Rep: d.Owner}
		e.explainCapacityIgnored(&x, owner, &v, "ownership and referrals")
	} else {
		c = e.match(l, &x)
		owner = e.applyCapacity(c, l, &v, &x, &d)
	}

	e.applyAvailability(owner, &v, &x, &d)
	d.Explanation = x.result()
	return d
}

// ownership applies step 1. It returns ok when an owner on record in the
// plan takes the lead.
func (e *Engine) ownership(l *lead.Lead, s *State, x *explainer, d *Decision) (choice, int, bool) {
	c := choice{zone: ZoneOwnership}
	domain, freeMail := e.plan.LeadDomain(l)

	// key names the account in the explanation: the registrable domain,
	// with the lead's domain after it when that is a subdomain, or the
	// word company and the quoted name. It is built in stack buffers
	// because most leads need it only there.
	var keyBuf [maxKeyLength]byte
	var key []byte
	var ownerID string
	var found bool
	switch {
	case domain != "":
		k := lead.AppendDomainKey(keyBuf[:0], domain)
		ownerID, found = s.Owners[string(k)]

		// k is "domain:" and the registrable domain, which has no colon.
		key = k[bytes.IndexByte(k, ':')+1:]
		if len(key) != len(domain) {
			var keyTextBuf [maxKeyLength]byte
			key = append(append(keyTextBuf[:0], key...), " (from "...)
			key = append(append(key, domain...), ')')
		}
	default:
		if freeMail != "" {
			x.start("Ownership: ")
			x.text(freeMail)
			x.add(" is a free-mail domain and never establishes ownership, so the company name identifies the account.")
			x.end()
		}
		if k := lead.AppendCompanyKey(keyBuf[:0], l.Company); len(k) > 0 {
			ownerID, found = s.Owners[string(k)]
			var keyTextBuf [maxKeyLength]byte
			key = strconv.AppendQuote(append(keyTextBuf[:0], "company "...), l.Company)
		}
	}

	if len(key) == 0 {
		x.line("Ownership: the lead names no company domain or company name, so no owner can be on record.")
		return c, -1, false
	}
	if !found || ownerID == "" {
		x.start("Ownership: no owner on record for ")
		x.textBytes(key)
		x.add(".")
		x.end()
		return c, -1, false
	}

	i := e.plan.RepIndex(ownerID)
	if i < 0 {
		x.start("Ownership: ")
		x.textBytes(key)
		x.add(" is owned by ")
		x.text(ownerID)
		x.add(", who is not in the plan; the rules decide instead.")
		x.end()
		e.escalate(d, "Account "+string(key)+" is owned by "+strconv.Quote(ownerID)+", who is not in the plan; assign the account to a current rep.")
		return c, -1, false
	}

	x.start("Ownership: ")
	x.textBytes(key)
	x.add(" is owned by ")
	x.add(e.reps[i].id)
	x.add("; an owned account goes to its owner whatever rule would match.")
	x.end()
	return c, i, true
}

// referral applies step 2.
func (e *Engine) referral(l *lead.Lead, s *State, x *explainer, d *Decision) (int, bool) {
	if l.Referrer == "" {
		return -1, false
	}

	var keyBuf [maxKeyLength]byte
	var ownerID string
	var found bool
	if rd := plan.ReferrerDomain(l.Referrer); rd != "" {
		ownerID, found = s.Customers[string(lead.AppendDomainKey(keyBuf[:0], rd))]
	}
	if !found {
		if k := lead.AppendCompanyKey(keyBuf[:0], l.Referrer); len(k) > 0 {
			ownerID, found = s.Customers[string(k)]
		}
	}

	if !found || ownerID == "" {
		x.start("Referral: ")
		x.quoted(l.Referrer)
		x.add(" is not a known customer, so the rules decide.")
		x.end()
		return -1, false
	}

	i := e.plan.RepIndex(ownerID)
	if i < 0 {
		x.start("Referral: customer ")
		x.quoted(l.Referrer)
		x.add(" is owned by ")
		x.text(ownerID)
		x.add(", who is not in the plan; the rules decide instead.")
		x.end()
		e.escalate(d, "Referring customer "+strconv.Quote(l.Referrer)+" is owned by "+strconv.Quote(ownerID)+", who is not in the plan; assign the customer to a current rep.")
		return -1, false
	}

	x.start("Referral: referred by customer ")
	x.quoted(l.Referrer)
	x.add(", owned by ")
	x.add(e.reps[i].id)
	x.add("; referrals go to the customer's owner.")
	x.end()
	return i, true
}

// match applies steps 3 and 4 and the fallback.
func (e *Engine) match(l *lead.Lead, x *explainer) choice {
	var values leadValues
	e.readValues(l, &values)

	if i := e.ruleMatcher.first(&values); i >= 0 {
		r := &e.rules[i]
		x.line(r.matched)
		return choice{zone: ZonePrimary, rule: r.id, target: r.target, ignoreCapacity: r.ignoreCapacity, zoneIndex: -1}
	}
	if len(e.rules) > 0 {
		x.line("Rules: no primary-zone rule matched.")
	}

	if i := e.zoneMatcher.first(&values); i >= 0 {
		z := &e.zones[i]
		x.line(z.matched)
		return choice{zone: ZoneCollaborative, rule: z.id, target: z.members, zoneIndex: i}
	}

	x.line("Fallback: no rule or collaborative zone matched; this is a coverage gap in the plan.")
	return choice{zone: ZoneFallback, rule: "fallback", target: e.fallback, zoneIndex: -1}
}

func (e *Engine) escalate(d *Decision, reason string) {
	if d.Escalation != nil {
		d.Escalation = &Escalation{To: e.escalateTo, Reason: d.Escalation.Reason + " " + reason}
		return
	}
	d.Escalation = &Escalation{To: e.escalateTo, Reason: reason}
}
