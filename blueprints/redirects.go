package blueprints

import (
	"net/url"
	"strconv"
	"strings"
)

// redirects checks site.redirects beyond what the schema says (an
// URL-encoded ASCII path or http(s) URL, a known status): the rules a
// _redirects line must follow in the deployer, so that a blueprint that
// validates also deploys, with each problem at the field that causes it.
// The deployer checks again when it compiles the rules; a test in
// cmd/igny8 keeps the two in agreement.
func (v *validator) redirects() {
	for i, r := range v.bp.Site.Redirects {
		at := ptr("", "site", "redirects", i)
		names, splat, msg := redirectFrom(r.From)
		if msg != "" {
			v.add(ptr(at, "from"), "%q %s", truncate(r.From, 80), msg)
			continue
		}
		if msg := redirectTo(r.To, names, splat, r.Status); msg != "" {
			v.add(ptr(at, "to"), "%q %s", truncate(r.To, 80), msg)
		}
		if !r.Force && len(names) == 0 && !splat {
			if pg := v.pageAt(strings.TrimSuffix(r.From, "/") + "/"); pg != nil && !pg.Draft {
				v.add(ptr(at, "force"), `page %q is at %s, and a rule without "force": true never applies where a page exists; set "force": true or change "from"`, pg.ID, pg.Path)
			}
		}
	}
}

// redirectFrom checks a rule's From and returns its placeholder names and
// whether it ends in a splat, or a problem sentence.
func redirectFrom(from string) (names []string, splat bool, msg string) {
	if msg := redirectPath(from); msg != "" {
		return nil, false, msg
	}
	if strings.ContainsAny(from, "?#") {
		return nil, false, "must not contain ? or #; query and fragment conditions are not supported"
	}
	if first, _, _ := strings.Cut(strings.TrimPrefix(from, "/"), "/"); unescapePath(first) == reservedSegment {
		return nil, false, "is under /" + reservedSegment + "/, which IGNY8 keeps for the platform's own endpoints; a rule cannot change what it serves there"
	}
	segs := strings.Split(strings.TrimPrefix(trimSlash(from), "/"), "/")
	for i, s := range segs {
		switch {
		case s == "*" && i == len(segs)-1:
			splat = true
		case strings.Contains(s, "*"):
			return nil, false, `may use * only as the whole last segment, as in "/blog/*"`
		case strings.HasPrefix(s, ":"):
			name := s[1:]
			switch {
			case !redirectName(name):
				return nil, false, "has placeholder " + strconv.Quote(s) + "; a placeholder is a colon and a name of letters, digits and _ starting with a letter"
			case name == "splat":
				return nil, false, "uses :splat, which is reserved for what * matches; end the path with /* instead"
			case contains(names, name):
				return nil, false, "uses placeholder :" + name + " twice"
			}
			names = append(names, name)
		}
	}
	return names, splat, ""
}

// redirectTo checks a rule's To against the placeholders of its From.
func redirectTo(to string, names []string, splat bool, status int) string {
	if !validEscapes(to) {
		return "has a % that does not start a %XX escape; write a literal % as %25"
	}
	pathPart := to
	switch {
	case strings.HasPrefix(to, "//"):
		return `is protocol-relative; write "https://host/…" instead`
	case !strings.HasPrefix(to, "/"): // http(s), as the schema says
		u, err := url.Parse(to)
		switch {
		case err != nil || u.Host == "":
			return "is not a valid http(s) URL"
		case u.User != nil:
			return "must not contain a user name or password"
		case hasPlaceholder(u.Host) || strings.Contains(u.Host, "*"):
			return "must not use placeholders in the host"
		case status == 200 || status == 404 || status == 410:
			return "is on another host, but a status " + strconv.Itoa(status) + " rule serves a file of this site; use a path starting with /"
		}
		pathPart = u.EscapedPath()
	}
	if i := strings.IndexAny(pathPart, "?#"); i >= 0 {
		pathPart = pathPart[:i]
	}
	for _, s := range strings.Split(pathPart, "/") {
		if dotSegment(s) {
			return "must not contain . or .. segments"
		}
	}
	// ":name" is a placeholder only when name starts with a letter, so a
	// port (:8080) is not one.
	for i := 0; i < len(to); i++ {
		if to[i] != ':' || i+1 >= len(to) || !isASCIILetter(to[i+1]) {
			continue
		}
		j := i + 1
		for j < len(to) && (isASCIILetter(to[j]) || to[j] >= '0' && to[j] <= '9' || to[j] == '_') {
			j++
		}
		switch name := to[i+1 : j]; {
		case name == "splat" && !splat:
			return `uses :splat, but "from" does not end in /*`
		case name != "splat" && !contains(names, name):
			return "uses :" + name + `, but "from" has no :` + name + " placeholder"
		}
		i = j - 1
	}
	return ""
}

// redirectPath checks what a path in a rule must be beyond the schema's
// printable ASCII: valid %XX escapes, no empty, . or .. segments.
func redirectPath(p string) string {
	switch {
	case !validEscapes(p):
		return "has a % that does not start a %XX escape; write a literal % as %25"
	case strings.Contains(p, "//"):
		return "must not contain an empty segment (//)"
	}
	for _, s := range strings.Split(p, "/") {
		if dotSegment(s) {
			return "must not contain . or .. segments"
		}
	}
	return ""
}

// reservedSegment is the first path segment IGNY8 keeps for the
// platform's own endpoints (rules.ReservedPath, which this package may not
// import): a redirect's from may not be there, also percent-encoded.
const reservedSegment = ".igny8"

// unescapePath decodes the %XX escapes of s, which redirectPath has
// checked.
func unescapePath(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// dotSegment reports whether s is "." or "..", also when written %2e.
func dotSegment(s string) bool {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "%2e", "."), "%2E", ".")
	return s == "." || s == ".."
}

func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && (i+2 >= len(s) || !isHexDigit(s[i+1]) || !isHexDigit(s[i+2])) {
			return false
		}
	}
	return true
}

func hasPlaceholder(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == ':' && isASCIILetter(s[i+1]) {
			return true
		}
	}
	return false
}

func redirectName(s string) bool {
	if s == "" || !isASCIILetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isASCIILetter(c) && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// trimSlash drops one trailing slash, except from "/".
func trimSlash(p string) string {
	if len(p) > 1 && p[len(p)-1] == '/' {
		return p[:len(p)-1]
	}
	return p
}
