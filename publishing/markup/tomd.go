package markup

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/igny8/igny8/blueprints"
)

// piece is Markdown or, when the markup had one IGNY8 can hold as such,
// a block (an image with a known asset, a YouTube or Vimeo video).
type piece struct {
	markdown string
	block    *blueprints.Block
}

// mdConverter writes HTML as the Markdown that renders to it.
type mdConverter struct {
	o      *BlocksOptions
	pieces []piece
	md     []mdBlock // Markdown blocks of the current piece
}

// mdBlock is one Markdown block; list says which list marker it used,
// so that a list right after it takes the other one and stays apart.
type mdBlock struct {
	text string
	list string
}

func (c *mdConverter) convert(nodes []*html.Node) []piece {
	c.top(nodes)
	c.endPiece()
	return c.pieces
}

func (c *mdConverter) endPiece() {
	if s := joinBlocks(c.md); s != "" {
		c.pieces = append(c.pieces, piece{markdown: s})
	}
	c.md = nil
}

func (c *mdConverter) emit(b *blueprints.Block) {
	c.endPiece()
	c.pieces = append(c.pieces, piece{block: b})
}

// top converts nodes at the top of the markup or of a container, where
// a figure may become an image block and a video iframe a video block.
func (c *mdConverter) top(nodes []*html.Node) {
	var run []*html.Node
	endRun := func() {
		c.md = append(c.md, c.paragraphs(run, true)...)
		run = nil
	}
	for _, n := range nodes {
		switch {
		case isInline(n):
			run = append(run, n)
			continue
		case dropped(n):
			continue
		}
		endRun()
		switch {
		case n.DataAtom == atom.Figure:
			if b, ok := c.imageBlock(n); ok {
				c.emit(b)
				continue
			}
			if b, ok := videoBlock(n); ok {
				c.emit(b)
				continue
			}
			c.md = append(c.md, c.figure(n)...)
		case n.DataAtom == atom.Iframe:
			if b, ok := videoBlock(n); ok {
				c.emit(b)
			}
		case isFootnotes(n):
			c.md = append(c.md, c.footnotes(n)...)
		case container(n):
			c.top(children(n))
		default:
			c.md = append(c.md, c.blocks([]*html.Node{n})...)
		}
	}
	endRun()
}

// blocks converts block-level nodes inside a quote, list item or figure.
func (c *mdConverter) blocks(nodes []*html.Node) []mdBlock {
	var out []mdBlock
	var run []*html.Node
	endRun := func() {
		out = append(out, c.paragraphs(run, true)...)
		run = nil
	}
	for _, n := range nodes {
		if isInline(n) {
			run = append(run, n)
			continue
		}
		endRun()
		if dropped(n) {
			continue
		}
		if isFootnotes(n) {
			out = append(out, c.footnotes(n)...)
			continue
		}
		switch n.DataAtom {
		case atom.P:
			out = append(out, c.paragraphs(children(n), false)...)
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			text := strings.Join(strings.Fields(strings.ReplaceAll(c.inline(children(n), &inlineState{heading: true}), "\\\n", " ")), " ")
			if text != "" {
				out = append(out, mdBlock{text: strings.Repeat("#", int(n.Data[1]-'0')) + " " + text})
			}
		case atom.Ul, atom.Ol:
			if b, ok := c.list(n); ok {
				out = append(out, b)
			}
		case atom.Blockquote:
			if inner := joinBlocks(c.blocks(children(n))); inner != "" {
				out = append(out, mdBlock{text: prefixLines(inner, "> ", ">")})
			}
		case atom.Pre:
			out = append(out, mdBlock{text: fence(n)})
		case atom.Table:
			if t := c.table(n); t != "" {
				out = append(out, mdBlock{text: t})
			}
		case atom.Hr:
			out = append(out, mdBlock{text: "---"})
		case atom.Dl:
			if d := c.definitions(n); d != "" {
				out = append(out, mdBlock{text: d})
			}
		case atom.Details:
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				if ch.DataAtom == atom.Summary {
					if s := c.inline(children(ch), &inlineState{}); strings.TrimSpace(s) != "" {
						out = append(out, mdBlock{text: "**" + strings.TrimSpace(s) + "**"})
					}
				} else {
					out = append(out, c.blocks([]*html.Node{ch})...)
				}
			}
		case atom.Figure:
			out = append(out, c.figure(n)...)
		case atom.Iframe:
			if u := iframeLink(n); u != "" {
				out = append(out, mdBlock{text: u})
			}
		default:
			out = append(out, c.blocks(children(n))...)
		}
	}
	endRun()
	return out
}

