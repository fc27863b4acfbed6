// Package intake turns a lead submission into a routed, stored lead. It
// reads API Gateway HTTP API (payload format 2.0) events for POST /leads
// and GET /thanks, as AWS Lambda delivers them and as the local server
// builds them, so the same code serves both.
//
// A submission is parsed (UTF-8 JSON, or a urlencoded or multipart form in
// any WHATWG charset), its fields are mapped through a table of common
// aliases, and every problem is reported at once in a 400 response. A valid
// lead is checked for a repeat (Idempotency-Key header, source submission
// id, or the same content within store.IdempotencyTTL), routed, and
// committed to the store
// with its decision and capacity reservation before the response. The sheet
// row is written later from the store's outbox, never here.
package intake

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// defaultCurrency is the currency of potential without a plan, the same
// as the plan's default.
const defaultCurrency = "USD"

// Body size limits in bytes. API Gateway accepts 10 MB and a synchronous
// Lambda invocation 6 MB; a lead form needs a few kilobytes.
const (
	DefaultMaxBodyBytes = 64 << 10
	MaxMaxBodyBytes     = 6 << 20
	minMaxBodyBytes     = 1 << 10
)

// Router routes one lead. *routing.Engine implements it.
type Router interface {
	Route(l *lead.Lead, s *routing.State, now time.Time) routing.Decision
}

// Store is the part of store.Store that intake uses.
type Store interface {
	Snapshot(ctx context.Context, q store.Query) (store.Snapshot, error)
	Commit(ctx context.Context, rec store.Record) error
	Lead(ctx context.Context, id string) (store.Record, error)
}

// Deps are what a Handler needs. Router and Store are required, and so are
// either Plan or Reps and ThankYouURL.
type Deps struct {
	Router Router
	Store  Store
	// Plan, when set, supplies each of Reps, AccountKeys, IsFreeMail and
	// ThankYouURL that is left unset, and its site.origins.
	Plan *plan.Plan
	// Reps are the rep ids of the plan, whose counts and time off are
	// loaded for routing.
	Reps []string
	// AccountKeys returns the keys under which the lead's company or the
	// customer who referred it may have an owner. Nil looks up no owners.
	AccountKeys func(l *lead.Lead) []string
	// IsFreeMail reports whether an email domain is a free-mail provider,
	// whose domain must not identify a company. Nil treats no domain as
	// free mail.
	IsFreeMail func(domain string) bool
	// Currency is the ISO 4217 code of lead potential. An amount written
	// in another currency is rejected, because amounts are not converted.
	// Empty means the plan's currency, or USD, the plan default, without
	// a plan.
	Currency string
	// ThankYouURL is where a browser form post is redirected, with
	// ?lead=ID added. It may be relative, such as "/thanks".
	ThankYouURL string
	// Origins are the site origins ("https://www.example.com") allowed to
	// post leads from a browser (CORS, and the Origin check on POST). With
	// Plan set they are added to the plan's site.origins, so a local
	// server can allow its own origin.
	Origins []string
	// RevealRouting adds the owner, zone and rule to a 202 response. Leave
	// it off for a public endpoint: the territory plan is the team's
	// business, and a visitor needs only the lead id.
	RevealRouting bool
	// MaxBodyBytes limits the decoded body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// NewID returns a new lead id for a lead received at t; nil means "L-"
	// and a ULID with entropy from crypto/rand.
	NewID func(t time.Time) (string, error)
}

// Handler processes lead submissions. It is safe for concurrent use.
type Handler struct {
	deps    Deps
	origins map[string]bool
}

// New checks deps and returns a Handler.
func New(deps Deps) (*Handler, error) {
	if deps.Plan != nil {
		deps = withPlan(deps)
	}

	var missing []string
	if deps.Router == nil {
		missing = append(missing, "Router")
	}
	if deps.Store == nil {
		missing = append(missing, "Store")
	}
	if len(deps.Reps) == 0 {
		missing = append(missing, "Reps")
	}
	if deps.ThankYouURL == "" {
		missing = append(missing, "ThankYouURL")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("intake: new handler: missing %v", missing)
	}

	switch {
	case deps.MaxBodyBytes == 0:
		deps.MaxBodyBytes = DefaultMaxBodyBytes
	case deps.MaxBodyBytes < minMaxBodyBytes || deps.MaxBodyBytes > MaxMaxBodyBytes:
		return nil, fmt.Errorf("intake: new handler: MaxBodyBytes %d is out of range; use %d to %d", deps.MaxBodyBytes, minMaxBodyBytes, MaxMaxBodyBytes)
	}
	if _, err := thankYouLocation(deps.ThankYouURL, "L-0"); err != nil {
		return nil, fmt.Errorf("intake: new handler: ThankYouURL %q: %w", deps.ThankYouURL, err)
	}
	if deps.Currency == "" {
		deps.Currency = defaultCurrency
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.NewID == nil {
		deps.NewID = newULID()
	}
	if deps.AccountKeys == nil {
		deps.AccountKeys = func(*lead.Lead) []string { return nil }
	}
	if deps.IsFreeMail == nil {
		deps.IsFreeMail = func(string) bool { return false }
	}

	origins := make(map[string]bool, len(deps.Origins))
	for _, origin := range deps.Origins {
		origins[normalizeOrigin(origin)] = true
	}
	return &Handler{deps: deps, origins: origins}, nil
}

// withPlan fills the unset plan-derived fields of deps from deps.Plan.
func withPlan(deps Deps) Deps {
	p := deps.Plan
	if len(deps.Reps) == 0 {
		deps.Reps = p.RepIDs()
	}
	if deps.AccountKeys == nil {
		// The referral step needs the referring customer's keys in the
		// same snapshot as the lead's own.
		deps.AccountKeys = func(l *lead.Lead) []string {
			return append(p.AccountKeys(l), p.ReferrerKeys(l)...)
		}
	}
	if deps.IsFreeMail == nil {
		deps.IsFreeMail = p.IsFreeMail
	}
	if deps.ThankYouURL == "" {
		deps.ThankYouURL = p.Site.ThankYouURL
	}
	if deps.Currency == "" {
		deps.Currency = p.Currency
	}
	deps.Origins = append(slices.Clone(p.Site.Origins), deps.Origins...)
	return deps
}

// newULID returns an id generator of "L-" and a ULID whose random part
// comes from crypto/rand and increases within one millisecond, so ids sort
// in the order leads were received by this process.
func newULID() func(time.Time) (string, error) {
	var mu sync.Mutex
	entropy := ulid.Monotonic(rand.Reader, 0)

	return func(t time.Time) (string, error) {
		mu.Lock()
		defer mu.Unlock()

		id, err := ulid.New(ulid.Timestamp(t), entropy)
		if err != nil {
			return "", fmt.Errorf("intake: new lead id: %w", err)
		}
		return "L-" + id.String(), nil
	}
}

// emptyState returns a routing state with no owners, counts or absences.
func emptyState() *routing.State {
	return &routing.State{
		Active:    map[string]int{},
		Owners:    map[string]string{},
		Customers: map[string]string{},
		Absences:  map[string][]routing.Absence{},
	}
}

// errRoutingLoop means the engine kept choosing full reps.
var errRoutingLoop = errors.New("every routing attempt hit a full rep")
