package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
)

// fakeRefs serves one image asset and links every page to /p/ID.
type fakeRefs struct{}

func (fakeRefs) Asset(_ context.Context, id string) (*publishing.Asset, error) {
	if id != "hero" {
		return nil, igny8.Errorf(igny8.ENotFound, "no asset %s", id)
	}
	return &publishing.Asset{ID: id, Name: "hero.webp", ContentType: "image/webp", SHA256: "abc123", Alt: "A hero", Data: []byte("RIFF....WEBP")}, nil
}
func (fakeRefs) Link(_ context.Context, id string) (string, error) {
	return "https://acme.test/p/" + id, nil
}
func (fakeRefs) Categories(context.Context, int64) ([]string, error) { return nil, nil }

// render stands in for markup.HTML until its body lands: it shows the
// image and link it is given.
func render(p *blueprints.Page, o markup.Options) (string, error) {
	src, alt, _ := o.Image("hero")
	return `<p><a href="` + o.Link("other", "#x") + `">x</a><img src="` + src + `" alt="` + alt + `"></p>`, nil
}

func newAdapter(t *testing.T, f *fakeShop) *Adapter {
	return &Adapter{Client: f.client(t, nil), Refs: fakeRefs{}, Render: render,
		Assets: func(*blueprints.Page) []string { return []string{"hero"} }}
}

func content(entity string) *igny8.Content {
	page, _ := json.Marshal(blueprints.Page{ID: "spring", Title: "Spring", Image: &blueprints.Image{Asset: "hero"},
		Tags: []string{"garden"}, Product: &blueprints.Product{Price: "19.90"}})
	return &igny8.Content{ID: 42, EntityType: entity, Title: "Spring sale", Slug: "spring-sale", MetaTitle: "Spring | Acme",
		MetaDescription: "All of spring.", Excerpt: "Short.", Page: page}
}

var kinds = map[string]string{igny8.EntityProduct: "Product", igny8.EntityPage: "Page", igny8.EntityPost: "Article", igny8.EntityTaxonomy: "Collection"}

