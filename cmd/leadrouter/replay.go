package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	if err != nil {
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

// replay posts every row of the file and gathers the responses.
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

	summary := newReplaySummary(filepath.Base(opts.file), opts.to)
	var mu sync.Mutex
	rows := make(chan replayRow)
	var workers sync.WaitGroup
	for range opts.concurrency {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for row := range rows {
				result := postRow(ctx, opts.client, opts.to, row)
				mu.Lock()
				summary.add(row.line, result)
				mu.Unlock()
				_ = bar.Add(1)
			}
		}()
	}

	// Feed rows in file order. With one worker each row gets its response before
	// the next is sent, exactly as leads submitted one at a time.
	feedErr := feedRows(ctx, reader, opts.mapping, digest, rows)
	close(rows)
	workers.Wait()
	_ = bar.Finish()

	summary.elapsed = time.Since(started)
	if feedErr != nil {
		return summary, feedErr
	}
	if err := ctx.Err(); err != nil {
		return summary, fmt.Errorf("replay stopped after %d rows: %w", summary.total(), err)
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

func feedRows(ctx context.Context, reader *csv.Reader, m *replayMapping, digest string, rows chan<- replayRow) error {
	for {
		record, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := reader.FieldPos(0)

		row := replayRow{line: line, key: "replay:" + digest + ":" + strconv.Itoa(line)}
		var parseErr *csv.ParseError
		switch {
		case errors.As(err, &parseErr):
			row.line = parseErr.StartLine
			row.readErr = parseErr.Err
		case err != nil:
			return fmt.Errorf("read the CSV after line %d: %w", line, err)
		default:
			row.body, err = json.Marshal(m.lead(record))
			if err != nil {
				return fmt.Errorf("encode line %d: %w", line, err)
			}
		}

		select {
		case rows <- row:
		case <-ctx.Done():
			return nil
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
	// reasons are the rejection reasons, one per bad field.
	reasons []string
	// failure says why no response was received.
	failure string
}

// postRow posts one row, retrying on 429, 502, 503, 504 and network
// errors with exponential backoff, or the server's Retry-After.
func postRow(ctx context.Context, client *http.Client, endpoint string, row replayRow) rowResult {
	if row.readErr != nil {
		return rowResult{status: 0, reasons: []string{"CSV: " + row.readErr.Error()}}
	}

	var last rowResult
	for attempt := 0; attempt < replayAttempts; attempt++ {
		result, retryAfter := postOnce(ctx, client, endpoint, row)
		if !result.retryable() {
			return result
		}
		last = result

		delay := min(replayBackoffBase<<attempt, replayBackoffMax)
		if retryAfter > 0 {
			delay = min(retryAfter, 3*replayBackoffMax)
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return rowResult{failure: "interrupted: " + ctx.Err().Error()}
		case <-timer.C:
		}
	}
	last.failure = fmt.Sprintf("%s (gave up after %d attempts)", last.failure, replayAttempts)
	return last
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
		return rowResult{failure: err.Error()}, 0
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
			LeadID    string `json:"lead_id"`
			Owner     string `json:"owner"`
			Zone      string `json:"zone"`
			Duplicate bool   `json:"duplicate"`
		}
		if err := json.Unmarshal(data, &body); err != nil || body.LeadID == "" {
			result.failure = fmt.Sprintf("202 response without a lead id: %.200s", data)
			return result, 0
		}
		result.leadID, result.owner, result.zone, result.duplicate = body.LeadID, body.Owner, body.Zone, body.Duplicate

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
