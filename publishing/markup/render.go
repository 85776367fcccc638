package markup

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// writer is one output format. render describes each block to it in the
// same vocabulary (headings, paragraphs, lists, figures…), so the clean
// HTML and the block markup of a page always say the same things.
// Strings named inline are HTML already escaped, without a block element
// around them; block is block-level HTML rendered from Markdown.
type writer interface {
	// begin and end enclose a block that is more than prose and images.
	begin(b *blueprints.Block)
	end(b *blueprints.Block)
	heading(level int, inline string)
	para(inline string)
	list(ordered bool, items []string)
	markdown(block string)
	figure(f figure)
	actions(as []action)
	qa(question, answer string)
	quote(block, cite string)
	video(provider, id, title, caption string)
	gallery(columns int, figs []figure)
	columns(children []func() error) error
}

// figure is an image ready to show: src resolved, alt chosen.
type figure struct {
	src, alt, caption, href string
}

// action is a call-to-action link; href "" is a label without a link.
type action struct {
	label, href string
	secondary   bool
}

func render(w writer, blocks []*blueprints.Block, o *Options) error {
	for _, b := range blocks {
		if err := renderBlock(w, b, o); err != nil {
			return err
		}
	}
	return nil
}

func renderBlock(w writer, b *blueprints.Block, o *Options) error {
	if b == nil {
		return nil
	}
	p := props(b.Props)
	switch b.Type {
	case "richtext":
		w.markdown(markdownHTML(p.str("markdown"), o))
		return nil
	case "image":
		if f, ok := imageFigure(p.obj("image"), o); ok {
			f.caption = p.str("caption")
			f.href = resolveHref(p.str("href"), o)
			w.figure(f)
		}
		return nil
	}
	if !known(b.Type, b.V) {
		return fmt.Errorf("block %q: unknown block type %s version %d", b.ID, b.Type, b.V)
	}
	w.begin(b)
	defer w.end(b)
	if h := p.str("heading"); h != "" && b.Type != "hero" {
		w.heading(2, esc(h))
	}
	switch b.Type {
	case "hero":
		if b.V == 1 {
			w.heading(2, esc(p.str("title")))
			if s := p.str("subtitle"); s != "" {
				w.para(esc(s))
			}
		} else {
			if s := p.str("eyebrow"); s != "" {
				w.para(esc(s))
			}
			w.heading(2, esc(p.str("heading")))
			w.markdown(markdownHTML(p.str("text"), o))
		}
		if f, ok := imageFigure(p.obj("image"), o); ok {
			w.figure(f)
		}
		as := actions(p.objs("actions"), o)
		if cta := p.obj("cta"); cta != nil {
			as = actions([]props{cta}, o)
		}
		if len(as) > 0 {
			w.actions(as)
		}
	case "cta":
		w.markdown(markdownHTML(p.str("text"), o))
		w.actions(actions(p.objs("actions"), o))
	case "faq":
		for _, it := range p.objs("items") {
			w.qa(esc(it.str("question")), markdownHTML(it.str("answer"), o))
		}
	case "features":
		w.markdown(markdownHTML(p.str("intro"), o))
		for _, it := range p.objs("items") {
			w.heading(3, linkHTML(resolveHref(it.str("href"), o), esc(it.str("title"))))
			w.markdown(markdownHTML(it.str("text"), o))
		}
	case "stats":
		var items []string
		for _, it := range p.objs("items") {
			items = append(items, "<strong>"+esc(it.str("value"))+"</strong> "+esc(it.str("label")))
		}
		w.list(false, items)
	case "team":
		w.markdown(markdownHTML(p.str("intro"), o))
		for _, m := range p.objs("members") {
			w.heading(3, esc(m.str("name")))
			if r := m.str("role"); r != "" {
				w.para("<em>" + esc(r) + "</em>")
			}
			if f, ok := imageFigure(m.obj("photo"), o); ok {
				w.figure(f)
			}
			w.markdown(markdownHTML(m.str("bio"), o))
			var links []string
			for _, l := range m.objs("links") {
				links = append(links, linkHTML(resolveHref(l.str("href"), o), esc(l.str("label"))))
			}
			if len(links) > 0 {
				w.para(strings.Join(links, " · "))
			}
		}
	case "testimonials":
		for _, it := range p.objs("items") {
			cite := esc(it.str("name"))
			if r := it.str("role"); r != "" {
				cite += ", " + esc(r)
			}
			w.quote("<p>"+esc(it.str("quote"))+"</p>\n", cite)
		}
	case "pricing":
		w.markdown(markdownHTML(p.str("intro"), o))
		for _, plan := range p.objs("plans") {
			w.heading(3, esc(plan.str("name")))
			price := "<strong>" + esc(plan.str("price")) + "</strong>"
			if per := plan.str("period"); per != "" {
				price += " " + esc(per)
			}
			w.para(price)
			if d := plan.str("description"); d != "" {
				w.para(esc(d))
			}
			var items []string
			for _, f := range plan.strs("features") {
				items = append(items, esc(f))
			}
			if len(items) > 0 {
				w.list(false, items)
			}
			if a := plan.obj("action"); a != nil {
				w.actions(actions([]props{a}, o))
			}
		}
	case "logos":
		var items []string
		for _, it := range p.objs("items") {
			name := esc(it.str("name"))
			if f, ok := imageFigure(it.obj("image"), o); ok {
				alt := f.alt
				if alt == "" {
					alt = it.str("name")
				}
				name = imgHTML(f.src, alt)
			}
			items = append(items, linkHTML(resolveHref(it.str("href"), o), name))
		}
		w.list(false, items)
	case "gallery":
		var figs []figure
		for _, it := range p.objs("images") {
			if f, ok := imageFigure(it.obj("image"), o); ok {
				f.caption = it.str("caption")
				figs = append(figs, f)
			}
		}
		if len(figs) > 0 {
			w.gallery(p.num("columns"), figs)
		}
	case "video":
		w.video(p.str("provider"), p.str("video_id"), p.str("title"), p.str("caption"))
	case "columns":
		var cols []func() error
		for _, c := range b.Children {
			cols = append(cols, func() error { return renderBlock(w, c, o) })
		}
		return w.columns(cols)
	case "contact":
		w.markdown(markdownHTML(p.str("text"), o))
		d := p.obj("details")
		var lines []string
		if e := d.str("email"); e != "" {
			lines = append(lines, linkHTML("mailto:"+e, esc(e)))
		}
		if t := d.str("phone"); t != "" {
			lines = append(lines, linkHTML("tel:"+telDigits(t), esc(t)))
		}
		for _, k := range []string{"address", "hours"} {
			if s := d.str(k); s != "" {
				lines = append(lines, esc(s))
			}
		}
		if len(lines) > 0 {
			w.para(strings.Join(lines, "<br>"))
		}
	case "post-list":
		var ids []string
		if o.Posts != nil {
			ids = o.Posts(p.str("tag"), p.num("limit"))
		}
		pageList(w, ids, o)
		if m := p.obj("more"); m != nil {
			w.actions(actions([]props{m}, o))
		}
	case "product-grid":
		ids := p.strs("products")
		if n := p.num("limit"); n > 0 && len(ids) > n {
			ids = ids[:n]
		}
		pageList(w, ids, o)
	case "related":
		pageList(w, p.strs("pages"), o)
	}
	return nil
}

