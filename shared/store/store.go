// Package store defines the port through which leadrouter keeps its state:
// leads with their routing decisions, idempotency keys, account ownership,
// capacity counters, time off and the outbox of rows still to be written to
// the sheet.
//
// Two adapters implement it: an embedded file store for local use and
// DynamoDB for production. Both pass the contract suite in storetest, which
// is the executable form of the contracts documented here.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
)

// Error kinds. Adapters map their backend's errors to these once, wrap them
// with the operation and the key, and callers branch with errors.Is.
var (
	// ErrNotFound: the item does not exist.
	ErrNotFound = errors.New("not found")
	// ErrFull: a capacity reservation would take a rep to or past the limit.
	ErrFull = errors.New("capacity full")
	// ErrConflict: a conditional write lost to another writer, such as a
	// second first-touch claim on the same account.
	ErrConflict = errors.New("conflict")
	// ErrThrottled: the backend rejected the request for load; retrying
	// later may succeed.
	ErrThrottled = errors.New("throttled")
	// ErrInvalid: the request is malformed for this backend (an empty key,
	// an item over the size limit).
	ErrInvalid = errors.New("invalid request")
	// ErrOwned: a Commit would claim an account that another rep owns,
	// because the lead was routed on a snapshot taken before that owner
	// was set. See OwnedError.
	ErrOwned = errors.New("account owned by another rep")
)

// OwnedError is returned by Commit when a key of the record's ClaimAccounts
// is owned by a rep other than Decision.Owner. Nothing was written and no
// capacity was reserved, so the caller routes the lead again with Owner
// recorded for Key. Owner is empty when the backend did not return the
// owner; the caller then reads the account again. It matches ErrOwned
// under errors.Is.
type OwnedError struct {
	Key   string
	Owner string
}

func (e *OwnedError) Error() string {
	if e.Owner == "" {
		return "account " + e.Key + " is owned by another rep"
	}
	return "account " + e.Key + " is owned by " + e.Owner
}

// Is reports ErrOwned as the kind of an owned account.
func (e *OwnedError) Is(target error) bool { return target == ErrOwned }

// DuplicateError is returned by Commit when one of the record's idempotency
// keys is already held by a stored lead. Nothing was written and no
// capacity was reserved. It matches ErrConflict under errors.Is.
type DuplicateError struct {
	Key    string
	LeadID string
}

func (e *DuplicateError) Error() string {
	return "idempotency key " + e.Key + " already used by lead " + e.LeadID
}

// Is reports ErrConflict as the kind of a duplicate.
func (e *DuplicateError) Is(target error) bool { return target == ErrConflict }

// Record is a lead as stored: the lead, how it was routed and whether its
// sheet row has been written.
type Record struct {
	Lead     lead.Lead
	Decision routing.Decision
	// IdempotencyKeys are the keys that identify a repeated submission of
	// this lead (Idempotency-Key header, form submission id, content hash).
	// Each is held for IdempotencyTTL after Lead.ReceivedAt.
	IdempotencyKeys []string
	// SheetWrittenAt is zero while the lead's row is still in the outbox.
	SheetWrittenAt time.Time
	// ClaimAccounts are account keys of the lead's own company (see
	// plan.Plan.AccountKeys; never a free-mail domain or a referrer's key).
	// Commit gives each key that has no owner yet to Decision.Owner as an
	// open opportunity and leaves keys that Decision.Owner owns as they
	// are. A key owned by another rep fails the Commit with an
	// *OwnedError. The keys are not stored with the lead, so Lead returns
	// none.
	ClaimAccounts []string
}

// ClaimReason is the Owner.Reason of an account claimed by Commit.
const ClaimReason = "open opportunity"

// Claim returns the owner that Commit sets on each free key of
// ClaimAccounts: Decision.Owner, since the lead's reception.
func (r Record) Claim() Owner {
	return Owner{Rep: r.Decision.Owner, Since: r.Lead.ReceivedAt.UTC(), Reason: ClaimReason}
}

