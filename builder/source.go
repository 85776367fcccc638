package builder

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/themes"
)

// Source is a generated Hugo project: file path (relative to the project
// root, slash-separated) → contents. Themes are not in it; Build layers them
// underneath, and WriteSource copies them next to it.
type Source struct {
	Files map[string][]byte
	// Static files are published as they are, under the same paths (Hugo's
	// static folder; in-process builds copy them, as the hugo CLI does).
	Static   map[string][]byte
	Pages    int // pages the build will render from content files
	Warnings []string
}

// collectionNames in the order they are listed.
var collectionNames = []string{"posts", "products", "services"}

// generator holds the state of one blueprint → Hugo source conversion.
type generator struct {
	bp       *blueprints.Blueprint
	theme    *themes.Theme
	media    map[string]*media
	pages    map[string]*blueprints.Page // id → published page
	byPath   map[string]*blueprints.Page
	baseURL  string // without trailing slash
	lang     string
	warnings []string // site-wide; pages carry their own

	sortedMu sync.Mutex
	sorted   map[string][]*blueprints.Page // by type, for list blocks
}

// GenerateSource turns a validated blueprint into a Hugo project. Assets are
// read from fsys (the blueprint's folder). theme overrides the blueprint's
// theme when not empty.
func GenerateSource(bp *blueprints.Blueprint, fsys fs.FS, theme string) (*Source, error) {
	if theme == "" {
		theme = bp.Theme.Name
	}
	th, err := themes.Get(theme)
	if err != nil {
		return nil, err
	}
	md, err := loadMedia(bp, fsys)
	if err != nil {
		return nil, err
	}
	g := &generator{
		bp:      bp,
		theme:   th,
		media:   md,
		pages:   map[string]*blueprints.Page{},
		byPath:  map[string]*blueprints.Page{},
		baseURL: strings.TrimSuffix(bp.Site.BaseURL, "/"),
		lang:    bp.Languages()[0],
	}
	for _, p := range bp.Pages {
		if !p.Draft {
			g.pages[p.ID] = p
			g.byPath[p.Path] = p
		}
	}
	src := &Source{Files: map[string][]byte{}, Static: map[string][]byte{}}
	sp := g.siteParams()
	cfg, err := json.MarshalIndent(g.config(sp), "", "  ")
	if err != nil {
		return nil, err
	}
	src.Files["hugo.json"] = cfg
	for _, m := range md {
		src.Static[strings.TrimPrefix(m.url, "/")] = m.data
	}
	// Pages are independent: generate their content files on every core,
	// then assemble in blueprint order so the result stays deterministic.
	var jobs []*pageJob
	listed := map[string]bool{} // pages that are collection listing pages
	for _, name := range collectionNames {
		col := g.collection(name)
		if col == nil {
			continue
		}
		owner := g.byPath[col.Path]
		if owner != nil {
			listed[owner.ID] = true
		}
		jobs = append(jobs, g.listingJob(name, col, owner))
	}
	for _, p := range bp.Pages {
		if p.Draft || listed[p.ID] {
			continue
		}
		name := "content/" + p.ID + ".md"
		if p.Type == blueprints.PageHome {
			name = "content/_index.md"
		}
		jobs = append(jobs, &pageJob{name: name, page: p})
	}
	runJobs(jobs, func(j *pageJob) { j.data, j.warnings, j.err = g.pageFile(j.page, j.listing) })
	for _, j := range jobs {
		if j.err != nil {
			return nil, j.err
		}
		src.Files[j.name] = j.data
		src.Pages++
		g.warnings = append(g.warnings, j.warnings...)
	}
	src.Warnings = append(g.warnings, g.anchorWarnings()...)
	return src, nil
}

func (g *generator) collection(name string) *blueprints.Collection {
	switch c := g.bp.Collections; name {
	case "posts":
		return c.Posts
	case "products":
		return c.Products
	case "services":
		return c.Services
	}
	return nil
}

// collectionOf returns the collection a page is listed in: the one of its
// type whose path is a prefix of the page's path.
func (g *generator) collectionOf(p *blueprints.Page) string {
	for _, name := range collectionNames {
		col := g.collection(name)
		if col != nil && p.Type+"s" == name && strings.HasPrefix(p.Path, col.Path) {
			return name
		}
	}
	return ""
}

// frontMatter is what Hugo reads from each content file.
type frontMatter struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Date        string         `json:"date,omitempty"`
	Lastmod     string         `json:"lastmod,omitempty"`
	URL         string         `json:"url,omitempty"`
	Outputs     []string       `json:"outputs,omitempty"`
	Sitemap     map[string]any `json:"sitemap,omitempty"`
	Params      map[string]any `json:"params"`
}

