package edge

import (
	"net/http"
	"strings"
	"testing"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
)

// TestRedirectAndHeaderRules serves a deploy whose manifest carries
// _redirects and _headers rules and checks each kind of rule end to end.
func TestRedirectAndHeaderRules(t *testing.T) {
	t.Parallel()
	redirects, err := rules.ParseRedirects(strings.NewReader(`
/old-about        /about/            301
/blog/:slug       /posts/:slug       302
/about/           /elsewhere/        301
/forced-about/    /index.html        200!
/app/*            /index.html        200
/gone             /blog/404.html     410
/docs/*           https://docs.example.com/:splat 308
`), "_redirects")
	if err != nil {
		t.Fatal(err)
	}
	headers, err := rules.ParseHeaders(strings.NewReader("/*\n  X-Site: golden\n/css/*\n  X-Asset: yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t, nil)
	files := basicFiles()
	files["forced-about/index.html"] = file{body: "forced page", ctype: "text/html; charset=utf-8"}
	b.f.deploy("site1", "d2", files, func(m *deployer.Manifest) { m.Redirects, m.Headers = redirects, headers })
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")

	tests := []struct {
		name, path string
		status     int
		location   string
		body       string
	}{
		{"3xx rule", "/old-about", http.StatusMovedPermanently, "/about/", ""},
		{"placeholder and query kept", "/blog/hello?x=1", http.StatusFound, "/posts/hello?x=1", ""},
		{"a file beats an unforced rule", "/about/", http.StatusOK, "", "<h1>about</h1>"},
		{"a forced rule beats a file", "/forced-about/", http.StatusOK, "", "<h1>home</h1>"},
		{"200 rewrite keeps the URL", "/app/deep/link", http.StatusOK, "", "<h1>home</h1>"},
		{"410 serves its page", "/gone", http.StatusGone, "", "blog 404"},
		{"external target with splat", "/docs/a/b", http.StatusPermanentRedirect, "https://docs.example.com/a/b", ""},
		{"no rule: nearest 404", "/nothing/here", http.StatusNotFound, "", "root 404"},
	}
	for _, tt := range tests {
		res := do(t, b.srv, http.MethodGet, "http://a.example.com"+tt.path)
		got := body(t, res)
		if res.StatusCode != tt.status {
			t.Errorf("%s: GET %s = %d, want %d", tt.name, tt.path, res.StatusCode, tt.status)
		}
		if loc := res.Header.Get("Location"); loc != tt.location {
			t.Errorf("%s: Location = %q, want %q", tt.name, loc, tt.location)
		}
		if tt.body != "" && got != tt.body {
			t.Errorf("%s: body = %q, want %q", tt.name, got, tt.body)
		}
		if got := res.Header.Get("X-Site"); got != "golden" {
			t.Errorf("%s: X-Site = %q; header rules apply to every response of the site", tt.name, got)
		}
	}
	if res := do(t, b.srv, http.MethodGet, "http://a.example.com/css/site.abc123.css"); res.Header.Get("X-Asset") != "yes" {
		t.Errorf("/css/* header rule not applied")
	}
	if res := do(t, b.srv, http.MethodGet, "http://a.example.com/about/"); res.Header.Get("X-Asset") != "" {
		t.Errorf("/css/* header rule applied outside /css/")
	}
}

// TestManifestWithBadRulesIsRejected keeps the previous deploy live when a
// manifest's rules do not compile, as for any corrupt manifest.
func TestManifestWithBadRulesIsRejected(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	do(t, b.srv, http.MethodGet, "http://a.example.com/") // d1 is loaded and live
	b.f.deploy("site1", "d2", basicFiles(), func(m *deployer.Manifest) {
		m.Redirects = []rules.Redirect{{From: "/a", To: "javascript:alert(1)", Status: 301}}
	})
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	if res := do(t, b.srv, http.MethodGet, "http://a.example.com/"); res.Header.Get("X-Deploy-Id") != "d1" {
		t.Errorf("X-Deploy-Id = %q after promoting a manifest with a bad rule; want d1 still live", res.Header.Get("X-Deploy-Id"))
	}
}
