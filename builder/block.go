package builder

import (
	"cmp"
	"slices"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// blocks resolves blocks for the templates: links become URLs, images
// become {url, alt, width, height}, Markdown references are rewritten, and
// list blocks get their items.
func (g *generator) blocks(in []*blueprints.Block) []*block {
	out := make([]*block, 0, len(in))
	for _, b := range in {
		rb := &block{
			ID:       b.ID,
			Type:     b.Type,
			Props:    g.resolve(b.Props).(map[string]any),
			Style:    styleOf(b.Style),
			Children: g.blocks(b.Children),
		}
		switch b.Type {
		case "post-list":
			rb.Props["items"] = g.postItems(b.Props)
		case "product-grid":
			rb.Props["items"] = g.productItems(b.Props)
		case "related":
			rb.Props["items"] = g.relatedItems(b.Props)
		}
		out = append(out, rb)
	}
	return out
}

func styleOf(s *blueprints.Style) style {
	if s == nil {
		s = &blueprints.Style{}
	}
	return style{
		Background: cmp.Or(s.Background, "default"),
		Padding:    cmp.Or(s.Padding, "md"),
		Align:      cmp.Or(s.Align, "start"),
		Width:      cmp.Or(s.Width, "normal"),
	}
}

// resolve returns a resolved deep copy of a props value.
func (g *generator) resolve(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if id, ok := v["asset"].(string); ok {
			var alt *string
			if a, ok := v["alt"].(string); ok {
				alt = &a
			}
			if im := g.image(id, alt); im != nil {
				return map[string]any{"url": im.URL, "alt": im.Alt, "width": im.Width, "height": im.Height}
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			if s, ok := e.(string); ok && k == "href" {
				out[k] = g.href(s)
				continue
			}
			out[k] = g.resolve(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = g.resolve(e)
		}
		return out
	case string:
		return blueprints.RewriteMarkdownRefs(defuseShortcodes(v), func(r blueprints.MarkdownRef) string {
			if r.Kind == "asset" {
				if m := g.media[r.ID]; m != nil {
					return m.url
				}
				return "asset:" + r.ID
			}
			return g.href("page:" + r.ID + r.Anchor)
		})
	default:
		return v
	}
}

// shortcodeDefuser breaks Hugo's shortcode delimiters with an invisible
// word joiner. Templates render Markdown with RenderString, which runs
// shortcodes, so "{{< … >}}" in a blueprint would execute template code
// (and an unknown name would fail the build); readers still see the text.
var shortcodeDefuser = strings.NewReplacer("{{<", "{\u2060{<", "{{%", "{\u2060{%")

func defuseShortcodes(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return shortcodeDefuser.Replace(s)
}

func intProp(props map[string]any, key string, def int) int {
	if f, ok := props[key].(float64); ok {
		return int(f)
	}
	return def
}

func (g *generator) postItems(props map[string]any) []*listItem {
	limit := intProp(props, "limit", 6)
	tag, _ := props["tag"].(string)
	var items []*listItem
	for _, p := range g.sortedPages(blueprints.PagePost) {
		if tag != "" && !slices.Contains(p.Tags, tag) {
			continue
		}
		items = append(items, g.item(p))
		if len(items) == limit {
			break
		}
	}
	return items
}

func (g *generator) productItems(props map[string]any) []*listItem {
	limit := intProp(props, "limit", 100)
	var pages []*blueprints.Page
	if ids, ok := props["products"].([]any); ok {
		for _, id := range ids {
			if p := g.pages[id.(string)]; p != nil {
				pages = append(pages, p)
			}
		}
	} else {
		for _, p := range g.bp.Pages {
			if !p.Draft && p.Type == blueprints.PageProduct {
				pages = append(pages, p)
			}
		}
	}
	items := make([]*listItem, 0, min(limit, len(pages)))
	for _, p := range pages[:min(limit, len(pages))] {
		items = append(items, g.item(p))
	}
	return items
}

// relatedItems are the pages a related block lists, in its order; pages
// the site does not publish are left out.
func (g *generator) relatedItems(props map[string]any) []*listItem {
	ids, _ := props["pages"].([]any)
	items := make([]*listItem, 0, len(ids))
	for _, id := range ids {
		s, _ := id.(string)
		if p := g.pages[s]; p != nil && !p.Draft {
			items = append(items, g.item(p))
		}
	}
	return items
}

func (g *generator) item(p *blueprints.Page) *listItem {
	it := &listItem{
		Title:       p.Title,
		URL:         p.Path,
		Description: p.Description,
		Author:      p.Author,
		Tags:        p.Tags,
		Image:       g.pageImage(p.Image),
	}
	if t, err := blueprints.ParseDate(p.Date); err == nil && p.Date != "" {
		it.DateISO = t.UTC().Format("2006-01-02")
		it.DateText = formatDate(t, g.bp.Site.Locale)
	}
	if p.Product != nil {
		it.PriceText = formatPrice(p.Product.Price, p.Product.Currency)
	}
	return it
}
