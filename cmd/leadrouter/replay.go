package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Replay limits. Retries cover a server restarting or shedding load; the
// idempotency key makes every retry safe.
const (
	replayAttempts    = 6
	replayBackoffBase = 500 * time.Millisecond
	replayBackoffMax  = 10 * time.Second
	replayTimeout     = 30 * time.Second
	maxConcurrency    = 64
	// refusedAttempts and refusedDelayMax limit the retries of a refused
	// connection, where nothing listens at --to. A restarting server is
	// back within a second, and a stopped one does not come back on its
	// own. With the defaults a refused row takes about 1 s.
	refusedAttempts = 3
	refusedDelayMax = 500 * time.Millisecond
	// maxUnreachableRows is how many rows in a row may fail to reach the
	// server, each after every retry, before the run stops. With the
	// server stopped, the run stops after about 5 s.
	maxUnreachableRows = 5
)

// replayOptions are the settings of one replay.
type replayOptions struct {
	to          string
	mapping     *replayMapping
	file        string
	concurrency int
	// progress receives the progress bar; io.Discard hides it.
	progress io.Writer
	client   *http.Client
	// backoffBase is the first retry delay; 0 means replayBackoffBase.
	backoffBase time.Duration
	// maxUnreachable is the number of rows in a row that may fail to
	// reach the server before the run stops; 0 means maxUnreachableRows.
	maxUnreachable int
}

func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("replay", flag.ContinueOnError)
	flags.SetOutput(stderr)
	to := flags.String("to", "", "intake URL to post to, such as http://127.0.0.1:3000 (a URL without a path posts to /leads)")
	mapPath := flags.String("map", "", "mapping file (YAML) that says which CSV column is which lead field")
	concurrency := flags.Int("concurrency", 1, fmt.Sprintf("requests in flight at once, 1 to %d; only 1 routes exactly as one-at-a-time submissions in file order", maxConcurrency))
	quiet := flags.Bool("quiet", false, "hide the progress bar")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: leadrouter replay --to URL --map MAP.yaml [--concurrency N] FILE.csv")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Posts every row of a CSV export of leads to a running intake as JSON, then")
		fmt.Fprintln(stderr, "prints the leads routed per rep and per zone and the rows rejected, with")
		fmt.Fprintln(stderr, "reasons. Running it again on the same file does not create duplicates.")
		fmt.Fprintln(stderr)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}

	var problems []string
	if *to == "" {
		problems = append(problems, "--to is missing; give the intake URL, such as --to http://127.0.0.1:3000")
	}
	if *mapPath == "" {
		problems = append(problems, "--map is missing; give a mapping file, such as --map examples/replay/xeducation.yaml")
	}
	if *concurrency < 1 || *concurrency > maxConcurrency {
		problems = append(problems, fmt.Sprintf("--concurrency %d is out of range; use 1 to %d", *concurrency, maxConcurrency))
	}
	if flags.NArg() != 1 {
		problems = append(problems, fmt.Sprintf("expected one CSV file after the flags, got %d arguments", flags.NArg()))
	}
	endpoint, err := intakeURL(*to)
	if *to != "" && err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "leadrouter replay:", p)
		}
		return 2
	}

	mapping, err := loadMapping(*mapPath)
	if err != nil {
		fmt.Fprintln(stderr, "leadrouter replay:", err)
		return 2
	}

	opts := replayOptions{
		to:          endpoint,
		mapping:     mapping,
		file:        flags.Arg(0),
		concurrency: *concurrency,
		progress:    stderr,
		client:      &http.Client{Timeout: replayTimeout},
	}
	if *quiet {
		opts.progress = io.Discard
	}

	summary, err := replay(ctx, opts)
	var stopped *stoppedError
	switch {
	case errors.As(err, &stopped):
		summary.print(stdout)
		fmt.Fprintln(stderr, "leadrouter replay:", err)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "leadrouter replay:", err)
		return 2
	}
	summary.print(stdout)

	if summary.rejected > 0 || summary.failed > 0 {
		return 1
	}
	return 0
}

// intakeURL checks the --to value and adds /leads when it has no path.
func intakeURL(to string) (string, error) {
	u, err := url.Parse(to)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--to %q is not an http or https URL; use one such as http://127.0.0.1:3000", to)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/leads"
	}
	return u.String(), nil
}

// replayRow is one CSV record ready to post.
type replayRow struct {
	line int
	key  string
	body []byte
	// readErr is set when the record could not be read from the CSV.
	readErr error
}

// stoppedError ends a run before the last row, because it was interrupted
// or the server could not be reached. The summary of the rows done so far
// is still valid.
type stoppedError struct {
	// line is the CSV line of the last row done, 0 when none was.
	line int
	// unreachable is set when the run stopped because rows in a row could
	// not reach the server; lastFailure is the error of the last of them.
	unreachable int
	to          string
	lastFailure string
	// cause is the context error of an interrupted run.
	cause error
}