// paragraphs converts a run of inline nodes. With autop, a blank line in
// the text starts a new paragraph, as WordPress's wpautop reads HTML the
// classic editor saved.
func (c *mdConverter) paragraphs(nodes []*html.Node, autop bool) []mdBlock {
	if len(nodes) == 0 {
		return nil
	}
	s := c.inline(nodes, &inlineState{autop: autop})
	var out []mdBlock
	for _, para := range strings.Split(s, "\n\n") {
		var lines []string
		for _, l := range strings.Split(para, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || l == "\\" {
				continue
			}
			lines = append(lines, escapeLineStart(l))
		}
		if len(lines) > 0 {
			text := strings.Join(lines, "\n")
			text = strings.TrimSuffix(text, "\\") // a break at the end shows nothing
			out = append(out, mdBlock{text: strings.TrimSpace(text)})
		}
	}
	return out
}

// inlineState tracks what an inline run is inside of.
type inlineState struct {
	autop, heading   bool
	em, strong, link bool
}

func (c *mdConverter) inline(nodes []*html.Node, st *inlineState) string {
	var b strings.Builder
	for _, n := range nodes {
		c.inlineNode(&b, n, st)
	}
	return hardBreakRE.ReplaceAllString(b.String(), "\\\n")
}

// hardBreak marks a <br> until the white space after it, which the
// Markdown line break replaces, is gone.
const hardBreak = "\x00br\x00"

var hardBreakRE = regexp.MustCompile("\x00br\x00\\s*")

func (c *mdConverter) inlineNode(b *strings.Builder, n *html.Node, st *inlineState) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(escapeText(collapseSpace(n.Data, st.autop)))
		return
	case html.ElementNode:
	default:
		return
	}
	if dropped(n) {
		return
	}
	kids := children(n)
	switch n.DataAtom {
	case atom.Br:
		if st.heading {
			b.WriteString(" ")
		} else {
			b.WriteString(hardBreak)
		}
	case atom.Em, atom.I, atom.Cite, atom.Dfn:
		if st.em {
			c.inlineKids(b, kids, st)
			return
		}
		inner := st
		s := *st
		s.em = true
		inner = &s
		b.WriteString(delimit(c.inline(kids, inner), "*"))
	case atom.Strong, atom.B:
		if st.strong {
			c.inlineKids(b, kids, st)
			return
		}
		s := *st
		s.strong = true
		b.WriteString(delimit(c.inline(kids, &s), "**"))
	case atom.Del, atom.S, atom.Strike:
		b.WriteString(delimit(c.inline(kids, st), "~~"))
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		b.WriteString(codeSpan(textOf(n)))
	case atom.A:
		text := c.inline(kids, &inlineState{heading: st.heading, em: st.em, strong: st.strong, link: true})
		href, _ := attr(n, "href")
		dest, ok := c.linkDest(href)
		if st.link || !ok || strings.TrimSpace(text) == "" {
			b.WriteString(text)
			return
		}
		title := ""
		if t, ok := attr(n, "title"); ok && t != "" {
			title = ` "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(t) + `"`
		}
		lead, body, trail := splitSpace(text)
		b.WriteString(lead + "[" + body + "](" + dest + title + ")" + trail)
	case atom.Img:
		b.WriteString(c.imageMD(n))
	case atom.Input:
		// A task list's checkbox; written by the list.
	case atom.Sup:
		if a := n.FirstChild; a != nil && a.DataAtom == atom.A && hasClass(a, "footnote-ref") && footnoteLabelRE.MatchString(textOf(a)) {
			b.WriteString("[^" + textOf(a) + "]")
			return
		}
		c.inlineKids(b, kids, st)
	default:
		c.inlineKids(b, kids, st)
	}
}

func (c *mdConverter) inlineKids(b *strings.Builder, kids []*html.Node, st *inlineState) {
	for _, k := range kids {
		c.inlineNode(b, k, st)
	}
}

