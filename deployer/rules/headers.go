package rules

import (
	"fmt"
	"io"
	"strings"
)

// ParseHeaders parses a _headers file: blocks of a path pattern on its own
// line followed by indented "Name: value" lines. A name may repeat, within
// a block and across blocks. Every problem is reported in one
// *ValidationError; the returned rules are then nil.
//
// Header names must be HTTP tokens and values must not contain control
// characters (CR and LF included). Names the edge owns are rejected: the
// framing and transfer headers (Content-Length, Transfer-Encoding,
// Content-Encoding, Content-Range, Accept-Ranges, Trailer, TE, Connection,
// Keep-Alive, Upgrade, Proxy-*), whose wrong values corrupt or smuggle
// responses; Date, Age, Server and Alt-Svc, which the edge sets; Location,
// because redirects belong in _redirects; and Set-Cookie, because sites
// are static, share parent domains and cached responses must not carry
// cookies. X-Igny8-* is reserved for the platform.
func ParseHeaders(r io.Reader) ([]HeaderRule, error) {
	ps := &problems{source: "_headers"}
	var out []HeaderRule
	inBlock := false   // the last path line started a block, valid or not
	sawHeader := false // the block has a header line, valid or not
	endBlock := func() {
		if n := len(out); inBlock && !sawHeader && n > 0 {
			ps.add(out[n-1].Line, "the path %s has no headers; add indented \"Name: value\" lines below it", quote(out[n-1].Path))
		}
	}
	err := scanLines(r, ps, func(n int, line string) bool {
		text := strings.TrimSpace(line)
		if text == "" || text[0] == '#' {
			return true
		}
		if msg := checkText(text, "the line"); msg != "" {
			return ps.add(n, "%s", msg)
		}
		if text[0] == '/' {
			endBlock()
			if len(out) >= MaxHeaderRules {
				ps.add(n, "the file has more than %d paths; combine paths with * patterns", MaxHeaderRules)
				return false
			}
			inBlock, sawHeader = true, false
			out = append(out, HeaderRule{Path: text, Line: n})
			if strings.ContainsAny(text, " \t") {
				return ps.add(n, "a path line must hold only the path, but %s has spaces", quote(text))
			}
			if _, msg := parseHeaderPattern(text); msg != "" {
				return ps.add(n, "%s", msg)
			}
			return true
		}
		if line[0] != ' ' && line[0] != '\t' {
			return ps.add(n, "expected a path starting with / or an indented \"Name: value\" line, got %s", quote(text))
		}
		if !inBlock {
			return ps.add(n, "the header line %s comes before any path; start the block with a path such as /*", quote(text))
		}
		sawHeader = true
		name, value, ok := strings.Cut(text, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok {
			return ps.add(n, "expected \"Name: value\", got %s", quote(text))
		}
		if msg := checkHeader(name, value); msg != "" {
			return ps.add(n, "%s", msg)
		}
		h := &out[len(out)-1].Headers
		*h = append(*h, [2]string{name, value})
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("read _headers: %w", err)
	}
	if !ps.full() {
		endBlock()
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkHeader validates one header, returning a problem sentence or "".
func checkHeader(name, value string) string {
	if name == "" {
		return "the header name is empty"
	}
	for i := 0; i < len(name); i++ {
		if !isTokenByte(name[i]) {
			return "the header name " + quote(name) + " is not a valid HTTP token"
		}
	}
	if reason := forbiddenHeader(strings.ToLower(name)); reason != "" {
		return "the header " + name + " cannot be set: " + reason
	}
	if value == "" {
		return "the header " + name + " has an empty value"
	}
	for _, r := range value {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return "the value of " + name + " contains a control character"
		}
	}
	return ""
}

// forbiddenHeader returns why a lower-case header name is refused, or "".
func forbiddenHeader(name string) string {
	switch {
	case strings.HasPrefix(name, "proxy-"), strings.HasPrefix(name, "x-igny8-"):
		return "the name is reserved for the platform"
	}
	switch name {
	case "content-length", "transfer-encoding", "content-encoding", "content-range",
		"accept-ranges", "trailer", "te", "connection", "keep-alive", "upgrade":
		return "the edge sets it from the response body"
	case "date", "age", "server", "alt-svc":
		return "the edge sets it"
	case "location":
		return "use a _redirects rule instead"
	case "set-cookie":
		return "static sites cannot set cookies"
	}
	return ""
}

// isTokenByte reports whether c may appear in an HTTP token (RFC 9110).
func isTokenByte(c byte) bool {
	if isNameByte(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^`|~", c) >= 0
}
