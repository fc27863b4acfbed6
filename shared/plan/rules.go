package plan

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

var (
	ruleKeys  = []string{"id", "when", "to", "ignore_capacity"}
	zoneKeys  = []string{"id", "when", "members", "split"}
	splitKeys = []string{"threshold", "prospector_share", "closer"}
	rangeKeys = []string{"min", "max", "above", "below"}
	fieldKeys = []string{
		string(FieldSource), string(FieldIndustry), string(FieldCountry),
		string(FieldRegion), string(FieldEmployees), string(FieldPotential),
	}
)

const maxRuleIDLength = 64

// parseRules reads the primary-zone rules in order.
func (c *checker) parseRules(root mapping, p *Plan) {
	n := root.get("rules")
	if n == nil {
		return
	}
	if n.Kind != yaml.SequenceNode {
		c.report(n, "rules", fmt.Sprintf("expected a list of rules, found %s", describe(n)), "write one list item per rule, each starting with \"- id:\"")
		return
	}

	for i, item := range n.Content {
		path := index("rules", i)
		m, ok := c.mappingOf(item, path, ruleKeys, "- id: inbound")
		if !ok {
			continue
		}

		r := Rule{Line: m.node.Line, column: m.node.Column}
		r.ID = c.ruleID(m, path)
		before := len(c.problems)
		r.When = c.conditions(m, path, false)
		r.invalid = len(c.problems) > before
		if tn := m.get("to"); tn != nil {
			r.To, _ = c.target(tn, join(path, "to"), p)
		} else {
			c.report(m.node, join(path, "to"), "missing to: the rule names nobody to receive its leads",
				"add to: with one rep id (to: ana) or a pool (to: [ana, ben])")
		}
		r.IgnoreCapacity = c.boolean(m, "ignore_capacity")
		p.Rules = append(p.Rules, r)
	}
}

func (c *checker) ruleID(m mapping, path string) string {
	id, n, ok := c.requiredScalar(m, "id", "give it a short name that will appear in the sheet, such as inbound-large")
	if ok && (len(id) > maxRuleIDLength || strings.ContainsAny(id, "\n\r\t")) {
		c.report(n, join(path, "id"), "id is too long or spans lines",
			fmt.Sprintf("use at most %d characters on one line", maxRuleIDLength))
		return ""
	}
	return id
}

// conditions reads a when: mapping. A rule may leave it out to match
// every lead; a collaborative zone may not.
func (c *checker) conditions(m mapping, path string, required bool) []Condition {
	whenPath := join(path, "when")
	n := m.get("when")
	if n == nil {
		if required {
			c.report(m.node, whenPath, "missing when: a collaborative zone needs at least one condition",
				"add when: with the vertical, such as when: {industry: [fintech, banking]}")
		}
		return nil
	}

	wm, ok := c.mappingOf(n, whenPath, fieldKeys, "when: {source: inbound, potential: {above: 10000}}")
	if !ok {
		return nil
	}
	if len(wm.entries) == 0 && required {
		c.report(n, whenPath, "when has no condition", "add at least one condition such as industry: fintech")
	}

	var conds []Condition
	for _, key := range fieldKeys {
		e, ok := wm.entries[key]
		if !ok {
			continue
		}
		field := Field(key)
		fieldPath := join(whenPath, key)
		if isNull(e.value) {
			c.report(e.key, fieldPath, fmt.Sprintf("condition %s has no value", key), "give it a value or delete the line")
			continue
		}

		cond := Condition{Field: field}
		if field.IsNumeric() {
			r, ok := c.numericRange(e.value, fieldPath, field)
			if !ok {
				continue
			}
			cond.Range = r
		} else {
			cond.Values = c.textValues(e.value, fieldPath, field)
			if len(cond.Values) == 0 {
				continue
			}
		}
		conds = append(conds, cond)
	}
	return conds
}

// textValues reads the accepted values of a text condition.
func (c *checker) textValues(n *yaml.Node, path string, field Field) []string {
	if n.Kind == yaml.MappingNode {
		c.report(n, path, fmt.Sprintf("%s is text and takes a value or a list of values, not a mapping", field),
			fmt.Sprintf("write %s: inbound or %s: [inbound, website]", field, field))
		return nil
	}

	values := c.listOf(n, path)
	nodes := itemNodes(n)
	seen := map[string]bool{}
	out := values[:0]
	for i, v := range values {
		node := nodes[min(i, len(nodes)-1)]
		f := Fold(v)
		if f == "" {
			c.report(node, path, fmt.Sprintf("value %q is only separators", v), "write a word such as inbound")
			continue
		}
		if strings.Contains(v, ",") && !isQuoted(node) {
			c.reportComma(node, n, path, v)
			continue
		}
		if seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, v)
	}
	return out
}

