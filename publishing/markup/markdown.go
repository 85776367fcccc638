package markup

import (
	"bytes"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"

	"github.com/igny8/igny8/blueprints"
)

// mdRenderer renders what blueprints.MarkdownParser parses, with the same
// extensions, so tables, strikethrough, footnotes, definition lists and
// task lists come out as the site build shows them.
var mdRenderer = sync.OnceValue(func() renderer.Renderer {
	return goldmark.New(goldmark.WithExtensions(
		extension.Table, extension.Strikethrough, extension.Footnote,
		extension.DefinitionList, extension.TaskList,
	)).Renderer()
})

// markdownHTML renders block Markdown as HTML, resolving page: links and
// asset: images through o. Raw HTML is dropped, as the site build drops it.
func markdownHTML(md string, o *Options) string {
	if strings.TrimSpace(md) == "" {
		return ""
	}
	src := []byte(md)
	doc := blueprints.MarkdownParser().Parse(text.NewReader(src))
	var links, images, raw []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Link:
			links = append(links, n)
		case *ast.Image:
			images = append(images, n)
		case *ast.RawHTML, *ast.HTMLBlock:
			raw = append(raw, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range raw {
		n.Parent().RemoveChild(n.Parent(), n)
	}
	for _, n := range links {
		l := n.(*ast.Link)
		ref, ok := strings.CutPrefix(string(l.Destination), "page:")
		if !ok {
			continue
		}
		id, anchor, _ := strings.Cut(ref, "#")
		if anchor != "" {
			anchor = "#" + anchor
		}
		if href := o.link(id, anchor); href != "" {
			l.Destination = []byte(href)
			continue
		}
		unwrap(l)
	}
	for _, n := range images {
		img := n.(*ast.Image)
		id, ok := strings.CutPrefix(string(img.Destination), "asset:")
		if !ok {
			continue
		}
		src, alt, ok := o.image(id)
		if !ok {
			img.Parent().RemoveChild(img.Parent(), img)
			continue
		}
		img.Destination = []byte(src)
		if !img.HasChildren() && alt != "" {
			img.AppendChild(img, ast.NewString([]byte(alt)))
		}
	}
	var b bytes.Buffer
	if err := mdRenderer().Render(&b, src, doc); err != nil {
		return "" // rendering into a buffer does not fail
	}
	return b.String()
}

// unwrap replaces n by its children.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}
