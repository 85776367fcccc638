package wordpress_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
	"github.com/igny8/igny8/publishing/wordpress"
)

// tinyPNG is a 2×2 PNG of one colour; each seed gives other bytes.
func tinyPNG(t testing.TB, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	for x := range 2 {
		for y := range 2 {
			img.Set(x, y, color.RGBA{R: seed, G: 255 - seed, B: 7, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fakeRefs is publishing.Refs over maps.
type fakeRefs struct {
	assets     map[string]*publishing.Asset
	links      map[string]string
	categories []string
}

func (r *fakeRefs) Asset(_ context.Context, id string) (*publishing.Asset, error) {
	if a, ok := r.assets[id]; ok {
		return a, nil
	}
	return nil, igny8.Errorf(igny8.ENotFound, "No asset %s.", id)
}

func (r *fakeRefs) Link(_ context.Context, pageID string) (string, error) {
	return r.links[pageID], nil
}

func (r *fakeRefs) Categories(context.Context, int64) ([]string, error) { return r.categories, nil }

func newAsset(t testing.TB, id string, seed uint8, alt string) *publishing.Asset {
	data := tinyPNG(t, seed)
	sum := sha256.Sum256(data)
	return &publishing.Asset{ID: id, Name: id + ".png", ContentType: "image/png", SHA256: hex.EncodeToString(sum[:]), Alt: alt, Data: data}
}

// testRender stands in for markup until it lands: a paragraph, a link
// and every asset as an image.
func testRender(p *blueprints.Page, o markup.Options) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- wp:paragraph -->\n<p>%s <a href=\"%s\">more</a></p>\n<!-- /wp:paragraph -->\n", p.Title, o.Link("other", "#top"))
	for _, id := range testAssets(p) {
		if src, alt, ok := o.Image(id); ok {
			fmt.Fprintf(&b, "<!-- wp:image -->\n<figure class=\"wp-block-image\"><img src=\"%s\" alt=\"%s\"/></figure>\n<!-- /wp:image -->\n", src, alt)
		}
	}
	return b.String(), nil
}

func testAssets(p *blueprints.Page) []string {
	var ids []string
	if p.Image != nil {
		ids = append(ids, p.Image.Asset)
	}
	for _, b := range p.Blocks {
		if a, ok := b.Props["asset"].(string); ok {
			ids = append(ids, a)
		}
	}
	return ids
}

// piece is a post with a featured image, an image in its body and two
// tags.
func piece(t testing.TB, id int64, slug string) *igny8.Content {
	page := blueprints.Page{ID: slug, Path: "/blog/" + slug + "/", Type: "post", Title: "Roses in " + slug, Date: "2025-01-02",
		Tags: []string{"Roses", "Garden care"}, Image: &blueprints.Image{Asset: "hero"},
		Blocks: []*blueprints.Block{{ID: "b1", Type: "image", V: 1, Props: map[string]any{"asset": "inline"}}}}
	raw, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	return &igny8.Content{ID: id, SiteID: 1, EntityType: igny8.EntityPost, Title: page.Title, Slug: slug, Excerpt: "How to grow roses.",
		MetaTitle: "Roses | Garden", MetaDescription: "All about roses.", Page: raw}
}

type publishBundle struct {
	fake    *contentWP
	client  *wordpress.Client
	adapter *wordpress.Adapter
	refs    *fakeRefs
}

func setupPublish(t *testing.T, plain bool) *publishBundle {
	t.Helper()
	fake, srv := newContentWP(t, plain)
	client, err := wordpress.New(wordpress.Config{SiteURL: srv.URL, Username: "eve", Password: testPassword, HTTPClient: srv.Client(), APIRoot: fake.root()})
	if err != nil {
		t.Fatal(err)
	}
	wordpress.SetSleep(client, func(context.Context, time.Duration) error { return nil })
	refs := &fakeRefs{
		assets:     map[string]*publishing.Asset{"hero": newAsset(t, "hero", 1, "A red rose"), "inline": newAsset(t, "inline", 2, "Pruning shears")},
		links:      map[string]string{"other": "https://garden.example/other/"},
		categories: []string{"Flowers", "Uncategorized"},
	}
	a, err := wordpress.NewAdapter(client, refs, wordpress.AdapterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	a.RenderFunc, a.AssetsFunc = testRender, testAssets
	a.Now = func() time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) }
	return &publishBundle{fake: fake, client: client, adapter: a, refs: refs}
}

func TestPublishPost(t *testing.T) {
	t.Parallel()
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprintf("plain=%v", plain), func(t *testing.T) {
			t.Parallel()
			b := setupPublish(t, plain)
			b.fake.seoMeta = []string{"rank_math_title", "rank_math_description"}
			ctx := context.Background()
			c := piece(t, 42, "roses")
			rec := &igny8.PublishingRecord{}

			remote, err := b.adapter.Publish(ctx, c, rec, "key")
			if err != nil {
				t.Fatalf("Publish: %v", err)
			}
			p := b.fake.posts[mustID(t, remote.ID)]
			if p == nil || p.Status != "publish" || p.Slug != "roses" || p.Title != c.Title || p.Excerpt != c.Excerpt {
				t.Fatalf("post = %+v", p)
			}
			if !strings.HasPrefix(p.Content, "<!-- igny8:content=42 -->\n") || !strings.Contains(p.Content, "https://garden.example/other/#top") {
				t.Errorf("content = %q, want the marker first and the link", p.Content)
			}
			if got, want := b.fake.count("media"), 2; got != want {
				t.Errorf("%d media, want %d", got, want)
			}
			hero := b.fake.media[p.Featured]
			if hero == nil || hero.Alt != "A red rose" || !strings.HasPrefix(hero.File, "igny8-") || !strings.HasSuffix(hero.File, ".png") || hero.Slug != strings.TrimSuffix(hero.File, ".png") {
				t.Errorf("featured media = %+v", hero)
			}
			if !strings.Contains(p.Content, hero.File) {
				t.Errorf("content does not show the uploaded hero %s", hero.File)
			}
			if len(p.Categories) != 2 || p.Categories[1] != 1 || len(p.Tags) != 2 {
				t.Errorf("categories %v (want a new one and Uncategorized, 1), tags %v", p.Categories, p.Tags)
			}
			if p.Meta["rank_math_title"] != "Roses | Garden" || p.Meta["rank_math_description"] != "All about roses." {
				t.Errorf("meta = %v, want Rank Math's title and description", p.Meta)
			}
			if remote.URL == "" || remote.Modified.IsZero() || remote.Hash == "" {
				t.Errorf("remote = %+v, want URL, Modified and Hash", remote)
			}

			// Again, recorded: the same post, no new media or terms.
			media, cats, tags := b.fake.count("media"), b.fake.count("categories"), b.fake.count("tags")
			rec.RemoteID = remote.ID
			again, err := b.adapter.Publish(ctx, c, rec, "key")
			if err != nil {
				t.Fatalf("Publish again: %v", err)
			}
			if again.ID != remote.ID || b.fake.count("posts") != 1 {
				t.Errorf("second Publish wrote %s (%d posts), want %s", again.ID, b.fake.count("posts"), remote.ID)
			}
			if b.fake.count("media") != media || b.fake.count("categories") != cats || b.fake.count("tags") != tags {
				t.Errorf("second Publish added media or terms")
			}
			if again.Hash != remote.Hash {
				t.Errorf("hash changed without an edit: %s, %s", remote.Hash, again.Hash)
			}
		})
	}
}

