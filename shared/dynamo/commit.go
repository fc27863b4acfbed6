package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// maxTransactionActions is the most actions one TransactWriteItems request
// takes. maxTransactionKeys leaves room for the lead and the counter.
const (
	maxTransactionActions = 100
	maxTransactionKeys    = maxTransactionActions - 2
)

// conflictRetries bounds the retries of a transaction that DynamoDB
// cancelled because another transaction was writing the same items.
const conflictRetries = 6

// undoTimeout bounds the requests that undo a failed sequential Commit,
// which run even when the caller's context is done.
const undoTimeout = 10 * time.Second

// Conditions. A key is free when absent or expired relative to the new
// lead's reception; a reservation fits while the count is below the limit.
const (
	condNew       = "attribute_not_exists(pk)"
	condKeyFree   = "attribute_not_exists(pk) OR held_until_ns <= :received"
	condFits      = "attribute_not_exists(active) OR active < :limit"
	updateReserve = "SET active = if_not_exists(active, :zero) + :one"
	// updateClaim writes each owner attribute only where the item has
	// none, so on an account the claiming rep owns it changes nothing. It
	// relies on SetOwner writing every attribute, reason included.
	// condClaim fails it on an account owned by another rep.
	updateClaim = "SET #rep = if_not_exists(#rep, :rep), #customer = if_not_exists(#customer, :customer), " +
		"#since = if_not_exists(#since, :since), #reason = if_not_exists(#reason, :reason)"
	condClaim = "attribute_not_exists(#rep) OR #rep = :rep"
)

// Commit stores rec, takes its idempotency keys and applies its reservation
// with the store's commit strategy.
func (s *Store) Commit(ctx context.Context, rec store.Record) error {
	id := rec.Lead.ID
	if err := rec.Validate(); err != nil {
		return fmt.Errorf("dynamo: commit %q: %w", id, err)
	}
	keys := rec.UniqueKeys()
	pks := []string{prefixLead + id, prefixRep + rec.Decision.Reservation.Rep}
	for _, k := range keys {
		pks = append(pks, prefixKey+k)
	}
	if err := validateKeys(pks); err != nil {
		return fmt.Errorf("dynamo: commit %q: %w", id, err)
	}

	claims := claimableKeys(rec.UniqueClaims())

	if s.strategy == Sequential {
		return s.commitSequential(ctx, rec, keys, claims)
	}
	if len(keys) > maxTransactionKeys {
		return fmt.Errorf("dynamo: commit %q: %w: %d idempotency keys, over the %d one transaction can take",
			id, store.ErrInvalid, len(keys), maxTransactionKeys)
	}
	// Claims take the actions left over; intake claims at most two keys.
	// NOTE: claims past the room left are neither checked nor written.
	if room := maxTransactionKeys - len(keys); len(claims) > room {
		claims = claims[:room]
	}
	return s.commitTransaction(ctx, rec, keys, claims)
}

// claimableKeys returns the account keys whose item key fits DynamoDB's
// limit. Commit skips the others: Snapshot rejects such keys, so no item
// can hold an owner for them.
func claimableKeys(accounts []string) []string {
	out := make([]string, 0, len(accounts))
	for _, k := range accounts {
		if validateKeys([]string{prefixAccount + k}) == nil {
			out = append(out, k)
		}
	}
	return out
}

