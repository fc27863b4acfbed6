package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// SetOwner puts the ACCT# item, replacing any owner.
func (s *Store) SetOwner(ctx context.Context, accountKey string, o store.Owner) error {
	av, err := s.encodeOwner(accountKey, o)
	if err != nil {
		return fmt.Errorf("dynamo: set owner of %q: %w", accountKey, err)
	}

	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av})
	if err != nil {
		return mapError("set owner of", accountKey, err, nil)
	}
	return nil
}

// ClaimOwner puts the ACCT# item only if it does not exist. When it does, a
// consistent GetItem reads the owner to return.
func (s *Store) ClaimOwner(ctx context.Context, accountKey string, o store.Owner) (store.Owner, error) {
	av, err := s.encodeOwner(accountKey, o)
	if err != nil {
		return store.Owner{}, fmt.Errorf("dynamo: claim %q for %q: %w", accountKey, o.Rep, err)
	}

	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(s.table),
		Item:                av,
		ConditionExpression: aws.String(condNew),
	})
	if err == nil {
		return o, nil
	}
	if errorCode(err) != "ConditionalCheckFailedException" {
		return store.Owner{}, mapError("claim", accountKey, err, nil)
	}

	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            keyOf(prefixAccount + accountKey),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return store.Owner{}, mapError("read owner of", accountKey, err, nil)
	}
	var existing ownerItem
	if err := attributevalue.UnmarshalMap(out.Item, &existing); err != nil {
		return store.Owner{}, fmt.Errorf("dynamo: claim %q: decode owner: %w", accountKey, err)
	}
	return existing.owner(), fmt.Errorf("dynamo: claim %q for %q: %w: owned by %q", accountKey, o.Rep, store.ErrConflict, existing.Rep)
}

func (s *Store) encodeOwner(accountKey string, o store.Owner) (map[string]types.AttributeValue, error) {
	if err := o.Validate(accountKey); err != nil {
		return nil, err
	}
	if err := validateKeys([]string{prefixAccount + accountKey}); err != nil {
		return nil, err
	}
	item := ownerItem{PK: prefixAccount + accountKey, Rep: o.Rep, Customer: o.Customer, Since: o.Since.UTC(), Reason: o.Reason}
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return nil, fmt.Errorf("encode owner: %w", err)
	}
	return av, nil
}

// Release decrements the counter on the condition that it is above zero.
// A failed condition means the rep is at zero or unknown, which is no error.
func (s *Store) Release(ctx context.Context, rep string) error {
	if err := store.ValidateRep(rep); err != nil {
		return fmt.Errorf("dynamo: release: %w", err)
	}
	return s.release(ctx, rep)
}

func (s *Store) release(ctx context.Context, rep string) error {
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 keyOf(prefixRep + rep),
		UpdateExpression:    aws.String("SET active = active - :one"),
		ConditionExpression: aws.String("active > :zero"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":  number(1),
			":zero": number(0),
		},
	})
	if errorCode(err) == "ConditionalCheckFailedException" {
		return nil
	}
	if err != nil {
		return mapError("release", rep, err, nil)
	}
	return nil
}

// SetActive sets the counter, creating the REP# item if needed and keeping
// its absences.
func (s *Store) SetActive(ctx context.Context, rep string, n int) error {
	if err := store.ValidateRep(rep); err != nil {
		return fmt.Errorf("dynamo: set active: %w", err)
	}
	if n < 0 {
		return fmt.Errorf("dynamo: set active of %q to %d: %w: count must be 0 or more", rep, n, store.ErrInvalid)
	}

	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       keyOf(prefixRep + rep),
		UpdateExpression:          aws.String("SET active = :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": number(int64(n))},
	})
	if err != nil {
		return mapError("set active of", rep, err, nil)
	}
	return nil
}

// SetAbsences replaces the absences attribute, keeping the counter. A rep
// that never had a count gets active 0, so that it appears in Snapshot.
func (s *Store) SetAbsences(ctx context.Context, rep string, absences []routing.Absence) error {
	if err := store.ValidateAbsences(rep, absences); err != nil {
		return fmt.Errorf("dynamo: set absences of %q: %w", rep, err)
	}

	// An empty list clears the absences. SET replaces the attribute even
	// on minidyn 0.8.2, which ignores REMOVE.
	av, err := encodeAbsences(absences)
	if err != nil {
		return fmt.Errorf("dynamo: set absences of %q: %w", rep, err)
	}
	in := &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.table),
		Key:              keyOf(prefixRep + rep),
		UpdateExpression: aws.String("SET active = if_not_exists(active, :zero), absences = :absences"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero":     number(0),
			":absences": av,
		},
	}

	_, err = s.client.UpdateItem(ctx, in)
	if err != nil {
		return mapError("set absences of", rep, err, nil)
	}
	return nil
}
