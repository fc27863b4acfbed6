package templatecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// samTemplate is a parsed SAM template. Values are plain Go values (maps,
// slices, strings, numbers, booleans), and a short-form intrinsic function
// such as `!GetAtt Table.Arn` becomes its long form,
// {"Fn::GetAtt": ["Table", "Arn"]}.
type samTemplate struct {
	Parameters map[string]any
	Globals    map[string]any
	Resources  map[string]map[string]any
	Outputs    map[string]any
}

// repoRoot returns the repository root: $LEADROUTER_REPO, or the folder two
// levels above this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	if root := os.Getenv("LEADROUTER_REPO"); root != "" {
		return root
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatalf("find the repository root: %v", err)
	}
	return root
}

// loadTemplate parses the repository's template.yaml.
func loadTemplate(t testing.TB) *samTemplate {
	t.Helper()
	path := filepath.Join(repoRoot(t), "template.yaml")
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the SAM template: %v", err)
	}
	tmpl, err := parseTemplate(text)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return tmpl
}

// parseTemplate parses a SAM template in YAML.
func parseTemplate(text []byte) (*samTemplate, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("the template is empty")
	}
	value, err := decodeNode(doc.Content[0])
	if err != nil {
		return nil, err
	}
	top, ok := value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the template is a %T, want a mapping", value)
	}

	tmpl := &samTemplate{
		Parameters: asMap(top["Parameters"]),
		Globals:    asMap(top["Globals"]),
		Resources:  map[string]map[string]any{},
		Outputs:    asMap(top["Outputs"]),
	}
	for id, resource := range asMap(top["Resources"]) {
		r, ok := resource.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("resource %s is a %T, want a mapping", id, resource)
		}
		tmpl.Resources[id] = r
	}
	return tmpl, nil
}

// decodeNode converts n into plain values and short-form intrinsic functions
// into their long form.
func decodeNode(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return decodeNode(n.Alias)

	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			value, err := decodeNode(n.Content[i+1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			m[key] = value
		}
		return intrinsic(n, m)

	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			value, err := decodeNode(item)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			list = append(list, value)
		}
		return intrinsic(n, list)

	case yaml.ScalarNode:
		if isIntrinsicTag(n.Tag) {
			return intrinsic(n, n.Value)
		}
		var value any
		if err := n.Decode(&value); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return value, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
}

// isIntrinsicTag reports whether tag is a CloudFormation short form such as
// !Ref or !Sub, as opposed to a YAML core tag (!!str, !!map ...).
func isIntrinsicTag(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

// intrinsic wraps value in the long form of n's short-form tag, or returns
// value when n has none.
func intrinsic(n *yaml.Node, value any) (any, error) {
	if !isIntrinsicTag(n.Tag) {
		return value, nil
	}

	name := strings.TrimPrefix(n.Tag, "!")
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: value}, nil
	case "GetAtt":
		// !GetAtt Resource.Attribute splits at the first dot; the
		// attribute itself may contain dots (Endpoint.Address).
		if text, ok := value.(string); ok {
			resource, attribute, found := strings.Cut(text, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %q has no attribute; want Resource.Attribute", n.Line, text)
			}
			value = []any{resource, attribute}
		}
		return map[string]any{"Fn::GetAtt": value}, nil
	}
	return map[string]any{"Fn::" + name: value}, nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// lookup follows keys through nested maps and returns nil when one is
// missing.
func lookup(v any, keys ...string) any {
	for _, key := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

// subVariable matches a ${Name} or ${Name.Attribute} variable of Fn::Sub; a
// literal ${!Name} is not a variable.
var subVariable = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// references returns the logical ids and parameters that v refers to through
// Ref, Fn::GetAtt and Fn::Sub variables, anywhere inside it. Pseudo
// parameters such as AWS::Region are left out.
func references(v any) []string {
	seen := map[string]bool{}
	var walk func(v any, local map[string]bool)
	add := func(name string, local map[string]bool) {
		if strings.HasPrefix(name, "AWS::") || local[name] {
			return
		}
		seen[name] = true
	}
	walk = func(v any, local map[string]bool) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["Ref"].(string); ok && len(v) == 1 {
				add(ref, local)
				return
			}
			if getAtt, ok := v["Fn::GetAtt"].([]any); ok && len(v) == 1 && len(getAtt) > 0 {
				if name, ok := getAtt[0].(string); ok {
					add(name, local)
				}
				return
			}
			if sub, ok := v["Fn::Sub"]; ok && len(v) == 1 {
				walkSub(sub, local, add, walk)
				return
			}
			for _, child := range v {
				walk(child, local)
			}
		case []any:
			for _, child := range v {
				walk(child, local)
			}
		}
	}
	walk(v, map[string]bool{})

	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// walkSub adds the variables of an Fn::Sub value: a string, or a list of a
// string and a map of local variables, which are not stack references.
func walkSub(sub any, local map[string]bool, add func(string, map[string]bool), walk func(any, map[string]bool)) {
	text, ok := sub.(string)
	if list, isList := sub.([]any); isList && len(list) == 2 {
		text, ok = list[0].(string)
		vars := asMap(list[1])
		inner := map[string]bool{}
		for name := range local {
			inner[name] = true
		}
		for name, value := range vars {
			inner[name] = true
			walk(value, local)
		}
		local = inner
	}
	if !ok {
		return
	}
	for _, match := range subVariable.FindAllStringSubmatch(text, -1) {
		name, _, _ := strings.Cut(match[1], ".")
		add(name, local)
	}
}