func mustID(t testing.TB, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatalf("remote id %q: %v", s, err)
	}
	return id
}

func TestPublishAdoptsAfterCrash(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	ctx := context.Background()
	c := piece(t, 7, "crash")
	first, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	// The record was never written: Publish again as from scratch.
	second, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID || b.fake.count("posts") != 1 || b.fake.count("media") != 2 {
		t.Errorf("ids %s, %s; %d posts, %d media: want one post adopted", first.ID, second.ID, b.fake.count("posts"), b.fake.count("media"))
	}
	if first.Adopted || !second.Adopted {
		t.Errorf("adopted: first %v, second %v; want false, true", first.Adopted, second.Adopted)
	}
}

// Another IGNY8 site's post with the same content id and slug is not
// this site's to adopt: the marker names the site too.
func TestPublishOtherOriginNotAdopted(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	ctx := context.Background()
	b.adapter.Origin = "site-a"
	if _, err := b.adapter.Publish(ctx, piece(t, 7, "shared"), &igny8.PublishingRecord{}, "k"); err != nil {
		t.Fatal(err)
	}
	b.adapter.Origin = "site-b"
	_, err := b.adapter.Publish(ctx, piece(t, 7, "shared"), &igny8.PublishingRecord{}, "k")
	if got := igny8.ErrorCode(err); got != igny8.EConflict {
		t.Fatalf("Publish by another site = %v (code %s), want a conflict", err, got)
	}
	if b.fake.count("posts") != 1 {
		t.Errorf("%d posts, want the first site's alone", b.fake.count("posts"))
	}
	b.adapter.Origin = "site-a"
	if _, err := b.adapter.Publish(ctx, piece(t, 7, "shared"), &igny8.PublishingRecord{}, "k"); err != nil {
		t.Errorf("the first site adopting its own post: %v", err)
	}
}