func (g *generator) pageFile(p *blueprints.Page, listing *listingInfo) ([]byte, []string, error) {
	pp := g.pageParams(p, listing)
	fm := frontMatter{
		Title:       p.Title,
		Description: pp.Head.Description,
		Params:      map[string]any{"igny8": pp},
	}
	if p.Path != "/" {
		fm.URL = p.Path
	}
	if t, err := blueprints.ParseDate(p.Date); err == nil {
		fm.Date = t.UTC().Format(time.RFC3339)
	}
	if t, err := blueprints.ParseDate(p.Updated); err == nil {
		fm.Lastmod = t.UTC().Format(time.RFC3339)
	}
	if pp.Head.Robots != "" {
		fm.Sitemap = map[string]any{"disable": true}
	}
	if listing != nil && listing.name == "posts" {
		fm.Outputs = []string{"html", "rss"}
	}
	data, err := contentFile(fm)
	return data, pp.warnings, err
}

// contentFile writes JSON front matter and no body: everything a page shows
// comes from its blocks.
func contentFile(fm frontMatter) ([]byte, error) {
	data, err := json.Marshal(fm)
	if err != nil {
		return nil, fmt.Errorf("front matter of %q: %w", fm.Title, err)
	}
	return append(data, '\n'), nil
}

type listingInfo struct {
	name    string
	perPage int
}

// listingJob makes the section page of a collection. If a page sits at the
// collection's path, its blocks render above the list.
func (g *generator) listingJob(name string, col *blueprints.Collection, owner *blueprints.Page) *pageJob {
	p := owner
	if p == nil {
		p = &blueprints.Page{
			ID:          "collection-" + name,
			Path:        col.Path,
			Type:        blueprints.PagePage,
			Title:       cmp.Or(col.Title, strings.ToUpper(name[:1])+name[1:]),
			Description: col.Description,
		}
	}
	return &pageJob{
		name:    "content/" + name + "/_index.md",
		page:    p,
		listing: &listingInfo{name: name, perPage: cmp.Or(col.PerPage, 10)},
	}
}

// pageJob is one content file to generate.
type pageJob struct {
	name     string
	page     *blueprints.Page
	listing  *listingInfo
	data     []byte
	warnings []string
	err      error
}

