// Package bolt is the embedded store: it implements store.Store in one local
// file with go.etcd.io/bbolt, for running leadrouter on one machine.
//
// Every method runs in one bbolt transaction. bbolt allows one writer at a
// time, so a Commit checks keys and capacity and writes the lead with no
// other write in between, and the store is safe for concurrent use within
// one process. The file is locked while open, so a second process fails to
// open it instead of sharing it.
package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// lockTimeout is how long Open waits for another process to release the
// file before it gives up.
const lockTimeout = 2 * time.Second

// Buckets. Each maps a string id to the JSON form in encoding.go, except
// outbox, whose keys order pending leads and whose values are lead ids.
var (
	bucketLeads    = []byte("leads")
	bucketOutbox   = []byte("outbox")
	bucketKeys     = []byte("idempotency_keys")
	bucketAccounts = []byte("accounts")
	bucketReps     = []byte("reps")
)

// Store is the embedded store. Close it when done, so that other processes
// can open the file.
type Store struct {
	db   *bbolt.DB
	path string
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the store file at path. It fails after lockTimeout
// when another process has the file locked.
func Open(path string) (*Store, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %q: store file is locked by another leadrouter process; stop it or choose another data folder", path)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %q: %w", path, err)
	}

	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketLeads, bucketOutbox, bucketKeys, bucketAccounts, bucketReps} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %q: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Close releases the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt: close %q: %w", s.path, err)
	}
	return nil
}

// Snapshot reads everything routing needs for one lead in one read
// transaction.
func (s *Store) Snapshot(ctx context.Context, q store.Query) (store.Snapshot, error) {
	snap := store.Snapshot{State: store.NewState()}
	if err := ctx.Err(); err != nil {
		return snap, fmt.Errorf("bolt: snapshot: %w", err)
	}
	now := q.QueryTime()

	err := s.db.View(func(tx *bbolt.Tx) error {
		dup, err := findDuplicate(tx, store.Unique(q.IdempotencyKeys), now)
		if err != nil {
			return err
		}
		if dup != nil {
			rec, err := getLead(tx, dup.LeadID)
			if err != nil {
				return err
			}
			snap.Duplicate = &rec
		}

		for _, key := range q.AccountKeys {
			var o ownerJSON
			found, err := get(tx, bucketAccounts, key, &o)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			snap.State.Owners[key] = o.Rep
			if o.Customer {
				snap.State.Customers[key] = o.Rep
			}
		}

		for _, rep := range q.Reps {
			var r repJSON
			found, err := get(tx, bucketReps, rep, &r)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			snap.State.Active[rep] = r.Active
			if len(r.Absences) > 0 {
				snap.State.Absences[rep] = r.absences()
			}
		}
		return nil
	})
	if err != nil {
		return store.Snapshot{State: store.NewState()}, fmt.Errorf("bolt: snapshot: %w", err)
	}
	return snap, nil
}

