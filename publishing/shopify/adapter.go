package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
)

// Adapter publishes content pieces to a shop: posts as blog articles,
// pages as pages, products as products and categories (taxonomy) as
// collections. It is a publishing.Destination.
type Adapter struct {
	Client *Client
	// Refs gives the assets (image bytes) and link targets of a piece.
	Refs publishing.Refs
	// Render turns a page into body HTML (default markup.HTML); Assets
	// lists the assets a page shows (default markup.Assets). Tests
	// replace them.
	Render func(*blueprints.Page, markup.Options) (string, error)
	Assets func(*blueprints.Page) []string
	// Origin goes into IGNY8's marker with the content id: the IGNY8
	// site's storage id, so that two sites, accounts or installations
	// publishing to one shop never adopt each other's objects.
	Origin string

	urls shopURLs // for the URLs of published objects
}

var _ publishing.Destination = (*Adapter)(nil)

// remoteObject is an object found by handle or id, written, or listed
// by UpdatedSince; each operation selects some of its fields.
type remoteObject struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Marker *struct {
		Value string `json:"value"`
	} `json:"marker"`
	OnlineStoreURL string `json:"onlineStoreUrl"`
	Blog           *struct {
		ID     string `json:"id"`
		Handle string `json:"handle"`
	} `json:"blog"`

	Title           string     `json:"title"`
	Body            string     `json:"body"`            // pages, articles
	DescriptionHTML string     `json:"descriptionHtml"` // products, collections
	Summary         string     `json:"summary"`         // articles
	UpdatedAt       time.Time  `json:"updatedAt"`
	PublishedAt     *time.Time `json:"publishedAt"`
	IsPublished     *bool      `json:"isPublished"` // pages, articles
	Status          string     `json:"status"`      // products
}

// bodyHTML is the object's body, whichever field holds it.
func (o *remoteObject) bodyHTML() string { return firstNonEmpty(o.Body, o.DescriptionHTML) }

// hash is Hash of the object as Shopify gave it.
func (o *remoteObject) hash() string { return Hash(o.Title, o.bodyHTML(), o.Summary) }

// contentID is the content its marker names, 0 when it has none.
func (o *remoteObject) contentID() int64 {
	if o.Marker == nil {
		return 0
	}
	v := o.Marker.Value
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		v = v[i+1:]
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	return id
}

// ours says whether the object carries marker.
func (o *remoteObject) ours(marker string) bool {
	return o.Marker != nil && o.Marker.Value == marker
}

// markerValue is the marker of content id of origin: "origin/id", or the
// id alone without an origin.
func markerValue(origin string, id int64) string {
	if origin == "" {
		return strconv.FormatInt(id, 10)
	}
	return origin + "/" + strconv.FormatInt(id, 10)
}

// piece is a content piece ready to write: its page, body and images.
type piece struct {
	c        *igny8.Content
	marker   string // IGNY8's marker for c
	page     *blueprints.Page
	html     string
	featured *image // nil when the page has no image
	seoTitle string
	seoDesc  string
}

// Publish writes c to the shop. With rec.RemoteID it updates that object
// (a permanent ENotFound error if it was deleted in Shopify); without,
// it looks the object up by handle (c.Slug) and adopts one that carries
// IGNY8's marker for c, creates one when there is none, and refuses
// (EConflict) to overwrite one IGNY8 did not make.
func (a *Adapter) Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (publishing.Remote, error) {
	switch c.EntityType {
	case igny8.EntityPost, igny8.EntityPage, igny8.EntityProduct, igny8.EntityTaxonomy:
	default:
		return publishing.Remote{}, permanent(igny8.EInvalid, "Shopify has no place for content of type %q.", c.EntityType)
	}
	if c.Slug == "" {
		return publishing.Remote{}, permanent(igny8.EInvalid, "The content %q has no slug; Shopify needs one as its handle.", c.Title)
	}
	p, err := a.prepare(ctx, c)
	if err != nil {
		return publishing.Remote{}, err
	}
	switch c.EntityType {
	case igny8.EntityProduct:
		return a.publishProduct(ctx, p, rec)
	case igny8.EntityPost:
		return a.publishArticle(ctx, p, rec)
	case igny8.EntityPage:
		return a.publishPage(ctx, p, rec)
	default:
		return a.publishCollection(ctx, p, rec)
	}
}

