package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/wordpress/wptest"
	"github.com/igny8/igny8/secrets"
)

// wpAPI talks to the test WordPress as its administrator would, through
// its REST API: to look at what IGNY8 wrote and to edit it there.
type wpAPI struct {
	t  *testing.T
	wp wptest.Env
}

func (w *wpAPI) do(method, route string, query url.Values, body any, want int, out any) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	u := w.wp.URL + "wp-json" + route
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	req.SetBasicAuth(w.wp.User, w.wp.AppPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		w.t.Fatalf("WordPress %s %s: %d, want %d: %s", method, route, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			w.t.Fatalf("WordPress %s %s: %v: %s", method, route, err, b)
		}
	}
}

// wpItem is what the test reads of a post, page, term or media item.
type wpItem struct {
	ID            int64  `json:"id"`
	Slug          string `json:"slug"`
	Type          string `json:"type"`
	Name          string `json:"name"`
	Status        string `json:"status"`
	Link          string `json:"link"`
	Modified      string `json:"modified_gmt"`
	FeaturedMedia int64  `json:"featured_media"`
	Categories    []int64
	Tags          []int64
	Title         struct{ Raw string } `json:"title"`
	Content       struct{ Raw string } `json:"content"`
}

// list reads every object of a route that query selects (up to 100).
func (w *wpAPI) list(route string, query url.Values) []wpItem {
	w.t.Helper()
	q := url.Values{"context": {"edit"}, "per_page": {"100"}}
	for k, v := range query {
		q[k] = v
	}
	var out []wpItem
	w.do("GET", route, q, nil, 200, &out)
	return out
}

