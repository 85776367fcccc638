// Package sitegen generates large, deterministic blueprints for benchmarks
// and load tests: a home page, a blog of posts with substantial Markdown,
// and landing pages that use most block types.
package sitegen

import (
	"fmt"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// Logo is the one asset generated blueprints use.
const Logo = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32" viewBox="0 0 120 32"><rect width="32" height="32" rx="8" fill="#2563eb"/><text x="40" y="22" font-family="sans-serif" font-size="16" fill="#111827">Bench</text></svg>`

var words = strings.Fields(`static sites load fast because every page is ready before anyone asks for it
and a content delivery network can keep a copy close to every visitor while the origin stays idle
blueprints describe pages as typed blocks so editors and machines can change content safely
themes turn design tokens into styles and every block into accessible markup`)

// paragraph returns n words starting at an offset, as a sentence.
func paragraph(seed, n int) string {
	var b strings.Builder
	for i := range n {
		w := words[(seed*7+i*3)%len(words)]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
		if i < n-1 {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('.')
	return b.String()
}

// Generate returns a valid blueprint with the given number of pages
// (at least 2). The same n always gives the same blueprint. Its one asset,
// logo, is inline, so it needs no files.
func Generate(n int) *blueprints.Blueprint {
	n = max(n, 2)
	alt := "Bench"
	bp := &blueprints.Blueprint{
		Version: 1,
		Site:    blueprints.Site{Name: "Bench Site", BaseURL: "https://bench.example/", Locale: "en-US", Tagline: "Generated for benchmarks"},
		Theme:   blueprints.Theme{Name: "studio", Tokens: blueprints.Tokens{Logo: "logo"}},
		SEO:     blueprints.SEO{TitleTemplate: "%s · Bench", Description: "A generated site."},
		Collections: blueprints.Collections{
			Posts: &blueprints.Collection{Path: "/blog/", Title: "Blog", PerPage: 20},
		},
		Assets: map[string]*blueprints.Asset{
			"logo": {Data: b64(Logo), Type: "image/svg+xml", Alt: &alt},
		},
	}
	bp.Pages = append(bp.Pages, &blueprints.Page{
		ID: "home", Path: "/", Type: blueprints.PageHome, Title: "Bench Site", Description: "Home.",
		Blocks: []*blueprints.Block{
			block("hero", "hero", 2, map[string]any{"heading": "A generated site", "text": paragraph(1, 20),
				"actions": []any{map[string]any{"label": "Read the blog", "href": "page:p1"}}}),
			block("latest", "post-list", 1, map[string]any{"heading": "Latest", "limit": 6.0, "layout": "cards"}),
		},
	})
	bp.Navigation.Main = []*blueprints.NavItem{{Label: "Blog", Href: "page:p1"}}
	for i := 1; i < n; i++ {
		id := fmt.Sprintf("p%d", i)
		if i%10 == 0 {
			bp.Pages = append(bp.Pages, landing(i, id))
			continue
		}
		bp.Pages = append(bp.Pages, post(i, id))
	}
	return bp
}

func post(i int, id string) *blueprints.Page {
	var md strings.Builder
	for s := range 4 {
		fmt.Fprintf(&md, "## Section %d\n\n%s %s\n\n", s+1, paragraph(i+s, 45), paragraph(i+s+1, 35))
	}
	fmt.Fprintf(&md, "- %s\n- %s\n\n> %s\n\nBack to [the start](page:home).\n", paragraph(i, 8), paragraph(i+2, 9), paragraph(i+3, 14))
	return &blueprints.Page{
		ID: id, Path: fmt.Sprintf("/blog/post-%d/", i), Type: blueprints.PagePost,
		Title: fmt.Sprintf("Post number %d", i), Description: paragraph(i, 18),
		Date: fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28), Author: "Bench Writer", Tags: []string{fmt.Sprintf("tag%d", i%5)},
		Blocks: []*blueprints.Block{block("body", "richtext", 1, map[string]any{"markdown": md.String()})},
	}
}

func landing(i int, id string) *blueprints.Page {
	items := []any{}
	for k := range 3 {
		items = append(items, map[string]any{"icon": "check", "title": fmt.Sprintf("Benefit %d", k+1), "text": paragraph(i+k, 16)})
	}
	return &blueprints.Page{
		ID: id, Path: fmt.Sprintf("/pages/page-%d/", i), Type: blueprints.PageLanding,
		Title: fmt.Sprintf("Landing page %d", i), Description: paragraph(i, 16),
		Blocks: []*blueprints.Block{
			block("hero", "hero", 2, map[string]any{"heading": fmt.Sprintf("Landing %d", i), "text": paragraph(i, 24), "layout": "centered"}),
			block("features", "features", 1, map[string]any{"heading": "Why", "columns": 3.0, "items": items}),
			block("faq", "faq", 1, map[string]any{"items": []any{
				map[string]any{"question": "How fast is it?", "answer": paragraph(i, 30)},
				map[string]any{"question": "Is it safe?", "answer": paragraph(i+1, 25)},
			}}),
			block("cta", "cta", 1, map[string]any{"heading": "Start now", "actions": []any{map[string]any{"label": "Go", "href": "page:home"}}}),
		},
	}
}

func block(id, typ string, v int, props map[string]any) *blueprints.Block {
	return &blueprints.Block{ID: id, Type: typ, V: v, Props: props}
}
