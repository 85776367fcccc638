package builder

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/igny8/igny8/blueprints"
)

func (g *generator) pageParams(p *blueprints.Page, listing *listingInfo) *pageParams {
	pp := &pageParams{
		ID:     p.ID,
		Kind:   p.Type,
		Lang:   cmp.Or(p.Lang, g.lang),
		Author: p.Author,
		Tags:   p.Tags,
		Image:  g.pageImage(p.Image),
	}
	if listing != nil {
		pp.Collection = listing.name
		pp.PerPage = listing.perPage
	} else {
		pp.Collection = g.collectionOf(p)
	}
	if t, err := blueprints.ParseDate(p.Date); err == nil && p.Date != "" {
		pp.DateISO = t.UTC().Format(time.DateOnly)
		pp.DateText = formatDate(t, g.bp.Site.Locale)
	}
	if p.Product != nil {
		pp.Product = &product{
			Price:        p.Product.Price,
			Currency:     p.Product.Currency,
			PriceText:    formatPrice(p.Product.Price, p.Product.Currency),
			SKU:          p.Product.SKU,
			Availability: p.Product.Availability,
			InStock:      p.Product.Availability == "" || p.Product.Availability == "in_stock",
		}
	}
	pp.Blocks = g.blocks(p.Blocks)
	if p.Type == blueprints.PagePost {
		pp.ReadMinutes = max(1, (countWords(p.Blocks)+219)/220)
	}
	pp.Breadcrumbs = g.breadcrumbs(p)
	pp.Head = g.head(p, pp)
	pp.JSONLD = g.jsonLD(p, pp)
	return pp
}

func (g *generator) pageImage(im *blueprints.Image) *img {
	if im == nil {
		return nil
	}
	return g.image(im.Asset, im.Alt)
}

// breadcrumbs lists home and every published ancestor path of p.
func (g *generator) breadcrumbs(p *blueprints.Page) []link {
	if p.Path == "/" {
		return nil
	}
	home := g.byPath["/"]
	crumbs := []link{{Label: "Home", URL: "/"}}
	if home != nil {
		crumbs[0].Label = home.Title
	}
	segs := strings.Split(strings.Trim(p.Path, "/"), "/")
	for i := 1; i < len(segs); i++ {
		path := "/" + strings.Join(segs[:i], "/") + "/"
		if a := g.byPath[path]; a != nil {
			crumbs = append(crumbs, link{Label: a.Title, URL: path})
		} else if c := g.collectionAt(path); c != nil {
			crumbs = append(crumbs, link{Label: cmp.Or(c.Title, path), URL: path})
		}
	}
	return crumbs
}

func (g *generator) collectionAt(path string) *blueprints.Collection {
	for _, name := range collectionNames {
		if c := g.collection(name); c != nil && c.Path == path {
			return c
		}
	}
	return nil
}

func (g *generator) head(p *blueprints.Page, pp *pageParams) head {
	bp := g.bp
	seo := p.SEO
	if seo == nil {
		seo = &blueprints.PageSEO{}
	}
	h := head{
		Description: cmp.Or(seo.Description, p.Description, bp.SEO.Description),
		Canonical:   cmp.Or(seo.Canonical, g.abs(p.Path)),
		OGType:      "website",
		OGLocale:    strings.ReplaceAll(bp.Site.Locale, "-", "_"),
		Twitter:     bp.SEO.Twitter,
	}
	switch {
	case seo.Title != "":
		h.Title = seo.Title
	case p.Type == blueprints.PageHome || bp.SEO.TitleTemplate == "":
		h.Title = p.Title
	default:
		h.Title = strings.Replace(bp.SEO.TitleTemplate, "%s", p.Title, 1)
	}
	if seo.NoIndex {
		h.Robots = "noindex, follow"
	}
	if p.Type == blueprints.PagePost {
		h.OGType = "article"
		h.Published = pp.DateISO
		if t, err := blueprints.ParseDate(p.Updated); err == nil && p.Updated != "" {
			h.Modified = t.UTC().Format(time.DateOnly)
		}
	}
	var social *img
	switch {
	case seo.Image != "":
		social = g.image(seo.Image, nil)
	case pp.Image != nil:
		social = pp.Image
	case bp.SEO.SocialImage != "":
		social = g.image(bp.SEO.SocialImage, nil)
	}
	if social != nil {
		h.Image, h.ImageAlt, h.ImageWidth, h.ImageHeight = g.abs(social.URL), social.Alt, social.Width, social.Height
	}
	if c := bp.Collections.Posts; c != nil {
		h.Feed = &link{Label: cmp.Or(c.Title, bp.Site.Name), URL: c.Path + "index.xml"}
	}
	if len(h.Description) == 0 && p.Type != blueprints.PageHome {
		pp.warnings = append(pp.warnings, fmt.Sprintf("page %q has no description; search engines will pick one from the text", p.ID))
	}
	return h
}

// formatDate writes a date the way the site's locale reads it.
func formatDate(t time.Time, locale string) string {
	if locale == "en-US" || locale == "en" {
		return t.Format("January 2, 2006")
	}
	return t.Format("2 January 2006")
}

var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$"}

func formatPrice(price, currency string) string {
	if price == "" {
		return ""
	}
	if s, ok := currencySymbols[currency]; ok {
		return s + price
	}
	return strings.TrimSpace(currency + " " + price)
}

// countWords counts the words of every string in the blocks' props.
func countWords(blocks []*blueprints.Block) int {
	n := 0
	walkProps(blocks, func(_, s string) { n += len(strings.Fields(s)) })
	return n
}

func formatAddress(a *blueprints.Address) string {
	if a == nil {
		return ""
	}
	var parts []string
	for _, s := range []string{a.Street, a.Locality, strings.TrimSpace(a.Region + " " + a.PostalCode), a.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func socialLabel(u string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "www.")
	host, _, _ = strings.Cut(host, "/")
	name, _, _ := strings.Cut(host, ".")
	if name == "" {
		return u
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
