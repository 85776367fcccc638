package woocommerce_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
	"github.com/igny8/igny8/publishing/woocommerce"
	"github.com/igny8/igny8/publishing/wordpress"
)

// fakeWoo is WooCommerce's wc/v3 products, categories, attributes and
// variations, and WordPress's media, in memory, per WooCommerce's REST
// API documentation.
type fakeWoo struct {
	mu         sync.Mutex
	base       string
	next       int64
	products   map[int64]map[string]any
	categories map[int64]map[string]any
	attributes []map[string]any
	variations map[int64][]map[string]any
	media      map[int64]map[string]any
	hideSlugs  bool
}

func (f *fakeWoo) id() int64 { f.next++; return f.next }

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("X-WP-TotalPages", "1")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func wcError(w http.ResponseWriter, status int, code, msg string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["status"] = status
	reply(w, status, map[string]any{"code": code, "message": msg, "data": data})
}

func (f *fakeWoo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	route := strings.TrimPrefix(r.URL.Path, "/wp-json")
	q := r.URL.Query()
	var body map[string]any
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.NewDecoder(r.Body).Decode(&body)
	}
	parts := strings.Split(strings.Trim(route, "/"), "/")
	switch {
	case route == "/wp/v2/media" && r.Method == http.MethodGet:
		list := []any{}
		for _, m := range f.media {
			if m["slug"] == q.Get("slug") {
				list = append(list, m)
			}
		}
		reply(w, 200, list)
	case route == "/wp/v2/media" && r.Method == http.MethodPost:
		n := f.id()
		m := map[string]any{"id": n, "slug": q.Get("slug"), "alt_text": q.Get("alt_text"), "source_url": f.base + "/wp-content/uploads/" + q.Get("slug") + ".png"}
		f.media[n] = m
		reply(w, 201, m)
	case route == "/wc/v3/products" && r.Method == http.MethodGet:
		list := []any{}
		for _, p := range f.products {
			if q.Has("slug") && p["slug"] != q.Get("slug") {
				continue
			}
			list = append(list, p)
		}
		reply(w, 200, list)
	case route == "/wc/v3/products" && r.Method == http.MethodPost:
		n := f.id()
		p := map[string]any{"id": n, "status": "publish", "type": "simple"}
		f.apply(p, body)
		f.products[n] = p
		reply(w, 201, p)
	case len(parts) == 4 && parts[2] == "products" && parts[3] != "categories" && parts[3] != "attributes":
		n, _ := strconv.ParseInt(parts[3], 10, 64)
		p := f.products[n]
		if p == nil {
			wcError(w, 404, "woocommerce_rest_product_invalid_id", "Invalid ID.", nil)
			return
		}
		if r.Method == http.MethodPut {
			f.apply(p, body)
		}
		reply(w, 200, p)
	case len(parts) == 5 && parts[4] == "variations":
		n, _ := strconv.ParseInt(parts[3], 10, 64)
		if r.Method == http.MethodPost {
			body["id"] = f.id()
			f.variations[n] = append(f.variations[n], body)
			reply(w, 201, body)
			return
		}
		reply(w, 200, f.variations[n])
	case route == "/wc/v3/products/categories" && r.Method == http.MethodGet:
		list := []any{}
		for _, c := range f.categories {
			if !f.hideSlugs && c["slug"] == q.Get("slug") {
				list = append(list, c)
			}
		}
		reply(w, 200, list)
	case route == "/wc/v3/products/categories" && r.Method == http.MethodPost:
		for _, c := range f.categories {
			if c["name"] == body["name"] {
				// WC_REST_Terms_Controller::create_item
				wcError(w, 400, "term_exists", "A term with the name provided already exists with this parent.", map[string]any{"resource_id": c["id"]})
				return
			}
		}
		n := f.id()
		name, _ := body["name"].(string)
		c := map[string]any{"id": n, "name": name, "slug": strings.ToLower(strings.ReplaceAll(name, " ", "-"))}
		f.categories[n] = c
		reply(w, 201, c)
	case len(parts) == 5 && parts[3] == "categories":
		n, _ := strconv.ParseInt(parts[4], 10, 64)
		reply(w, 200, f.categories[n])
	case route == "/wc/v3/products/attributes" && r.Method == http.MethodGet:
		reply(w, 200, f.attributes)
	case route == "/wc/v3/products/attributes" && r.Method == http.MethodPost:
		name, _ := body["name"].(string)
		a := map[string]any{"id": f.id(), "name": name, "slug": "pa_" + strings.ToLower(name), "type": "select"}
		f.attributes = append(f.attributes, a)
		reply(w, 201, a)
	default:
		wcError(w, 404, "rest_no_route", "No route was found matching the URL and request method.", nil)
	}
}

