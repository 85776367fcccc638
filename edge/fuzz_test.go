package edge

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/igny8/igny8/storage"
)

// fuzzFiles is the only namespace FuzzServePath may ever see served.
func fuzzFiles() map[string]file {
	return map[string]file{
		"index.html":      {body: "F:index"},
		"a/index.html":    {body: "F:a"},
		"a/b.txt":         {body: "F:a/b"},
		"a/404.html":      {body: "F:a/404"},
		"404.html":        {body: "F:404"},
		"x y/é.html":      {body: "F:unicode"},
		"assets/app.1.js": {body: "F:js", immutable: true, encoded: map[string]string{"br": "F:js.br", "gzip": "F:js.gz"}},
	}
}

// FuzzServePath sends arbitrary paths and checks that every response is a
// file of the manifest at the cleaned path, a redirect to a path of the same
// site, or a 4xx, and never anything else in the bucket.
func FuzzServePath(f *testing.F) {
	fx := newFixture(f)
	fx.route("f.example.com", "fz")
	fx.deploy("fz", "d1", fuzzFiles(), nil)
	c := newClock()
	fx.promote("fz", "d1", "", c.Now())
	fx.put(storage.SiteBucket("fz"), "secret.txt", []byte("SECRET"))
	srv := New(Config{Store: fx.store, Now: c.Now})
	bodies := map[string]string{}
	for p, fl := range fuzzFiles() {
		bodies[fl.body] = p
		for _, v := range fl.encoded {
			bodies[v] = p
		}
	}

	for _, seed := range []string{
		"/", "/a", "/a/", "/a/b.txt", "/../secret.txt", "/%2e%2e/secret.txt", "/a%2fb.txt",
		"/refs/live", "/deploys/d1.json", "//evil.com", "/\\evil.com", "/a/..%2f..%2fsecret.txt",
		"/x%20y/%C3%A9.html", "/a/./b.txt", "/%00", "/assets/app.1.js", "/a/missing",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		var reqs []*http.Request
		if r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + p + " HTTP/1.1\r\nHost: f.example.com\r\n\r\n"))); err == nil {
			reqs = append(reqs, r)
		}
		// The decoded path as a proxy might hand it over, unescaped.
		r := httptest.NewRequest("GET", "http://f.example.com/", nil)
		r.URL = &url.URL{Path: p}
		reqs = append(reqs, r)
		for _, r := range reqs {
			r.Header.Set("Accept-Encoding", "br, gzip")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			checkFuzzResponse(t, r, w, bodies)
		}
	})
}

func checkFuzzResponse(t *testing.T, r *http.Request, w *httptest.ResponseRecorder, bodies map[string]string) {
	t.Helper()
	got := w.Body.String()
	switch code := w.Code; {
	case code == http.StatusOK:
		key, ok := bodies[got]
		if !ok {
			t.Fatalf("%q: 200 with a body from outside the manifest: %q", r.URL.Path, got)
		}
		clean := path.Clean(r.URL.Path)
		if strings.HasSuffix(r.URL.Path, "/") && clean != "/" {
			clean += "/"
		}
		if r.URL.Path != clean {
			t.Fatalf("%q: 200 for an unclean path", r.URL.Path)
		}
		k := strings.TrimPrefix(clean, "/")
		if key != k && key != k+"index.html" && key != k+"/index.html" {
			t.Fatalf("%q: served %q, not the file at the cleaned path", r.URL.Path, key)
		}
	case code >= 300 && code < 400:
		loc := w.Header().Get("Location")
		u, err := url.Parse(loc)
		if err != nil || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || u.Host != "" || u.Scheme != "" {
			t.Fatalf("%q: redirect off the site: %q", r.URL.Path, loc)
		}
	case code >= 400 && code < 500:
		if strings.Contains(got, "SECRET") || strings.Contains(got, "deploy_id") {
			t.Fatalf("%q: %d leaks %q", r.URL.Path, code, got)
		}
	default:
		t.Fatalf("%q: status %d, want 200, 3xx or 4xx", r.URL.Path, code)
	}
}
