package markup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/igny8/igny8/blueprints"
)

// wpWriter writes WordPress block markup as the block editor serializes
// it: "<!-- wp:name {attrs} -->\n" + HTML + "\n<!-- /wp:name -->", blocks
// separated by a blank line, inner blocks directly inside their parent's
// element.
type wpWriter struct {
	// out[0] is the page; begin and columns push a level for the inner
	// blocks of a group or column.
	out [][]string
}

var _ writer = (*wpWriter)(nil)

func (w *wpWriter) String() string {
	if len(w.out) == 0 {
		return ""
	}
	return strings.Join(w.out[0], "\n\n")
}

func (w *wpWriter) emit(blocks ...string) {
	if len(w.out) == 0 {
		w.out = append(w.out, nil)
	}
	top := len(w.out) - 1
	w.out[top] = append(w.out[top], blocks...)
}

func (w *wpWriter) push() { w.emit(); w.out = append(w.out, nil) }

func (w *wpWriter) pop() string {
	top := len(w.out) - 1
	inner := strings.Join(w.out[top], "\n\n")
	w.out = w.out[:top]
	return inner
}

// groupAttrs are the attributes of the core/group that carries an IGNY8
// block. The block rides in metadata, which every block type declares as
// an object, so the block editor keeps it when it saves the post again;
// an attribute of its own would be dropped.
type groupAttrs struct {
	Metadata  groupMeta `json:"metadata"`
	ClassName string    `json:"className"`
}

type groupMeta struct {
	Name  string       `json:"name"`
	IGNY8 carriedBlock `json:"igny8"`
}

// carriedBlock is an IGNY8 block inside block markup, with Sum, the hash
// of the group's inner markup as Gutenberg wrote it: Blocks restores the
// block only while the markup is unchanged.
type carriedBlock struct {
	*blueprints.Block
	Sum string `json:"sum"`
}

func (w *wpWriter) begin(*blueprints.Block) { w.push() }

func (w *wpWriter) end(b *blueprints.Block) {
	class := "igny8-" + b.Type
	inner := `<div class="wp-block-group ` + class + `">` + w.pop() + `</div>`
	attrs := groupAttrs{
		Metadata:  groupMeta{Name: "IGNY8 " + b.Type, IGNY8: carriedBlock{Block: b, Sum: sum(inner)}},
		ClassName: class,
	}
	w.emit(wpBlock("group", attrs, inner))
}

// sum is the hash of a group's inner markup.
func sum(inner string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(inner)))
	return hex.EncodeToString(h[:8])
}

func (w *wpWriter) heading(level int, inline string) { w.emit(wpHeading(level, normInline(inline))) }

func (w *wpWriter) para(inline string) { w.emit(wpPara(normInline(inline))) }

func (w *wpWriter) list(ordered bool, items []string) {
	var lis []string
	for _, it := range items {
		lis = append(lis, wpBlock("list-item", nil, "<li>"+normInline(it)+"</li>"))
	}
	w.emit(wpList(ordered, 0, lis))
}

func (w *wpWriter) markdown(block string) { w.emit(wpBlocks(parseHTML(block))...) }

func (w *wpWriter) figure(f figure) { w.emit(wpImage(f)) }

func (w *wpWriter) actions(as []action) {
	var buttons []string
	for _, a := range as {
		var attrs any
		class := "wp-block-button"
		if a.secondary {
			attrs = map[string]string{"className": "is-style-outline"}
			class += " is-style-outline"
		}
		link := `<a class="wp-block-button__link wp-element-button"`
		if a.href != "" {
			link += ` href="` + escAttr(a.href) + `"`
		}
		link += ">" + esc(a.label) + "</a>"
		buttons = append(buttons, wpBlock("button", attrs, `<div class="`+class+`">`+link+`</div>`))
	}
	w.emit(wpBlock("buttons", nil, `<div class="wp-block-buttons">`+strings.Join(buttons, "\n\n")+`</div>`))
}

func (w *wpWriter) qa(question, answer string) {
	inner := `<details class="wp-block-details"><summary>` + normInline(question) + `</summary>` +
		strings.Join(wpBlocks(parseHTML(answer)), "\n\n") + `</details>`
	w.emit(wpBlock("details", nil, inner))
}

