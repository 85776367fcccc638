package rules

import (
	"strings"
)

// RedirectTable finds the first redirect rule matching a path. It is
// immutable and safe for concurrent use.
//
// Rules without wildcards sit in a map keyed by their path; the others sit
// in buckets keyed by the literal path before their first wildcard, each
// bucket in rule order. Match looks up the exact map and the bucket of
// every prefix of the path (one per segment) and keeps the candidate with
// the lowest rule index, so the first rule in file order wins no matter
// which structure holds it. A bucket is scanned only up to the best index
// found so far, and a rule whose segment count cannot fit the path is
// skipped without running its matcher.
type RedirectTable struct {
	rules   []compiled
	exact   map[string]int32   // normalized path → lowest rule index
	buckets map[string][]int32 // literal prefix → wildcard rule indices, ascending
}

type compiled struct {
	rule   Redirect
	pat    pattern
	target target
}

// Match is the result of a redirect lookup.
type Match struct {
	To     string   // target with placeholders substituted and the query applied
	Status int      // 301, 302, 307, 308, 200, 404 or 410
	Force  bool     // apply even when a file exists at the path
	Rule   Redirect // the rule that matched
}

// CompileRedirects validates rules and builds a table. A Status of 0 means
// 301. Invalid rules are all reported in one *ValidationError.
func CompileRedirects(rs []Redirect) (*RedirectTable, error) {
	t := &RedirectTable{exact: map[string]int32{}, buckets: map[string][]int32{}}
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
		p, tg, msgs := checkRedirect(r)
		for _, m := range msgs {
			ps.list = append(ps.list, Problem{Source: sourceOf(r), Line: r.Line, Message: m})
		}
		if len(msgs) > 0 {
			continue
		}
		t.rules = append(t.rules, compiled{rule: r, pat: p, target: tg})
		idx := int32(len(t.rules) - 1)
		if len(p.names) == 0 && !p.splat {
			if _, dup := t.exact[p.key]; !dup {
				t.exact[p.key] = idx
			}
			continue
		}
		t.buckets[p.key] = append(t.buckets[p.key], idx)
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

// Match returns the first rule matching the request path, which may carry
// a "?query". Rules are written URL-encoded (as Netlify asks), so pass the
// escaped path, r.URL.EscapedPath(), plus "?" and r.URL.RawQuery if any.
// The path should be clean (as path.Clean leaves it); paths
// with empty, . or .. segments, backslashes or control characters never
// match, so substituted values are always safe. A trailing slash is not
// significant. When the target has no query, the request's query is
// appended to it.
func (t *RedirectTable) Match(path string) (Match, bool) {
	p, query, _ := strings.Cut(path, "?")
	if !safeRequestPath(p) {
		return Match{}, false
	}
	p = trimSlash(p)
	nseg := strings.Count(p, "/") // segments; p has no empty ones
	if p == "/" {
		nseg = 0
	}
	best := int32(len(t.rules))
	if i, ok := t.exact[normKey(p)]; ok {
		best = i
	}
	// Probe the bucket of every prefix: "", "/a", "/a/b", ..., p.
	for end := 0; end <= len(p); end++ {
		if end < len(p) && p[end] != '/' {
			continue
		}
		for _, i := range t.buckets[normKey(p[:end])] {
			if i >= best {
				break
			}
			if pat := &t.rules[i].pat; pat.fits(nseg) && pat.match(p, nil) {
				best = i
				break
			}
		}
	}
	if int(best) == len(t.rules) {
		return Match{}, false
	}
	c := &t.rules[best]
	var caps []string
	if len(c.pat.names) > 0 || c.pat.splat {
		caps = make([]string, 0, len(c.pat.names)+1)
		c.pat.match(p, &caps)
	}
	to := c.target.expand(caps)
	if !safeTarget(to, c.target.absolute) {
		return Match{}, false
	}
	if query != "" && !c.target.hasQuery {
		to += "?" + query
	}
	return Match{To: to, Status: c.rule.Status, Force: c.rule.Force, Rule: c.rule}, true
}

// normKey maps the root to "", the key of patterns with no literal prefix.
func normKey(p string) string {
	if p == "/" {
		return ""
	}
	return p
}