// resumeHint tells the user that a second run is safe.
const resumeHint = "run the same command again to continue; rows already accepted come back as repeats of their first submission, not as new leads, because each row sends the same Idempotency-Key on every run"

func (e *stoppedError) Error() string {
	if e.unreachable > 0 {
		return fmt.Sprintf("stopped at line %d: %d rows in a row could not reach %s (last error: %s). Start the server or correct --to, then %s", e.line, e.unreachable, e.to, e.lastFailure, resumeHint)
	}
	if e.line == 0 {
		return fmt.Sprintf("interrupted (%v) before any row was done; %s", e.cause, resumeHint)
	}
	return fmt.Sprintf("interrupted (%v) after line %d; %s", e.cause, e.line, resumeHint)
}

func (e *stoppedError) Unwrap() error { return e.cause }

// replay posts every row of the file and gathers the responses. When the run
// stops early it returns the summary so far with a *stoppedError.
func replay(ctx context.Context, opts replayOptions) (*replaySummary, error) {
	started := time.Now()

	digest, total, err := fileDigest(opts.file)
	if err != nil {
		return nil, err
	}

	f, err := os.Open(opts.file)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", opts.file, err)
	}
	defer f.Close()
	reader, header, err := readCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.file, err)
	}
	if err := opts.mapping.bind(header); err != nil {
		return nil, fmt.Errorf("mapping does not fit %s: %w", opts.file, err)
	}

	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(opts.progress),
		progressbar.OptionSetDescription("replay"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(opts.progress) }),
	)

	backoffBase := cmp.Or(opts.backoffBase, replayBackoffBase)
	maxUnreachable := cmp.Or(opts.maxUnreachable, maxUnreachableRows)

	// runCtx ends on an interrupt, or when too many rows in a row could not
	// reach the server.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()

	summary := newReplaySummary(filepath.Base(opts.file), opts.to)
	var (
		mu          sync.Mutex
		lastLine    int
		unreachable int
		stopped     *stoppedError
	)
	rows := make(chan replayRow)
	var workers sync.WaitGroup
	for range opts.concurrency {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for row := range rows {
				result := postRow(runCtx, opts.client, opts.to, row, backoffBase)
				if result.interrupted {
					// The row was not done; a second run sends it.
					continue
				}

				mu.Lock()
				summary.add(row.line, result)
				lastLine = max(lastLine, row.line)
				if result.unreachable {
					unreachable++
				} else {
					unreachable = 0
				}
				if unreachable >= maxUnreachable && stopped == nil {
					stopped = &stoppedError{line: row.line, unreachable: unreachable, to: opts.to, lastFailure: result.failure}
					stopRun()
				}
				mu.Unlock()
				_ = bar.Add(1)
			}
		}()
	}

	// Feed rows in file order. With one worker each row gets its response before
	// the next is sent, exactly as leads submitted one at a time.
	shortLines, feedErr := feedRows(runCtx, reader, opts.mapping, len(header), digest, rows)
	close(rows)
	workers.Wait()

	// A run that stopped early leaves the bar where it stopped, so that it
	// does not claim every row was done.
	if stopped != nil || ctx.Err() != nil {
		_ = bar.Exit()
	} else {
		_ = bar.Finish()
	}

	summary.elapsed = time.Since(started)
	summary.shortRows = shortLines
	switch {
	case stopped != nil:
		return summary, stopped
	case ctx.Err() != nil:
		return summary, &stoppedError{line: lastLine, cause: ctx.Err()}
	case feedErr != nil:
		return summary, feedErr
	}
	return summary, nil
}

// fileDigest returns a short hash of the file's bytes, which makes the
// idempotency keys of its rows, and the number of records after the header.
func fileDigest(path string) (string, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()

	hash := sha256.New()
	reader := csv.NewReader(io.TeeReader(f, hash))
	reader.FieldsPerRecord = -1
	reader.ReuseRecord = true
	records := 0
	for {
		_, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var parseErr *csv.ParseError
		if err != nil && !errors.As(err, &parseErr) {
			return "", 0, fmt.Errorf("read %s: %w", path, err)
		}
		records++
	}
	// Hash whatever the CSV reader did not consume.
	if _, err := io.Copy(hash, f); err != nil {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	if records == 0 {
		return "", 0, fmt.Errorf("%s is empty; expected a header row and rows of leads", path)
	}
	return hex.EncodeToString(hash.Sum(nil))[:16], records - 1, nil
}

// feedRows sends every record of reader to rows until the file or ctx
// ends. It returns the lines of the records with fewer fields than the
// header's headerFields, which are sent with their missing columns blank.
func feedRows(ctx context.Context, reader *csv.Reader, m *replayMapping, headerFields int, digest string, rows chan<- replayRow) ([]int, error) {
	var shortLines []int
	for {
		record, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return shortLines, nil
		}
		line, _ := reader.FieldPos(0)

		row := replayRow{line: line, key: "replay:" + digest + ":" + strconv.Itoa(line)}
		var parseErr *csv.ParseError
		switch {
		case errors.As(err, &parseErr):
			row.line = parseErr.StartLine
			row.readErr = parseErr.Err
		case err != nil:
			return shortLines, fmt.Errorf("read the CSV after line %d: %w", line, err)
		default:
			if len(record) < headerFields {
				shortLines = append(shortLines, line)
			}
			row.body, err = json.Marshal(m.lead(record))
			if err != nil {
				return shortLines, fmt.Errorf("encode line %d: %w", line, err)
			}
		}

		select {
		case rows <- row:
		case <-ctx.Done():
			return shortLines, nil
		}
	}
}

