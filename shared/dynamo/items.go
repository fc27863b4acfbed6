package dynamo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// Attribute names used in expressions. Item structs below use the same
// names in their tags; renaming one breaks reading existing tables.
const (
	attrPK          = "pk"
	attrOutbox      = "outbox"
	attrOutboxOrder = "outbox_order"
	attrWrittenAt   = "sheet_written_at"
	attrLeadID      = "lead_id"
	attrHeldUntil   = "held_until_ns"
	attrClaimedAt   = "claimed_at_ns"
	attrExpiresAt   = "expires_at"
	attrActive      = "active"
	attrAbsences    = "absences"

	// outboxIndex is the sparse index of leads still to be written to the
	// sheet. Its partition key attrOutbox has the single value
	// outboxPending, which puts the outbox in one partition; that is fine
	// for the tens of pending leads a small team has at a time.
	outboxIndex   = "outbox"
	outboxPending = "pending"
)

// leadItem is a LEAD# item. Outbox and OutboxOrder exist only while the
// sheet row is not written, which keeps the lead in the outbox index.
type leadItem struct {
	PK          string     `dynamodbav:"pk"`
	Outbox      string     `dynamodbav:"outbox,omitempty"`
	OutboxOrder string     `dynamodbav:"outbox_order,omitempty"`
	WrittenAt   *time.Time `dynamodbav:"sheet_written_at,omitempty"`

	ID                 string            `dynamodbav:"id"`
	ReceivedAt         time.Time         `dynamodbav:"received_at"`
	SourceSubmissionID string            `dynamodbav:"source_submission_id,omitempty"`
	Form               string            `dynamodbav:"form,omitempty"`
	Email              string            `dynamodbav:"email,omitempty"`
	Phone              string            `dynamodbav:"phone,omitempty"`
	FirstName          string            `dynamodbav:"first_name,omitempty"`
	LastName           string            `dynamodbav:"last_name,omitempty"`
	Company            string            `dynamodbav:"company,omitempty"`
	Domain             string            `dynamodbav:"domain,omitempty"`
	Website            string            `dynamodbav:"website,omitempty"`
	Source             string            `dynamodbav:"source,omitempty"`
	Industry           string            `dynamodbav:"industry,omitempty"`
	Country            string            `dynamodbav:"country,omitempty"`
	Region             string            `dynamodbav:"region,omitempty"`
	Employees          int               `dynamodbav:"employees,omitempty"`
	Potential          float64           `dynamodbav:"potential,omitempty"`
	Referrer           string            `dynamodbav:"referrer,omitempty"`
	Message            string            `dynamodbav:"message,omitempty"`
	Attributes         map[string]string `dynamodbav:"attributes,omitempty"`

	Owner            string          `dynamodbav:"owner,omitempty"`
	CoveredBy        string          `dynamodbav:"covered_by,omitempty"`
	Rule             string          `dynamodbav:"rule,omitempty"`
	Zone             string          `dynamodbav:"zone,omitempty"`
	Split            *splitItem      `dynamodbav:"split,omitempty"`
	Escalation       *escalationItem `dynamodbav:"escalation,omitempty"`
	Explanation      []string        `dynamodbav:"explanation,omitempty"`
	ReservationRep   string          `dynamodbav:"reservation_rep,omitempty"`
	ReservationLimit int             `dynamodbav:"reservation_limit,omitempty"`

	IdempotencyKeys []string `dynamodbav:"idempotency_keys,omitempty"`
}

type splitItem struct {
	Prospector      string  `dynamodbav:"prospector"`
	Closer          string  `dynamodbav:"closer"`
	ProspectorShare float64 `dynamodbav:"prospector_share"`
	CloserShare     float64 `dynamodbav:"closer_share"`
}

type escalationItem struct {
	To     string `dynamodbav:"to"`
	Reason string `dynamodbav:"reason"`
}

// keyItem is an IDEM# item. HeldUntil decides expiry exactly, in Unix
// nanoseconds; ExpiresAt is the same instant in Unix seconds for
// DynamoDB's time to live, which only deletes expired items some time
// later and so decides nothing.
type keyItem struct {
	PK        string `dynamodbav:"pk"`
	LeadID    string `dynamodbav:"lead_id"`
	HeldUntil int64  `dynamodbav:"held_until_ns"`
	ExpiresAt int64  `dynamodbav:"expires_at"`
	// ClaimedAt is the wall-clock time of the Commit that took the key,
	// in Unix nanoseconds; see Store.orphanAge.
	ClaimedAt int64 `dynamodbav:"claimed_at_ns"`
}

type ownerItem struct {
	PK       string    `dynamodbav:"pk"`
	Rep      string    `dynamodbav:"rep"`
	Customer bool      `dynamodbav:"customer"`
	Since    time.Time `dynamodbav:"since"`
	// Reason is written even when empty, because a claim in Commit sets
	// each missing attribute of an owned account (see updateClaim).
	Reason string `dynamodbav:"reason"`
}

type repItem struct {
	PK       string        `dynamodbav:"pk"`
	Active   int           `dynamodbav:"active"`
	Absences []absenceItem `dynamodbav:"absences,omitempty"`
}

type absenceItem struct {
	From  time.Time `dynamodbav:"from"`
	Until time.Time `dynamodbav:"until"`
}

func keyOf(pk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: &types.AttributeValueMemberS{Value: pk}}
}

