package wordpress

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
)

// Formats of the content IGNY8 writes.
const (
	// FormatGutenberg writes WordPress block markup (the default).
	FormatGutenberg = "gutenberg"
	// FormatHTML writes clean HTML, for sites on the classic editor.
	FormatHTML = "html"
)

// AdapterConfig is how an integration publishes to WordPress: the
// integration's config JSON.
type AdapterConfig struct {
	// Format is FormatGutenberg ("" means it) or FormatHTML.
	Format string `json:"format,omitempty"`
	// DefaultStatus is the status of what IGNY8 publishes: "publish"
	// ("" means it), "draft" or "pending" (for review). A page marked
	// draft is always a draft; one dated in the future is scheduled
	// ("future") when the default is publish.
	DefaultStatus string `json:"default_status,omitempty"`
}

// ParseAdapterConfig reads an integration's config; null or {} gives the
// defaults. Unknown keys are ignored: the config holds other settings.
func ParseAdapterConfig(raw json.RawMessage) (AdapterConfig, error) {
	var cfg AdapterConfig
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return cfg, igny8.Errorf(igny8.EInvalid, "The WordPress settings are not valid JSON: %v.", err)
		}
	}
	return cfg, cfg.validate()
}

func (cfg AdapterConfig) validate() error {
	switch cfg.Format {
	case "", FormatGutenberg, FormatHTML:
	default:
		return igny8.Errorf(igny8.EInvalid, "The WordPress format %q is not one of gutenberg (block editor) or html (classic editor).", cfg.Format)
	}
	switch cfg.DefaultStatus {
	case "", "publish", "draft", "pending":
	default:
		return igny8.Errorf(igny8.EInvalid, "The WordPress default status %q is not one of publish, draft or pending.", cfg.DefaultStatus)
	}
	return nil
}

// Adapter publishes content pieces to a WordPress site: posts as posts,
// pages and service pages as pages, taxonomy content as categories.
// Products go to WooCommerce (package woocommerce).
type Adapter struct {
	Client *Client
	Refs   publishing.Refs
	Config AdapterConfig
	// Origin goes into IGNY8's marker on what it writes (see Marker): the
	// IGNY8 site's storage id. A post is adopted as a piece's only when
	// its marker names the same content and origin.
	Origin string
	// Now is the clock that tells a scheduled page from a published one;
	// nil means time.Now.
	Now func() time.Time
	// RenderFunc and AssetsFunc replace markup's (Gutenberg or HTML, and
	// Assets) when set: for tests.
	RenderFunc func(p *blueprints.Page, o markup.Options) (string, error)
	AssetsFunc func(p *blueprints.Page) []string

	mu  sync.Mutex
	seo map[Kind]map[string]any // the meta keys of each kind's schema
}

var _ publishing.Destination = (*Adapter)(nil)

// NewAdapter returns an Adapter that writes through c, with what pieces
// refer to from refs.
func NewAdapter(c *Client, refs publishing.Refs, cfg AdapterConfig) (*Adapter, error) {
	if c == nil || refs == nil {
		return nil, errors.New("wordpress: NewAdapter needs a client and refs")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Adapter{Client: c, Refs: refs, Config: cfg, seo: map[Kind]map[string]any{}}, nil
}

// Publish writes content c: it creates the post (page, category) the
// first time and updates the one rec names afterwards. It is safe to
// retry: images are found by name before they are uploaded, terms are
// reused, and a post IGNY8 wrote but did not record (a crash, a lost
// answer) is found by its slug and IGNY8's marker and updated rather than
// written twice. key is not needed: WordPress has no idempotency keys,
// and the marker does that work.
func (a *Adapter) Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (publishing.Remote, error) {
	page, err := DecodePage(c)
	if err != nil {
		return publishing.Remote{}, err
	}
	switch c.EntityType {
	case igny8.EntityPost:
		return a.publishPost(ctx, KindPost, c, page, rec)
	case igny8.EntityPage, igny8.EntityService:
		return a.publishPost(ctx, KindPage, c, page, rec)
	case igny8.EntityTaxonomy:
		return a.publishCategory(ctx, c, page, rec)
	case igny8.EntityProduct:
		return publishing.Remote{}, igny8.Errorf(igny8.EInvalid, "Products are published to WordPress through WooCommerce, not as posts.")
	}
	return publishing.Remote{}, igny8.Errorf(igny8.EInvalid, "Content of type %q cannot be published to WordPress.", c.EntityType)
}

// DecodePage reads a content piece's page (a blueprint page).
func DecodePage(c *igny8.Content) (*blueprints.Page, error) {
	var p blueprints.Page
	if err := json.Unmarshal(c.Page, &p); err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "Content %d has no readable page: %v.", c.ID, err)
	}
	return &p, nil
}

