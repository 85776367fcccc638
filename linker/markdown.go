package linker

import (
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/igny8/igny8/blueprints"
)

// markdownParser is the site build's Markdown parser.
var markdownParser = blueprints.MarkdownParser

// analysis is what the linker knows of one Markdown field.
type analysis struct {
	words int        // visible words
	links []pageLink // page: links, in order
	nodes int        // links, images and autolinks of every kind
	// toks are the tokens of the text a link may be placed on, in runs:
	// runEnds[i] is the end of run i in toks (it starts where run i-1
	// ends). A run is text with nothing but spaces between its words.
	toks    []token
	runEnds []int32
	// firstEnd is, in a FAQ answer, the offset where its first sentence
	// ends; nothing before it is linked.
	firstEnd int
}

// pageLink is a page: link found in Markdown.
type pageLink struct {
	id                 string // target page id, without #anchor
	anchor             string // its text
	textStart, textEnd int    // the text's byte span
	// plain: written [text](page:id) with plain text and nothing else,
	// as the linker writes links; start and end are then the span of
	// the whole link.
	plain      bool
	start, end int
	// ok: the link stands where the linker may place one.
	ok bool
}

// walker walks a parsed field once, collecting its analysis.
type walker struct {
	src   []byte
	md    string // src as a string, to slice without copying
	faq   bool
	a     *analysis
	term  func(string) int32 // vocabulary id of a word's key; nil: no tokens
	count func(int32)        // called for every token, for TF-IDF
	wc    wordCounter

	sentence bool // the first sentence of a FAQ answer is found
	maxStop  int
	// The open run: eligible text so far, and how it ended.
	runOpen  bool
	runStop  int
	runHard  bool
	frames   []frame
	okLinks  []int // links whose block's HTML flag is not known yet
	excluded int   // depth of excluding ancestors
}

// frame is an open leaf block; its text is withdrawn if it turns out to
// hold raw HTML.
type frame struct {
	toks, runs, links int
	html              bool
}

// analyze parses md and returns its analysis. term and count may be nil
// when only links and words are needed.
func analyze(md string, faq bool, term func(string) int32, count func(int32)) *analysis {
	w := &walker{src: []byte(md), md: md, faq: faq, a: &analysis{}, term: term, count: count}
	doc := markdownParser().Parse(text.NewReader(w.src))
	first := true
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		w.walk(c)
		if first && faq && !w.sentence {
			// No sentence end in the first block: the block is the
			// first sentence.
			w.sentence, w.a.firstEnd = true, w.maxStop
		}
		first = false
	}
	w.endRun()
	w.a.words = w.wc.n
	if faq {
		for i := range w.a.links {
			if w.a.links[i].textStart < w.a.firstEnd {
				w.a.links[i].ok = false
			}
		}
	}
	return w.a
}

func (w *walker) endRun() {
	if w.runOpen {
		w.a.runEnds = append(w.a.runEnds, int32(len(w.a.toks)))
		w.runOpen = false
	}
}

func (w *walker) children(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.walk(c)
	}
}

// excludedKind reports whether text under n may never be linked.
func excludedKind(n ast.Node) bool {
	switch n.(type) {
	case *ast.Heading, *ast.Link, *ast.Image, *ast.AutoLink, *ast.CodeSpan,
		*east.Strikethrough, *east.TableHeader, *east.Footnote, *east.FootnoteList:
		return true
	}
	return false
}

func (w *walker) walk(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		w.text(n)
		return
	case *ast.String:
		w.wc.write(string(n.Value))
		return
	case *ast.Image:
		// Its alt text is not visible text.
		w.a.nodes++
		w.endRun()
		return
	case *ast.AutoLink:
		w.a.nodes++
		w.endRun()
		w.wc.write(string(n.Label(w.src)))
		return
	case *ast.RawHTML:
		// The site drops raw HTML; text between tags is left alone.
		if len(w.frames) > 0 {
			w.frames[len(w.frames)-1].html = true
		}
		w.endRun()
		return
	case *ast.HTMLBlock:
		return
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		w.endRun()
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			w.words(w.md[seg.Start:seg.Stop])
		}
		w.wc.write(" ")
		return
	case *ast.Link:
		w.a.nodes++
		w.link(n)
	}
	exclude := excludedKind(n)
	if exclude {
		w.excluded++
	}
	// Anything but text bounds what one link may span.
	w.endRun()
	block := n.Type() == ast.TypeBlock
	leaf := block && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline
	if leaf {
		w.frames = append(w.frames, frame{toks: len(w.a.toks), runs: len(w.a.runEnds), links: len(w.okLinks)})
	}
	w.children(n)
	w.endRun()
	if leaf {
		f := w.frames[len(w.frames)-1]
		w.frames = w.frames[:len(w.frames)-1]
		if f.html {
			w.a.toks, w.a.runEnds = w.a.toks[:f.toks], w.a.runEnds[:f.runs]
			for _, i := range w.okLinks[f.links:] {
				w.a.links[i].ok = false
			}
		}
		w.okLinks = w.okLinks[:f.links]
	}
	if block {
		w.wc.write(" ")
	}
	if exclude {
		w.excluded--
	}
}

// words counts s as visible text and its tokens for TF-IDF.
func (w *walker) words(s string) {
	w.wc.write(s)
	if w.term != nil {
		scanTokens(s, func(start, end int, _ bool) { w.count(w.term(s[start:end])) })
	}
}

