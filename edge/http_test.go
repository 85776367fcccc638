package edge

import (
	"net/http"
	"strings"
	"testing"

	"github.com/igny8/igny8/deployer"
)

func TestConditionalGet(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	etag := do(t, b.srv, "GET", origin+"/about/").Header.Get("ETag")
	for _, tc := range []struct {
		inm  string
		want int
	}{
		{etag, http.StatusNotModified},
		{`W/` + etag, http.StatusNotModified}, // If-None-Match compares weakly
		{`"other", ` + etag, http.StatusNotModified},
		{"*", http.StatusNotModified},
		{`"other"`, http.StatusOK},
	} {
		res := do(t, b.srv, "GET", origin+"/about/", "If-None-Match: "+tc.inm)
		if got := res.StatusCode; got != tc.want {
			t.Errorf("If-None-Match %s: status = %d, want %d", tc.inm, got, tc.want)
		}
		if tc.want == http.StatusNotModified {
			if got := body(t, res); got != "" {
				t.Errorf("304 body = %q", got)
			}
			if got := res.Header.Get("ETag"); got != etag {
				t.Errorf("304 ETag = %q, want %q", got, etag)
			}
		}
	}
}

func TestNotModifiedMakesNoStoreRequest(t *testing.T) {
	t.Parallel()
	// The blob of /about/ was never read: a 304 must not read it.
	b := setup(t, nil)
	do(t, b.srv, "GET", origin+"/") // warm routing and manifest
	before := b.store.calls.Load()
	res := do(t, b.srv, "GET", origin+"/about/", `If-None-Match: "`+sum("<h1>about</h1>")+`"`)
	if got, want := res.StatusCode, http.StatusNotModified; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got := b.store.calls.Load() - before; got != 0 {
		t.Errorf("304 made %d store requests, want 0", got)
	}
}

func TestETagStableAcrossDeploys(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	e1 := do(t, b.srv, "GET", origin+"/about/").Header.Get("ETag")
	b.f.deploy("site1", "d2", basicFiles(), nil)
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	res := do(t, b.srv, "GET", origin+"/about/")
	if got, want := res.Header.Get("X-Deploy-Id"), "d2"; got != want {
		t.Fatalf("deploy = %q, want %q", got, want)
	}
	if got := res.Header.Get("ETag"); got != e1 {
		t.Errorf("ETag changed across deploys of identical bytes: %q → %q", e1, got)
	}
}

func TestRange(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, tc := range []struct {
		rng, accept string
		want        int
		body        string
		cr          string
	}{
		{rng: "bytes=0-3", want: 206, body: "0123", cr: "bytes 0-3/10"},
		{rng: "bytes=7-", want: 206, body: "789", cr: "bytes 7-9/10"},
		{rng: "bytes=-2", want: 206, body: "89", cr: "bytes 8-9/10"},
		{rng: "bytes=20-30", want: 416, cr: "bytes */10"},
		// data.txt has a gzip variant: ranges are always of the identity.
		{rng: "bytes=0-1", accept: "gzip", want: 206, body: "01", cr: "bytes 0-1/10"},
	} {
		h := []string{"Range: " + tc.rng}
		if tc.accept != "" {
			h = append(h, "Accept-Encoding: "+tc.accept)
		}
		res := do(t, b.srv, "GET", origin+"/data.txt", h...)
		if got := res.StatusCode; got != tc.want {
			t.Errorf("%s: status = %d, want %d", tc.rng, got, tc.want)
			continue
		}
		if got := res.Header.Get("Content-Range"); got != tc.cr {
			t.Errorf("%s: Content-Range = %q, want %q", tc.rng, got, tc.cr)
		}
		if got := res.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("%s: Content-Encoding = %q, want identity", tc.rng, got)
		}
		if tc.want == 206 {
			if got := body(t, res); got != tc.body {
				t.Errorf("%s: body = %q, want %q", tc.rng, got, tc.body)
			}
		}
	}
}