// Commit stores the record, takes its keys and reserves capacity in one
// write transaction, so a failed check leaves nothing behind.
func (s *Store) Commit(ctx context.Context, rec store.Record) error {
	if err := rec.Validate(); err != nil {
		return fmt.Errorf("bolt: commit %q: %w", rec.Lead.ID, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: commit %q: %w", rec.Lead.ID, err)
	}
	id := rec.Lead.ID
	keys := rec.UniqueKeys()

	err := s.db.Update(func(tx *bbolt.Tx) error {
		dup, err := findDuplicate(tx, keys, rec.Lead.ReceivedAt)
		if err != nil {
			return err
		}
		if dup != nil {
			return dup
		}
		if tx.Bucket(bucketLeads).Get([]byte(id)) != nil {
			return fmt.Errorf("%w: lead id is already stored", store.ErrConflict)
		}

		if err := checkClaims(tx, rec.UniqueClaims(), rec.Decision.Owner); err != nil {
			return err
		}

		if res := rec.Decision.Reservation; res.Rep != "" {
			if err := reserve(tx, res); err != nil {
				return err
			}
		}

		claim := keyJSON{LeadID: id, HeldUntil: store.HeldUntil(rec.Lead.ReceivedAt).UTC()}
		for _, key := range keys {
			if err := put(tx, bucketKeys, key, claim); err != nil {
				return err
			}
		}
		if err := put(tx, bucketLeads, id, encodeRecord(rec)); err != nil {
			return err
		}
		if rec.SheetWrittenAt.IsZero() {
			if err := tx.Bucket(bucketOutbox).Put(outboxKey(rec.Lead.ReceivedAt, id), []byte(id)); err != nil {
				return err
			}
		}
		claimFree(tx, rec.UniqueClaims(), encodeOwner(rec.Claim()))
		return nil
	})
	if err != nil {
		return fmt.Errorf("bolt: commit %q: %w", id, err)
	}
	return nil
}

// checkClaims returns an *store.OwnedError for the first of keys owned by a
// rep other than rep. It runs in the Commit's write transaction, so no
// other Commit can claim a key between this check and claimFree.
func checkClaims(tx *bbolt.Tx, keys []string, rep string) error {
	for _, key := range keys {
		var o ownerJSON
		found, err := get(tx, bucketAccounts, key, &o)
		if err != nil {
			return err
		}
		if found && o.Rep != rep {
			return &store.OwnedError{Key: key, Owner: o.Rep}
		}
	}
	return nil
}

// claimFree sets owner on each of keys that has no owner. A key that cannot
// be written (longer than bbolt's key limit) is skipped, because a claim
// must never fail the Commit it is part of.
func claimFree(tx *bbolt.Tx, keys []string, owner ownerJSON) {
	accounts := tx.Bucket(bucketAccounts)
	for _, key := range keys {
		if accounts.Get([]byte(key)) != nil {
			continue
		}
		_ = put(tx, bucketAccounts, key, owner)
	}
}

// findDuplicate returns the first of keys held at now, or nil.
//
// NOTE: an expired key stays in the file until a new lead takes it over;
// nothing sweeps the bucket, so it grows by each lead's keys.
func findDuplicate(tx *bbolt.Tx, keys []string, now time.Time) (*store.DuplicateError, error) {
	for _, key := range keys {
		var claim keyJSON
		found, err := get(tx, bucketKeys, key, &claim)
		if err != nil {
			return nil, err
		}
		if found && now.Before(claim.HeldUntil) {
			return &store.DuplicateError{Key: key, LeadID: claim.LeadID}, nil
		}
	}
	return nil, nil
}

func reserve(tx *bbolt.Tx, res routing.Reservation) error {
	var r repJSON
	if _, err := get(tx, bucketReps, res.Rep, &r); err != nil {
		return err
	}
	if res.Limit > 0 && r.Active >= res.Limit {
		return fmt.Errorf("%w: rep %q has %d active of limit %d", store.ErrFull, res.Rep, r.Active, res.Limit)
	}
	r.Active++
	return put(tx, bucketReps, res.Rep, r)
}

// Lead returns the stored lead with this id.
func (s *Store) Lead(ctx context.Context, id string) (store.Record, error) {
	var rec store.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		rec, err = getLead(tx, id)
		return err
	})
	if err != nil {
		return store.Record{}, fmt.Errorf("bolt: lead %q: %w", id, err)
	}
	return rec, nil
}

func getLead(tx *bbolt.Tx, id string) (store.Record, error) {
	var j recordJSON
	found, err := get(tx, bucketLeads, id, &j)
	if err != nil {
		return store.Record{}, err
	}
	if !found {
		return store.Record{}, fmt.Errorf("lead %q: %w", id, store.ErrNotFound)
	}
	return j.record(), nil
}

// Pending returns up to limit leads still in the outbox, oldest first.
func (s *Store) Pending(ctx context.Context, limit int) ([]store.Record, error) {
	if limit < 1 {
		return nil, fmt.Errorf("bolt: pending %d: %w: limit must be at least 1", limit, store.ErrInvalid)
	}

	var out []store.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, id := c.First(); k != nil && len(out) < limit; k, id = c.Next() {
			rec, err := getLead(tx, string(id))
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: pending %d: %w", limit, err)
	}
	return out, nil
}

