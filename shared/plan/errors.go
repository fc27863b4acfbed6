package plan

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a plan file.
type Problem struct {
	// Line and Column locate the problem in the file, counting from 1;
	// both are 0 when the problem concerns the whole file.
	Line, Column int
	// Path is the YAML path of the value at fault ("rules[2].to").
	Path string
	// Message says what is wrong, naming the value.
	Message string
	// Fix says what to write instead.
	Fix string
}

// String formats the problem as "LINE:COLUMN: PATH: MESSAGE; fix: FIX".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Fix != "" {
		b.WriteString("; fix: ")
		b.WriteString(p.Fix)
	}
	return b.String()
}

// ValidationError lists every problem found in one plan file, ordered by
// position.
type ValidationError struct {
	// File is the file name given to Parse.
	File     string
	Problems []Problem
}

// Error returns a summary line, then one line per problem in the form
// "FILE:LINE:COLUMN: PATH: MESSAGE; fix: FIX".
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plan %s is invalid: %d problem", e.File, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(e.Line(p))
	}
	return b.String()
}

// Line formats one problem with the file name in front.
func (e *ValidationError) Line(p Problem) string {
	if e.File == "" {
		return p.String()
	}
	if p.Line > 0 {
		return e.File + ":" + p.String()
	}
	return e.File + ": " + p.String()
}
