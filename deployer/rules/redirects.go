package rules

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseRedirects parses a _redirects file. source names the file in
// problems and in Redirect.Source; "" means "_redirects". Lines are
// "from to [status][!]"; "#" starts a comment line, and a field starting
// with "#" ends the rule. Every invalid line is reported in one
// *ValidationError; the returned rules are then nil. Other errors come
// from reading r.
func ParseRedirects(r io.Reader, source string) ([]Redirect, error) {
	if source == "" {
		source = "_redirects"
	}
	ps := &problems{source: source}
	var out []Redirect
	count := 0
	err := scanLines(r, ps, func(n int, line string) bool {
		text := strings.TrimSpace(line)
		if text == "" || text[0] == '#' {
			return true
		}
		if msg := checkText(text, "the line"); msg != "" {
			return ps.add(n, "%s", msg)
		}
		if count++; count > MaxRedirects {
			ps.add(n, "the file has more than %d rules; combine rules with splats (/a/*) or placeholders (/a/:slug)", MaxRedirects)
			return false
		}
		rule, msgs := parseRedirectLine(text)
		rule.Line, rule.Source = n, source
		if len(msgs) == 0 {
			_, _, msgs = checkRedirect(rule)
		}
		for _, m := range msgs {
			if !ps.add(n, "%s", m) {
				return false
			}
		}
		out = append(out, rule)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseRedirectLine splits a non-empty, non-comment line into a rule.
func parseRedirectLine(text string) (Redirect, []string) {
	fields := strings.Fields(text)
	for i, f := range fields {
		if i >= 2 && strings.HasPrefix(f, "#") {
			fields = fields[:i]
			break
		}
	}
	rule := Redirect{From: fields[0], Status: 301}
	if len(fields) < 2 {
		return rule, []string{"the rule has no target; write \"from to [status]\", as in /old /new 301"}
	}
	if strings.Contains(fields[1], "=") && !strings.HasPrefix(fields[1], "/") && !strings.Contains(fields[1], "://") {
		return rule, []string{"query parameter conditions such as " + quote(fields[1]) + " are not supported"}
	}
	rule.To = fields[1]
	var msgs []string
	if len(fields) >= 3 {
		st, force, msg := parseStatus(fields[2])
		if msg != "" {
			msgs = append(msgs, msg)
		}
		rule.Status, rule.Force = st, force
	}
	if len(fields) >= 4 {
		msgs = append(msgs, "unexpected "+quote(fields[3])+" after the status; conditions such as Country= and Role= are not supported")
	}
	return rule, msgs
}

// checkRedirect validates one rule and compiles its pattern and target.
// It returns every problem with the rule as sentences.
func checkRedirect(r Redirect) (pattern, target, []string) {
	var msgs []string
	if !validStatus(r.Status) {
		msgs = append(msgs, "status "+strconv.Itoa(r.Status)+" is not supported; use "+statusList)
	}
	if hasScheme(r.From, "http") || hasScheme(r.From, "https") {
		msgs = append(msgs, "domain-level rules such as "+quote(r.From)+" are not supported; the source must be a path starting with /")
		return pattern{}, target{}, msgs
	}
	// A _redirects line cannot hold a space in a field; rules given as
	// values must not either, or they could not be written as lines.
	for _, f := range []struct{ what, val string }{{"the source path", r.From}, {"the target", r.To}} {
		if strings.Contains(f.val, " ") {
			return pattern{}, target{}, append(msgs, f.what+" "+quote(f.val)+" contains a space; URL-encode it as %20")
		}
	}
	p, msg := parsePattern(r.From)
	if msg != "" {
		return pattern{}, target{}, append(msgs, msg)
	}
	t, msg := parseTarget(r.To, &p, r.Status)
	if msg != "" {
		msgs = append(msgs, msg)
	}
	return p, t, msgs
}
