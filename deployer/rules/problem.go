package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a rules file or rule.
type Problem struct {
	Source  string `json:"source"`         // "_redirects", "_headers" or "blueprint"
	Line    int    `json:"line,omitempty"` // 1-based; 0 when the rule has no line
	Message string `json:"message"`        // a sentence safe to show the site owner
}

// String formats p as "source:line: message", like a compiler.
func (p Problem) String() string {
	if p.Line == 0 {
		return p.Source + ": " + p.Message
	}
	return p.Source + ":" + strconv.Itoa(p.Line) + ": " + p.Message
}

// ValidationError lists every problem found in a rules file, in line order.
type ValidationError struct {
	Problems []Problem `json:"problems"`
}

// Error joins the first few problems; use Problems for the full list.
func (e *ValidationError) Error() string {
	const shown = 10
	var b strings.Builder
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-shown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// problems collects problems up to MaxProblems.
type problems struct {
	source string
	list   []Problem
}

// add records a problem and reports whether the caller may keep going.
func (ps *problems) add(line int, format string, args ...any) bool {
	if len(ps.list) >= MaxProblems {
		return false
	}
	ps.list = append(ps.list, Problem{Source: ps.source, Line: line, Message: fmt.Sprintf(format, args...)})
	if len(ps.list) == MaxProblems {
		ps.list = append(ps.list, Problem{Source: ps.source, Line: line,
			Message: "too many problems; stopped checking here"})
		return false
	}
	return true
}

func (ps *problems) full() bool { return len(ps.list) >= MaxProblems }

// err returns nil or a *ValidationError.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps.list}
}
