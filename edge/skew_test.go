package edge

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/storage"
)

func TestSkewProtection(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SkewWindow = 5 * time.Minute })
	do(t, b.srv, "GET", origin+"/") // load d1
	files := basicFiles()
	delete(files, "css/site.abc123.css")
	delete(files, "blog/post.html")
	files["css/site.def456.css"] = file{body: "body{color:red}", ctype: "text/css", immutable: true}
	b.f.deploy("site1", "d2", files, nil)
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")

	// A page of d1 loaded before the promote still gets its hashed CSS.
	res := do(t, b.srv, "GET", origin+"/css/site.abc123.css")
	if got, want := res.StatusCode, 200; got != want {
		t.Fatalf("old asset: status = %d, want %d", got, want)
	}
	if got, want := body(t, res), "body{}"; got != want {
		t.Errorf("old asset: body = %q, want %q", got, want)
	}
	if got, want := res.Header.Get("X-Deploy-Id"), "d1"; got != want {
		t.Errorf("old asset: X-Deploy-Id = %q, want %q", got, want)
	}
	if got, want := res.Header.Get("Cache-Control"), cacheImmutable; got != want {
		t.Errorf("old asset: Cache-Control = %q, want %q", got, want)
	}
	// Mutable files of the old deploy are gone at once.
	if got, want := do(t, b.srv, "GET", origin+"/blog/post.html").StatusCode, 404; got != want {
		t.Errorf("old mutable file: status = %d, want %d", got, want)
	}
	// The live deploy wins for its own files.
	if got, want := do(t, b.srv, "GET", origin+"/css/site.def456.css").Header.Get("X-Deploy-Id"), "d2"; got != want {
		t.Errorf("new asset: X-Deploy-Id = %q, want %q", got, want)
	}
	// After the window, the old asset is gone.
	b.clock.Advance(5*time.Minute + time.Second)
	res = do(t, b.srv, "GET", origin+"/css/site.abc123.css")
	if got, want := res.StatusCode, 404; got != want {
		t.Errorf("after the window: status = %d, want %d", got, want)
	}
	if got, want := res.Header.Get("X-Deploy-Id"), "d2"; got != want {
		t.Errorf("after the window: X-Deploy-Id = %q, want %q", got, want)
	}
}

func TestSkewKeepsLastDeploys(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SkewDeploys = 2; c.SkewWindow = time.Hour })
	do(t, b.srv, "GET", origin+"/")
	// d2, d3, d4 each drop everything but their own hashed asset.
	for i, id := range []string{"d2", "d3", "d4"} {
		name := "app." + id + ".js"
		b.f.deploy("site1", id, map[string]file{"index.html": {body: id}, name: {body: id + "js", immutable: true}}, nil)
		prev := []string{"d1", "d2", "d3"}[i]
		b.f.promote("site1", id, prev, b.clock.Now())
		b.srv.Invalidate("site1")
		do(t, b.srv, "GET", origin+"/")
	}
	for p, want := range map[string]int{
		"/app.d4.js":           200, // live
		"/app.d3.js":           200, // retired, kept
		"/app.d2.js":           200, // retired, kept
		"/css/site.abc123.css": 404, // d1: beyond SkewDeploys
	} {
		if got := do(t, b.srv, "GET", origin+p).StatusCode; got != want {
			t.Errorf("%s: status = %d, want %d", p, got, want)
		}
	}
}

func TestSkewAfterColdStart(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SkewWindow = 5 * time.Minute })
	b.f.deploy("site1", "d2", map[string]file{"index.html": {body: "v2"}}, nil)
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.clock.Advance(time.Minute)
	// A fresh edge replica learns d1 from the live pointer's Previous.
	srv := New(Config{Store: b.f.store, Now: b.clock.Now, SkewWindow: 5 * time.Minute})
	res := do(t, srv, "GET", origin+"/css/site.abc123.css")
	if got, want := res.StatusCode, 200; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got, want := res.Header.Get("X-Deploy-Id"), "d1"; got != want {
		t.Errorf("X-Deploy-Id = %q, want %q", got, want)
	}
	// Past the window measured from the promote, a cold replica skips it.
	b.clock.Advance(5 * time.Minute)
	srv = New(Config{Store: b.f.store, Now: b.clock.Now, SkewWindow: 5 * time.Minute})
	if got, want := do(t, srv, "GET", origin+"/css/site.abc123.css").StatusCode, 404; got != want {
		t.Errorf("cold start after the window: status = %d, want %d", got, want)
	}
}

