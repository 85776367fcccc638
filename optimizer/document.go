package optimizer

import (
	"net/url"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/igny8/igny8/blueprints"
)

// A document is the text a reader sees of a page, in block order, split
// into units; the title and meta fields are not part of it.

type unitKind uint8

const (
	kindParagraph unitKind = iota // a Markdown paragraph
	kindHeading                   // a Markdown heading or a block's heading
	kindText                      // other prose: a list item, a FAQ question, a caption, a quote
	kindLabel                     // a label, name, price or button: words only, not prose
)

type unit struct {
	kind  unitKind
	level int // of a heading, 1–6
	text  string
	tokens
	// span locates the text of a top-level Markdown paragraph, of an ATX
	// heading or of a heading prop, which Fix may edit; nil for others.
	span *propSpan
}

// propRef locates a prop: keys and indices from a block's props.
type propRef struct {
	block *blueprints.Block
	path  []any
}

// propSpan is a span of bytes in a string prop: a paragraph or a
// heading's text in a Markdown prop, or a whole heading prop.
type propSpan struct {
	prop       propRef
	start, end int
}

type linkKind uint8

const (
	linkOther    linkKind = iota // mailto:, tel:, #anchor, asset:
	linkInternal                 // page:, a path, or the site's own host
	linkOutbound                 // another host
)

type link struct {
	dest, text string
	kind       linkKind
	self       bool // a link to the page itself
}

// image is an image of the page and where its alt text lives.
type image struct {
	alt     string // resolved: its own, else its asset's
	section string // the heading before it, else the page title
	caption string
	// Where Fix sets the alt text: a block prop's image object, a
	// Markdown image (its destination in prop), or the featured image.
	obj      map[string]any
	mdProp   *propRef
	mdDest   string
	featured bool
}

type document struct {
	units  []unit
	links  []link
	images []image
	h1     int // H1 headings in the blocks; the page title is not counted
	words  int
}

// markdownParser is the site build's Markdown parser.
var markdownParser = blueprints.MarkdownParser

// Props by role. Props not named here (nor hidden, see
// blueprints.HiddenProp) are labels (words only).
var (
	markdownProps = map[string]bool{"markdown": true, "text": true, "intro": true, "answer": true, "bio": true, "subtitle": true}
	proseProps    = map[string]bool{"question": true, "quote": true, "caption": true, "description": true}
	imageProps    = map[string]bool{"image": true, "photo": true, "poster": true, "avatar": true}
	// propOrder is the reading order of a block's props; others follow
	// alphabetically.
	propOrder = map[string]int{
		"eyebrow": 1, "heading": 2, "title": 3, "name": 4, "question": 5, "subtitle": 6, "intro": 7,
		"text": 8, "markdown": 9, "answer": 10, "quote": 11, "image": 12, "caption": 13, "items": 14,
		"images": 15, "plans": 16, "members": 17, "actions": 18, "cta": 19, "more": 20,
	}
)

type docBuilder struct {
	d       *document
	lang    *language
	host    string // the site's host, without "www."
	self    string // the page's id
	assets  map[string]*blueprints.Asset
	section string
	// titleBlock is the hero whose heading is the page's H1.
	titleBlock *blueprints.Block
}

