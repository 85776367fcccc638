package shopify

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
)

// syncStore holds one piece of content and its record, as the Publisher
// and the Syncer see them.
type syncStore struct {
	c      *igny8.Content
	rec    *igny8.PublishingRecord
	pulled []*igny8.Content
}

func (s *syncStore) PublishingRecord(context.Context, int64, int64, int64) (*igny8.PublishingRecord, error) {
	return s.rec, nil
}
func (s *syncStore) RecordPublish(_ context.Context, r *igny8.PublishingRecord) error {
	s.rec = r
	return nil
}
func (s *syncStore) Content(context.Context, int64, int64) (*igny8.Content, error) { return s.c, nil }
func (s *syncStore) Contents(_ context.Context, _ int64, f igny8.ContentFilter) ([]*igny8.Content, error) {
	if f.After >= s.c.ID {
		return nil, nil
	}
	return []*igny8.Content{s.c}, nil
}
func (s *syncStore) SyncedRecords(context.Context, int64, int64) ([]*igny8.PublishingRecord, error) {
	return []*igny8.PublishingRecord{s.rec}, nil
}
func (s *syncStore) SetSyncState(_ context.Context, r *igny8.PublishingRecord) error {
	s.rec = r
	return nil
}
func (s *syncStore) PullRemote(_ context.Context, r *igny8.PublishingRecord, c *igny8.Content, _ int, _ func(*igny8.Content) (string, error)) (*igny8.Content, error) {
	s.rec, s.c = r, c
	s.pulled = append(s.pulled, c)
	return c, nil
}
func (s *syncStore) ImportContent(context.Context, int64, int64, *igny8.Content, igny8.PublishingRecord, func(*igny8.Content) (string, error)) (*igny8.Content, bool, error) {
	return nil, false, errors.New("not in these tests")
}

// TestSyncAfterPublish publishes a piece through the Publisher, then
// syncs with the Syncer: IGNY8's own write is no change, a merchant's
// edit comes back as a revision.
func TestSyncAfterPublish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, entity := range []string{igny8.EntityPage, igny8.EntityPost, igny8.EntityProduct} {
		t.Run(entity, func(t *testing.T) {
			t.Parallel()
			f := newFakeShop(t)
			a := newAdapter(t, f)
			// Trailing space the fake shop trims, as Shopify tidies HTML:
			// the hash must be of what the shop holds, not of what was sent.
			a.Render = func(p *blueprints.Page, o markup.Options) (string, error) {
				html, err := render(p, o)
				return html + "\n", err
			}
			in := &igny8.Integration{ID: 3, SiteID: 1, Platform: igny8.PlatformShopify, Name: "Acme", Active: true}
			store := &syncStore{c: content(entity), rec: &igny8.PublishingRecord{ContentID: 42, IntegrationID: 3}}
			store.c.SiteID = 1
			if _, _, err := (&publishing.Publisher{Store: store}).Publish(ctx, in, a, store.c); err != nil {
				t.Fatal(err)
			}
			rec := store.rec
			if rec.RemoteHash == "" || rec.RemoteModified == nil || rec.RemoteModified.IsZero() {
				t.Fatalf("the record holds no remote version: hash %q, modified %v", rec.RemoteHash, rec.RemoteModified)
			}
			o := f.objs[rec.RemoteID]
			if got, want := rec.RemoteHash, Hash(o.title, o.body, o.summary); got != want {
				t.Errorf("remote hash: got %s, want %s (of what the shop holds)", got, want)
			}
			if !rec.RemoteModified.Equal(o.updated) {
				t.Errorf("remote modified: got %v, want %v", rec.RemoteModified, o.updated)
			}

			src := NewSource(f.client(t, nil))
			syncer := &publishing.Syncer{Store: store}
			since := o.updated.Add(-time.Minute)
			res, err := syncer.Sync(ctx, in, src, since)
			if err != nil {
				t.Fatal(err)
			}
			if res.Checked != 1 || len(res.Pulled) != 0 || len(res.Conflicts) != 0 || len(res.Deleted) != 0 {
				t.Fatalf("sync after IGNY8's own write: got %+v, want one checked and nothing else", res)
			}

			if changed, err := src.Changed(ctx, *rec.RemoteModified); err != nil || len(changed) != 0 {
				t.Fatalf("changed since IGNY8's write: got %+v (%v), want none", changed, err)
			}
			f.edit(rec.RemoteID, func(o *fakeObj) { o.body = "<p>Edited in Shopify.</p>" })
			changed, err := src.Changed(ctx, *rec.RemoteModified)
			if err != nil {
				t.Fatal(err)
			}
			if len(changed) != 1 || changed[0].ID != rec.RemoteID || changed[0].Hash == rec.RemoteHash || !changed[0].Modified.After(*rec.RemoteModified) {
				t.Fatalf("changed after the edit: got %+v, want %s with a new hash and time", changed, rec.RemoteID)
			}
			res, err = syncer.Sync(ctx, in, src, since)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Pulled, []int64{42}) {
				t.Fatalf("sync after a merchant's edit: got %+v, want content 42 pulled", res)
			}
			if got, want := store.rec.RemoteHash, changed[0].Hash; got != want {
				t.Errorf("record's remote hash after the pull: got %s, want %s", got, want)
			}
		})
	}
}

