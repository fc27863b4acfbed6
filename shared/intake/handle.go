package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/store"
)

// Handle responds to one API Gateway HTTP API event. It always returns a
// response and a nil error. Client mistakes get a 4xx that names the field
// and what is accepted. Internal failures get a 503 with Retry-After and
// are logged once through the zerolog logger in ctx, if ctx carries one.
// The lines it logs carry the API Gateway request id as api_request_id,
// because request_id belongs to the caller: logging.ForInvocation sets it to
// the Lambda request id.
//
// A 2xx or 303 response means the lead, its decision and its capacity
// reservation are stored.
func (h *Handler) Handle(ctx context.Context, event events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	req := newRequest(event)
	origin := h.allowedOrigin(req.header("origin"))

	switch {
	case req.method == "OPTIONS":
		return h.preflight(req, origin), nil
	case req.method == "GET" && req.isThanksPage():
		return thanksResponse(req), nil
	case req.method != "POST":
		res := clientError(405, errorBody{Error: fmt.Sprintf("method %s not allowed", req.method), Accepted: "POST, or OPTIONS for a CORS preflight"})
		res.Headers["Allow"] = "POST, OPTIONS"
		return withCORS(res, origin), nil
	}

	// A browser sends Origin on every cross-site POST, and form posts need
	// no preflight, so the check is repeated here. Server-to-server form
	// tools send no Origin and are allowed.
	if sent := req.header("origin"); sent != "" && origin == "" {
		forbidden := forbiddenOrigin(sent)
		logFrom(ctx).Warn().
			Str("api_request_id", req.id()).
			Str("origin", sent).
			Str("error", forbidden.Error).
			Str("fix", forbidden.Accepted).
			Msg("intake: origin not allowed; request rejected")
		return withCORS(h.reject(req, guessStyle(req), forbidden, 403), ""), nil
	}

	res := h.post(ctx, req)
	return withCORS(res, origin), nil
}

// post reads, validates, routes and stores one submission.
func (h *Handler) post(ctx context.Context, req request) events.APIGatewayV2HTTPResponse {
	reply := guessStyle(req)
	if rerr := checkContentEncoding(req.header("content-encoding")); rerr != nil {
		return h.reject(req, reply, rerr.body(), rerr.status)
	}
	data, rerr := decodeBody(req.event.Body, req.event.IsBase64Encoded, h.deps.MaxBodyBytes)
	if rerr != nil {
		return h.reject(req, reply, rerr.body(), rerr.status)
	}
	b, rerr := readBody(req.header("content-type"), data)
	if rerr != nil {
		return h.reject(req, reply, rerr.body(), rerr.status)
	}
	reply = replyStyle{browser: b.form && !acceptsJSON(req.header("accept")), notes: b.notes}

	sub := buildLead(b.fields, h.deps.Currency)
	headerKey, problem := checkIdempotencyHeader(req.header("idempotency-key"))
	if problem != nil {
		sub.problems = append(sub.problems, *problem)
	}
	if len(sub.problems) > 0 {
		return h.reject(req, reply, errorBody{Error: "invalid lead", Fields: sub.problems}, 400)
	}

	now := h.deps.Now().UTC()
	id, err := h.deps.NewID(now)
	if err != nil {
		return h.unavailable(ctx, req, "new lead id", err)
	}

	l := sub.lead
	l.ID = id
	l.ReceivedAt = now
	h.fillDomain(&l)

	// A bot filled in the hidden field: respond as for a lead, keep nothing.
	// The engine routes the lead on an empty state, so a revealed owner,
	// zone and rule look like a real lead's. The store is not read.
	// NOTE: a repeat of the same honeypot submission gets a new lead id and
	// no duplicate flag, unlike a real lead's repeat, so a bot that submits
	// twice can still tell; matching that would mean storing its keys.
	if sub.honeypot {
		logFrom(ctx).Info().Str("api_request_id", req.id()).Msg("intake: honeypot filled in; submission dropped")
		decision := h.deps.Router.Route(&l, emptyState(), now)
		return h.accepted(reply, store.Record{Lead: l, Decision: decision}, false)
	}

	keys := idempotencyKeys(headerKey, &l)
	rec, duplicate, err := h.route(ctx, l, keys)
	if err != nil {
		return h.unavailable(ctx, req, "store lead "+l.ID, err)
	}
	if duplicate {
		if conflict := replayConflict(keys, &l, rec); conflict != nil {
			logFrom(ctx).Warn().
				Str("api_request_id", req.id()).
				Str("original_lead_id", rec.Lead.ID).
				Msg("intake: idempotency key reused for a different submission")
			return h.reject(req, reply, *conflict, 422)
		}
	}

	logFrom(ctx).Info().
		Str("api_request_id", req.id()).
		Str("lead_id", rec.Lead.ID).
		Str("owner", rec.Decision.Owner).
		Str("zone", string(rec.Decision.Zone)).
		Bool("duplicate", duplicate).
		Msg("intake: lead accepted")
	return h.accepted(reply, rec, duplicate)
}