// buildDocument reads a page's blocks into a document.
func buildDocument(p *blueprints.Page, in Input, lang *language) *document {
	b := &docBuilder{d: &document{units: make([]unit, 0, 64)}, lang: lang, assets: in.Assets}
	if u, err := url.Parse(in.BaseURL); err == nil {
		b.host = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	if p == nil {
		return b.d
	}
	b.self, b.section = p.ID, p.Title
	if p.Image != nil {
		b.d.images = append(b.d.images, image{alt: b.alt(p.Image.Asset, p.Image.Alt), section: p.Title, featured: true})
	}
	var walk func(blocks []*blueprints.Block)
	walk = func(blocks []*blueprints.Block) {
		for _, blk := range blocks {
			if blk == nil {
				continue
			}
			if blk.Props != nil {
				b.props(blk, blk.Props, nil, true)
			}
			walk(blk.Children)
		}
	}
	// A page that opens with a hero shows its heading as the H1 in place
	// of the title, except posts, products and services, whose header
	// always shows the title.
	if len(p.Blocks) > 0 && p.Blocks[0] != nil && p.Blocks[0].Type == "hero" {
		switch p.Type {
		case blueprints.PagePost, blueprints.PageProduct, blueprints.PageService:
		default:
			b.titleBlock = p.Blocks[0]
		}
	}
	walk(p.Blocks)
	for i := range b.d.units {
		b.d.words += len(b.d.units[i].words)
	}
	return b.d
}

// alt resolves an image's alt text: its own, else its asset's.
func (b *docBuilder) alt(asset string, own *string) string {
	if own != nil {
		return *own
	}
	if a := b.assets[asset]; a != nil && a.Alt != nil {
		return *a.Alt
	}
	return ""
}

func (b *docBuilder) add(kind unitKind, level int, s string, span *propSpan) {
	t := tokenize(s, b.lang)
	if len(t.words) == 0 {
		return
	}
	if kind == kindHeading {
		b.section = s
	}
	b.d.units = append(b.d.units, unit{kind: kind, level: level, text: s, tokens: t, span: span})
}

func orderedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ra, rb := propOrder[a], propOrder[b]
		if ra == 0 {
			ra = 100
		}
		if rb == 0 {
			rb = 100
		}
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return keys
}

// props reads a block's props (top) or an object inside them.
func (b *docBuilder) props(blk *blueprints.Block, m map[string]any, path []any, top bool) {
	for _, k := range orderedKeys(m) {
		if blueprints.HiddenProp(k) {
			continue
		}
		switch v := m[k].(type) {
		case string:
			switch {
			case top && (k == "heading" || k == "title" && blk.Type == "hero"):
				level := 2
				if blk == b.titleBlock {
					level = 1 // the page's H1, instead of its title
				}
				ref := propRef{block: blk, path: append(slices.Clip(path), k)}
				b.add(kindHeading, level, v, &propSpan{prop: ref, start: 0, end: len(v)})
			case markdownProps[k]:
				b.markdown(v, propRef{block: blk, path: append(slices.Clip(path), k)})
			case proseProps[k]:
				b.add(kindText, 0, v, nil)
			default:
				b.add(kindLabel, 0, v, nil)
			}
		case map[string]any:
			if imageProps[k] {
				asset, _ := v["asset"].(string)
				var own *string
				if s, ok := v["alt"].(string); ok {
					own = &s
				}
				caption, _ := m["caption"].(string)
				b.d.images = append(b.d.images, image{alt: b.alt(asset, own), section: b.section, caption: caption, obj: v})
				continue
			}
			b.props(blk, v, append(slices.Clip(path), k), false)
		case []any:
			for i, e := range v {
				switch e := e.(type) {
				case map[string]any:
					b.props(blk, e, append(slices.Clip(path), k, i), false)
				case string:
					b.add(kindLabel, 0, e, nil)
				}
			}
		}
	}
	if href, ok := m["href"].(string); ok {
		label, _ := m["label"].(string)
		if label == "" {
			label, _ = m["title"].(string)
		}
		b.link(href, label)
	}
}

func (b *docBuilder) link(dest, text string) {
	l := link{dest: dest, text: text}
	switch {
	case strings.HasPrefix(dest, "page:"):
		l.kind = linkInternal
		id, _, _ := strings.Cut(dest[len("page:"):], "#")
		l.self = id == b.self
	case strings.HasPrefix(dest, "//"), strings.HasPrefix(dest, "http://"), strings.HasPrefix(dest, "https://"):
		l.kind = linkOutbound
		if u, err := url.Parse(dest); err == nil && b.host != "" && strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") == b.host {
			l.kind = linkInternal
		}
	case strings.HasPrefix(dest, "/"):
		l.kind = linkInternal
	}
	b.d.links = append(b.d.links, l)
}

// markdown reads a Markdown prop.
func (b *docBuilder) markdown(md string, ref propRef) {
	if strings.TrimSpace(md) == "" {
		return
	}
	src := []byte(md)
	doc := markdownParser().Parse(text.NewReader(src))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		b.mdBlock(n, src, ref, true)
	}
}

