package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	yaml "go.yaml.in/yaml/v3"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/currency"

	"github.com/leadrouter/leadrouter/shared/lead"
)

// Defaults for keys a plan may leave out.
var (
	defaultWorkingDays  = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	defaultActiveStages = []string{"New", "Contacted", "Qualified", "Proposal", "Negotiation"}
)

const (
	defaultCurrency    = "USD"
	defaultThankYouURL = "/thanks"
)

var planKeys = []string{
	"name", "time_zone", "currency", "working_days", "reps", "leadership",
	"escalation", "site", "active_stages", "free_mail_domains", "rules",
	"collaborative", "fallback",
}

var (
	repIDPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Load reads and parses the plan file at path. Problems are reported
// against path as given.
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plan: read %q: %w", path, err)
	}
	return Parse(data, path)
}

// Parse parses and validates a plan. filename names the source in
// problems. An invalid plan gives a *ValidationError with every problem.
func Parse(data []byte, filename string) (*Plan, error) {
	c := &checker{}
	p := c.parseDocument(data)
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool {
			a, b := c.problems[i], c.problems[j]
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return nil, &ValidationError{File: filename, Problems: c.problems}
	}
	return p, nil
}

func (c *checker) parseDocument(data []byte) *Plan {
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := decoder.Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && len(doc.Content) == 0 {
		c.report(nil, "", "the plan file is empty", "start from one of the example plans and edit it")
		return nil
	}
	if err != nil {
		c.problems = append(c.problems, syntaxProblem(err))
		return nil
	}
	c.checkOneDocument(decoder)

	root, ok := c.mappingOf(doc.Content[0], "", planKeys, "a mapping with reps, rules and fallback")
	if !ok {
		return nil
	}
	return c.parsePlan(root)
}

// checkOneDocument reports every YAML document after the first that
// contains a value. A plan is one document, and the parser would otherwise ignore
// whatever follows a "---" line. An empty document, such as a trailing
// "---", loses nothing and is accepted.
func (c *checker) checkOneDocument(decoder *yaml.Decoder) {
	for {
		var doc yaml.Node
		err := decoder.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			c.problems = append(c.problems, syntaxProblem(err))
			return
		}
		if len(doc.Content) == 0 || isNull(doc.Content[0]) {
			continue
		}
		c.report(&doc, "", "second YAML document: leadrouter reads only the first, so everything from this \"---\" line on would be ignored",
			"delete the \"---\" line so that the plan is one document, or move the second document to its own file")
	}
}

// parsePlan reads the top-level keys. Reps come first because rules,
// zones and the fallback refer to them.
func (c *checker) parsePlan(root mapping) *Plan {
	p := &Plan{repIndex: map[string]int{}}

	p.Name, _, _ = c.scalar(root, "name")
	p.TimeZone, p.location = c.timeZone(root, "time_zone", true)
	if p.location == nil {
		p.location = time.UTC
	}
	p.Currency = c.currency(root)
	teamDays := c.workingDays(root, defaultWorkingDays)

	c.parseReps(root, p, teamDays)
	c.parseContacts(root, p)
	c.parseSite(root, p)
	c.parseStages(root, p)
	c.parseFreeMail(root, p)

	c.parseRules(root, p)
	c.parseCollaborative(root, p)
	if n := root.get("fallback"); n != nil {
		p.Fallback, _ = c.target(n, "fallback", p)
	} else {
		c.report(root.node, "fallback", "missing fallback: a lead that no rule matches would have no owner",
			"add fallback: with one rep id (fallback: ana) or a pool (fallback: [ana, ben])")
	}

	c.checkIDs(p)
	c.checkReachable(p)
	c.checkOverlaps(p)
	return p
}

// timeZone reads an IANA time-zone name.
func (c *checker) timeZone(m mapping, key string, required bool) (string, *time.Location) {
	fix := "write an IANA time-zone name such as Europe/Berlin, America/New_York or UTC"
	var (
		name string
		n    *yaml.Node
		ok   bool
	)
	if required {
		name, n, ok = c.requiredScalar(m, key, fix)
	} else {
		name, n, ok = c.scalar(m, key)
	}
	if !ok || name == "" {
		return "", nil
	}

	if name == "Local" {
		c.report(n, join(m.path, key), `time zone "Local" depends on the machine that runs leadrouter`, fix)
		return "", nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		c.report(n, join(m.path, key), fmt.Sprintf("unknown time zone %q", name), fix)
		return "", nil
	}
	return name, loc
}

