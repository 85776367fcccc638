package edge

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
)

// siteRedirects and siteHeaders are the rules of deploy d2 (withSiteRules):
// Netlify features the edge once got wrong or did not have.
const (
	siteRedirects = `
/ads              /blog/post.html#top       301
/store  id=:id    /products/:id             301
/th%c3%a9         /about/                   302
/lang/*           /about/                   302!  Language=fr
/geo/*            200!                      Country=us,ca
/geo/*            /about/                   302!
/about/           /nope/                    302   Language=de
`
	siteHeaders = `
/*
  X-Frame-Options: DENY
  Referrer-Policy: no-referrer
  Cache-Control: public, max-age=600
  X-Robots-Tag: noarchive
/css/*
  Vary: Origin
  Access-Control-Allow-Origin: *
/data.txt
  Content-Type: text/csv; charset=utf-8
  Vary: accept-encoding
/café/
  X-Cafe: yes
`
)

// created is when deploy d2 was made: its files' Last-Modified.
var created = time.Date(2026, 11, 20, 8, 30, 15, 500, time.UTC)

// withSiteRules promotes d2: basicFiles, a geo/ folder and a café/ page,
// with siteRedirects and siteHeaders, made at created.
func withSiteRules(tb testing.TB, b *testBundle) {
	tb.Helper()
	redirects, err := rules.ParseRedirects(strings.NewReader(siteRedirects), "_redirects")
	if err != nil {
		tb.Fatal(err)
	}
	headers, err := rules.ParseHeaders(strings.NewReader(siteHeaders))
	if err != nil {
		tb.Fatal(err)
	}
	files := basicFiles()
	files["geo/index.html"] = file{body: "<h1>geo</h1>", ctype: "text/html; charset=utf-8"}
	files["café/index.html"] = file{body: "<h1>café</h1>", ctype: "text/html; charset=utf-8"}
	b.f.deploy("site1", "d2", files, func(m *deployer.Manifest) {
		m.Redirects, m.Headers, m.CreatedAt = redirects, headers, created
	})
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
}

