package writer

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxSlug is the longest slug: a slug is a page id, and the blueprint
// format caps ids at 64 characters.
const MaxSlug = 64

// MaxTag is the longest page tag the blueprint format accepts.
const MaxTag = 40

// letters spells the Latin letters that do not decompose into a base
// letter and accents.
var letters = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ħ': "h",
}

// Slug turns a title (or a slug an AI model proposed) into a page id:
// lower-case ASCII letters, digits and single dashes, at most MaxSlug
// characters, cut at a word boundary when it can be. Accents are
// transliterated ("Crème brûlée tips" → "creme-brulee-tips"),
// apostrophes dropped ("Don't" → "dont"); other scripts have no
// transliteration here and drop out, so Slug may return "". Of a path
// ("/blog/my-post/") only the last segment counts.
func Slug(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		s = path.Base("/" + strings.Trim(s, "/"))
	}
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == 'ʼ':
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case letters[unicode.ToLower(r)] != "":
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(letters[unicode.ToLower(r)])
		default:
			dash = true
		}
	}
	return cutSlug(b.String(), MaxSlug)
}

// cutSlug shortens a slug to at most n bytes, at its last dash when that
// keeps at least half of it.
func cutSlug(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	if s[n] != '-' {
		if i := strings.LastIndexByte(cut, '-'); i >= n/2 {
			cut = cut[:i]
		}
	}
	return strings.TrimRight(cut, "-")
}

// slugFor picks a page's slug: the first of the candidates that makes a
// slug, else the entity type and a hash of the last candidate, so the
// same content always gets the same slug.
func slugFor(entity string, candidates ...string) string {
	for _, c := range candidates {
		if s := Slug(c); s != "" {
			return s
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(candidates, "\x00")))
	return entity + "-" + hex.EncodeToString(sum[:4])
}

// Tag is the page tag of a cluster: posts are tagged with their cluster's
// name and the cluster's category page lists the posts with that tag, so
// both must spell it the same way. It is the name with its spaces
// collapsed, cut to MaxTag characters at a word boundary.
func Tag(cluster string) string {
	t := strings.Join(strings.Fields(cluster), " ")
	r := []rune(t)
	if len(r) <= MaxTag {
		return t
	}
	cut := string(r[:MaxTag])
	if r[MaxTag] != ' ' {
		if i := strings.LastIndexByte(cut, ' '); i >= len(cut)/2 {
			cut = cut[:i]
		}
	}
	return strings.TrimSpace(cut)
}
