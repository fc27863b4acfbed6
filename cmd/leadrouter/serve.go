package main

import (
	"context"
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
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/intake"
	"github.com/leadrouter/leadrouter/shared/logging"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

// Serve defaults and limits.
const (
	defaultServeAddr  = "127.0.0.1:3000"
	defaultDrainEvery = time.Second
	// shutdownTimeout bounds the wait for requests in flight and the final
	// outbox drain when the server stops.
	shutdownTimeout = 30 * time.Second
)

// localCallsPerMinute caps the workbook reads and appends of the outbox
// loop a minute. The writer's limiter exists for Google's quotas, so the
// cap is set far above what the loop needs, only to keep it out of the way.
const localCallsPerMinute = 6000

// File names inside the data folder.
const (
	storeFile    = "leadrouter.db"
	workbookFile = "leads.xlsx"
)

// serveConfig is the configuration of the local server.
type serveConfig struct {
	addr     string
	planPath string
	dataDir  string
	// thanksURL overrides the plan's thank-you URL when set.
	thanksURL     string
	revealRouting bool
	maxBodyBytes  int
	// drainEvery is the pause between two outbox drains; 0 turns the
	// background loop off.
	drainEvery time.Duration
	// drainOnStop drains the outbox once more after the last request.
	drainOnStop bool
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, code := parseServeFlags(args, stderr)
	if code != 0 {
		return code
	}

	logger := logging.Console(stderr, "leadrouter")
	srv, err := startServer(ctx, cfg, logger)
	if err != nil {
		logger.Error().Err(err).Msg("serve: not started")
		return 1
	}

	<-ctx.Done()
	logger.Info().Msg("serve: stopping")
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.stop(stopCtx); err != nil {
		logger.Error().Err(err).Msg("serve: stopped with errors")
		return 1
	}
	logger.Info().Msg("serve: stopped")
	return 0
}

// parseServeFlags reads the flags, with defaults from LEADROUTER_ADDR,
// LEADROUTER_PLAN and LEADROUTER_DATA. It returns exit code 2 on a usage
// error.
func parseServeFlags(args []string, stderr io.Writer) (serveConfig, int) {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.SetOutput(stderr)

	cfg := serveConfig{drainOnStop: true}
	flags.StringVar(&cfg.addr, "addr", envOr("LEADROUTER_ADDR", defaultServeAddr), "address to listen on, host:port (env LEADROUTER_ADDR)")
	flags.StringVar(&cfg.planPath, "plan", os.Getenv("LEADROUTER_PLAN"), "territory plan file (env LEADROUTER_PLAN)")
	flags.StringVar(&cfg.dataDir, "data", envOr("LEADROUTER_DATA", ".data"), "folder for the store ("+storeFile+") and the workbook ("+workbookFile+") (env LEADROUTER_DATA)")
	flags.StringVar(&cfg.thanksURL, "thanks-url", "", "where a browser goes after posting the form; default: the plan's site.thank_you_url")
	flags.BoolVar(&cfg.revealRouting, "reveal-routing", true, "add owner, zone and rule to JSON responses; replay's summary needs them")
	flags.IntVar(&cfg.maxBodyBytes, "max-body-bytes", intake.DefaultMaxBodyBytes, "largest request body accepted, in bytes")
	flags.DurationVar(&cfg.drainEvery, "drain-every", defaultDrainEvery, "pause between two writes of pending rows to the workbook")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: leadrouter serve --plan PLAN.yaml [--addr HOST:PORT] [--data DIR]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Serves the intake at POST /leads, a lead form at /, and writes every")
		fmt.Fprintln(stderr, "accepted lead to the Leads tab of DIR/"+workbookFile+".")
		fmt.Fprintln(stderr)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return cfg, 2
	}

	var problems []string
	if flags.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected arguments %q; every setting is a flag", flags.Args()))
	}
	if cfg.planPath == "" {
		problems = append(problems, "--plan is missing; give a plan file, such as --plan examples/plans/two-reps.yaml")
	}
	if _, _, err := net.SplitHostPort(cfg.addr); err != nil {
		problems = append(problems, fmt.Sprintf("--addr %q is not host:port; use one such as 127.0.0.1:3000", cfg.addr))
	}
	if cfg.dataDir == "" {
		problems = append(problems, "--data is empty; give a folder, such as --data .data")
	}
	if cfg.drainEvery <= 0 {
		problems = append(problems, fmt.Sprintf("--drain-every %s must be positive, such as 1s", cfg.drainEvery))
	}
	if cfg.thanksURL != "" && !validThanksURL(cfg.thanksURL) {
		problems = append(problems, fmt.Sprintf("--thanks-url %q is invalid; give a path on this server such as /thanks, or an absolute http or https URL such as https://www.example.com/thanks", cfg.thanksURL))
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "leadrouter serve:", p)
		}
		return cfg, 2
	}
	return cfg, 0
}

