package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/leadrouter/leadrouter/internal/loopback"
	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// teamStore is the part of store.Store that the state command uses.
type teamStore interface {
	Snapshot(ctx context.Context, q store.Query) (store.Snapshot, error)
	SetOwner(ctx context.Context, accountKey string, o store.Owner) error
	SetActive(ctx context.Context, rep string, n int) error
	SetAbsences(ctx context.Context, rep string, absences []routing.Absence) error
}

// importReason is the Owner.Reason of an owner that state import sets.
const importReason = "state import"

// runState runs state import and state show.
func runState(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		stateUsage(stderr)
		return 2
	}
	switch args[0] {
	case "import":
		return runStateImport(ctx, args[1:], stdout, stderr)
	case "show":
		return runStateShow(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		stateUsage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "leadrouter state: unknown subcommand %q\n", args[0])
	stateUsage(stderr)
	return 2
}

func stateUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: leadrouter state import --plan PLAN.yaml (--data DIR | --table NAME) STATE.json")
	fmt.Fprintln(w, "       leadrouter state show   --plan PLAN.yaml (--data DIR | --table NAME)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "import writes the owners, customers, active counts and time off of a")
	fmt.Fprintln(w, "team-state file (the format of route --state) into the store and prints")
	fmt.Fprintln(w, "each change. show prints each rep's active count and time off as a")
	fmt.Fprintln(w, "team-state file. Run 'leadrouter state import -h' for the flags.")
}

// stateConfig holds the flags both subcommands take.
type stateConfig struct {
	planPath string
	dataDir  string
	table    string
	endpoint string
}

// parseStateFlags reads the flags of state NAME and checks them. It returns
// the remaining arguments, and an exit code of 2 on a usage error or 0 after
// help was printed, with ok false in both cases.
func parseStateFlags(name string, args []string, stderr io.Writer, usage []string) (cfg stateConfig, rest []string, code int, ok bool) {
	fs := flag.NewFlagSet("leadrouter state "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.planPath, "plan", os.Getenv("LEADROUTER_PLAN"), "territory plan file (YAML) whose reps the state names (env LEADROUTER_PLAN)")
	fs.StringVar(&cfg.dataDir, "data", "", "folder of the local store ("+storeFile+"), as leadrouter serve --data uses it")
	fs.StringVar(&cfg.table, "table", "", "DynamoDB table name, reached with the default AWS configuration (environment, shared files)")
	fs.StringVar(&cfg.endpoint, "endpoint", "", "tests only: an http URL on 127.0.0.1, ::1 or localhost that replaces the DynamoDB endpoint")
	fs.Usage = func() {
		for _, line := range usage {
			fmt.Fprintln(stderr, line)
		}
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, nil, 0, false
		}
		return cfg, nil, 2, false
	}

	var problems []string
	if cfg.planPath == "" {
		problems = append(problems, "--plan is missing; give the plan file the store's reps come from, such as --plan examples/plans/two-reps.yaml")
	}
	switch {
	case cfg.dataDir == "" && cfg.table == "":
		problems = append(problems, "no store given; use --data DIR for the local store or --table NAME for DynamoDB")
	case cfg.dataDir != "" && cfg.table != "":
		problems = append(problems, "--data and --table are both set; give one store")
	}
	if cfg.endpoint != "" && cfg.table == "" {
		problems = append(problems, "--endpoint is set without --table; it only applies to DynamoDB")
	}
	if err := loopback.CheckEndpoint("--endpoint", cfg.endpoint); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stderr, "leadrouter state %s: %s\n", name, p)
		}
		return cfg, nil, 2, false
	}
	return cfg, fs.Args(), 0, true
}