// runJobs calls fn for every job, on as many goroutines as there are CPUs.
func runJobs(jobs []*pageJob, fn func(*pageJob)) {
	var wg sync.WaitGroup
	next := make(chan *pageJob)
	for range min(runtime.NumCPU(), len(jobs)) {
		wg.Go(func() {
			for j := range next {
				fn(j)
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

func (g *generator) siteParams() *siteParams {
	bp := g.bp
	sp := &siteParams{
		Name:      bp.Site.Name,
		Tagline:   bp.Site.Tagline,
		Copyright: cmp.Or(bp.Site.Copyright, "© "+bp.Site.Name),
		Locale:    bp.Site.Locale,
		Lang:      g.lang,
		Theme:     g.theme.Name,
		Tokens:    g.tokens(),
		Logo:      g.image(bp.Theme.Tokens.Logo, nil),
		Nav:       nav{Main: g.navItems(bp.Navigation.Main), Footer: g.navItems(bp.Navigation.Footer)},
	}
	for _, name := range collectionNames {
		if col := g.collection(name); col != nil {
			if sp.Collections == nil {
				sp.Collections = map[string]*collection{}
			}
			title := col.Title
			if owner := g.byPath[col.Path]; owner != nil {
				title = cmp.Or(title, owner.Title)
			}
			sp.Collections[name] = &collection{Name: name, URL: col.Path, Title: cmp.Or(title, strings.ToUpper(name[:1])+name[1:]), Description: col.Description}
		}
	}
	if c := sp.Collections["posts"]; c != nil {
		sp.Feed = &link{Label: c.Title, URL: c.URL + "index.xml"}
	}
	if o := bp.SEO.Organization; o != nil {
		ci := &contactInfo{Email: o.Email, Telephone: o.Telephone, Address: formatAddress(o.Address)}
		if *ci != (contactInfo{}) {
			sp.Contact = ci
		}
		for _, u := range o.SameAs {
			sp.Social = append(sp.Social, link{Label: socialLabel(u), URL: u})
		}
	}
	return sp
}

// tokens merges the blueprint's tokens over the theme's defaults and adds
// readable text colours for the filled ones.
func (g *generator) tokens() tokens {
	d := g.theme.Defaults
	colors := maps.Clone(d.Colors)
	if colors == nil {
		colors = map[string]string{}
	}
	c := g.bp.Theme.Tokens.Colors
	for k, v := range map[string]string{"primary": c.Primary, "accent": c.Accent, "background": c.Background, "surface": c.Surface, "text": c.Text, "muted": c.Muted} {
		if v != "" {
			colors[k] = strings.ToLower(v)
		}
	}
	colors["on_primary"] = blueprints.ReadableOn(colors["primary"])
	colors["on_accent"] = blueprints.ReadableOn(colors["accent"])
	if r := blueprints.Contrast(colors["text"], colors["background"]); r < 4.5 {
		g.warnings = append(g.warnings, fmt.Sprintf("text on background contrast is %.2f:1 with the theme's defaults; WCAG AA needs 4.5:1", r))
	}
	if r := blueprints.Contrast(colors["primary"], colors["background"]); r < 3 {
		g.warnings = append(g.warnings, fmt.Sprintf("primary colour on background contrast is %.2f:1; links in that colour are hard to see (3:1 or more recommended)", r))
	}
	t := g.bp.Theme.Tokens
	return tokens{
		Colors:      colors,
		FontHeading: cmp.Or(t.Fonts.Heading, d.FontHeading, "system"),
		FontBody:    cmp.Or(t.Fonts.Body, d.FontBody, "system"),
		Radius:      cmp.Or(t.Radius, d.Radius, "md"),
	}
}

func (g *generator) navItems(items []*blueprints.NavItem) []*navItem {
	out := make([]*navItem, 0, len(items))
	for _, it := range items {
		n := &navItem{Label: it.Label, URL: g.href(it.Href), External: g.external(it.Href)}
		if id, _, ok := blueprints.PageLink(it.Href); ok && n.Label == "" {
			if p := g.pages[id]; p != nil {
				n.Label = p.Title
			}
		}
		n.Children = g.navItems(it.Children)
		out = append(out, n)
	}
	return out
}

// href resolves a blueprint link to a URL: page links become site paths.
func (g *generator) href(h string) string {
	id, anchor, ok := blueprints.PageLink(h)
	if !ok {
		return h
	}
	p := g.pages[id]
	if p == nil {
		return h // Validate rejects this; keep the text so the mistake shows
	}
	if anchor != "" {
		return p.Path + "#" + anchor
	}
	return p.Path
}

func (g *generator) external(h string) bool {
	return (strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://")) && !strings.HasPrefix(h, g.baseURL+"/")
}

// image resolves an asset id, with an optional alt override.
func (g *generator) image(id string, alt *string) *img {
	m := g.media[id]
	if m == nil {
		return nil
	}
	im := &img{URL: m.url, Alt: m.alt, Width: m.width, Height: m.height}
	if alt != nil {
		im.Alt = *alt
	}
	return im
}

func (g *generator) abs(u string) string {
	if strings.HasPrefix(u, "/") {
		return g.baseURL + u
	}
	return u
}

func (g *generator) config(sp *siteParams) map[string]any {
	perPage := 10
	if c := g.bp.Collections.Posts; c != nil && c.PerPage > 0 {
		perPage = c.PerPage
	}
	return map[string]any{
		"baseURL":                    g.bp.Site.BaseURL,
		"title":                      g.bp.Site.Name,
		"locale":                     g.bp.Site.Locale,
		"defaultContentLanguage":     g.lang,
		"theme":                      []string{g.theme.Name, themes.Base},
		"themesDir":                  "themes",
		"timeZone":                   "UTC",
		"disableKinds":               []string{"taxonomy", "term"},
		"enableRobotsTXT":            true,
		"disableHugoGeneratorInject": true,
		"capitalizeListTitles":       false,
		"pluralizeListTitles":        false,
		"enableEmoji":                false,
		"outputs": map[string]any{
			"home":    []string{"html"},
			"page":    []string{"html"},
			"section": []string{"html"},
		},
		"pagination": map[string]any{"pagerSize": perPage, "path": "page"},
		"sitemap":    map[string]any{"filename": "sitemap.xml"},
		"minify":     map[string]any{"minifyOutput": true},
		"markup": map[string]any{
			"goldmark": map[string]any{
				"renderer":   map[string]any{"unsafe": false},
				"parser":     map[string]any{"autoHeadingID": true, "autoHeadingIDType": "github"},
				"extensions": map[string]any{"typographer": map[string]any{"disable": false}, "linkify": false, "table": true, "strikethrough": true},
			},
			"highlight": map[string]any{"noClasses": true},
		},
		// Tenant builds run untrusted templates' inputs: no exec, no
		// environment, no network.
		"security": map[string]any{
			"enableInlineShortcodes": false,
			"exec":                   map[string]any{"allow": []string{"none"}, "osEnv": []string{"none"}},
			"funcs":                  map[string]any{"getenv": []string{"none"}},
			"http":                   map[string]any{"urls": []string{"none"}, "methods": []string{"none"}, "mediaTypes": []string{"none"}},
		},
		"params": map[string]any{"igny8": sp},
	}
}

// sortedPages returns the published pages of a type, newest first, then by
// title, so lists are stable. Every list block asks, so it is computed once.
func (g *generator) sortedPages(typ string) []*blueprints.Page {
	g.sortedMu.Lock()
	defer g.sortedMu.Unlock()
	if pages, ok := g.sorted[typ]; ok {
		return pages
	}
	var out []*blueprints.Page
	for _, p := range g.bp.Pages {
		if !p.Draft && p.Type == typ {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b *blueprints.Page) int {
		if c := strings.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Title, b.Title)
	})
	if g.sorted == nil {
		g.sorted = map[string][]*blueprints.Page{}
	}
	g.sorted[typ] = out
	return out
}
