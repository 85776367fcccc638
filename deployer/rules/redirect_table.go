package rules

import (
	"strings"
)

// RedirectTable finds the first redirect rule matching a request. It is
// immutable and safe for concurrent use.
//
// Rules without wildcards sit in a map keyed by their path; the others sit
// in buckets keyed by the literal path before their first wildcard, each
// bucket in rule order. Lookup probes the exact map and the bucket of
// every prefix of the path (one per segment) and keeps the candidate with
// the lowest rule index, so the first rule in file order wins no matter
// which structure holds it. A list is scanned only up to the best index
// found so far, and a rule whose segment count cannot fit the path is
// skipped without running its matcher.
type RedirectTable struct {
	rules   []compiled
	exact   map[string][]int32 // normalized path → rule indices, ascending
	buckets map[string][]int32 // literal prefix → wildcard rule indices, ascending
}

// compiled is a checked rule, ready to match.
type compiled struct {
	rule     Redirect
	pat      pattern
	target   target
	query    []qcond
	country  []string // upper case
	language []string // lower case
}

// Match is the result of a redirect lookup.
type Match struct {
	To     string   // target with placeholders substituted and the query applied
	Status int      // 301, 302, 307, 308, 200, 404 or 410
	Force  bool     // apply even when a file exists at the path
	Rule   Redirect // the rule that matched
	// Vary says which request headers chose the answer: set when a rule
	// with a Language or Country condition was weighed, whether or not a
	// rule matched, so that caches keep one answer per value.
	Vary Vary
}

// Vary flags name the request fields a lookup depended on.
type Vary uint8

// The fields of a Request that conditions read.
const (
	VaryLanguage Vary = 1 << iota // Request.Language: the Accept-Language header
	VaryCountry                   // Request.Country: the CDN's country header
)

// Request is what a redirect lookup knows of a request.
type Request struct {
	// Path is the escaped path, r.URL.EscapedPath(). It should be clean
	// (as path.Clean leaves it): paths with empty, . or .. segments,
	// backslashes, control characters or bad escapes never match, so
	// substituted values are always safe. A trailing slash is not
	// significant, and escapes are compared in canonical form (see canon):
	// %c3%a9 matches a rule written %C3%A9 or é.
	Path string
	// Query is the raw query without "?", r.URL.RawQuery. When the target
	// has no query, it is added to the target.
	Query string
	// Language is the Accept-Language header; Language conditions compare
	// the range it prefers (highest q).
	Language string
	// Country is the visitor's ISO 3166 country code, from a header the
	// CDN in front sets; "" (unknown) matches no Country condition.
	Country string
	// Shadowed says a file answers the path: only forced rules apply, as
	// Netlify's shadowing has it, and unforced ones are skipped.
	Shadowed bool
}