// TestSiteHeadersReplaceDefaults: a _headers value takes the place of
// the edge's default of the same name (one X-Frame-Options, not two; the
// site's Cache-Control, not a dropped one), Vary and X-Robots-Tag add to
// the edge's, and Content-Type is the file's.
func TestSiteHeadersReplaceDefaults(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	withSiteRules(t, b)
	tests := []struct {
		path   string
		header []string
		want   map[string][]string
	}{
		{"/", []string{"Accept-Encoding: br"}, map[string][]string{
			"X-Frame-Options":        {"DENY"},
			"Referrer-Policy":        {"no-referrer"},
			"Cache-Control":          {"public, max-age=600"},
			"X-Content-Type-Options": {"nosniff"}, // a default the site left alone
			"Vary":                   {"Accept-Encoding"},
			"Content-Type":           {"text/html; charset=utf-8"},
			"X-Robots-Tag":           {"noarchive"},
		}},
		{"/css/site.abc123.css", nil, map[string][]string{
			"Cache-Control":               {"public, max-age=600"}, // the site's, over immutable
			"Vary":                        {"Origin"},
			"Access-Control-Allow-Origin": {"*"},
		}},
		{"/data.txt", []string{"Accept-Encoding: gzip"}, map[string][]string{
			"Content-Type":     {"text/csv; charset=utf-8"},
			"Content-Encoding": {"gzip"},
			"Vary":             {"Accept-Encoding"}, // named once
		}},
		{"/caf%C3%A9/", nil, map[string][]string{"X-Cafe": {"yes"}, "Content-Type": {"text/html; charset=utf-8"}}},
		{"/caf%c3%a9/", nil, map[string][]string{"X-Cafe": {"yes"}}},
		{"/nothing/here", nil, map[string][]string{ // a 404 page keeps its own type
			"Cache-Control": {"public, max-age=600"},
			"Content-Type":  {"text/html; charset=utf-8"},
		}},
	}
	for _, slowPath := range []bool{false, true} {
		b.srv.slowPath = slowPath
		for _, tt := range tests {
			res := do(t, b.srv, http.MethodGet, origin+tt.path, tt.header...)
			for name, want := range tt.want {
				if got := res.Header.Values(name); !slices.Equal(got, want) {
					t.Errorf("slow path %v: GET %s: %s = %q, want %q", slowPath, tt.path, name, got, want)
				}
			}
		}
	}
	// A 304 carries the site's Cache-Control, and no Content-Type.
	res := do(t, b.srv, http.MethodGet, origin+"/data.txt", `If-None-Match: "`+sum("0123456789")+`"`)
	if res.StatusCode != http.StatusNotModified || res.Header.Get("Cache-Control") != "public, max-age=600" || res.Header.Get("Content-Type") != "" {
		t.Errorf("304: status %d, Cache-Control %q, Content-Type %q; want 304, the site's, none",
			res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
	// The edge's shared values were not written into.
	if !slices.Equal(hdrFrame, []string{"SAMEORIGIN"}) || !slices.Equal(hdrVaryEncoding, []string{"Accept-Encoding"}) {
		t.Errorf("shared header values changed: %q, %q", hdrFrame, hdrVaryEncoding)
	}
}

// TestSiteHeadersNotOnFailures: a 5xx is the edge's, and gets none of
// the site's headers: a CDN must not keep it for the site's max-age.
func TestSiteHeadersNotOnFailures(t *testing.T) {
	t.Parallel()
	for _, slowPath := range []bool{false, true} {
		b := setup(t, nil)
		b.srv.slowPath = slowPath
		headers, err := rules.ParseHeaders(strings.NewReader(siteHeaders))
		if err != nil {
			t.Fatal(err)
		}
		b.f.deploy("site1", "d2", basicFiles(), func(m *deployer.Manifest) {
			m.Headers = headers
			m.Files["ghost.txt"] = deployer.FileEntry{SHA256: sum("ghost"), Size: 5, ContentType: "text/plain"}
		})
		b.f.promote("site1", "d2", "d1", b.clock.Now())
		b.srv.Invalidate("site1")
		res := do(t, b.srv, http.MethodGet, origin+"/ghost.txt")
		if res.StatusCode != http.StatusInternalServerError || res.Header.Get("Cache-Control") == "public, max-age=600" || res.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("slow path %v: %d, Cache-Control %q, X-Frame-Options %q; want 500 with the edge's headers",
				slowPath, res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("X-Frame-Options"))
		}
	}
}

// TestSiteHeadersOnPreview: a preview keeps its noindex beside the site's
// X-Robots-Tag.
func TestSiteHeadersOnPreview(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.f.route("a.sites.test", "site1")
	headers, err := rules.ParseHeaders(strings.NewReader(siteHeaders))
	if err != nil {
		t.Fatal(err)
	}
	b.f.deploy("site1", "20261124T120000Z-0a1b2c3d", basicFiles(), func(m *deployer.Manifest) { m.Headers = headers })
	res := do(t, b.srv, http.MethodGet, "http://20261124t120000z-0a1b2c3d--a.sites.test/")
	if got, want := res.Header.Values("X-Robots-Tag"), []string{"noindex, nofollow", "noarchive"}; res.StatusCode != http.StatusOK || !slices.Equal(got, want) {
		t.Errorf("preview: %d, X-Robots-Tag %q; want 200 and %q", res.StatusCode, got, want)
	}
	if got, want := res.Header.Values("X-Frame-Options"), []string{"DENY"}; !slices.Equal(got, want) {
		t.Errorf("preview: X-Frame-Options %q, want %q", got, want)
	}
}

// TestRedirectRuleConformance serves the rules of siteRedirects.
func TestRedirectRuleConformance(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.CountryHeader = "cloudfront-viewer-country" })
	withSiteRules(t, b)
	tests := []struct {
		path     string
		header   []string
		status   int
		location string
		vary     []string
	}{
		{"/ads?x=1", nil, 301, "/blog/post.html?x=1#top", nil},
		{"/ads", nil, 301, "/blog/post.html#top", nil},
		{"/store?id=42&utm=a", nil, 301, "/products/42?id=42&utm=a", nil},
		{"/store", nil, 404, "", nil},
		{"/th%C3%A9", nil, 302, "/about/", nil},
		{"/th%c3%a9", nil, 302, "/about/", nil},
		{"/thé", nil, 302, "/about/", nil},
		{"/lang/x", []string{"Accept-Language: fr-CA,en;q=0.5"}, 302, "/about/", []string{"Accept-Language"}},
		{"/lang/x", []string{"Accept-Language: en"}, 404, "", []string{"Accept-Language"}},
		{"/geo/", []string{"CloudFront-Viewer-Country: US"}, 200, "", []string{"Cloudfront-Viewer-Country"}},
		{"/geo/", []string{"CloudFront-Viewer-Country: FR"}, 302, "/about/", []string{"Cloudfront-Viewer-Country"}},
		{"/geo/", nil, 302, "/about/", []string{"Cloudfront-Viewer-Country"}},
		// A file answers /about/ and the rule is not forced: no rule is
		// weighed, nothing varies.
		{"/about/", []string{"Accept-Language: de"}, 200, "", nil},
	}
	for _, tt := range tests {
		res := do(t, b.srv, http.MethodGet, origin+tt.path, tt.header...)
		if res.StatusCode != tt.status || res.Header.Get("Location") != tt.location {
			t.Errorf("GET %s %q: %d, Location %q; want %d, %q", tt.path, tt.header, res.StatusCode, res.Header.Get("Location"), tt.status, tt.location)
		}
		vary := slices.DeleteFunc(res.Header.Values("Vary"), func(v string) bool { return v == "Accept-Encoding" })
		if !slices.Equal(vary, tt.vary) {
			t.Errorf("GET %s %q: Vary %q, want %q", tt.path, tt.header, vary, tt.vary)
		}
	}
	// Without a country header configured, Country conditions never
	// match and nothing varies on a header no one set.
	b2 := setup(t, nil)
	withSiteRules(t, b2)
	res := do(t, b2.srv, http.MethodGet, origin+"/geo/", "CloudFront-Viewer-Country: US")
	if res.StatusCode != http.StatusFound || len(res.Header.Values("Vary")) != 0 {
		t.Errorf("no CountryHeader: %d, Vary %q; want 302 to the fallback, no Vary", res.StatusCode, res.Header.Values("Vary"))
	}
}

