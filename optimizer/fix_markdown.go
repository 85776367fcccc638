package optimizer

import (
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// splitTarget is the size, in words, that split paragraphs aim at.
const splitTarget = 100

// plainMarkdown is the text a reader sees of a Markdown fragment.
func plainMarkdown(md string, lang *language) string {
	b := &docBuilder{d: &document{}, lang: lang}
	b.markdown(md, propRef{})
	parts := make([]string, len(b.d.units))
	for i, u := range b.d.units {
		parts[i] = u.text
	}
	return strings.Join(parts, " ")
}

// splitParagraph splits a Markdown paragraph into paragraphs of about
// splitTarget words, at sentence boundaries outside links, code and
// emphasis. It returns nil when the paragraph cannot be split without
// changing its text: a hard line break, a single long sentence, or parts
// that would not parse as paragraphs of the same words.
func splitParagraph(md string, lang *language) []string {
	if strings.Contains(md, "  \n") || strings.Contains(md, "\\\n") {
		return nil
	}
	flat := strings.Join(strings.Fields(md), " ")
	t := tokenize(flat, lang)
	if len(t.sents) < 2 {
		return nil
	}
	open := markupOpen(flat)
	// Segments between the boundaries where no markup is open.
	var segs []string
	start := 0
	for i, s := range t.sents[:len(t.sents)-1] {
		next := t.sents[i+1].start
		if open[s.end] {
			continue
		}
		segs = append(segs, strings.TrimSpace(flat[start:next]))
		start = next
	}
	segs = append(segs, strings.TrimSpace(flat[start:]))
	if len(segs) < 2 {
		return nil
	}
	counts := make([]int, len(segs))
	total := 0
	for i, s := range segs {
		counts[i] = countWords(plainMarkdown(s, lang))
		total += counts[i]
	}
	k := max(2, (total+splitTarget-1)/splitTarget)
	target := total / k
	var parts []string
	cur, n := []string{}, 0
	for i, s := range segs {
		cur = append(cur, s)
		n += counts[i]
		if n >= target && i < len(segs)-1 {
			parts = append(parts, strings.Join(cur, " "))
			cur, n = nil, 0
		}
	}
	if len(cur) > 0 {
		parts = append(parts, strings.Join(cur, " "))
	}
	if len(parts) < 2 || !sameParagraphs(md, parts, lang) {
		return nil
	}
	return parts
}

// markupOpen marks the byte offsets of s where a link, code span or
// emphasis is open.
func markupOpen(s string) []bool {
	open := make([]bool, len(s)+1)
	brackets, parens := 0, 0
	code, star, under, strike := false, false, false, false
	for i := 0; i < len(s); i++ {
		open[i] = brackets > 0 || parens > 0 || code || star || under || strike
		c := s[i]
		if c == '\\' {
			i++
			if i < len(s) {
				open[i] = open[i-1]
			}
			continue
		}
		switch {
		case c == '`':
			code = !code
		case code:
		case c == '[':
			brackets++
		case c == ']' && brackets > 0:
			brackets--
			if i+1 < len(s) && s[i+1] == '(' {
				parens++
				i++
				open[i] = true
			}
		case c == ')' && parens > 0:
			parens--
		case c == '*':
			star = !star
		case c == '_' && (i == 0 || !isWordRune(rune(s[i-1])) || i+1 == len(s) || !isWordRune(rune(s[i+1]))):
			under = !under
		case c == '~' && i+1 < len(s) && s[i+1] == '~':
			strike = !strike
			i++
			open[i] = true
		}
	}
	open[len(s)] = brackets > 0 || parens > 0 || code || star || under || strike
	return open
}

// sameParagraphs reports whether parts, each parsed alone, are single
// paragraphs whose words are md's.
func sameParagraphs(md string, parts []string, lang *language) bool {
	var got []string
	for _, p := range parts {
		src := []byte(p)
		doc := markdownParser().Parse(text.NewReader(src))
		if doc.ChildCount() != 1 || doc.FirstChild().Kind() != ast.KindParagraph {
			return false
		}
		got = append(got, words(plainMarkdown(p, lang))...)
	}
	return slices.Equal(got, words(plainMarkdown(md, lang)))
}
