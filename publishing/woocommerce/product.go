package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/igny8/igny8/publishing/wordpress"
)

// base is WooCommerce's REST namespace.
const base = "/wc/v3"

// Product is a WooCommerce product (the fields IGNY8 writes and reads).
type Product struct {
	ID               int64       `json:"id,omitempty"`
	Name             string      `json:"name,omitempty"`
	Slug             string      `json:"slug,omitempty"`
	Permalink        string      `json:"permalink,omitempty"`
	DateModifiedGMT  string      `json:"date_modified_gmt,omitempty"`
	Type             string      `json:"type,omitempty"`   // simple, variable, grouped, external
	Status           string      `json:"status,omitempty"` // draft, pending, private, publish (trash when deleted)
	Description      string      `json:"description"`
	ShortDescription string      `json:"short_description"`
	SKU              string      `json:"sku"`
	RegularPrice     string      `json:"regular_price"`
	StockStatus      string      `json:"stock_status,omitempty"` // instock, outofstock, onbackorder
	Categories       []Ref       `json:"categories"`
	Images           []Image     `json:"images"`
	Attributes       []Attribute `json:"attributes,omitempty"`
	Variations       []int64     `json:"variations,omitempty"`
	MetaData         []Meta      `json:"meta_data,omitempty"`
}

// Ref names a term by id (a category of a product).
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name,omitempty"`
	Slug string `json:"slug,omitempty"`
}

// Image is a product image: a media item by id, or a URL WooCommerce
// downloads (src).
type Image struct {
	ID   int64  `json:"id,omitempty"`
	Src  string `json:"src,omitempty"`
	Name string `json:"name,omitempty"`
	Alt  string `json:"alt,omitempty"`
}

// Attribute is a product's attribute: a global one (ID, from
// Attributes) or a custom one (ID 0, by name). Variation says variations
// are made of its options.
type Attribute struct {
	ID        int64    `json:"id,omitempty"`
	Name      string   `json:"name,omitempty"`
	Position  int      `json:"position"`
	Visible   bool     `json:"visible"`
	Variation bool     `json:"variation"`
	Options   []string `json:"options"`
}