// delimit wraps inline Markdown in an emphasis delimiter, keeping spaces
// at its ends outside, where they do not stop it being emphasis.
func delimit(s, d string) string {
	lead, body, trail := splitSpace(s)
	if body == "" {
		return s
	}
	return lead + d + body + d + trail
}

func splitSpace(s string) (lead, body, trail string) {
	body = strings.TrimLeftFunc(s, unicode.IsSpace)
	lead = s[:len(s)-len(body)]
	body = strings.TrimRightFunc(body, unicode.IsSpace)
	// A hard break's backslash belongs to the text before the newline.
	trail = s[len(lead)+len(body):]
	return lead, body, trail
}

// linkDest is the Markdown destination of an href: a page: reference
// when o.Page knows it, else the URL when a page may link to it.
func (c *mdConverter) linkDest(href string) (string, bool) {
	href = strings.TrimSpace(href)
	if href == "" {
		return "", false
	}
	if c.o.Page != nil {
		if id, anchor, ok := c.o.Page(href); ok && idRE.MatchString(id) {
			if anchor != "" && !anchorRE.MatchString(anchor) {
				anchor = ""
			}
			return "page:" + id + anchor, true
		}
	}
	switch scheme(href) {
	case "", "http", "https", "mailto", "tel":
	default:
		return "", false
	}
	return mdDest(href), true
}

var anchorRE = regexp.MustCompile(`^#[A-Za-z0-9_-]+$`)

// imageMD is a Markdown image for an <img>, "" for one a page may not
// show (a data: or javascript: URL).
func (c *mdConverter) imageMD(n *html.Node) string {
	src, _ := attr(n, "src")
	alt, _ := attr(n, "alt")
	dest, alt, ok := c.imageRef(strings.TrimSpace(src), alt)
	if !ok {
		return ""
	}
	return "![" + escapeText(strings.Join(strings.Fields(alt), " ")) + "](" + dest + ")"
}

// imageRef is the reference of an image: asset:ID when o.Asset knows its
// URL (and alt "" when it is the asset's own), else the URL.
func (c *mdConverter) imageRef(src, alt string) (dest, outAlt string, ok bool) {
	if src == "" {
		return "", "", false
	}
	if id, ok := c.assetID(src); ok {
		if a, def := c.defaultAlt(src); def && a == alt {
			alt = ""
		}
		return "asset:" + id, alt, true
	}
	switch scheme(src) {
	case "", "http", "https":
	default:
		return "", "", false
	}
	return mdDest(src), alt, true
}

func (c *mdConverter) assetID(src string) (string, bool) {
	if c.o.Asset == nil {
		return "", false
	}
	id, _, ok := c.o.Asset(src)
	return id, ok && idRE.MatchString(id)
}

func (c *mdConverter) defaultAlt(src string) (string, bool) {
	_, alt, ok := c.o.Asset(src)
	return alt, ok
}

// imageBlock makes an image block of a <figure> holding one image whose
// asset o.Asset knows.
func (c *mdConverter) imageBlock(fig *html.Node) (*blueprints.Block, bool) {
	img, link, caption := figureParts(fig)
	if img == nil {
		return nil, false
	}
	src, _ := attr(img, "src")
	id, ok := c.assetID(strings.TrimSpace(src))
	if !ok {
		return nil, false
	}
	image := map[string]any{"asset": id}
	if alt, has := attr(img, "alt"); has {
		if def, _ := c.defaultAlt(strings.TrimSpace(src)); alt != def {
			image["alt"] = truncateRunes(alt, 500)
		}
	}
	props := map[string]any{"image": image}
	if caption != nil {
		if t := strings.Join(strings.Fields(textOf(caption)), " "); t != "" {
			if utf8.RuneCountInString(t) > 500 {
				return nil, false // too long for a caption: keep it as prose
			}
			props["caption"] = t
		}
	}
	if link != nil {
		href, _ := attr(link, "href")
		if h, ok := c.blockLink(href); ok {
			props["href"] = h
		}
	}
	return &blueprints.Block{Type: "image", V: 1, Props: props}, true
}

