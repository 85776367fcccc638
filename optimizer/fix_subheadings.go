package optimizer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// headingMaxChars is the longest heading prop a blueprint allows.
const headingMaxChars = 200

// headingEdit is a subheading with the keyphrase added: its new source
// (Markdown or a prop's text) and what a reader sees of it.
type headingEdit struct {
	unit   *unit
	source string
	text   string
	tokens
}

// subheadings adds the keyphrase to subheadings without it when too few
// have it, as many as the check asks for at least: "What to pack" becomes
// "What to pack: night train". It chooses headings spread over the page,
// leaves those ending in punctuation (questions) as they are, and makes
// no change that would not reach the check's lower bound or that would
// push the keyphrase density into a worse band.
func (f *fixer) subheadings() {
	a := f.a
	if !f.failing[CheckKeyphraseInSubheading] || a.kp == nil || a.kp.onlyFunction {
		return
	}
	hs := a.subheadings()
	lo, hi := subheadingBounds(len(hs))
	if len(hs) == 1 {
		hi = 1 // the only subheading may have it
	}
	kw := keyphraseAsIn(a.kp.text, f.p.Title, a.lang)
	matches := 0
	var candidates []headingEdit
	for _, h := range hs {
		if a.inSubheading(h.words) {
			matches++
			continue
		}
		if e, ok := f.withKeyphrase(h, kw); ok {
			candidates = append(candidates, e)
		}
	}
	need := min(lo, hi) - matches
	if need <= 0 || len(candidates) < need {
		return
	}
	// Spread over the candidates: the middle of each of need equal runs.
	picked := make([]headingEdit, need)
	for i := range picked {
		picked[i] = candidates[(2*i+1)*len(candidates)/(2*need)]
	}
	count, words := a.keyphraseCount()+f.addedCount, a.doc.words+f.addedWords
	newCount, newWords := count, words
	for _, e := range picked {
		newCount += a.countInSentences(e.tokens) - a.countInSentences(e.unit.tokens)
		newWords += len(e.words) - len(e.unit.words)
	}
	if densityScore(newCount, newWords, a.kp.length()) < densityScore(count, words, a.kp.length()) {
		return
	}
	f.addedCount += newCount - count
	f.addedWords += newWords - words
	quoted := make([]string, len(picked))
	for i, e := range picked {
		f.edits = append(f.edits, mdEdit{span: e.unit.span, text: e.source})
		quoted[i] = quote(e.text)
	}
	f.change("Subheadings: added the focus keyword to %d of %d: %s.", need, len(hs), strings.Join(quoted, ", "))
}

// withKeyphrase returns heading h with the keyphrase kw appended, if h
// can take it: Fix can locate its text, it does not end in punctuation,
// a heading prop stays within the blueprint's limit, and the result
// reflects the keyphrase as the check reads it.
func (f *fixer) withKeyphrase(h *unit, kw string) (headingEdit, bool) {
	if h.span == nil || endsInPunctuation(h.text) {
		return headingEdit{}, false
	}
	src := propString(h.span.prop)
	if h.span.end > len(src) {
		return headingEdit{}, false
	}
	source := src[h.span.start:h.span.end]
	if h.span.markdown() {
		if strings.HasSuffix(source, `\`) {
			return headingEdit{}, false // the colon would be escaped
		}
		source += ": " + escapeMarkdown(kw)
	} else {
		source += ": " + kw
		if utf8.RuneCountInString(source) > headingMaxChars {
			return headingEdit{}, false
		}
	}
	text := strings.TrimRightFunc(h.text, unicode.IsSpace) + ": " + kw
	e := headingEdit{unit: h, source: source, text: text, tokens: tokenize(text, f.a.lang)}
	if !f.a.inSubheading(e.words) {
		return headingEdit{}, false
	}
	return e, true
}

// markdown reports whether the span is in a Markdown prop (else it is a
// whole plain-text prop).
func (s *propSpan) markdown() bool {
	if len(s.prop.path) == 0 {
		return false
	}
	k, _ := s.prop.path[len(s.prop.path)-1].(string)
	return markdownProps[k]
}

// endsInPunctuation reports whether a heading ends in a question mark,
// exclamation mark, point, colon or ellipsis, closing quotes and brackets
// aside; appending to it would not read well.
func endsInPunctuation(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'”’»)]`, r)
	})
	return strings.ContainsRune("?!.:…", lastRune(s))
}

// escapeMarkdown escapes the characters of s that Markdown inline syntax
// would read.
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#&!~|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// keyphraseAsIn returns the keyphrase as title writes it, when title has
// it regardless of case ("FHA streamline refinance" for "fha streamline
// refinance"), else as given. A capital that only starts the title or a
// part of it is not the keyphrase's own, except in a language that
// capitalizes nouns.
func keyphraseAsIn(kw, title string, lang *language) string {
	i, j := indexFold(title, kw)
	if i < 0 {
		return kw
	}
	m := title[i:j]
	if m != kw && m == capitalize(kw) && !lang.capitalNouns {
		before := strings.TrimRightFunc(title[:i], unicode.IsSpace)
		if before == "" || strings.ContainsRune(".:!?–—-|", lastRune(before)) {
			return kw
		}
	}
	return m
}