// Rendered is a piece's body as a destination stores it, with the media
// items its images were uploaded as.
type Rendered struct {
	Body  string
	Media map[string]*Media // by asset id
}

// Render uploads (or finds) the page's images and renders its blocks in
// format (FormatGutenberg or FormatHTML), with links pointing where refs
// says and images at their media items. WooCommerce uses it too.
func Render(ctx context.Context, client *Client, refs publishing.Refs, p *blueprints.Page, format string,
	render func(*blueprints.Page, markup.Options) (string, error), assets func(*blueprints.Page) []string) (*Rendered, error) {
	if assets == nil {
		assets = markup.Assets
	}
	if render == nil {
		render = markup.Gutenberg
		if format == FormatHTML {
			render = markup.HTML
		}
	}
	r := &Rendered{Media: map[string]*Media{}}
	for _, id := range assets(p) {
		asset, err := refs.Asset(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", id, err)
		}
		m, err := client.EnsureMedia(ctx, asset)
		if err != nil {
			return nil, err
		}
		r.Media[id] = m
	}
	var linkErr error
	opts := markup.Options{
		Link: func(pageID, anchor string) string {
			u, err := refs.Link(ctx, pageID)
			if err != nil {
				linkErr = cmp.Or(linkErr, fmt.Errorf("link to %s: %w", pageID, err))
				return ""
			}
			if u == "" {
				return ""
			}
			return u + anchor
		},
		Image: func(assetID string) (string, string, bool) {
			m, ok := r.Media[assetID]
			if !ok {
				return "", "", false
			}
			return m.SourceURL, m.AltText, true
		},
	}
	body, err := render(p, opts)
	if err != nil {
		return nil, fmt.Errorf("render the page: %w", err)
	}
	if linkErr != nil {
		return nil, linkErr
	}
	r.Body = body
	return r, nil
}

func (a *Adapter) publishPost(ctx context.Context, kind Kind, c *igny8.Content, page *blueprints.Page, rec *igny8.PublishingRecord) (publishing.Remote, error) {
	r, err := Render(ctx, a.Client, a.Refs, page, a.Config.Format, a.RenderFunc, a.AssetsFunc)
	if err != nil {
		return publishing.Remote{}, err
	}
	body := map[string]any{
		"title":   c.Title,
		"slug":    c.Slug,
		"content": Marker(a.Origin, c.ID) + "\n" + r.Body,
	}
	status, date := a.status(page)
	body["status"] = status
	if !date.IsZero() {
		body["date_gmt"] = date.UTC().Format(wpTime)
	}
	if page.Image != nil {
		if m, ok := r.Media[page.Image.Asset]; ok {
			body["featured_media"] = m.ID
		}
	}
	if kind == KindPost {
		body["excerpt"] = c.Excerpt
		names, err := a.Refs.Categories(ctx, c.ID)
		if err != nil {
			return publishing.Remote{}, fmt.Errorf("categories of content %d: %w", c.ID, err)
		}
		if body["categories"], err = a.terms(ctx, Categories, names); err != nil {
			return publishing.Remote{}, err
		}
		if body["tags"], err = a.terms(ctx, Tags, page.Tags); err != nil {
			return publishing.Remote{}, err
		}
	}
	if meta := a.seoMeta(ctx, kind, c, page); len(meta) > 0 {
		body["meta"] = meta
	}

	id, err := a.target(ctx, kind, c, rec)
	if err != nil {
		return publishing.Remote{}, err
	}
	route := kind.route()
	if id != 0 {
		route += "/" + strconv.FormatInt(id, 10)
	}
	var w wirePost
	if err := a.Client.Do(ctx, http.MethodPost, route, url.Values{"context": {"edit"}}, body, &w); err != nil {
		return publishing.Remote{}, err
	}
	p := w.post(kind)
	return publishing.Remote{ID: strconv.FormatInt(p.ID, 10), URL: p.Link, Modified: p.Modified, Hash: RemoteHash(p),
		Adopted: rec.RemoteID == "" && id != 0}, nil
}