// commitTransaction writes the lead, its keys, the counter and the account
// claims in one TransactWriteItems request. The first action is the lead,
// then one per key, then the counter, then one per claim; cancellation
// reasons come back in that order.
func (s *Store) commitTransaction(ctx context.Context, rec store.Record, keys, claims []string) error {
	id := rec.Lead.ID
	leadAV, err := encodeLead(rec)
	if err != nil {
		return fmt.Errorf("dynamo: commit %q: %w", id, err)
	}
	received := number(rec.Lead.ReceivedAt.UnixNano())

	// A takeover of an orphaned key (see resolveHeldKey) is followed by
	// one more attempt.
attempts:
	for attempt := 0; ; attempt++ {
		actions := []types.TransactWriteItem{{Put: &types.Put{
			TableName:           aws.String(s.table),
			Item:                leadAV,
			ConditionExpression: aws.String(condNew),
		}}}
		for _, k := range keys {
			keyAV, err := encodeKey(k, id, rec.Lead.ReceivedAt, s.now())
			if err != nil {
				return fmt.Errorf("dynamo: commit %q: %w", id, err)
			}
			actions = append(actions, types.TransactWriteItem{Put: &types.Put{
				TableName:                 aws.String(s.table),
				Item:                      keyAV,
				ConditionExpression:       aws.String(condKeyFree),
				ExpressionAttributeValues: map[string]types.AttributeValue{":received": received},
			}})
		}
		res := rec.Decision.Reservation
		if res.Rep != "" {
			actions = append(actions, types.TransactWriteItem{Update: s.reserveUpdate(res)})
		}
		for _, k := range claims {
			actions = append(actions, types.TransactWriteItem{Update: s.claimUpdate(k, rec.Claim())})
		}

		err := s.transact(ctx, actions)
		if err == nil {
			return nil
		}
		var canceled *types.TransactionCanceledException
		if !errors.As(err, &canceled) {
			return mapError("commit", id, err, nil)
		}
		reasons := canceled.CancellationReasons
		failed := func(i int) bool {
			return i < len(reasons) && aws.ToString(reasons[i].Code) == "ConditionalCheckFailed"
		}

		// Keys are resolved first, so that a retried Commit of a stored
		// lead gets a *DuplicateError naming it.
		for i, k := range keys {
			if !failed(1 + i) {
				continue
			}
			retry, err := s.resolveHeldKey(ctx, id, k)
			if err != nil {
				return fmt.Errorf("dynamo: commit %q: %w", id, err)
			}
			if retry && attempt == 0 {
				continue attempts
			}
			return fmt.Errorf("dynamo: commit %q: %w: idempotency key %q changed while it was checked; retry", id, store.ErrConflict, k)
		}
		if failed(0) {
			return s.storedLeadConflict(ctx, rec, keys)
		}
		first := 1 + len(keys)
		if res.Rep != "" {
			if failed(first) {
				return fmt.Errorf("dynamo: commit %q: reserve %q: %w: limit %d reached", id, res.Rep, store.ErrFull, res.Limit)
			}
			first++
		}
		for i, k := range claims {
			if failed(first + i) {
				owned := &store.OwnedError{Key: k, Owner: repOf(reasons[first+i].Item)}
				return fmt.Errorf("dynamo: commit %q: %w", id, owned)
			}
		}
		return mapError("commit", id, err, nil)
	}
}

// storedLeadConflict explains a failed condition on the lead item. minidyn
// 0.8.2 reports only the first failed condition of a transaction, so a
// retried Commit of a stored lead may show only the lead's failure; when the
// stored lead holds one of rec's keys, the result is the *DuplicateError
// that a key failure would have given.
func (s *Store) storedLeadConflict(ctx context.Context, rec store.Record, keys []string) error {
	id := rec.Lead.ID
	stored, err := s.Lead(ctx, id)
	if err != nil {
		return fmt.Errorf("dynamo: commit %q: %w: lead id is already stored, and reading it failed: %w", id, store.ErrConflict, err)
	}
	if rec.Lead.ReceivedAt.Before(store.HeldUntil(stored.Lead.ReceivedAt)) {
		for _, k := range keys {
			if slices.Contains(stored.IdempotencyKeys, k) {
				return fmt.Errorf("dynamo: commit %q: %w", id, &store.DuplicateError{Key: k, LeadID: id})
			}
		}
	}
	return fmt.Errorf("dynamo: commit %q: %w: lead id is already stored", id, store.ErrConflict)
}

// transact sends one TransactWriteItems request, and again after a short
// wait while DynamoDB cancels it only for conflicts with other transactions
// on the same items. Those conflicts say nothing about the conditions, so a
// retry finds out whether they hold.
func (s *Store) transact(ctx context.Context, actions []types.TransactWriteItem) error {
	for attempt := 0; ; attempt++ {
		_, err := s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: actions})
		var canceled *types.TransactionCanceledException
		if attempt >= conflictRetries || !errors.As(err, &canceled) || !onlyConflicts(canceled.CancellationReasons) {
			return err
		}
		if err := backoff(ctx, attempt+1); err != nil {
			return err
		}
	}
}

