package linker

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"

	"github.com/igny8/igny8/blueprints"
)

// fieldsOf returns a page's linkable Markdown by "<block>/<field>".
func fieldsOf(p *blueprints.Page) map[string]string {
	out := map[string]string{}
	var walk func([]*blueprints.Block)
	walk = func(blocks []*blueprints.Block) {
		for _, b := range blocks {
			switch b.Type {
			case "richtext":
				out[b.ID+"/markdown"], _ = b.Props["markdown"].(string)
			case "faq":
				forItems(b.Props["items"], func(i int, item map[string]any) {
					out[b.ID+"/items/"+strconv.Itoa(i)+"/answer"], _ = item["answer"].(string)
				})
			}
			walk(b.Children)
		}
	}
	walk(p.Blocks)
	return out
}

// withoutFields is p as JSON with its linkable fields blanked and the
// linker's related block left out: what the linker must never change.
func withoutFields(tb testing.TB, p *blueprints.Page) string {
	tb.Helper()
	c := clonePage(p)
	c.Blocks = slices.DeleteFunc(c.Blocks, func(b *blueprints.Block) bool { return b.ID == RelatedBlockID && b.Type == "related" })
	var walk func([]*blueprints.Block)
	walk = func(blocks []*blueprints.Block) {
		for _, b := range blocks {
			switch b.Type {
			case "richtext":
				b.Props["markdown"] = ""
			case "faq":
				forItems(b.Props["items"], func(_ int, item map[string]any) { item["answer"] = "" })
			}
			walk(b.Children)
		}
	}
	walk(c.Blocks)
	data, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

// applied returns site with res's changed pages in place of the old ones.
func applied(site Site, res *Result) Site {
	pages := map[int64]*blueprints.Page{}
	for _, c := range res.Changed {
		pages[c.Doc] = c.Page
	}
	out := Site{Rules: site.Rules, Docs: slices.Clone(site.Docs)}
	for i := range out.Docs {
		if p := pages[out.Docs[i].ID]; p != nil {
			out.Docs[i].Page = p
		}
	}
	return out
}

// linksIn returns the records of one field, by offset.
func linksIn(links []Link, source int64, key string) []Link {
	var out []Link
	for _, l := range links {
		if l.Source == source && l.Block+"/"+l.Field == key {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b Link) int { return a.Offset - b.Offset })
	return out
}

// unlink removes the syntax of links (records of md, by offset) from md.
func unlink(tb testing.TB, md string, links []Link) string {
	tb.Helper()
	var b strings.Builder
	last := 0
	for _, l := range links {
		end := l.Offset + len(l.Anchor)
		closing := "](page:" + l.TargetPage + ")"
		if l.Offset < 1 || end > len(md) || md[l.Offset-1] != '[' || md[l.Offset:end] != l.Anchor || !strings.HasPrefix(md[end:], closing) {
			tb.Fatalf("record %+v does not point at [anchor](page:%s) in:\n%s", l, l.TargetPage, md)
		}
		b.WriteString(md[last : l.Offset-1])
		b.WriteString(l.Anchor)
		last = end + len(closing)
	}
	b.WriteString(md[last:])
	return b.String()
}

var renderer = goldmark.New(goldmark.WithExtensions(
	extension.Table, extension.Strikethrough, extension.Footnote,
	extension.DefinitionList, extension.TaskList,
))

// htmlFacts are what a field's rendered HTML shows, read with a real
// HTML tokenizer and parser.
type htmlFacts struct {
	pageLinks int // <a href="page:…">
	nested    int // <a> inside <a>
	// hidden counts page links inside a heading, code, pre, del or a
	// table header: places the linker never links.
	hidden int
	words  int
	// pageLinksDOM counts the page links html.Parse finds; it differs
	// from pageLinks only for malformed HTML.
	pageLinksDOM int
}

var blockTags = map[string]bool{"p": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "pre": true, "blockquote": true, "td": true, "th": true, "tr": true, "table": true, "br": true,
	"hr": true, "dd": true, "dt": true, "dl": true, "div": true, "thead": true, "tbody": true}

var hidingTags = map[string]bool{"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "code": true,
	"pre": true, "del": true, "th": true}

func renderFacts(tb testing.TB, md string) htmlFacts {
	tb.Helper()
	var buf bytes.Buffer
	if err := renderer.Convert([]byte(md), &buf); err != nil {
		tb.Fatalf("render: %v", err)
	}
	var f htmlFacts
	var wc wordCounter
	depth := map[string]int{}
	z := html.NewTokenizer(bytes.NewReader(buf.Bytes()))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			wc.write(tok.Data)
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			if blockTags[tok.Data] {
				wc.write(" ")
			}
			d := 1
			if tt == html.EndTagToken {
				d = -1
			}
			if tt == html.StartTagToken && tok.Data == "a" {
				if depth["a"] > 0 {
					f.nested++
				}
				for _, a := range tok.Attr {
					if a.Key == "href" && strings.HasPrefix(a.Val, "page:") {
						f.pageLinks++
						for tag := range hidingTags {
							if depth[tag] > 0 {
								f.hidden++
								break
							}
						}
					}
				}
			}
			if tt != html.SelfClosingTagToken && tok.Data != "br" && tok.Data != "img" && tok.Data != "hr" && tok.Data != "input" {
				depth[tok.Data] += d
			}
		}
	}
	f.words = wc.n
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		tb.Fatalf("parse rendered HTML: %v", err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			for _, a := range n.Attr {
				if a.Key == "href" && strings.HasPrefix(a.Val, "page:") {
					f.pageLinksDOM++
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return f
}

// richtext is a page with one richtext block per Markdown text.
func richtext(id string, mds ...string) *blueprints.Page {
	p := &blueprints.Page{ID: id, Path: "/" + id + "/", Type: blueprints.PagePost, Title: id}
	for i, md := range mds {
		p.Blocks = append(p.Blocks, &blueprints.Block{ID: "s" + strconv.Itoa(i+1), Type: "richtext", V: 1, Props: map[string]any{"markdown": md}})
	}
	return p
}

// mustLink links the site and fails the test on an error.
func mustLink(tb testing.TB, site Site) *Result {
	tb.Helper()
	res, err := LinkSite(site)
	if err != nil {
		tb.Fatalf("LinkSite: %v", err)
	}
	return res
}
