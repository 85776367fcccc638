package optimizer

import (
	"strings"
	"unicode/utf8"
)

// language is what the analysis knows of one language. A nil func or map
// means the language has no such support: its check is left out.
type language struct {
	code string // ISO 639-1
	name string
	// flesch is the language's readability formula, from words per
	// sentence and syllables per word; fleschName names it.
	flesch     func(wordsPerSentence, syllablesPerWord float64) float64
	fleschName string
	syllables  func(w string) int
	// sentenceMax is the recommended maximum of words in a sentence.
	sentenceMax int
	// abbreviations end with a point that does not end a sentence
	// (lower case, without the point).
	abbreviations map[string]bool
	// ordinalDot: a point after a number makes an ordinal ("3. Mai"),
	// not a sentence end.
	ordinalDot bool
	// functionWords carry little meaning ("the", "of", "very"); they are
	// left out of a keyphrase's content words.
	functionWords map[string]bool
	// firstWordExceptions are sentence openers (articles, demonstratives,
	// numerals) after which the next word counts as the beginning.
	firstWordExceptions map[string]bool
	transitions         phraseSet // nil: no transition word check
	passive             func(words []string) bool
	// stem reduces a word to the form keyphrase matching compares.
	stem func(w string) string
	// intro is the sentence Fix adds to the introduction, with %s for the
	// keyphrase.
	intro string
	// capitalNouns: nouns are written with a capital, so a capital at
	// the start of a title may be a word's own.
	capitalNouns bool
}

// languages by ISO 639-1 code; read only.
var languages = map[string]*language{
	"en": english, "de": german, "fr": french, "es": spanish, "nl": dutch, "it": italian,
}

// lookupLanguage returns the language of a BCP 47 locale ("en-GB",
// "de_DE", "fr"), or a generic one for languages without specific
// support: no readability formula, no function words, sentences of up to
// 20 words.
func lookupLanguage(locale string) *language {
	code := strings.ToLower(locale)
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	if l, ok := languages[code]; ok {
		return l
	}
	if code == "" {
		return languages["en"]
	}
	return &language{code: code, name: code, syllables: vowelGroups("aeiouy", nil), sentenceMax: 20,
		abbreviations: map[string]bool{}, stem: func(w string) string { return w }}
}

// set makes a set of the words in a space-separated list.
func set(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

// phraseSet finds words and multi-word phrases: the rest of each phrase,
// keyed by its first word.
type phraseSet map[string][][]string

// phrases makes a phraseSet of a list separated by commas.
func phrases(list string) phraseSet {
	ps := phraseSet{}
	for _, p := range strings.Split(list, ",") {
		ws := strings.Fields(p)
		if len(ws) == 0 {
			continue
		}
		ps[ws[0]] = append(ps[ws[0]], ws[1:])
	}
	return ps
}

// in reports whether words contains one of the phrases.
func (ps phraseSet) in(words []string) bool {
	for i, w := range words {
		rests, ok := ps[w]
		if !ok {
			continue
		}
	next:
		for _, rest := range rests {
			if i+1+len(rest) > len(words) {
				continue
			}
			for k, r := range rest {
				if words[i+1+k] != r {
					continue next
				}
			}
			return true
		}
	}
	return false
}

// runeSet is a set of letters, fast for the first 256 code points.
type runeSet struct {
	latin [256]bool
	other []rune
}

func newRuneSet(letters string) *runeSet {
	rs := &runeSet{}
	for _, r := range letters {
		if r < 256 {
			rs.latin[r] = true
		} else {
			rs.other = append(rs.other, r)
		}
	}
	return rs
}

func (rs *runeSet) has(r rune) bool {
	if r < 256 {
		return rs.latin[r]
	}
	for _, o := range rs.other {
		if o == r {
			return true
		}
	}
	return false
}

// vowelGroups counts syllables as groups of vowels; two adjacent vowels
// stay in one group only if joins says they do (a diphthong or long
// vowel). joins nil keeps every run of vowels in one group.
func vowelGroups(vowels string, joins func(a, b rune) bool) func(string) int {
	set := newRuneSet(vowels)
	return func(w string) int {
		n := 0
		var prev rune
		prevVowel := false
		for _, r := range w {
			v := set.has(r)
			if v && (!prevVowel || joins != nil && !joins(prev, r)) {
				n++
			}
			prev, prevVowel = r, v
		}
		return max(n, 1)
	}
}

// pairs makes a joins func of a list of two-letter vowel pairs.
func pairs(list string) func(a, b rune) bool {
	m := map[[2]rune]bool{}
	for _, p := range strings.Fields(list) {
		r := []rune(p)
		m[[2]rune{r[0], r[1]}] = true
	}
	return func(a, b rune) bool { return m[[2]rune{a, b}] }
}

// trimSuffixes removes the first of suffixes that w ends with, keeping at
// least keep runes.
func trimSuffixes(w string, keep int, suffixes ...string) string {
	for _, s := range suffixes {
		if strings.HasSuffix(w, s) && utf8.RuneCountInString(w)-utf8.RuneCountInString(s) >= keep {
			return w[:len(w)-len(s)]
		}
	}
	return w
}