// testPNG is a small PNG of one colour.
func testPNG(t *testing.T, c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for x := range 24 {
		for y := range 16 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Against the real WordPress (scripts/wordpress.sh): 20 pieces (posts and
// pages, with categories, tags and images) are published by a distribute
// job whose worker dies between a remote write and its record; a new
// worker finishes the job with exactly 20 remote objects and no duplicate
// term or media item. Then: an edit made in WordPress comes back as a
// revision; edits on both sides become conflicts, resolved either way; a
// deletion there is detected; a post made in WordPress is imported, and
// publishing it unchanged changes nothing there.
func TestWordPressPublishSyncImport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs worker processes and waits for Asynq to recover a killed one (about a minute)")
	}
	wp := wptest.Site(t)
	w := &wpAPI{t: t, wp: wp}
	wpHost, err := url.Parse(wp.URL)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "keys.json")
	if _, err := secrets.CreateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	ns := fmt.Sprintf("wpe2e%d:", time.Now().UnixNano())
	paused := filepath.Join(t.TempDir(), "paused")
	storage := "fs://" + t.TempDir()
	p := startPlatform(t, map[string]string{secrets.EnvKeyFile: keyFile, "IGNY8_INTEGRATION_ALLOW_HOSTS": wpHost.Host,
		envNamespace: ns, envNoWorker: "1", "IGNY8_STORAGE": storage})
	common := []string{"DATABASE_URL=" + p.vars["DATABASE_URL"], "REDIS_URL=" + p.vars["REDIS_URL"], "IGNY8_STORAGE=" + storage,
		"IGNY8_SITES_DOMAIN=localhost", secrets.EnvKeyFile + "=" + keyFile, "IGNY8_INTEGRATION_ALLOW_HOSTS=" + wpHost.Host,
		envNamespace + "=" + ns, envPausedFile + "=" + paused}
	w1 := startWorker(t, common)

	token := p.account("wpe2e")
	var acc igny8.Account
	p.api.call(token, "GET", "/v1/account", nil, 200, &acc)
	p.api.call(p.system, "POST", fmt.Sprintf("/v1/accounts/%d/credits", acc.ID), igny8.CreditChange{Kind: igny8.CreditTopUp, Amount: 5000, Reason: "e2e"}, 201, nil)
	actx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc.ID, Role: igny8.RoleOwner})
	r := &pipelineRun{p: p, token: token}
	p.api.call(token, "POST", "/v1/sites", map[string]any{"slug": "wp-blog", "name": "WP Blog"}, 201, &r.site)
	r.base = fmt.Sprintf("/v1/sites/%d", r.site.ID)

	// Three images in the site's asset library and blueprint.
	images := map[string][]byte{
		"wp-red":   testPNG(t, color.RGBA{200, 30, 30, 255}),
		"wp-green": testPNG(t, color.RGBA{30, 160, 60, 255}),
		"wp-blue":  testPNG(t, color.RGBA{30, 60, 200, 255}),
	}
	assets := map[string]any{}
	for id, data := range images {
		p.api.upload(token, r.base+"/assets?path=assets/"+id+".png", data, 201)
		assets[id] = map[string]string{"path": "assets/" + id + ".png", "alt": "A " + strings.TrimPrefix(id, "wp-") + " square"}
	}
	bp := map[string]any{"version": 1, "site": map[string]any{"name": "WP Blog", "base_url": "https://wp-blog.example.com/", "locale": "en"},
		"theme": map[string]any{"name": "studio"}, "assets": assets,
		"pages": []any{map[string]any{"id": "home", "path": "/", "type": "home", "title": "Home",
			"blocks": []any{map[string]any{"id": "intro", "type": "richtext", "v": 1, "props": map[string]any{"markdown": "Welcome."}}}}}}
	p.api.call(token, "PUT", r.base+"/blueprint", bp, 200, nil)

	// 20 tasks from the planner (clusters give the categories).
	req, _ := http.NewRequest("POST", p.api.base+r.base+"/keywords/import", bytes.NewReader(keywordCSV(t)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.job(igny8.JobCluster, map[string]any{})
	r.job(igny8.JobIdeas, map[string]any{"count": 4, "entity_types": []string{"post", "page"}})
	var ideas struct{ Items []*igny8.Idea }
	p.api.call(token, "GET", r.base+"/ideas?status=new&limit=200", nil, 200, &ideas)
	chosen := pickIdeas(ideas.Items, 20)
	if len(chosen) != 20 {
		t.Fatalf("%d ideas, want 20", len(chosen))
	}
	// The pieces, written here rather than by the AI writer, so that their
	// slugs are this run's own on the shared WordPress.
	var ids []int64
	slugs, kinds := map[int64]string{}, map[int64]string{}
	for i, idea := range chosen {
		var a struct{ Task *igny8.Task }
		p.api.call(token, "POST", fmt.Sprintf("%s/ideas/%d/approve", r.base, idea.ID), map[string]any{}, 200, &a)
		slug := fmt.Sprintf("%sp%02d", wp.Prefix, i)
		next := fmt.Sprintf("%sp%02d", wp.Prefix, (i+1)%len(chosen))
		page := &blueprints.Page{ID: slug, Path: "/" + slug + "/", Type: blueprints.PagePage, Title: fmt.Sprintf("Piece %d: %s", i, idea.Title),
			Description: "What piece " + strconv.Itoa(i) + " is about.", Image: &blueprints.Image{Asset: "wp-red"},
			Blocks: []*blueprints.Block{
				{ID: "s1", Type: "richtext", V: 1, Props: map[string]any{"markdown": fmt.Sprintf(
					"## Why it matters\n\nPiece %d says something useful. Read [the next piece](page:%s) too.\n\n- one point\n- another point\n", i, next)}},
				{ID: "s2", Type: "image", V: 1, Props: map[string]any{"image": map[string]any{"asset": []string{"wp-green", "wp-blue"}[i%2]}, "caption": "A figure."}},
			}}
		if idea.EntityType == igny8.EntityPost {
			page.Type, page.Path, page.Date = blueprints.PagePost, "/blog/"+slug+"/", "2026-11-20"
			page.Tags = []string{wp.Prefix + "bread", wp.Prefix + "baking"}
		}
		pj, _ := json.Marshal(page)
		c, _, err := p.db.SaveTaskContent(actx, r.site.ID, a.Task.ID, &igny8.Content{EntityType: idea.EntityType, Title: page.Title,
			Slug: slug, Excerpt: page.Description, MetaDescription: page.Description, Page: pj, WordCount: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []string{igny8.ContentReview, igny8.ContentApproved} {
			p.api.call(token, "POST", fmt.Sprintf("%s/contents/%d/status", r.base, c.ID), map[string]string{"status": st}, 200, nil)
		}
		ids = append(ids, c.ID)
		slugs[c.ID], kinds[c.ID] = slug, idea.EntityType
	}
	// ourSlugs are this run's slugs, as WordPress might suffix them too.
	var ourSlugs []string
	for _, s := range slugs {
		ourSlugs = append(ourSlugs, s, s+"-2")
	}
	ourSlugs = append(ourSlugs, wp.Prefix+"made-in-wordpress")
	// ours lists this run's posts and pages in WordPress.
	ours := func(statuses string) []wpItem {
		var out []wpItem
		for _, kind := range []string{"posts", "pages"} {
			out = append(out, w.list("/wp/v2/"+kind, url.Values{"slug": {strings.Join(ourSlugs, ",")}, "status": {statuses}})...)
		}
		return out
	}
	const live = "publish,future,draft,pending,private"
	t.Cleanup(func() {
		for _, o := range ours(live + ",trash") {
			kind := "pages"
			if o.Type == "post" {
				kind = "posts"
			}
			w.do("DELETE", fmt.Sprintf("/wp/v2/%s/%d", kind, o.ID), url.Values{"force": {"true"}}, nil, 200, nil)
		}
	})

	var in igny8.Integration
	p.api.call(token, "POST", r.base+"/integrations", map[string]any{"platform": "wordpress", "name": "Blog", "url": wp.URL,
		"config":      map[string]any{"requests_per_second": 50}, // a loopback WordPress takes more than the default 4
		"credentials": map[string]string{"username": wp.User, "application_password": wp.AppPassword}}, 201, &in)

	// A distribute job whose worker dies after the 7th post or page is
	// written, before it is recorded.
	w1.cmd.Process.Signal(os.Interrupt)
	if err := w1.cmd.Wait(); err != nil {
		t.Fatalf("worker 1 did not stop cleanly: %v", err)
	}
	w2 := startWorker(t, append(common, envPauseAfterCreates+"=6"))
	var job igny8.Job
	p.api.call(token, "POST", fmt.Sprintf("%s/integrations/%d/publish", r.base, in.ID), map[string]any{"content_ids": ids}, 202, &job)
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(paused); err == nil {
			break
		}
		if time.Now().After(deadline) || w2.cmd.ProcessState != nil {
			t.Fatal("worker 2 never wrote its 7th post")
		}
	}
	if err := w2.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	w2.cmd.Wait()
	if n := len(ours(live)); n != 7 {
		t.Errorf("after the kill WordPress has %d of the pieces, want 7", n)
	}
	var recs struct{ Items []*igny8.PublishingRecord }
	p.api.call(token, "GET", r.base+"/publishing-records", nil, 200, &recs)
	recorded := 0
	for _, rec := range recs.Items {
		if rec.RemoteID != "" {
			recorded++
		}
	}
	if recorded != 6 {
		t.Errorf("after the kill %d records name a remote object, want 6 (the 7th was written, not recorded)", recorded)
	}

	// A new worker gets the job once the dead one's lease expires.
	startWorker(t, common)
	for deadline := time.Now().Add(4 * time.Minute); !job.Finished(); time.Sleep(time.Second) {
		if time.Now().After(deadline) {
			t.Fatalf("the distribute job is still %s at %s %d/%d", job.Status, job.Step, job.Done, job.Total)
		}
		p.api.call(token, "GET", fmt.Sprintf("%s/jobs/%d", r.base, job.ID), nil, 200, &job)
	}
	job = r.wait(job)
	res := result[pipeline.DistributeResult](t, job)
	if len(res.Failed) > 0 || res.Created+res.Updated+res.Unchanged != 20 {
		t.Fatalf("distribute after the restart: %+v", res)
	}
	objs := ours(live)
	if len(objs) != 20 {
		t.Errorf("WordPress has %d of the 20 pieces", len(objs))
	}
	bySlug := map[string]wpItem{}
	for _, o := range objs {
		if _, dup := bySlug[o.Slug]; dup {
			t.Errorf("two objects with slug %s", o.Slug)
		}
		bySlug[o.Slug] = o
	}
	p.api.call(token, "GET", r.base+"/publishing-records", nil, 200, &recs)
	recByContent := map[int64]*igny8.PublishingRecord{}
	for _, rec := range recs.Items {
		recByContent[rec.ContentID] = rec
		o, ok := bySlug[slugs[rec.ContentID]]
		if rec.Status != igny8.PublishPublished || !ok || rec.RemoteID != strconv.FormatInt(o.ID, 10) || rec.RemoteURL != o.Link {
			t.Errorf("record %+v; WordPress has %+v", rec, o)
		}
		if !strings.Contains(o.Content.Raw, "Read <a href=") || !strings.Contains(o.Content.Raw, "wp:image") {
			t.Errorf("%s: the body lacks its link or image: %s", o.Slug, o.Content.Raw)
		}
		if o.FeaturedMedia == 0 {
			t.Errorf("%s has no featured image", o.Slug)
		}
	}
	// One media item per image, one term per category and tag.
	for id, data := range images {
		sha := sha256Hex(data)
		if media := w.list("/wp/v2/media", url.Values{"slug": {"igny8-" + sha[:16]}}); len(media) != 1 {
			t.Errorf("image %s: %d media items", id, len(media))
		}
	}
	for _, tag := range []string{wp.Prefix + "bread", wp.Prefix + "baking"} {
		if terms := w.list("/wp/v2/tags", url.Values{"search": {tag}}); len(terms) != 1 {
			t.Errorf("tag %s: %d terms", tag, len(terms))
		}
	}
	cats := map[int64]bool{}
	for _, o := range objs {
		for _, c := range o.Categories {
			cats[c] = true
		}
	}
	names := map[string]int{}
	for _, c := range w.list("/wp/v2/categories", nil) {
		names[c.Name]++
	}
	for name, n := range names {
		if n > 1 {
			t.Errorf("category %q: %d terms", name, n)
		}
	}
	if len(cats) < 2 {
		t.Errorf("the posts are filed under %d categories, want their clusters", len(cats))
	}

	route := func(contentID int64) string {
		kind := "pages"
		if kinds[contentID] == igny8.EntityPost {
			kind = "posts"
		}
		return "/wp/v2/" + kind + "/" + recByContent[contentID].RemoteID
	}
	var postIDs []int64
	for _, id := range ids {
		if kinds[id] == igny8.EntityPost {
			postIDs = append(postIDs, id)
		}
	}
	if len(postIDs) < 4 {
		t.Fatalf("%d posts among the pieces, want at least 4", len(postIDs))
	}
	editInWP := func(contentID int64, text string) {
		t.Helper()
		var o wpItem
		w.do("GET", route(contentID), url.Values{"context": {"edit"}}, nil, 200, &o)
		w.do("POST", route(contentID), nil, map[string]any{"title": o.Title.Raw + " (edited)",
			"content": o.Content.Raw + "\n\n<!-- wp:paragraph -->\n<p>" + text + "</p>\n<!-- /wp:paragraph -->"}, 200, nil)
	}
	editInIGNY8 := func(contentID int64, text string) {
		t.Helper()
		var c igny8.Content
		p.api.call(token, "GET", fmt.Sprintf("%s/contents/%d", r.base, contentID), nil, 200, &c)
		var page blueprints.Page
		json.Unmarshal(c.Page, &page)
		page.Blocks = append(page.Blocks, &blueprints.Block{ID: "s9", Type: "richtext", V: 1, Props: map[string]any{"markdown": text}})
		p.api.call(token, "PUT", fmt.Sprintf("%s/contents/%d/page", r.base, contentID), map[string]any{"page": page, "revision": c.Revision}, 200, nil)
	}
	sync := func() publishing.SyncResult {
		t.Helper()
		var j igny8.Job
		p.api.call(token, "POST", fmt.Sprintf("%s/integrations/%d/sync", r.base, in.ID), nil, 202, &j)
		return result[publishing.SyncResult](t, r.wait(j))
	}
	content := func(id int64) igny8.Content {
		var c igny8.Content
		p.api.call(token, "GET", fmt.Sprintf("%s/contents/%d", r.base, id), nil, 200, &c)
		return c
	}

	// Nothing changed: a first sync finds nothing to bring back.
	if s := sync(); len(s.Pulled)+len(s.Conflicts)+len(s.Deleted) != 0 {
		t.Errorf("a sync right after publishing: %+v", s)
	}

	// An edit in WordPress comes back as a revision.
	edited, both, keepOurs, gone := postIDs[0], postIDs[1], postIDs[2], postIDs[3]
	editInWP(edited, "Added in WordPress by the editor.")
	s := sync()
	if !slices.Equal(s.Pulled, []int64{edited}) || len(s.Conflicts) != 0 {
		t.Fatalf("sync after an edit in WordPress: %+v", s)
	}
	c := content(edited)
	if !strings.HasSuffix(c.Title, "(edited)") || !strings.Contains(string(c.Page), "Added in WordPress by the editor.") {
		t.Errorf("the edit did not come back: %q %s", c.Title, c.Page)
	}
	// Links and images come back as IGNY8's own: page links and assets,
	// not WordPress's URLs.
	if strings.Contains(string(c.Page), wpHost.Host) || !strings.Contains(string(c.Page), "(page:"+wp.Prefix) ||
		!strings.Contains(string(c.Page), `"asset":"wp-`) {
		t.Errorf("the pulled page refers to WordPress instead of its pages and assets: %s", c.Page)
	}
	var revs struct{ Items []*igny8.ContentRevision }
	p.api.call(token, "GET", fmt.Sprintf("%s/contents/%d/revisions", r.base, edited), nil, 200, &revs)
	if last := revs.Items[len(revs.Items)-1]; last.Source != "sync" || last.Revision != c.Revision {
		t.Errorf("last revision %+v, want one from sync", last)
	}
	// Publishing it again writes nothing: WordPress already has this version.
	var before wpItem
	w.do("GET", route(edited), url.Values{"context": {"edit"}}, nil, 200, &before)
	again := result[pipeline.DistributeResult](t, r.job(igny8.JobDistribute, map[string]any{"integration_id": in.ID, "content_ids": []int64{edited}}))
	var after wpItem
	w.do("GET", route(edited), url.Values{"context": {"edit"}}, nil, 200, &after)
	if again.Unchanged != 1 || after.Modified != before.Modified {
		t.Errorf("publishing the synced piece: %+v, modified %s → %s", again, before.Modified, after.Modified)
	}

	// Edits on both sides are conflicts, resolved either way.
	editInWP(both, "The WordPress side of a conflict.")
	editInIGNY8(both, "The IGNY8 side of a conflict.")
	editInWP(keepOurs, "A WordPress edit that loses.")
	editInIGNY8(keepOurs, "An IGNY8 edit that wins.")
	s = sync()
	slices.Sort(s.Conflicts)
	want := []int64{both, keepOurs}
	slices.Sort(want)
	if !slices.Equal(s.Conflicts, want) || len(s.Pulled) != 0 {
		t.Fatalf("sync after edits on both sides: %+v", s)
	}
	var conflicts struct{ Items []*igny8.PublishingRecord }
	p.api.call(token, "GET", r.base+"/conflicts", nil, 200, &conflicts)
	if len(conflicts.Items) != 2 || conflicts.Items[0].RemoteVersion == nil {
		t.Fatalf("conflicts: %+v", conflicts.Items)
	}
	var resolved igny8.PublishingRecord
	p.api.call(token, "POST", fmt.Sprintf("%s/publishing-records/%d/resolve", r.base, recByContent[both].ID), map[string]string{"keep": "remote"}, 200, &resolved)
	if resolved.SyncStatus != igny8.RecordInSync {
		t.Errorf("kept the remote version: %+v", resolved)
	}
	if c := content(both); !strings.Contains(string(c.Page), "The WordPress side") || strings.Contains(string(c.Page), "The IGNY8 side") {
		t.Errorf("keeping WordPress's version: %s", c.Page)
	}
	p.api.call(token, "POST", fmt.Sprintf("%s/publishing-records/%d/resolve", r.base, recByContent[keepOurs].ID), map[string]string{"keep": "igny8"}, 200, &resolved)
	var o wpItem
	w.do("GET", route(keepOurs), url.Values{"context": {"edit"}}, nil, 200, &o)
	if resolved.SyncStatus != igny8.RecordInSync || !strings.Contains(o.Content.Raw, "An IGNY8 edit that wins.") || strings.Contains(o.Content.Raw, "loses") {
		t.Errorf("keeping IGNY8's version: %+v; WordPress has %s", resolved, o.Content.Raw)
	}
	p.api.call(token, "GET", r.base+"/conflicts", nil, 200, &conflicts)
	if len(conflicts.Items) != 0 {
		t.Errorf("conflicts left after resolving: %+v", conflicts.Items)
	}

	// A deletion in WordPress is detected.
	w.do("DELETE", route(gone), nil, nil, 200, nil)
	if s := sync(); !slices.Equal(s.Deleted, []int64{gone}) {
		t.Errorf("sync after a deletion: %+v", s)
	}
	p.api.call(token, "GET", r.base+"/conflicts", nil, 200, &conflicts)
	if len(conflicts.Items) != 1 || conflicts.Items[0].SyncStatus != igny8.RecordRemoteDeleted || conflicts.Items[0].ContentID != gone {
		t.Errorf("after a deletion: %+v", conflicts.Items)
	}

	// A post made in WordPress is imported as blocks; publishing it
	// unchanged leaves WordPress alone.
	var made wpItem
	w.do("POST", "/wp/v2/posts", nil, map[string]any{"title": "Made in WordPress", "slug": wp.Prefix + "made-in-wordpress", "status": "publish",
		"content": "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">A heading</h2>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>Written by hand, with a <a href=\"https://example.com/\">link</a>.</p>\n<!-- /wp:paragraph -->"},
		201, &made)
	var term wpItem
	w.do("POST", "/wp/v2/categories", nil, map[string]any{"name": wp.Prefix + " Rye", "slug": wp.Prefix + "rye",
		"description": "<p>Everything about <strong>rye</strong> bread.</p>"}, 201, &term)
	t.Cleanup(func() {
		w.do("DELETE", fmt.Sprintf("/wp/v2/categories/%d", term.ID), url.Values{"force": {"true"}}, nil, 200, nil)
	})
	var ij igny8.Job
	p.api.call(token, "POST", fmt.Sprintf("%s/integrations/%d/import", r.base, in.ID), nil, 202, &ij)
	imp := result[publishing.ImportResult](t, r.wait(ij))
	var importedID, termID int64
	for _, id := range imp.Imported {
		switch c := content(id); c.Slug {
		case wp.Prefix + "made-in-wordpress":
			importedID = id
			if c.Title != "Made in WordPress" || c.Status != igny8.ContentDraft || !strings.Contains(string(c.Page), "Written by hand") {
				t.Errorf("imported %+v", c)
			}
		case wp.Prefix + "rye":
			termID = id
			if c.EntityType != igny8.EntityTaxonomy || !strings.Contains(string(c.Page), "**rye**") {
				t.Errorf("imported the category as %+v", c)
			}
		}
	}
	if importedID == 0 || termID == 0 {
		t.Fatalf("the post and category made in WordPress were not imported: %+v", imp)
	}
	for _, st := range []string{igny8.ContentReview, igny8.ContentApproved} {
		p.api.call(token, "POST", fmt.Sprintf("%s/contents/%d/status", r.base, termID), map[string]string{"status": st}, 200, nil)
	}
	if again := result[pipeline.DistributeResult](t, r.job(igny8.JobDistribute, map[string]any{"integration_id": in.ID, "content_ids": []int64{termID}})); again.Unchanged != 1 {
		t.Errorf("publishing the imported category unchanged: %+v", again)
	}
	for _, st := range []string{igny8.ContentReview, igny8.ContentApproved} {
		p.api.call(token, "POST", fmt.Sprintf("%s/contents/%d/status", r.base, importedID), map[string]string{"status": st}, 200, nil)
	}
	again = result[pipeline.DistributeResult](t, r.job(igny8.JobDistribute, map[string]any{"integration_id": in.ID, "content_ids": []int64{importedID}}))
	var unchanged wpItem
	w.do("GET", fmt.Sprintf("/wp/v2/posts/%d", made.ID), url.Values{"context": {"edit"}}, nil, 200, &unchanged)
	if again.Unchanged != 1 || unchanged.Modified != made.Modified || unchanged.Content.Raw != made.Content.Raw {
		t.Errorf("publishing the imported post unchanged: %+v; modified %s → %s", again, made.Modified, unchanged.Modified)
	}

	// With sync enabled, the scheduler's round starts a sync job by itself.
	p.api.call(token, "PATCH", fmt.Sprintf("%s/integrations/%d", r.base, in.ID), map[string]any{"sync_enabled": true}, 200, &in)
	lastSync := *in.LastSyncAt
	time.Sleep(1100 * time.Millisecond) // last_sync_at has a new second to show
	if err := p.svc.startDueSyncs(context.Background(), time.Second); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); !in.LastSyncAt.After(lastSync) || in.SyncStatus != igny8.SyncOK; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled sync ran: %+v", in)
		}
		p.api.call(token, "GET", fmt.Sprintf("%s/integrations/%d", r.base, in.ID), nil, 200, &in)
	}
}