func (c *checker) currency(root mapping) string {
	v, n, ok := c.scalar(root, "currency")
	if !ok {
		return defaultCurrency
	}
	code := strings.ToUpper(v)
	fix := "write a three-letter ISO 4217 code of a currency in use, such as USD, EUR or GBP"
	if !currencyPattern.MatchString(code) {
		c.report(n, "currency", fmt.Sprintf("invalid currency %q", v), fix)
		return defaultCurrency
	}

	unit, err := currency.ParseISO(code)
	if err != nil {
		c.report(n, "currency", fmt.Sprintf("currency %q is not an ISO 4217 code", v), fix)
		return defaultCurrency
	}
	if !currentCurrencies()[unit] {
		c.report(n, "currency", fmt.Sprintf("currency %q is not a current currency in the CLDR data compiled into this program, which leaves out metals, codes such as XXX and the withdrawn currencies it records", v), fix)
		return defaultCurrency
	}
	return code
}

// currentCurrencies returns the currencies that are legal tender in some
// region with no end date, from the CLDR data compiled into
// golang.org/x/text/currency. It reads no clock, so parsing a plan gives
// the same result on every day until that module is updated.
//
// NOTE: that data predates some ISO 4217 changes, so the withdrawn VEF,
// MRO, HRK and CUC pass and their successors VES, MRU and SLE are not
// recognised at all. The check therefore promises only what the data holds.
var currentCurrencies = sync.OnceValue(func() map[currency.Unit]bool {
	units := map[currency.Unit]bool{}
	for it := currency.Query(); it.Next(); {
		units[it.Unit()] = true
	}
	return units
})

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

// workingDays reads working_days: a list of day names, a range such as
// "mon-fri", or "every day". It returns def when the key is absent.
func (c *checker) workingDays(m mapping, def []time.Weekday) []time.Weekday {
	values, nodes, n := c.list(m, "working_days")
	if n == nil {
		return def
	}

	fix := "write day names such as [mon, tue, wed, thu, fri], a range such as mon-fri, or \"every day\""
	var set [7]bool
	for i, v := range values {
		node := n
		if i < len(nodes) {
			node = nodes[i]
		}
		days, ok := parseDays(v)
		if !ok {
			c.report(node, join(m.path, "working_days"), fmt.Sprintf("unknown day %q", v), fix)
			continue
		}
		for _, d := range days {
			set[d] = true
		}
	}

	var days []time.Weekday
	for d := time.Monday; ; d = (d + 1) % 7 {
		if set[d] {
			days = append(days, d)
		}
		if d == time.Sunday {
			break
		}
	}
	if len(days) == 0 && len(values) > 0 {
		return def
	}
	if len(days) == 0 {
		c.report(n, join(m.path, "working_days"), "working_days lists no day", fix)
		return def
	}
	return days
}

// parseDays reads one working_days item.
func parseDays(v string) ([]time.Weekday, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "every day", "everyday", "daily", "all":
		return []time.Weekday{0, 1, 2, 3, 4, 5, 6}, true
	case "weekdays":
		return defaultWorkingDays, true
	}

	if d, ok := weekdayNames[v]; ok {
		return []time.Weekday{d}, true
	}

	from, to, ok := strings.Cut(v, "-")
	if !ok {
		from, to, ok = strings.Cut(v, "–")
	}
	if !ok {
		return nil, false
	}
	start, ok1 := weekdayNames[strings.TrimSpace(from)]
	end, ok2 := weekdayNames[strings.TrimSpace(to)]
	if !ok1 || !ok2 {
		return nil, false
	}
	var days []time.Weekday
	for d := start; ; d = (d + 1) % 7 {
		days = append(days, d)
		if d == end {
			break
		}
	}
	return days, true
}

var repKeys = []string{"id", "name", "email", "time_zone", "capacity", "backup", "overflow", "working_days"}