// TestSkewKeepsDeploysAfterRollback: rolling back to a retired deploy makes
// it live; the cap on retired deploys must count only the others.
func TestSkewKeepsDeploysAfterRollback(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SkewDeploys = 3; c.SkewWindow = time.Hour })
	do(t, b.srv, "GET", origin+"/")
	prev := "d1"
	for _, id := range []string{"d2", "d3", "d4"} {
		b.f.deploy("site1", id, map[string]file{"index.html": {body: id}, "app." + id + ".js": {body: id + "js", immutable: true}}, nil)
		b.f.promote("site1", id, prev, b.clock.Now())
		b.srv.Invalidate("site1")
		do(t, b.srv, "GET", origin+"/")
		prev = id
	}
	b.f.promote("site1", "d2", "d4", b.clock.Now()) // rollback: d4, d3 and d1 are now retired
	b.srv.Invalidate("site1")
	do(t, b.srv, "GET", origin+"/")
	for _, p := range []string{"/css/site.abc123.css", "/app.d3.js", "/app.d4.js"} {
		if res := do(t, b.srv, "GET", origin+p); res.StatusCode != 200 {
			t.Errorf("%s = %d after the rollback, want 200 from a retired deploy", p, res.StatusCode)
		}
	}
}

func TestIsAsset(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ctype string
		want        bool
	}{
		{"assets/index-BxR4kq2Z.js", "text/javascript; charset=utf-8", true},
		{"assets/index-DiwrgTda.css", "text/css; charset=utf-8", true},
		{"static/js/main.8f573f658b.chunk.js", "application/javascript", true},
		{"assets/index-BxR4kq2Z.js.map", "application/json", true},
		{"app.wasm", "application/wasm", true},
		{"fonts/inter.woff2", "font/woff2", true},
		{"fonts/old.eot", "application/vnd.ms-fontobject", true},
		{"img/logo.svg", "image/svg+xml", true},
		{"img/hero.avif", "image/avif", true},
		{"favicon.ico", "image/x-icon", true},
		{"media/intro.mp4", "video/mp4", true},
		{"media/jingle.mp3", "audio/mpeg", true},
		{"index.html", "text/html; charset=utf-8", false},
		{"blog/post.htm", "text/html", false},
		{"page.xhtml", "application/xhtml+xml", false},
		{"page.html", "image/png", false}, // an HTML name is a page, whatever its type
		{"photo", "image/png", false},     // no extension: a pretty URL
		{"sitemap.xml", "application/xml", false},
		{"feed.rss", "application/rss+xml", false},
		{"data.json", "application/json", false},
		{"site.webmanifest", "application/manifest+json", false},
		{"robots.txt", "text/plain; charset=utf-8", false},
		{"report.pdf", "application/pdf", false},
		{"setup.zip", "application/octet-stream", false},
	} {
		if got := isAsset(tc.name, tc.ctype); got != tc.want {
			t.Errorf("isAsset(%q, %q) = %v, want %v", tc.name, tc.ctype, got, tc.want)
		}
	}
}

// skewFiles is a deploy with short-hashed assets (Vite, webpack), an
// unhashed image and files that are not assets.
func skewFiles(version string) map[string]file {
	return map[string]file{
		"index.html":                       {body: "<h1>" + version + "</h1>", ctype: "text/html; charset=utf-8"},
		"assets/index-" + version + ".js":  {body: "js " + version, ctype: "text/javascript; charset=utf-8"},
		"assets/index-" + version + ".css": {body: "css " + version, ctype: "text/css; charset=utf-8"},
		"static/app." + version + ".css":   {body: "webpack " + version, ctype: "text/css; charset=utf-8"},
		"img/logo.png":                     {body: "png " + version, ctype: "image/png"},
		"old/index.html":                   {body: "page " + version, ctype: "text/html; charset=utf-8"},
		"feed.xml":                         {body: "feed " + version, ctype: "application/xml"},
		"data.json":                        {body: "json " + version, ctype: "application/json"},
		"notes.txt":                        {body: "text " + version, ctype: "text/plain; charset=utf-8"},
	}
}