// openTeamStore opens the store that cfg names and returns it with the
// function that closes it. With create false a missing local store is an
// error, so that a wrong --data does not show an empty store.
func openTeamStore(ctx context.Context, cfg stateConfig, create bool) (teamStore, func() error, error) {
	if cfg.table != "" {
		awsConfig, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("load the AWS configuration: %w", err)
		}
		client := dynamodb.NewFromConfig(awsConfig, func(o *dynamodb.Options) {
			if cfg.endpoint != "" {
				o.BaseEndpoint = aws.String(cfg.endpoint)
			}
		})
		return dynamo.New(client, cfg.table), func() error { return nil }, nil
	}

	path := filepath.Join(cfg.dataDir, storeFile)
	if create {
		if err := os.MkdirAll(cfg.dataDir, 0o755); err != nil {
			return nil, nil, fmt.Errorf("create data folder: %w", err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("no store at %s (%w); give the --data folder of leadrouter serve", path, err)
	}
	st, err := bolt.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return st, st.Close, nil
}

// runStateImport writes a team-state file into the store.
func runStateImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, rest, code, ok := parseStateFlags("import", args, stderr, []string{
		"Usage: leadrouter state import --plan PLAN.yaml (--data DIR | --table NAME) STATE.json",
		"",
		"Writes a team-state file (the format of route --state) into the store:",
		"owners and customers of accounts, active-opportunity counts and time off.",
		"Only what the file names changes; a rep listed under absences with [] has",
		"its time off cleared. Every rep must be in the plan. The whole file is",
		"checked first: on any problem nothing is written, every problem is listed",
		"and the exit code is 1. Each change is printed with the value it replaced.",
		"The local store cannot be imported into while leadrouter serve has it open.",
	})
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "leadrouter state import: need exactly one state file")
		return 2
	}
	path := rest[0]

	p, err := plan.Load(cfg.planPath)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter state import: %v\n", err)
		return 1
	}
	now := time.Now().UTC().Truncate(time.Second)
	state, problems := readStateFile(path, p)
	if len(problems) == 0 {
		problems = startAbsences(path, state, now)
	}
	if len(problems) > 0 {
		for _, problem := range problems {
			fmt.Fprintf(stderr, "leadrouter state import: %v\n", problem)
		}
		fmt.Fprintf(stderr, "leadrouter state import: %s; nothing was imported\n", countNoun(len(problems), "problem", "problems"))
		return 1
	}

	st, closeStore, err := openTeamStore(ctx, cfg, true)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter state import: %v\n", err)
		return 1
	}
	defer func() {
		if err := closeStore(); err != nil {
			fmt.Fprintf(stderr, "leadrouter state import: %v\n", err)
		}
	}()

	changed, unchanged, err := importState(ctx, st, state, p.RepIDs(), now, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter state import: %v\n", err)
		fmt.Fprintf(stderr, "leadrouter state import: stopped after %d changes; run the import again once the store is reachable, and it changes only what still differs\n", changed)
		return 1
	}
	fmt.Fprintf(stdout, "%d changed, %d unchanged\n", changed, unchanged)
	return 0
}

// startAbsences gives time off that starts at once ("until 2026-12-28") the
// start now, because the store keeps only periods with both ends. It returns
// a problem for each such period that has already ended.
func startAbsences(path string, state *teamState, now time.Time) []error {
	var problems []error
	for _, rep := range sortedKeys(state.Absences) {
		for i, a := range state.Absences[rep] {
			if !a.From.IsZero() {
				continue
			}
			if !a.Until.After(now) {
				problems = append(problems, fmt.Errorf("state %s: absences: %q[%d]: time off until %s has already ended; remove it",
					path, rep, i, a.Until.Format(time.RFC3339)))
				continue
			}
			state.Absences[rep][i].From = now
		}
	}
	return problems
}