// parseReps reads the team, then checks backup and overflow references
// once every id is known.
func (c *checker) parseReps(root mapping, p *Plan, teamDays []time.Weekday) {
	n := root.get("reps")
	if n == nil {
		c.report(root.node, "reps", "missing reps: the plan needs at least one rep",
			"add reps: with one entry per rep (id, name, email, capacity)")
		return
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		c.report(n, "reps", fmt.Sprintf("expected a list of reps, found %s", describe(n)),
			"write one list item per rep, each starting with \"- id:\"")
		return
	}

	type refs struct {
		backup, overflow *yaml.Node
	}
	var repRefs []refs
	emails := map[string]int{}

	for i, item := range n.Content {
		path := index("reps", i)
		m, ok := c.mappingOf(item, path, repKeys, "- id: ana")
		if !ok {
			continue
		}

		r := Rep{}
		var idNode *yaml.Node
		r.ID, idNode, _ = c.requiredScalar(m, "id", "give the rep a short id such as ana")
		if r.ID != "" && !repIDPattern.MatchString(r.ID) {
			c.report(idNode, join(path, "id"), fmt.Sprintf("invalid rep id %q", r.ID),
				"use 1 to 32 lower-case letters, digits, - or _, starting with a letter or digit, such as ana")
			r.ID = ""
		}
		if first, dup := p.repIndex[r.ID]; dup && r.ID != "" {
			c.report(idNode, join(path, "id"), fmt.Sprintf("rep id %q is used twice (first by reps[%d])", r.ID, first), "give each rep a different id")
			continue
		}

		r.Name, _, _ = c.scalar(m, "name")
		if r.Name == "" {
			r.Name = r.ID
		}

		var emailNode *yaml.Node
		r.Email, emailNode, _ = c.requiredScalar(m, "email", "write the rep's work email address, such as ana@example.com")
		if r.Email != "" {
			if !validEmail(r.Email) {
				c.report(emailNode, join(path, "email"), fmt.Sprintf("invalid email address %q", r.Email), "write a plain address such as ana@example.com")
			} else if first, dup := emails[strings.ToLower(r.Email)]; dup {
				c.report(emailNode, join(path, "email"), fmt.Sprintf("email %q is used by reps[%d] too", r.Email, first), "give each rep their own address")
			} else {
				emails[strings.ToLower(r.Email)] = i
			}
		}

		r.TimeZone, r.location = c.timeZone(m, "time_zone", false)
		if r.location == nil {
			r.TimeZone, r.location = p.TimeZone, p.location
		}

		capacityFix := "write the number of active opportunities at which the rep stops receiving new leads, such as capacity: 15"
		capacity, capNode, ok := c.integer(m, "capacity", capacityFix)
		switch {
		case capNode == nil:
			c.report(m.node, join(path, "capacity"), "missing capacity", capacityFix)
		case ok && capacity <= 0:
			c.report(capNode, join(path, "capacity"), fmt.Sprintf("capacity %d is not above zero, so the rep could never take a lead", capacity), capacityFix)
		case ok:
			r.Capacity = capacity
		}

		r.WorkingDays = c.workingDays(m, teamDays)
		repRefs = append(repRefs, refs{backup: m.get("backup"), overflow: m.get("overflow")})

		if r.ID != "" {
			p.repIndex[r.ID] = len(p.Reps)
		}
		p.Reps = append(p.Reps, r)
	}

	for i := range p.Reps {
		r := &p.Reps[i]
		r.Backup = c.repRef(repRefs[i].backup, p, r.ID, index("reps", i)+".backup", "backup")
		r.Overflow = c.repRef(repRefs[i].overflow, p, r.ID, index("reps", i)+".overflow", "overflow")
	}
}

// repRef reads a backup or overflow reference. It reports an unknown rep
// and a rep that names itself. Longer cycles (ana backs up ben and ben
// backs up ana) are allowed, because mutual cover is how small teams work.
// The engine stops at the first rep it has already tried.
func (c *checker) repRef(n *yaml.Node, p *Plan, self, path, role string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		c.report(n, path, fmt.Sprintf("expected one rep id, found %s", describe(n)), "write one rep id such as "+role+": ben")
		return ""
	}

	id := strings.TrimSpace(n.Value)
	if _, ok := p.repIndex[id]; !ok {
		c.report(n, path, fmt.Sprintf("unknown rep %q", id), "use one of the rep ids: "+strings.Join(p.RepIDs(), ", "))
		return ""
	}
	if id == self {
		c.report(n, path, fmt.Sprintf("rep %q is their own %s, so nobody would cover for them", id, role), "name another rep or delete the "+role+" line")
		return ""
	}
	return id
}

