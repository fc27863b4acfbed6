package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
)

// stateInput is the JSON form of a team-state file, which route --state and
// state import read and state show prints. Every key is optional.
type stateInput struct {
	Active    map[string]int               `json:"active"`
	Owners    map[string]string            `json:"owners"`
	Customers map[string]string            `json:"customers"`
	Absences  map[string][]json.RawMessage `json:"absences"`
}

// absenceInput is one time-off entry written as an object.
type absenceInput struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
}

// teamState is a checked team-state file. Owners and Customers map account
// keys, as plan.Plan.AccountKeys makes them, to rep ids; a customer is
// listed in Customers only. Absences of a rep listed with an empty list is
// an empty, non-nil slice, which clears the rep's time off on import.
type teamState struct {
	Active    map[string]int
	Owners    map[string]string
	Customers map[string]string
	Absences  map[string][]routing.Absence
}

// routingState returns the state the engine reads. A customer is also an
// owner, as in the store: a company that is a customer routes to its rep.
func (s *teamState) routingState() *routing.State {
	out := &routing.State{
		Active:    s.Active,
		Owners:    make(map[string]string, len(s.Owners)+len(s.Customers)),
		Customers: s.Customers,
		Absences:  s.Absences,
	}
	for key, rep := range s.Owners {
		out.Owners[key] = rep
	}
	for key, rep := range s.Customers {
		out.Owners[key] = rep
	}
	return out
}

// loadState reads a team-state file for route --state.
func loadState(path string, p *plan.Plan) (*routing.State, error) {
	s, problems := readStateFile(path, p)
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return s.routingState(), nil
}

// readStateFile reads a team-state file and checks every rep against the
// plan. It returns every problem it finds, each naming the file, the key and
// the fix, and a nil state when there is any.
func readStateFile(path string, p *plan.Plan) (*teamState, []error) {
	in, decodeProblems, err := decodeStateInput(path)
	if err != nil {
		return nil, []error{fmt.Errorf("state %s: %w", path, err)}
	}

	s := &teamState{
		Active:    map[string]int{},
		Owners:    map[string]string{},
		Customers: map[string]string{},
		Absences:  map[string][]routing.Absence{},
	}
	var problems []error
	problem := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf("state %s: "+format, append([]any{path}, args...)...))
	}
	for _, err := range decodeProblems {
		problem("%w", err)
	}
	unknownRep := func(section, rep string) {
		problem("%s: unknown rep %q; use one of %s", section, rep, quoteList(p.RepIDs()))
	}

	for _, rep := range sortedKeys(in.Active) {
		n := in.Active[rep]
		if _, ok := p.Rep(rep); !ok {
			unknownRep("active", rep)
			continue
		}
		if n < 0 {
			problem("active: %q has %d active opportunities; write 0 or more", rep, n)
			continue
		}
		s.Active[rep] = n
	}

	for _, err := range readAccounts(in.Owners, s.Owners, p) {
		problem("owners: %w", err)
	}
	for _, err := range readAccounts(in.Customers, s.Customers, p) {
		problem("customers: %w", err)
	}
	for _, key := range sortedKeys(s.Customers) {
		if rep, ok := s.Owners[key]; ok && rep != s.Customers[key] {
			problem("account %q is owned by %q in owners and by %q in customers; an account has one owner, so list it in customers only", key, rep, s.Customers[key])
		}
		delete(s.Owners, key)
	}

	for _, rep := range sortedKeys(in.Absences) {
		r, ok := p.Rep(rep)
		if !ok {
			unknownRep("absences", rep)
			continue
		}
		s.Absences[rep] = []routing.Absence{}
		for i, raw := range in.Absences[rep] {
			a, err := readAbsence(raw, r.Location())
			if err != nil {
				problem("absences: %q[%d]: %w", rep, i, err)
				continue
			}
			s.Absences[rep] = append(s.Absences[rep], a)
		}
	}

	if len(problems) > 0 {
		return nil, problems
	}
	return s, nil
}

