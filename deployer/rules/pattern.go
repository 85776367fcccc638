package rules

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// segKind is what one segment of a redirect pattern matches.
type segKind uint8

const (
	segLit   segKind = iota // exactly lit
	segParam                // one non-empty segment, captured
	segSplat                // zero or more trailing segments, captured as :splat
)

type seg struct {
	kind segKind
	lit  string
}

// pattern is a parsed redirect From. key is the literal path before the
// first wildcard segment ("" for the root), which indexes wildcard rules.
// Literal segments are in canonical form (see canon).
type pattern struct {
	segs  []seg
	names []string // placeholder names, in capture order: the path's, then the query's
	npath int      // how many of names are the path's
	splat bool
	key   string
}

// parsePattern parses a redirect From, returning a problem sentence or "".
func parsePattern(from string) (pattern, string) {
	if msg := checkPath(from, "the source path"); msg != "" {
		return pattern{}, msg
	}
	if strings.ContainsAny(from, "?#") {
		return pattern{}, "the source path must not contain ? or #; write query conditions as fields after it, as in /store id=:id /products/:id"
	}
	var p pattern
	parts := splitPath(trimSlash(from))
	wild := false
	for i, s := range parts {
		switch {
		case s == "*" && i == len(parts)-1:
			p.segs = append(p.segs, seg{kind: segSplat})
			p.splat, wild = true, true
		case strings.Contains(s, "*"):
			return pattern{}, "* is only supported as the whole last segment, as in /blog/*"
		case strings.HasPrefix(s, ":"):
			name := s[1:]
			if !isName(name) {
				return pattern{}, "placeholder " + quote(s) + " must be a colon and a name of letters, digits and _ starting with a letter"
			}
			if name == "splat" {
				return pattern{}, "the placeholder name :splat is reserved for *"
			}
			for _, n := range p.names {
				if n == name {
					return pattern{}, "placeholder :" + name + " appears twice in the source path"
				}
			}
			p.names = append(p.names, name)
			p.segs = append(p.segs, seg{kind: segParam})
			wild = true
		default:
			s = canon(s)
			p.segs = append(p.segs, seg{kind: segLit, lit: s})
			if !wild {
				p.key += "/" + s
			}
		}
	}
	p.npath = len(p.names)
	return p, ""
}

// match reports whether the normalized, safe, canonical path matches p.
// With caps non-nil (len(p.names)+1 long) it stores the path's
// placeholder values in order and the splat last.
func (p *pattern) match(path string, caps []string) bool {
	rest := path
	if rest == "/" {
		rest = ""
	}
	k := 0
	for _, s := range p.segs {
		if s.kind == segSplat {
			if caps != nil {
				caps[len(p.names)] = strings.TrimPrefix(rest, "/")
			}
			return true
		}
		if rest == "" {
			return false
		}
		rest = rest[1:] // the leading "/"
		part := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			part, rest = rest[:j], rest[j:]
		} else {
			rest = ""
		}
		if s.kind == segLit && part != s.lit {
			return false
		}
		if s.kind == segParam {
			if caps != nil {
				caps[k] = part
			}
			k++
		}
	}
	return rest == ""
}

// fits is a cheap pre-check: could a path of nseg segments match p?
func (p *pattern) fits(nseg int) bool {
	if p.splat {
		return nseg >= len(p.segs)-1
	}
	return nseg == len(p.segs)
}

// checkPath checks a path pattern or request path for hostile content.
func checkPath(p, what string) string {
	if msg := checkText(p, what); msg != "" {
		return msg
	}
	if !strings.HasPrefix(p, "/") {
		return what + " " + quote(p) + " must start with /"
	}
	if msg := checkASCII(p, what); msg != "" {
		return msg
	}
	if !validEscapes(p) {
		return what + " " + quote(p) + " has a % that does not start a %XX escape; write a literal % as %25"
	}
	if strings.Contains(p, "//") {
		return what + " " + quote(p) + " must not contain an empty segment (//)"
	}
	for _, s := range splitPath(p) {
		if isDotSegment(s) {
			return what + " " + quote(p) + " must not contain . or .. segments"
		}
	}
	return ""
}

// checkText rejects NUL, control characters, backslashes and bad UTF-8.
func checkText(s, what string) string {
	if !utf8.ValidString(s) {
		return what + " is not valid UTF-8"
	}
	for _, r := range s {
		if msg := checkRune(r, what); msg != "" {
			return msg
		}
	}
	return ""
}

// checkRune returns why r may not appear in what, or "".
func checkRune(r rune, what string) string {
	switch {
	case r == 0:
		return what + " contains a NUL byte"
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return what + " contains a control character"
	case r == '\\':
		return what + " contains a backslash, which browsers treat as /"
	}
	return ""
}

// checkASCII asks for URL-encoding in rules given as values (blueprint
// redirects, manifests): they are stored as browsers send URLs. Files may
// hold raw UTF-8, which ParseRedirects and ParseHeaders encode.
func checkASCII(s, what string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return what + " " + quote(s) + " contains non-ASCII characters; URL-encode them, as in /caf%C3%A9"
		}
	}
	return ""
}

// validEscapes reports whether every % in s starts a %XX escape.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

// safeRequestPath reports whether a request path is clean enough to match:
// it starts with /, has no empty, . or .. segments (also %2e-encoded) and
// no backslash or control character, so captured values are safe.
func safeRequestPath(p string) bool {
	if p == "/" {
		return true
	}
	if p == "" || p[0] != '/' || strings.Contains(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	if !validEscapes(p) {
		return false
	}
	for _, s := range splitPath(p) {
		if isDotSegment(s) {
			return false
		}
	}
	return true
}

// isDotSegment reports whether s is "." or "..", also when written %2e.
func isDotSegment(s string) bool {
	dots := 0
	for i := 0; i < len(s); {
		switch {
		case s[i] == '.':
			i++
		case i+3 <= len(s) && s[i] == '%' && s[i+1] == '2' && (s[i+2] == 'e' || s[i+2] == 'E'):
			i += 3
		default:
			return false
		}
		dots++
	}
	return dots == 1 || dots == 2
}

// splitPath splits "/a/b" into ["a", "b"]; "/" and "" give nil.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// trimSlash drops one trailing slash, except from the root: a trailing
// slash is not significant for matching.
func trimSlash(p string) string {
	if len(p) > 1 && p[len(p)-1] == '/' {
		return p[:len(p)-1]
	}
	return p
}

func isName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool   { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isNameByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

// quote shortens long values in messages.
func quote(s string) string {
	if len(s) > 80 {
		s = strings.ToValidUTF8(s[:77], "") + "..."
	}
	return strconv.Quote(s)
}