// parseContacts reads leadership and escalation.
func (c *checker) parseContacts(root mapping, p *Plan) {
	values, nodes, n := c.list(root, "leadership")
	if n == nil {
		c.report(root.node, "leadership", "missing leadership: nobody would receive the weekly report",
			"add leadership: with the email addresses of the people who receive it, such as [founder@example.com]")
	}
	for i, v := range values {
		if !validEmail(v) {
			c.report(nodes[min(i, len(nodes)-1)], index("leadership", i), fmt.Sprintf("invalid email address %q", v), "write a plain address such as founder@example.com")
			continue
		}
		p.Leadership = append(p.Leadership, v)
	}

	v, en, ok := c.requiredScalar(root, "escalation", "write the email address of the manager who handles escalated leads, such as escalation: founder@example.com")
	if ok && !validEmail(v) {
		c.report(en, "escalation", fmt.Sprintf("invalid email address %q", v), "write a plain address such as founder@example.com")
		return
	}
	p.Escalation = v
}

// validEmail accepts a bare address with a dotted domain.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

var siteKeys = []string{"thank_you_url", "origins"}

// parseSite reads the lead form settings.
func (c *checker) parseSite(root mapping, p *Plan) {
	p.Site.ThankYouURL = defaultThankYouURL
	n := root.get("site")
	if n == nil {
		return
	}
	m, ok := c.mappingOf(n, "site", siteKeys, "site: {thank_you_url: /thanks, origins: [https://www.example.com]}")
	if !ok {
		return
	}

	if v, vn, ok := c.scalar(m, "thank_you_url"); ok {
		if !validThankYouURL(v) {
			c.report(vn, "site.thank_you_url", fmt.Sprintf("invalid thank-you URL %q", v),
				"write a path on this site such as /thanks or an absolute URL such as https://www.example.com/thanks")
		} else {
			p.Site.ThankYouURL = v
		}
	}

	values, nodes, _ := c.list(m, "origins")
	for i, v := range values {
		origin, err := normalizeOrigin(v)
		if err != nil {
			c.report(nodes[min(i, len(nodes)-1)], index("site.origins", i), fmt.Sprintf("invalid origin %q: %v", v, err),
				"write scheme, host and optional port only, such as https://www.example.com or http://localhost:3000")
			continue
		}
		p.Site.Origins = append(p.Site.Origins, origin)
	}
}

func validThankYouURL(v string) bool {
	if strings.HasPrefix(v, "/") {
		return !strings.HasPrefix(v, "//") && !strings.ContainsAny(v, " \\")
	}
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// normalizeOrigin checks a CORS origin and returns it in lower case.
func normalizeOrigin(v string) (string, error) {
	if v == "*" {
		return "", fmt.Errorf("a wildcard would let any site post leads")
	}
	if strings.Contains(v, "*") {
		return "", fmt.Errorf("an origin is matched exactly, so \"*\" matches no site; list each origin in full")
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("scheme must be http or https")
	}
	if u.Host == "" {
		return "", fmt.Errorf("host is missing")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("an origin has no path, query or user")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// parseStages reads active_stages.
func (c *checker) parseStages(root mapping, p *Plan) {
	values, nodes, n := c.list(root, "active_stages")
	if n == nil {
		values = defaultActiveStages
	}

	p.activeSet = map[string]bool{}
	for i, v := range values {
		key := strings.ToLower(v)
		if p.activeSet[key] {
			c.report(nodes[min(i, len(nodes)-1)], index("active_stages", i), fmt.Sprintf("stage %q is listed twice", v), "delete one of them")
			continue
		}
		p.activeSet[key] = true
		p.ActiveStages = append(p.ActiveStages, v)
	}
}

// parseFreeMail reads the plan's additions to the free-mail list.
func (c *checker) parseFreeMail(root mapping, p *Plan) {
	p.freeMail = make(map[string]bool, len(builtinFreeMail))
	for d := range builtinFreeMail {
		p.freeMail[d] = true
	}
	values, nodes, _ := c.list(root, "free_mail_domains")
	for i, v := range values {
		d := lead.NormalizeDomain(v)
		if d == "" {
			c.report(nodes[min(i, len(nodes)-1)], index("free_mail_domains", i), fmt.Sprintf("invalid domain %q", v), "write a domain such as mail.example.net")
			continue
		}
		if suffix, _ := publicsuffix.PublicSuffix(d); suffix == d {
			c.report(nodes[min(i, len(nodes)-1)], index("free_mail_domains", i),
				fmt.Sprintf("%q is a public suffix, so listing it would make every address under it free-mail", v),
				"write the mail provider's own domain, such as mail.example.net")
			continue
		}
		p.freeMail[d] = true
		p.FreeMailDomains = append(p.FreeMailDomains, d)
	}
}