// prepare decodes the page, uploads its images and renders its body.
func (a *Adapter) prepare(ctx context.Context, c *igny8.Content) (*piece, error) {
	page := &blueprints.Page{}
	if len(c.Page) > 0 {
		if err := json.Unmarshal(c.Page, page); err != nil {
			return nil, permanent(igny8.EInvalid, "The page of content %q cannot be read (%v).", c.Title, err)
		}
	}
	p := &piece{c: c, marker: markerValue(a.Origin, c.ID), page: page, seoTitle: c.MetaTitle, seoDesc: c.MetaDescription}
	if page.SEO != nil {
		p.seoTitle = firstNonEmpty(page.SEO.Title, p.seoTitle)
		p.seoDesc = firstNonEmpty(page.SEO.Description, p.seoDesc)
	}
	assets := a.Assets
	if assets == nil {
		assets = markup.Assets
	}
	ids := assets(page)
	if page.Image != nil && page.Image.Asset != "" {
		ids = append([]string{page.Image.Asset}, ids...)
	}
	images := map[string]*image{}
	for _, id := range ids {
		if images[id] != nil {
			continue
		}
		img, err := a.uploadAsset(ctx, id)
		if err != nil {
			return nil, err
		}
		images[id] = img
	}
	if page.Image != nil && page.Image.Asset != "" {
		f := *images[page.Image.Asset]
		if page.Image.Alt != nil {
			f.Alt = *page.Image.Alt
		}
		p.featured = &f
	}
	var linkErr error
	render := a.Render
	if render == nil {
		render = markup.HTML
	}
	html, err := render(page, markup.Options{
		Link: func(pageID, anchor string) string {
			u, err := a.Refs.Link(ctx, pageID)
			if err != nil {
				linkErr = err
				return ""
			}
			if u == "" {
				return ""
			}
			return u + anchor
		},
		Image: func(assetID string) (string, string, bool) {
			img := images[assetID]
			if img == nil {
				return "", "", false
			}
			return img.URL, img.Alt, true
		},
	})
	if err != nil {
		return nil, fmt.Errorf("render the page of content %d: %w", c.ID, err)
	}
	if linkErr != nil {
		return nil, fmt.Errorf("find the links of content %d: %w", c.ID, linkErr)
	}
	p.html = html
	return p, nil
}

// metafields are the marker and, for objects without an seo input, the
// global SEO metafields Shopify themes read.
func (p *piece) metafields(withSEO bool) []map[string]any {
	mf := []map[string]any{{"namespace": markerNamespace, "key": markerKey, "type": "single_line_text_field", "value": p.marker}}
	if withSEO {
		if p.seoTitle != "" {
			mf = append(mf, map[string]any{"namespace": "global", "key": "title_tag", "type": "single_line_text_field", "value": p.seoTitle})
		}
		if p.seoDesc != "" {
			mf = append(mf, map[string]any{"namespace": "global", "key": "description_tag", "type": "multi_line_text_field", "value": p.seoDesc})
		}
	}
	return mf
}

func (p *piece) seo() map[string]any {
	return map[string]any{"title": p.seoTitle, "description": p.seoDesc}
}

// existing finds the object to write: the one rec names, else the one
// with c's handle if IGNY8 made it for c; nil when there is none yet.
// what names the kind of object for messages ("page").
func existing(rec *igny8.PublishingRecord, c *igny8.Content, marker, what string,
	byID func(id string) (*remoteObject, error), byHandle func() (*remoteObject, error)) (*remoteObject, error) {
	if rec.RemoteID != "" {
		o, err := byID(rec.RemoteID)
		if err != nil {
			return nil, err
		}
		if o == nil {
			return nil, permanent(igny8.ENotFound, "The Shopify %s IGNY8 published %q as (%s) was deleted in Shopify: remove this publishing record to publish it again as a new %s.",
				what, c.Title, rec.RemoteID, what)
		}
		return o, nil
	}
	o, err := byHandle()
	if err != nil || o == nil {
		return nil, err
	}
	if !o.ours(marker) {
		return nil, permanent(igny8.EConflict, "The shop already has a %s with the handle %q that IGNY8 did not publish for %q: change the content's slug, or rename or delete that %s in Shopify.",
			what, c.Slug, c.Title, what)
	}
	return o, nil
}

// shopURL is the address of path on the shop's primary domain.
func (a *Adapter) shopURL(ctx context.Context, path string) (string, error) {
	return a.urls.join(ctx, a.Client, path)
}

// shopURLs makes addresses on a shop's primary domain, read once.
type shopURLs struct {
	mu   sync.Mutex
	base string
}

// join is the address of path on the shop's primary domain.
func (s *shopURLs) join(ctx context.Context, c *Client, path string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.base == "" {
		var d shopData
		if err := c.do(ctx, opShop, nil, &d); err != nil {
			return "", err
		}
		s.base = d.Shop.PrimaryDomain.URL
		if s.base == "" {
			s.base = "https://" + d.Shop.MyshopifyDomain
		}
	}
	return url.JoinPath(s.base, path)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