// validThanksURL applies the rule of the plan's site.thank_you_url, which
// the plan package does not export: a path on this site that starts with
// one "/" and has no space or backslash, or an absolute http or https URL.
// A javascript: URL as the redirect target would run script, and a
// "//host" path would send the browser to another site.
func validThanksURL(v string) bool {
	if strings.HasPrefix(v, "/") {
		return !strings.HasPrefix(v, "//") && !strings.ContainsAny(v, " \\")
	}
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// server is the running local server: the intake handler behind net/http,
// the embedded store, the workbook and the outbox loop.
type server struct {
	logger   zerolog.Logger
	cfg      serveConfig
	store    *bolt.Store
	book     *xlsx.Book
	writer   *sheet.Writer
	handler  *intake.Handler
	http     *http.Server
	listener net.Listener

	// failureLog limits the log lines of a lasting outbox failure.
	failureLog *outboxFailureLog
	// stopDrain ends the outbox loop; drained is closed when it has.
	stopDrain context.CancelFunc
	drained   chan struct{}
	serveErr  chan error
	stopOnce  sync.Once
}

// startServer opens the plan, the store and the workbook, starts listening
// and starts the outbox loop. The server runs until stop.
func startServer(ctx context.Context, cfg serveConfig, logger zerolog.Logger) (srv *server, err error) {
	p, err := plan.Load(cfg.planPath)
	if err != nil {
		return nil, err
	}
	engine, err := routing.New(p)
	if err != nil {
		return nil, fmt.Errorf("routing plan %s: %w", cfg.planPath, err)
	}

	if err := os.MkdirAll(cfg.dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	st, err := bolt.Open(filepath.Join(cfg.dataDir, storeFile))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = st.Close()
		}
	}()
	book, err := xlsx.Open(filepath.Join(cfg.dataDir, workbookFile))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = book.Close()
		}
	}()

	listener, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w; stop the other server or choose another --addr", cfg.addr, err)
	}
	defer func() {
		if err != nil {
			_ = listener.Close()
		}
	}()

	// The intake rejects a browser POST whose Origin the plan does not
	// list, so the server allows the origins its own form page has.
	handler, err := intake.New(intake.Deps{
		Router:        engine,
		Store:         st,
		Plan:          p,
		ThankYouURL:   cfg.thanksURL,
		Origins:       localOrigins(listener.Addr()),
		RevealRouting: cfg.revealRouting,
		MaxBodyBytes:  cfg.maxBodyBytes,
	})
	if err != nil {
		return nil, err
	}

	srv = &server{
		logger:   logger,
		cfg:      cfg,
		store:    st,
		book:     book,
		handler:  handler,
		listener: listener,
		drained:  make(chan struct{}),
		serveErr: make(chan error, 1),

		failureLog: &outboxFailureLog{logger: logger, now: time.Now},
	}
	// Every append saves the whole workbook, so a backlog drains faster in
	// the largest batches. The Google Sheets quotas behind the default
	// rate limits do not apply to a local file.
	srv.writer = sheet.NewWriter(st, book, sheet.Options{
		Location:        p.Location(),
		BatchSize:       sheet.MaxBatchSize,
		WritesPerMinute: localCallsPerMinute,
		ReadsPerMinute:  localCallsPerMinute,
		OnRetry: func(operation string, err error, attempt int, delay time.Duration) {
			logger.Warn().Err(err).Str("operation", operation).Int("attempt", attempt).Float64("delay_ms", logging.Milliseconds(delay)).Msg("outbox: retrying")
		},
	})
	srv.http = &http.Server{
		Handler:           srv.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	go func() { srv.serveErr <- srv.http.Serve(listener) }()

	drainCtx, stopDrain := context.WithCancel(context.WithoutCancel(ctx))
	srv.stopDrain = stopDrain
	go srv.drainLoop(drainCtx)

	logger.Info().
		Str("url", "http://"+listener.Addr().String()+"/").
		Str("plan", cfg.planPath).
		Str("workbook", book.Path()).
		Str("store", filepath.Join(cfg.dataDir, storeFile)).
		Msg("serve: listening; open the URL for the lead form, leads go to the workbook")
	return srv, nil
}

