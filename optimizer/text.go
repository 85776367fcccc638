package optimizer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A text unit (a paragraph, heading, list item, FAQ question…) is split
// into words and sentences once; every check reads the result.

// sentence is a run of a unit's words: words[from:to] of the unit, and
// text[start:end] of its text.
type sentence struct {
	from, to   int
	start, end int
}

// tokens are a unit's words (lower case) and sentences.
type tokens struct {
	words []string
	sents []sentence
}

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// isWordRune reports whether r can be part of a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isCJK reports whether r is a Chinese or Japanese character, each of
// which counts as a word.
func isCJK(r rune) bool {
	return r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// tokenize splits text into lower-case words and sentences. A word is a
// run of letters, digits and combining marks; an apostrophe or hyphen
// between two letters, or a point or comma between two digits, joins the
// parts ("don't", "well-known", "24.90"). Sentences end at ".", "!", "?"
// or "…" (and their CJK forms) followed by a space and a character that
// is not a lower-case letter, unless the point ends an abbreviation of the
// language or a single-letter initial ("J. R. Tolkien").
func tokenize(text string, lang *language) tokens {
	var t tokens
	if text == "" {
		return t
	}
	t.words = make([]string, 0, len(text)/4+1)
	t.sents = make([]sentence, 0, len(text)/80+1)
	// The text is lowered once and its words sliced from it, when
	// lowering keeps every byte in place (it does but for a few letters
	// such as the Kelvin sign).
	lowered := lowerInPlace(text)
	if strings.Contains(lowered, "’") {
		lowered = "" // lower folds it to "'"
	}
	// pending is where the next sentence starts: at its first word, or
	// at an opening mark before it ("¿", a quote).
	sentStart, sentFrom, pending := -1, 0, -1
	begin := func(i int) {
		if sentStart < 0 {
			sentStart = i
			if pending >= 0 {
				sentStart = pending
			}
		}
	}
	flush := func(end int) {
		if sentStart >= 0 && len(t.words) > sentFrom {
			t.sents = append(t.sents, sentence{from: sentFrom, to: len(t.words), start: sentStart, end: end})
		}
		sentStart, sentFrom, pending = -1, len(t.words), -1
	}
	i := 0
	for i < len(text) {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case isCJK(r):
			begin(i)
			t.words = append(t.words, text[i:i+size])
			i += size
		case isWordRune(r):
			begin(i)
			j := wordEnd(text, i)
			if lowered != "" {
				t.words = append(t.words, lowered[i:j])
			} else {
				t.words = append(t.words, lower(text[i:j]))
			}
			i = j
		case r == '.' || r == '!' || r == '?' || r == '…' || r == '。' || r == '！' || r == '？':
			j := i + size
			// Runs of terminal marks ("?!", "...") and closing quotes or
			// brackets belong to the sentence.
			for j < len(text) {
				c, n := utf8.DecodeRuneInString(text[j:])
				if c == '.' || c == '!' || c == '?' || c == '…' || isCloser(c) {
					j += n
					continue
				}
				break
			}
			if r >= 0x3000 || sentenceEnds(text, i, j, t.words, sentFrom, lang) {
				flush(j)
			}
			i = j
		default:
			if sentStart < 0 && pending < 0 && !unicode.IsSpace(r) {
				pending = i
			}
			i += size
		}
	}
	flush(len(text))
	return t
}

// wordEnd returns the end of the word starting at i.
func wordEnd(text string, i int) int {
	j := i
	prevDigit := false
	for j < len(text) {
		if c := text[j]; c < utf8.RuneSelf && asciiWord[c] {
			prevDigit = c <= '9'
			j++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[j:])
		if isWordRune(r) && !isCJK(r) {
			prevDigit = unicode.IsDigit(r)
			j += n
			continue
		}
		// A joiner continues the word when a word rune follows.
		joiner := r == '\'' || r == '’' || r == '-' || r == '‐'
		if prevDigit && (r == '.' || r == ',') {
			joiner = true
		}
		if !joiner || j+n >= len(text) {
			break
		}
		next, _ := utf8.DecodeRuneInString(text[j+n:])
		if !isWordRune(next) || isCJK(next) || (r == '.' || r == ',') && !unicode.IsDigit(next) {
			break
		}
		j += n
	}
	return j
}

// lowerInPlace lowers s if every rune's lower case has the same length in
// UTF-8, else returns "".
func lowerInPlace(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		l := unicode.ToLower(r)
		if r == utf8.RuneError || utf8.RuneLen(l) != n {
			return ""
		}
		b = utf8.AppendRune(b, l)
		i += n
	}
	return string(b)
}

// lower lower-cases a word without allocating when it is already lower
// case ASCII, and folds the typographic apostrophe.
func lower(w string) string {
	ascii := true
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return w
	}
	w = strings.ToLower(w)
	if strings.Contains(w, "’") {
		w = strings.ReplaceAll(w, "’", "'")
	}
	return w
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '»', '”', '’', '*', '_':
		return true
	}
	return false
}

// sentenceEnds decides whether the terminal marks at text[i:j] end a
// sentence; the sentence's words so far are words[from:].
func sentenceEnds(text string, i, j int, words []string, from int, lang *language) bool {
	if j >= len(text) {
		return true
	}
	// A space must follow.
	r, n := utf8.DecodeRuneInString(text[j:])
	if !unicode.IsSpace(r) {
		return false
	}
	k := j + n
	for k < len(text) {
		r, n = utf8.DecodeRuneInString(text[k:])
		if !unicode.IsSpace(r) {
			break
		}
		k += n
	}
	if k >= len(text) {
		return true
	}
	if unicode.IsLower(r) {
		return false
	}
	if text[i] == '.' && j == i+1 && len(words) > from && i > 0 && isWordRune(lastRune(text[:i])) {
		prev := words[len(words)-1]
		if utf8.RuneCountInString(prev) == 1 && unicode.IsLetter(lastRune(text[:i])) {
			return false // an initial, or a one-letter abbreviation
		}
		if lang.abbreviations[prev] {
			return false
		}
		if lang.ordinalDot && isNumber(prev) {
			return false // "am 3. Mai"
		}
	}
	return true
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// isNumber reports whether a word starts with a digit.
func isNumber(w string) bool {
	return w != "" && w[0] >= '0' && w[0] <= '9'
}

// countWords counts the words of a string as tokenize does.
func countWords(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isCJK(r):
			n++
			i += size
		case isWordRune(r):
			n++
			i = wordEnd(s, i)
		default:
			i += size
		}
	}
	return n
}

// words returns the lower-case words of s.
func words(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isCJK(r):
			out = append(out, s[i:i+size])
			i += size
		case isWordRune(r):
			j := wordEnd(s, i)
			out = append(out, lower(s[i:j]))
			i = j
		default:
			i += size
		}
	}
	return out
}