// MarkWritten sets SheetWrittenAt of the leads still pending among ids and
// removes them from the outbox.
func (s *Store) MarkWritten(ctx context.Context, ids []string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("bolt: mark %d leads written: %w: time is zero", len(ids), store.ErrInvalid)
	}

	err := s.db.Update(func(tx *bbolt.Tx) error {
		for _, id := range ids {
			var j recordJSON
			found, err := get(tx, bucketLeads, id, &j)
			if err != nil {
				return err
			}
			if !found || j.SheetWrittenAt != nil {
				continue
			}

			written := at.UTC()
			j.SheetWrittenAt = &written
			if err := put(tx, bucketLeads, id, j); err != nil {
				return err
			}
			if err := tx.Bucket(bucketOutbox).Delete(outboxKey(j.Lead.ReceivedAt, id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bolt: mark %d leads written: %w", len(ids), err)
	}
	return nil
}

// SetOwner sets or replaces the owner of an account key.
func (s *Store) SetOwner(ctx context.Context, accountKey string, o store.Owner) error {
	if err := o.Validate(accountKey); err != nil {
		return fmt.Errorf("bolt: set owner of %q: %w", accountKey, err)
	}

	err := s.db.Update(func(tx *bbolt.Tx) error {
		return put(tx, bucketAccounts, accountKey, encodeOwner(o))
	})
	if err != nil {
		return fmt.Errorf("bolt: set owner of %q: %w", accountKey, err)
	}
	return nil
}

// ClaimOwner sets the owner of an account key unless it has one.
func (s *Store) ClaimOwner(ctx context.Context, accountKey string, o store.Owner) (store.Owner, error) {
	if err := o.Validate(accountKey); err != nil {
		return store.Owner{}, fmt.Errorf("bolt: claim %q for %q: %w", accountKey, o.Rep, err)
	}

	owner := o
	claimed := false
	err := s.db.Update(func(tx *bbolt.Tx) error {
		var existing ownerJSON
		found, err := get(tx, bucketAccounts, accountKey, &existing)
		if err != nil {
			return err
		}
		if found {
			owner = existing.owner()
			return nil
		}
		claimed = true
		return put(tx, bucketAccounts, accountKey, encodeOwner(o))
	})
	if err != nil {
		return store.Owner{}, fmt.Errorf("bolt: claim %q for %q: %w", accountKey, o.Rep, err)
	}
	if !claimed {
		return owner, fmt.Errorf("bolt: claim %q for %q: %w: owned by %q", accountKey, o.Rep, store.ErrConflict, owner.Rep)
	}
	return owner, nil
}

// Release decrements a rep's active count unless it is zero.
func (s *Store) Release(ctx context.Context, rep string) error {
	return s.updateRep("release", rep, func(r *repJSON) {
		if r.Active > 0 {
			r.Active--
		}
	})
}

// SetActive replaces a rep's active count.
func (s *Store) SetActive(ctx context.Context, rep string, n int) error {
	if n < 0 {
		return fmt.Errorf("bolt: set active of %q to %d: %w: count must be 0 or more", rep, n, store.ErrInvalid)
	}
	return s.updateRep("set active", rep, func(r *repJSON) { r.Active = n })
}

// SetAbsences replaces a rep's time off.
func (s *Store) SetAbsences(ctx context.Context, rep string, absences []routing.Absence) error {
	if err := store.ValidateAbsences(rep, absences); err != nil {
		return fmt.Errorf("bolt: set absences of %q: %w", rep, err)
	}
	return s.updateRep("set absences", rep, func(r *repJSON) { r.Absences = encodeAbsences(absences) })
}

func (s *Store) updateRep(op, rep string, change func(*repJSON)) error {
	if err := store.ValidateRep(rep); err != nil {
		return fmt.Errorf("bolt: %s: %w", op, err)
	}

	err := s.db.Update(func(tx *bbolt.Tx) error {
		var r repJSON
		if _, err := get(tx, bucketReps, rep, &r); err != nil {
			return err
		}
		change(&r)
		return put(tx, bucketReps, rep, r)
	})
	if err != nil {
		return fmt.Errorf("bolt: %s of %q: %w", op, rep, err)
	}
	return nil
}

// get decodes the value at key into v and reports whether it exists.
func get(tx *bbolt.Tx, bucket []byte, key string, v any) (bool, error) {
	data := tx.Bucket(bucket).Get([]byte(key))
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("decode %s %q: %w", bucket, key, err)
	}
	return true, nil
}

func put(tx *bbolt.Tx, bucket []byte, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %q: %w", bucket, key, err)
	}
	err = tx.Bucket(bucket).Put([]byte(key), data)
	if errors.Is(err, bolterrors.ErrKeyTooLarge) || errors.Is(err, bolterrors.ErrValueTooLarge) {
		return fmt.Errorf("write %s %q: %w: %w", bucket, key, store.ErrInvalid, err)
	}
	if err != nil {
		return fmt.Errorf("write %s %q: %w", bucket, key, err)
	}
	return nil
}