// onlyConflicts reports whether a cancellation has no failed condition and
// at least one TransactionConflict.
func onlyConflicts(reasons []types.CancellationReason) bool {
	conflict := false
	for _, r := range reasons {
		switch aws.ToString(r.Code) {
		case "TransactionConflict":
			conflict = true
		case "", "None":
		default:
			return false
		}
	}
	return conflict
}

func (s *Store) reserveUpdate(res routing.Reservation) *types.Update {
	u := &types.Update{
		TableName:        aws.String(s.table),
		Key:              keyOf(prefixRep + res.Rep),
		UpdateExpression: aws.String(updateReserve),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": number(0),
			":one":  number(1),
		},
	}
	if res.Limit > 0 {
		u.ConditionExpression = aws.String(condFits)
		u.ExpressionAttributeValues[":limit"] = number(int64(res.Limit))
	}
	return u
}

// claimUpdate sets owner on the ACCT# item of accountKey unless the item
// has one, and fails when another rep owns it; see updateClaim. The failed
// item comes back with the cancellation reason, so repOf can name the
// owner.
func (s *Store) claimUpdate(accountKey string, owner store.Owner) *types.Update {
	return &types.Update{
		TableName:                           aws.String(s.table),
		Key:                                 keyOf(prefixAccount + accountKey),
		UpdateExpression:                    aws.String(updateClaim),
		ConditionExpression:                 aws.String(condClaim),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ExpressionAttributeNames: map[string]string{
			"#rep": "rep", "#customer": "customer", "#since": "since", "#reason": "reason",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":rep":      &types.AttributeValueMemberS{Value: owner.Rep},
			":customer": &types.AttributeValueMemberBOOL{Value: owner.Customer},
			":since":    &types.AttributeValueMemberS{Value: owner.Since.UTC().Format(time.RFC3339Nano)},
			":reason":   &types.AttributeValueMemberS{Value: owner.Reason},
		},
	}
}

// repOf returns the rep attribute of an ACCT# item returned with a failed
// condition, or "" when the backend returned no item.
func repOf(item map[string]types.AttributeValue) string {
	if rep, ok := item["rep"].(*types.AttributeValueMemberS); ok {
		return rep.Value
	}
	return ""
}

// resolveHeldKey explains why idempotency key k could not be taken for lead
// id. It returns a *DuplicateError when the key's lead exists, and an
// ErrConflict while the lead is missing but the claim is younger than
// orphanAge, because that Commit may still be running. An older claim with
// no lead is left by a Commit that died between its writes. resolveHeldKey
// deletes it and returns retry true, so the caller tries once more.
func (s *Store) resolveHeldKey(ctx context.Context, id, k string) (retry bool, err error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            keyOf(prefixKey + k),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, mapError("read idempotency key", k, err, nil)
	}
	if out.Item == nil {
		// The key expired and was deleted, or its Commit was undone, since
		// the condition failed.
		return true, nil
	}
	claim, err := decodeKey(out.Item)
	if err != nil {
		return false, err
	}

	_, err = s.Lead(ctx, claim.LeadID)
	if err == nil {
		return false, &store.DuplicateError{Key: k, LeadID: claim.LeadID}
	}
	if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}

	claimedAt := time.Unix(0, claim.ClaimedAt)
	if age := s.now().Sub(claimedAt); age < s.orphanAge {
		return false, fmt.Errorf("%w: idempotency key %q is claimed by lead %q, whose commit started %s ago and has not stored it yet; retry later",
			store.ErrConflict, k, claim.LeadID, age.Round(time.Millisecond))
	}
	return true, s.takeOverOrphan(ctx, k, claim)
}

