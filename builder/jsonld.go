package builder

import (
	"bytes"
	"cmp"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// jsonLD builds the page's schema.org graph: the organization and website
// everywhere, breadcrumbs below home, and an Article, Product, Service or
// FAQPage where the page is one.
func (g *generator) jsonLD(p *blueprints.Page, pp *pageParams) string {
	bp := g.bp
	orgID := g.baseURL + "/#organization"
	siteID := g.baseURL + "/#website"
	url := g.abs(p.Path)
	graph := []any{g.organization(orgID), map[string]any{
		"@type":      "WebSite",
		"@id":        siteID,
		"url":        g.baseURL + "/",
		"name":       bp.Site.Name,
		"inLanguage": bp.Site.Locale,
		"publisher":  map[string]any{"@id": orgID},
	}}
	webPage := map[string]any{
		"@type":      "WebPage",
		"@id":        url + "#webpage",
		"url":        url,
		"name":       pp.Head.Title,
		"isPartOf":   map[string]any{"@id": siteID},
		"inLanguage": pp.Lang,
	}
	if pp.Head.Description != "" {
		webPage["description"] = pp.Head.Description
	}
	if rel := g.relatedLinks(p.Blocks); len(rel) > 0 {
		webPage["relatedLink"] = rel
	}
	graph = append(graph, webPage)
	if len(pp.Breadcrumbs) > 0 {
		var items []any
		for i, c := range append(pp.Breadcrumbs, link{Label: p.Title, URL: p.Path}) {
			items = append(items, map[string]any{"@type": "ListItem", "position": i + 1, "name": c.Label, "item": g.abs(c.URL)})
		}
		webPage["breadcrumb"] = map[string]any{"@id": url + "#breadcrumb"}
		graph = append(graph, map[string]any{"@type": "BreadcrumbList", "@id": url + "#breadcrumb", "itemListElement": items})
	}
	switch p.Type {
	case blueprints.PagePost:
		a := map[string]any{
			"@type":            "BlogPosting",
			"headline":         p.Title,
			"mainEntityOfPage": map[string]any{"@id": url + "#webpage"},
			"publisher":        map[string]any{"@id": orgID},
			"inLanguage":       pp.Lang,
		}
		setIf(a, "description", pp.Head.Description)
		setIf(a, "datePublished", pp.Head.Published)
		setIf(a, "dateModified", cmp.Or(pp.Head.Modified, pp.Head.Published))
		if p.Author != "" {
			a["author"] = map[string]any{"@type": "Person", "name": p.Author}
		}
		if pp.Image != nil {
			a["image"] = g.abs(pp.Image.URL)
		}
		if len(p.Tags) > 0 {
			a["keywords"] = strings.Join(p.Tags, ", ")
		}
		graph = append(graph, a)
	case blueprints.PageProduct:
		pr := map[string]any{"@type": "Product", "name": p.Title}
		setIf(pr, "description", pp.Head.Description)
		if pp.Image != nil {
			pr["image"] = g.abs(pp.Image.URL)
		}
		if pp.Product != nil {
			setIf(pr, "sku", pp.Product.SKU)
			if pp.Product.Price != "" {
				pr["offers"] = map[string]any{
					"@type":         "Offer",
					"price":         pp.Product.Price,
					"priceCurrency": pp.Product.Currency,
					"availability":  "https://schema.org/" + map[string]string{"in_stock": "InStock", "out_of_stock": "OutOfStock", "preorder": "PreOrder", "": "InStock"}[pp.Product.Availability],
					"url":           url,
				}
			}
		}
		graph = append(graph, pr)
	case blueprints.PageService:
		s := map[string]any{"@type": "Service", "name": p.Title, "provider": map[string]any{"@id": orgID}, "url": url}
		setIf(s, "description", pp.Head.Description)
		graph = append(graph, s)
	}
	if faq := g.faq(p.Blocks); len(faq) > 0 {
		graph = append(graph, map[string]any{"@type": "FAQPage", "@id": url + "#faq", "mainEntity": faq})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // escapes <, > and & so the script element cannot be closed early
	if err := enc.Encode(map[string]any{"@context": "https://schema.org", "@graph": graph}); err != nil {
		panic("builder: JSON-LD of plain maps cannot fail: " + err.Error())
	}
	return strings.TrimSpace(buf.String())
}

func (g *generator) organization(id string) map[string]any {
	bp := g.bp
	o := bp.SEO.Organization
	if o == nil {
		o = &blueprints.Organization{}
	}
	org := map[string]any{
		"@type": strings.TrimSpace(o.Type),
		"@id":   id,
		"name":  o.Name,
		"url":   o.URL,
	}
	if org["@type"] == "" {
		org["@type"] = "Organization"
	}
	if org["name"] == "" {
		org["name"] = bp.Site.Name
	}
	if org["url"] == "" {
		org["url"] = g.baseURL + "/"
	}
	logo := o.Logo
	if logo == "" {
		logo = bp.Theme.Tokens.Logo
	}
	if im := g.image(logo, nil); im != nil {
		org["logo"] = map[string]any{"@type": "ImageObject", "url": g.abs(im.URL), "width": im.Width, "height": im.Height}
	}
	setIf(org, "email", o.Email)
	setIf(org, "telephone", o.Telephone)
	if a := o.Address; a != nil {
		addr := map[string]any{"@type": "PostalAddress"}
		setIf(addr, "streetAddress", a.Street)
		setIf(addr, "addressLocality", a.Locality)
		setIf(addr, "addressRegion", a.Region)
		setIf(addr, "postalCode", a.PostalCode)
		setIf(addr, "addressCountry", a.Country)
		org["address"] = addr
	}
	if len(o.SameAs) > 0 {
		org["sameAs"] = o.SameAs
	}
	return org
}

// relatedLinks are the URLs of the pages the related blocks list, nested
// ones included, each once.
func (g *generator) relatedLinks(blocks []*blueprints.Block) []any {
	var out []any
	seen := map[string]bool{}
	var walk func(bs []*blueprints.Block)
	walk = func(bs []*blueprints.Block) {
		for _, b := range bs {
			if b.Type == "related" {
				for _, it := range g.relatedItems(b.Props) {
					if u := g.abs(it.URL); !seen[u] {
						seen[u] = true
						out = append(out, u)
					}
				}
			}
			walk(b.Children)
		}
	}
	walk(blocks)
	return out
}

// faq collects the questions of every faq block, nested ones included.
func (g *generator) faq(blocks []*blueprints.Block) []any {
	var out []any
	for _, b := range blocks {
		if b.Type == "faq" {
			items, _ := b.Props["items"].([]any)
			for _, it := range items {
				m, _ := it.(map[string]any)
				q, _ := m["question"].(string)
				a, _ := m["answer"].(string)
				out = append(out, map[string]any{
					"@type":          "Question",
					"name":           q,
					"acceptedAnswer": map[string]any{"@type": "Answer", "text": plainText(a)},
				})
			}
		}
		out = append(out, g.faq(b.Children)...)
	}
	return out
}

var (
	mdLinkRE   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdMarkupRE = regexp.MustCompile("(?m)^\\s{0,3}(#{1,6}\\s+|>\\s?|[-*+]\\s+|\\d+\\.\\s+)|[*_`~]+")
	spaceRE    = regexp.MustCompile(`\s+`)
)

// plainText reduces Markdown to the words a reader sees, for structured
// data that must not carry markup.
func plainText(md string) string {
	s := mdLinkRE.ReplaceAllString(md, "$1")
	s = mdMarkupRE.ReplaceAllString(s, "")
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}