func TestPublishSlugTaken(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	b.fake.posts[5] = &fakePost{ID: 5, Kind: "posts", Slug: "roses", Status: "draft", Title: "My own roses", Content: "<p>Mine.</p>", Meta: map[string]string{}}
	// Another piece's marker is not ours either.
	b.fake.posts[6] = &fakePost{ID: 6, Kind: "pages", Slug: "roses", Status: "publish", Title: "Roses page", Content: "<!-- igny8:content=99 -->\n<p>x</p>", Meta: map[string]string{}}

	_, err := b.adapter.Publish(context.Background(), piece(t, 42, "roses"), &igny8.PublishingRecord{}, "k")
	if got := igny8.ErrorCode(err); got != igny8.EConflict {
		t.Fatalf("Publish = %v (code %s), want a conflict", err, got)
	}
	if msg := igny8.ErrorMessage(err); !strings.Contains(msg, `"roses"`) || !strings.Contains(msg, "id 5") || !strings.Contains(msg, "Change the slug") {
		t.Errorf("message %q does not name the slug, the post and what to do", msg)
	}
	if b.fake.count("posts") != 1 {
		t.Error("a post was written despite the conflict")
	}
}

func TestPublishDeletedInWordPress(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"trash", "delete"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			b := setupPublish(t, false)
			ctx := context.Background()
			c := piece(t, 3, "gone")
			remote, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
			if err != nil {
				t.Fatal(err)
			}
			id := mustID(t, remote.ID)
			if how == "trash" {
				if err := b.client.Do(ctx, http.MethodDelete, "/wp/v2/posts/"+remote.ID, nil, nil, nil); err != nil {
					t.Fatal(err)
				}
			} else {
				delete(b.fake.posts, id)
			}
			_, err = b.client.Post(ctx, wordpress.KindPost, id)
			var de *wordpress.DeletedError
			if !errors.As(err, &de) || de.Trashed != (how == "trash") || igny8.ErrorCode(err) != igny8.ENotFound {
				t.Errorf("Post = %v, want a *DeletedError (trashed %v) with not_found", err, how == "trash")
			}
			_, err = b.adapter.Publish(ctx, c, &igny8.PublishingRecord{RemoteID: remote.ID}, "k")
			if igny8.ErrorCode(err) != igny8.ENotFound || !strings.Contains(igny8.ErrorMessage(err), "deleted in WordPress") {
				t.Errorf("Publish = %v, want not_found saying it was deleted in WordPress", err)
			}
			if how == "trash" && b.fake.posts[id].Status != "trash" {
				t.Error("Publish took the post out of the trash")
			}
		})
	}
}

