// Package benchdoc writes benchmark results into sections of
// docs/benchmarks.md, each between markers, so every make bench-… target
// rewrites only its own section.
package benchdoc

import (
	"os"
	"strings"
)

// WriteSection replaces the text between <!-- bench:NAME --> markers in doc,
// or appends the section.
func WriteSection(doc, name, body string) error {
	begin, end := "<!-- bench:"+name+" -->", "<!-- /bench:"+name+" -->"
	old, err := os.ReadFile(doc)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	section := begin + "\n" + body + end + "\n"
	s := string(old)
	if s == "" {
		s = "# Benchmarks\n\nEvery number here was written by the command named in its section, on the project's 2-core machines. Absolute times on shared machines are noise; the ratios against a real peer measured in the same run are the result.\n\n"
	}
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i >= 0 && j > i {
		s = s[:i] + section + s[j+len(end)+1:]
	} else {
		s += section
	}
	return os.WriteFile(doc, []byte(s), 0o644)
}
