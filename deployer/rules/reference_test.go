package rules

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// naiveMatch is the reference matcher: it scans every rule in order with
// code that shares nothing with RedirectTable but the final safety check.
func naiveMatch(rs []Redirect, reqPath string) (Match, bool) {
	p, query, _ := strings.Cut(reqPath, "?")
	if !naiveSafe(p) {
		return Match{}, false
	}
	got := strings.Split(strings.Trim(p, "/"), "/")
	if got[0] == "" {
		got = nil
	}
	for _, r := range rs {
		want := strings.Split(strings.Trim(r.From, "/"), "/")
		if want[0] == "" {
			want = nil
		}
		vals, ok := naiveSegments(want, got)
		if !ok {
			continue
		}
		to := naivePlaceholder.ReplaceAllStringFunc(r.To, func(m string) string {
			if v, ok := vals[m[1:]]; ok {
				return v
			}
			return m
		})
		if !safeTarget(to, !strings.HasPrefix(r.To, "/")) {
			return Match{}, false
		}
		if query != "" && !strings.Contains(r.To, "?") {
			to += "?" + query
		}
		status := r.Status
		if status == 0 {
			status = 301
		}
		r.Status = status
		return Match{To: to, Status: status, Force: r.Force, Rule: r}, true
	}
	return Match{}, false
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
		case w != got[i]:
			return nil, false
		}
	}
	return vals, len(want) == len(got)
}

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
