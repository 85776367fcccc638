package woocommerce

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
	"github.com/igny8/igny8/publishing/wordpress"
)

// MarkerKey is the meta_data key IGNY8 puts on a product it writes, with
// the content id as its value, so that a retry after a crash finds the
// product rather than making a second one.
const MarkerKey = "_igny8_content_id"

// Adapter publishes product content to WooCommerce: a simple product
// with its price, SKU, stock status, description (clean HTML), short
// description, images (uploaded to the media library once) and
// categories.
type Adapter struct {
	Client *Client
	Refs   publishing.Refs
	// DefaultStatus is the status of a product IGNY8 writes: "publish"
	// ("" means it), "draft" or "pending". A page marked draft is a
	// draft.
	DefaultStatus string
	// Origin goes into the marker with the content id (see
	// wordpress.Marker): the IGNY8 site's storage id.
	Origin string
	// RenderFunc and AssetsFunc replace markup.HTML and markup.Assets
	// when set: for tests.
	RenderFunc func(p *blueprints.Page, o markup.Options) (string, error)
	AssetsFunc func(p *blueprints.Page) []string
}

var _ publishing.Destination = (*Adapter)(nil)

// NewAdapter returns an Adapter writing through c.
func NewAdapter(c *Client, refs publishing.Refs, defaultStatus string) (*Adapter, error) {
	switch defaultStatus {
	case "", "publish", "draft", "pending":
	default:
		return nil, igny8.Errorf(igny8.EInvalid, "The WooCommerce default status %q is not one of publish, draft or pending.", defaultStatus)
	}
	return &Adapter{Client: c, Refs: refs, DefaultStatus: defaultStatus}, nil
}

// Publish writes product content c as a WooCommerce product: it creates
// it the first time and updates the one rec names afterwards. Without a
// recorded id it looks for a product with c's slug: one carrying
// MarkerKey for c is adopted, any other is someone else's (a conflict).
// A recorded product that is gone or in the trash is a not_found error.
func (a *Adapter) Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (publishing.Remote, error) {
	if c.EntityType != igny8.EntityProduct {
		return publishing.Remote{}, igny8.Errorf(igny8.EInvalid, "WooCommerce takes products only; %s content goes to WordPress itself.", c.EntityType)
	}
	page, err := wordpress.DecodePage(c)
	if err != nil {
		return publishing.Remote{}, err
	}
	r, err := wordpress.Render(ctx, a.Client.WP, a.Refs, page, wordpress.FormatHTML, a.RenderFunc, a.AssetsFunc)
	if err != nil {
		return publishing.Remote{}, err
	}
	marker, _ := json.Marshal(markerValue(a.Origin, c.ID))
	p := &Product{Name: c.Title, Slug: c.Slug, Type: "simple", Description: r.Body, ShortDescription: c.Excerpt,
		Status: cmp.Or(a.DefaultStatus, "publish"), Categories: []Ref{}, Images: []Image{},
		MetaData: []Meta{{Key: MarkerKey, Value: marker}}}
	if page.Draft {
		p.Status = "draft"
	}
	if pr := page.Product; pr != nil {
		p.SKU = pr.SKU
		if pr.Price != "" {
			price, err := normalizePrice(pr.Price)
			if err != nil {
				return publishing.Remote{}, err
			}
			p.RegularPrice = price
		}
		p.StockStatus = stockStatus(pr.Availability)
	}
	// The featured image first: WooCommerce makes the first the
	// product's image and the rest its gallery.
	for _, assetID := range imageOrder(page, r.Media) {
		m := r.Media[assetID]
		p.Images = append(p.Images, Image{ID: m.ID, Alt: m.AltText})
	}
	names, err := a.Refs.Categories(ctx, c.ID)
	if err != nil {
		return publishing.Remote{}, fmt.Errorf("categories of content %d: %w", c.ID, err)
	}
	for _, name := range names {
		cat, err := a.Client.EnsureCategory(ctx, name)
		if err != nil {
			return publishing.Remote{}, fmt.Errorf("product category %q: %w", name, err)
		}
		p.Categories = append(p.Categories, Ref{ID: cat.ID})
	}

	productID, err := a.target(ctx, c, rec)
	if err != nil {
		return publishing.Remote{}, err
	}
	var out *Product
	if productID == 0 {
		out, err = a.Client.CreateProduct(ctx, p)
	} else {
		out, err = a.Client.UpdateProduct(ctx, productID, p)
	}
	if err != nil {
		return publishing.Remote{}, err
	}
	modified, _ := time.Parse("2006-01-02T15:04:05", out.DateModifiedGMT)
	return publishing.Remote{ID: strconv.FormatInt(out.ID, 10), URL: out.Permalink, Modified: modified, Hash: Hash(out),
		Adopted: rec.RemoteID == "" && productID != 0}, nil
}

