package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/leadrouter/leadrouter/shared/store"
)

// Pending queries the outbox index, oldest first. It costs one Query
// request per megabyte of results.
//
// NOTE: DynamoDB updates a global secondary index asynchronously, so a lead
// committed or marked a moment ago may be missing from or still in the
// result. The outbox is delivered at least once either way; the sheet
// writer identifies rows by Lead ID. minidyn and dynalite update the index
// synchronously, so no test here sees that delay.
func (s *Store) Pending(ctx context.Context, limit int) ([]store.Record, error) {
	if limit < 1 {
		return nil, fmt.Errorf("dynamo: pending %d: %w: limit must be at least 1", limit, store.ErrInvalid)
	}

	var out []store.Record
	var start map[string]types.AttributeValue
	for {
		page, err := s.client.Query(ctx, &dynamodb.QueryInput{
			TableName:              aws.String(s.table),
			IndexName:              aws.String(outboxIndex),
			KeyConditionExpression: aws.String("outbox = :pending"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pending": &types.AttributeValueMemberS{Value: outboxPending},
			},
			ScanIndexForward:  aws.Bool(true),
			Limit:             aws.Int32(int32(min(limit-len(out), 1000))),
			ExclusiveStartKey: start,
		})
		if err != nil {
			return nil, mapError("pending", s.table, err, nil)
		}

		for _, item := range page.Items {
			rec, err := decodeLead(item)
			if err != nil {
				return nil, fmt.Errorf("dynamo: pending %d: %w", limit, err)
			}
			out = append(out, rec)
		}
		start = page.LastEvaluatedKey
		if len(start) == 0 || len(out) >= limit {
			return out, nil
		}
	}
}

// MarkWritten sets sheet_written_at and removes the lead from the outbox
// index with one conditional UpdateItem per id, which skips unknown ids and
// leads already marked.
func (s *Store) MarkWritten(ctx context.Context, ids []string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("dynamo: mark %d leads written: %w: time is zero", len(ids), store.ErrInvalid)
	}
	written := &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339Nano)}

	for _, id := range store.Unique(ids) {
		if id == "" {
			continue
		}
		_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String(s.table),
			Key:                       keyOf(prefixLead + id),
			UpdateExpression:          aws.String("REMOVE outbox, outbox_order SET sheet_written_at = :at"),
			ConditionExpression:       aws.String("attribute_exists(pk) AND attribute_not_exists(sheet_written_at)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":at": written},
		})
		if errorCode(err) == "ConditionalCheckFailedException" {
			continue
		}
		if err != nil {
			return mapError("mark written", id, err, nil)
		}
	}
	return nil
}