// target is the id of the post to update, 0 to create one. With a
// recorded id it is that post, unless it was deleted. Without one it is
// the post with c's slug that carries IGNY8's marker for c, if any; a
// post with the slug but without the marker is someone else's.
func (a *Adapter) target(ctx context.Context, kind Kind, c *igny8.Content, rec *igny8.PublishingRecord) (int64, error) {
	if rec.RemoteID != "" {
		id, err := strconv.ParseInt(rec.RemoteID, 10, 64)
		if err != nil || id <= 0 {
			return 0, igny8.Errorf(igny8.EInvalid, "The publishing record names %q, which is not a WordPress id.", rec.RemoteID)
		}
		if _, err := a.Client.Post(ctx, kind, id); err != nil {
			return 0, err
		}
		return id, nil
	}
	posts, err := a.Client.postsBySlug(ctx, kind, c.Slug)
	if err != nil {
		return 0, err
	}
	for _, p := range posts {
		if isMarked(p.Content, a.Origin, c.ID) {
			return p.ID, nil
		}
	}
	if len(posts) > 0 {
		p := posts[0]
		return 0, igny8.Errorf(igny8.EConflict, "WordPress at %s already has a %s with the slug %q (id %d, %q, %s) that IGNY8 did not write. "+
			"Change the slug of one of them (in WordPress, or of this content in IGNY8), or delete that %s in WordPress, then publish again.",
			a.Client.site.Host, kind.noun(), c.Slug, p.ID, p.Title, p.Status, kind.noun())
	}
	return 0, nil
}

// status is the status to write and the date, if the page has one.
func (a *Adapter) status(page *blueprints.Page) (string, time.Time) {
	status := a.Config.DefaultStatus
	if status == "" {
		status = "publish"
	}
	if page.Draft {
		status = "draft"
	}
	var date time.Time
	if page.Date != "" {
		if d, err := blueprints.ParseDate(page.Date); err == nil {
			date = d
		}
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if status == "publish" && date.After(now()) {
		status = "future"
	}
	return status, date
}

// terms returns the ids of the terms named, creating those that are
// missing.
func (a *Adapter) terms(ctx context.Context, tax Taxonomy, names []string) ([]int64, error) {
	ids := []int64{}
	seen := map[int64]bool{}
	for _, name := range names {
		t, err := a.Client.EnsureTerm(ctx, tax, name)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", tax, name, err)
		}
		if !seen[t.ID] {
			seen[t.ID] = true
			ids = append(ids, t.ID)
		}
	}
	return ids, nil
}

// seoMeta is the SEO title and description under the keys the site's
// SEO plugin registers, if any.
func (a *Adapter) seoMeta(ctx context.Context, kind Kind, c *igny8.Content, page *blueprints.Page) map[string]string {
	title, desc := c.MetaTitle, c.MetaDescription
	if page.SEO != nil {
		title = cmp.Or(title, page.SEO.Title)
		desc = cmp.Or(desc, page.SEO.Description)
	}
	if title == "" && desc == "" {
		return nil
	}
	titleKeys, descKeys := a.seoKeys(ctx, kind)
	meta := map[string]string{}
	for _, k := range titleKeys {
		if title != "" {
			meta[k] = title
		}
	}
	for _, k := range descKeys {
		if desc != "" {
			meta[k] = desc
		}
	}
	return meta
}
