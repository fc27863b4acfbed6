package intake

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// memoryStore is an in-memory Store for the unit tests of parsing and
// answering. The end-to-end tests use the embedded file store.
type memoryStore struct {
	mu      sync.Mutex
	leads   map[string]store.Record
	keys    map[string]string
	active  map[string]int
	failing error
	commits int
}

func newMemoryStore() *memoryStore {
	return &memoryStore{leads: map[string]store.Record{}, keys: map[string]string{}, active: map[string]int{}}
}

func (m *memoryStore) Snapshot(_ context.Context, q store.Query) (store.Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()

	if m.failing != nil {
		return store.Snapshot{}, m.failing
	}
	snap := store.Snapshot{State: routing.State{
		Active: map[string]int{}, Owners: map[string]string{},
		Customers: map[string]string{}, Absences: map[string][]routing.Absence{},
	}}
	for _, key := range q.IdempotencyKeys {
		if id, ok := m.keys[key]; ok && q.Now.Sub(m.leads[id].Lead.ReceivedAt) < store.IdempotencyTTL {
			rec := m.leads[id]
			snap.Duplicate = &rec
			break
		}
	}
	for _, rep := range q.Reps {
		snap.State.Active[rep] = m.active[rep]
	}
	return snap, nil
}

func (m *memoryStore) Commit(_ context.Context, rec store.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()

	if m.failing != nil {
		return m.failing
	}
	for _, key := range rec.IdempotencyKeys {
		if id, ok := m.keys[key]; ok && rec.Lead.ReceivedAt.Sub(m.leads[id].Lead.ReceivedAt) < store.IdempotencyTTL {
			return &store.DuplicateError{Key: key, LeadID: id}
		}
	}
	r := rec.Decision.Reservation
	if r.Limit > 0 && m.active[r.Rep] >= r.Limit {
		return fmt.Errorf("memory: reserve %q: %w", r.Rep, store.ErrFull)
	}

	m.active[r.Rep]++
	m.leads[rec.Lead.ID] = rec
	for _, key := range rec.IdempotencyKeys {
		m.keys[key] = rec.Lead.ID
	}
	m.commits++
	return nil
}

func (m *memoryStore) Lead(_ context.Context, id string) (store.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()

	rec, ok := m.leads[id]
	if !ok {
		return store.Record{}, fmt.Errorf("memory: lead %q: %w", id, store.ErrNotFound)
	}
	return rec, nil
}

// twoReps routes every lead to rep-a while rep-a is below 15 active leads,
// and to rep-b after that, as the two-rep example plan does for inbound.
type twoReps struct{}

func (twoReps) Route(l *lead.Lead, s *routing.State, _ time.Time) routing.Decision {
	if s.Active["rep-a"] < 15 {
		return routing.Decision{Owner: "rep-a", Zone: routing.ZonePrimary, Rule: "inbound", Reservation: routing.Reservation{Rep: "rep-a", Limit: 15}}
	}
	return routing.Decision{Owner: "rep-b", Zone: routing.ZoneOverflow, Rule: "inbound", Reservation: routing.Reservation{Rep: "rep-b", Limit: 0}}
}

var errOutage = errors.New("connection refused")
