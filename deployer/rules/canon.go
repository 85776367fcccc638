package rules

import "strings"

// Paths are matched in one canonical escaped form, so that the spellings a
// browser, a proxy or a site owner may use for one URL match each other:
// "%c3%a9", "%C3%A9" and a raw "é" are the same path, and so are "%7E" and
// "~". The canonical form of an escaped string (canon):
//
//   - an escape of an unreserved character (RFC 3986: letters, digits,
//     "-", ".", "_", "~") is decoded, as RFC 3986 §6.2.2.2 allows;
//   - every other escape is written with upper-case hex digits;
//   - a byte that may not appear raw in a URL path (controls, space, "#",
//     "?", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", a "%" that does
//     not start an escape, and every byte of a non-ASCII character) is
//     escaped.
//
// Everything else, the sub-delimiters "!$&'()*+,;=" and ":", "@" and "/",
// stays as written: an escaped "/" is not a segment separator, and the
// others may mean something else escaped than raw.

// canon returns s in canonical form, without allocating when it already
// is.
func canon(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			if b := unhex(s[i+1])<<4 | unhex(s[i+2]); isUnreserved(b) || isLowerHex(s[i+1]) || isLowerHex(s[i+2]) {
				break
			}
			i += 3
			continue
		}
		if !rawPathByte(c) {
			break
		}
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			if d := unhex(s[i+1])<<4 | unhex(s[i+2]); isUnreserved(d) {
				b.WriteByte(d)
			} else {
				writeEscape(&b, d)
			}
			i += 2
			continue
		}
		if rawPathByte(c) {
			b.WriteByte(c)
		} else {
			writeEscape(&b, c)
		}
	}
	return b.String()
}

// encodeNonASCII escapes the bytes of non-ASCII characters in s and
// leaves everything else alone: what a _redirects or _headers file may
// hold raw ("/café") becomes what a browser sends ("/caf%C3%A9").
func encodeNonASCII(s string) string {
	i := 0
	for i < len(s) && s[i] < 0x80 {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			writeEscape(&b, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescape decodes every %XX escape of s, which must all be valid.
func unescape(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

const upperHex = "0123456789ABCDEF"

func writeEscape(b *strings.Builder, c byte) {
	b.WriteByte('%')
	b.WriteByte(upperHex[c>>4])
	b.WriteByte(upperHex[c&15])
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isLowerHex(c byte) bool { return c >= 'a' && c <= 'f' }

// isUnreserved reports whether c is an RFC 3986 unreserved character.
func isUnreserved(c byte) bool { return byteClass[c]&classUnreserved != 0 }

// rawPathByte reports whether c stays raw in the canonical form: an
// unreserved character, a sub-delimiter, ":", "@" or "/".
func rawPathByte(c byte) bool { return byteClass[c]&classRaw != 0 }

// byteClass classifies bytes for canon, which runs on every request path.
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if isLetter(b) || b >= '0' && b <= '9' || strings.IndexByte("-._~", b) >= 0 {
			t[c] |= classUnreserved | classRaw
		}
		if strings.IndexByte("/:@!$&'()*+,;=", b) >= 0 {
			t[c] |= classRaw
		}
	}
	return t
}()

const (
	classUnreserved = 1 << iota
	classRaw
)