// TestRawPathMatchesOrdinaryPathWithSiteRules compares the raw path with
// the ordinary one, as TestRawPathMatchesOrdinaryPath does, on a deploy
// with header rules that replace the edge's defaults, conditional
// redirect rules and a Last-Modified, with If-Modified-Since requests.
func TestRawPathMatchesOrdinaryPathWithSiteRules(t *testing.T) {
	t.Parallel()
	edit := func(c *Config) { c.CountryHeader = "CF-IPCountry" }
	fast, slow := setup(t, edit), setup(t, edit)
	slow.srv.slowPath = true
	withSiteRules(t, fast)
	withSiteRules(t, slow)
	fastAddr := strings.TrimPrefix(serveTCP(t, fast.srv, NewListener), "http://")
	slowAddr := strings.TrimPrefix(serveTCP(t, slow.srv, NewListener), "http://")
	paths := []string{"/", "/about/", "/css/site.abc123.css", "/data.txt", "/geo/", "/lang/x", "/caf%C3%A9/", "/caf%c3%a9/", "/th%c3%a9", "/ads?x=1", "/store?id=1"}
	heads := []string{
		"",
		"Accept-Encoding: gzip\r\n",
		"Accept-Encoding: br, gzip\r\nAccept-Language: fr\r\nCF-IPCountry: CA\r\n",
		"CF-IPCountry: DE\r\n",
		`If-None-Match: "` + sum("0123456789") + `"` + "\r\n",
		"If-Modified-Since: " + created.Format(http.TimeFormat) + "\r\n",
		"If-Modified-Since: " + created.Add(-time.Second).Format(http.TimeFormat) + "\r\n",
		"If-Modified-Since: " + created.Add(time.Hour).Format(http.TimeFormat) + "\r\nAccept-Encoding: gzip\r\n",
		`If-None-Match: "x"` + "\r\nIf-Modified-Since: " + created.Add(time.Hour).Format(http.TimeFormat) + "\r\n",
		"If-Modified-Since: yesterday\r\n",
		"If-Unmodified-Since: " + created.Add(-time.Hour).Format(http.TimeFormat) + "\r\n",
		"If-Unmodified-Since: " + created.Add(time.Hour).Format(http.TimeFormat) + "\r\n",
	}
	for _, method := range []string{"GET", "HEAD"} {
		for _, p := range paths {
			for _, h := range heads {
				raw := method + " " + p + " HTTP/1.1\r\nHost: a.example.com\r\n" + h + "\r\n"
				got, want := roundTrip(t, fastAddr, raw), roundTrip(t, slowAddr, raw)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%q: raw path differs (-want +got):\n%s", raw, diff)
				}
			}
		}
	}
	// And the raw path did answer some of them: a warm GET with site
	// headers is still a raw answer.
	if got := roundTrip(t, fastAddr, "GET /css/site.abc123.css HTTP/1.1\r\nHost: a.example.com\r\n\r\n"); got.Header.Get("Vary") != "Origin" {
		t.Errorf("Vary = %q, want Origin", got.Header.Get("Vary"))
	}
}

// TestFastPathMatchesServeContentWithSiteRules is
// TestFastPathMatchesServeContent on the deploy of withSiteRules, with
// If-Modified-Since.
func TestFastPathMatchesServeContentWithSiteRules(t *testing.T) {
	t.Parallel()
	fast, slow := setup(t, nil), setup(t, nil)
	slow.srv.slowPath = true
	withSiteRules(t, fast)
	withSiteRules(t, slow)
	imss := []string{"", created.Format(http.TimeFormat), created.Add(-time.Second).Format(http.TimeFormat),
		created.Add(time.Hour).Format(time.RFC850), created.Format(time.ANSIC), "garbage"}
	for _, method := range []string{"GET", "HEAD"} {
		for _, p := range []string{"/", "/data.txt", "/css/site.abc123.css", "/caf%C3%A9/", "/nope"} {
			for _, ims := range imss {
				for _, inm := range []string{"", `"x"`, `"` + sum("0123456789") + `"`} {
					var hdr []string
					if ims != "" {
						hdr = append(hdr, "If-Modified-Since: "+ims)
					}
					if inm != "" {
						hdr = append(hdr, "If-None-Match: "+inm)
					}
					got := serveAnswer(t, fast.srv, method, origin+p, hdr...)
					want := serveAnswer(t, slow.srv, method, origin+p, hdr...)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s %s %q: fast path differs from ServeContent (-want +got):\n%s", method, p, hdr, diff)
					}
				}
			}
		}
	}
}