// takeOverOrphan deletes key k if it still carries the same orphaned claim.
func (s *Store) takeOverOrphan(ctx context.Context, k string, claim keyItem) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:           aws.String(s.table),
		Key:                 keyOf(prefixKey + k),
		ConditionExpression: aws.String("lead_id = :lead AND claimed_at_ns = :claimed"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":lead":    &types.AttributeValueMemberS{Value: claim.LeadID},
			":claimed": number(claim.ClaimedAt),
		},
	})
	if errorCode(err) == "ConditionalCheckFailedException" {
		// Another Commit took the key over first; the retry sees its claim.
		return nil
	}
	if err != nil {
		return mapError("delete orphaned idempotency key", k, err, nil)
	}
	return nil
}

// commitSequential writes without transactions, in this order:
//
//  1. each idempotency key, with a conditional Put that succeeds only if the
//     key is free; a held key stops the Commit before it reserves anything;
//  2. each account claim, with a conditional Update that succeeds only if
//     the account has no owner or is owned by the decision's owner; an
//     account owned by another rep stops the Commit with *store.OwnedError;
//  3. the reservation, with a conditional Update of the rep's counter;
//  4. the lead, with a Put that succeeds only if its id is new.
//
// A failure at any step undoes the earlier ones: the counter is
// decremented, and the keys and the accounts this Commit took are deleted.
// Concurrent Commits on the same key therefore see it held by a lead that
// is not stored yet, and get ErrConflict rather than a *DuplicateError.
//
// NOTE: the claims are not atomic with the lead. A Commit that loses a
// claim to one whose lead then fails gets *store.OwnedError for an
// account that ends up with no owner, and a Commit that finds its owner's
// claim in place keeps its lead when that claim is undone.
//
// A process that dies between the steps leaves keys that name a lead that
// does not exist, and possibly one reserved place. Snapshot ignores such
// keys. A later Commit of the same keys gets ErrConflict until the claim is
// older than orphanAge and then takes the keys over. The extra place stays
// counted until the sheet sync recounts the rep with SetActive.
func (s *Store) commitSequential(ctx context.Context, rec store.Record, keys, claims []string) error {
	id := rec.Lead.ID
	leadAV, err := encodeLead(rec)
	if err != nil {
		return fmt.Errorf("dynamo: commit %q: %w", id, err)
	}

	var taken, claimed []string
	var reserved string
	undo := func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
		defer cancel()
		// NOTE: an undo that fails leaves the same residue as a crash,
		// which the recovery described above clears, except for a claimed
		// account, which keeps its owner.
		if reserved != "" {
			_ = s.release(ctx, reserved)
		}
		for _, k := range claimed {
			_ = s.dropClaim(ctx, k, rec.Claim())
		}
		for _, k := range taken {
			_ = s.dropKey(ctx, k, id)
		}
	}

	for _, k := range keys {
		err := s.claimKey(ctx, rec, k)
		if err != nil {
			undo()
			return fmt.Errorf("dynamo: commit %q: %w", id, err)
		}
		taken = append(taken, k)
	}

	for _, k := range claims {
		created, err := s.claimAccount(ctx, k, rec.Claim())
		if err != nil {
			undo()
			return fmt.Errorf("dynamo: commit %q: %w", id, err)
		}
		if created {
			claimed = append(claimed, k)
		}
	}

	if res := rec.Decision.Reservation; res.Rep != "" {
		u := s.reserveUpdate(res)
		_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 u.TableName,
			Key:                       u.Key,
			UpdateExpression:          u.UpdateExpression,
			ConditionExpression:       u.ConditionExpression,
			ExpressionAttributeValues: u.ExpressionAttributeValues,
		})
		if err != nil {
			undo()
			if errorCode(err) == "ConditionalCheckFailedException" {
				return fmt.Errorf("dynamo: commit %q: reserve %q: %w: limit %d reached", id, res.Rep, store.ErrFull, res.Limit)
			}
			return mapError("commit: reserve", res.Rep, err, store.ErrFull)
		}
		reserved = res.Rep
	}

	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(s.table),
		Item:                leadAV,
		ConditionExpression: aws.String(condNew),
	})
	if err != nil {
		undo()
		if errorCode(err) == "ConditionalCheckFailedException" {
			return fmt.Errorf("dynamo: commit %q: %w: lead id is already stored", id, store.ErrConflict)
		}
		return mapError("commit", id, err, nil)
	}
	return nil
}