// known reports whether blueprints has a schema for the block type and
// version; render only draws those.
func known(typ string, v int) bool {
	return v >= 1 && v <= blueprints.LatestVersion(typ)
}

// pageList lists links to pages, each titled by o.Title.
func pageList(w writer, ids []string, o *Options) {
	var items []string
	for _, id := range ids {
		href := o.link(id, "")
		title := o.title(id)
		switch {
		case href == "" && title == "":
			continue
		case title == "":
			title = href
		}
		items = append(items, linkHTML(href, esc(title)))
	}
	if len(items) > 0 {
		w.list(false, items)
	}
}

// imageFigure resolves an image prop ({"asset", "alt"}); the block's alt
// wins over the asset's.
func imageFigure(img props, o *Options) (figure, bool) {
	id := img.str("asset")
	if id == "" {
		return figure{}, false
	}
	src, alt, ok := o.image(id)
	if !ok {
		return figure{}, false
	}
	if a, set := img["alt"].(string); set {
		alt = a
	}
	return figure{src: src, alt: alt}, true
}

func actions(list []props, o *Options) []action {
	var as []action
	for _, a := range list {
		as = append(as, action{label: a.str("label"), href: resolveHref(a.str("href"), o), secondary: a.str("variant") == "secondary"})
	}
	return as
}

// resolveHref turns a block link (page:ID#a, #a, http…, mailto:, tel:)
// into a URL, "" when there is none.
func resolveHref(href string, o *Options) string {
	ref, ok := strings.CutPrefix(href, "page:")
	if !ok {
		return href
	}
	id, anchor, _ := strings.Cut(ref, "#")
	if anchor != "" {
		anchor = "#" + anchor
	}
	return o.link(id, anchor)
}

// linkHTML wraps inline HTML in a link, or leaves it alone without href.
func linkHTML(href, inline string) string {
	if href == "" {
		return inline
	}
	return `<a href="` + escAttr(href) + `">` + inline + "</a>"
}

func imgHTML(src, alt string) string {
	return `<img src="` + escAttr(src) + `" alt="` + escAttr(alt) + `">`
}

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// esc escapes text for HTML element content.
func esc(s string) string { return textEscaper.Replace(s) }

// escAttr escapes text for a double-quoted HTML attribute.
func escAttr(s string) string { return attrEscaper.Replace(s) }

// props reads block props leniently: a value of the wrong type reads as
// its zero value, since rendering must not fail on what validation let by.
type props map[string]any

func (p props) str(k string) string {
	s, _ := p[k].(string)
	return s
}

func (p props) num(k string) int {
	switch v := p[k].(type) {
	case float64:
		return int(v)
	case int:
		return v
	case int64:
		return int(v)
	case string:
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
}

func (p props) obj(k string) props {
	m, _ := p[k].(map[string]any)
	return m
}

func (p props) objs(k string) []props {
	var out []props
	switch v := p[k].(type) {
	case []any:
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case []map[string]any:
		for _, m := range v {
			out = append(out, m)
		}
	}
	return out
}

func (p props) strs(k string) []string {
	var out []string
	switch v := p[k].(type) {
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, v...)
	}
	return out
}

// telDigits keeps what a tel: URL dials: digits and a leading plus.
func telDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, s)
}