// reportComma reports a text value with a comma that is not quoted. Plan
// authors write "source: referral, partner" meaning two values, but YAML
// reads one value "referral, partner", which matches only a lead with that
// exact text. A quoted value ("Health, Wellness") shows that the comma is
// meant and is accepted, in a list item or alone.
func (c *checker) reportComma(node, condition *yaml.Node, path, value string) {
	var parts []string
	for _, part := range strings.Split(value, ",") {
		if part = strings.TrimSpace(part); part != "" {
			parts = append(parts, part)
		}
	}
	list := "[" + strings.Join(parts, ", ") + "]"

	fix := "write a list: " + list
	if condition.Kind == yaml.SequenceNode {
		fix = "write each value as its own list item: " + list
	}
	c.report(node, path, fmt.Sprintf("value %q contains a comma, so YAML reads it as one value, not a list", value),
		fix+`; quote a value that really contains a comma, such as "Health, Wellness"`)
}

// isQuoted reports whether a scalar was written in single or double
// quotes.
func isQuoted(n *yaml.Node) bool {
	return n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0
}

// numericRange reads a range such as {min: 10, below: 200}.
func (c *checker) numericRange(n *yaml.Node, path string, field Field) (Range, bool) {
	example := fmt.Sprintf("%s: {above: 10000} or %s: {min: 50, max: 500}", field, field)
	if n.Kind == yaml.ScalarNode {
		c.report(n, path, fmt.Sprintf("%s takes a range, not the single value %s", field, describe(n)),
			"write a range such as "+example+"; min and max include the bound, above and below exclude it")
		return Range{}, false
	}

	m, ok := c.mappingOf(n, path, rangeKeys, example)
	if !ok {
		return Range{}, false
	}
	if len(m.entries) == 0 {
		c.report(n, path, "range has no bound", "write a range such as "+example)
		return Range{}, false
	}

	var r Range
	valid := true
	bounds := []struct {
		key string
		dst **float64
	}{{"min", &r.Min}, {"max", &r.Max}, {"above", &r.Above}, {"below", &r.Below}}
	for _, b := range bounds {
		bn := m.get(b.key)
		if bn == nil {
			continue
		}
		v, ok := c.number(bn, join(path, b.key), fmt.Sprintf("write a plain number such as %s: 10000, without currency signs or suffixes", b.key))
		if !ok {
			valid = false
			continue
		}
		*b.dst = &v
	}
	if !valid {
		return Range{}, false
	}

	if r.Min != nil && r.Above != nil {
		c.report(n, path, "range has both min and above", "keep one lower bound: min includes the value, above excludes it")
		return Range{}, false
	}
	if r.Max != nil && r.Below != nil {
		c.report(n, path, "range has both max and below", "keep one upper bound: max includes the value, below excludes it")
		return Range{}, false
	}
	if r.interval().empty() {
		c.report(n, path, fmt.Sprintf("range %s matches no known value, so the condition can never match", r),
			"make the lower bound smaller than the upper bound, and the upper bound above 0 (0 means unknown)")
		return Range{}, false
	}
	return r, true
}

// target reads a rep id, a list of rep ids (a pool), or {pool: [...]}.
func (c *checker) target(n *yaml.Node, path string, p *Plan) (Target, bool) {
	fix := "write one rep id (ana) or a pool as a list ([ana, ben]); rep ids: " + strings.Join(p.RepIDs(), ", ")

	switch n.Kind {
	case yaml.ScalarNode:
		id := strings.TrimSpace(n.Value)
		if _, ok := p.repIndex[id]; !ok {
			c.report(n, path, fmt.Sprintf("unknown rep %q", id), fix)
			return Target{}, false
		}
		return Target{Rep: id}, true
	case yaml.MappingNode:
		m, ok := c.mappingOf(n, path, []string{"pool"}, "{pool: [ana, ben]}")
		if !ok {
			return Target{}, false
		}
		pn := m.get("pool")
		if pn == nil {
			c.report(n, path, "missing pool", fix)
			return Target{}, false
		}
		return c.pool(pn, join(path, "pool"), p, fix)
	default:
		return c.pool(n, path, p, fix)
	}
}