// claimAccount sets owner on the ACCT# item of accountKey with the
// transaction's claim update, in one request. It returns created true when
// the item had no owner before, so that an undo may delete it, and a
// *store.OwnedError when another rep owns the account.
func (s *Store) claimAccount(ctx context.Context, accountKey string, owner store.Owner) (created bool, err error) {
	u := s.claimUpdate(accountKey, owner)
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                           u.TableName,
		Key:                                 u.Key,
		UpdateExpression:                    u.UpdateExpression,
		ConditionExpression:                 u.ConditionExpression,
		ExpressionAttributeNames:            u.ExpressionAttributeNames,
		ExpressionAttributeValues:           u.ExpressionAttributeValues,
		ReturnValues:                        types.ReturnValueAllOld,
		ReturnValuesOnConditionCheckFailure: u.ReturnValuesOnConditionCheckFailure,
	})

	if errorCode(err) == "ConditionalCheckFailedException" {
		owned := &store.OwnedError{Key: accountKey}
		var failed *types.ConditionalCheckFailedException
		if errors.As(err, &failed) {
			owned.Owner = repOf(failed.Item)
		}
		return false, owned
	}
	if err != nil {
		return false, mapError("claim account", accountKey, err, nil)
	}
	_, owned := out.Attributes["rep"]
	return !owned, nil
}

// dropClaim deletes the ACCT# item of accountKey if it still carries the
// owner that this Commit's claim set.
func (s *Store) dropClaim(ctx context.Context, accountKey string, owner store.Owner) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                aws.String(s.table),
		Key:                      keyOf(prefixAccount + accountKey),
		ConditionExpression:      aws.String("#rep = :rep AND #since = :since AND #reason = :reason"),
		ExpressionAttributeNames: map[string]string{"#rep": "rep", "#since": "since", "#reason": "reason"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":rep":    &types.AttributeValueMemberS{Value: owner.Rep},
			":since":  &types.AttributeValueMemberS{Value: owner.Since.UTC().Format(time.RFC3339Nano)},
			":reason": &types.AttributeValueMemberS{Value: owner.Reason},
		},
	})
	if err != nil && errorCode(err) != "ConditionalCheckFailedException" {
		return mapError("delete claim of account", accountKey, err, nil)
	}
	return nil
}

// claimKey takes idempotency key k for rec with a conditional Put.
func (s *Store) claimKey(ctx context.Context, rec store.Record, k string) error {
	for orphanRetry := 0; ; orphanRetry++ {
		keyAV, err := encodeKey(k, rec.Lead.ID, rec.Lead.ReceivedAt, s.now())
		if err != nil {
			return err
		}

		_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                 aws.String(s.table),
			Item:                      keyAV,
			ConditionExpression:       aws.String(condKeyFree),
			ExpressionAttributeValues: map[string]types.AttributeValue{":received": number(rec.Lead.ReceivedAt.UnixNano())},
		})
		if err == nil {
			return nil
		}
		if errorCode(err) != "ConditionalCheckFailedException" {
			return mapError("claim idempotency key", k, err, nil)
		}

		retry, err := s.resolveHeldKey(ctx, rec.Lead.ID, k)
		if err != nil {
			return err
		}
		if !retry || orphanRetry > 0 {
			return fmt.Errorf("%w: idempotency key %q changed while it was checked; retry", store.ErrConflict, k)
		}
	}
}

// dropKey deletes idempotency key k if lead id still holds it.
func (s *Store) dropKey(ctx context.Context, k, id string) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.table),
		Key:                       keyOf(prefixKey + k),
		ConditionExpression:       aws.String("lead_id = :lead"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":lead": &types.AttributeValueMemberS{Value: id}},
	})
	if err != nil && errorCode(err) != "ConditionalCheckFailedException" {
		return mapError("delete idempotency key", k, err, nil)
	}
	return nil
}
