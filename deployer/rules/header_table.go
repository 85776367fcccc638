package rules

import (
	"net/textproto"
	"regexp"
	"slices"
	"strings"
)

// HeaderTable finds the headers for a path. It is immutable and safe for
// concurrent use.
//
// Rules without wildcards sit in a map keyed by their path; the others sit
// in buckets keyed by the literal path before their first wildcard
// segment and are checked with an anchored regexp (RE2, so linear time).
// Headers probes the map and the bucket of every prefix of the path.
type HeaderTable struct {
	rules   []HeaderRule
	res     []*regexp.Regexp // nil for exact rules
	suffix  []string         // literal every match of res ends with
	exact   map[string][]int32
	buckets map[string][]int32
}

// CompileHeaders validates rules and builds a table. Invalid rules are all
// reported in one *ValidationError. Header names become canonical
// (cache-control is Cache-Control).
//
// ETag, Last-Modified, X-Deploy-Id and Surrogate-Key were accepted before
// the edge took them over: in rules given here (a manifest of that time)
// they are left out, so those deploys still load; ParseHeaders refuses
// them in new files.
func CompileHeaders(hs []HeaderRule) (*HeaderTable, error) {
	t := &HeaderTable{exact: map[string][]int32{}, buckets: map[string][]int32{}}
	ps := &problems{source: "_headers"}
	if len(hs) > MaxHeaderRules {
		ps.add(0, "there are %d header rules; the limit is %d", len(hs), MaxHeaderRules)
		return nil, ps.err()
	}
	for _, h := range hs {
		if ps.full() {
			break
		}
		hp, msg := parseHeaderPattern(h.Path)
		if msg != "" {
			ps.add(h.Line, "%s", msg)
			continue
		}
		bad := false
		kept := make([][2]string, 0, len(h.Headers))
		for _, kv := range h.Headers {
			msg, owned := checkHeader(kv[0], kv[1])
			switch {
			case owned:
			case msg != "":
				ps.add(h.Line, "%s", msg)
				bad = true
			default:
				kept = append(kept, [2]string{textproto.CanonicalMIMEHeaderKey(kv[0]), kv[1]})
			}
		}
		if bad {
			continue
		}
		h.Headers = kept
		idx := int32(len(t.rules))
		t.rules = append(t.rules, h)
		t.res = append(t.res, hp.re)
		t.suffix = append(t.suffix, hp.suffix)
		if hp.re == nil {
			t.exact[hp.key] = append(t.exact[hp.key], idx)
		} else {
			t.buckets[hp.key] = append(t.buckets[hp.key], idx)
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return t, nil
}

// Len returns the number of rules in t.
func (t *HeaderTable) Len() int { return len(t.rules) }

// Headers returns the headers of every rule matching path, in file order,
// with canonical names; callers should Add them, as names may repeat. A
// "?query" is ignored, as is a trailing slash, and escapes are compared in
// canonical form, as by RedirectTable.Lookup: pass the escaped path,
// r.URL.EscapedPath(). Paths that are not clean (see Request.Path) match
// nothing. The result must not be modified; when one rule matches, it is
// that rule's own list, the same on every call.
func (t *HeaderTable) Headers(path string) [][2]string {
	p, _, _ := strings.Cut(path, "?")
	if !safeRequestPath(p) {
		return nil
	}
	p = canon(trimSlash(p))
	var buf [8]int32
	hits := append(buf[:0], t.exact[normKey(p)]...)
	for end := 0; end <= len(p); end++ {
		if end < len(p) && p[end] != '/' {
			continue
		}
		if end == len(p) && end == 1 {
			break // the root was probed at end 0
		}
		for _, i := range t.buckets[normKey(p[:end])] {
			if strings.HasSuffix(p, t.suffix[i]) && t.res[i].MatchString(p) {
				hits = append(hits, i)
			}
		}
	}
	switch len(hits) {
	case 0:
		return nil
	case 1:
		return t.rules[hits[0]].Headers
	}
	slices.Sort(hits)
	n := 0
	for _, i := range hits {
		n += len(t.rules[i].Headers)
	}
	out := make([][2]string, 0, n)
	for _, i := range hits {
		out = append(out, t.rules[i].Headers...)
	}
	return out
}

// headerPattern is a compiled _headers path: re is nil for a plain path.
// suffix is the literal after the last wildcard, a cheap pre-check.
type headerPattern struct {
	key    string
	re     *regexp.Regexp
	suffix string
}

// parseHeaderPattern compiles a _headers path. "*" matches any run of
// characters, "/" included; a trailing "/*" also matches the bare
// directory; a ":name" segment matches one non-empty segment.
func parseHeaderPattern(path string) (headerPattern, string) {
	if msg := checkPath(path, "the path"); msg != "" {
		return headerPattern{}, msg
	}
	if strings.ContainsAny(path, "?#") {
		return headerPattern{}, "the path " + quote(path) + " must not contain ? or #"
	}
	var hp headerPattern
	var re strings.Builder
	re.WriteString("^")
	wild := false
	parts := splitPath(trimSlash(path))
	for i, s := range parts {
		switch {
		case s == "*" && i == len(parts)-1:
			re.WriteString("(?:/.*)?")
			wild, hp.suffix = true, ""
		case strings.HasPrefix(s, ":"):
			if !isName(s[1:]) {
				return headerPattern{}, "placeholder " + quote(s) + " must be a colon and a name of letters, digits and _ starting with a letter"
			}
			re.WriteString("/[^/]+")
			wild, hp.suffix = true, ""
		case strings.Contains(s, "*"):
			s = canon(s)
			re.WriteString("/" + strings.ReplaceAll(regexp.QuoteMeta(s), `\*`, ".*"))
			wild, hp.suffix = true, s[strings.LastIndexByte(s, '*')+1:]
		default:
			s = canon(s)
			re.WriteString("/" + regexp.QuoteMeta(s))
			hp.suffix += "/" + s
			if !wild {
				hp.key += "/" + s
			}
		}
	}
	if len(parts) == 0 {
		re.WriteString("/")
	}
	re.WriteString("$")
	if wild {
		hp.re = regexp.MustCompile(re.String())
	}
	return hp, ""
}
