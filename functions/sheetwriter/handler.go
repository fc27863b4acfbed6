package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/rs/zerolog"

	"github.com/leadrouter/leadrouter/shared/logging"
	"github.com/leadrouter/leadrouter/shared/store"
)

// leadStore is the store call the handler makes; store.Store satisfies it.
type leadStore interface {
	Lead(ctx context.Context, id string) (store.Record, error)
}

// leadWriter writes sheet rows; *sheet.Writer satisfies it.
type leadWriter interface {
	Write(ctx context.Context, recs []store.Record) (failed []string, err error)
	Drain(ctx context.Context) (written int, err error)
}

// deadlineMargin is the time kept back from the Lambda deadline, so the
// handler can still report partial failures when retries run long.
const deadlineMargin = 3 * time.Second

// Handler is the sheetwriter: it writes the Leads rows named by SQS
// messages, and drains the whole outbox when a schedule invokes it.
type Handler struct {
	store  leadStore
	writer leadWriter
	base   zerolog.Logger
	// retries holds the logger of the running invocation for OnRetry,
	// which the writer calls without a context.
	retries *retryLogger
}

// NewHandler returns a Handler. Pass the same retryLogger to the writer's
// Options.OnRetry through its Log method.
func NewHandler(st leadStore, w leadWriter, base zerolog.Logger, retries *retryLogger) (*Handler, error) {
	if st == nil || w == nil || retries == nil {
		return nil, errors.New("sheetwriter: NewHandler needs a store, a writer and a retry logger")
	}
	return &Handler{store: st, writer: w, base: base, retries: retries}, nil
}

// leadMessage is the body of one queue message, as the EventBridge Pipe
// from the table's stream sends it.
type leadMessage struct {
	LeadID string `json:"lead_id"`
}

// DrainResult is the response to a scheduled invocation.
type DrainResult struct {
	Written int `json:"written"`
}

// Handle serves one invocation. An event with SQS records writes those
// leads; any other JSON object, such as an EventBridge Scheduler event or
// its custom input, drains the outbox.
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	ctx, logger := logging.ForInvocation(ctx, h.base)
	h.retries.set(logger)

	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-deadlineMargin))
		defer cancel()
	}

	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		logger.Error().Err(err).Int("bytes", len(payload)).Msg("event is not a JSON object")
		return nil, fmt.Errorf("sheetwriter: event is not a JSON object: %w", err)
	}

	if probe.Records == nil {
		return h.drain(ctx, logger)
	}
	for i, record := range probe.Records {
		if record.EventSource != "aws:sqs" {
			logger.Error().Str("event_source", record.EventSource).Int("record", i).Msg("unsupported event source")
			return nil, fmt.Errorf("sheetwriter: record %d comes from %q; only aws:sqs records and schedules are handled", i, record.EventSource)
		}
	}

	var event events.SQSEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		logger.Error().Err(err).Msg("SQS event does not decode")
		return nil, fmt.Errorf("sheetwriter: decode SQS event: %w", err)
	}
	return h.writeMessages(ctx, logger, event), nil
}

// drain writes every pending lead, the safety net for leads whose message
// was lost.
func (h *Handler) drain(ctx context.Context, logger zerolog.Logger) (DrainResult, error) {
	written, err := h.writer.Drain(ctx)
	if err != nil {
		logger.Error().Err(err).Int("written", written).Msg("drain stopped")
		return DrainResult{Written: written}, fmt.Errorf("sheetwriter: drain: %w", err)
	}

	logger.Info().Int("written", written).Msg("outbox drained")
	return DrainResult{Written: written}, nil
}

// writeMessages writes the leads of a batch and returns the messages to
// deliver again. Those are the messages whose body is not a lead message,
// so they reach the dead-letter queue after the queue's receive limit. The
// others are messages whose lead could not be loaded or whose row the
// writer reports as possibly missing.
func (h *Handler) writeMessages(ctx context.Context, logger zerolog.Logger, event events.SQSEvent) events.SQSEventResponse {
	var failures []events.SQSBatchItemFailure
	fail := func(messageID string) {
		failures = append(failures, events.SQSBatchItemFailure{ItemIdentifier: messageID})
	}

	// Several messages may name one lead, because the pipe delivers at
	// least once.
	messagesByLead := map[string][]string{}
	var order []string
	for _, message := range event.Records {
		var body leadMessage
		err := json.Unmarshal([]byte(message.Body), &body)
		id := strings.TrimSpace(body.LeadID)
		if err != nil || id == "" {
			logger.Error().Err(err).Str("message_id", message.MessageId).Msg(`message body is not {"lead_id": "..."}; it goes back to the queue`)
			fail(message.MessageId)
			continue
		}

		if _, seen := messagesByLead[id]; !seen {
			order = append(order, id)
		}
		messagesByLead[id] = append(messagesByLead[id], message.MessageId)
	}

	recs := make([]store.Record, 0, len(order))
	for _, id := range order {
		rec, err := h.store.Lead(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Retrying cannot help, and a lead stored later is still found
			// by the scheduled drain, so the message is acknowledged.
			logger.Warn().Str("lead_id", id).Msg("lead not found; message dropped")
		case err != nil:
			logger.Error().Err(err).Str("lead_id", id).Msg("load lead failed; its messages go back to the queue")
			for _, messageID := range messagesByLead[id] {
				fail(messageID)
			}
		default:
			recs = append(recs, rec)
		}
	}

	if len(recs) > 0 {
		failed, err := h.writer.Write(ctx, recs)
		if err != nil {
			logger.Error().Err(err).Int("leads", len(recs)).Int("failed", len(failed)).Strs("failed_lead_ids", failed).Msg("write rows failed")
		}
		for _, id := range failed {
			for _, messageID := range messagesByLead[id] {
				fail(messageID)
			}
		}
		logger.Info().Int("messages", len(event.Records)).Int("leads", len(recs)).Int("failed_messages", len(failures)).Msg("batch written")
	}

	return events.SQSEventResponse{BatchItemFailures: failures}
}

// retryLogger logs the writer's retries with the logger of the running
// invocation. Lambda runs one invocation at a time per process, so one
// current logger is enough.
type retryLogger struct {
	mu     sync.Mutex
	logger zerolog.Logger
}

func newRetryLogger(base zerolog.Logger) *retryLogger {
	return &retryLogger{logger: base}
}

func (r *retryLogger) set(logger zerolog.Logger) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logger = logger
}

// Log matches sheet.Options.OnRetry.
func (r *retryLogger) Log(operation string, err error, attempt int, delay time.Duration) {
	r.mu.Lock()
	logger := r.logger
	r.mu.Unlock()

	logger.Warn().Err(err).Str("operation", operation).Int("attempt", attempt).Float64("delay_ms", logging.Milliseconds(delay)).Msg("sheet request failed; retrying")
}
