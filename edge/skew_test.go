package edge

import (
	"testing"
	"time"
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