// target is the product to update, 0 to create one.
func (a *Adapter) target(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord) (int64, error) {
	host := a.Client.WP.SiteURL()
	if rec.RemoteID != "" {
		productID, err := strconv.ParseInt(rec.RemoteID, 10, 64)
		if err != nil || productID <= 0 {
			return 0, igny8.Errorf(igny8.EInvalid, "The publishing record names %q, which is not a WooCommerce product id.", rec.RemoteID)
		}
		p, err := a.Client.Product(ctx, productID)
		if igny8.ErrorCode(err) == igny8.ENotFound || err == nil && p.Status == "trash" {
			return 0, igny8.Errorf(igny8.ENotFound, "The product IGNY8 published to %s (id %d) was deleted in WooCommerce. Restore it there to keep updating it, or clear its publishing record to create it again.", host, productID)
		}
		if err != nil {
			return 0, err
		}
		return productID, nil
	}
	found, err := a.Client.Products(ctx, url.Values{"slug": {c.Slug}, "status": {"any"}})
	if err != nil {
		return 0, err
	}
	for _, p := range found {
		if p.Status != "trash" && markerOf(p) == markerValue(a.Origin, c.ID) {
			return p.ID, nil
		}
	}
	for _, p := range found {
		if p.Status != "trash" {
			return 0, igny8.Errorf(igny8.EConflict, "WooCommerce at %s already has a product with the slug %q (id %d, %q) that IGNY8 did not write. "+
				"Change the slug of one of them (in WooCommerce, or of this content in IGNY8), or delete that product, then publish again.", host, c.Slug, p.ID, p.Name)
		}
	}
	return 0, nil
}

// markerValue is the MarkerKey value of content id of origin: the id, or
// "origin/id".
func markerValue(origin string, id int64) string {
	if origin == "" {
		return strconv.FormatInt(id, 10)
	}
	return origin + "/" + strconv.FormatInt(id, 10)
}

// markerOf is the MarkerKey value of a product, "" if none.
func markerOf(p *Product) string {
	for _, m := range p.MetaData {
		if m.Key != MarkerKey {
			continue
		}
		var s string
		if json.Unmarshal(m.Value, &s) == nil {
			return s
		}
		var n int64
		if json.Unmarshal(m.Value, &n) == nil {
			return strconv.FormatInt(n, 10)
		}
	}
	return ""
}

// Hash identifies what a shopper and an editor see of a product: its
// name, description and short description.
func Hash(p *Product) string {
	return wordpress.RemoteHash(&wordpress.Post{Title: p.Name, Content: p.Description, Excerpt: p.ShortDescription})
}

// imageOrder is the page's featured image first, then the others in
// the order the page shows them.
func imageOrder(page *blueprints.Page, media map[string]*wordpress.Media) []string {
	var ids []string
	if page.Image != nil {
		if _, ok := media[page.Image.Asset]; ok {
			ids = append(ids, page.Image.Asset)
		}
	}
	rest := make([]string, 0, len(media))
	for id := range media {
		if page.Image == nil || id != page.Image.Asset {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	return append(ids, rest...)
}

// normalizePrice checks a price and writes it as WooCommerce stores one:
// digits with a decimal point.
func normalizePrice(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return "", igny8.Errorf(igny8.EInvalid, "The product's price %q is not a number WooCommerce can store (like 19.99).", s)
	}
	return s, nil
}

// stockStatus maps schema.org availability (InStock, https://schema.org/OutOfStock…)
// to WooCommerce's stock_status; "" leaves it as it is.
func stockStatus(availability string) string {
	a := strings.ToLower(availability)
	a = a[strings.LastIndex(a, "/")+1:]
	switch strings.NewReplacer("_", "", "-", "", " ", "").Replace(a) {
	case "instock", "limitedavailability", "onlineonly", "instoreonly":
		return "instock"
	case "outofstock", "soldout", "discontinued":
		return "outofstock"
	case "preorder", "backorder", "presale":
		return "onbackorder"
	}
	return ""
}