// A concurrent writer creates a term between the look-up and the create:
// WordPress refuses with term_exists and names it; Publish uses it.
func TestPublishTermExistsRace(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	b.fake.hideSlug = true
	b.fake.terms["tags"][55] = &fakeTerm{ID: 55, Name: "Roses", Slug: "roses"}
	remote, err := b.adapter.Publish(context.Background(), piece(t, 1, "race"), &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	p := b.fake.posts[mustID(t, remote.ID)]
	if len(p.Tags) != 2 || p.Tags[0] != 55 || b.fake.count("tags") != 2 {
		t.Errorf("tags %v (%d on the site), want 55 reused and one new", p.Tags, b.fake.count("tags"))
	}
}

func TestPublishUnauthorizedMidRun(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	b.fake.fail = func(r *http.Request) (int, string) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.String(), "tags") {
			return 401, "incorrect_password"
		}
		return 0, ""
	}
	_, err := b.adapter.Publish(context.Background(), piece(t, 1, "revoked"), &igny8.PublishingRecord{}, "k")
	if igny8.ErrorCode(err) != igny8.EUnauthorized || !strings.Contains(igny8.ErrorMessage(err), "Application Password") {
		t.Errorf("Publish = %v, want unauthorized, saying to check the Application Password", err)
	}
	if b.fake.count("posts") != 0 {
		t.Error("a post was written")
	}
	assertNoSecret(t, "error", err.Error())
}

func TestPublishRetriesThrottledAndFailingReads(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	failed := map[string]bool{}
	b.fake.fail = func(r *http.Request) (int, string) {
		key := r.Method + r.URL.Query().Get("slug")
		switch {
		case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/posts") && !failed["500"]:
			failed["500"] = true
			return 500, "internal_server_error"
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/posts") && !failed["429"]:
			failed["429"] = true
			return 429, "rest_too_many_requests"
		}
		_ = key
		return 0, ""
	}
	if _, err := b.adapter.Publish(context.Background(), piece(t, 1, "busy"), &igny8.PublishingRecord{}, "k"); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if !failed["500"] || !failed["429"] || b.fake.count("posts") != 1 {
		t.Errorf("failures served %v, %d posts; want both and one post", failed, b.fake.count("posts"))
	}
}

func TestPublishStatus(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	ctx := context.Background()
	c := piece(t, 1, "later")
	var page blueprints.Page
	_ = json.Unmarshal(c.Page, &page)
	page.Date = "2025-06-01T09:30:00Z"
	c.Page, _ = json.Marshal(page)
	remote, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if p := b.fake.posts[mustID(t, remote.ID)]; p.Status != "future" || p.DateGMT != "2025-06-01T09:30:00" {
		t.Errorf("status %s date %s, want future at 2025-06-01T09:30:00", p.Status, p.DateGMT)
	}

	b.adapter.Config.DefaultStatus = "draft"
	remote, err = b.adapter.Publish(ctx, piece(t, 2, "draft"), &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if p := b.fake.posts[mustID(t, remote.ID)]; p.Status != "draft" || len(p.Meta) != 0 {
		t.Errorf("status %s meta %v, want a draft and no meta (no SEO plugin)", p.Status, p.Meta)
	}
}

func TestPublishPageAndCategory(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, false)
	ctx := context.Background()
	c := piece(t, 9, "services")
	c.EntityType = igny8.EntityService
	remote, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if p := b.fake.posts[mustID(t, remote.ID)]; p.Kind != "pages" || p.Excerpt != "" || p.Categories != nil {
		t.Errorf("service page written as %+v, want a page without excerpt or terms", p)
	}

	cat := piece(t, 10, "flowers")
	cat.EntityType, cat.Title = igny8.EntityTaxonomy, "Flowers"
	b.fake.terms["categories"][70] = &fakeTerm{ID: 70, Name: "Flowers", Slug: "flowers"} // made by filing a post, empty
	remote, err = b.adapter.Publish(ctx, cat, &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.fake.terms["categories"][70]; remote.ID != "category:70" || !strings.HasPrefix(got.Description, "<!-- igny8:content=10 -->") {
		t.Errorf("category %s: %+v, want 70 adopted with the marker", remote.ID, got)
	}
	b.fake.terms["categories"][71] = &fakeTerm{ID: 71, Name: "Trees", Slug: "trees", Description: "Our trees."}
	tree := piece(t, 11, "trees")
	tree.EntityType, tree.Title = igny8.EntityTaxonomy, "Trees"
	if _, err := b.adapter.Publish(ctx, tree, &igny8.PublishingRecord{}, "k"); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("Publish over someone else's category = %v, want a conflict", err)
	}

	prod := piece(t, 12, "shears")
	prod.EntityType = igny8.EntityProduct
	if _, err := b.adapter.Publish(ctx, prod, &igny8.PublishingRecord{}, "k"); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("Publish of a product = %v, want invalid", err)
	}
}

