package bolt

import (
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// The JSON forms below belong to this adapter, so the domain structs carry
// no tags. Renaming a JSON name breaks reading existing store files.

type recordJSON struct {
	Lead            leadJSON     `json:"lead"`
	Decision        decisionJSON `json:"decision"`
	IdempotencyKeys []string     `json:"idempotency_keys,omitempty"`
	SheetWrittenAt  *time.Time   `json:"sheet_written_at,omitempty"`
}

type leadJSON struct {
	ID                 string            `json:"id"`
	ReceivedAt         time.Time         `json:"received_at"`
	SourceSubmissionID string            `json:"source_submission_id,omitempty"`
	Form               string            `json:"form,omitempty"`
	Email              string            `json:"email,omitempty"`
	Phone              string            `json:"phone,omitempty"`
	FirstName          string            `json:"first_name,omitempty"`
	LastName           string            `json:"last_name,omitempty"`
	Company            string            `json:"company,omitempty"`
	Domain             string            `json:"domain,omitempty"`
	Website            string            `json:"website,omitempty"`
	Source             string            `json:"source,omitempty"`
	Industry           string            `json:"industry,omitempty"`
	Country            string            `json:"country,omitempty"`
	Region             string            `json:"region,omitempty"`
	Employees          int               `json:"employees,omitempty"`
	Potential          float64           `json:"potential,omitempty"`
	Referrer           string            `json:"referrer,omitempty"`
	Message            string            `json:"message,omitempty"`
	Attributes         map[string]string `json:"attributes,omitempty"`
}

type decisionJSON struct {
	Owner       string          `json:"owner,omitempty"`
	CoveredBy   string          `json:"covered_by,omitempty"`
	Rule        string          `json:"rule,omitempty"`
	Zone        string          `json:"zone,omitempty"`
	Split       *splitJSON      `json:"split,omitempty"`
	Escalation  *escalationJSON `json:"escalation,omitempty"`
	Explanation []string        `json:"explanation,omitempty"`
	Rep         string          `json:"reservation_rep,omitempty"`
	Limit       int             `json:"reservation_limit,omitempty"`
}

type splitJSON struct {
	Prospector      string  `json:"prospector"`
	Closer          string  `json:"closer"`
	ProspectorShare float64 `json:"prospector_share"`
	CloserShare     float64 `json:"closer_share"`
}

type escalationJSON struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// keyJSON is an idempotency key: the lead that holds it and until when.
type keyJSON struct {
	LeadID    string    `json:"lead_id"`
	HeldUntil time.Time `json:"held_until"`
}

type ownerJSON struct {
	Rep      string    `json:"rep"`
	Customer bool      `json:"customer,omitempty"`
	Since    time.Time `json:"since"`
	Reason   string    `json:"reason,omitempty"`
}

type repJSON struct {
	Active   int           `json:"active"`
	Absences []absenceJSON `json:"absences,omitempty"`
}

type absenceJSON struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
}

func encodeRecord(r store.Record) recordJSON {
	l, d := r.Lead, r.Decision
	out := recordJSON{
		Lead: leadJSON{
			ID: l.ID, ReceivedAt: l.ReceivedAt.UTC(), SourceSubmissionID: l.SourceSubmissionID, Form: l.Form,
			Email: l.Email, Phone: l.Phone, FirstName: l.FirstName, LastName: l.LastName,
			Company: l.Company, Domain: l.Domain, Website: l.Website,
			Source: l.Source, Industry: l.Industry, Country: l.Country, Region: l.Region,
			Employees: l.Employees, Potential: l.Potential, Referrer: l.Referrer, Message: l.Message,
			Attributes: l.Attributes,
		},
		Decision: decisionJSON{
			Owner: d.Owner, CoveredBy: d.CoveredBy, Rule: d.Rule, Zone: string(d.Zone),
			Explanation: d.Explanation, Rep: d.Reservation.Rep, Limit: d.Reservation.Limit,
		},
		IdempotencyKeys: r.UniqueKeys(),
	}
	if d.Split != nil {
		out.Decision.Split = &splitJSON{d.Split.Prospector, d.Split.Closer, d.Split.ProspectorShare, d.Split.CloserShare}
	}
	if d.Escalation != nil {
		out.Decision.Escalation = &escalationJSON{d.Escalation.To, d.Escalation.Reason}
	}
	if !r.SheetWrittenAt.IsZero() {
		at := r.SheetWrittenAt.UTC()
		out.SheetWrittenAt = &at
	}
	return out
}

func (j recordJSON) record() store.Record {
	l, d := j.Lead, j.Decision
	out := store.Record{
		Lead: lead.Lead{
			ID: l.ID, ReceivedAt: l.ReceivedAt.UTC(), SourceSubmissionID: l.SourceSubmissionID, Form: l.Form,
			Email: l.Email, Phone: l.Phone, FirstName: l.FirstName, LastName: l.LastName,
			Company: l.Company, Domain: l.Domain, Website: l.Website,
			Source: l.Source, Industry: l.Industry, Country: l.Country, Region: l.Region,
			Employees: l.Employees, Potential: l.Potential, Referrer: l.Referrer, Message: l.Message,
			Attributes: l.Attributes,
		},
		Decision: routing.Decision{
			Owner: d.Owner, CoveredBy: d.CoveredBy, Rule: d.Rule, Zone: routing.Zone(d.Zone),
			Explanation: d.Explanation,
			Reservation: routing.Reservation{Rep: d.Rep, Limit: d.Limit},
		},
		IdempotencyKeys: j.IdempotencyKeys,
	}
	if d.Split != nil {
		out.Decision.Split = &routing.Split{
			Prospector: d.Split.Prospector, Closer: d.Split.Closer,
			ProspectorShare: d.Split.ProspectorShare, CloserShare: d.Split.CloserShare,
		}
	}
	if d.Escalation != nil {
		out.Decision.Escalation = &routing.Escalation{To: d.Escalation.To, Reason: d.Escalation.Reason}
	}
	if j.SheetWrittenAt != nil {
		out.SheetWrittenAt = j.SheetWrittenAt.UTC()
	}
	return out
}

func encodeOwner(o store.Owner) ownerJSON {
	return ownerJSON{Rep: o.Rep, Customer: o.Customer, Since: o.Since.UTC(), Reason: o.Reason}
}

func (j ownerJSON) owner() store.Owner {
	return store.Owner{Rep: j.Rep, Customer: j.Customer, Since: j.Since.UTC(), Reason: j.Reason}
}

func encodeAbsences(absences []routing.Absence) []absenceJSON {
	out := make([]absenceJSON, 0, len(absences))
	for _, a := range absences {
		out = append(out, absenceJSON{From: a.From.UTC(), Until: a.Until.UTC()})
	}
	return out
}

func (j repJSON) absences() []routing.Absence {
	out := make([]routing.Absence, 0, len(j.Absences))
	for _, a := range j.Absences {
		out = append(out, routing.Absence{From: a.From.UTC(), Until: a.Until.UTC()})
	}
	return out
}

// outboxKey orders pending leads by reception instant, then id. The time is
// fixed-width UTC text so that byte order is time order.
func outboxKey(receivedAt time.Time, id string) []byte {
	return []byte(receivedAt.UTC().Format(outboxTimeLayout) + "\x00" + id)
}

const outboxTimeLayout = "2006-01-02T15:04:05.000000000Z"
