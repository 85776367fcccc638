package rules

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// naiveMatch is naiveLookup of a path that may carry a "?query".
func naiveMatch(rs []Redirect, reqPath string) (Match, bool) {
	p, q, _ := strings.Cut(reqPath, "?")
	return naiveLookup(rs, Request{Path: p, Query: q})
}

// naiveLookup is the reference matcher: it scans every rule in order with
// code that shares nothing with RedirectTable but the final safety check.
func naiveLookup(rs []Redirect, req Request) (Match, bool) {
	p := req.Path
	if !naiveSafe(p) {
		return Match{}, false
	}
	got := strings.Split(strings.Trim(p, "/"), "/")
	if got[0] == "" {
		got = nil
	}
	for i := range got {
		got[i] = naiveCanon(got[i])
	}
	var vary Vary
	for _, r := range rs {
		want := strings.Split(strings.Trim(r.From, "/"), "/")
		if want[0] == "" {
			want = nil
		}
		vals, ok := naiveSegments(want, got)
		if !ok || req.Shadowed && !r.Force || !naiveQuery(r.Query, req.Query, vals) {
			continue
		}
		if len(r.Language) > 0 {
			vary |= VaryLanguage
			if !naiveLanguage(r.Language, req.Language) {
				continue
			}
		}
		if len(r.Country) > 0 {
			vary |= VaryCountry
			if !slices.ContainsFunc(r.Country, func(c string) bool { return strings.EqualFold(c, req.Country) }) {
				continue
			}
		}
		to := naivePlaceholder.ReplaceAllStringFunc(r.To, func(m string) string {
			if v, ok := vals[m[1:]]; ok {
				return v
			}
			return m
		})
		if !safeTarget(to, !strings.HasPrefix(r.To, "/")) {
			return Match{Vary: vary}, false
		}
		if beforeFragment, _, _ := strings.Cut(r.To, "#"); req.Query != "" && !strings.Contains(beforeFragment, "?") {
			base, frag, hasFrag := strings.Cut(to, "#")
			to = base + "?" + req.Query
			if hasFrag {
				to += "#" + frag
			}
		}
		status := r.Status
		if status == 0 {
			status = 301
		}
		r.Status = status
		return Match{To: to, Status: status, Force: r.Force, Rule: r, Vary: vary}, true
	}
	return Match{Vary: vary}, false
}

var naivePlaceholder = regexp.MustCompile(`:[A-Za-z][A-Za-z0-9_]*`)

func naiveSegments(want, got []string) (map[string]string, bool) {
	vals := map[string]string{}
	for i, w := range want {
		if w == "*" && i == len(want)-1 {
			vals["splat"] = strings.Join(got[min(i, len(got)):], "/")
			return vals, true
		}
		if i >= len(got) {
			return nil, false
		}
		switch {
		case strings.HasPrefix(w, ":"):
			vals[w[1:]] = got[i]
		case naiveCanon(w) != got[i]:
			return nil, false
		}
	}
	return vals, len(want) == len(got)
}

// naiveQuery checks a rule's query conditions against a raw query and
// adds the bound values to vals.
func naiveQuery(conds [][2]string, rawQuery string, vals map[string]string) bool {
	have := map[string]string{}
	for _, pair := range strings.Split(rawQuery, "&") {
		if pair == "" {
			continue
		}
		n, v, _ := strings.Cut(pair, "=")
		if _, dup := have[naiveCanon(n)]; !dup {
			have[naiveCanon(n)] = naiveCanon(v)
		}
	}
	for _, c := range conds {
		v, ok := have[naiveCanon(c[0])]
		switch {
		case !ok:
			return false
		case strings.HasPrefix(c[1], ":"):
			if v == "" {
				return false
			}
			vals[c[1][1:]] = v
		case naiveCanon(c[1]) != v:
			return false
		}
	}
	return true
}

// naiveLanguage reports whether the Accept-Language header's favourite
// (highest q, first of equals) is one of langs or under one of them.
func naiveLanguage(langs []string, accept string) bool {
	type ranked struct {
		tag string
		q   float64
	}
	var rs []ranked
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		tag := strings.TrimSpace(fields[0])
		if tag == "" || tag == "*" || !regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`).MatchString(tag) {
			continue
		}
		q := 1.0
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && x >= 0 && x <= 1 {
					q = x
				} else {
					q = 0
				}
			}
		}
		rs = append(rs, ranked{tag, q})
	}
	slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(b.q, a.q) })
	if len(rs) == 0 || rs[0].q <= 0 {
		return false
	}
	fav := strings.ToLower(rs[0].tag)
	for _, l := range langs {
		l = strings.ToLower(l)
		if fav == l || strings.HasPrefix(fav, l+"-") {
			return true
		}
	}
	return false
}

// naiveCanon is the canonical form of an escaped string, computed in two
// passes: escape what may not be raw, then rewrite every escape.
func naiveCanon(s string) string {
	const raw = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && naiveHex.MatchString(s[i:i+3]) {
			b.WriteString(s[i : i+3])
			i += 2
			continue
		}
		if strings.IndexByte(raw, s[i]) >= 0 {
			b.WriteByte(s[i])
		} else {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
	}
	return naiveHex.ReplaceAllStringFunc(b.String(), func(e string) string {
		v, _ := strconv.ParseUint(e[1:], 16, 8)
		if strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", byte(v)) >= 0 {
			return string(rune(v))
		}
		return strings.ToUpper(e)
	})
}

var naiveHex = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

func naiveSafe(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") || strings.ContainsAny(p, "\\\x7f") {
		return false
	}
	if _, err := url.PathUnescape(p); err != nil {
		return false
	}
	for _, c := range []byte(p) {
		if c < 0x20 {
			return false
		}
	}
	for _, s := range strings.Split(p, "/") {
		if isDotSegment(s) {
			return false
		}
	}
	return true
}

// redirectsFile returns n rules: a third exact, a third splats and a third
// placeholders, spread over 100 sections, with a catch-all at the end.
func redirectsFile(n int) string {
	var b strings.Builder
	for i := 0; i < n-1; i++ {
		sec := i % 100
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "/s%d/page-%d /new/page-%d\n", sec, i, i)
		case 1:
			fmt.Fprintf(&b, "/s%d/dir-%d/* /new/%d/:splat 302\n", sec, i, i)
		default:
			fmt.Fprintf(&b, "/s%d/:year/post-%d /posts/:year/%d 200\n", sec, i, i)
		}
	}
	b.WriteString("/* /index.html 200\n")
	return b.String()
}