func TestSyncPrimitives(t *testing.T) {
	t.Parallel()
	b := setupPublish(t, true)
	ctx := context.Background()
	remote, err := b.adapter.Publish(ctx, piece(t, 4, "sync"), &igny8.PublishingRecord{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	id := mustID(t, remote.ID)
	if changed, err := b.client.ModifiedAfter(ctx, wordpress.KindPost, remote.Modified); err != nil || len(changed) != 0 {
		t.Fatalf("ModifiedAfter the write = %d posts, %v; want none", len(changed), err)
	}
	// The user edits the post in WordPress.
	if err := b.client.Do(ctx, http.MethodPost, "/wp/v2/posts/"+remote.ID, nil, map[string]string{"content": b.fake.posts[id].Content + "<p>Edited.</p>"}, nil); err != nil {
		t.Fatal(err)
	}
	changed, err := b.client.ModifiedAfter(ctx, wordpress.KindPost, remote.Modified)
	if err != nil || len(changed) != 1 || changed[0].ID != id {
		t.Fatalf("ModifiedAfter = %v, %v; want the edited post", changed, err)
	}
	p := changed[0]
	if wordpress.RemoteHash(p) == remote.Hash || p.ContentID() != 4 || !p.Modified.After(remote.Modified) {
		t.Errorf("after the edit: hash %s (was %s), content id %d, modified %v", wordpress.RemoteHash(p), remote.Hash, p.ContentID(), p.Modified)
	}
	got, err := b.client.Post(ctx, wordpress.KindPost, id)
	if err != nil || got.Title != p.Title || got.FeaturedMedia == 0 || len(got.Tags) != 2 {
		t.Errorf("Post = %+v, %v", got, err)
	}
	m, err := b.client.Media(ctx, got.FeaturedMedia)
	if err != nil || m.AltText != "A red rose" || m.SourceURL == "" {
		t.Errorf("Media = %+v, %v", m, err)
	}
	all, err := b.client.Posts(ctx, wordpress.KindPost)
	if err != nil || len(all) != 1 {
		t.Errorf("Posts = %d, %v", len(all), err)
	}
	tags, err := b.client.Terms(ctx, wordpress.Tags)
	if err != nil || len(tags) != 2 {
		t.Errorf("Terms(tags) = %d, %v", len(tags), err)
	}
}

func TestRemoteHashIgnoresMarker(t *testing.T) {
	t.Parallel()
	a := &wordpress.Post{Title: "T", Content: "<!-- igny8:content=4 -->\n<p>x</p>", Excerpt: "e"}
	b := &wordpress.Post{Title: "T", Content: "<p>x</p>", Excerpt: "e"}
	c := &wordpress.Post{Title: "T", Content: "<p>x</p>e"}
	if wordpress.RemoteHash(a) != wordpress.RemoteHash(b) || wordpress.RemoteHash(b) == wordpress.RemoteHash(c) {
		t.Error("RemoteHash must ignore the marker and keep fields apart")
	}
}
