package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/leadrouter/leadrouter/shared/store"
)

// batchGetLimit is the most keys one BatchGetItem request may carry.
const batchGetLimit = 100

// unprocessedRetries bounds the retries of keys that BatchGetItem left
// unprocessed, which DynamoDB does under load instead of failing.
const unprocessedRetries = 8

// Snapshot reads the queried keys, accounts and reps with one BatchGetItem
// request (one per 100 keys), and the duplicate's lead with one GetItem
// when an idempotency key is held.
func (s *Store) Snapshot(ctx context.Context, q store.Query) (store.Snapshot, error) {
	snap := store.Snapshot{State: store.NewState()}
	now := q.QueryTime()

	idemKeys := store.Unique(q.IdempotencyKeys)
	var pks []string
	for _, k := range idemKeys {
		pks = append(pks, prefixKey+k)
	}
	for _, k := range store.Unique(q.AccountKeys) {
		pks = append(pks, prefixAccount+k)
	}
	for _, r := range store.Unique(q.Reps) {
		pks = append(pks, prefixRep+r)
	}
	if err := validateKeys(pks); err != nil {
		return snap, fmt.Errorf("dynamo: snapshot: %w", err)
	}

	items, err := s.batchGet(ctx, pks)
	if err != nil {
		return store.Snapshot{State: store.NewState()}, err
	}

	for _, k := range idemKeys {
		av, ok := items[prefixKey+k]
		if !ok {
			continue
		}
		rec, err := s.holder(ctx, k, av, now)
		if err != nil {
			return store.Snapshot{State: store.NewState()}, err
		}
		if rec != nil {
			snap.Duplicate = rec
			break
		}
	}

	for pk, av := range items {
		switch {
		case strings.HasPrefix(pk, prefixAccount):
			var o ownerItem
			if err := attributevalue.UnmarshalMap(av, &o); err != nil {
				return store.Snapshot{State: store.NewState()}, fmt.Errorf("dynamo: snapshot: decode %q: %w", pk, err)
			}
			key := strings.TrimPrefix(pk, prefixAccount)
			snap.State.Owners[key] = o.Rep
			if o.Customer {
				snap.State.Customers[key] = o.Rep
			}
		case strings.HasPrefix(pk, prefixRep):
			var r repItem
			if err := attributevalue.UnmarshalMap(av, &r); err != nil {
				return store.Snapshot{State: store.NewState()}, fmt.Errorf("dynamo: snapshot: decode %q: %w", pk, err)
			}
			rep := strings.TrimPrefix(pk, prefixRep)
			snap.State.Active[rep] = r.Active
			if len(r.Absences) > 0 {
				snap.State.Absences[rep] = r.absences()
			}
		}
	}
	return snap, nil
}

// holder returns the lead that holds idempotency key k at now, or nil when
// the key has expired or names a lead that does not exist (a Commit still
// in progress, or one that died between its writes).
func (s *Store) holder(ctx context.Context, k string, av map[string]types.AttributeValue, now time.Time) (*store.Record, error) {
	claim, err := decodeKey(av)
	if err != nil {
		return nil, fmt.Errorf("dynamo: snapshot: idempotency key %q: %w", k, err)
	}
	if now.UnixNano() >= claim.HeldUntil {
		return nil, nil
	}

	rec, err := s.Lead(ctx, claim.LeadID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// batchGet reads the items with these partition keys by strongly consistent
// BatchGetItem requests and returns those that exist, by partition key.
func (s *Store) batchGet(ctx context.Context, pks []string) (map[string]map[string]types.AttributeValue, error) {
	found := make(map[string]map[string]types.AttributeValue, len(pks))
	for start := 0; start < len(pks); start += batchGetLimit {
		chunk := pks[start:min(start+batchGetLimit, len(pks))]
		keys := make([]map[string]types.AttributeValue, 0, len(chunk))
		for _, pk := range chunk {
			keys = append(keys, keyOf(pk))
		}
		request := map[string]types.KeysAndAttributes{
			s.table: {Keys: keys, ConsistentRead: aws.Bool(true)},
		}

		for attempt := 0; len(request) > 0; attempt++ {
			if attempt > unprocessedRetries {
				return nil, fmt.Errorf("dynamo: snapshot %q: %w: %d keys still unprocessed after %d retries",
					s.table, store.ErrThrottled, len(request[s.table].Keys), unprocessedRetries)
			}
			if attempt > 0 {
				if err := backoff(ctx, attempt); err != nil {
					return nil, fmt.Errorf("dynamo: snapshot %q: %w", s.table, err)
				}
			}

			out, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: request})
			if err != nil {
				return nil, mapError("snapshot", s.table, err, nil)
			}
			for _, av := range out.Responses[s.table] {
				if pk, ok := av[attrPK].(*types.AttributeValueMemberS); ok {
					found[pk.Value] = av
				}
			}
			request = out.UnprocessedKeys
		}
	}
	return found, nil
}

// backoff waits 10ms doubled per attempt, capped at one second.
func backoff(ctx context.Context, attempt int) error {
	wait := min(10*time.Millisecond<<min(attempt, 10), time.Second)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// Lead reads one lead with a strongly consistent GetItem.
func (s *Store) Lead(ctx context.Context, id string) (store.Record, error) {
	if id == "" {
		return store.Record{}, fmt.Errorf("dynamo: lead %q: %w: lead id is empty", id, store.ErrInvalid)
	}

	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            keyOf(prefixLead + id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return store.Record{}, mapError("lead", id, err, nil)
	}
	if out.Item == nil {
		return store.Record{}, fmt.Errorf("dynamo: lead %q: %w", id, store.ErrNotFound)
	}

	rec, err := decodeLead(out.Item)
	if err != nil {
		return store.Record{}, fmt.Errorf("dynamo: lead %q: %w", id, err)
	}
	return rec, nil
}

// maxKeyBytes is DynamoDB's limit on a partition key value.
const maxKeyBytes = 2048

// validateKeys rejects partition keys DynamoDB would reject, with a message
// that names the key.
func validateKeys(pks []string) error {
	for _, pk := range pks {
		if len(pk) > maxKeyBytes {
			return fmt.Errorf("%w: key %.40q... is %d bytes with its prefix, over the %d-byte limit", store.ErrInvalid, pk, len(pk), maxKeyBytes)
		}
	}
	return nil
}
