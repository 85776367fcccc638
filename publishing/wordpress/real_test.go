package wordpress_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/wordpress"
	"github.com/igny8/igny8/publishing/wordpress/wptest"
)

// realBundle is an Adapter on the real WordPress of wptest, in one URL
// form.
type realBundle struct {
	env     wptest.Env
	client  *wordpress.Client
	adapter *wordpress.Adapter
	refs    *fakeRefs
}

func setupReal(t *testing.T, form wordpress.URLForm) *realBundle {
	t.Helper()
	if testing.Short() {
		t.Skip("a real WordPress: not with -short")
	}
	env := wptest.Site(t)
	root := env.URL + "wp-json/"
	if form == wordpress.FormPlain {
		root = env.URL + "?rest_route=/"
	}
	// A plain client: the SSRF-safe one refuses loopback.
	client, err := wordpress.New(wordpress.Config{SiteURL: env.URL, Username: env.User, Password: env.AppPassword,
		HTTPClient: &http.Client{Timeout: time.Minute}, APIRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	// Images unique to the test, so that tests sharing the site never
	// share an upload.
	seed := sha256.Sum256([]byte(env.Prefix))
	refs := &fakeRefs{
		assets: map[string]*publishing.Asset{
			"hero":   newAsset(t, "hero", seed[0], "A red rose "+env.Prefix),
			"inline": newAsset(t, "inline", seed[1]^0x55, "Pruning shears"),
		},
		links:      map[string]string{"other": "https://garden.example/other/"},
		categories: []string{env.Prefix + "Flowers", env.Prefix + "Shrubs"},
	}
	if refs.assets["hero"].SHA256 == refs.assets["inline"].SHA256 {
		refs.assets["inline"] = newAsset(t, "inline", seed[1]^0xaa, "Pruning shears")
	}
	a, err := wordpress.NewAdapter(client, refs, wordpress.AdapterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// markup's renderer is written elsewhere; the test's stands in, so
	// that these tests are about WordPress.
	a.RenderFunc, a.AssetsFunc = testRender, testAssets
	return &realBundle{env: env, client: client, adapter: a, refs: refs}
}

// cleanup deletes, for good, what a test made.
func (b *realBundle) cleanup(t *testing.T, kind wordpress.Kind, postIDs *[]string) {
	t.Cleanup(func() {
		ctx := context.Background()
		force := url.Values{"force": {"true"}}
		for _, id := range *postIDs {
			_ = b.client.Do(ctx, http.MethodDelete, "/wp/v2/"+string(kind)+"/"+id, force, nil, nil)
		}
		for _, a := range b.refs.assets {
			var found []struct{ ID int64 }
			if b.client.Do(ctx, http.MethodGet, "/wp/v2/media", url.Values{"slug": {wordpress.MediaSlug(a)}}, nil, &found) == nil {
				for _, m := range found {
					_ = b.client.Do(ctx, http.MethodDelete, "/wp/v2/media/"+strconv.FormatInt(m.ID, 10), force, nil, nil)
				}
			}
		}
		for _, tax := range []wordpress.Taxonomy{wordpress.Categories, wordpress.Tags} {
			for _, term := range b.terms(t, tax) {
				_ = b.client.Do(ctx, http.MethodDelete, "/wp/v2/"+string(tax)+"/"+strconv.FormatInt(term.ID, 10), force, nil, nil)
			}
		}
	})
}

// terms are the test's terms of tax (their names start with the
// prefix).
func (b *realBundle) terms(t *testing.T, tax wordpress.Taxonomy) []*wordpress.Term {
	t.Helper()
	all, err := b.client.Terms(context.Background(), tax)
	if err != nil {
		t.Fatalf("Terms(%s): %v", tax, err)
	}
	var mine []*wordpress.Term
	for _, term := range all {
		if strings.HasPrefix(term.Name, b.env.Prefix) {
			mine = append(mine, term)
		}
	}
	return mine
}

// mediaCount is how many uploads of the test's images the library has.
func (b *realBundle) mediaCount(t *testing.T) int {
	t.Helper()
	n := 0
	for _, a := range b.refs.assets {
		var found []struct{ ID int64 }
		if err := b.client.Do(context.Background(), http.MethodGet, "/wp/v2/media", url.Values{"slug": {wordpress.MediaSlug(a)}}, nil, &found); err != nil {
			t.Fatal(err)
		}
		n += len(found)
	}
	return n
}

func TestRealWordPressPublishAndSync(t *testing.T) {
	t.Parallel()
	for _, form := range []wordpress.URLForm{wordpress.FormPretty, wordpress.FormPlain} {
		t.Run(string(form), func(t *testing.T) {
			t.Parallel()
			b := setupReal(t, form)
			var made []string
			b.cleanup(t, wordpress.KindPost, &made)
			ctx := context.Background()
			c := piece(t, 4242, b.env.Prefix+"roses")
			c.Title = "Roses " + b.env.Prefix
			// Tags are the page's: make them the test's own.
			c = withTags(t, c, b.env.Prefix+"Roses", b.env.Prefix+"Garden care")

			remote, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
			if err != nil {
				t.Fatalf("Publish: %v", err)
			}
			made = append(made, remote.ID)
			id := mustID(t, remote.ID)
			p, err := b.client.Post(ctx, wordpress.KindPost, id)
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			if p.Status != "publish" || p.Slug != c.Slug || p.Title != c.Title || p.Excerpt != c.Excerpt || p.ContentID() != 4242 {
				t.Errorf("post: status %s slug %s title %q excerpt %q content id %d", p.Status, p.Slug, p.Title, p.Excerpt, p.ContentID())
			}
			if len(p.Categories) != 2 || len(p.Tags) != 2 || p.FeaturedMedia == 0 {
				t.Errorf("categories %v tags %v featured %d", p.Categories, p.Tags, p.FeaturedMedia)
			}
			if got := wordpress.RemoteHash(p); got != remote.Hash {
				t.Errorf("RemoteHash of the post as read = %s, Publish said %s", got, remote.Hash)
			}
			if !p.Modified.Equal(remote.Modified) || remote.URL != p.Link || !strings.HasPrefix(remote.URL, b.env.URL) {
				t.Errorf("remote %+v; post modified %v link %s", remote, p.Modified, p.Link)
			}
			hero, err := b.client.Media(ctx, p.FeaturedMedia)
			if err != nil || hero.AltText != b.refs.assets["hero"].Alt || !strings.Contains(hero.SourceURL, wordpress.MediaSlug(b.refs.assets["hero"])) {
				t.Errorf("featured media %+v, %v", hero, err)
			}
			if !strings.Contains(p.Content, hero.SourceURL) {
				t.Errorf("the content does not show the hero at %s", hero.SourceURL)
			}
			media, cats, tags := b.mediaCount(t), len(b.terms(t, wordpress.Categories)), len(b.terms(t, wordpress.Tags))
			if media != 2 || cats != 2 || tags != 2 {
				t.Errorf("%d media, %d categories, %d tags; want 2 of each", media, cats, tags)
			}

			// Again with the record: the same post, nothing new.
			again, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{RemoteID: remote.ID}, "k")
			if err != nil || again.ID != remote.ID {
				t.Fatalf("Publish again = %+v, %v", again, err)
			}
			// And as after a crash before the record was written.
			adopted, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
			if err != nil || adopted.ID != remote.ID {
				t.Fatalf("Publish without the record = %+v, %v; want %s adopted", adopted, err, remote.ID)
			}
			if m, ct, tg := b.mediaCount(t), len(b.terms(t, wordpress.Categories)), len(b.terms(t, wordpress.Tags)); m != media || ct != cats || tg != tags {
				t.Errorf("after re-publishing: %d media, %d categories, %d tags; want %d, %d, %d", m, ct, tg, media, cats, tags)
			}
			var same []struct{ ID int64 }
			if err := b.client.Do(ctx, http.MethodGet, "/wp/v2/posts", url.Values{"slug": {c.Slug}, "status": {"publish,future,draft,pending,private"}}, nil, &same); err != nil || len(same) != 1 {
				t.Errorf("%d posts with the slug (%v), want 1", len(same), err)
			}

			// Someone edits the post in WordPress (modified_gmt counts
			// seconds).
			time.Sleep(1100 * time.Millisecond)
			if err := b.client.Do(ctx, http.MethodPost, "/wp/v2/posts/"+remote.ID, nil, map[string]string{"content": p.Content + "\n<!-- wp:paragraph -->\n<p>Edited in WordPress.</p>\n<!-- /wp:paragraph -->"}, nil); err != nil {
				t.Fatalf("edit: %v", err)
			}
			changed, err := b.client.ModifiedAfter(ctx, wordpress.KindPost, adopted.Modified)
			if err != nil {
				t.Fatalf("ModifiedAfter: %v", err)
			}
			var edited *wordpress.Post
			for _, q := range changed {
				if q.ID == id {
					edited = q
				}
			}
			if edited == nil {
				t.Fatalf("ModifiedAfter(%v) does not list the edited post", adopted.Modified)
			}
			if wordpress.RemoteHash(edited) == adopted.Hash || !strings.Contains(edited.Content, "Edited in WordPress.") {
				t.Errorf("the edit did not change RemoteHash")
			}

			// Someone trashes it.
			if err := b.client.Do(ctx, http.MethodDelete, "/wp/v2/posts/"+remote.ID, nil, nil, nil); err != nil {
				t.Fatalf("trash: %v", err)
			}
			_, err = b.client.Post(ctx, wordpress.KindPost, id)
			var de *wordpress.DeletedError
			if !errors.As(err, &de) || !de.Trashed {
				t.Errorf("Post after the trash = %v, want a *DeletedError, trashed", err)
			}
			if _, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{RemoteID: remote.ID}, "k"); igny8.ErrorCode(err) != igny8.ENotFound {
				t.Errorf("Publish to the trashed post = %v, want not_found", err)
			}
			if err := b.client.Do(ctx, http.MethodDelete, "/wp/v2/posts/"+remote.ID, url.Values{"force": {"true"}}, nil, nil); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := b.client.Post(ctx, wordpress.KindPost, id); !errors.As(err, &de) || de.Trashed {
				t.Errorf("Post after deletion = %v, want a *DeletedError, not trashed", err)
			}
		})
	}
}

func TestRealWordPressSlugTaken(t *testing.T) {
	t.Parallel()
	b := setupReal(t, wordpress.FormPretty)
	var made []string
	b.cleanup(t, wordpress.KindPage, &made)
	ctx := context.Background()
	slug := b.env.Prefix + "about"
	var theirs struct {
		ID int64 `json:"id"`
	}
	if err := b.client.Do(ctx, http.MethodPost, "/wp/v2/pages", nil, map[string]string{"title": "About us", "slug": slug, "status": "draft", "content": "<p>Ours.</p>"}, &theirs); err != nil {
		t.Fatal(err)
	}
	made = append(made, strconv.FormatInt(theirs.ID, 10))
	c := piece(t, 77, slug)
	c.EntityType = igny8.EntityPage
	_, err := b.adapter.Publish(ctx, c, &igny8.PublishingRecord{}, "k")
	if igny8.ErrorCode(err) != igny8.EConflict || !strings.Contains(igny8.ErrorMessage(err), strconv.FormatInt(theirs.ID, 10)) {
		t.Errorf("Publish = %v, want a conflict naming page %d", err, theirs.ID)
	}
}

func TestRealWordPressRefusals(t *testing.T) {
	t.Parallel()
	b := setupReal(t, wordpress.FormPretty)
	ctx := context.Background()
	err := b.client.Do(ctx, http.MethodPost, "/wp/v2/posts", nil, map[string]string{"title": "x", "status": "nonsense"}, nil)
	var ae *wordpress.APIError
	if !errors.As(err, &ae) || ae.Code != "rest_invalid_param" || ae.Params["status"] == "" || igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("bad status = %v, want rest_invalid_param naming status", err)
	}
	if err := b.client.Do(ctx, http.MethodGet, "/wp/v2/posts/999999999", url.Values{"context": {"edit"}}, nil, nil); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("missing post = %v, want not_found", err)
	}
	wrong, err := wordpress.New(wordpress.Config{SiteURL: b.env.URL, Username: b.env.User, Password: "abcd efgh ijkl mnop qrst uvwx", HTTPClient: http.DefaultClient, APIRoot: b.env.URL + "wp-json/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := wrong.Do(ctx, http.MethodGet, "/wp/v2/posts", url.Values{"context": {"edit"}}, nil, nil); igny8.ErrorCode(err) != igny8.EUnauthorized {
		t.Errorf("wrong password = %v, want unauthorized", err)
	}
	// The first term_exists is WordPress's own.
	name := b.env.Prefix + "Dup"
	first, err := b.client.EnsureTerm(ctx, wordpress.Tags, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.client.Do(context.Background(), http.MethodDelete, "/wp/v2/tags/"+strconv.FormatInt(first.ID, 10), url.Values{"force": {"true"}}, nil, nil)
	})
	err = b.client.Do(ctx, http.MethodPost, "/wp/v2/tags", nil, map[string]string{"name": name}, nil)
	if id, ok := wordpress.ExistingTermID(err, "term_id"); !ok || id != first.ID {
		t.Errorf("creating %q twice = %v, want term_exists naming %d", name, err, first.ID)
	}
}

// withTags sets the tags of c's page.
func withTags(t *testing.T, c *igny8.Content, tags ...string) *igny8.Content {
	t.Helper()
	page, err := wordpress.DecodePage(c)
	if err != nil {
		t.Fatal(err)
	}
	page.Tags = tags
	c.Page = mustJSON(t, page)
	return c
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
