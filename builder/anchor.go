package builder

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/igny8/igny8/blueprints"
)

// anchorWarnings reports page:<id>#anchor links whose anchor is neither a
// block id on the target page nor the id of a Markdown heading there. It
// warns rather than fails: heading ids follow Hugo's "github" style, which
// this reproduces closely but not byte for byte.
func (g *generator) anchorWarnings() []string {
	anchors := map[string]map[string]bool{} // page id → anchors, built on demand
	has := func(pageID, anchor string) bool {
		set, ok := anchors[pageID]
		if !ok {
			set = pageAnchors(g.pages[pageID])
			anchors[pageID] = set
		}
		return set[anchor]
	}
	var out []string
	check := func(where, href string) {
		id, anchor, ok := blueprints.PageLink(href)
		if ok && anchor != "" && g.pages[id] != nil && !has(id, anchor) {
			out = append(out, fmt.Sprintf("%s links to page:%s#%s, but page %q has no block or heading with id %q", where, id, anchor, id, anchor))
		}
	}
	for _, items := range [][]*blueprints.NavItem{g.bp.Navigation.Main, g.bp.Navigation.Footer} {
		for _, it := range items {
			check("navigation", it.Href)
			for _, c := range it.Children {
				check("navigation", c.Href)
			}
		}
	}
	for _, p := range g.bp.Pages {
		if p.Draft {
			continue
		}
		walkProps(p.Blocks, func(key, s string) {
			if key == "href" {
				check("page "+p.ID, s)
				return
			}
			for _, r := range blueprints.MarkdownRefs(s) {
				if r.Kind == "page" {
					check("page "+p.ID, "page:"+r.ID+r.Anchor)
				}
			}
		})
	}
	return out
}

// pageAnchors returns the ids a page's HTML will have: its blocks' ids and
// its Markdown headings' ids.
func pageAnchors(p *blueprints.Page) map[string]bool {
	set := map[string]bool{}
	var blocks func([]*blueprints.Block)
	blocks = func(bs []*blueprints.Block) {
		for _, b := range bs {
			set[b.ID] = true
			blocks(b.Children)
		}
	}
	blocks(p.Blocks)
	walkProps(p.Blocks, func(_, s string) {
		for _, m := range headingRE.FindAllStringSubmatch(s, -1) {
			set[headingID(m[1])] = true
		}
	})
	return set
}

var headingRE = regexp.MustCompile(`(?m)^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$`)

// headingID approximates goldmark's "github" heading ids: lower case,
// punctuation dropped, spaces turned into dashes.
func headingID(text string) string {
	text = mdLinkRE.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// walkProps calls fn with every string in the blocks' props and the key it
// sits under.
func walkProps(bs []*blueprints.Block, fn func(key, s string)) {
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case string:
			fn(key, v)
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		}
	}
	for _, b := range bs {
		walk("", b.Props)
		walkProps(b.Children, fn)
	}
}
