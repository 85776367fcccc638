// Package blueprints defines the blueprint format (a site as JSON), parses
// it, migrates old block versions to the newest, and validates it against the
// embedded JSON Schemas and the rules a schema cannot express (references,
// uniqueness, limits), reporting every problem with its JSON pointer.
package blueprints

// FormatVersion is the blueprint format version this package reads.
const FormatVersion = 1

// Limits a blueprint must stay within.
const (
	MaxPages         = 10000
	MaxBlocksPerPage = 200
	MaxDepth         = 8
	MaxSize          = 20 << 20 // bytes of JSON
	// MaxRedirects caps site.redirects. Longer lists belong in a _redirects
	// file or, better, in splat and placeholder rules; a site's rules from
	// all sources together stay under the deployer's own, higher limit.
	MaxRedirects = 10000
)

// Blueprint is a whole site: settings, theme, navigation, SEO defaults,
// collections, assets and pages.
type Blueprint struct {
	Version     int               `json:"version"`
	Site        Site              `json:"site"`
	Theme       Theme             `json:"theme"`
	Navigation  Navigation        `json:"navigation,omitzero"`
	SEO         SEO               `json:"seo,omitzero"`
	Collections Collections       `json:"collections,omitzero"`
	Assets      map[string]*Asset `json:"assets,omitempty"`
	Pages       []*Page           `json:"pages"`
}

// Site holds site-wide settings.
type Site struct {
	Name      string   `json:"name"`
	BaseURL   string   `json:"base_url"`
	Locale    string   `json:"locale"`
	Languages []string `json:"languages,omitempty"`
	Tagline   string   `json:"tagline,omitempty"`
	Copyright string   `json:"copyright,omitempty"`
	// Redirects apply in order; the first whose From matches a request
	// wins. See Redirect.
	Redirects []*Redirect `json:"redirects,omitempty"`
}

// Redirect is a redirect or rewrite rule, in the syntax of a Netlify
// _redirects line: From is a path that may use whole-segment placeholders
// (/news/:year/:slug) and a final splat (/old/*); To is a path or an
// http(s) URL that may use those placeholders and :splat. Status is 301
// (the default, written as 0), 302, 307 or 308 for a redirect, 200 for a
// rewrite (serve To's file at From), or 404 or 410. A rule without Force
// does not apply where a file exists at From.
type Redirect struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Status int    `json:"status,omitempty"`
	Force  bool   `json:"force,omitempty"`
}

// Theme names the theme and carries the design tokens it turns into CSS
// variables.
type Theme struct {
	Name   string `json:"name"`
	Tokens Tokens `json:"tokens,omitzero"`
}

// Tokens are the design tokens of a site.
type Tokens struct {
	Colors Colors `json:"colors,omitzero"`
	Fonts  Fonts  `json:"fonts,omitzero"`
	Radius string `json:"radius,omitempty"`
	Logo   string `json:"logo,omitempty"` // asset id
}

// Colors are #rrggbb colours; empty ones take the theme's defaults.
type Colors struct {
	Primary    string `json:"primary,omitempty"`
	Accent     string `json:"accent,omitempty"`
	Background string `json:"background,omitempty"`
	Surface    string `json:"surface,omitempty"`
	Text       string `json:"text,omitempty"`
	Muted      string `json:"muted,omitempty"`
}

// Fonts are ids from the bundled font list (see Fonts in the schema).
type Fonts struct {
	Heading string `json:"heading,omitempty"`
	Body    string `json:"body,omitempty"`
}

// Navigation holds the main and footer menus.
type Navigation struct {
	Main   []*NavItem `json:"main,omitempty"`
	Footer []*NavItem `json:"footer,omitempty"`
}

// NavItem is a menu entry. Label defaults to the linked page's title.
type NavItem struct {
	Label    string     `json:"label,omitempty"`
	Href     string     `json:"href"`
	Children []*NavItem `json:"children,omitempty"`
}

// SEO holds site-wide search and social defaults.
type SEO struct {
	TitleTemplate string        `json:"title_template,omitempty"`
	Description   string        `json:"description,omitempty"`
	SocialImage   string        `json:"social_image,omitempty"` // asset id
	Twitter       string        `json:"twitter,omitempty"`
	Organization  *Organization `json:"organization,omitempty"`
}