// errClaimLoop means the lead's company kept changing owner between
// routing attempts.
var errClaimLoop = errors.New("every routing attempt lost the lead's company to another rep")

// route loads the state, routes the lead and commits it. When a capacity
// reservation fails because the rep filled up since the snapshot, the rep
// is marked full and the lead routed again. When the lead's company was
// claimed by another rep since the snapshot, that rep is recorded as its
// owner and the lead routed again, so that concurrent leads from one new
// company end with one owner. It makes at most one attempt per rep and per
// claimed account key, plus one. When a key turns out to be taken, the
// stored lead that holds it is returned with duplicate set.
func (h *Handler) route(ctx context.Context, l lead.Lead, keys []string) (rec store.Record, duplicate bool, err error) {
	query := store.Query{
		IdempotencyKeys: keys,
		AccountKeys:     h.deps.AccountKeys(&l),
		Reps:            h.deps.Reps,
		Now:             l.ReceivedAt,
	}
	snap, err := h.deps.Store.Snapshot(ctx, query)
	if err != nil {
		return store.Record{}, false, fmt.Errorf("snapshot: %w", err)
	}
	if snap.Duplicate != nil {
		return *snap.Duplicate, true, nil
	}

	state := snap.State
	if state.Active == nil {
		state.Active = make(map[string]int)
	}
	if state.Owners == nil {
		state.Owners = make(map[string]string)
	}
	// The lead's own company, never its referrer, becomes an open
	// opportunity of the owner wherever it has no owner yet. Without a
	// plan there are no account keys to claim.
	var claims []string
	if h.deps.Plan != nil {
		claims = h.deps.Plan.AccountKeys(&l)
	}
	attempts := len(h.deps.Reps) + len(claims) + 1
	for attempt := 0; attempt < attempts; attempt++ {
		decision := h.deps.Router.Route(&l, &state, l.ReceivedAt)
		rec = store.Record{Lead: l, Decision: decision, IdempotencyKeys: keys, ClaimAccounts: claims}

		err = h.deps.Store.Commit(ctx, rec)
		var dup *store.DuplicateError
		var owned *store.OwnedError
		switch {
		case err == nil:
			return rec, false, nil
		case errors.As(err, &dup):
			original, lerr := h.deps.Store.Lead(ctx, dup.LeadID)
			if lerr != nil {
				return store.Record{}, false, fmt.Errorf("read lead %s, which holds key %q: %w", dup.LeadID, dup.Key, lerr)
			}
			return original, true, nil
		case errors.Is(err, store.ErrFull):
			state.Active[decision.Reservation.Rep] = decision.Reservation.Limit
		case errors.As(err, &owned) && owned.Owner != "":
			state.Owners[owned.Key] = owned.Owner
		case errors.As(err, &owned):
			// The backend did not name the owner, so the accounts are read
			// again.
			fresh, serr := h.deps.Store.Snapshot(ctx, query)
			if serr != nil {
				return store.Record{}, false, fmt.Errorf("snapshot after account %q was claimed: %w", owned.Key, serr)
			}
			if fresh.Duplicate != nil {
				return *fresh.Duplicate, true, nil
			}
			state.Owners = fresh.State.Owners
			state.Customers = fresh.State.Customers
		default:
			return store.Record{}, false, fmt.Errorf("commit: %w", err)
		}
	}

	loop := errRoutingLoop
	if errors.Is(err, store.ErrOwned) {
		loop = errClaimLoop
	}
	return store.Record{}, false, fmt.Errorf("route: %w (%d attempts, last: %v)", loop, attempts, err)
}

// fillDomain sets the lead's domain from a company email address when the
// website did not give one. A free-mail domain identifies no company.
func (h *Handler) fillDomain(l *lead.Lead) {
	if l.Domain != "" || l.Email == "" {
		return
	}
	domain := lead.DomainFromEmail(l.Email)
	if domain == "" || h.deps.IsFreeMail(domain) {
		return
	}
	l.Domain = domain
}

// checkIdempotencyHeader returns the Idempotency-Key header value, or the
// problem with it.
func checkIdempotencyHeader(value string) (string, *FieldProblem) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", nil
	}
	if len(value) > maxHeaderKey || hasControl(value, false) {
		return "", &FieldProblem{
			Field:    "Idempotency-Key",
			Problem:  fmt.Sprintf("header is %d bytes long or contains control characters", len(value)),
			Accepted: fmt.Sprintf("at most %d printable characters, such as a UUID", maxHeaderKey),
		}
	}
	return value, nil
}