// apply writes a request's fields over a product, as update_item does,
// and sets what WooCommerce derives.
func (f *fakeWoo) apply(p, body map[string]any) {
	for k, v := range body {
		p[k] = v
	}
	p["permalink"] = fmt.Sprintf("%s/product/%v/", f.base, p["slug"])
	p["date_modified_gmt"] = "2025-03-01T10:00:00"
}

type refs struct{ assets map[string]*publishing.Asset }

func (r refs) Asset(_ context.Context, id string) (*publishing.Asset, error) {
	if a, ok := r.assets[id]; ok {
		return a, nil
	}
	return nil, igny8.Errorf(igny8.ENotFound, "no asset %s", id)
}
func (refs) Link(context.Context, string) (string, error) { return "", nil }
func (refs) Categories(context.Context, int64) ([]string, error) {
	return []string{"Tools", "Garden"}, nil
}

func asset(id string, data []byte) *publishing.Asset {
	sum := sha256.Sum256(data)
	return &publishing.Asset{ID: id, Name: id + ".png", ContentType: "image/png", SHA256: hex.EncodeToString(sum[:]), Alt: "Alt " + id, Data: data}
}

func setup(t *testing.T) (*fakeWoo, *woocommerce.Adapter) {
	t.Helper()
	f := &fakeWoo{products: map[int64]map[string]any{}, categories: map[int64]map[string]any{}, variations: map[int64][]map[string]any{}, media: map[int64]map[string]any{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.base = srv.URL
	wp, err := wordpress.New(wordpress.Config{SiteURL: srv.URL, Username: "eve", Password: "abcd EFGH ijkl MNOP qrst UVWX", HTTPClient: srv.Client(), APIRoot: srv.URL + "/wp-json/"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := woocommerce.NewAdapter(woocommerce.New(wp), refs{assets: map[string]*publishing.Asset{
		"hero": asset("hero", []byte("\x89PNG hero")), "side": asset("side", []byte("\x89PNG side"))}}, "")
	if err != nil {
		t.Fatal(err)
	}
	a.AssetsFunc = func(*blueprints.Page) []string { return []string{"hero", "side"} }
	a.RenderFunc = func(p *blueprints.Page, o markup.Options) (string, error) {
		src, _, _ := o.Image("side")
		return "<p>" + p.Title + `</p><img src="` + src + `">`, nil
	}
	return f, a
}

func product(t *testing.T, id int64, slug string) *igny8.Content {
	page := blueprints.Page{ID: slug, Type: "product", Title: "Shears", Image: &blueprints.Image{Asset: "hero"},
		Product: &blueprints.Product{Price: "24.50", Currency: "EUR", SKU: "SH-1", Availability: "https://schema.org/InStock"}}
	raw, _ := json.Marshal(page)
	return &igny8.Content{ID: id, EntityType: igny8.EntityProduct, Title: "Pruning shears", Slug: slug, Excerpt: "Sharp.", Page: raw}
}

func TestPublishProduct(t *testing.T) {
	t.Parallel()
	f, a := setup(t)
	ctx := context.Background()
	c := product(t, 5, "shears")
	remote, err := a.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	p := f.products[mustID(t, remote.ID)]
	js, _ := json.Marshal(p)
	for _, want := range []string{`"regular_price":"24.50"`, `"sku":"SH-1"`, `"stock_status":"instock"`, `"short_description":"Sharp."`,
		`"key":"_igny8_content_id","value":"5"`, `"name":"Pruning shears"`, `"type":"simple"`} {
		if !bytes.Contains(js, []byte(want)) {
			t.Errorf("product lacks %s: %s", want, js)
		}
	}
	images, _ := p["images"].([]any)
	if len(images) != 2 || len(f.media) != 2 || images[0].(map[string]any)["alt"] != "Alt hero" {
		t.Errorf("images %v (%d media), want hero then side", images, len(f.media))
	}
	if cats, _ := p["categories"].([]any); len(cats) != 2 {
		t.Errorf("categories %v", cats)
	}
	if !strings.Contains(p["description"].(string), "/wp-content/uploads/igny8-") || remote.URL == "" || remote.Hash == "" {
		t.Errorf("description %q, remote %+v", p["description"], remote)
	}

	// After a crash: adopted by slug and marker; no new media or category.
	again, err := a.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
	if err != nil || again.ID != remote.ID || len(f.products) != 1 || len(f.media) != 2 || len(f.categories) != 2 {
		t.Errorf("Publish again = %+v, %v; %d products, %d media, %d categories", again, err, len(f.products), len(f.media), len(f.categories))
	}
	if remote.Adopted || !again.Adopted {
		t.Errorf("adopted: first %v, again %v; want false, true", remote.Adopted, again.Adopted)
	}

	// Someone else's product with the slug.
	other := product(t, 6, "other")
	f.products[900] = map[string]any{"id": 900, "slug": "other", "name": "Theirs", "status": "publish"}
	if _, err := a.Publish(ctx, other, &igny8.PublishingRecord{}, "k"); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("Publish over someone else's slug = %v, want a conflict", err)
	}

	// Trashed, then deleted.
	f.products[mustID(t, remote.ID)]["status"] = "trash"
	if _, err := a.Publish(ctx, c, &igny8.PublishingRecord{RemoteID: remote.ID}, "k"); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("Publish to a trashed product = %v, want not_found", err)
	}
	delete(f.products, mustID(t, remote.ID))
	if _, err := a.Publish(ctx, c, &igny8.PublishingRecord{RemoteID: remote.ID}, "k"); igny8.ErrorCode(err) != igny8.ENotFound || !strings.Contains(igny8.ErrorMessage(err), "deleted in WooCommerce") {
		t.Errorf("Publish to a deleted product = %v, want not_found", err)
	}

	post := product(t, 7, "post")
	post.EntityType = igny8.EntityPost
	if _, err := a.Publish(ctx, post, &igny8.PublishingRecord{}, "k"); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("Publish of a post = %v, want invalid", err)
	}
}

func TestEnsureCategoryRace(t *testing.T) {
	t.Parallel()
	f, a := setup(t)
	f.hideSlugs = true
	f.categories[40] = map[string]any{"id": 40, "name": "Tools", "slug": "tools"}
	cat, err := a.Client.EnsureCategory(context.Background(), "Tools")
	if err != nil || cat.ID != 40 || len(f.categories) != 1 {
		t.Errorf("EnsureCategory = %+v, %v; want 40 from term_exists", cat, err)
	}
}

func TestVariableProduct(t *testing.T) {
	t.Parallel()
	f, a := setup(t)
	ctx := context.Background()
	size, err := a.Client.EnsureAttribute(ctx, "Size")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := a.Client.EnsureAttribute(ctx, "Size"); err != nil || again.ID != size.ID || len(f.attributes) != 1 {
		t.Errorf("EnsureAttribute again = %+v, %v", again, err)
	}
	p, err := a.Client.CreateProduct(ctx, &woocommerce.Product{Name: "Gloves", Slug: "gloves", Type: "variable",
		Attributes: []woocommerce.Attribute{{ID: size.ID, Visible: true, Variation: true, Options: []string{"S", "M"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []string{"S", "M"} {
		if _, err := a.Client.CreateVariation(ctx, p.ID, &woocommerce.Variation{RegularPrice: "9.00", Attributes: []woocommerce.VariationAttribute{{ID: size.ID, Option: o}}}); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := a.Client.Variations(ctx, p.ID)
	if err != nil || len(vs) != 2 || vs[1].Attributes[0].Option != "M" || p.Attributes[0].Options[1] != "M" {
		t.Errorf("Variations = %+v, %v", vs, err)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