// CompileRedirects validates rules and builds a table. A Status of 0 means
// 301. Invalid rules are all reported in one *ValidationError.
func CompileRedirects(rs []Redirect) (*RedirectTable, error) {
	t := &RedirectTable{exact: map[string][]int32{}, buckets: map[string][]int32{}}
	ps := &problems{source: "redirects"}
	if len(rs) > MaxRedirects {
		ps.add(0, "there are %d redirect rules; the limit is %d", len(rs), MaxRedirects)
		return nil, ps.err()
	}
	for _, r := range rs {
		if len(ps.list) >= MaxProblems {
			break
		}
		if r.Status == 0 {
			r.Status = 301
		}
		c, msgs := checkRedirect(r)
		for _, m := range msgs {
			ps.list = append(ps.list, Problem{Source: sourceOf(r), Line: r.Line, Message: m})
		}
		if len(msgs) > 0 {
			continue
		}
		t.rules = append(t.rules, c)
		idx := int32(len(t.rules) - 1)
		if c.pat.npath == 0 && !c.pat.splat {
			t.exact[c.pat.key] = append(t.exact[c.pat.key], idx)
			continue
		}
		t.buckets[c.pat.key] = append(t.buckets[c.pat.key], idx)
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	return t, nil
}

func sourceOf(r Redirect) string {
	if r.Source == "" {
		return "redirects"
	}
	return r.Source
}

// Len returns the number of rules in t.
func (t *RedirectTable) Len() int { return len(t.rules) }

// Match returns the first rule matching a path, which may carry a
// "?query": Lookup with only Path and Query.
func (t *RedirectTable) Match(path string) (Match, bool) {
	p, q, _ := strings.Cut(path, "?")
	return t.Lookup(Request{Path: p, Query: q})
}

// Lookup returns the first rule that matches req: its path, its query
// conditions, its Country and Language conditions, and, for a Shadowed
// request, Force. When none does, ok is false and only m.Vary is set.
func (t *RedirectTable) Lookup(req Request) (m Match, ok bool) {
	if !safeRequestPath(req.Path) {
		return Match{}, false
	}
	l := lookup{t: t, req: &req, p: canon(trimSlash(req.Path)), best: int32(len(t.rules)), varyAt: [2]int32{-1, -1}}
	p := l.p
	nseg := strings.Count(p, "/") // segments; p has no empty ones
	if p == "/" {
		nseg = 0
	}
	for _, i := range t.exact[normKey(p)] {
		if i >= l.best {
			break
		}
		if l.try(i) {
			l.best = i
			break
		}
	}
	// Probe the bucket of every prefix: "", "/a", "/a/b", ..., p.
	for end := 0; end <= len(p); end++ {
		if end < len(p) && p[end] != '/' {
			continue
		}
		for _, i := range t.buckets[normKey(p[:end])] {
			if i >= l.best {
				break
			}
			if pat := &t.rules[i].pat; pat.fits(nseg) && pat.match(p, nil) && l.try(i) {
				l.best = i
				break
			}
		}
	}
	m.Vary = l.vary()
	if int(l.best) == len(t.rules) {
		return m, false
	}
	c := &t.rules[l.best]
	var caps []string
	if len(c.pat.names) > 0 || c.pat.splat {
		caps = make([]string, len(c.pat.names)+1)
		c.pat.match(p, caps)
		c.matchQuery(l.query(), caps)
	}
	to := c.target.expand(caps)
	if !safeTarget(to, c.target.absolute) {
		return m, false
	}
	if req.Query != "" && !c.target.hasQuery {
		// The query goes before a fragment: /a#top?x=1 would be a fragment.
		if i := strings.IndexByte(to, '#'); i >= 0 {
			to = to[:i] + "?" + req.Query + to[i:]
		} else {
			to += "?" + req.Query
		}
	}
	m.To, m.Status, m.Force, m.Rule = to, c.rule.Status, c.rule.Force, c.rule
	return m, true
}

// lookup is the state of one Lookup.
type lookup struct {
	t        *RedirectTable
	req      *Request
	p        string // canonical path, without a trailing slash
	best     int32
	canonQ   string
	canonSet bool
	lang     string
	langSet  bool
	// varyAt holds, for VaryLanguage and VaryCountry, the lowest index of
	// a rule whose condition on that field was weighed, or -1.
	varyAt [2]int32
}

// try reports whether rule i, whose path matches, applies to the request.
func (l *lookup) try(i int32) bool {
	c := &l.t.rules[i]
	if l.req.Shadowed && !c.rule.Force {
		return false
	}
	if len(c.query) > 0 && !c.matchQuery(l.query(), nil) {
		return false
	}
	if len(c.language) > 0 {
		l.weighed(0, i)
		lang, ok := l.language(), false
		for _, want := range c.language {
			ok = ok || lang != "" && languageMatches(want, lang)
		}
		if !ok {
			return false
		}
	}
	if len(c.country) > 0 {
		l.weighed(1, i)
		ok := false
		for _, want := range c.country {
			ok = ok || strings.EqualFold(want, l.req.Country)
		}
		if !ok {
			return false
		}
	}
	return true
}

func (l *lookup) weighed(field int, i int32) {
	if l.varyAt[field] < 0 || i < l.varyAt[field] {
		l.varyAt[field] = i
	}
}

// vary returns the fields weighed by rules up to the chosen one: those
// after it did not decide the answer.
func (l *lookup) vary() Vary {
	var v Vary
	if at := l.varyAt[0]; at >= 0 && at <= l.best {
		v |= VaryLanguage
	}
	if at := l.varyAt[1]; at >= 0 && at <= l.best {
		v |= VaryCountry
	}
	return v
}

func (l *lookup) query() string {
	if !l.canonSet {
		l.canonQ, l.canonSet = canon(l.req.Query), true
	}
	return l.canonQ
}

func (l *lookup) language() string {
	if !l.langSet {
		l.lang, l.langSet = preferredLanguage(l.req.Language), true
	}
	return l.lang
}

// normKey maps the root to "", the key of patterns with no literal prefix.
func normKey(p string) string {
	if p == "/" {
		return ""
	}
	return p
}