func (w *wpWriter) quote(block, cite string) {
	inner := `<blockquote class="wp-block-quote">` + strings.Join(wpBlocks(parseHTML(block)), "\n\n")
	if cite != "" {
		inner += "<cite>" + normInline(cite) + "</cite>"
	}
	w.emit(wpBlock("quote", nil, inner+"</blockquote>"))
}

// embedAttrs are core/embed's attributes in the order the editor writes
// them.
type embedAttrs struct {
	URL              string `json:"url"`
	Type             string `json:"type"`
	ProviderNameSlug string `json:"providerNameSlug"`
	Responsive       bool   `json:"responsive"`
	ClassName        string `json:"className"`
}

func (w *wpWriter) video(provider, id, title, caption string) {
	_, page := videoURLs(provider, id)
	if page == "" {
		w.emit(wpPara(esc(title)))
		return
	}
	const aspect = "wp-embed-aspect-16-9 wp-has-aspect-ratio"
	inner := `<figure class="wp-block-embed is-type-video is-provider-` + provider + ` wp-block-embed-` + provider + ` ` + aspect + `">` +
		`<div class="wp-block-embed__wrapper">` + "\n" + esc(page) + "\n</div>" + wpCaption(caption) + `</figure>`
	w.emit(wpBlock("embed", embedAttrs{URL: page, Type: "video", ProviderNameSlug: provider, Responsive: true, ClassName: aspect}, inner))
}

type galleryAttrs struct {
	Columns int    `json:"columns,omitempty"`
	LinkTo  string `json:"linkTo"`
}

func (w *wpWriter) gallery(columns int, figs []figure) {
	var imgs []string
	for _, f := range figs {
		imgs = append(imgs, wpImage(f))
	}
	cols := "columns-default"
	if columns > 0 {
		cols = "columns-" + strconv.Itoa(columns)
	}
	inner := `<figure class="wp-block-gallery has-nested-images ` + cols + ` is-cropped">` + strings.Join(imgs, "\n\n") + `</figure>`
	w.emit(wpBlock("gallery", galleryAttrs{Columns: columns, LinkTo: "none"}, inner))
}

func (w *wpWriter) columns(children []func() error) error {
	var cols []string
	for _, c := range children {
		w.push()
		err := c()
		inner := w.pop()
		if err != nil {
			return err
		}
		cols = append(cols, wpBlock("column", nil, `<div class="wp-block-column">`+inner+`</div>`))
	}
	w.emit(wpBlock("columns", nil, `<div class="wp-block-columns">`+strings.Join(cols, "\n\n")+`</div>`))
	return nil
}

// wpBlock serializes one block. attrs is nil or a value whose JSON is an
// object.
func wpBlock(name string, attrs any, inner string) string {
	open := "<!-- wp:" + name
	if attrs != nil {
		open += " " + wpAttrs(attrs)
	}
	return open + " -->\n" + inner + "\n<!-- /wp:" + name + " -->"
}

