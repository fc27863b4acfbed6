package dynamo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/leadrouter/leadrouter/shared/store"
)

func TestMapErrorKinds(t *testing.T) {
	cases := []struct {
		code        string
		onCondition error
		want        error
	}{
		{"ConditionalCheckFailedException", nil, store.ErrConflict},
		{"ConditionalCheckFailedException", store.ErrFull, store.ErrFull},
		{"TransactionConflictException", nil, store.ErrConflict},
		{"ProvisionedThroughputExceededException", nil, store.ErrThrottled},
		{"ThrottlingException", nil, store.ErrThrottled},
		{"RequestLimitExceeded", nil, store.ErrThrottled},
		{"ResourceNotFoundException", nil, store.ErrNotFound},
		{"ValidationException", nil, store.ErrInvalid},
		{"UnknownOperationException", nil, store.ErrInvalid},
	}
	for _, c := range cases {
		apiErr := &smithy.GenericAPIError{Code: c.code, Message: "from the backend"}

		err := mapError("reserve", "rep-a", apiErr, c.onCondition)

		if !errors.Is(err, c.want) {
			t.Errorf("%s: mapError = %v, want it to match %v", c.code, err, c.want)
		}
		if !strings.HasPrefix(err.Error(), `dynamo: reserve "rep-a": `) {
			t.Errorf("%s: mapError = %q, want the prefix naming operation and key", c.code, err)
		}
		var got smithy.APIError
		if !errors.As(err, &got) || got.ErrorCode() != c.code {
			t.Errorf("%s: mapError = %v, want the SDK error kept in the chain", c.code, err)
		}
	}
}

func TestMapErrorUnknownCodeHasNoKind(t *testing.T) {
	err := mapError("lead", "L-1", &smithy.GenericAPIError{Code: "InternalServerError"}, nil)

	for _, kind := range []error{store.ErrConflict, store.ErrFull, store.ErrThrottled, store.ErrNotFound, store.ErrInvalid} {
		if errors.Is(err, kind) {
			t.Errorf("mapError = %v, want no store kind but it matches %v", err, kind)
		}
	}
}

func TestMapErrorKeepsContextErrors(t *testing.T) {
	err := mapError("lead", "L-1", context.DeadlineExceeded, nil)

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("mapError = %v, want context.DeadlineExceeded kept", err)
	}
}

func TestMapErrorNil(t *testing.T) {
	if err := mapError("lead", "L-1", nil, nil); err != nil {
		t.Errorf("mapError(nil) = %v, want nil", err)
	}
}
