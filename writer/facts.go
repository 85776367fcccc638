package writer

import (
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// PageFacts are what the pipeline stores of a page next to it on
// igny8.Content, derived from the page alone so they can be derived again
// whenever its blocks are edited.
type PageFacts struct {
	Slug            string
	Title           string
	MetaTitle       string // the page's SEO title, else its title
	MetaDescription string // the page's SEO description, else its description
	Excerpt         string // the page's description
	WordCount       int    // see Words
}

// Facts derives a page's facts.
func Facts(page *blueprints.Page) PageFacts {
	f := PageFacts{Slug: page.ID, Title: page.Title, MetaTitle: page.Title, MetaDescription: page.Description, Excerpt: page.Description, WordCount: Words(page)}
	if s := page.SEO; s != nil {
		if s.Title != "" {
			f.MetaTitle = s.Title
		}
		if s.Description != "" {
			f.MetaDescription = s.Description
		}
	}
	return f
}

// Apply sets the facts on c.
func (f PageFacts) Apply(c *igny8.Content) {
	c.Slug, c.Title, c.MetaTitle, c.MetaDescription, c.Excerpt, c.WordCount = f.Slug, f.Title, f.MetaTitle, f.MetaDescription, f.Excerpt, f.WordCount
}

// Words counts the words a reader sees in a page's blocks (the title and
// meta fields are not counted): the text of Markdown without its syntax
// (link targets, emphasis marks, list bullets, images), and every other
// text prop, such as FAQ questions, feature titles and a call to action's
// button. A word is a run of letters or digits between spaces, so "don't"
// and "24.90" are one word and a lone dash none; each Chinese or Japanese
// character counts as a word.
func Words(page *blueprints.Page) int {
	n := 0
	var walk func(blocks []*blueprints.Block)
	walk = func(blocks []*blueprints.Block) {
		for _, b := range blocks {
			if b == nil {
				continue
			}
			n += propWords(b.Props)
			walk(b.Children)
		}
	}
	walk(page.Blocks)
	return n
}

func propWords(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := 0
		for k, e := range v {
			if !blueprints.HiddenProp(k) {
				n += propWords(e)
			}
		}
		return n
	case []any:
		n := 0
		for _, e := range v {
			n += propWords(e)
		}
		return n
	case string:
		return countWords(markdownText(v))
	}
	return 0
}

// markdownParser is the site build's Markdown parser.
var markdownParser = blueprints.MarkdownParser

// markdownText is the text a reader sees of Markdown: block by block,
// without markup, raw HTML (which the site drops) or images.
func markdownText(md string) string {
	if !strings.ContainsAny(md, "#*_`[]<>|~-+=:!\\&0123456789") {
		return md // plain text: nothing to strip
	}
	src := []byte(md)
	doc := markdownParser().Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Image, *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(n.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
				b.WriteByte(' ')
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// countWords counts words as Words says.
func countWords(s string) int {
	n := 0
	in := false
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			if in {
				n++
			}
			in = false
			n++
		case unicode.IsSpace(r):
			if in {
				n++
			}
			in = false
		case unicode.IsLetter(r), unicode.IsDigit(r):
			in = true
		}
	}
	if in {
		n++
	}
	return n
}