func TestPublish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for entity, kind := range kinds {
		t.Run(entity, func(t *testing.T) {
			t.Parallel()

			t.Run("CreateThenUpdate", func(t *testing.T) {
				t.Parallel()
				f := newFakeShop(t)
				a := newAdapter(t, f)
				rec := &igny8.PublishingRecord{}
				r, err := a.Publish(ctx, content(entity), rec, "k")
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(r.ID, "gid://shopify/"+kind+"/") || !strings.HasPrefix(r.URL, "https://www.acme.test/") || !strings.HasSuffix(r.URL, "/spring-sale") {
					t.Errorf("remote: got %+v", r)
				}
				if got, want := f.count(kind), 1; got != want {
					t.Fatalf("%s objects: got %d, want %d", kind, got, want)
				}
				o := f.objs[r.ID]
				if o.marker != "42" || !strings.Contains(o.body, "https://cdn.shopify.test/files/abc123.webp") || !strings.Contains(o.body, "https://acme.test/p/other#x") {
					t.Errorf("written object: %+v", o)
				}
				checkSEO(t, kind, o.input)
				if got, want := f.uploads, 1; got != want {
					t.Errorf("uploads: got %d, want %d", got, want)
				}

				rec.RemoteID = r.ID
				before := len(f.ops())
				r2, err := a.Publish(ctx, content(entity), rec, "k2")
				if err != nil {
					t.Fatal(err)
				}
				if r2.ID != r.ID || f.count(kind) != 1 {
					t.Errorf("update made another object: %+v, %d objects", r2, f.count(kind))
				}
				if got := f.uploads; got != 1 {
					t.Errorf("the image was uploaded again: %d uploads", got)
				}
				if ops := f.ops(); slices.Contains(ops[before:], createOp(entity)) {
					t.Errorf("the update sent a create: %v", ops)
				}
			})

			t.Run("AdoptAfterCrash", func(t *testing.T) {
				t.Parallel()
				f := newFakeShop(t)
				a := newAdapter(t, f)
				r, err := a.Publish(ctx, content(entity), &igny8.PublishingRecord{}, "k")
				if err != nil {
					t.Fatal(err)
				}
				// The record was never written: the same publish again.
				r2, err := a.Publish(ctx, content(entity), &igny8.PublishingRecord{}, "k")
				if err != nil {
					t.Fatal(err)
				}
				if r2.ID != r.ID || f.count(kind) != 1 {
					t.Errorf("a retried publish made a second %s: %s, %s", kind, r.ID, r2.ID)
				}
				if r.Adopted || !r2.Adopted {
					t.Errorf("adopted: first %v, retry %v; want false, true", r.Adopted, r2.Adopted)
				}
			})

			t.Run("OtherSitesObjectNotAdopted", func(t *testing.T) {
				t.Parallel()
				f := newFakeShop(t)
				mine := newAdapter(t, f)
				mine.Origin = "site-a"
				if _, err := mine.Publish(ctx, content(entity), &igny8.PublishingRecord{}, "k"); err != nil {
					t.Fatal(err)
				}
				// Another IGNY8 site's piece with the same id and handle.
				theirs := newAdapter(t, f)
				theirs.Origin = "site-b"
				_, err := theirs.Publish(ctx, content(entity), &igny8.PublishingRecord{}, "k")
				if got, want := igny8.ErrorCode(err), igny8.EConflict; got != want {
					t.Fatalf("code: got %q, want %q (%v)", got, want, err)
				}
				if f.count(kind) != 1 {
					t.Errorf("%d %ss, want the first site's alone", f.count(kind), kind)
				}
			})

			t.Run("HandleTakenByMerchant", func(t *testing.T) {
				t.Parallel()
				f := newFakeShop(t)
				f.add(&fakeObj{kind: kind, handle: "spring-sale", blogID: blogFor(f, entity)})
				_, err := newAdapter(t, f).Publish(ctx, content(entity), &igny8.PublishingRecord{}, "k")
				if got, want := igny8.ErrorCode(err), igny8.EConflict; got != want {
					t.Fatalf("code: got %q, want %q (%v)", got, want, err)
				}
				if f.count(kind) != 1 {
					t.Error("the merchant's object was not left alone")
				}
			})

			t.Run("RemoteDeleted", func(t *testing.T) {
				t.Parallel()
				f := newFakeShop(t)
				rec := &igny8.PublishingRecord{RemoteID: "gid://shopify/" + kind + "/999"}
				_, err := newAdapter(t, f).Publish(ctx, content(entity), rec, "k")
				if got, want := igny8.ErrorCode(err), igny8.ENotFound; got != want {
					t.Fatalf("code: got %q, want %q (%v)", got, want, err)
				}
				var se *Error
				if !errors.As(err, &se) || se.Retryable() || !strings.Contains(se.Message, "deleted") {
					t.Errorf("want a permanent error saying it was deleted: %v", err)
				}
				if f.count(kind) != 0 {
					t.Error("a deleted object was recreated")
				}
			})
		})
	}
}

func blogFor(f *fakeShop, entity string) string {
	if entity != igny8.EntityPost {
		return ""
	}
	return f.add(&fakeObj{kind: "Blog", handle: "news"}).id
}

func createOp(entity string) string {
	return map[string]string{igny8.EntityProduct: "", igny8.EntityPage: opPageCreate.name, igny8.EntityPost: opArticleCreate.name, igny8.EntityTaxonomy: opCollectionCreate.name}[entity]
}

// checkSEO checks where the SEO title went: the seo input of products
// and collections, the global title_tag metafield of pages and articles.
func checkSEO(t *testing.T, kind string, input map[string]any) {
	t.Helper()
	switch kind {
	case "Product", "Collection":
		if seo, _ := input["seo"].(map[string]any); seo["title"] != "Spring | Acme" {
			t.Errorf("seo input: %v", input["seo"])
		}
	default:
		b, _ := json.Marshal(input["metafields"])
		if !strings.Contains(string(b), `"key":"title_tag"`) || !strings.Contains(string(b), `"value":"Spring | Acme"`) {
			t.Errorf("no title_tag metafield: %s", b)
		}
	}
}

