package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
)

// runRoute routes one lead from a JSON file and prints the decision.
func runRoute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("leadrouter route", flag.ContinueOnError)
	fs.SetOutput(stderr)
	planPath := fs.String("plan", "", "territory plan file (YAML); required")
	statePath := fs.String("state", "", "team state file (JSON): active counts, owners, customers, absences; default: empty")
	at := fs.String("at", "", "time of routing in RFC 3339, such as 2026-12-24T10:00:00+01:00; default: now")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: leadrouter route --plan PLAN.yaml [--state STATE.json] [--at RFC3339] LEAD.json")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Routes one lead and prints the decision as JSON. Exits 1 when a file is")
		fmt.Fprintln(stderr, "unreadable or invalid, 2 on a usage error.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *planPath == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "leadrouter route: need --plan and exactly one lead file")
		fs.Usage()
		return 2
	}

	now := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "leadrouter route: invalid --at %q: write a time in RFC 3339, such as 2026-12-24T10:00:00+01:00\n", *at)
			return 2
		}
		now = t
	}

	decision, err := routeFiles(*planPath, *statePath, fs.Arg(0), now)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter route: %v\n", err)
		return 1
	}

	out, err := json.MarshalIndent(decisionJSON(decision), "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter route: encode decision: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, string(out))
	return 0
}

// routeFiles loads the plan, the state and the lead, and routes the lead.
func routeFiles(planPath, statePath, leadPath string, now time.Time) (routing.Decision, error) {
	p, err := plan.Load(planPath)
	if err != nil {
		return routing.Decision{}, err
	}
	engine, err := routing.New(p)
	if err != nil {
		return routing.Decision{}, err
	}

	state := &routing.State{}
	if statePath != "" {
		state, err = loadState(statePath, p)
		if err != nil {
			return routing.Decision{}, err
		}
	}

	l, err := loadLead(leadPath)
	if err != nil {
		return routing.Decision{}, err
	}
	return engine.Route(l, state, now), nil
}

// decisionOutput is the JSON form of a decision that route prints.
type decisionOutput struct {
	Owner       string              `json:"owner"`
	CoveredBy   string              `json:"covered_by"`
	Rule        string              `json:"rule"`
	Zone        routing.Zone        `json:"zone"`
	Split       *routing.Split      `json:"split"`
	Escalation  *routing.Escalation `json:"escalation"`
	Explanation []string            `json:"explanation"`
	Reservation routing.Reservation `json:"reservation"`
}

func decisionJSON(d routing.Decision) decisionOutput {
	explanation := d.Explanation
	if explanation == nil {
		explanation = []string{}
	}
	return decisionOutput{
		Owner:       d.Owner,
		CoveredBy:   d.CoveredBy,
		Rule:        d.Rule,
		Zone:        d.Zone,
		Split:       d.Split,
		Escalation:  d.Escalation,
		Explanation: explanation,
		Reservation: d.Reservation,
	}
}

// leadInput is the JSON form of a lead that route reads.
type leadInput struct {
	ID         string            `json:"id"`
	ReceivedAt time.Time         `json:"received_at"`
	Form       string            `json:"form"`
	Email      string            `json:"email"`
	Phone      string            `json:"phone"`
	FirstName  string            `json:"first_name"`
	LastName   string            `json:"last_name"`
	Company    string            `json:"company"`
	Domain     string            `json:"domain"`
	Website    string            `json:"website"`
	Source     string            `json:"source"`
	Industry   string            `json:"industry"`
	Country    string            `json:"country"`
	Region     string            `json:"region"`
	Employees  int               `json:"employees"`
	Potential  float64           `json:"potential"`
	Referrer   string            `json:"referrer"`
	Message    string            `json:"message"`
	Attributes map[string]string `json:"attributes"`
}

// loadLead reads a lead file. Unknown keys are rejected so that a typo
// ("compnay") does not silently route a lead without its company.
func loadLead(path string) (*lead.Lead, error) {
	var in leadInput
	if err := decodeStrict(path, &in); err != nil {
		return nil, fmt.Errorf("lead %s: %w", path, err)
	}
	if in.Employees < 0 {
		return nil, fmt.Errorf("lead %s: employees %d is negative; write the headcount, or 0 when unknown", path, in.Employees)
	}
	if in.Potential < 0 || math.IsInf(in.Potential, 0) {
		return nil, fmt.Errorf("lead %s: potential %v is not a usable amount; write the deal potential, or 0 when unknown", path, in.Potential)
	}

	return &lead.Lead{
		ID: in.ID, ReceivedAt: in.ReceivedAt, Form: in.Form,
		Email: in.Email, Phone: in.Phone, FirstName: in.FirstName, LastName: in.LastName,
		Company: in.Company, Domain: lead.NormalizeDomain(in.Domain), Website: in.Website,
		Source: in.Source, Industry: in.Industry, Country: in.Country, Region: in.Region,
		Employees: in.Employees, Potential: in.Potential,
		Referrer: in.Referrer, Message: in.Message, Attributes: in.Attributes,
	}, nil
}

// decodeStrict reads one JSON value from a file, rejecting unknown keys
// and trailing data.
func decodeStrict(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return errors.New("invalid JSON: more than one value in the file")
	}
	return nil
}
