package linker

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A token is a word of a text: a maximal run of letters, digits and
// combining marks, or one Chinese or Japanese character (those scripts
// write words without spaces, so each character is matched on its own).
type token struct {
	start, end int32 // byte offsets in the field's Markdown
	term       int32 // the vocabulary id of its key
	cjk        bool
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isCJK reports whether r is written without spaces between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// scanTokens calls fn for each token of s, with byte offsets relative to
// s.
func scanTokens(s string, fn func(start, end int, cjk bool)) {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r < utf8.RuneSelf && ('a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'):
			if start < 0 {
				start = i
			}
		case r >= utf8.RuneSelf && isCJK(r):
			if start >= 0 {
				fn(start, i, false)
				start = -1
			}
			fn(i, i+size, true)
		case r >= utf8.RuneSelf && isWordRune(r):
			if start < 0 {
				start = i
			}
		default:
			if start >= 0 {
				fn(start, i, false)
				start = -1
			}
		}
		i += size
	}
	if start >= 0 {
		fn(start, len(s), false)
	}
}

// keepS are words that end in s but are not plurals, so they keep it.
var keepS = map[string]bool{
	"news": true, "always": true, "perhaps": true, "does": true, "lens": true, "series": true,
	"species": true, "whereas": true, "towards": true, "afterwards": true, "sometimes": true,
}

// appendKey appends to buf the key a word is matched and counted by: lower
// case, and the same for singular and plural under an English suffix rule,
// so coffee/coffees, berry/berries, box/boxes and class/classes share a
// key. The key is not a word; it only has to be equal for the forms that
// should match.
func appendKey(buf []byte, word string) []byte {
	n := len(buf)
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(word); i++ {
			c := word[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
		}
	} else {
		for _, r := range word {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
	}
	k := buf[n:]
	if len(k) < 4 || keepS[string(k)] {
		return buf
	}
	if k[len(k)-1] == 's' {
		switch k[len(k)-2] {
		case 's', 'u', 'i':
			// class, campus, analysis: not plurals.
		default:
			k = k[:len(k)-1]
		}
	}
	switch l := len(k); {
	case l > 3 && k[l-2] == 'i' && k[l-1] == 'e':
		// berries → berrie → berry, like berry itself; movie → movy
		// and movies → movy alike.
		k = append(k[:l-2], 'y')
	case l > 3 && k[l-1] == 'e' && strings.IndexByte("sxzh", k[l-2]) >= 0:
		// boxes → boxe → box; class → class, classes → classe → class.
		k = k[:l-1]
	}
	return buf[:n+len(k)]
}

// wordCounter counts words in text fed to it piece by piece, as a reader
// sees them: runs of letters and digits, where an apostrophe or a point
// inside a run does not end it (don't, 24.90), and each Chinese or
// Japanese character is a word. It counts the same for a Markdown text
// before and after the linker wraps part of it in a link, because it only
// sees the visible text.
type wordCounter struct {
	n      int
	inWord bool
}

func (w *wordCounter) write(s string) {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'):
			if !w.inWord {
				w.n++
				w.inWord = true
			}
		case r >= utf8.RuneSelf && isCJK(r):
			w.n++
			w.inWord = false
		case r >= utf8.RuneSelf && isWordRune(r):
			if !w.inWord {
				w.n++
				w.inWord = true
			}
		case w.inWord && (r == '\'' || r == '’' || r == '.' || r == ','):
			// Still inside the word until something else comes.
		default:
			w.inWord = false
		}
	}
}

// countWords counts the words of s as wordCounter does.
func countWords(s string) int {
	var w wordCounter
	w.write(s)
	return w.n
}

// sentenceEnd returns the byte offset just after the first sentence end
// in s, or -1. A sentence ends at ".", "!" or "?" followed by a space (or
// the end of s) and then not by a lower-case letter or a digit, which
// keeps "e.g. this" and "3. 5" whole; and at "…", "。", "！" or "？".
func sentenceEnd(s string) int {
	for i, r := range s {
		switch r {
		case '。', '！', '？', '…':
			return i + utf8.RuneLen(r)
		case '.', '!', '?':
			rest := s[i+1:]
			if rest == "" {
				return i + 1
			}
			next, _ := utf8.DecodeRuneInString(rest)
			if !unicode.IsSpace(next) {
				continue
			}
			after := strings.TrimLeftFunc(rest, unicode.IsSpace)
			if after == "" {
				return i + 1
			}
			if a, _ := utf8.DecodeRuneInString(after); r == '.' && (unicode.IsLower(a) || unicode.IsDigit(a)) {
				continue
			}
			return i + 1
		}
	}
	return -1
}

// fold is the form anchors are compared in for variety: lower case, with
// inner white space collapsed to one space.
func fold(anchor string) string {
	return strings.Join(strings.Fields(strings.ToLower(anchor)), " ")
}
