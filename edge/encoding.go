package edge

import (
	"net/textproto"
	"slices"
	"strconv"
	"strings"

	"github.com/igny8/igny8/deployer"
)

// negotiate picks the precompressed variant to send for an Accept-Encoding
// header among the stored ones: the acceptable (q > 0) coding with the
// highest q, brotli before gzip on a tie, or "" for the identity bytes.
// "*" stands for any coding the header does not name; "x-gzip" is gzip.
// The first mention of a coding wins, as in most servers, and a malformed
// q counts as 0 (not acceptable), the safe reading. It allocates nothing:
// it runs on every request for a file with variants.
func negotiate(accept string, stored []string) string {
	if accept == "" || len(stored) == 0 {
		return ""
	}
	var br, gz, star codingQ
	for rest := accept; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		var c *codingQ
		switch {
		case strings.EqualFold(name, deployer.EncodingBrotli):
			c = &br
		case strings.EqualFold(name, deployer.EncodingGzip), strings.EqualFold(name, "x-gzip"):
			c = &gz
		case name == "*":
			c = &star
		default:
			continue
		}
		if !c.seen {
			c.seen, c.q = true, parseQ(params)
		}
	}
	best, bestQ := "", 0.0
	for _, enc := range [...]string{deployer.EncodingBrotli, deployer.EncodingGzip} {
		if !slices.Contains(stored, enc) {
			continue
		}
		c := &br
		if enc == deployer.EncodingGzip {
			c = &gz
		}
		if !c.seen {
			c = &star
		}
		if c.seen && c.q > bestQ {
			best, bestQ = enc, c.q
		}
	}
	return best
}

// codingQ is the q of one coding in Accept-Encoding, once seen.
type codingQ struct {
	seen bool
	q    float64
}

// parseQ returns the q of a coding's parameters (";q=0.5"), 1 without
// one; the last q parameter counts, and a malformed or out-of-range one is
// 0.
func parseQ(params string) float64 {
	v := 1.0
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || f < 0 || f > 1 {
			f = 0
		}
		v = f
	}
	return v
}

// noneMatch reports whether an If-None-Match header matches etag (a strong
// ETag): "*", or any listed ETag equal to it in the weak comparison, as
// net/http's ServeContent evaluates it. Parsing stops at the first
// malformed ETag.
func noneMatch(inm, etag string) bool {
	for {
		inm = textproto.TrimString(inm)
		if inm == "" {
			return false
		}
		if inm[0] == ',' {
			inm = inm[1:]
			continue
		}
		if inm[0] == '*' {
			return true
		}
		tag, rest := scanETag(inm)
		if tag == "" {
			return false
		}
		if strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
		inm = rest
	}
}

// scanETag returns the entity-tag at the start of s (RFC 9110: an
// optional W/ and a quoted string of etagc characters) and the rest of s,
// or "" when s does not start with one.
func scanETag(s string) (etag, rest string) {
	s = textproto.TrimString(s)
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s)-start < 2 || s[start] != '"' {
		return "", ""
	}
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1], s[i+1:]
		case c == 0x21 || 0x23 <= c && c <= 0x7e || c >= 0x80:
		default:
			return "", ""
		}
	}
	return "", ""
}
