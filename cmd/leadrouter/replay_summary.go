package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
)

// maxExampleLines is how many example line numbers a group of rejected or
// failed rows lists.
const maxExampleLines = 5

// replaySummary counts the outcomes of a replay.
type replaySummary struct {
	file, to string
	elapsed  time.Duration

	accepted   int
	duplicates int
	rejected   int
	failed     int
	// byRep and byZone count every accepted row, repeats included;
	// repeatsByRep and repeatsByZone count the repeats among them.
	byRep         map[string]int
	byZone        map[string]int
	repeatsByRep  map[string]int
	repeatsByZone map[string]int
	// revealed counts the accepted rows whose response named the owner;
	// only those can show an escalation.
	revealed  int
	escalated int
	// escalations counts escalated rows by kind of reason (see
	// escalationKinds); a row whose reason has several kinds counts once
	// under each.
	escalations map[string]int
	// escalatedRepeats and repeatEscalations count the repeats among
	// escalated and escalations.
	escalatedRepeats  int
	repeatEscalations map[string]int
	// shortRows are the lines of the rows with fewer fields than the
	// header, replayed with their missing columns blank.
	shortRows []int
	// rejections and failures group rows by reason.
	rejections map[string]*reasonGroup
	failures   map[string]*reasonGroup
	// leadIDs maps a CSV line to the lead id it was accepted as.
	leadIDs map[int]string
	// owners maps a CSV line to the owner the intake revealed.
	owners map[int]string
}

// reasonGroup is the rows that share one reason.
type reasonGroup struct {
	reason string
	lines  []int
}

func newReplaySummary(file, to string) *replaySummary {
	return &replaySummary{
		file:              file,
		to:                to,
		byRep:             map[string]int{},
		byZone:            map[string]int{},
		repeatsByRep:      map[string]int{},
		repeatsByZone:     map[string]int{},
		escalations:       map[string]int{},
		repeatEscalations: map[string]int{},
		rejections:        map[string]*reasonGroup{},
		failures:          map[string]*reasonGroup{},
		leadIDs:           map[int]string{},
		owners:            map[int]string{},
	}
}

// quotedValue matches a quoted value inside a problem, so that rows whose
// values differ but whose problem is the same fall into one group.
var quotedValue = regexp.MustCompile(`"[^"]*"`)

func (s *replaySummary) add(line int, r rowResult) {
	switch {
	case r.leadID != "":
		s.accepted++
		rep := firstNonEmpty(r.owner, "(not revealed)")
		zone := firstNonEmpty(r.zone, "(not revealed)")
		s.byRep[rep]++
		s.byZone[zone]++
		if r.duplicate {
			s.duplicates++
			s.repeatsByRep[rep]++
			s.repeatsByZone[zone]++
		}
		s.leadIDs[line] = r.leadID
		s.owners[line] = r.owner
		if r.owner != "" {
			s.revealed++
		}
		if r.escalation != "" {
			s.escalated++
			if r.duplicate {
				s.escalatedRepeats++
			}
			for _, kind := range escalationKinds(r.escalation) {
				s.escalations[kind]++
				if r.duplicate {
					s.repeatEscalations[kind]++
				}
			}
		}

	case len(r.reasons) > 0:
		s.rejected++
		for _, reason := range r.reasons {
			addToGroup(s.rejections, quotedValue.ReplaceAllString(reason, `"…"`), line)
		}

	default:
		s.failed++
		addToGroup(s.failures, firstNonEmpty(r.failure, fmt.Sprintf("HTTP %d", r.status)), line)
	}
}

// escalationMarkers map a phrase of the routing engine's escalation
// reasons to the kind the summary counts it under.
//
// NOTE: the phrases copy the engine's wording, because an escalation has
// no machine-readable kind; a reworded reason falls under "other".
var escalationMarkers = []struct{ phrase, kind string }{
	{"at or over capacity", "all reps at capacity"},
	{"Nobody who could take the lead is available", "nobody available"},
	{"who is not in the plan", "owner not in the plan"},
}

