package builder

// The types in this file are the contract between the builder and the
// themes: the builder resolves everything a template would otherwise have
// to compute (links, media URLs, SEO tags, JSON-LD, lists of posts), and
// templates only lay it out. themes/README.md documents them for theme
// authors; keep the two in step.

// siteParams is site.Params.igny8.
type siteParams struct {
	Name        string                 `json:"name"`
	Tagline     string                 `json:"tagline,omitempty"`
	Copyright   string                 `json:"copyright"`
	Locale      string                 `json:"locale"`
	Lang        string                 `json:"lang"`
	Theme       string                 `json:"theme"`
	Tokens      tokens                 `json:"tokens"`
	Logo        *img                   `json:"logo,omitempty"`
	Nav         nav                    `json:"nav"`
	Collections map[string]*collection `json:"collections,omitempty"`
	Feed        *link                  `json:"feed,omitempty"`
	Contact     *contactInfo           `json:"contact,omitempty"`
	Social      []link                 `json:"social,omitempty"`
}

type tokens struct {
	Colors      map[string]string `json:"colors"` // primary, accent, background, surface, text, muted, on_primary, on_accent
	FontHeading string            `json:"font_heading"`
	FontBody    string            `json:"font_body"`
	Radius      string            `json:"radius"`
}

type nav struct {
	Main   []*navItem `json:"main"`
	Footer []*navItem `json:"footer"`
}

type navItem struct {
	Label    string     `json:"label"`
	URL      string     `json:"url"`
	External bool       `json:"external,omitempty"`
	Children []*navItem `json:"children,omitempty"`
}

type collection struct {
	Name        string `json:"name"` // posts, products, services
	URL         string `json:"url"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

type contactInfo struct {
	Email     string `json:"email,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	Address   string `json:"address,omitempty"`
}

// img is a resolved image: URL is the site-relative URL of a file whose
// name carries its content hash.
type img struct {
	URL    string `json:"url"`
	Alt    string `json:"alt"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}

// pageParams is .Params.igny8 of every generated page.
type pageParams struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"` // the blueprint page type
	Lang        string   `json:"lang"`
	Collection  string   `json:"collection,omitempty"` // posts, products, services
	PerPage     int      `json:"per_page,omitempty"`   // listing pages: items per page
	Head        head     `json:"head"`
	JSONLD      string   `json:"json_ld,omitempty"` // serialized, HTML-safe
	Breadcrumbs []link   `json:"breadcrumbs,omitempty"`
	Blocks      []*block `json:"blocks"`
	Author      string   `json:"author,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	DateISO     string   `json:"date_iso,omitempty"`
	DateText    string   `json:"date_text,omitempty"`
	Image       *img     `json:"image,omitempty"`
	Product     *product `json:"product,omitempty"`
	ReadMinutes int      `json:"read_minutes,omitempty"`

	warnings []string // for the build result, not the templates
}

type head struct {
	Title       string `json:"title"` // the full <title>
	Description string `json:"description,omitempty"`
	Canonical   string `json:"canonical"`
	Robots      string `json:"robots,omitempty"`
	OGType      string `json:"og_type"`
	OGLocale    string `json:"og_locale"`
	Image       string `json:"image,omitempty"` // absolute URL
	ImageAlt    string `json:"image_alt,omitempty"`
	ImageWidth  int    `json:"image_width,omitempty"`
	ImageHeight int    `json:"image_height,omitempty"`
	Twitter     string `json:"twitter,omitempty"`
	Feed        *link  `json:"feed,omitempty"`
	Published   string `json:"published,omitempty"`
	Modified    string `json:"modified,omitempty"`
}

type product struct {
	Price        string `json:"price,omitempty"`
	Currency     string `json:"currency,omitempty"`
	PriceText    string `json:"price_text,omitempty"`
	SKU          string `json:"sku,omitempty"`
	Availability string `json:"availability,omitempty"`
	InStock      bool   `json:"in_stock"`
}

// block is a resolved block: props as in the blueprint, but every href is a
// URL, every image an image, Markdown links resolved, and for post-list,
// product-grid and related the matching items filled in as props.items.
type block struct {
	ID       string         `json:"id"`
	Type     string         `json:"type"`
	Props    map[string]any `json:"props"`
	Style    style          `json:"style"`
	Children []*block       `json:"children,omitempty"`
}

type style struct {
	Background string `json:"background"`
	Padding    string `json:"padding"`
	Align      string `json:"align"`
	Width      string `json:"width"`
}

// listItem is one entry of a post-list, product-grid or related block.
type listItem struct {
	Title       string   `json:"title"`
	URL         string   `json:"url"`
	Description string   `json:"description,omitempty"`
	DateISO     string   `json:"date_iso,omitempty"`
	DateText    string   `json:"date_text,omitempty"`
	Author      string   `json:"author,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Image       *img     `json:"image,omitempty"`
	PriceText   string   `json:"price_text,omitempty"`
}
