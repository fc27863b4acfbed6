package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/leadrouter/leadrouter/internal/testenv"
	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// requestCounter counts DynamoDB requests by operation name with a
// middleware in the Finalize step, which runs once per attempt sent.
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *requestCounter) register(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("CountRequests",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			c.mu.Lock()
			c.counts[awsmiddleware.GetOperationName(ctx)]++
			c.mu.Unlock()
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// take returns the counts since the last call and the total, and resets.
func (c *requestCounter) take() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	counts, total := c.counts, 0
	for _, n := range counts {
		total += n
	}
	c.counts = map[string]int{}
	return counts, total
}

// countingStore returns a store on a new table whose client counts requests.
func countingStore(t *testing.T, endpoint string, strategy dynamo.CommitStrategy) (*dynamo.Store, *requestCounter) {
	counter := &requestCounter{counts: map[string]int{}}
	base := testenv.DynamoClient(t, endpoint)
	table := newTable(t, base)
	client := dynamodb.New(base.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, counter.register)
	})
	return dynamo.New(client, table, dynamo.WithCommitStrategy(strategy)), counter
}

// routeLead does what intake does for one new lead with two idempotency
// keys, a capacity reservation and a claim on its free account: one
// Snapshot, then one Commit.
func routeLead(t *testing.T, s store.Store, i int, at time.Time) {
	t.Helper()
	id := fmt.Sprintf("L-%04d", i)
	keys := []string{"submission:" + id, "content:" + id}
	accounts := []string{"domain:example" + strconv.Itoa(i) + ".com"}

	snap, err := s.Snapshot(t.Context(), store.Query{
		IdempotencyKeys: keys,
		AccountKeys:     accounts,
		Reps:            []string{"rep-a", "rep-b"},
		Now:             at,
	})
	if err != nil {
		t.Fatalf("Snapshot = %v", err)
	}
	if snap.Duplicate != nil {
		t.Fatalf("Duplicate = %s, want none for a new lead", snap.Duplicate.Lead.ID)
	}

	rec := store.Record{
		Lead:            lead.Lead{ID: id, ReceivedAt: at, Email: "ana@example.com", Company: "Example"},
		Decision:        routing.Decision{Owner: "rep-a", Zone: routing.ZonePrimary, Reservation: routing.Reservation{Rep: "rep-a", Limit: 1000}},
		IdempotencyKeys: keys,
		ClaimAccounts:   accounts,
	}
	if err := s.Commit(t.Context(), rec); err != nil {
		t.Fatalf("Commit = %v", err)
	}
}

func TestRequestsPerLead(t *testing.T) {
	cases := []struct {
		name     string
		endpoint func(testing.TB) string
		strategy dynamo.CommitStrategy
		// want is Snapshot's BatchGetItem plus Commit's writes: one
		// transaction, or one PutItem per key, one UpdateItem per claimed
		// account, one UpdateItem of the counter and one PutItem of the
		// lead.
		want int
	}{
		{"minidyn transactional", minidynEndpoint, dynamo.Transactional, 2},
		{"minidyn sequential", minidynEndpoint, dynamo.Sequential, 6},
		{"dynalite sequential", testenv.Dynalite, dynamo.Sequential, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, counter := countingStore(t, c.endpoint(t), c.strategy)
			at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			counter.take()

			const leads = 10
			for i := range leads {
				routeLead(t, s, i, at.Add(time.Duration(i)*time.Minute))
			}

			counts, total := counter.take()
			if got := float64(total) / leads; got != float64(c.want) {
				t.Errorf("requests per lead = %.1f (%v), want %d", got, counts, c.want)
			}
		})
	}
}

func TestRequestsPerOutboxDelivery(t *testing.T) {
	s, counter := countingStore(t, testenv.Dynalite(t), dynamo.Sequential)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		routeLead(t, s, i, at.Add(time.Duration(i)*time.Minute))
	}
	counter.take()

	pending, err := s.Pending(t.Context(), 10)
	if err != nil {
		t.Fatalf("Pending = %v", err)
	}
	ids := make([]string, 0, len(pending))
	for _, rec := range pending {
		ids = append(ids, rec.Lead.ID)
	}
	if err := s.MarkWritten(t.Context(), ids, at.Add(time.Hour)); err != nil {
		t.Fatalf("MarkWritten = %v", err)
	}

	counts, total := counter.take()
	if counts["Query"] != 1 {
		t.Errorf("Query requests = %d, want 1 for Pending", counts["Query"])
	}
	if counts["UpdateItem"] != len(ids) {
		t.Errorf("UpdateItem requests = %d, want one per lead (%d)", counts["UpdateItem"], len(ids))
	}
	if total != 1+len(ids) {
		t.Errorf("requests = %d (%v), want %d", total, counts, 1+len(ids))
	}
}

