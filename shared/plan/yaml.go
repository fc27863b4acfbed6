package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// checker walks the YAML tree of one plan file and collects every problem
// instead of stopping at the first.
type checker struct {
	problems []Problem
}

// report records a problem at node n; n may be nil for a file-level
// problem.
func (c *checker) report(n *yaml.Node, path, message, fix string) {
	p := Problem{Path: path, Message: message, Fix: fix}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	c.problems = append(c.problems, p)
}

// entry is one key of a YAML mapping with its value.
type entry struct {
	key, value *yaml.Node
}

// mapping holds the keys of one YAML mapping node, with the node itself
// so that a missing key can be reported where the mapping starts.
type mapping struct {
	node    *yaml.Node
	path    string
	entries map[string]entry
}

// get returns the value of key, or nil when the key is absent or its
// value is null ("key:" with nothing after it).
func (m mapping) get(key string) *yaml.Node {
	e, ok := m.entries[key]
	if !ok || isNull(e.value) {
		return nil
	}
	return e.value
}

// resolve follows a YAML alias ("*name") to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// mappingOf reads node n as a mapping whose keys must be among allowed.
// It reports unknown and repeated keys, and a node that is not a mapping.
func (c *checker) mappingOf(n *yaml.Node, path string, allowed []string, example string) (mapping, bool) {
	n = resolve(n)
	m := mapping{node: n, path: path, entries: map[string]entry{}}
	if n.Kind != yaml.MappingNode {
		c.report(n, path, fmt.Sprintf("expected a mapping of keys to values, found %s", describe(n)), "write it as "+example)
		return m, false
	}

	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			c.report(k, path, "a key must be plain text", "write the key as a single word such as "+allowed[0])
			continue
		}

		key := k.Value
		keyPath := join(path, key)
		if !contains(allowed, key) {
			c.report(k, keyPath, fmt.Sprintf("unknown key %q", key), suggestKey(key, allowed))
			continue
		}
		if first, dup := m.entries[key]; dup {
			c.report(k, keyPath, fmt.Sprintf("key %q is repeated (first on line %d)", key, first.key.Line), "keep one "+key+" and delete the other")
			continue
		}
		m.entries[key] = entry{key: k, value: v}
	}
	return m, true
}

// scalar reads an optional text value. It reports a value that is a list
// or a mapping.
func (c *checker) scalar(m mapping, key string) (string, *yaml.Node, bool) {
	n := m.get(key)
	if n == nil {
		return "", nil, false
	}
	if n.Kind != yaml.ScalarNode {
		c.report(n, join(m.path, key), fmt.Sprintf("expected a single value, found %s", describe(n)), "write "+key+": followed by one value")
		return "", n, false
	}
	return strings.TrimSpace(n.Value), n, true
}

// requiredScalar reads a text value that must be present and not blank.
func (c *checker) requiredScalar(m mapping, key, fix string) (string, *yaml.Node, bool) {
	v, n, ok := c.scalar(m, key)
	if n == nil {
		c.report(m.node, join(m.path, key), fmt.Sprintf("missing %s", key), fix)
		return "", nil, false
	}
	if ok && v == "" {
		c.report(n, join(m.path, key), fmt.Sprintf("%s is empty", key), fix)
		return "", n, false
	}
	return v, n, ok
}

// list reads an optional list of text values; a single value counts as a
// list of one. Blank items are reported.
func (c *checker) list(m mapping, key string) ([]string, []*yaml.Node, *yaml.Node) {
	n := m.get(key)
	if n == nil {
		return nil, nil, nil
	}
	return c.listOf(n, join(m.path, key)), itemNodes(n), n
}

// listOf reads node n as a list of text values or one text value.
func (c *checker) listOf(n *yaml.Node, path string) []string {
	if n.Kind == yaml.ScalarNode {
		v := strings.TrimSpace(n.Value)
		if v == "" {
			c.report(n, path, "value is empty", "write at least one value")
			return nil
		}
		return []string{v}
	}
	if n.Kind != yaml.SequenceNode {
		c.report(n, path, fmt.Sprintf("expected a list of values, found %s", describe(n)), "write a list such as [first, second]")
		return nil
	}

	values := make([]string, 0, len(n.Content))
	for i, item := range n.Content {
		item = resolve(item)
		itemPath := index(path, i)
		if item.Kind != yaml.ScalarNode {
			c.report(item, itemPath, fmt.Sprintf("expected a single value, found %s", describe(item)), "write one value per list item")
			continue
		}
		v := strings.TrimSpace(item.Value)
		if v == "" || isNull(item) {
			c.report(item, itemPath, "list item is empty", "delete the item or give it a value")
			continue
		}
		values = append(values, v)
	}
	return values
}

// itemNodes returns the nodes of a list's items, or the node itself for a
// single value, so callers can report a problem on one item.
func itemNodes(n *yaml.Node) []*yaml.Node {
	if n.Kind == yaml.SequenceNode {
		var nodes []*yaml.Node
		for _, item := range n.Content {
			item = resolve(item)
			if item.Kind == yaml.ScalarNode && strings.TrimSpace(item.Value) != "" && !isNull(item) {
				nodes = append(nodes, item)
			}
		}
		return nodes
	}
	return []*yaml.Node{n}
}

// integer reads an optional whole number.
func (c *checker) integer(m mapping, key, fix string) (int, *yaml.Node, bool) {
	n := m.get(key)
	if n == nil {
		return 0, nil, false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		c.report(n, join(m.path, key), fmt.Sprintf("expected a whole number, found %s", describe(n)), fix)
		return 0, n, false
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		c.report(n, join(m.path, key), fmt.Sprintf("number %s is out of range", n.Value), fix)
		return 0, n, false
	}
	return v, n, true
}

// number reads a node as a number; whole numbers and decimals are accepted.
func (c *checker) number(n *yaml.Node, path, fix string) (float64, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" && n.Tag != "!!float" {
		c.report(n, path, fmt.Sprintf("expected a number, found %s", describe(n)), fix)
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || v != v {
		c.report(n, path, fmt.Sprintf("%q is not a usable number", n.Value), fix)
		return 0, false
	}
	return v, true
}

// boolean reads an optional true/false value.
func (c *checker) boolean(m mapping, key string) bool {
	n := m.get(key)
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		c.report(n, join(m.path, key), fmt.Sprintf("expected true or false, found %s", describe(n)), "write "+key+": true or "+key+": false")
		return false
	}
	v, _ := strconv.ParseBool(n.Value)
	return v
}

// describe names what a node holds, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		if len(n.Value) > 40 {
			return fmt.Sprintf("%q", n.Value[:40]+"...")
		}
		return fmt.Sprintf("%q", n.Value)
	default:
		return "an unsupported YAML value"
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// suggestKey proposes the allowed key closest to an unknown one.
func suggestKey(key string, allowed []string) string {
	best, bestDistance := "", len(key)/2+2
	for _, a := range allowed {
		if d := editDistance(strings.ToLower(key), a); d < bestDistance {
			best, bestDistance = a, d
		}
	}
	sorted := append([]string(nil), allowed...)
	sort.Strings(sorted)
	if best != "" {
		return fmt.Sprintf("did you mean %q? accepted keys: %s", best, strings.Join(sorted, ", "))
	}
	return "use one of the accepted keys: " + strings.Join(sorted, ", ")
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// syntaxProblem turns a YAML parser error into a problem with its line.
func syntaxProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{Message: "the file is not valid YAML: " + msg, Fix: "check the indentation and quoting on that line; text with a colon or a leading special character needs quotes"}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Column = 1
	}
	return p
}
