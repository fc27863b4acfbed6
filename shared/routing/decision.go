package routing

import "time"

// Zone names the part of the territory framework that chose the owner.
type Zone string

// Zones, in the order the engine considers them.
const (
	ZoneOwnership     Zone = "ownership"
	ZoneReferral      Zone = "referral"
	ZonePrimary       Zone = "primary"
	ZoneCollaborative Zone = "collaborative"
	ZoneOverflow      Zone = "overflow"
	ZoneFallback      Zone = "fallback"
)

// Decision is the routing result for one lead: its owner and why.
type Decision struct {
	// Owner is the rep id who owns the lead.
	Owner string
	// CoveredBy is the rep id working the lead while the owner is away;
	// empty unless a backup covers.
	CoveredBy string
	// Rule is the id of the plan rule or collaborative zone that matched,
	// "fallback" for the plan's fallback, and empty for ownership and
	// referral decisions.
	Rule string
	// Zone is the part of the framework that decided. It is ZoneOverflow
	// when capacity moved the lead to a rep outside the rule's target or
	// the zone's members, but stays ZoneFallback for a fallback lead, so
	// that coverage gaps are always visible.
	Zone Zone
	// Split is set for collaborative leads whose potential reaches the
	// zone's split threshold.
	Split *Split
	// Escalation is set when the plan could not be followed as written,
	// for example when every candidate rep is full or away.
	Escalation *Escalation
	// Explanation lists each step the engine took, in words a rep can read
	// in the sheet.
	Explanation []string
	// Reservation is the capacity counter this lead consumes.
	Reservation Reservation
}

// Split records how credit for a large collaborative deal is shared.
type Split struct {
	Prospector      string  `json:"prospector"`
	Closer          string  `json:"closer"`
	ProspectorShare float64 `json:"prospector_share"`
	CloserShare     float64 `json:"closer_share"`
}

// Escalation is a request for a manager to review a lead.
type Escalation struct {
	// To is the escalation contact from the plan (an email address).
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Reservation is the capacity check the store must apply atomically when it
// stores the lead: increment Rep's active count only while it is below
// Limit. Limit 0 means the count is incremented without a check, as for a
// rule that ignores capacity or an escalated lead.
type Reservation struct {
	Rep   string `json:"rep"`
	Limit int    `json:"limit"`
}

// State is the team data the engine reads when it routes one lead.
// The caller loads it from the store; the engine never changes it.
type State struct {
	// Active maps a rep id to the number of active opportunities.
	Active map[string]int
	// Owners maps an account key (see plan.Plan.AccountKeys) to the rep id
	// that owns the account: a customer, an open opportunity or a
	// first-touch claim.
	Owners map[string]string
	// Customers maps the account key of an existing customer to the rep id
	// that owns it; referrals route through it.
	Customers map[string]string
	// Absences maps a rep id to the rep's time off.
	Absences map[string][]Absence
}

// Absence is one period of time off, as instants; Until is exclusive. Dates
// that a rep types in the sheet are read in the rep's own time zone, so a
// whole day off on the 24th is From 24th 00:00 and Until 25th 00:00 there.
type Absence struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
}
