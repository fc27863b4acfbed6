package main

import (
	"time"

	"github.com/rs/zerolog"
)

// outboxRepeatEvery is how often a failure that keeps repeating with the
// same error is logged again, with the number of repeats in between.
const outboxRepeatEvery = 5 * time.Minute

// outboxFailureLog logs the failures of the outbox loop without flooding
// the log: the first failure, then only when the error text changes or
// outboxRepeatEvery has passed, and one line when writing recovers. The
// loop drains every second, so a lasting failure such as a renamed sheet
// column would otherwise log about 86,400 lines a day.
//
// It is not safe for concurrent use; the outbox loop and the final drain
// on stop run one after the other.
type outboxFailureLog struct {
	logger zerolog.Logger
	now    func() time.Time

	// failures counts the failed drains since the last success.
	failures int
	// repeats counts the failures not logged since the last line.
	repeats  int
	lastText string
	loggedAt time.Time
}

// failed records a failed drain that wrote written rows before err.
func (l *outboxFailureLog) failed(err error, written int) {
	l.failures++
	text := err.Error()
	now := l.now()
	if l.failures > 1 && text == l.lastText && now.Sub(l.loggedAt) < outboxRepeatEvery {
		l.repeats++
		return
	}

	l.logger.Error().Err(err).
		Int("rows_written", written).
		Int("repeats_since_last_log", l.repeats).
		Int("failures_in_a_row", l.failures).
		Msg("outbox: write failed; rows stay pending")
	l.repeats = 0
	l.lastText = text
	l.loggedAt = now
}

// succeeded records a successful drain, and logs the recovery when the
// drains before it failed.
func (l *outboxFailureLog) succeeded() {
	if l.failures == 0 {
		return
	}

	l.logger.Info().
		Int("failures_in_a_row", l.failures).
		Str("last_error", l.lastText).
		Msg("outbox: writing recovered")
	l.failures = 0
	l.repeats = 0
	l.lastText = ""
}
