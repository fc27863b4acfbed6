package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// replayMapping defines how the columns of a CSV export become the fields of
// a lead submission. It is read from a YAML file:
//
//	fields:             # submitted field name: CSV column, or a list of
//	  submission_id: Prospect ID      # columns of which the first
//	  source: [Lead Source, Lead Origin]  # non-blank one is used
//	constants:          # fields sent with the same value on every row
//	  form: xeducation
//	blank: [Select]     # values that mean "not given", in any column
//	values:             # per field, values to replace before sending
//	  source:
//	    Olark Chat: chat
//
// Field names are those the intake accepts, including its aliases; a name
// it does not know is stored as an extra attribute of the lead.
type replayMapping struct {
	Fields    map[string]columnList        `yaml:"fields"`
	Constants map[string]string            `yaml:"constants"`
	Blank     []string                     `yaml:"blank"`
	Values    map[string]map[string]string `yaml:"values"`

	// columns maps a column name to its index, once the header is known.
	columns map[string]int
	blank   map[string]bool
}

// columnList is one CSV column name or a list of them.
type columnList []string

// UnmarshalYAML accepts a scalar or a sequence of scalars.
func (c *columnList) UnmarshalYAML(node *yaml.Node) error {
	switch node.Kind {
	case yaml.ScalarNode:
		*c = columnList{node.Value}
		return nil
	case yaml.SequenceNode:
		var list []string
		if err := node.Decode(&list); err != nil {
			return err
		}
		*c = list
		return nil
	}
	return fmt.Errorf("line %d: expected a column name or a list of column names", node.Line)
}

// loadMapping reads and checks a mapping file.
func loadMapping(path string) (*replayMapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mapping: %w", err)
	}

	var m replayMapping
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	decoder.KnownFields(true)
	if err := decoder.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("mapping %s: %w; the keys are fields, constants, blank and values", path, err)
	}

	var problems []string
	if len(m.Fields) == 0 {
		problems = append(problems, "fields is empty; map at least one field to a CSV column, such as fields: {email: Email}")
	}
	for field, columns := range m.Fields {
		if strings.TrimSpace(field) == "" {
			problems = append(problems, "fields has an empty field name")
		}
		if len(columns) == 0 {
			problems = append(problems, fmt.Sprintf("fields.%s names no column", field))
		}
		if _, clash := m.Constants[field]; clash {
			problems = append(problems, fmt.Sprintf("%s is both in fields and in constants; keep one", field))
		}
	}
	for field := range m.Values {
		if _, ok := m.Fields[field]; !ok {
			problems = append(problems, fmt.Sprintf("values.%s names no field of fields; values are keyed by field, such as values: {source: {Olark Chat: chat}}", field))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("mapping %s:\n  %s", path, strings.Join(problems, "\n  "))
	}

	m.blank = make(map[string]bool, len(m.Blank))
	for _, value := range m.Blank {
		m.blank[strings.ToLower(strings.TrimSpace(value))] = true
	}
	return &m, nil
}

// bind checks the mapping against a CSV header and remembers the column
// positions. Every column the mapping names must exist.
func (m *replayMapping) bind(header []string) error {
	m.columns = make(map[string]int, len(header))
	for i, name := range header {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
		if _, seen := m.columns[name]; !seen {
			m.columns[name] = i
		}
	}

	var missing []string
	for _, columns := range m.Fields {
		for _, column := range columns {
			if _, ok := m.columns[column]; !ok {
				missing = append(missing, fmt.Sprintf("%q", column))
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("the CSV header has no column %s; its columns are %q", strings.Join(missing, ", "), header)
	}
	return nil
}

// lead builds the JSON object to submit for one CSV record.
func (m *replayMapping) lead(record []string) map[string]string {
	out := make(map[string]string, len(m.Fields)+len(m.Constants))
	for field, value := range m.Constants {
		out[field] = value
	}

	for field, columns := range m.Fields {
		for _, column := range columns {
			value := m.value(field, column, record)
			if value != "" {
				out[field] = value
				break
			}
		}
	}
	return out
}

// value returns the cleaned value of a column for a field: trimmed, "" when
// it is one of the blank markers, else mapped through the field's values.
func (m *replayMapping) value(field, column string, record []string) string {
	i := m.columns[column]
	if i >= len(record) {
		return ""
	}

	value := strings.TrimSpace(record[i])
	if m.blank[strings.ToLower(value)] {
		return ""
	}
	if replacement, ok := m.Values[field][value]; ok {
		value = strings.TrimSpace(replacement)
	}
	return value
}

// readCSV returns the header and a reader positioned at the first record.
func readCSV(r io.Reader) (*csv.Reader, []string, error) {
	reader := csv.NewReader(r)
	reader.FieldsPerRecord = -1
	reader.ReuseRecord = false

	header, err := reader.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("read the CSV header: %w", err)
	}
	return reader, header, nil
}
