// Package plan loads and validates a team's territory plan. The plan is a
// YAML file in which a sales lead writes who the reps are, which rules give
// each rep a primary zone, which verticals are shared, who backs up whom,
// and who takes a lead that no rule covers.
//
// Parse validates the whole file in one pass. An invalid plan gives a
// *ValidationError that lists every problem with its line, its YAML path,
// what is wrong and how to fix it, so a non-engineer can repair the file
// from one run of "leadrouter plan check".
package plan

import (
	"strings"
	"time"

	// The plan's time zones must resolve the same way on a Lambda image
	// without a zoneinfo database as on a laptop.
	_ "time/tzdata"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// Plan is a validated territory plan. Parse is the only way to get one, so
// every rep a rule, pool, backup or overflow names exists.
type Plan struct {
	// Name is a label for the plan ("Two-rep team").
	Name string
	// TimeZone is the team's IANA time zone; reps without their own use it.
	TimeZone string
	// Currency is the ISO 4217 code of every amount in the plan and of
	// lead.Lead.Potential.
	Currency string
	// Reps lists the team in the order the file gives. Ties between
	// equally loaded reps go to the one listed first.
	Reps []Rep
	// Leadership lists the email addresses that receive the weekly report.
	Leadership []string
	// Escalation is the email address of the manager who receives
	// escalated leads.
	Escalation string
	Site       Site
	// ActiveStages lists the sheet stages that count as an active
	// opportunity for capacity.
	ActiveStages []string
	// FreeMailDomains lists the plan's additions to the built-in free-mail
	// list, normalised.
	FreeMailDomains []string
	// Rules are the primary-zone rules in the order they are tried.
	Rules []Rule
	// Collaborative lists the shared verticals, tried after the rules.
	Collaborative []CollaborativeZone
	// Fallback takes a lead that no rule and no collaborative zone matches.
	Fallback Target

	location *time.Location
	repIndex map[string]int
	// freeMail holds the built-in free-mail domains and the plan's
	// additions in one map, so a check costs one lookup.
	freeMail  map[string]bool
	activeSet map[string]bool
}

// Rep is one sales rep.
type Rep struct {
	// ID is the short name used everywhere else in the plan and in the
	// sheet ("ana").
	ID    string
	Name  string
	Email string
	// TimeZone is the rep's IANA time zone, used for time off and working
	// days.
	TimeZone string
	// Capacity is the capacity trigger: at this many active opportunities
	// or more the rep receives no new leads except through ownership,
	// referrals and rules that ignore capacity.
	Capacity int
	// Backup is the rep id who covers while this rep is away; empty for
	// none.
	Backup string
	// Overflow is the rep id who takes this rep's new leads while this rep
	// is at capacity; empty for none.
	Overflow string
	// WorkingDays lists the days the rep works, in the rep's time zone.
	WorkingDays []time.Weekday

	location *time.Location
}

// Location returns the rep's time zone.
func (r Rep) Location() *time.Location {
	if r.location == nil {
		return time.UTC
	}
	return r.location
}

// Site holds the settings of the public lead form.
type Site struct {
	// ThankYouURL is the page a browser is sent to after it posts a form:
	// an absolute http(s) URL or a path such as "/thanks".
	ThankYouURL string
	// Origins lists the origins ("https://www.example.com") whose pages
	// may post forms from a browser (CORS).
	Origins []string
}

// Rule is one primary-zone rule.
type Rule struct {
	// ID names the rule in decisions and in the sheet.
	ID string
	// When holds the conditions, all of which must match. An empty When
	// matches every lead.
	When []Condition
	// To is the rep or pool that receives a matching lead.
	To Target
	// IgnoreCapacity sends matching leads to the target even when the
	// target is at capacity ("inbound above $10k always goes to ben").
	IgnoreCapacity bool
	// Line is the rule's line in the plan file.
	Line int

	column int
	// invalid marks a rule whose conditions had problems, so that the
	// reachability check does not judge the part that was read.
	invalid bool
}

// CollaborativeZone is a vertical that several reps may prospect.
type CollaborativeZone struct {
	ID string
	// When holds the conditions, all of which must match; it is never
	// empty.
	When []Condition
	// Members lists the rep ids who share the zone, at least two.
	Members []string
	// Split is the credit split for large deals, or nil for none.
	Split *SplitPolicy
	// Line is the zone's line in the plan file.
	Line int

	column  int
	invalid bool
}

// SplitPolicy shares credit for a collaborative deal whose potential is at
// or above Threshold between the rep who prospects it and the closer.
type SplitPolicy struct {
	// Threshold is the deal potential, in the plan's currency, from which
	// credit is split.
	Threshold float64
	// ProspectorShare is the prospector's share of the credit, above 0 and
	// below 1; the closer gets the rest.
	ProspectorShare float64
	// Closer is the member who closes large deals in this zone.
	Closer string
}

// Target is the receiver of a rule's or the fallback's leads: one rep, or
// a pool whose least-loaded member takes each lead. Exactly one of Rep and
// Pool is set.
type Target struct {
	Rep  string
	Pool []string
}

// String returns the target as the plan file writes it: "ana" or
// "pool ana, ben".
func (t Target) String() string {
	if t.Rep != "" {
		return t.Rep
	}
	return "pool " + strings.Join(t.Pool, ", ")
}

// Field names a lead attribute that a condition tests.
type Field string

// Fields a condition may test.
const (
	FieldSource    Field = "source"
	FieldIndustry  Field = "industry"
	FieldCountry   Field = "country"
	FieldRegion    Field = "region"
	FieldEmployees Field = "employees"
	FieldPotential Field = "potential"
)

// IsNumeric reports whether the field holds a number, tested with a Range,
// rather than text, tested with Values.
func (f Field) IsNumeric() bool {
	return f == FieldEmployees || f == FieldPotential
}

// Condition tests one lead field. A text field matches when the lead's
// value equals one of Values, ignoring case and treating runs of spaces,
// hyphens and underscores as one space. A numeric field matches when the
// lead's value is known (not 0) and inside Range.
type Condition struct {
	Field  Field
	Values []string
	Range  Range
}

// Range is an interval of numbers. Each bound is optional; Min and Max
// are inclusive, Above and Below exclusive, and a bound that is not set is
// nil.
type Range struct {
	Min, Max     *float64
	Above, Below *float64
}

// Location returns the team's time zone.
func (p *Plan) Location() *time.Location {
	if p.location == nil {
		return time.UTC
	}
	return p.location
}

// Rep returns the rep with this id.
func (p *Plan) Rep(id string) (Rep, bool) {
	i, ok := p.repIndex[id]
	if !ok {
		return Rep{}, false
	}
	return p.Reps[i], true
}

// RepIndex returns the position of the rep with this id in Reps, or -1.
func (p *Plan) RepIndex(id string) int {
	i, ok := p.repIndex[id]
	if !ok {
		return -1
	}
	return i
}

// RepIDs returns the rep ids in the order the plan lists them.
func (p *Plan) RepIDs() []string {
	ids := make([]string, len(p.Reps))
	for i, r := range p.Reps {
		ids[i] = r.ID
	}
	return ids
}

// IsActiveStage reports whether a sheet stage counts as an active
// opportunity. The comparison ignores case and surrounding spaces.
func (p *Plan) IsActiveStage(stage string) bool {
	return p.activeSet[strings.ToLower(strings.TrimSpace(stage))]
}

// IsFreeMail reports whether a domain belongs to a free-mail provider on
// the built-in list or the plan's free_mail_domains: the domain or one of
// its parent domains is listed, so "mail.gmail.com" is free-mail. Such
// domains never establish account ownership. The domain is normalised
// first.
func (p *Plan) IsFreeMail(domain string) bool {
	return p.isFreeMailDomain(lead.NormalizeDomain(domain))
}

// isFreeMailDomain is IsFreeMail for a normalised domain. It looks up the
// domain and each parent of two or more labels. Parsing rejects a listed
// public suffix such as "co.uk", so a parent that is a public suffix never
// matches.
func (p *Plan) isFreeMailDomain(d string) bool {
	for d != "" {
		if p.freeMail[d] {
			return true
		}
		dot := strings.IndexByte(d, '.')
		if dot < 0 || strings.IndexByte(d[dot+1:], '.') < 0 {
			return false
		}
		d = d[dot+1:]
	}
	return false
}

// LeadDomain returns the normalised domain that identifies the lead's
// company, trying the lead's Domain, then its Website, then its Email, and
// skipping free-mail domains and public suffixes such as "co.uk", which
// name no account. The domain keeps its subdomains; its
// account key (lead.DomainKey) uses the registrable domain. When the only domain found is a free-mail
// one, domain is "" and freeMail names it. Both are "" when the lead has
// no usable domain. It does not allocate when Domain is already
// normalised and lead.IsPublicSuffix has looked it up before.
func (p *Plan) LeadDomain(l *lead.Lead) (domain, freeMail string) {
	candidates := [3]string{l.Domain, l.Website, l.Email}
	for i, c := range candidates {
		if c == "" {
			continue
		}
		var d string
		if i == 2 {
			d = lead.DomainFromEmail(c)
		} else {
			d = lead.NormalizeDomain(c)
		}
		if d == "" || lead.IsPublicSuffix(d) {
			continue
		}
		if p.isFreeMailDomain(d) {
			if freeMail == "" {
				freeMail = d
			}
			continue
		}
		return d, ""
	}
	return "", freeMail
}

// AccountDomain returns the domain of LeadDomain, or "" when the lead has
// no domain that may establish ownership.
func (p *Plan) AccountDomain(l *lead.Lead) string {
	d, _ := p.LeadDomain(l)
	return d
}

// AccountKeys returns the account keys of the lead's company, to look up
// in the store's owners and customers: the domain key when a domain is
// known and not free-mail, and the company key when the company name is
// known. It returns nil when neither is.
//
// The engine matches ownership on the domain key when there is one and on
// the company key only otherwise, because a company name is a weaker
// identity than a domain. When the lead names a referrer, the store query
// must also include ReferrerKeys, or the referral step finds no customer.
func (p *Plan) AccountKeys(l *lead.Lead) []string {
	var keys []string
	if d := p.AccountDomain(l); d != "" {
		keys = append(keys, lead.DomainKey(d))
	}
	if c := lead.CompanyKey(l.Company); c != "" {
		keys = append(keys, c)
	}
	return keys
}

// ReferrerKeys returns the account keys under which the referring customer
// that the lead names may be stored: the domain key when Referrer reads as
// a domain, and the company key. It returns nil when the lead names no
// referrer.
func (p *Plan) ReferrerKeys(l *lead.Lead) []string {
	var keys []string
	if d := ReferrerDomain(l.Referrer); d != "" {
		keys = append(keys, lead.DomainKey(d))
	}
	if c := lead.CompanyKey(l.Referrer); c != "" {
		keys = append(keys, c)
	}
	return keys
}

// ReferrerDomain returns the normalised domain that a lead's Referrer
// names, or "". A referrer is read as a domain only when it has no spaces
// and a dot, so "Acme Inc." stays a company name. A public suffix such as
// "co.uk" gives "" because it names no account.
func ReferrerDomain(referrer string) string {
	r := strings.TrimSpace(referrer)
	if r == "" || strings.ContainsAny(r, " \t") || !strings.Contains(strings.TrimSuffix(r, "."), ".") {
		return ""
	}
	d := lead.NormalizeDomain(r)
	if d == "" || lead.IsPublicSuffix(d) {
		return ""
	}
	return d
}