func (w *walker) text(t *ast.Text) {
	seg := t.Segment
	s := w.md[seg.Start:seg.Stop]
	if strings.ContainsAny(s, "&\\") {
		w.wc.write(string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations([]byte(s))))))
	} else {
		w.wc.write(s)
	}
	if t.SoftLineBreak() || t.HardLineBreak() {
		w.wc.write(" ")
	}
	w.maxStop = max(w.maxStop, seg.Stop)
	if w.faq && !w.sentence {
		if i := sentenceEnd(s); i >= 0 {
			w.sentence, w.a.firstEnd = true, seg.Start+i
		}
	}
	eligible := w.excluded == 0 && w.term != nil
	if eligible {
		if w.runOpen && (w.runHard || !isSpace(w.md[w.runStop:seg.Start])) {
			w.endRun()
		}
		w.runOpen, w.runStop, w.runHard = true, seg.Stop, t.HardLineBreak()
	}
	if w.term == nil {
		return
	}
	scanTokens(s, func(start, end int, cjk bool) {
		id := w.term(s[start:end])
		w.count(id)
		if eligible {
			w.a.toks = append(w.a.toks, token{start: int32(seg.Start + start), end: int32(seg.Start + end), term: id, cjk: cjk})
		}
	})
}

func isSpace(b string) bool {
	for _, c := range []byte(b) {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// link records a page: link.
func (w *walker) link(n *ast.Link) {
	dest := string(n.Destination)
	rest, ok := strings.CutPrefix(dest, "page:")
	if !ok {
		return
	}
	id, _, _ := strings.Cut(rest, "#")
	l := pageLink{id: id, ok: w.excluded == 0}
	plain := n.Reference == nil && len(n.Title) == 0 && n.FirstChild() != nil
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		t, isText := c.(*ast.Text)
		if !isText {
			plain = false
			b.WriteString(plainText(c, w.src))
			continue
		}
		if c == n.FirstChild() {
			l.textStart = t.Segment.Start
		}
		if c != n.LastChild() && t.HardLineBreak() {
			plain = false
		}
		l.textEnd = t.Segment.Stop
		b.Write(t.Segment.Value(w.src))
		if t.SoftLineBreak() {
			b.WriteByte(' ')
		}
	}
	if plain {
		closing := "](" + dest + ")"
		if l.textStart > 0 && w.src[l.textStart-1] == '[' && strings.HasPrefix(w.md[l.textEnd:], closing) {
			l.plain, l.start, l.end = true, l.textStart-1, l.textEnd+len(closing)
			l.anchor = w.md[l.textStart:l.textEnd]
		}
	}
	if !l.plain {
		l.anchor = strings.TrimSpace(b.String())
	}
	w.a.links = append(w.a.links, l)
	w.okLinks = append(w.okLinks, len(w.a.links)-1)
}

// plainText is the text inside n, without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
			case *ast.String:
				b.Write(c.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// An edit replaces src[at:at+del] with ins.
type edit struct {
	at, del int
	ins     string
}

// applyEdits returns src with edits applied; they are sorted by at and do
// not overlap.
func applyEdits(src string, edits []edit) string {
	var b strings.Builder
	b.Grow(len(src) + 32*len(edits))
	last := 0
	for _, e := range edits {
		b.WriteString(src[last:e.at])
		b.WriteString(e.ins)
		last = e.at + e.del
	}
	b.WriteString(src[last:])
	return b.String()
}

// moved returns where offset off of the source is after edits, for an
// offset that no edit deletes; insertions at off come before it.
func moved(edits []edit, off int) int {
	d := 0
	for _, e := range edits {
		if e.at > off {
			break
		}
		d += len(e.ins) - e.del
	}
	return off + d
}

// boundaryOK reports whether src[start:end] stands as whole words: not
// glued to a word through emphasis or code marks, not part of a
// hyphenated or snake_case word, a contraction, an address, a domain or a
// path, and not right after "!" or "\", where a "[" would make an image or
// an escape.
func boundaryOK(src string, start, end int, firstCJK, lastCJK bool) bool {
	if start > 0 && (src[start-1] == '!' || src[start-1] == '\\') {
		return false
	}
	i := start
	for i > 0 && strings.IndexByte("*_~`", src[i-1]) >= 0 {
		i--
	}
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(src[:i])
		if isWordRune(r) && !isCJK(r) && !firstCJK {
			return false
		}
		if strings.ContainsRune("-_'’@/.&#+", r) {
			return false
		}
	}
	j := end
	for j < len(src) && strings.IndexByte("*_~`", src[j]) >= 0 {
		j++
	}
	if j < len(src) {
		r, size := utf8.DecodeRuneInString(src[j:])
		if isWordRune(r) && !isCJK(r) && !lastCJK {
			return false
		}
		if strings.ContainsRune("-_@/+", r) {
			return false
		}
		if strings.ContainsRune("'’.", r) && j+size < len(src) {
			if next, _ := utf8.DecodeRuneInString(src[j+size:]); isWordRune(next) {
				return false // coffee's, coffee.com
			}
		}
	}
	return true
}

// separatorOK reports whether the bytes between two words of an anchor
// keep it one phrase: spaces (a line break included), or a hyphen; words
// written without spaces may touch.
func separatorOK(sep string, cjk bool) bool {
	if len(sep) == 0 {
		return cjk
	}
	if len(sep) == 1 && sep[0] == '-' {
		return true
	}
	for _, c := range sep {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