// TestSkewServesAnyAsset: after a promote, an asset of the replaced deploy
// that the live one lacks is served from it, whatever its name, and
// revalidated on every use unless its name carries its sha256; pages and
// other files it lacks are gone at once; and every path the live deploy
// has comes from it.
func TestSkewServesAnyAsset(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SkewWindow = 5 * time.Minute })
	b.f.deploy("site1", "v1", skewFiles("Bx4kq2Za"), nil)
	b.f.promote("site1", "v1", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	do(t, b.srv, "GET", origin+"/")
	v2 := map[string]file{
		"index.html":               {body: "<h1>v2</h1>", ctype: "text/html; charset=utf-8"},
		"assets/index-Cq81mPz0.js": {body: "js v2", ctype: "text/javascript; charset=utf-8"},
		"img/logo.png":             {body: "png v2", ctype: "image/png"},
	}
	b.f.deploy("site1", "v2", v2, nil)
	b.f.promote("site1", "v2", "v1", b.clock.Now())
	b.srv.Invalidate("site1")

	for _, tc := range []struct {
		path, status, deploy, body, cache string
	}{
		// Assets v2 lacks: from v1, revalidated.
		{"/assets/index-Bx4kq2Za.js", "200", "v1", "js Bx4kq2Za", cacheRevalid},
		{"/assets/index-Bx4kq2Za.css", "200", "v1", "css Bx4kq2Za", cacheRevalid},
		{"/static/app.Bx4kq2Za.css", "200", "v1", "webpack Bx4kq2Za", cacheRevalid},
		// A sha256-named asset of d1, two deploys back, stays immutable.
		{"/css/site.abc123.css", "200", "d1", "body{}", cacheImmutable},
		// Paths v2 has: from v2, even the unhashed image v1 had too.
		{"/assets/index-Cq81mPz0.js", "200", "v2", "js v2", cacheRevalid},
		{"/img/logo.png", "200", "v2", "png v2", cacheRevalid},
		{"/", "200", "v2", "<h1>v2</h1>", cacheRevalid},
		// Pages and other files v2 lacks: gone at once.
		{"/old/", "404", "v2", "", ""},
		{"/old/index.html", "404", "v2", "", ""},
		{"/feed.xml", "404", "v2", "", ""},
		{"/data.json", "404", "v2", "", ""},
		{"/notes.txt", "404", "v2", "", ""},
		{"/about/", "404", "v2", "", ""},
	} {
		res := do(t, b.srv, "GET", origin+tc.path)
		if got := fmt.Sprint(res.StatusCode); got != tc.status {
			t.Errorf("%s: status %s, want %s", tc.path, got, tc.status)
			continue
		}
		if got := res.Header.Get("X-Deploy-Id"); got != tc.deploy {
			t.Errorf("%s: X-Deploy-Id %q, want %q", tc.path, got, tc.deploy)
		}
		if tc.status != "200" {
			continue
		}
		if got := body(t, res); got != tc.body {
			t.Errorf("%s: body %q, want %q", tc.path, got, tc.body)
		}
		if got := res.Header.Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.path, got, tc.cache)
		}
	}
	// Revalidation of a skew-served asset: its strong ETag still matches.
	res := do(t, b.srv, "GET", origin+"/assets/index-Bx4kq2Za.js", `If-None-Match: "`+sum("js Bx4kq2Za")+`"`)
	if got, want := res.StatusCode, 304; got != want {
		t.Errorf("revalidation: status %d, want %d", got, want)
	}
	// Past the window it is gone too.
	b.clock.Advance(5*time.Minute + time.Second)
	if got, want := do(t, b.srv, "GET", origin+"/assets/index-Bx4kq2Za.js").StatusCode, 404; got != want {
		t.Errorf("after the window: status %d, want %d", got, want)
	}
}