// Organization describes who runs the site, for schema.org JSON-LD.
type Organization struct {
	Name      string   `json:"name,omitempty"`
	Type      string   `json:"type,omitempty"`
	URL       string   `json:"url,omitempty"`
	Email     string   `json:"email,omitempty"`
	Telephone string   `json:"telephone,omitempty"`
	Logo      string   `json:"logo,omitempty"` // asset id
	Address   *Address `json:"address,omitempty"`
	SameAs    []string `json:"same_as,omitempty"`
}

// Address is a postal address.
type Address struct {
	Street     string `json:"street,omitempty"`
	Locality   string `json:"locality,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

// Collections configures the listing pages of posts, products and services.
type Collections struct {
	Posts    *Collection `json:"posts,omitempty"`
	Products *Collection `json:"products,omitempty"`
	Services *Collection `json:"services,omitempty"`
}

// Collection is one listing page.
type Collection struct {
	Path        string `json:"path"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	PerPage     int    `json:"per_page,omitempty"`
}

// Asset is a file the site uses: a path relative to the blueprint's folder,
// or inline base64 data with its media type.
type Asset struct {
	Path string  `json:"path,omitempty"`
	Data string  `json:"data,omitempty"`
	Type string  `json:"type,omitempty"`
	Alt  *string `json:"alt,omitempty"` // nil: none given; "": decorative
}

// Page types.
const (
	PageHome     = "home"
	PagePage     = "page"
	PagePost     = "post"
	PageProduct  = "product"
	PageService  = "service"
	PageCategory = "category"
	PageLanding  = "landing"
)

// Page is one page of the site, made of blocks.
type Page struct {
	ID          string   `json:"id"`
	Path        string   `json:"path"`
	Type        string   `json:"type"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Lang        string   `json:"lang,omitempty"`
	Draft       bool     `json:"draft,omitempty"`
	Date        string   `json:"date,omitempty"`
	Updated     string   `json:"updated,omitempty"`
	Author      string   `json:"author,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Image       *Image   `json:"image,omitempty"`
	Product     *Product `json:"product,omitempty"`
	SEO         *PageSEO `json:"seo,omitempty"`
	Blocks      []*Block `json:"blocks"`
}

// Image references an asset, with alternative text.
type Image struct {
	Asset string  `json:"asset"`
	Alt   *string `json:"alt,omitempty"` // nil: the asset's alt
}

// Product holds commerce facts of a product page.
type Product struct {
	Price        string `json:"price,omitempty"`
	Currency     string `json:"currency,omitempty"`
	SKU          string `json:"sku,omitempty"`
	Availability string `json:"availability,omitempty"`
}

// PageSEO overrides the site's SEO defaults for one page.
type PageSEO struct {
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Image       string `json:"image,omitempty"` // asset id
	Canonical   string `json:"canonical,omitempty"`
	NoIndex     bool   `json:"noindex,omitempty"`
}

// Block is the envelope every block shares. Props are checked against the
// JSON Schema of the block's type and version.
type Block struct {
	ID       string         `json:"id"`
	Type     string         `json:"type"`
	V        int            `json:"v"`
	Props    map[string]any `json:"props"`
	Style    *Style         `json:"style,omitempty"`
	Children []*Block       `json:"children,omitempty"`
}

// hiddenProps are the block props that hold no text a reader sees.
var hiddenProps = map[string]bool{
	"href": true, "asset": true, "alt": true, "icon": true, "layout": true, "variant": true, "tag": true,
	"provider": true, "video_id": true, "endpoint": true, "fields": true, "type": true, "gap": true,
	"columns": true, "products": true, "pages": true,
}

// HiddenProp reports whether a block prop named key (at any depth of the
// props) holds no text a reader sees: a link, a reference to pages or
// assets, a choice or an identifier. Word counts and text analysis skip
// such props.
func HiddenProp(key string) bool { return hiddenProps[key] }

// Style is the presentational envelope of a block.
type Style struct {
	Background string `json:"background,omitempty"`
	Padding    string `json:"padding,omitempty"`
	Align      string `json:"align,omitempty"`
	Width      string `json:"width,omitempty"`
}

// Page returns the page with the given id, or nil.
func (b *Blueprint) Page(id string) *Page {
	for _, p := range b.Pages {
		if p.ID == id {
			return p
		}
	}
	return nil
}