// readAccounts copies account owners, turning each key into an account
// key: "domain:acme.com" and "company:Acme Inc" are normalised, a bare
// domain ("acme.com") becomes a domain key and anything else a company
// key. It returns one error per invalid entry.
func readAccounts(in, out map[string]string, p *plan.Plan) []error {
	var problems []error
	for _, k := range sortedKeys(in) {
		rep := in[k]
		if err := checkAccountDomain(k, p); err != nil {
			problems = append(problems, err)
			continue
		}
		key := accountKey(k)
		switch {
		case key == "":
			problems = append(problems, fmt.Errorf("key %q names no domain or company; write \"acme.com\", \"domain:acme.com\" or \"company:Acme Inc\"", k))
			continue
		case strings.TrimSpace(rep) == "":
			problems = append(problems, fmt.Errorf("%q has no rep; write the owner's rep id", k))
			continue
		}
		if _, ok := p.Rep(rep); !ok {
			problems = append(problems, fmt.Errorf("%q: unknown rep %q; use one of %s", k, rep, quoteList(p.RepIDs())))
			continue
		}
		if earlier, ok := out[key]; ok && earlier != rep {
			problems = append(problems, fmt.Errorf("%q is account %q, which another entry gives to %q; keep one entry", k, key, earlier))
			continue
		}
		out[key] = rep
	}
	return problems
}

// checkAccountDomain rejects a key that names a free-mail domain, which
// never establishes ownership, or a public suffix such as "co.uk" or
// "github.io", under which anyone registers names.
func checkAccountDomain(k string, p *plan.Plan) error {
	var d string
	if rest, ok := strings.CutPrefix(k, "domain:"); ok {
		d = lead.NormalizeDomain(rest)
	} else if !strings.HasPrefix(k, "company:") {
		r := strings.TrimSpace(k)
		if !strings.ContainsAny(r, " \t") && strings.Contains(strings.TrimSuffix(r, "."), ".") {
			d = lead.NormalizeDomain(r)
		}
	}

	switch {
	case d == "":
		return nil
	case lead.IsPublicSuffix(d):
		return fmt.Errorf("%q is the public suffix %q, which names no account; write the company's own domain such as \"acme.%s\"", k, d, d)
	case p.IsFreeMail(d):
		return fmt.Errorf("%q is the free-mail domain %q, which never establishes ownership; write the company's own domain or \"company:Name\"", k, d)
	}
	return nil
}

func accountKey(k string) string {
	if rest, ok := strings.CutPrefix(k, "domain:"); ok {
		return lead.DomainKey(rest)
	}
	if rest, ok := strings.CutPrefix(k, "company:"); ok {
		return lead.CompanyKey(rest)
	}
	if d := plan.ReferrerDomain(k); d != "" {
		return lead.DomainKey(d)
	}
	return lead.CompanyKey(k)
}

// readAbsence reads one time-off entry: text as reps type it in the sheet
// ("2026-12-24 to 2026-12-28"), read in the rep's time zone, or an object
// with RFC 3339 "from" and "until".
func readAbsence(raw json.RawMessage, loc *time.Location) (routing.Absence, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return routing.ParseAbsence(text, loc)
	}

	var in absenceInput
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return routing.Absence{}, fmt.Errorf("expected text such as \"2026-12-24 to 2026-12-28\" or {\"from\": RFC 3339, \"until\": RFC 3339}: %w", err)
	}
	if in.From.IsZero() {
		return routing.Absence{}, errors.New("missing from; write the start of the time off in RFC 3339, or use the text \"until 2026-12-28\"")
	}
	if in.Until.IsZero() {
		return routing.Absence{}, errors.New("missing until; write the end of the time off in RFC 3339")
	}
	if !in.Until.After(in.From) {
		return routing.Absence{}, fmt.Errorf("until %s is not after from %s", in.Until.Format(time.RFC3339), in.From.Format(time.RFC3339))
	}
	return routing.Absence{From: in.From, Until: in.Until}, nil
}

// sortedKeys returns the keys of m in order, so that problems and changes
// print in the same order on every run.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