// TestSkewBeforeCatchAllRewrite: a single-page app's catch-all rewrite
// does not answer an old page's request for its script; a forced rule
// still does, and paths that are no asset still take the rewrite.
func TestSkewBeforeCatchAllRewrite(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.SkewWindow = 5 * time.Minute })
	do(t, b.srv, "GET", origin+"/")
	v2 := map[string]file{
		"index.html":               {body: "<div id=app></div>", ctype: "text/html; charset=utf-8"},
		"assets/index-Cq81mPz0.js": {body: "js v2", ctype: "text/javascript; charset=utf-8"},
	}
	b.f.deploy("site1", "v2", v2, func(m *deployer.Manifest) {
		m.Redirects = []rules.Redirect{
			{From: "/css/forced.css", To: "/assets/index-Cq81mPz0.js", Status: 301, Force: true},
			{From: "/*", To: "/index.html", Status: 200},
		}
	})
	b.f.deploy("site1", "d1b", map[string]file{
		"index.html":      {body: "d1b", ctype: "text/html; charset=utf-8"},
		"css/forced.css":  {body: "forced", ctype: "text/css; charset=utf-8"},
		"assets/old-1.js": {body: "old js", ctype: "text/javascript; charset=utf-8"},
	}, nil)
	b.f.promote("site1", "d1b", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	do(t, b.srv, "GET", origin+"/")
	b.f.promote("site1", "v2", "d1b", b.clock.Now())
	b.srv.Invalidate("site1")

	res := do(t, b.srv, "GET", origin+"/assets/old-1.js")
	if got, want := res.StatusCode, 200; got != want {
		t.Fatalf("old script: status %d, want %d", got, want)
	}
	if got, want := body(t, res), "old js"; got != want {
		t.Errorf("old script: body %q, want %q (not the rewrite's index.html)", got, want)
	}
	if got, want := do(t, b.srv, "GET", origin+"/css/forced.css").StatusCode, 301; got != want {
		t.Errorf("forced rule over an old asset: status %d, want %d", got, want)
	}
	res = do(t, b.srv, "GET", origin+"/blog/post.html") // a page of d1: the rewrite
	if got, want := body(t, res), "<div id=app></div>"; res.StatusCode != 200 || got != want {
		t.Errorf("old page: status %d, body %q; want the rewrite's %q", res.StatusCode, got, want)
	}
}

// TestDeletedSiteServesNothing: once a site's live pointer is a tombstone,
// or is gone, nothing of the site is served, not even the assets of its
// retired deploys, and a later deploy of the same storage does not bring
// them back.
func TestDeletedSiteServesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		delete func(b *testBundle)
	}{
		{"tombstone", func(b *testBundle) {
			ref, _ := json.Marshal(deployer.LiveRef{Generation: 99, Previous: "d2", UpdatedAt: b.clock.Now(), Deleted: true})
			b.f.put(storage.SiteBucket("site1"), deployer.LiveKey, ref)
		}},
		{"no live pointer", func(b *testBundle) {
			if err := b.f.store.Delete(t.Context(), storage.SiteBucket("site1"), deployer.LiveKey); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(c *Config) { c.SkewWindow = time.Hour })
			do(t, b.srv, "GET", origin+"/")
			b.f.deploy("site1", "d2", map[string]file{"index.html": {body: "d2", ctype: "text/html; charset=utf-8"}}, nil)
			b.f.promote("site1", "d2", "d1", b.clock.Now())
			b.srv.Invalidate("site1")
			if got, want := do(t, b.srv, "GET", origin+"/css/site.abc123.css").StatusCode, 200; got != want {
				t.Fatalf("before the delete: d1's asset: status %d, want %d", got, want)
			}
			tc.delete(b)
			b.srv.Invalidate("site1")
			for _, p := range []string{"/", "/css/site.abc123.css"} {
				if got, want := do(t, b.srv, "GET", origin+p).StatusCode, 404; got != want {
					t.Errorf("%s after the delete: status %d, want %d", p, got, want)
				}
			}
			// A cold edge serves nothing either.
			cold := New(Config{Store: b.f.store, Now: b.clock.Now, SkewWindow: time.Hour})
			if got, want := do(t, cold, "GET", origin+"/css/site.abc123.css").StatusCode, 404; got != want {
				t.Errorf("cold edge: status %d, want %d", got, want)
			}
			// A new deploy of the same storage starts with no retired
			// deploys.
			b.f.deploy("site1", "d3", map[string]file{"index.html": {body: "d3", ctype: "text/html; charset=utf-8"}}, nil)
			b.f.promote("site1", "d3", "", b.clock.Now())
			b.srv.Invalidate("site1")
			if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), "d3"; got != want {
				t.Errorf("after a new deploy: X-Deploy-Id %q, want %q", got, want)
			}
			if got, want := do(t, b.srv, "GET", origin+"/css/site.abc123.css").StatusCode, 404; got != want {
				t.Errorf("after a new deploy: the deleted site's asset: status %d, want %d", got, want)
			}
		})
	}
}