// blockLink is an href as a block's link prop may hold it.
func (c *mdConverter) blockLink(href string) (string, bool) {
	href = strings.TrimSpace(href)
	if c.o.Page != nil {
		if id, anchor, ok := c.o.Page(href); ok && idRE.MatchString(id) {
			if !anchorRE.MatchString(anchor) {
				anchor = ""
			}
			return "page:" + id + anchor, true
		}
	}
	return href, blockLinkRE.MatchString(href) && len(href) <= 2048
}

// blockLinkRE is defs.json's link pattern, less page: references.
var blockLinkRE = regexp.MustCompile(`^(#[A-Za-z0-9_-]+|https?://[^\s]+|mailto:[^\s]+|tel:[+0-9() .-]+)$`)

// figureParts finds a figure's image, the link around it and its caption;
// img is nil unless the figure holds exactly one image and nothing else
// but the caption.
func figureParts(fig *html.Node) (img, link, caption *html.Node) {
	count := 0
	other := false
	var walk func(n *html.Node, in *html.Node)
	walk = func(n *html.Node, in *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch {
			case ch.Type == html.TextNode:
				if strings.TrimSpace(ch.Data) != "" {
					other = true
				}
			case ch.DataAtom == atom.Figcaption && n == fig:
				caption = ch
			case ch.DataAtom == atom.Img:
				count++
				img, link = ch, in
			case ch.DataAtom == atom.A && in == nil:
				walk(ch, ch)
			case ch.DataAtom == atom.Div || ch.DataAtom == atom.Picture || ch.DataAtom == atom.Span:
				walk(ch, in)
			case ch.DataAtom == atom.Source || ch.Type == html.CommentNode:
			default:
				other = true
			}
		}
	}
	walk(fig, nil)
	if count != 1 || other {
		return nil, nil, nil
	}
	return img, link, caption
}

// figure is a figure inside prose: its content, then its caption as an
// emphasized paragraph.
func (c *mdConverter) figure(fig *html.Node) []mdBlock {
	var body []*html.Node
	var caption *html.Node
	for ch := fig.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.DataAtom == atom.Figcaption {
			caption = ch
			continue
		}
		body = append(body, ch)
	}
	out := c.blocks(body)
	if caption != nil {
		if s := strings.TrimSpace(c.inline(children(caption), &inlineState{em: true})); s != "" {
			out = append(out, mdBlock{text: escapeLineStart(delimit(strings.Join(strings.Fields(s), " "), "*"))})
		}
	}
	return out
}

// list writes a <ul> or <ol>: tight unless an item holds paragraphs.
func (c *mdConverter) list(n *html.Node) (mdBlock, bool) {
	ordered := n.DataAtom == atom.Ol
	num := 1
	if s, ok := attr(n, "start"); ok {
		if v, err := strconv.Atoi(s); err == nil && v >= 0 && v < 1e9 {
			num = v
		}
	}
	type item struct {
		blocks []mdBlock
		task   string
	}
	var items []item
	loose := false
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.DataAtom != atom.Li {
			continue
		}
		var it item
		kids := children(li)
		for i, k := range kids {
			if k.Type == html.TextNode && strings.TrimSpace(k.Data) == "" {
				continue
			}
			if k.DataAtom == atom.Input {
				if t, _ := attr(k, "type"); t == "checkbox" {
					it.task = "[ ] "
					if _, checked := attr(k, "checked"); checked {
						it.task = "[x] "
					}
					kids = kids[i+1:]
				}
			}
			break
		}
		for _, k := range kids {
			if k.DataAtom == atom.P {
				loose = true
			}
		}
		it.blocks = c.blocks(kids)
		items = append(items, it)
	}
	if len(items) == 0 {
		return mdBlock{}, false
	}
	var b strings.Builder
	for i, it := range items {
		marker := "-"
		if ordered {
			marker = strconv.Itoa(num+i) + "."
		}
		indent := strings.Repeat(" ", len(marker)+1)
		body := it.task + joinBlocksTight(it.blocks, loose)
		if i > 0 {
			b.WriteString("\n")
			if loose {
				b.WriteString("\n")
			}
		}
		if body == "" {
			b.WriteString(marker)
			continue
		}
		b.WriteString(marker + " " + prefixLines(body, indent, "")[len(indent):])
	}
	kind := "ul"
	if ordered {
		kind = "ol"
	}
	return mdBlock{text: b.String(), list: kind}, true
}

