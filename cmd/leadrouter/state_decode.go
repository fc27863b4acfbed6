package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// stateKeys are the top-level keys of a team-state file.
var stateKeys = []string{"active", "owners", "customers", "absences"}

// decodeStateInput reads a team-state file leniently: each section and each
// entry is decoded on its own, so an unknown key or a value of the wrong
// type is reported with its path next to every other problem. It returns
// fatal when the file cannot be read or is not valid JSON, because then
// nothing after the error can be trusted.
func decodeStateInput(path string) (in stateInput, problems []error, fatal error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return in, nil, err
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = errors.New("more than one value in the file")
		}
		return in, nil, fmt.Errorf("invalid JSON: %w", err)
	}

	problems = append(problems, duplicateKeys(data)...)

	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return in, nil, errors.New(`invalid JSON: expected an object such as {"owners": {"acme.com": "ana"}}`)
	}
	problem := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf(format, args...))
	}

	for _, key := range sortedKeys(top) {
		raw := top[key]
		switch key {
		case "active":
			in.Active = decodeSection(raw, key, "a whole number such as 3", problem, func(v json.RawMessage) (int, bool) {
				var n int
				return n, json.Unmarshal(v, &n) == nil
			})
		case "owners", "customers":
			accounts := decodeSection(raw, key, `a rep id such as "ana"`, problem, func(v json.RawMessage) (string, bool) {
				var s string
				return s, json.Unmarshal(v, &s) == nil
			})
			if key == "owners" {
				in.Owners = accounts
			} else {
				in.Customers = accounts
			}
		case "absences":
			in.Absences = decodeSection(raw, key, `a list such as ["2026-12-24 to 2026-12-28"]`, problem, func(v json.RawMessage) ([]json.RawMessage, bool) {
				var list []json.RawMessage
				return list, json.Unmarshal(v, &list) == nil && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
			})
		default:
			problem("unknown key %q; use %s", key, quoteList(stateKeys))
		}
	}
	return in, problems, nil
}

// decodeSection decodes one top-level section, an object whose values
// decode reads, and reports the section or each entry that has the wrong
// type. null stands for an empty section.
func decodeSection[V any](raw json.RawMessage, section, expected string, problem func(string, ...any), decode func(json.RawMessage) (V, bool)) map[string]V {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		problem("%s: expected an object of names to values, got %s", section, jsonKind(raw))
		return nil
	}

	out := make(map[string]V, len(entries))
	for _, name := range sortedKeys(entries) {
		v, ok := decode(entries[name])
		if !ok {
			problem("%s: %q: expected %s, got %s", section, name, expected, jsonKind(entries[name]))
			continue
		}
		out[name] = v
	}
	return out
}

// jsonKind names the type of a JSON value for a message, with the value
// itself when it is short.
func jsonKind(raw json.RawMessage) string {
	v := bytes.TrimSpace(raw)
	kind := "a value"
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '{':
		kind = "an object"
	case v[0] == '[':
		kind = "a list"
	case v[0] == '"':
		kind = "text"
	case v[0] == 't' || v[0] == 'f':
		kind = "true or false"
	case v[0] == 'n':
		return "null"
	default:
		kind = "a number"
	}
	if len(v) <= 40 {
		return kind + " " + string(v)
	}
	return kind
}

// duplicateKeys returns one problem per object key that appears twice in
// the same object, naming its path, because encoding/json silently keeps
// the last value. data must be valid JSON.
func duplicateKeys(data []byte) []error {
	type frame struct {
		object  bool
		path    string
		seen    map[string]bool
		index   int
		wantKey bool
		key     string
	}

	var problems []error
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	// childPath returns the path of the value that starts now in the
	// innermost container, and moves that container past it.
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			top.wantKey = true
			return joinPath(top.path, top.key)
		}
		p := top.path + "[" + strconv.Itoa(top.index) + "]"
		top.index++
		return p
	}

	for {
		tok, err := dec.Token()
		if err != nil {
			return problems
		}

		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if key, ok := tok.(string); ok && top.object && top.wantKey {
				if top.seen[key] {
					where := top.path
					if where == "" {
						where = "the top level"
					}
					problems = append(problems, fmt.Errorf("key %q appears twice in %s; keep one, because only the last would count", key, where))
				}
				top.seen[key] = true
				top.key = key
				top.wantKey = false
				continue
			}
		}

		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, path: childPath(), seen: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{path: childPath()})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			childPath()
		}
	}
}

// joinPath appends an object key to a path: "owners" and "acme.com" give
// owners."acme.com" unless the key is a plain word.
func joinPath(path, key string) string {
	if key == "" || strings.ContainsAny(key, ` ."[]:`) {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