// IdempotencyTTL is how long an idempotency key identifies a repeated
// submission. After it a key may be taken by a new lead.
const IdempotencyTTL = 24 * time.Hour

// Query names what intake needs to read before it routes one lead.
type Query struct {
	// IdempotencyKeys are looked up for an earlier lead.
	IdempotencyKeys []string
	// AccountKeys are looked up in account owners and customers.
	AccountKeys []string
	// Reps are the rep ids whose active counts and time off are loaded.
	Reps []string
	// Now decides which idempotency keys have expired; zero means the
	// current time.
	Now time.Time
}

// Snapshot is the result of a Query.
type Snapshot struct {
	// Duplicate is the stored lead that holds one of the query's
	// idempotency keys, or nil.
	Duplicate *Record
	// State holds owners and customers of the queried account keys, and
	// active counts and absences of the queried reps. Its maps are never nil.
	State routing.State
}

// Owner is the owner of one account key.
type Owner struct {
	Rep string
	// Customer marks an existing customer; referrals route through
	// customers only.
	Customer bool
	// Since is when the ownership was set or claimed.
	Since time.Time
	// Reason names where ownership came from ("customer", "open opportunity",
	// "first touch", "sheet", "state import").
	Reason string
}

// Store is the port. Every method is safe for concurrent use, and every
// write either happens whole or not at all.
type Store interface {
	// Snapshot reads, in as few backend requests as it can, everything
	// routing needs for one lead. Unknown keys and reps are simply absent
	// from the maps. A rep the store has any record of appears in Active,
	// with 0 when no count was ever set.
	Snapshot(ctx context.Context, q Query) (Snapshot, error)

	// Commit stores rec (whose Lead.ID must be new), takes its idempotency
	// keys and applies rec.Decision.Reservation, all or nothing. With the
	// lead it claims each key of rec.ClaimAccounts that has no owner for
	// rec.Claim(), and leaves a key that rec.Decision.Owner already owns
	// as it is. A Commit that fails claims nothing.
	// It returns an error matching ErrFull when the reservation's rep is
	// at or over the limit, an *OwnedError when a key of
	// rec.ClaimAccounts is owned by another rep, and a *DuplicateError
	// when a key is held by a lead received less than IdempotencyTTL
	// before rec.Lead.ReceivedAt; nothing is written then. A
	// *DuplicateError takes precedence over the other two. Keys are
	// checked before the lead id, so a retried Commit of a stored record
	// gets a *DuplicateError naming its own lead id. A lead id already stored under other keys matches
	// ErrConflict. An invalid record (see Record.Validate) matches
	// ErrInvalid.
	Commit(ctx context.Context, rec Record) error

	// Lead returns the stored lead with this id, or ErrNotFound.
	Lead(ctx context.Context, id string) (Record, error)

	// Pending returns up to limit leads whose sheet row is not yet
	// written, oldest first by Lead.ReceivedAt and then by id. A limit
	// below 1 matches ErrInvalid.
	Pending(ctx context.Context, limit int) ([]Record, error)
	// MarkWritten records that the sheet rows of these leads exist. Ids
	// already marked or unknown are ignored, so a lead keeps the time of
	// its first mark. A zero at matches ErrInvalid.
	MarkWritten(ctx context.Context, ids []string, at time.Time) error

	// SetOwner sets or replaces the owner of an account key.
	SetOwner(ctx context.Context, accountKey string, o Owner) error
	// ClaimOwner sets the owner of an account key only if it has none. When
	// it has one it returns that owner with an error matching ErrConflict.
	ClaimOwner(ctx context.Context, accountKey string, o Owner) (Owner, error)

	// Release decrements a rep's active count, never below zero; a rep at
	// zero or unknown is left as it is.
	Release(ctx context.Context, rep string) error
	// SetActive replaces a rep's active count, as recounted from open
	// leads by the sheet sync.
	SetActive(ctx context.Context, rep string, n int) error
	// SetAbsences replaces a rep's time off.
	SetAbsences(ctx context.Context, rep string, absences []routing.Absence) error
}
