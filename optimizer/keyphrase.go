package optimizer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// keyphrase is a focus keyphrase or synonym, ready to match. Matching is
// per word, as the leading SEO plugins do: the keyphrase is found where
// all its content words (its words less function words) appear, in any
// order, each in any of its forms the language's stem reduces to the same
// (singular and plural). In double quotes it must appear as written, in
// order, function words included.
type keyphrase struct {
	text         string   // as given, without quotes
	words        []string // every word, lower case
	stems        []string // stems of every word
	content      []string // stems of the content words
	contentWords int      // how many content words it has, before the cap
	exact        bool
	onlyFunction bool
}

// maxKeyphraseWords caps the words a keyphrase is matched by, so that a
// keyphrase pasted with a whole paragraph cannot slow the analysis down;
// the length check says it is far too long anyway.
const maxKeyphraseWords = 16

func parseKeyphrase(s string, lang *language) *keyphrase {
	s = strings.TrimSpace(s)
	k := &keyphrase{}
	if len(s) >= 2 && strings.ContainsRune(`"“”„«»`, []rune(s)[0]) {
		k.exact = true
		s = strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune(`"“”„«» `, r) })
	}
	k.text = s
	k.words = words(s)
	if len(k.words) == 0 {
		return nil
	}
	if k.exact {
		k.contentWords = len(k.words)
	} else {
		for _, w := range k.words {
			if !lang.functionWords[w] {
				k.contentWords++
			}
		}
	}
	k.words = k.words[:min(len(k.words), maxKeyphraseWords)]
	for _, w := range k.words {
		st := lang.stem(w)
		k.stems = append(k.stems, st)
		if !lang.functionWords[w] {
			k.content = append(k.content, st)
		}
	}
	if k.exact {
		k.content = k.stems
	} else if len(k.content) == 0 {
		k.onlyFunction = true
		k.content = k.stems
	}
	return k
}

// length is the number of words the keyphrase is matched by (all of
// them, for one of function words only).
func (k *keyphrase) length() int {
	if k.onlyFunction {
		return len(k.content)
	}
	return k.contentWords
}

// count returns how often the keyphrase occurs in a sentence's words: the
// least count of any content word (0 if one is missing), or the exact
// phrase's occurrences.
func (k *keyphrase) count(ws []string, lang *language) int {
	if k.exact {
		return k.phraseCount(ws, lang)
	}
	var counts [8]int
	cs := counts[:0]
	if len(k.content) > len(counts) {
		cs = make([]int, 0, len(k.content))
	}
	cs = cs[:len(k.content)]
	for _, w := range ws {
		if strings.IndexByte(w, '-') > 0 {
			// Each part of a compound counts: "nachtzug-reisen" has
			// "nachtzug".
			for _, part := range strings.Split(w, "-") {
				if part != "" {
					k.countWord(cs, part, lang)
				}
			}
			continue
		}
		k.countWord(cs, w, lang)
	}
	least := -1
	for _, n := range cs {
		if least < 0 || n < least {
			least = n
		}
	}
	return max(least, 0)
}

// countWord adds w to the counts of the content words it matches.
func (k *keyphrase) countWord(cs []int, w string, lang *language) {
	st := ""
	for i, c := range k.content {
		switch {
		case w == c:
			cs[i]++
		case w[0] != c[0]:
			// Stems only change a word's end.
		default:
			if st == "" {
				st = lang.stem(w)
			}
			if st == c {
				cs[i]++
			}
		}
	}
}

// phraseCount counts the exact phrase, word forms allowed.
func (k *keyphrase) phraseCount(ws []string, lang *language) int {
	n := 0
	for i := 0; i+len(k.stems) <= len(ws); i++ {
		if k.phraseAt(ws, i, lang) {
			n++
		}
	}
	return n
}

func (k *keyphrase) phraseAt(ws []string, i int, lang *language) bool {
	for j, st := range k.stems {
		w := ws[i+j]
		if w != k.words[j] && lang.stem(w) != st {
			return false
		}
	}
	return true
}

// in reports whether all the keyphrase's content words appear in ws.
func (k *keyphrase) in(ws []string, lang *language) bool {
	return k.count(ws, lang) > 0
}

// found counts the words of ws that are one of the content words, and
// how many different content words appear.
func (k *keyphrase) found(ws []string, lang *language) (distinct int) {
	seen := make([]bool, len(k.content))
	for _, w := range ws {
		st := lang.stem(w)
		for i, c := range k.content {
			if !seen[i] && (w == c || st == c) {
				seen[i] = true
				distinct++
			}
		}
	}
	return distinct
}

// position returns the index of the first word of the keyphrase's first
// occurrence as a phrase in ws (all its words in order, word forms
// allowed), or -1.
func (k *keyphrase) position(ws []string, lang *language) int {
	for i := 0; i+len(k.stems) <= len(ws); i++ {
		if k.phraseAt(ws, i, lang) {
			return i
		}
	}
	return -1
}

// splitCompounds splits hyphenated words into their parts, as keyphrase
// matching reads them.
func splitCompounds(ws []string) []string {
	var out []string
	for i, w := range ws {
		if strings.IndexByte(w, '-') <= 0 {
			if out != nil {
				out = append(out, w)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(ws)+2), ws[:i]...)
		}
		for _, part := range strings.Split(w, "-") {
			if part != "" {
				out = append(out, part)
			}
		}
	}
	if out == nil {
		return ws
	}
	return out
}

// fold lowers a string and strips its diacritics ("Café" → "cafe"), as
// slugs write words.
func fold(s string) string {
	s = strings.ToLower(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'œ':
			b.WriteString("oe")
		case r == 'ø':
			b.WriteByte('o')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// germanFold writes ä, ö, ü as ae, oe, ue, as German slugs often do.
func germanFold(s string) string {
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss").Replace(strings.ToLower(s))
}