// importState writes each entry of state that differs from the store and
// prints one line per change. It stops at the first failed write.
func importState(ctx context.Context, st teamStore, state *teamState, reps []string, now time.Time, stdout io.Writer) (changed, unchanged int, err error) {
	accounts := append(sortedKeys(state.Owners), sortedKeys(state.Customers)...)
	snap, err := st.Snapshot(ctx, store.Query{AccountKeys: accounts, Reps: reps, Now: now})
	if err != nil {
		return 0, 0, fmt.Errorf("read the current state: %w", err)
	}
	current := snap.State

	setOwner := func(key, rep string, customer bool) error {
		role := "owner"
		reason := importReason
		if customer {
			role, reason = "customer", "customer"
		}
		_, wasCustomer := current.Customers[key]
		was, found := current.Owners[key]
		if found && was == rep && wasCustomer == customer {
			unchanged++
			return nil
		}
		if err := st.SetOwner(ctx, key, store.Owner{Rep: rep, Customer: customer, Since: now, Reason: reason}); err != nil {
			return err
		}
		changed++
		fmt.Fprintf(stdout, "%s %s: %s (was %s)\n", role, key, rep, describeOwner(was, found, wasCustomer))
		return nil
	}
	for _, key := range sortedKeys(state.Owners) {
		if err := setOwner(key, state.Owners[key], false); err != nil {
			return changed, unchanged, err
		}
	}
	for _, key := range sortedKeys(state.Customers) {
		if err := setOwner(key, state.Customers[key], true); err != nil {
			return changed, unchanged, err
		}
	}

	for _, rep := range sortedKeys(state.Active) {
		n := state.Active[rep]
		was, found := current.Active[rep]
		if found && was == n {
			unchanged++
			continue
		}
		if err := st.SetActive(ctx, rep, n); err != nil {
			return changed, unchanged, err
		}
		changed++
		fmt.Fprintf(stdout, "active %s: %d (was %s)\n", rep, n, describeCount(was, found))
	}

	for _, rep := range sortedKeys(state.Absences) {
		periods := state.Absences[rep]
		was := current.Absences[rep]
		if absencesEqual(was, periods) {
			unchanged++
			continue
		}
		if err := st.SetAbsences(ctx, rep, periods); err != nil {
			return changed, unchanged, err
		}
		changed++
		fmt.Fprintf(stdout, "absences %s: %s (was %s)\n", rep, describeAbsences(periods), describeAbsences(was))
	}
	return changed, unchanged, nil
}

func describeOwner(rep string, found, customer bool) string {
	switch {
	case !found:
		return "no owner"
	case customer:
		return "customer of " + rep
	}
	return "owned by " + rep
}

func describeCount(n int, found bool) string {
	if !found {
		return "no count"
	}
	return fmt.Sprint(n)
}

func describeAbsences(periods []routing.Absence) string {
	if len(periods) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(periods))
	for _, a := range periods {
		parts = append(parts, a.From.UTC().Format(time.RFC3339)+" to "+a.Until.UTC().Format(time.RFC3339))
	}
	return strings.Join(parts, ", ")
}

// absencesEqual compares periods by instant, ignoring time zones.
func absencesEqual(a, b []routing.Absence) bool {
	return slices.EqualFunc(a, b, func(x, y routing.Absence) bool {
		return x.From.Equal(y.From) && x.Until.Equal(y.Until)
	})
}

// stateOutput is the team-state file that state show prints. It has no
// owners or customers, because the store cannot list accounts.
type stateOutput struct {
	Active   map[string]int               `json:"active"`
	Absences map[string][]routing.Absence `json:"absences"`
}

// runStateShow prints each rep's active count and time off from the store.
func runStateShow(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, rest, code, ok := parseStateFlags("show", args, stderr, []string{
		"Usage: leadrouter state show --plan PLAN.yaml (--data DIR | --table NAME)",
		"",
		"Prints the active-opportunity count and time off of every rep of the plan",
		"as a team-state file, which state import reads back after an edit. A rep",
		"the store has no record of shows 0. Time off is in UTC, ends exclusive.",
		"Owners and customers are not shown: the store has no operation that lists",
		"accounts yet, so an account's owner is only visible through routing.",
	})
	if !ok {
		return code
	}
	if len(rest) != 0 {
		fmt.Fprintf(stderr, "leadrouter state show: unexpected arguments %q; every setting is a flag\n", rest)
		return 2
	}

	p, err := plan.Load(cfg.planPath)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter state show: %v\n", err)
		return 1
	}
	st, closeStore, err := openTeamStore(ctx, cfg, false)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter state show: %v\n", err)
		return 1
	}
	defer func() {
		if err := closeStore(); err != nil {
			fmt.Fprintf(stderr, "leadrouter state show: %v\n", err)
		}
	}()

	reps := p.RepIDs()
	snap, err := st.Snapshot(ctx, store.Query{Reps: reps})
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter state show: read the store: %v\n", err)
		return 1
	}
	out := stateOutput{Active: map[string]int{}, Absences: map[string][]routing.Absence{}}
	for _, rep := range reps {
		out.Active[rep] = snap.State.Active[rep]
		if periods := snap.State.Absences[rep]; len(periods) > 0 {
			out.Absences[rep] = periods
		}
	}

	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter state show: encode the state: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, string(data))
	return 0
}
