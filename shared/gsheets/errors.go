package gsheets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"google.golang.org/api/googleapi"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// wrapError maps err from the API to a kind of package sheet and wraps it
// with the operation, keeping err in the chain for errors.As:
//
//   - 429 is ErrThrottled.
//   - 408, 5xx, time-outs and dropped connections are ErrUnavailable.
//   - 404, and a 400 about a range that names a missing tab, are ErrNotFound.
//   - Other 4xx (400 bad request, 401, 403 permission denied) are ErrInvalid.
//
// A cancelled context gets no kind.
func wrapError(operation string, err error) error {
	kind := errorKind(err)
	if kind == nil {
		return fmt.Errorf("gsheets: %s: %w", operation, err)
	}
	return fmt.Errorf("gsheets: %s: %w: %w", operation, kind, err)
}

func errorKind(err error) error {
	var apiErr *googleapi.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Code == http.StatusTooManyRequests:
			return sheet.ErrThrottled
		case apiErr.Code == http.StatusRequestTimeout || apiErr.Code >= 500:
			return sheet.ErrUnavailable
		case apiErr.Code == http.StatusNotFound:
			return sheet.ErrNotFound
		case apiErr.Code == http.StatusBadRequest && strings.Contains(apiErr.Message, "Unable to parse range"):
			return sheet.ErrNotFound
		case apiErr.Code >= 400:
			return sheet.ErrInvalid
		}
		return nil
	}

	if errors.Is(err, context.Canceled) {
		return nil
	}

	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return sheet.ErrUnavailable
	}

	var opErr *net.OpError
	if errors.As(err, &opErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return sheet.ErrUnavailable
	}
	return nil
}