func TestContentEncoding(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	home := sum("<h1>home</h1>")
	for _, tc := range []struct {
		accept, enc, body string
	}{
		{"gzip, deflate, br, zstd", "br", "BR:home"},
		{"gzip", "gzip", "GZ:home"},
		{"x-gzip", "gzip", "GZ:home"},
		{"br;q=0, gzip", "gzip", "GZ:home"},
		{"br;q=0.5, gzip;q=0.8", "gzip", "GZ:home"},
		{"*", "br", "BR:home"},
		{"*;q=0", "", "<h1>home</h1>"},
		{"gzip;q=0, br;q=0", "", "<h1>home</h1>"},
		{"identity", "", "<h1>home</h1>"},
		{"", "", "<h1>home</h1>"},
		{"br;q=abc", "", "<h1>home</h1>"},
	} {
		res := do(t, b.srv, "GET", origin+"/", "Accept-Encoding: "+tc.accept)
		if got := res.Header.Get("Content-Encoding"); got != tc.enc {
			t.Errorf("%q: Content-Encoding = %q, want %q", tc.accept, got, tc.enc)
		}
		if got := body(t, res); got != tc.body {
			t.Errorf("%q: body = %q, want %q", tc.accept, got, tc.body)
		}
		if got, want := res.Header.Get("Vary"), "Accept-Encoding"; got != want {
			t.Errorf("%q: Vary = %q, want %q", tc.accept, got, want)
		}
		wantTag := `"` + home + `"`
		if tc.enc != "" {
			wantTag = `"` + home + "-" + tc.enc + `"`
			if got, want := res.Header.Get("Content-Length"), "7"; got != want {
				t.Errorf("%q: Content-Length = %q, want %q", tc.accept, got, want)
			}
		}
		if got := res.Header.Get("ETag"); got != wantTag {
			t.Errorf("%q: ETag = %q, want %q", tc.accept, got, wantTag)
		}
	}
	// A file without variants sends no Vary.
	res := do(t, b.srv, "GET", origin+"/about/", "Accept-Encoding: br")
	if got := res.Header.Get("Vary"); got != "" {
		t.Errorf("no variants: Vary = %q, want none", got)
	}
	// A 304 for an encoded variant.
	res = do(t, b.srv, "GET", origin+"/", "Accept-Encoding: br", `If-None-Match: "`+home+`-br"`)
	if got, want := res.StatusCode, http.StatusNotModified; got != want {
		t.Errorf("encoded 304: status = %d, want %d", got, want)
	}
}

func TestCacheControl(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for p, want := range map[string]string{
		"/css/site.abc123.css": "public, max-age=31536000, immutable",
		"/":                    "public, max-age=0, must-revalidate",
		"/blog/post.html":      "public, max-age=0, must-revalidate",
		"/blog/nope":           "public, max-age=0, must-revalidate", // 404 page
	} {
		if got := do(t, b.srv, "GET", origin+p).Header.Get("Cache-Control"); got != want {
			t.Errorf("%s: Cache-Control = %q, want %q", p, got, want)
		}
	}
}

func TestLargeBlobStreamed(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.CacheMaxObject = 4 })
	res := do(t, b.srv, "GET", origin+"/data.txt")
	if got, want := body(t, res), "0123456789"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	res = do(t, b.srv, "GET", origin+"/data.txt", "Range: bytes=3-5")
	if got, want := body(t, res), "345"; res.StatusCode != 206 || got != want {
		t.Errorf("range: %d %q, want 206 %q", res.StatusCode, got, want)
	}
	res = do(t, b.srv, "GET", origin+"/data.txt", "Range: bytes=1-2,5-6")
	if got, want := res.StatusCode, 206; got != want {
		t.Errorf("multi-range: status = %d, want %d", got, want)
	}
	res = do(t, b.srv, "GET", origin+"/data.txt", "Accept-Encoding: gzip")
	if got, want := body(t, res), "GZ:digits"; got != want {
		t.Errorf("encoded large: body = %q, want %q", got, want)
	}
	if got, want := res.Header.Get("Content-Length"), "9"; got != want {
		t.Errorf("encoded large: Content-Length = %q, want %q", got, want)
	}
	if n, _ := b.srv.blobs.size(); n != 0 {
		t.Errorf("cache holds %d bytes of blobs above CacheMaxObject", n)
	}
}

func TestMissingBlobIs500WithoutDetails(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.f.deploy("site1", "d2", basicFiles(), func(m *deployer.Manifest) {
		m.Files["ghost.txt"] = deployer.FileEntry{SHA256: sum("ghost"), Size: 5, ContentType: "text/plain"}
	})
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	res := do(t, b.srv, "GET", origin+"/ghost.txt")
	if got, want := res.StatusCode, 500; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	if got := body(t, res); strings.Contains(got, "blobs/") {
		t.Errorf("body %q leaks the key", got)
	}
}

func TestMalformedManifestKeepsServingPreviousDeploy(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	do(t, b.srv, "GET", origin+"/")
	b.f.deploy("site1", "bad", basicFiles(), func(m *deployer.Manifest) {
		m.Files["x.txt"] = deployer.FileEntry{SHA256: "a"} // would make BlobKey panic
	})
	b.f.promote("site1", "bad", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	res := do(t, b.srv, "GET", origin+"/x.txt")
	if got, want := res.Header.Get("X-Deploy-Id"), "d1"; got != want {
		t.Errorf("X-Deploy-Id = %q, want %q", got, want)
	}
	// A cold server has nothing to fall back to: 503, not a panic.
	srv := New(Config{Store: b.f.store, Now: b.clock.Now})
	if got, want := do(t, srv, "GET", origin+"/").StatusCode, http.StatusServiceUnavailable; got != want {
		t.Errorf("cold: status = %d, want %d", got, want)
	}
}

func TestHeadReadsNoBlob(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	do(t, b.srv, "GET", origin+"/") // warm routing and manifest
	before := b.store.calls.Load()
	res := do(t, b.srv, "HEAD", origin+"/about/")
	if got, want := res.Header.Get("Content-Length"), "14"; res.StatusCode != 200 || got != want {
		t.Errorf("HEAD: %d Content-Length %q, want 200 %q", res.StatusCode, got, want)
	}
	if got := b.store.calls.Load() - before; got != 0 {
		t.Errorf("HEAD made %d store requests, want 0", got)
	}
}