// Meta is an item of meta_data. Value is any JSON.
type Meta struct {
	ID    int64           `json:"id,omitempty"`
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// Variation is one variation of a variable product.
type Variation struct {
	ID           int64                `json:"id,omitempty"`
	SKU          string               `json:"sku,omitempty"`
	RegularPrice string               `json:"regular_price"`
	StockStatus  string               `json:"stock_status,omitempty"`
	Image        *Image               `json:"image,omitempty"`
	Attributes   []VariationAttribute `json:"attributes"`
}

// VariationAttribute is the option a variation takes of an attribute.
type VariationAttribute struct {
	ID     int64  `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Option string `json:"option"`
}

// GlobalAttribute is a global product attribute (Products → Attributes).
type GlobalAttribute struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
	Type string `json:"type,omitempty"`
}

// Category is a product category.
type Category struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Parent      int64  `json:"parent"`
	Description string `json:"description"`
}

// Client is WooCommerce's REST API (wc/v3) on a WordPress site, through
// a wordpress.Client (the same sign-in: an Application Password).
type Client struct {
	WP *wordpress.Client
}

// New returns a Client over wp.
func New(wp *wordpress.Client) *Client { return &Client{WP: wp} }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Product reads a product by id (a trashed one has status "trash").
func (c *Client) Product(ctx context.Context, productID int64) (*Product, error) {
	var p Product
	if err := c.WP.Do(ctx, http.MethodGet, base+"/products/"+id(productID), nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Products lists the products query selects (slug, sku, status…), all
// pages of them.
func (c *Client) Products(ctx context.Context, query url.Values) ([]*Product, error) {
	items, err := c.WP.FetchAll(ctx, base+"/products", query)
	if err != nil {
		return nil, err
	}
	return decode[Product](items)
}

func decode[T any](items []json.RawMessage) ([]*T, error) {
	out := make([]*T, 0, len(items))
	for _, raw := range items {
		v := new(T)
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, fmt.Errorf("woocommerce: read an item: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

// CreateProduct creates p and returns it as stored.
func (c *Client) CreateProduct(ctx context.Context, p *Product) (*Product, error) {
	var out Product
	if err := c.WP.Do(ctx, http.MethodPost, base+"/products", nil, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateProduct writes p over product productID and returns it as
// stored.
func (c *Client) UpdateProduct(ctx context.Context, productID int64, p *Product) (*Product, error) {
	var out Product
	if err := c.WP.Do(ctx, http.MethodPut, base+"/products/"+id(productID), nil, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Variations lists a variable product's variations.
func (c *Client) Variations(ctx context.Context, productID int64) ([]*Variation, error) {
	items, err := c.WP.FetchAll(ctx, base+"/products/"+id(productID)+"/variations", nil)
	if err != nil {
		return nil, err
	}
	return decode[Variation](items)
}

// CreateVariation adds a variation to a variable product.
func (c *Client) CreateVariation(ctx context.Context, productID int64, v *Variation) (*Variation, error) {
	var out Variation
	if err := c.WP.Do(ctx, http.MethodPost, base+"/products/"+id(productID)+"/variations", nil, v, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateVariation rewrites a variation.
func (c *Client) UpdateVariation(ctx context.Context, productID, variationID int64, v *Variation) (*Variation, error) {
	var out Variation
	if err := c.WP.Do(ctx, http.MethodPut, base+"/products/"+id(productID)+"/variations/"+id(variationID), nil, v, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Categories lists every product category.
func (c *Client) Categories(ctx context.Context) ([]*Category, error) {
	items, err := c.WP.FetchAll(ctx, base+"/products/categories", url.Values{"hide_empty": {"false"}})
	if err != nil {
		return nil, err
	}
	return decode[Category](items)
}

// EnsureCategory returns the product category named name, creating it if
// missing. Like wordpress.EnsureTerm it is safe against a concurrent
// writer: it looks the slug up first, and WooCommerce's term_exists
// refusal names the existing category (data.resource_id).
func (c *Client) EnsureCategory(ctx context.Context, name string) (*Category, error) {
	if slug := wordpress.Slugify(name); slug != "" {
		var found []*Category
		if err := c.WP.Do(ctx, http.MethodGet, base+"/products/categories", url.Values{"slug": {slug}, "hide_empty": {"false"}}, nil, &found); err != nil {
			return nil, err
		}
		if len(found) > 0 {
			return found[0], nil
		}
	}
	var cat Category
	err := c.WP.Do(ctx, http.MethodPost, base+"/products/categories", nil, map[string]string{"name": name}, &cat)
	if existing, ok := wordpress.ExistingTermID(err, "resource_id"); ok {
		var got Category
		if err := c.WP.Do(ctx, http.MethodGet, base+"/products/categories/"+id(existing), nil, nil, &got); err != nil {
			return nil, err
		}
		return &got, nil
	}
	if err != nil {
		return nil, err
	}
	return &cat, nil
}

// Attributes lists the global product attributes.
func (c *Client) Attributes(ctx context.Context) ([]*GlobalAttribute, error) {
	var as []*GlobalAttribute
	if err := c.WP.Do(ctx, http.MethodGet, base+"/products/attributes", nil, nil, &as); err != nil {
		return nil, err
	}
	return as, nil
}

// EnsureAttribute returns the global attribute named name (compared by
// slug, pa_<slug>), creating it if missing; when another writer created
// it meanwhile, WooCommerce refuses the slug and the list is read again.
func (c *Client) EnsureAttribute(ctx context.Context, name string) (*GlobalAttribute, error) {
	find := func() (*GlobalAttribute, error) {
		as, err := c.Attributes(ctx)
		if err != nil {
			return nil, err
		}
		slug := wordpress.Slugify(name)
		for _, a := range as {
			if a.Name == name || slug != "" && (a.Slug == "pa_"+slug || a.Slug == slug) {
				return a, nil
			}
		}
		return nil, nil
	}
	if a, err := find(); err != nil || a != nil {
		return a, err
	}
	var a GlobalAttribute
	err := c.WP.Do(ctx, http.MethodPost, base+"/products/attributes", nil, map[string]any{"name": name, "type": "select"}, &a)
	var ae *wordpress.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusBadRequest {
		if got, ferr := find(); ferr == nil && got != nil {
			return got, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}