func (b *docBuilder) mdBlock(n ast.Node, src []byte, ref propRef, top bool) {
	switch n := n.(type) {
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock, *ast.ThematicBreak:
		return
	case *ast.Heading:
		if n.Level == 1 {
			b.d.h1++
		}
		var span *propSpan
		if top {
			span = atxHeadingSpan(n, src, ref)
		}
		b.add(kindHeading, n.Level, b.inlineText(n, src, &ref), span)
		return
	case *ast.Paragraph:
		var span *propSpan
		if top && n.Lines().Len() > 0 {
			start, end := n.Lines().At(0).Start, n.Lines().At(n.Lines().Len()-1).Stop
			for end > start && (src[end-1] == '\n' || src[end-1] == '\r' || src[end-1] == ' ' || src[end-1] == '\t') {
				end--
			}
			span = &propSpan{prop: ref, start: start, end: end}
		}
		b.add(kindParagraph, 0, b.inlineText(n, src, &ref), span)
		return
	}
	if c := n.FirstChild(); c != nil && c.Type() == ast.TypeInline {
		b.add(kindText, 0, b.inlineText(n, src, &ref), nil) // list items, table cells, terms
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		b.mdBlock(c, src, ref, false)
	}
}

// atxHeadingSpan locates an ATX heading's text: the bytes between its
// opening #'s and its closing ones or the end of its line. It returns nil
// for a Setext heading, an empty one, or one whose line does not have
// exactly that shape around the text Goldmark found.
func atxHeadingSpan(n *ast.Heading, src []byte, ref propRef) *propSpan {
	if n.Lines().Len() != 1 {
		return nil
	}
	seg := n.Lines().At(0)
	start, end := seg.Start, seg.Stop
	if start >= end || end > len(src) {
		return nil
	}
	isBlank := func(c byte) bool { return c == ' ' || c == '\t' }
	// Before: up to three spaces, level #'s, at least one blank.
	i := start
	for i > 0 && isBlank(src[i-1]) {
		i--
	}
	if i == start {
		return nil
	}
	hashes := 0
	for i > 0 && src[i-1] == '#' {
		i--
		hashes++
	}
	indent := 0
	for i > 0 && src[i-1] == ' ' {
		i--
		indent++
	}
	if hashes != n.Level || indent > 3 || i > 0 && src[i-1] != '\n' {
		return nil
	}
	// After: blanks, optionally a closing sequence of #'s after a blank,
	// blanks, then the end of the line.
	j := end
	for j < len(src) && isBlank(src[j]) {
		j++
	}
	if j < len(src) && src[j] == '#' && j > end {
		for j < len(src) && src[j] == '#' {
			j++
		}
		for j < len(src) && isBlank(src[j]) {
			j++
		}
	}
	if j < len(src) && src[j] != '\n' && src[j] != '\r' {
		return nil
	}
	return &propSpan{prop: ref, start: start, end: end}
}

// inlineText is the text a reader sees of a block's inline content; it
// records the links and images on the way.
func (b *docBuilder) inlineText(n ast.Node, src []byte, ref *propRef) string {
	var sb strings.Builder
	b.inline(n, src, ref, &sb)
	return sb.String()
}

func (b *docBuilder) inline(n ast.Node, src []byte, ref *propRef, sb *strings.Builder) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			sb.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				sb.WriteByte(' ')
			}
		case *ast.String:
			sb.Write(c.Value)
		case *ast.Link:
			start := sb.Len()
			b.inline(c, src, ref, sb)
			b.link(string(c.Destination), sb.String()[start:])
		case *ast.AutoLink:
			label := string(c.Label(src))
			sb.WriteString(label)
			b.link(string(c.URL(src)), label)
		case *ast.Image:
			var alt strings.Builder
			b.inline(c, src, ref, &alt)
			dest := string(c.Destination)
			own := alt.String()
			var ownp *string
			if own != "" {
				ownp = &own
			}
			asset, _ := strings.CutPrefix(dest, "asset:")
			b.d.images = append(b.d.images, image{alt: b.alt(asset, ownp), section: b.section, mdProp: ref, mdDest: dest})
		case *ast.RawHTML:
			// The site drops raw HTML.
		default:
			b.inline(c, src, ref, sb)
		}
	}
}
