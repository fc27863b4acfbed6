// Package dynamo implements store.Store on one Amazon DynamoDB table with
// aws-sdk-go-v2, for production.
//
// The table has a string partition key "pk" and no sort key. The key's
// prefix distinguishes the item kinds: LEAD#<lead id>, IDEM#<idempotency
// key>, ACCT#<account key> and REP#<rep id>. A sparse global secondary index,
// "outbox", holds only leads whose sheet row is not yet written, ordered by
// reception time, so Pending is one Query. infra/dynamodb.md documents the
// design, the request counts and which test backend covers what.
//
// SDK errors become store error kinds in one place, mapError.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"github.com/leadrouter/leadrouter/shared/store"
)

// CommitStrategy selects how Commit writes a lead, its keys and its
// reservation.
type CommitStrategy int

const (
	// Transactional writes everything in one TransactWriteItems request.
	// It is the default and needs a backend with transactions (DynamoDB,
	// minidyn; not dynalite 4).
	Transactional CommitStrategy = iota
	// Sequential writes with single-item conditional requests in an order
	// that never stores a lead without its reservation and undoes the
	// earlier steps when a later one fails. Commit.go describes what a crash
	// between the steps leaves behind.
	Sequential
)

func (c CommitStrategy) String() string {
	switch c {
	case Transactional:
		return "transactional"
	case Sequential:
		return "sequential"
	}
	return fmt.Sprintf("CommitStrategy(%d)", int(c))
}

// Store is the DynamoDB store. It is safe for concurrent use.
type Store struct {
	client   *dynamodb.Client
	table    string
	strategy CommitStrategy
	now      func() time.Time
	// orphanAge is the minimum age of a claim on an idempotency key whose
	// lead does not exist before Commit takes the key over.
	orphanAge time.Duration
}

var _ store.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithCommitStrategy selects how Commit writes; the default is
// Transactional.
func WithCommitStrategy(c CommitStrategy) Option {
	return func(s *Store) { s.strategy = c }
}

// WithClock replaces time.Now as the source of wall-clock time, which dates
// claims on idempotency keys.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithOrphanAge sets how long a claim on an idempotency key whose lead does
// not exist is taken for a commit still in progress. After it, Commit takes
// the key over. The default is DefaultOrphanAge.
func WithOrphanAge(d time.Duration) Option {
	return func(s *Store) { s.orphanAge = d }
}

// DefaultOrphanAge is longer than any Commit takes: a few requests, each
// bounded by the SDK's timeouts and retries, inside a Lambda invocation of
// at most 15 minutes.
const DefaultOrphanAge = 15 * time.Minute

// New returns a store on table through client. The table must exist with
// the layout CreateTable makes.
func New(client *dynamodb.Client, table string, opts ...Option) *Store {
	s := &Store{
		client:    client,
		table:     table,
		strategy:  Transactional,
		now:       time.Now,
		orphanAge: DefaultOrphanAge,
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Key prefixes of the item kinds.
const (
	prefixLead    = "LEAD#"
	prefixKey     = "IDEM#"
	prefixAccount = "ACCT#"
	prefixRep     = "REP#"
)

// mapError turns an SDK error into a store error kind, wrapped with the
// operation and the key: `dynamo: reserve "rep-a": capacity full: ...`.
// onCondition is the kind a failed condition means for this operation;
// nil means ErrConflict.
func mapError(op, key string, err error, onCondition error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("dynamo: %s %q: %w", op, key, err)
	}

	var kind error
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "ConditionalCheckFailedException":
			kind = onCondition
			if kind == nil {
				kind = store.ErrConflict
			}
		case "TransactionConflictException", "TransactionCanceledException":
			kind = store.ErrConflict
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
			kind = store.ErrThrottled
		case "ResourceNotFoundException":
			kind = store.ErrNotFound
		case "ValidationException", "ItemCollectionSizeLimitExceededException":
			kind = store.ErrInvalid
		case "UnknownOperationException":
			kind = store.ErrInvalid
			err = fmt.Errorf("%w (the backend lacks this operation; dynalite 4 has no transactions, so use WithCommitStrategy(Sequential) there)", err)
		}
	}
	if kind == nil {
		return fmt.Errorf("dynamo: %s %q: %w", op, key, err)
	}
	return fmt.Errorf("dynamo: %s %q: %w: %w", op, key, kind, err)
}

// errorCode returns the API error code of err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
