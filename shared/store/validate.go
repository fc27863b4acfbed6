package store

import (
	"fmt"
	"time"

	"github.com/leadrouter/leadrouter/shared/routing"
)

// Validate checks what every adapter requires of a record before Commit
// writes anything. Its errors match ErrInvalid and name the field.
func (r Record) Validate() error {
	if r.Lead.ID == "" {
		return fmt.Errorf("%w: Lead.ID is empty; intake assigns it before Commit", ErrInvalid)
	}
	if r.Lead.ReceivedAt.IsZero() {
		return fmt.Errorf("%w: Lead.ReceivedAt of lead %q is zero; idempotency keys expire relative to it", ErrInvalid, r.Lead.ID)
	}
	for i, key := range r.IdempotencyKeys {
		if key == "" {
			return fmt.Errorf("%w: IdempotencyKeys[%d] of lead %q is empty; omit keys that have no value", ErrInvalid, i, r.Lead.ID)
		}
	}

	for i, key := range r.ClaimAccounts {
		if key == "" {
			return fmt.Errorf("%w: ClaimAccounts[%d] of lead %q is empty; omit keys that have no value", ErrInvalid, i, r.Lead.ID)
		}
	}
	if len(r.ClaimAccounts) > 0 && r.Decision.Owner == "" {
		return fmt.Errorf("%w: lead %q claims accounts %q but Decision.Owner is empty; route the lead first", ErrInvalid, r.Lead.ID, r.ClaimAccounts)
	}

	res := r.Decision.Reservation
	if res.Limit < 0 {
		return fmt.Errorf("%w: Reservation.Limit %d of lead %q is negative; use 0 for no limit", ErrInvalid, res.Limit, r.Lead.ID)
	}
	if res.Rep == "" && res.Limit != 0 {
		return fmt.Errorf("%w: Reservation of lead %q has limit %d but no rep", ErrInvalid, r.Lead.ID, res.Limit)
	}
	return nil
}

// UniqueKeys returns the record's idempotency keys without repeats, in their
// first order, or nil when it has none.
func (r Record) UniqueKeys() []string {
	return Unique(r.IdempotencyKeys)
}

// UniqueClaims returns the record's ClaimAccounts without repeats, in their
// first order, or nil when it has none.
func (r Record) UniqueClaims() []string {
	return Unique(r.ClaimAccounts)
}

// HeldUntil returns the instant at which the idempotency keys of a lead
// received at receivedAt expire. A key is held while now is before it.
func HeldUntil(receivedAt time.Time) time.Time {
	return receivedAt.Add(IdempotencyTTL)
}

// Validate checks an owner and the account key it is set for.
func (o Owner) Validate(accountKey string) error {
	if accountKey == "" {
		return fmt.Errorf("%w: account key is empty", ErrInvalid)
	}
	if o.Rep == "" {
		return fmt.Errorf("%w: owner of account %q has no rep", ErrInvalid, accountKey)
	}
	return nil
}

// ValidateRep checks a rep id.
func ValidateRep(rep string) error {
	if rep == "" {
		return fmt.Errorf("%w: rep id is empty", ErrInvalid)
	}
	return nil
}

// ValidateAbsences checks that every period of time off has a start and ends
// after it starts.
func ValidateAbsences(rep string, absences []routing.Absence) error {
	if err := ValidateRep(rep); err != nil {
		return err
	}
	for i, a := range absences {
		if a.From.IsZero() || a.Until.IsZero() {
			return fmt.Errorf("%w: absence %d of rep %q has a zero From or Until; give both instants", ErrInvalid, i, rep)
		}
		if !a.Until.After(a.From) {
			return fmt.Errorf("%w: absence %d of rep %q ends at %s, not after its start %s; Until is exclusive",
				ErrInvalid, i, rep, a.Until.UTC().Format(time.RFC3339), a.From.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// Unique returns values without repeats, in their first order, or nil when
// there are none.
func Unique(values []string) []string {
	if len(values) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(values))
	out := make([]string, 0, len(values))
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// NewState returns a routing state whose maps are empty and non-nil, as
// Snapshot promises.
func NewState() routing.State {
	return routing.State{
		Active:    map[string]int{},
		Owners:    map[string]string{},
		Customers: map[string]string{},
		Absences:  map[string][]routing.Absence{},
	}
}

// QueryTime returns q.Now, or the current time when q.Now is zero.
func (q Query) QueryTime() time.Time {
	if q.Now.IsZero() {
		return time.Now()
	}
	return q.Now
}
