package blueprints

import (
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with a blueprint: where (a JSON pointer, and
// line and column when known) and why, as a sentence a person can act on.
type Problem struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

// String formats p as "line:col: /pointer: message", leaving out what is unknown.
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	}
	if p.Pointer != "" {
		b.WriteString(p.Pointer)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in a blueprint. It is the error type
// returned by Load and Validate.
type Problems []Problem

// Error lists the problems, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sort orders problems by pointer as a document reads (numeric array
// indexes), then by message, and drops exact duplicates.
func (ps Problems) sort() Problems {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := comparePointers(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return slices.Compact(ps)
}

func comparePointers(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		var ai, bi int
		_, aerr := fmt.Sscanf(as[i], "%d", &ai)
		_, berr := fmt.Sscanf(bs[i], "%d", &bi)
		if aerr == nil && berr == nil && ai != bi {
			if ai < bi {
				return -1
			}
			return 1
		}
		return strings.Compare(as[i], bs[i])
	}
	return len(as) - len(bs)
}

// problems collects Problems while validating.
type problems struct{ list Problems }

func (ps *problems) add(pointer, format string, args ...any) {
	ps.list = append(ps.list, Problem{Pointer: pointer, Message: fmt.Sprintf(format, args...)})
}

// ptr joins JSON pointer tokens, escaping "~" and "/" as RFC 6901 says.
func ptr(base string, tokens ...any) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		s := fmt.Sprint(t)
		s = strings.ReplaceAll(s, "~", "~0")
		s = strings.ReplaceAll(s, "/", "~1")
		b.WriteByte('/')
		b.WriteString(s)
	}
	return b.String()
}
