package markup

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML parses block-level HTML as the children of a <body>.
func parseHTML(s string) []*html.Node {
	return parseIn(s, atom.Body)
}

// parseInline parses inline HTML as the children of a <p>.
func parseInline(s string) []*html.Node {
	return parseIn(s, atom.P)
}

func parseIn(s string, a atom.Atom) []*html.Node {
	ctx := &html.Node{Type: html.ElementNode, Data: a.String(), DataAtom: a}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return nil // reading from a string does not fail
	}
	return nodes
}

func children(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	c, _ := attr(n, "class")
	for _, f := range strings.Fields(c) {
		if f == class {
			return true
		}
	}
	return false
}

// codeLanguage is the language of a <code class="language-x">.
func codeLanguage(n *html.Node) string {
	c, _ := attr(n, "class")
	for _, f := range strings.Fields(c) {
		if l, ok := strings.CutPrefix(f, "language-"); ok && l != "" {
			return l
		}
	}
	return ""
}

// textOf is the text content of n.
func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

func innerHTML(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		writeNode(&b, c)
	}
	return b.String()
}

func outerHTML(n *html.Node) string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

// voidElements have no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// writeNode serializes as the block editor does: text escapes only &, <
// and >, attributes & and ", void elements close with "/>". Comments are
// dropped.
func writeNode(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(esc(n.Data))
	case html.ElementNode:
		b.WriteString("<" + n.Data)
		for _, a := range n.Attr {
			key := a.Key
			if a.Namespace != "" {
				key = a.Namespace + ":" + key
			}
			b.WriteString(" " + key + `="` + escAttr(a.Val) + `"`)
		}
		if voidElements[n.Data] {
			b.WriteString("/>")
			return
		}
		b.WriteString(">")
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			writeNode(b, c)
		}
		b.WriteString("</" + n.Data + ">")
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			writeNode(b, c)
		}
	}
}
