package rules

import (
	"slices"
	"strconv"
	"strings"
)

// MergeRedirects joins a site's redirect rules from its two sources in the
// order they apply: the rules of a _redirects file first, then the rules
// declared in a blueprint. The first matching rule wins, so a file rule
// overrides a blueprint rule for the same path, as Netlify reads
// _redirects before netlify.toml. A Status of 0 becomes 301.
//
// Every rule is checked, and the total against MaxRedirects; all problems
// come back at once in a *ValidationError, each naming the rule's Source
// and Line. Give blueprint rules a Source that locates them, such as
// "site.json#/site/redirects/3", so a problem points at the rule.
func MergeRedirects(file, blueprint []Redirect) ([]Redirect, error) {
	if n := len(file) + len(blueprint); n > MaxRedirects {
		ps := &problems{source: "redirects"}
		ps.add(0, "%d redirect rules, %d from _redirects and %d from the blueprint; the limit is %d: combine rules with splats (/a/*) or placeholders (/a/:slug)",
			n, len(file), len(blueprint), MaxRedirects)
		return nil, ps.err()
	}
	all := make([]Redirect, 0, len(file)+len(blueprint))
	all = append(all, file...)
	all = append(all, blueprint...)
	for i := range all {
		if all[i].Status == 0 {
			all[i].Status = 301
		}
	}
	if _, err := CompileRedirects(all); err != nil {
		return nil, err
	}
	return all, nil
}

// String formats r as a _redirects line, "from [name=value…] to
// status[!] [Country=…] [Language=…]", which ParseRedirects reads back as
// r.
func (r Redirect) String() string {
	status := r.Status
	if status == 0 {
		status = 301
	}
	var b strings.Builder
	b.WriteString(r.From)
	for _, q := range r.Query {
		b.WriteString(" " + q[0] + "=" + q[1])
	}
	b.WriteString(" " + r.To + " " + strconv.Itoa(status))
	if r.Force {
		b.WriteByte('!')
	}
	if len(r.Country) > 0 {
		b.WriteString(" Country=" + strings.Join(r.Country, ","))
	}
	if len(r.Language) > 0 {
		b.WriteString(" Language=" + strings.Join(r.Language, ","))
	}
	return b.String()
}

// SameRule reports whether r and o are the same rule: the same matching
// and the same answer, wherever each was written (Line and Source aside).
func (r Redirect) SameRule(o Redirect) bool {
	return r.From == o.From && r.To == o.To && r.Status == o.Status && r.Force == o.Force &&
		slices.Equal(r.Query, o.Query) && slices.Equal(r.Country, o.Country) && slices.Equal(r.Language, o.Language)
}