// fence writes a <pre> as a fenced code block.
func fence(pre *html.Node) string {
	code := textOf(pre)
	lang := codeLanguage(pre)
	if c := pre.FirstChild; c != nil && c.DataAtom == atom.Code && c.NextSibling == nil {
		if l := codeLanguage(c); l != "" {
			lang = l
		}
	}
	lang = strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("+-_.#", r)) {
			return r
		}
		return -1
	}, lang)
	ticks := "```"
	for strings.Contains(code, ticks) {
		ticks += "`"
	}
	if !strings.HasSuffix(code, "\n") {
		code += "\n"
	}
	return ticks + lang + "\n" + code + ticks
}

// table writes a GFM table; cells keep their inline content only.
func (c *mdConverter) table(t *html.Node) string {
	var rows [][]*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch ch.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(ch)
			case atom.Tr:
				var cells []*html.Node
				for cell := ch.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.DataAtom == atom.Td || cell.DataAtom == atom.Th {
						cells = append(cells, cell)
					}
				}
				rows = append(rows, cells)
			}
		}
	}
	walk(t)
	if len(rows) == 0 || len(rows[0]) == 0 {
		return ""
	}
	cols := len(rows[0])
	cell := func(n *html.Node) string {
		s := c.inline(children(n), &inlineState{heading: true})
		s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\\\n", " ")), " ")
		return s
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, s := range cells {
			if s != "" {
				b.WriteString(" " + s)
			}
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	head := make([]string, cols)
	delim := make([]string, cols)
	for i, n := range rows[0] {
		head[i] = cell(n)
		switch cellAlign(n) {
		case "left":
			delim[i] = ":---"
		case "right":
			delim[i] = "---:"
		case "center":
			delim[i] = ":---:"
		default:
			delim[i] = "---"
		}
	}
	line(head)
	b.WriteString("|" + strings.Join(delim, "|") + "|\n")
	for _, r := range rows[1:] {
		cells := make([]string, cols)
		for i := 0; i < cols && i < len(r); i++ {
			cells[i] = cell(r[i])
		}
		line(cells)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func cellAlign(n *html.Node) string {
	if a, ok := attr(n, "align"); ok {
		return strings.ToLower(a)
	}
	style, _ := attr(n, "style")
	for _, decl := range strings.Split(style, ";") {
		k, v, _ := strings.Cut(decl, ":")
		if strings.TrimSpace(strings.ToLower(k)) == "text-align" {
			return strings.TrimSpace(strings.ToLower(v))
		}
	}
	for _, a := range []string{"left", "right", "center"} {
		if hasClass(n, "has-text-align-"+a) {
			return a
		}
	}
	return ""
}

// definitions writes a <dl> as a definition list.
func (c *mdConverter) definitions(dl *html.Node) string {
	var b strings.Builder
	for ch := dl.FirstChild; ch != nil; ch = ch.NextSibling {
		s := strings.Join(strings.Fields(strings.ReplaceAll(c.inline(children(ch), &inlineState{heading: true}), "\\\n", " ")), " ")
		switch ch.DataAtom {
		case atom.Dt:
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(escapeLineStart(s))
		case atom.Dd:
			if b.Len() > 0 {
				b.WriteString("\n: " + s)
			}
		}
	}
	return b.String()
}

// joinBlocks separates Markdown blocks with a blank line, switching list
// markers between lists that follow each other so they stay two lists.
func joinBlocks(bs []mdBlock) string { return joinBlocksTight(bs, true) }

// joinBlocksTight joins a list item's blocks: in a tight list a nested
// list follows its text on the next line.
func joinBlocksTight(bs []mdBlock, loose bool) string {
	var b strings.Builder
	prev := ""
	for i, blk := range bs {
		if blk.text == "" {
			continue
		}
		text := blk.text
		if blk.list != "" && blk.list == prev {
			text = otherMarker(text, blk.list)
		}
		if i > 0 && b.Len() > 0 {
			if loose || blk.list == "" {
				b.WriteString("\n\n")
			} else {
				b.WriteString("\n")
			}
		}
		b.WriteString(text)
		prev = blk.list
	}
	return b.String()
}

var olMarkerRE = regexp.MustCompile(`(?m)^(\d+)\.( |$)`)

// otherMarker rewrites a list's own markers (those at the start of a
// line, not indented) to "*" or "N)".
func otherMarker(text, kind string) string {
	if kind == "ol" {
		return olMarkerRE.ReplaceAllString(text, "$1)$2")
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "- ") || l == "-" {
			lines[i] = "*" + l[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// prefixLines puts prefix before every line, or blank before empty ones.
func prefixLines(s, prefix, blank string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = blank
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// collapseSpace collapses HTML white space: a run with a newline becomes
// a newline (a soft break), with a blank line and autop a paragraph
// break.
func collapseSpace(s string, autop bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isSpace(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j, newlines := i, 0
		for j < len(s) && isSpace(s[j]) {
			if s[j] == '\n' {
				newlines++
			}
			j++
		}
		switch {
		case newlines >= 2 && autop:
			b.WriteString("\n\n")
		case newlines >= 1:
			b.WriteString("\n")
		default:
			// Kept as written: Markdown shows it as HTML does, and
			// markup read back stays byte for byte the same.
			b.WriteString(strings.Map(func(r rune) rune {
				if r == '\r' || r == '\f' {
					return ' '
				}
				return r
			}, s[i:j]))
		}
		i = j
	}
	return b.String()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// entityRE finds what Markdown would read as a character reference.
var entityRE = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// escapeText escapes the characters that would be read as Markdown
// syntax anywhere in a line.
func escapeText(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '[', ']', '<', '|', '~':
			b.WriteByte('\\')
		case '_':
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if i == 0 || i+1 == len(s) || !isWordRune(prev) || !isWordRune(next) {
				b.WriteByte('\\')
			}
		case '&':
			if entityRE.MatchString(s[i:min(len(s), i+40)]) && entityRE.FindStringIndex(s[i:min(len(s), i+40)])[0] == 0 {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// lineStartRE finds a line start that Markdown would read as the start of
// a block: a heading, quote, list item, setext underline, definition or
// fence.
var lineStartRE = regexp.MustCompile(`^(#{1,6}(\s|$)|>|[-+](\s|$)|=+\s*$|-+\s*$|:(\s|$))`)

var orderedStartRE = regexp.MustCompile(`^(\d{1,9})([.)])(\s|$)`)

func escapeLineStart(l string) string {
	if lineStartRE.MatchString(l) {
		return `\` + l
	}
	if m := orderedStartRE.FindStringSubmatchIndex(l); m != nil {
		return l[:m[3]] + `\` + l[m[3]:]
	}
	return l
}

// codeSpan writes text as a code span, fenced with more backticks than
// it holds in a row.
func codeSpan(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	ticks := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.TrimSpace(s) != "") {
		s = " " + s + " "
	}
	return ticks + s + ticks
}

// mdDest writes a URL as a Markdown link destination.
func mdDest(u string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, " ", "%20", "\n", "%0A", "\t", "%09", "<", "%3C", ">", "%3E").Replace(u)
}

// scheme is the lower-case scheme of a URL as a browser reads it, "" for
// a relative one.
func scheme(u string) string {
	u = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, u)
	s, _, ok := strings.Cut(u, ":")
	if !ok || s == "" || strings.ContainsAny(s, "/?#") {
		return ""
	}
	return strings.ToLower(s)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// inlineElements are the elements that flow within a paragraph.
var inlineElements = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Br: true, atom.Cite: true,
	atom.Code: true, atom.Data: true, atom.Dfn: true, atom.Em: true, atom.Font: true, atom.I: true, atom.Img: true,
	atom.Input: true, atom.Kbd: true, atom.Label: true, atom.Mark: true, atom.Q: true, atom.S: true, atom.Samp: true,
	atom.Small: true, atom.Span: true, atom.Strike: true, atom.Strong: true, atom.Sub: true, atom.Sup: true,
	atom.Time: true, atom.Tt: true, atom.U: true, atom.Var: true, atom.Wbr: true, atom.Del: true, atom.Ins: true,
	atom.Picture: true,
}

func isInline(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		return true
	case html.ElementNode:
		return inlineElements[n.DataAtom] && !dropped(n)
	}
	return false
}

// dropped are elements with nothing a reader of the prose would miss, or
// that do not transfer: scripts, styles, forms, media players.
func dropped(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return n.Type != html.TextNode
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Object, atom.Embed, atom.Form, atom.Button,
		atom.Select, atom.Textarea, atom.Svg, atom.Math, atom.Canvas, atom.Audio, atom.Video, atom.Head, atom.Title,
		atom.Meta, atom.Link, atom.Base:
		return true
	}
	return n.Namespace != ""
}

// container elements only group blocks.
func container(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.Footer, atom.Aside, atom.Nav,
		atom.Center, atom.Body, atom.Html, atom.Address, atom.Hgroup, atom.Search:
		return true
	}
	return false
}

// videoBlock makes a video block of a YouTube or Vimeo iframe, or of a
// WordPress embed figure of one.
func videoBlock(n *html.Node) (*blueprints.Block, bool) {
	var u, title, caption string
	if n.DataAtom == atom.Iframe {
		u, _ = attr(n, "src")
		title, _ = attr(n, "title")
	} else {
		if !hasClass(n, "wp-block-embed") {
			return nil, false
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch {
			case ch.DataAtom == atom.Figcaption:
				caption = strings.Join(strings.Fields(textOf(ch)), " ")
			case hasClass(ch, "wp-block-embed__wrapper"):
				u = strings.TrimSpace(textOf(ch))
			case ch.DataAtom == atom.Iframe:
				u, _ = attr(ch, "src")
				title, _ = attr(ch, "title")
			}
		}
	}
	provider, id, ok := videoID(u)
	if !ok {
		return nil, false
	}
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		title = caption
	}
	if title == "" {
		title = u
	}
	props := map[string]any{"provider": provider, "video_id": id, "title": truncateRunes(title, 200)}
	if caption != "" {
		props["caption"] = truncateRunes(caption, 500)
	}
	return &blueprints.Block{Type: "video", V: 1, Props: props}, true
}

var (
	youtubeRE = regexp.MustCompile(`^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/)|youtube-nocookie\.com/embed/|youtu\.be/)([A-Za-z0-9_-]{6,20})(?:[?&#/].*)?$`)
	vimeoRE   = regexp.MustCompile(`^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?([0-9]{6,12})(?:[?#/].*)?$`)
)

func videoID(u string) (provider, id string, ok bool) {
	if m := youtubeRE.FindStringSubmatch(u); m != nil {
		return "youtube", m[1], true
	}
	if m := vimeoRE.FindStringSubmatch(u); m != nil {
		return "vimeo", m[1], true
	}
	return "", "", false
}

// iframeLink is a Markdown link to what an iframe inside prose showed.
func iframeLink(n *html.Node) string {
	src, _ := attr(n, "src")
	if s := scheme(src); s != "http" && s != "https" {
		return ""
	}
	title, _ := attr(n, "title")
	if title = strings.Join(strings.Fields(title), " "); title == "" {
		title = src
	}
	return "[" + escapeText(title) + "](" + mdDest(src) + ")"
}

var footnoteLabelRE = regexp.MustCompile(`^[0-9]{1,6}$`)

// isFootnotes reports whether n is the footnote list goldmark writes
// after the text.
func isFootnotes(n *html.Node) bool {
	return n.DataAtom == atom.Div && hasClass(n, "footnotes")
}

// footnotes writes goldmark's footnote list back as definitions,
// "[^1]: text", numbered as the references in the text are.
func (c *mdConverter) footnotes(div *html.Node) []mdBlock {
	var out []mdBlock
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.DataAtom == atom.Ol {
				walk(ch)
				continue
			}
			if ch.DataAtom != atom.Li {
				continue
			}
			id, _ := attr(ch, "id")
			label, ok := strings.CutPrefix(id, "fn:")
			if !ok || !footnoteLabelRE.MatchString(label) {
				out = append(out, c.blocks(children(ch))...)
				continue
			}
			removeBackrefs(ch)
			body := strings.TrimRight(joinBlocks(c.blocks(children(ch))), "\u00a0 \n")
			out = append(out, mdBlock{text: "[^" + label + "]: " + prefixLines(body, "    ", "")[4:]})
		}
	}
	walk(div)
	return out
}

func removeBackrefs(n *html.Node) {
	for ch := n.FirstChild; ch != nil; {
		next := ch.NextSibling
		if ch.DataAtom == atom.A && hasClass(ch, "footnote-backref") {
			n.RemoveChild(ch)
		} else {
			removeBackrefs(ch)
		}
		ch = next
	}
}
