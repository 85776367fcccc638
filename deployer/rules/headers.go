package rules

import (
	"fmt"
	"io"
	"strings"
	"unicode"
)

// ParseHeaders parses a _headers file: blocks of a path pattern on its own
// line followed by indented "Name: value" lines. A name may repeat, within
// a block and across blocks. A path may hold raw UTF-8, which is stored
// URL-encoded. Every problem is reported in one *ValidationError; the
// returned rules are then nil.
//
// Header names must be HTTP tokens and values must not contain control
// characters (CR and LF included; tabs are fine). A site's header replaces
// the edge's default of the same name, so Cache-Control, Content-Type and
// the security headers (X-Frame-Options, Referrer-Policy, ...) may be set.
// Names the edge must own are rejected, each with its reason: the framing
// and transfer headers (Content-Length, Transfer-Encoding,
// Content-Encoding, Content-Range, Accept-Ranges, Trailer, TE,
// Connection, Keep-Alive, Upgrade, Proxy-*), whose wrong values corrupt or
// smuggle responses; the validators ETag and Last-Modified, which the edge
// derives from the file's bytes and the deploy, and on which its 304s
// rest; Date, Age, Server and Alt-Svc, which the edge sets; X-Deploy-Id,
// Surrogate-Key and X-Igny8-*, which name the deploy to the platform and
// to CDN purges; Location, because redirects belong in _redirects; and
// Set-Cookie, because sites are static, share parent domains and cached
// responses must not carry cookies.
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
		if msg := checkLine(text); msg != "" {
			return ps.add(n, "%s", msg)
		}
		if text[0] == '/' {
			endBlock()
			if len(out) >= MaxHeaderRules {
				ps.add(n, "the file has more than %d paths; combine paths with * patterns", MaxHeaderRules)
				return false
			}
			inBlock, sawHeader = true, false
			path := encodeNonASCII(text)
			out = append(out, HeaderRule{Path: path, Line: n})
			if strings.IndexFunc(text, unicode.IsSpace) >= 0 {
				return ps.add(n, "a path line must hold only the path, but %s has spaces", quote(text))
			}
			if _, msg := parseHeaderPattern(path); msg != "" {
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
		if msg, _ := checkHeader(name, value); msg != "" {
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
// owned is set when the only problem is a name the edge owns that was
// accepted before it was refused (see CompileHeaders).
func checkHeader(name, value string) (msg string, owned bool) {
	if name == "" {
		return "the header name is empty", false
	}
	for i := 0; i < len(name); i++ {
		if !isTokenByte(name[i]) {
			return "the header name " + quote(name) + " is not a valid HTTP token", false
		}
	}
	if reason, owned := forbiddenHeader(strings.ToLower(name)); reason != "" {
		return "the header " + name + " cannot be set: " + reason, owned
	}
	if value == "" {
		return "the header " + name + " has an empty value", false
	}
	for _, r := range value {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return "the value of " + name + " contains a control character", false
		}
	}
	return "", false
}

// forbiddenHeader returns why a lower-case header name is refused, or "".
// owned marks the names refused since the edge took them over: deploys
// made before may hold them.
func forbiddenHeader(name string) (reason string, owned bool) {
	switch {
	case strings.HasPrefix(name, "proxy-"), strings.HasPrefix(name, "x-igny8-"):
		return "the name is reserved for the platform", false
	}
	switch name {
	case "content-length", "transfer-encoding", "content-encoding", "content-range",
		"accept-ranges", "trailer", "te", "connection", "keep-alive", "upgrade":
		return "the edge sets it from the response body", false
	case "etag", "last-modified":
		return "the edge sets it from the file's bytes and the deploy, and answers If-None-Match and If-Modified-Since with it", true
	case "date", "age", "server", "alt-svc":
		return "the edge sets it", false
	case "x-deploy-id", "surrogate-key":
		return "the platform sets it to name the deploy (CDN purges use it)", true
	case "location":
		return "use a _redirects rule instead", false
	case "set-cookie":
		return "static sites cannot set cookies", false
	}
	return "", false
}

// isTokenByte reports whether c may appear in an HTTP token (RFC 9110).
func isTokenByte(c byte) bool {
	if isNameByte(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^`|~", c) >= 0
}
