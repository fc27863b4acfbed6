// Package logging builds the one zerolog logger each binary uses, following
// the Lambda conventions: JSON lines on standard output, the level taken from
// AWS_LAMBDA_LOG_LEVEL (or LOG_LEVEL locally), and helpers that keep contact
// details out of the logs.
package logging

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// New returns a logger writing JSON lines to w at the level named by
// AWS_LAMBDA_LOG_LEVEL or, when that is unset, LOG_LEVEL; "info" when
// neither is set or the value is not a zerolog level.
func New(w io.Writer, service string) zerolog.Logger {
	level := zerolog.InfoLevel
	for _, name := range []string{"AWS_LAMBDA_LOG_LEVEL", "LOG_LEVEL"} {
		value := strings.ToLower(strings.TrimSpace(os.Getenv(name)))
		if value == "" {
			continue
		}
		if parsed, err := zerolog.ParseLevel(value); err == nil && parsed != zerolog.NoLevel {
			level = parsed
		}
		break
	}

	return zerolog.New(w).Level(level).With().Timestamp().Str("service", service).Logger()
}

// Console returns a human-readable logger for the local server and the
// command line. It writes ANSI colour codes only when w is a terminal and
// NO_COLOR is unset or empty, so a log redirected to a file or a pipe is
// plain text.
func Console(w io.Writer, service string) zerolog.Logger {
	logger := New(w, service)
	return logger.Output(zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05", NoColor: !colorTerminal(w)})
}

// colorTerminal reports whether w is a terminal that should get colour: an
// *os.File or any writer with a file descriptor, which isatty reports as a
// terminal, while NO_COLOR (see no-color.org) is unset or empty.
func colorTerminal(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	file, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	return isatty.IsTerminal(file.Fd()) || isatty.IsCygwinTerminal(file.Fd())
}

// Milliseconds returns d in milliseconds, rounded to the microsecond. Every
// duration the binaries log goes through it into a field whose name ends
// in _ms, such as took_ms, so the unit is in the name.
func Milliseconds(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// WithContext stores logger in ctx; FromContext reads it back.
func WithContext(ctx context.Context, logger zerolog.Logger) context.Context {
	return logger.WithContext(ctx)
}

// FromContext returns the logger stored in ctx, or a disabled logger.
func FromContext(ctx context.Context) *zerolog.Logger {
	return zerolog.Ctx(ctx)
}

// Redact returns a stable pseudonym for an email address or phone number,
// so log lines about one contact can be correlated without the value in
// clear: the first 12 hex digits of SHA-256 over the trimmed, lower-cased
// value. Empty input gives an empty string.
//
// NOTE: an unsalted hash of a short phone number can be reversed by
// enumeration; it keeps values out of casual view, not away from an
// attacker who can read the logs.
func Redact(value string) string {
	value = strings.ToLower(strings.TrimSpace(value))
	if value == "" {
		return ""
	}

	sum := sha256.Sum256([]byte(value))
	return "h:" + hex.EncodeToString(sum[:6])
}