// putOrphanKey writes what a sequential Commit leaves when its process dies
// after it took an idempotency key: a key naming a lead that was never
// stored, claimed at claimedAt.
func putOrphanKey(t *testing.T, client *dynamodb.Client, table, key, leadID string, receivedAt, claimedAt time.Time) {
	t.Helper()
	heldUntil := receivedAt.Add(store.IdempotencyTTL)
	_, err := client.PutItem(t.Context(), &dynamodb.PutItemInput{
		TableName: aws.String(table),
		Item: map[string]types.AttributeValue{
			"pk":            &types.AttributeValueMemberS{Value: "IDEM#" + key},
			"lead_id":       &types.AttributeValueMemberS{Value: leadID},
			"held_until_ns": &types.AttributeValueMemberN{Value: strconv.FormatInt(heldUntil.UnixNano(), 10)},
			"expires_at":    &types.AttributeValueMemberN{Value: strconv.FormatInt(heldUntil.Unix()+1, 10)},
			"claimed_at_ns": &types.AttributeValueMemberN{Value: strconv.FormatInt(claimedAt.UnixNano(), 10)},
		},
	})
	if err != nil {
		t.Fatalf("put orphan key: %v", err)
	}
}

func TestOrphanKeyRecovery(t *testing.T) {
	backends := []struct {
		name     string
		endpoint func(testing.TB) string
		strategy dynamo.CommitStrategy
	}{
		{"dynalite sequential", testenv.Dynalite, dynamo.Sequential},
		{"minidyn transactional", minidynEndpoint, dynamo.Transactional},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			client := testenv.DynamoClient(t, b.endpoint(t))
			table := newTable(t, client)
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			s := dynamo.New(client, table, dynamo.WithCommitStrategy(b.strategy),
				dynamo.WithClock(func() time.Time { return now }), dynamo.WithOrphanAge(time.Minute))
			putOrphanKey(t, client, table, "k-recent", "L-crashed-1", now, now.Add(-30*time.Second))
			putOrphanKey(t, client, table, "k-old", "L-crashed-2", now, now.Add(-2*time.Minute))

			snap, err := s.Snapshot(t.Context(), store.Query{IdempotencyKeys: []string{"k-recent", "k-old"}, Now: now})
			if err != nil {
				t.Fatalf("Snapshot = %v", err)
			}
			if snap.Duplicate != nil {
				t.Errorf("Duplicate = %s, want none because orphaned keys name no stored lead", snap.Duplicate.Lead.ID)
			}

			err = s.Commit(t.Context(), store.Record{Lead: lead.Lead{ID: "L-1", ReceivedAt: now}, IdempotencyKeys: []string{"k-recent"}})
			var dup *store.DuplicateError
			if !errors.Is(err, store.ErrConflict) || errors.As(err, &dup) {
				t.Errorf("Commit on a recent claim = %v, want ErrConflict that is no DuplicateError, because that commit may still run", err)
			}

			err = s.Commit(t.Context(), store.Record{Lead: lead.Lead{ID: "L-2", ReceivedAt: now}, IdempotencyKeys: []string{"k-old"}})
			if err != nil {
				t.Fatalf("Commit on an old claim = %v, want nil because the key is taken over", err)
			}
			snap, err = s.Snapshot(t.Context(), store.Query{IdempotencyKeys: []string{"k-old"}, Now: now})
			if err != nil {
				t.Fatalf("Snapshot = %v", err)
			}
			if snap.Duplicate == nil || snap.Duplicate.Lead.ID != "L-2" {
				t.Errorf("Duplicate for k-old = %v, want L-2", snap.Duplicate)
			}
		})
	}
}

func TestTransactionalOnDynaliteIsInvalid(t *testing.T) {
	client := testenv.DynamoClient(t, testenv.Dynalite(t))
	s := dynamo.New(client, newTable(t, client))

	err := s.Commit(t.Context(), store.Record{Lead: lead.Lead{ID: "L-1", ReceivedAt: time.Now()}})

	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Commit error = %v, want ErrInvalid because dynalite 4 has no TransactWriteItems", err)
	}
}

func TestRequestsPerRepeatedSubmission(t *testing.T) {
	s, counter := countingStore(t, minidynEndpoint(t), dynamo.Transactional)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	routeLead(t, s, 1, at)
	counter.take()

	snap, err := s.Snapshot(t.Context(), store.Query{IdempotencyKeys: []string{"submission:L-0001"}, Reps: []string{"rep-a"}, Now: at})
	if err != nil {
		t.Fatalf("Snapshot = %v", err)
	}

	if snap.Duplicate == nil || snap.Duplicate.Lead.ID != "L-0001" {
		t.Errorf("Duplicate = %v, want L-0001", snap.Duplicate)
	}
	counts, total := counter.take()
	if counts["BatchGetItem"] != 1 || counts["GetItem"] != 1 || total != 2 {
		t.Errorf("requests = %v, want one BatchGetItem and one GetItem", counts)
	}
}