// wpAttrs is JSON as serializeAttributes in @wordpress/blocks writes it
// into a block comment: "--", "<", ">", "&" and escaped quotes spelt as
// \u escapes, so no value can end the comment or be read as markup.
func wpAttrs(attrs any) string {
	j, err := json.Marshal(attrs) // escapes <, > and & as \u003c…
	if err != nil {
		return "{}" // the attribute types here always marshal
	}
	s := strings.ReplaceAll(string(j), "--", `\u002d\u002d`)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if s[i+1] == '"' {
				b.WriteString(`\u0022`)
			} else {
				b.WriteString(s[i : i+2])
			}
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func wpPara(inline string) string { return wpBlock("paragraph", nil, "<p>"+inline+"</p>") }

func wpHeading(level int, inline string) string {
	var attrs any
	if level != 2 {
		attrs = map[string]int{"level": level}
	}
	n := strconv.Itoa(level)
	return wpBlock("heading", attrs, `<h`+n+` class="wp-block-heading">`+inline+`</h`+n+`>`)
}

type listAttrs struct {
	Ordered bool `json:"ordered,omitempty"`
	Start   int  `json:"start,omitempty"`
}

func wpList(ordered bool, start int, items []string) string {
	tag, open := "ul", "<ul"
	if ordered {
		tag, open = "ol", "<ol"
		if start != 0 && start != 1 {
			open += ` start="` + strconv.Itoa(start) + `"`
		} else {
			start = 0
		}
	}
	var attrs any
	if ordered {
		attrs = listAttrs{Ordered: true, Start: start}
	}
	return wpBlock("list", attrs, open+` class="wp-block-list">`+strings.Join(items, "\n\n")+"</"+tag+">")
}

type imageAttrs struct {
	LinkDestination string `json:"linkDestination,omitempty"`
}

func wpImage(f figure) string {
	img := `<img src="` + escAttr(f.src) + `" alt="` + escAttr(f.alt) + `"/>`
	var attrs any
	if f.href != "" {
		attrs = imageAttrs{LinkDestination: "custom"}
		img = `<a href="` + escAttr(f.href) + `">` + img + `</a>`
	}
	return wpBlock("image", attrs, `<figure class="wp-block-image">`+img+wpCaption(f.caption)+`</figure>`)
}

func wpCaption(caption string) string {
	if caption == "" {
		return ""
	}
	return `<figcaption class="wp-element-caption">` + esc(caption) + `</figcaption>`
}

// wpBlocks maps block-level HTML (as goldmark renders Markdown) to core
// blocks: paragraphs, headings, lists, quotes, code, tables and
// separators; anything else becomes a core/html block.
func wpBlocks(nodes []*html.Node) []string {
	var out []string
	for _, n := range nodes {
		switch n.Type {
		case html.TextNode:
			if t := strings.TrimSpace(n.Data); t != "" {
				out = append(out, wpPara(esc(t)))
			}
			continue
		case html.ElementNode:
		default:
			continue
		}
		switch n.DataAtom {
		case atom.P:
			out = append(out, wpPara(innerHTML(n)))
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			out = append(out, wpHeading(int(n.Data[1]-'0'), innerHTML(n)))
		case atom.Ul, atom.Ol:
			out = append(out, wpListOf(n))
		case atom.Blockquote:
			out = append(out, wpBlock("quote", nil, `<blockquote class="wp-block-quote">`+strings.Join(wpBlocks(children(n)), "\n\n")+`</blockquote>`))
		case atom.Pre:
			lang := ""
			if c := n.FirstChild; c != nil && c.DataAtom == atom.Code {
				lang = codeLanguage(c)
			}
			var attrs any
			class := "wp-block-code"
			if lang != "" {
				attrs = map[string]string{"className": "language-" + lang}
				class += " language-" + lang
			}
			out = append(out, wpBlock("code", attrs, `<pre class="`+class+`"><code>`+esc(textOf(n))+`</code></pre>`))
		case atom.Table:
			out = append(out, wpBlock("table", nil, `<figure class="wp-block-table">`+outerHTML(n)+`</figure>`))
		case atom.Hr:
			out = append(out, wpBlock("separator", nil, `<hr class="wp-block-separator has-alpha-channel-opacity"/>`))
		default:
			out = append(out, wpBlock("html", nil, outerHTML(n)))
		}
	}
	return out
}

// wpListOf maps a <ul> or <ol> to core/list: each item's paragraphs
// (a loose list's) become its inline content, nested lists stay nested.
func wpListOf(n *html.Node) string {
	var items []string
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.DataAtom != atom.Li {
			continue
		}
		var inline []string
		nested := ""
		for c := li.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Ul, atom.Ol:
				nested += wpListOf(c)
			case atom.P:
				inline = append(inline, innerHTML(c))
			default:
				inline = append(inline, outerHTML(c))
			}
		}
		text := strings.TrimSpace(strings.Join(inline, ""))
		items = append(items, wpBlock("list-item", nil, "<li>"+text+nested+"</li>"))
	}
	start := 0
	if s, ok := attr(n, "start"); ok {
		start, _ = strconv.Atoi(s)
	}
	return wpList(n.DataAtom == atom.Ol, start, items)
}

// normInline reparses inline HTML and writes it as the block markup does
// everywhere (void elements as <br/>), so equal content is equal bytes.
func normInline(s string) string {
	if !strings.ContainsAny(s, "<&>") {
		return s
	}
	var b strings.Builder
	for _, n := range parseInline(s) {
		writeNode(&b, n)
	}
	return b.String()
}