func TestPublishCollectionVersion(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	r, err := newAdapter(t, f).Publish(context.Background(), content(igny8.EntityTaxonomy), &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	o := f.objs[r.ID]
	if r.Hash != Hash(o.title, o.body, "") || !r.Modified.Equal(o.updated) {
		t.Errorf("collection version: got %s at %v, want %s at %v", r.Hash, r.Modified, Hash(o.title, o.body, ""), o.updated)
	}
}

func TestSourceAll(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	blog := f.add(&fakeObj{kind: "Blog", handle: "news"}).id
	for _, h := range []string{"a", "b", "c", "d", "e"} {
		f.add(&fakeObj{kind: "Page", handle: h, title: "Page " + h, body: "<p>" + h + "</p>"})
	}
	f.add(&fakeObj{kind: "Article", handle: "hello", blogID: blog, title: "Hello", body: "<p>Hi</p>", summary: "Short.", marker: "7"})
	f.add(&fakeObj{kind: "Product", handle: "mug", title: "Mug", body: "<p>A mug</p>", status: "DRAFT", hidden: true})

	all, err := NewSource(f.client(t, nil)).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(all), 7; got != want {
		t.Fatalf("objects: got %d, want %d: %+v", got, want, all)
	}
	ops := f.ops()
	for op, want := range map[string]int{opPagesUpdated.name: 3, opArticlesUpdated.name: 1, opProductsUpdated.name: 1, opShop.name: 1} {
		if got := count(ops, op); got != want {
			t.Errorf("%s requests: got %d, want %d (%v)", op, got, want, ops)
		}
	}
	var handles []string
	for _, o := range all[:5] {
		handles = append(handles, o.Slug)
	}
	if got, want := handles, []string{"a", "b", "c", "d", "e"}; !slices.Equal(got, want) {
		t.Errorf("pages through the cursor: got %v, want %v", got, want)
	}
	page, art, prod := all[0], all[5], all[6]
	if page.EntityType != igny8.EntityPage || page.URL != "https://www.acme.test/pages/a" || page.Title != "Page a" || page.Body != "<p>a</p>" ||
		page.ContentID != 0 || page.Status != "published" || page.Hash != Hash("Page a", "<p>a</p>", "") {
		t.Errorf("page: %+v", page)
	}
	if art.EntityType != igny8.EntityPost || art.URL != "https://www.acme.test/blogs/news/hello" || art.Excerpt != "Short." ||
		art.ContentID != 7 || art.Published.IsZero() || art.Hash != Hash("Hello", "<p>Hi</p>", "Short.") {
		t.Errorf("article: %+v", art)
	}
	if prod.EntityType != igny8.EntityProduct || prod.URL != "https://www.acme.test/products/mug" || prod.Status != "DRAFT" ||
		!prod.Published.IsZero() || prod.Modified.IsZero() {
		t.Errorf("product: %+v", prod)
	}
}

func TestSourceMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeShop(t)
	var refs []publishing.RemoteRef
	var gone []string
	for entity, kind := range kinds {
		keep := f.add(&fakeObj{kind: kind, handle: "keep"}).id
		drop := f.add(&fakeObj{kind: kind, handle: "drop"}).id
		f.remove(drop)
		refs = append(refs, publishing.RemoteRef{ID: keep, EntityType: entity}, publishing.RemoteRef{ID: drop, EntityType: entity})
		gone = append(gone, drop)
	}
	// A record whose content IGNY8 no longer has (no entity type): the id
	// says where to look.
	page := f.add(&fakeObj{kind: "Page", handle: "orphan"}).id
	f.remove(page)
	refs = append(refs, publishing.RemoteRef{ID: page})
	gone = append(gone, page)
	// Neither the id nor the entity type says where: never called gone.
	refs = append(refs, publishing.RemoteRef{ID: "gid://shopify/Blog/999", EntityType: igny8.EntityService})

	got, err := NewSource(f.client(t, nil)).Missing(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(gone)
	if !slices.Equal(got, gone) {
		t.Errorf("missing: got %v, want %v", got, gone)
	}
	if got, want := len(f.ops()), len(refs)-1; got != want {
		t.Errorf("requests: got %d, want %d, one per ref it can look up", got, want)
	}
}

func TestHash(t *testing.T) {
	t.Parallel()
	base := Hash("Spring", "<p>x</p>", "")
	for _, h := range []string{Hash("Sprin", "g<p>x</p>", ""), Hash("Spring", "<p>x</p>", " "), Hash("Spring", "<p>y</p>", ""), Hash("Spring!", "<p>x</p>", "")} {
		if h == base {
			t.Errorf("two versions hash the same: %s", h)
		}
	}
	if got := Hash("Spring", "<p>x</p>", ""); got != base {
		t.Errorf("the same version hashes differently: %s, %s", got, base)
	}
}

func count(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}