// localOrigins returns the origins under which a browser on this machine
// opens the server at addr: its own address, and 127.0.0.1, [::1] and
// localhost with its port.
//
// NOTE: a browser on another machine, which reaches a server bound to all
// interfaces by one of this machine's names, is not covered; list that
// origin in the plan's site.origins.
func localOrigins(addr net.Addr) []string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return nil
	}

	hosts := []string{"127.0.0.1", "[::1]", "localhost"}
	if !tcp.IP.IsUnspecified() {
		own := tcp.IP.String()
		if tcp.IP.To4() == nil {
			own = "[" + own + "]"
		}
		if !slices.Contains(hosts, own) {
			hosts = append(hosts, own)
		}
	}

	origins := make([]string, 0, len(hosts))
	for _, host := range hosts {
		origins = append(origins, "http://"+host+":"+strconv.Itoa(tcp.Port))
	}
	return origins
}

// addr returns the address the server listens on.
func (s *server) addr() string { return s.listener.Addr().String() }

// routes maps the paths: the intake at /leads, the form at / and the
// thank-you page at /thanks.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(intake.FormPage())
	})
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = intake.WriteThanksPage(w, r.URL.Query().Get("lead"))
	})
	mux.HandleFunc("/leads", s.serveIntake)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := json.Marshal(map[string]string{
			"error":    "no such path " + strconv.Quote(r.URL.Path),
			"accepted": "POST /leads, or GET / for the lead form",
		})
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(append(body, '\n'))
	})
	return mux
}

// serveIntake passes one request through the intake handler, as API
// Gateway would.
func (s *server) serveIntake(w http.ResponseWriter, r *http.Request) {
	started := time.Now()

	// The local server plays both API Gateway and Lambda, so one id serves
	// as both: every line of the request carries it as request_id, and the
	// handler's lines also carry it as api_request_id.
	requestID := newRequestID()
	logger := s.logger.With().Str("request_id", requestID).Logger()
	ctx := logging.WithContext(r.Context(), logger)

	event, err := newEvent(r, requestID, s.cfg.maxBodyBytes)
	if err != nil {
		logger.Warn().Err(err).Msg("serve: read request body")
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return
	}

	res, err := s.handler.Handle(ctx, event)
	if err != nil {
		// Handle documents a nil error; this guards the contract.
		logger.Error().Err(err).Msg("serve: intake handler failed")
		http.Error(w, "internal error", http.StatusServiceUnavailable)
		return
	}
	if err := writeResponse(w, res); err != nil {
		logger.Warn().Err(err).Msg("serve: write response")
	}

	logger.Info().
		Str("method", r.Method).
		Str("path", r.URL.Path).
		Int("status", res.StatusCode).
		Float64("took_ms", logging.Milliseconds(time.Since(started))).
		Msg("serve: request")
}

// drainLoop writes pending rows to the workbook every cfg.drainEvery
// until ctx ends. With drainEvery 0 or less it returns at once, because
// the loop is off.
func (s *server) drainLoop(ctx context.Context) {
	defer close(s.drained)
	if s.cfg.drainEvery <= 0 {
		return
	}

	ticker := time.NewTicker(s.cfg.drainEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			s.drain(ctx)
		}
	}
}

// drain writes the pending rows once and logs the outcome. A failure
// leaves the rows in the outbox for the next drain, and s.failureLog
// decides whether it is logged.
func (s *server) drain(ctx context.Context) {
	written, err := s.writer.Drain(ctx)
	if written > 0 {
		s.logger.Info().Int("rows", written).Str("workbook", s.book.Path()).Msg("outbox: rows written")
	}

	switch {
	case err == nil:
		s.failureLog.succeeded()
	case !errors.Is(err, context.Canceled):
		s.failureLog.failed(err, written)
	}
}

// stop stops accepting requests, waits for those in flight, drains the
// outbox a last time when cfg.drainOnStop is set, and closes the files.
func (s *server) stop(ctx context.Context) error {
	var errs []error
	s.stopOnce.Do(func() {
		if err := s.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop HTTP server: %w", err))
		}
		if err := <-s.serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, fmt.Errorf("HTTP server: %w", err))
		}

		s.stopDrain()
		<-s.drained
		if s.cfg.drainOnStop {
			s.drain(ctx)
		}

		if err := s.book.Close(); err != nil {
			errs = append(errs, err)
		}
		if err := s.store.Close(); err != nil {
			errs = append(errs, err)
		}
	})
	return errors.Join(errs...)
}
