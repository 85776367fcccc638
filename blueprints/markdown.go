package blueprints

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// mdRefRE finds page: and asset: references in Markdown link and image
// destinations: [text](page:about#team), ![alt](asset:hero "title").
var mdRefRE = regexp.MustCompile(`\]\(\s*<?(page|asset):([a-z0-9][a-z0-9-]*)(#[A-Za-z0-9_-]+)?`)

// MarkdownRef is a page: or asset: reference inside Markdown.
type MarkdownRef struct {
	Kind   string // "page" or "asset"
	ID     string
	Anchor string // with its "#", or ""
}

// MarkdownRefs returns the references in a Markdown string.
func MarkdownRefs(md string) []MarkdownRef {
	var refs []MarkdownRef
	for _, m := range mdRefRE.FindAllStringSubmatch(md, -1) {
		refs = append(refs, MarkdownRef{Kind: m[1], ID: m[2], Anchor: m[3]})
	}
	return refs
}

// RewriteMarkdownRefs replaces each reference's target with resolve's result.
func RewriteMarkdownRefs(md string, resolve func(MarkdownRef) string) string {
	return mdRefRE.ReplaceAllStringFunc(md, func(s string) string {
		m := mdRefRE.FindStringSubmatch(s)
		lead := s[:len(s)-len(m[1])-1-len(m[2])-len(m[3])]
		return lead + resolve(MarkdownRef{Kind: m[1], ID: m[2], Anchor: m[3]})
	})
}

// mdPageLinkRE finds whole inline links to pages: [text](page:id#anchor),
// text without brackets.
var mdPageLinkRE = regexp.MustCompile(`\[([^\[\]]*)\]\(\s*<?page:([a-z0-9][a-z0-9-]*)(#[A-Za-z0-9_-]+)?>?\s*\)`)

// UnlinkPages turns the inline links to pages keep refuses back into their
// text: "[Sourdough](page:sourdough)" becomes "Sourdough". It reports
// whether it changed md.
func UnlinkPages(md string, keep func(id string) bool) (string, bool) {
	changed := false
	out := mdPageLinkRE.ReplaceAllStringFunc(md, func(s string) string {
		m := mdPageLinkRE.FindStringSubmatch(s)
		if keep(m[2]) {
			return s
		}
		changed = true
		return m[1]
	})
	return out, changed
}

// markdownParser parses Markdown as the builder renders it: CommonMark with
// the extensions Hugo's Goldmark configuration turns on (tables,
// strikethrough, footnotes, definition lists, task lists), so a link is
// seen here exactly when it becomes a link on the page.
var markdownParser = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(
		extension.Table, extension.Strikethrough, extension.Footnote,
		extension.DefinitionList, extension.TaskList,
	)).Parser()
})

// MarkdownParser returns the parser of Markdown as the site build renders
// it (CommonMark with the extensions of Hugo's Goldmark configuration).
// Packages that read block Markdown use it, so a link, heading or image
// is seen exactly where it will be on the page.
func MarkdownParser() parser.Parser { return markdownParser() }

// mdLink is a link or image found in Markdown.
type mdLink struct {
	image     bool
	text      string // link text, or an image's alt text
	dest      string // destination with escapes and character references resolved
	raw       string // destination as written
	reference bool   // [text][label] with the destination in a [label]: definition
	autolink  bool   // <https://example.com/>
}

// markdownLinks returns every link, image and autolink of a Markdown text,
// in order, including reference-style ones.
func markdownLinks(md string) []mdLink {
	// An inline link has "](", a reference-style one needs a "]:"
	// definition, and an autolink starts with "<": most prose has none.
	if !strings.Contains(md, "](") && !strings.Contains(md, "]:") && !strings.Contains(md, "<") {
		return nil
	}
	src := []byte(md)
	doc := markdownParser().Parse(text.NewReader(src))
	var links []mdLink
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			links = append(links, mdLink{text: plainText(n, src), dest: resolveDest(n.Destination), raw: string(n.Destination), reference: n.Reference != nil})
		case *ast.Image:
			links = append(links, mdLink{image: true, text: plainText(n, src), dest: resolveDest(n.Destination), raw: string(n.Destination), reference: n.Reference != nil})
		case *ast.AutoLink:
			dest := string(n.URL(src))
			if n.AutoLinkType == ast.AutoLinkEmail {
				dest = "mailto:" + dest
			}
			links = append(links, mdLink{text: string(n.Label(src)), dest: dest, raw: dest, autolink: true})
		}
		return ast.WalkContinue, nil
	})
	return links
}

// resolveDest resolves backslash escapes and HTML character references in
// a link destination, as the renderer does before writing it into href:
// "&#106;avascript:" is "javascript:".
func resolveDest(dest []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest))))
}