// pool reads a list of distinct, known rep ids.
func (c *checker) pool(n *yaml.Node, path string, p *Plan, fix string) (Target, bool) {
	ids := c.listOf(n, path)
	nodes := itemNodes(n)
	if len(ids) == 0 {
		c.report(n, path, "pool is empty", fix)
		return Target{}, false
	}

	ok := true
	seen := map[string]bool{}
	for i, id := range ids {
		at := nodes[min(i, len(nodes)-1)]
		if _, known := p.repIndex[id]; !known {
			c.report(at, index(path, i), fmt.Sprintf("unknown rep %q", id), fix)
			ok = false
			continue
		}
		if seen[id] {
			c.report(at, index(path, i), fmt.Sprintf("rep %q is listed twice", id), "list each rep once")
			ok = false
		}
		seen[id] = true
	}
	if !ok {
		return Target{}, false
	}
	return Target{Pool: ids}, true
}

// parseCollaborative reads the collaborative zones.
func (c *checker) parseCollaborative(root mapping, p *Plan) {
	n := root.get("collaborative")
	if n == nil {
		return
	}
	if n.Kind != yaml.SequenceNode {
		c.report(n, "collaborative", fmt.Sprintf("expected a list of zones, found %s", describe(n)), "write one list item per zone, each starting with \"- id:\"")
		return
	}

	for i, item := range n.Content {
		path := index("collaborative", i)
		m, ok := c.mappingOf(item, path, zoneKeys, "- id: fintech")
		if !ok {
			continue
		}

		z := CollaborativeZone{Line: m.node.Line, column: m.node.Column}
		z.ID = c.ruleID(m, path)
		before := len(c.problems)
		z.When = c.conditions(m, path, true)
		z.invalid = len(c.problems) > before
		z.Members = c.members(m, path, p)
		z.Split = c.split(m, path, z.Members)
		p.Collaborative = append(p.Collaborative, z)
	}
}

func (c *checker) members(m mapping, path string, p *Plan) []string {
	fix := "list at least two rep ids, such as members: [ana, ben]"
	n := m.get("members")
	if n == nil {
		c.report(m.node, join(path, "members"), "missing members", fix)
		return nil
	}
	t, ok := c.pool(n, join(path, "members"), p, fix+"; rep ids: "+strings.Join(p.RepIDs(), ", "))
	if !ok {
		return nil
	}
	if len(t.Pool) < 2 {
		c.report(n, join(path, "members"), "a collaborative zone needs at least two members", "add another member, or turn the zone into a rule with to: "+t.Pool[0])
		return nil
	}
	return t.Pool
}

func (c *checker) split(m mapping, path string, members []string) *SplitPolicy {
	n := m.get("split")
	if n == nil {
		return nil
	}
	splitPath := join(path, "split")
	sm, ok := c.mappingOf(n, splitPath, splitKeys, "split: {threshold: 25000, prospector_share: 0.4, closer: ben}")
	if !ok {
		return nil
	}

	s := &SplitPolicy{}
	valid := true
	if tn := sm.get("threshold"); tn == nil {
		c.report(n, join(splitPath, "threshold"), "missing threshold", "write the deal potential from which credit is split, such as threshold: 25000")
		valid = false
	} else if v, ok := c.number(tn, join(splitPath, "threshold"), "write a plain number such as threshold: 25000"); !ok {
		valid = false
	} else if v <= 0 {
		c.report(tn, join(splitPath, "threshold"), fmt.Sprintf("threshold %v is not above zero", v), "write a positive amount such as threshold: 25000")
		valid = false
	} else {
		s.Threshold = v
	}

	shareFix := "write the prospector's share as a fraction between 0 and 1, such as prospector_share: 0.4"
	if sn := sm.get("prospector_share"); sn == nil {
		c.report(n, join(splitPath, "prospector_share"), "missing prospector_share", shareFix)
		valid = false
	} else if v, ok := c.number(sn, join(splitPath, "prospector_share"), shareFix); !ok {
		valid = false
	} else if v <= 0 || v >= 1 {
		c.report(sn, join(splitPath, "prospector_share"), fmt.Sprintf("prospector_share %v is not between 0 and 1", v), shareFix)
		valid = false
	} else {
		s.ProspectorShare = v
	}

	closer, cn, ok := c.requiredScalar(sm, "closer", "name the member who closes large deals, such as closer: ben")
	if ok && members != nil && !contains(members, closer) {
		c.report(cn, join(splitPath, "closer"), fmt.Sprintf("closer %q is not a member of the zone", closer), "use one of the members: "+strings.Join(members, ", "))
		valid = false
	}
	s.Closer = closer

	if !valid || !ok {
		return nil
	}
	return s
}
