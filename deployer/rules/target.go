package rules

import (
	"net/url"
	"strconv"
	"strings"
)

// tpart is a piece of a compiled target: a literal, or capture cap (an
// index into the values match appends; the splat comes last).
type tpart struct {
	lit string
	cap int // -1 for a literal
}

// target is a compiled To.
type target struct {
	parts    []tpart
	absolute bool // http(s) URL
	hasQuery bool // a "?" before any "#": the request's query is not added
}

// parseTarget checks to against p and compiles it, returning a problem
// sentence or "".
func parseTarget(to string, p *pattern, status int) (target, string) {
	if msg := checkText(to, "the target"); msg != "" {
		return target{}, msg
	}
	if hasScheme(to, "http") || hasScheme(to, "https") {
		host := to[strings.Index(to, "://")+3:]
		if i := strings.IndexAny(host, "/?#"); i >= 0 {
			host = host[:i]
		}
		if checkASCII(host, "") != "" {
			return target{}, "the target host " + quote(host) + " contains non-ASCII characters; write it in its ASCII form (xn--…), as browsers send it"
		}
	}
	if msg := checkASCII(to, "the target"); msg != "" {
		return target{}, msg
	}
	if !validEscapes(to) {
		return target{}, "the target " + quote(to) + " has a % that does not start a %XX escape; write a literal % as %25"
	}
	beforeFragment, _, _ := strings.Cut(to, "#")
	t := target{hasQuery: strings.Contains(beforeFragment, "?")}
	pathPart := to
	switch {
	case strings.HasPrefix(to, "//"):
		return target{}, "the target " + quote(to) + " is protocol-relative; write https://host/... instead"
	case strings.HasPrefix(to, "/"):
	case hasScheme(to, "http") || hasScheme(to, "https"):
		u, err := url.Parse(to)
		if err != nil || u.Host == "" {
			return target{}, "the target " + quote(to) + " is not a valid http(s) URL"
		}
		if u.User != nil {
			return target{}, "the target " + quote(to) + " must not contain a user name or password"
		}
		if hasPlaceholder(u.Host) || strings.Contains(u.Host, "*") {
			return target{}, "the target host " + quote(u.Host) + " must not use placeholders"
		}
		if status == 200 || status == 404 || status == 410 {
			return target{}, "a status " + strconv.Itoa(status) + " rule serves a file of this site, so its target must be a path starting with /; proxying to other hosts is not supported"
		}
		t.absolute, pathPart = true, u.EscapedPath()
	default:
		if i := strings.IndexAny(to, ":/?#"); i > 0 && to[i] == ':' {
			return target{}, "the target scheme " + quote(to[:i]) + " is not allowed; use a path starting with / or an http or https URL"
		}
		return target{}, "the target " + quote(to) + " must be a path starting with / or an http or https URL"
	}
	if i := strings.IndexAny(pathPart, "?#"); i >= 0 {
		pathPart = pathPart[:i]
	}
	for _, s := range splitPath(pathPart) {
		if isDotSegment(s) {
			return target{}, "the target " + quote(to) + " must not contain . or .. segments"
		}
	}
	// Split into literals and captures. ":name" is a capture only when
	// name starts with a letter, so ports (:8080) stay literal.
	lit := 0
	for i := 0; i < len(to); i++ {
		if to[i] != ':' || i+1 >= len(to) || !isLetter(to[i+1]) {
			continue
		}
		j := i + 1
		for j < len(to) && isNameByte(to[j]) {
			j++
		}
		name, idx := to[i+1:j], -1
		if name == "splat" && p.splat {
			idx = len(p.names)
		}
		for k, n := range p.names {
			if n == name {
				idx = k
			}
		}
		if idx < 0 {
			if name == "splat" {
				return target{}, "the target uses :splat but the source path has no *"
			}
			return target{}, "the target uses :" + name + " but the source path has no :" + name + " placeholder"
		}
		if i > lit {
			t.parts = append(t.parts, tpart{lit: to[lit:i], cap: -1})
		}
		t.parts = append(t.parts, tpart{cap: idx})
		lit, i = j, j-1
	}
	if lit < len(to) {
		t.parts = append(t.parts, tpart{lit: to[lit:], cap: -1})
	}
	return t, ""
}

// expand substitutes captured values into t.
func (t *target) expand(caps []string) string {
	if len(t.parts) == 1 && t.parts[0].cap < 0 {
		return t.parts[0].lit
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.cap < 0 {
			b.WriteString(p.lit)
		} else {
			b.WriteString(caps[p.cap])
		}
	}
	return b.String()
}

// safeTarget is the last check on an expanded target: it must not be
// protocol-relative or contain dot segments, whatever was substituted.
func safeTarget(s string, absolute bool) bool {
	if !absolute && (len(s) < 1 || s[0] != '/' || strings.HasPrefix(s, "//")) {
		return false
	}
	if strings.ContainsAny(s, "\\\x00\r\n") {
		return false
	}
	p := s
	if absolute {
		if i := strings.Index(p, "://"); i >= 0 {
			p = p[i+3:]
			if j := strings.IndexByte(p, '/'); j >= 0 {
				p = p[j:]
			} else {
				p = ""
			}
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for _, seg := range splitPath(p) {
		if isDotSegment(seg) {
			return false
		}
	}
	return true
}

func hasScheme(s, scheme string) bool {
	return len(s) > len(scheme)+3 && strings.EqualFold(s[:len(scheme)], scheme) && s[len(scheme):len(scheme)+3] == "://"
}

func hasPlaceholder(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == ':' && isLetter(s[i+1]) {
			return true
		}
	}
	return false
}