// plainText is the text inside a link or image, without its markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Value(src))
			case *ast.String:
				b.Write(c.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// urlScheme returns the lower-case scheme of a URL as a browser reads an
// href: after trimming leading and trailing control characters and spaces
// and removing tabs and newlines, so " JaVa\tScRiPt:" is "javascript". It
// returns "" for a relative URL.
func urlScheme(u string) string {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	scheme, _, ok := strings.Cut(u, ":")
	if !ok || scheme == "" {
		return ""
	}
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		letter := 'a' <= c|0x20 && c|0x20 <= 'z'
		if !letter && (i == 0 || !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.') {
			return "" // a colon later in a relative path, as in /a/b:c
		}
	}
	return strings.ToLower(scheme)
}

// Which URLs Markdown may hold. Everything else is refused, because the
// renderer would drop it (javascript:, vbscript:, file:, most data:) or the
// templates would replace it with "#ZgotmplZ" (data: images), leaving a
// broken link with no warning. Inline images go under /assets (with "data")
// and are referenced as asset:<id>.
var (
	linkSchemes  = []string{"http", "https", "mailto", "tel", "page", "asset"}
	imageSchemes = []string{"http", "https", "asset"}
	pageRefRE    = regexp.MustCompile(`^page:[a-z0-9][a-z0-9-]*(#[A-Za-z0-9_-]+)?$`)
	assetRefRE   = regexp.MustCompile(`^asset:[a-z0-9][a-z0-9-]*$`)
)

const (
	linkRule  = "links may go to http:, https:, mailto: and tel: URLs, page:<page-id> and asset:<asset-id> references, #anchors and relative paths such as /about/"
	imageRule = "images may come from asset:<asset-id> references, http: and https: URLs and relative paths; put an inline image under /assets (with \"data\") and write asset:<asset-id>"
)

// checkMarkdown checks the URLs of every link and image in a Markdown text.
// It returns a sentence for each one that would not work on the page, and
// the page: and asset: references that will be resolved, for the caller to
// check that their targets exist.
func checkMarkdown(md string) (problems []string, refs []MarkdownRef) {
	links := markdownLinks(md)
	if len(links) == 0 {
		return nil, nil
	}
	// page: and asset: references are resolved by RewriteMarkdownRefs,
	// which sees only the inline form; count what it will resolve.
	resolvable := map[MarkdownRef]int{}
	for _, r := range MarkdownRefs(md) {
		resolvable[r]++
	}
	for _, l := range links {
		what := "link"
		if l.image {
			what = "image"
		}
		if l.text != "" {
			what += " " + strconv.Quote(truncate(l.text, 40))
		}
		dest := strconv.Quote(truncate(l.dest, 80))
		if l.raw != l.dest {
			// Say what the escapes or character references spell.
			dest = strconv.Quote(truncate(l.raw, 80)) + " (that is, " + dest + ")"
		}
		scheme := urlScheme(l.dest)
		allowed, rule := linkSchemes, linkRule
		if l.image {
			allowed, rule = imageSchemes, imageRule
		}
		switch {
		case strings.ContainsFunc(l.dest, unicode.IsControl):
			problems = append(problems, fmt.Sprintf("%s goes to %s, which holds invisible control characters; write the URL plainly: %s", what, dest, rule))
		case scheme == "":
			// A relative path or #anchor.
		case !slices.Contains(allowed, scheme):
			problems = append(problems, fmt.Sprintf("%s goes to %s, which is not allowed: %s", what, dest, rule))
		case scheme == "page" && !pageRefRE.MatchString(l.dest):
			problems = append(problems, fmt.Sprintf("%s goes to %s: a page link is page:<page-id> or page:<page-id>#anchor, with the id in lowercase letters, digits and dashes, such as page:about", what, dest))
		case scheme == "asset" && !assetRefRE.MatchString(l.dest):
			problems = append(problems, fmt.Sprintf("%s goes to %s: an asset reference is asset:<asset-id>, with the id in lowercase letters, digits and dashes, such as asset:logo", what, dest))
		case scheme == "page" || scheme == "asset":
			kind, rest, _ := strings.Cut(l.dest, ":")
			id, anchor, _ := strings.Cut(rest, "#")
			ref := MarkdownRef{Kind: kind, ID: id}
			if anchor != "" {
				ref.Anchor = "#" + anchor
			}
			if resolvable[ref] > 0 {
				resolvable[ref]--
				refs = append(refs, ref)
				continue
			}
			form := " written this way"
			switch {
			case l.reference:
				form = " in a reference-style link"
			case l.autolink:
				form = " in an autolink"
			case l.raw != l.dest:
				form = " with escapes or character references"
			}
			problems = append(problems, fmt.Sprintf("%s goes to %s%s, which is not resolved; write %s: references inline, as [%s](%s)",
				what, dest, form, kind, cmpOrString(truncate(l.text, 40), "text"), l.dest))
		}
	}
	return problems, refs
}