func number(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// outboxOrder orders pending leads by reception instant, then id. The time
// is fixed-width UTC text so that string order is time order.
func outboxOrder(receivedAt time.Time, id string) string {
	return receivedAt.UTC().Format("2006-01-02T15:04:05.000000000Z") + "#" + id
}

func encodeLead(r store.Record) (map[string]types.AttributeValue, error) {
	l, d := r.Lead, r.Decision
	item := leadItem{
		PK: prefixLead + l.ID,
		ID: l.ID, ReceivedAt: l.ReceivedAt.UTC(), SourceSubmissionID: l.SourceSubmissionID, Form: l.Form,
		Email: l.Email, Phone: l.Phone, FirstName: l.FirstName, LastName: l.LastName,
		Company: l.Company, Domain: l.Domain, Website: l.Website,
		Source: l.Source, Industry: l.Industry, Country: l.Country, Region: l.Region,
		Employees: l.Employees, Potential: l.Potential, Referrer: l.Referrer, Message: l.Message,
		Attributes: l.Attributes,
		Owner:      d.Owner, CoveredBy: d.CoveredBy, Rule: d.Rule, Zone: string(d.Zone),
		Explanation:    d.Explanation,
		ReservationRep: d.Reservation.Rep, ReservationLimit: d.Reservation.Limit,
		IdempotencyKeys: r.UniqueKeys(),
	}
	if d.Split != nil {
		item.Split = &splitItem{d.Split.Prospector, d.Split.Closer, d.Split.ProspectorShare, d.Split.CloserShare}
	}
	if d.Escalation != nil {
		item.Escalation = &escalationItem{d.Escalation.To, d.Escalation.Reason}
	}
	if r.SheetWrittenAt.IsZero() {
		item.Outbox = outboxPending
		item.OutboxOrder = outboxOrder(l.ReceivedAt, l.ID)
	} else {
		at := r.SheetWrittenAt.UTC()
		item.WrittenAt = &at
	}

	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return nil, fmt.Errorf("encode lead %q: %w", l.ID, err)
	}
	return av, nil
}

func decodeLead(av map[string]types.AttributeValue) (store.Record, error) {
	var item leadItem
	if err := attributevalue.UnmarshalMap(av, &item); err != nil {
		return store.Record{}, fmt.Errorf("decode lead item: %w", err)
	}

	out := store.Record{
		Lead: lead.Lead{
			ID: item.ID, ReceivedAt: item.ReceivedAt.UTC(), SourceSubmissionID: item.SourceSubmissionID, Form: item.Form,
			Email: item.Email, Phone: item.Phone, FirstName: item.FirstName, LastName: item.LastName,
			Company: item.Company, Domain: item.Domain, Website: item.Website,
			Source: item.Source, Industry: item.Industry, Country: item.Country, Region: item.Region,
			Employees: item.Employees, Potential: item.Potential, Referrer: item.Referrer, Message: item.Message,
			Attributes: item.Attributes,
		},
		Decision: routing.Decision{
			Owner: item.Owner, CoveredBy: item.CoveredBy, Rule: item.Rule, Zone: routing.Zone(item.Zone),
			Explanation: item.Explanation,
			Reservation: routing.Reservation{Rep: item.ReservationRep, Limit: item.ReservationLimit},
		},
		IdempotencyKeys: item.IdempotencyKeys,
	}
	if item.Split != nil {
		out.Decision.Split = &routing.Split{
			Prospector: item.Split.Prospector, Closer: item.Split.Closer,
			ProspectorShare: item.Split.ProspectorShare, CloserShare: item.Split.CloserShare,
		}
	}
	if item.Escalation != nil {
		out.Decision.Escalation = &routing.Escalation{To: item.Escalation.To, Reason: item.Escalation.Reason}
	}
	if item.WrittenAt != nil {
		out.SheetWrittenAt = item.WrittenAt.UTC()
	}
	return out, nil
}

func encodeKey(key, leadID string, receivedAt, claimedAt time.Time) (map[string]types.AttributeValue, error) {
	heldUntil := store.HeldUntil(receivedAt)
	item := keyItem{
		PK:        prefixKey + key,
		LeadID:    leadID,
		HeldUntil: heldUntil.UnixNano(),
		ExpiresAt: heldUntil.Unix() + 1,
		ClaimedAt: claimedAt.UnixNano(),
	}
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return nil, fmt.Errorf("encode idempotency key %q: %w", key, err)
	}
	return av, nil
}

func decodeKey(av map[string]types.AttributeValue) (keyItem, error) {
	var item keyItem
	if err := attributevalue.UnmarshalMap(av, &item); err != nil {
		return keyItem{}, fmt.Errorf("decode idempotency key item: %w", err)
	}
	return item, nil
}

func (o ownerItem) owner() store.Owner {
	return store.Owner{Rep: o.Rep, Customer: o.Customer, Since: o.Since.UTC(), Reason: o.Reason}
}

func encodeAbsences(absences []routing.Absence) (types.AttributeValue, error) {
	items := make([]absenceItem, 0, len(absences))
	for _, a := range absences {
		items = append(items, absenceItem{From: a.From.UTC(), Until: a.Until.UTC()})
	}
	av, err := attributevalue.Marshal(items)
	if err != nil {
		return nil, fmt.Errorf("encode absences: %w", err)
	}
	return av, nil
}

func (r repItem) absences() []routing.Absence {
	out := make([]routing.Absence, 0, len(r.Absences))
	for _, a := range r.Absences {
		out = append(out, routing.Absence{From: a.From.UTC(), Until: a.Until.UTC()})
	}
	return out
}