func TestPublishUserErrors(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	c := content(igny8.EntityProduct)
	c.Title, c.Page = "", json.RawMessage(`{"id":"spring","blocks":[]}`)
	_, err := newAdapter(t, f).Publish(context.Background(), c, &igny8.PublishingRecord{}, "k")
	if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
		t.Fatalf("code: got %q, want %q (%v)", got, want, err)
	}
	if got, want := igny8.ErrorMessage(err), "Shopify refused the product: title: Title can't be blank."; got != want {
		t.Errorf("message: got %q, want %q", got, want)
	}
}

func TestPublishRefusesServicePages(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	_, err := newAdapter(t, f).Publish(context.Background(), content(igny8.EntityService), &igny8.PublishingRecord{}, "k")
	if igny8.ErrorCode(err) != igny8.EInvalid || len(f.ops()) != 0 {
		t.Errorf("got %v after %v", err, f.ops())
	}
}

// TestCreateNotResentAfterAmbiguousFailure: a create whose answer is a
// 5xx may have run; the client does not send it again (the next Publish
// looks the object up first).
func TestCreateNotResentAfterAmbiguousFailure(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.hook = func(op string, n int) *fakeReply {
		if op == opPageCreate.name {
			return &fakeReply{status: 502}
		}
		return nil
	}
	_, err := newAdapter(t, f).Publish(context.Background(), content(igny8.EntityPage), &igny8.PublishingRecord{}, "k")
	var se *Error
	if !errors.As(err, &se) || !se.Retryable() {
		t.Fatalf("got %v, want a transient error", err)
	}
	n := 0
	for _, op := range f.ops() {
		if op == opPageCreate.name {
			n++
		}
	}
	if n != 1 {
		t.Errorf("pageCreate sent %d times, want once", n)
	}
}

func TestImageProcessingPolled(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.processing = 2
	var sleeps []time.Duration
	a := &Adapter{Client: f.client(t, &sleeps), Refs: fakeRefs{}, Render: render, Assets: func(*blueprints.Page) []string { return nil }}
	if _, err := a.Publish(context.Background(), content(igny8.EntityPost), &igny8.PublishingRecord{}, "k"); err != nil {
		t.Fatal(err)
	}
	if got, want := sleeps, []time.Duration{time.Second, time.Second}; !equalDurations(got, want) {
		t.Errorf("poll waits: got %v, want %v", got, want)
	}
	ops := f.ops()
	want := []string{opFilesByName.name, opStagedUploadsCreate.name, opFileCreate.name, opFileByID.name, opFileByID.name, opFileByID.name}
	if i := slices.Index(ops, opFilesByName.name); i < 0 || !slices.Equal(ops[i:i+len(want)], want) {
		t.Errorf("upload sequence: got %v, want %v", ops, want)
	}
}

func TestUpdatedSince(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	for _, h := range []string{"a", "b", "c"} {
		f.add(&fakeObj{kind: "Page", handle: h, marker: "7"})
	}
	items, err := f.client(t, nil).UpdatedSince(context.Background(), KindPage, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(items), 3; got != want {
		t.Fatalf("items: got %d, want %d", got, want)
	}
	if items[0].ContentID != 7 || items[2].Handle != "c" {
		t.Errorf("items: %+v", items)
	}
	if got, want := f.ops(), []string{opPagesUpdated.name, opPagesUpdated.name}; !slices.Equal(got, want) {
		t.Errorf("requests: got %v, want %v", got, want)
	}
	if _, err := f.client(t, nil).UpdatedSince(context.Background(), "order", time.Time{}); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("unknown kind: %v", err)
	}
}