// rowResult is the outcome of one row.
type rowResult struct {
	status    int
	leadID    string
	owner     string
	zone      string
	duplicate bool
	// escalation is the reason the intake gave for escalating the lead.
	escalation string
	// reasons are the rejection reasons, one per bad field.
	reasons []string
	// failure says why no response was received.
	failure string
	// unreachable is set when the request failed before any response,
	// such as a refused connection or a time-out.
	unreachable bool
	// refused is set when the connection could not be made at all, which
	// postRow retries only refusedAttempts times.
	refused bool
	// interrupted is set when the run stopped before the row was done.
	interrupted bool
}

// postRow posts one row, retrying on 429, 502, 503, 504 and network
// errors with exponential backoff from backoffBase, or the server's
// Retry-After. A refused connection gets refusedAttempts attempts with
// delays of at most refusedDelayMax, the others replayAttempts.
func postRow(ctx context.Context, client *http.Client, endpoint string, row replayRow, backoffBase time.Duration) rowResult {
	if row.readErr != nil {
		return rowResult{status: 0, reasons: []string{"CSV: " + row.readErr.Error()}}
	}

	var last rowResult
	attempts := replayAttempts
	for attempt := 0; attempt < attempts; attempt++ {
		result, retryAfter := postOnce(ctx, client, endpoint, row)
		if ctx.Err() != nil && result.unreachable {
			return rowResult{interrupted: true}
		}
		if !result.retryable() {
			return result
		}
		last = result
		if attempt == attempts-1 {
			break
		}

		delay := min(backoffBase<<attempt, replayBackoffMax)
		if retryAfter > 0 {
			delay = min(retryAfter, 3*replayBackoffMax)
		}
		if result.refused {
			// Only refused connections so far: retry briefly.
			attempts = min(attempts, refusedAttempts)
			delay = min(delay, refusedDelayMax)
		} else {
			attempts = replayAttempts
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return rowResult{interrupted: true}
		case <-timer.C:
		}
	}
	last.failure = fmt.Sprintf("%s (gave up after %d attempts)", last.failure, attempts)
	return last
}

// isRefused reports whether err means that no server accepted the
// connection: the port is closed, or the dial failed before any byte was
// sent.
func isRefused(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial" && !opErr.Timeout()
}

func (r rowResult) retryable() bool {
	switch r.status {
	case 0:
		return r.failure != "" && r.reasons == nil
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func postOnce(ctx context.Context, client *http.Client, endpoint string, row replayRow) (rowResult, time.Duration) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(row.body))
	if err != nil {
		return rowResult{failure: err.Error()}, 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", row.key)

	res, err := client.Do(req)
	if err != nil {
		return rowResult{failure: err.Error(), unreachable: true, refused: isRefused(err)}, 0
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return rowResult{status: 0, failure: "read the response: " + err.Error()}, 0
	}

	result := rowResult{status: res.StatusCode}
	switch {
	case res.StatusCode == http.StatusAccepted:
		var body struct {
			LeadID     string `json:"lead_id"`
			Owner      string `json:"owner"`
			Zone       string `json:"zone"`
			Duplicate  bool   `json:"duplicate"`
			Escalation string `json:"escalation"`
		}
		if err := json.Unmarshal(data, &body); err != nil || body.LeadID == "" {
			result.failure = fmt.Sprintf("202 response without a lead id: %.200s", data)
			return result, 0
		}
		result.leadID, result.owner, result.zone, result.duplicate = body.LeadID, body.Owner, body.Zone, body.Duplicate
		result.escalation = body.Escalation

	case res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests:
		var body struct {
			Error  string `json:"error"`
			Fields []struct {
				Field   string `json:"field"`
				Problem string `json:"problem"`
			} `json:"fields"`
		}
		_ = json.Unmarshal(data, &body)
		for _, f := range body.Fields {
			result.reasons = append(result.reasons, f.Field+": "+f.Problem)
		}
		if len(result.reasons) == 0 {
			result.reasons = []string{fmt.Sprintf("HTTP %d: %s", res.StatusCode, firstNonEmpty(body.Error, strings.TrimSpace(string(data))))}
		}

	default:
		result.failure = fmt.Sprintf("HTTP %d: %.200s", res.StatusCode, strings.TrimSpace(string(data)))
	}

	retryAfter := time.Duration(0)
	if seconds, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && seconds > 0 {
		retryAfter = time.Duration(seconds) * time.Second
	}
	return result, retryAfter
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