// escalationKinds returns the kinds of an escalation reason, in the order
// of escalationMarkers, or "other" when no phrase matches.
func escalationKinds(reason string) []string {
	var kinds []string
	for _, m := range escalationMarkers {
		if strings.Contains(reason, m.phrase) {
			kinds = append(kinds, m.kind)
		}
	}
	if len(kinds) == 0 {
		return []string{"other"}
	}
	return kinds
}

func addToGroup(groups map[string]*reasonGroup, reason string, line int) {
	g := groups[reason]
	if g == nil {
		g = &reasonGroup{reason: reason}
		groups[reason] = g
	}
	g.lines = append(g.lines, line)
}

func (s *replaySummary) total() int { return s.accepted + s.rejected + s.failed }

// print writes the summary in plain text.
func (s *replaySummary) print(w io.Writer) {
	rate := 0.0
	if s.elapsed > 0 {
		rate = float64(s.total()) / s.elapsed.Seconds()
	}
	fmt.Fprintf(w, "Replayed %d rows of %s to %s in %s (%.0f rows/s).\n", s.total(), s.file, s.to, s.elapsed.Round(10*time.Millisecond), rate)

	fmt.Fprintf(w, "Accepted: %d", s.accepted)
	if s.duplicates > 0 {
		fmt.Fprintf(w, " (%d of them repeats of an earlier submission, given the original lead)", s.duplicates)
	}
	fmt.Fprintln(w)
	if s.accepted > 0 {
		fmt.Fprintf(w, "  by rep:  %s\n", formatCounts(s.byRep, s.repeatsByRep))
		fmt.Fprintf(w, "  by zone: %s\n", formatCounts(s.byZone, s.repeatsByZone))
		switch {
		case s.revealed == 0:
			fmt.Fprintln(w, "  escalated: unknown, because the intake does not reveal routing")
		case s.escalated == 0:
			fmt.Fprintln(w, "  escalated: 0")
		default:
			fmt.Fprintf(w, "  escalated: %s, for a manager to review (%s)\n", formatCount(s.escalated, s.escalatedRepeats), formatCounts(s.escalations, s.repeatEscalations))
		}
	}

	if len(s.shortRows) > 0 {
		fmt.Fprintf(w, "Warning: %d rows have fewer fields than the header and were sent with their last columns blank (lines %s); check the export for cut-off rows\n", len(s.shortRows), formatLines(s.shortRows))
	}

	fmt.Fprintf(w, "Rejected: %d\n", s.rejected)
	printGroups(w, s.rejections)
	if s.failed > 0 {
		fmt.Fprintf(w, "Failed (no response; run the same command again to retry them): %d\n", s.failed)
		printGroups(w, s.failures)
	}
}

// formatCount returns n, followed by how many of them are repeats of an
// earlier submission when there are any.
func formatCount(n, repeats int) string {
	if repeats == 0 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%d (%d of them repeats)", n, repeats)
}

// formatCounts lists counts largest first, then by name, each with its
// number of repeats when there are any.
func formatCounts(counts, repeats map[string]int) string {
	names := make([]string, 0, len(counts))
	for name := range counts {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})

	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + " " + formatCount(counts[name], repeats[name])
	}
	return strings.Join(parts, ", ")
}

func printGroups(w io.Writer, groups map[string]*reasonGroup) {
	list := make([]*reasonGroup, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		if len(list[i].lines) != len(list[j].lines) {
			return len(list[i].lines) > len(list[j].lines)
		}
		return list[i].reason < list[j].reason
	})

	for _, g := range list {
		fmt.Fprintf(w, "  %d × %s (lines %s)\n", len(g.lines), g.reason, formatLines(g.lines))
	}
}

// formatLines sorts lines and lists the first maxExampleLines of them,
// with "…" when there are more.
func formatLines(lines []int) string {
	sort.Ints(lines)
	examples := make([]string, 0, maxExampleLines+1)
	for _, line := range lines[:min(len(lines), maxExampleLines)] {
		examples = append(examples, fmt.Sprint(line))
	}
	if len(lines) > maxExampleLines {
		examples = append(examples, "…")
	}
	return strings.Join(examples, ", ")
}
