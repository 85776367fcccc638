package edge

import (
	"net/http"
	"strings"
	"testing"

	"github.com/igny8/igny8/deployer"
)

func TestNotFoundNearestPage(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, tc := range []struct {
		path, body string
	}{
		{"/blog/x/y", "blog 404"},
		{"/blog/x/", "blog 404"},
		{"/blog/nope", "blog 404"},
		{"/nope", "root 404"},
		{"/a/b/c/d.png", "root 404"},
		{"/blog", "root 404"}, // no blog/index.html: a file "blog" in the root
	} {
		res := do(t, b.srv, "GET", origin+tc.path)
		if got, want := res.StatusCode, 404; got != want {
			t.Errorf("%s: status = %d, want %d", tc.path, got, want)
		}
		if got := body(t, res); got != tc.body {
			t.Errorf("%s: body = %q, want %q", tc.path, got, tc.body)
		}
		if got, want := res.Header.Get("X-Deploy-Id"), "d1"; got != want {
			t.Errorf("%s: X-Deploy-Id = %q, want %q", tc.path, got, want)
		}
		if got := res.Header.Get("ETag"); got != "" {
			t.Errorf("%s: 404 has ETag %q", tc.path, got)
		}
	}
	res := do(t, b.srv, "HEAD", origin+"/nope")
	if got := body(t, res); res.StatusCode != 404 || got != "" {
		t.Errorf("HEAD 404: %d %q", res.StatusCode, got)
	}
}

func TestNotFoundFallbacks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.route("m.example.com", "site1")
	f.route("n.example.com", "site2")
	f.deploy("site1", "d1", map[string]file{"index.html": {body: "i"}, "errors/missing.html": {body: "custom"}},
		func(m *deployer.Manifest) { m.NotFound = "errors/missing.html" })
	f.deploy("site2", "d1", map[string]file{"index.html": {body: "i"}}, nil)
	c := newClock()
	f.promote("site1", "d1", "", c.Now())
	f.promote("site2", "d1", "", c.Now())
	srv := New(Config{Store: f.store, Now: c.Now})
	res := do(t, srv, "GET", "http://m.example.com/x/y")
	if got, want := body(t, res), "custom"; res.StatusCode != 404 || got != want {
		t.Errorf("Manifest.NotFound: %d %q, want 404 %q", res.StatusCode, got, want)
	}
	res = do(t, srv, "GET", "http://n.example.com/x/y")
	if got, want := body(t, res), "not found\n"; res.StatusCode != 404 || got != want {
		t.Errorf("no 404 page: %d %q, want 404 %q", res.StatusCode, got, want)
	}
}

func TestURLPolicy(t *testing.T) {
	t.Parallel()
	files := map[string]file{
		"index.html":     {body: "home"},
		"a/index.html":   {body: "a"},
		"b.html":         {body: "b"},
		"c/index.html":   {body: "c"},
		"c/d/index.html": {body: "d"},
		"style.css":      {body: "css"},
	}
	type step struct {
		path   string
		status int
		body   string // or Location for a redirect
	}
	for _, tc := range []struct {
		name   string
		policy deployer.URLPolicy
		steps  []step
	}{
		{"always", deployer.URLPolicy{TrailingSlash: "always"}, []step{
			{"/", 200, "home"},
			{"/a", 301, "/a/"},
			{"/a?x=1", 301, "/a/?x=1"},
			{"/a/", 200, "a"},
			{"/c/d", 301, "/c/d/"},
			{"/b.html", 200, "b"},
			{"/b", 404, ""},
			{"/style.css", 200, "css"},
			{"/index.html", 200, "home"},
		}},
		{"never", deployer.URLPolicy{TrailingSlash: "never"}, []step{
			{"/", 200, "home"},
			{"/a", 200, "a"},
			{"/a/", 301, "/a"},
			{"/c/d/", 301, "/c/d"},
		}},
		{"both", deployer.URLPolicy{}, []step{
			{"/a", 200, "a"},
			{"/a/", 200, "a"},
		}},
		{"pretty", deployer.URLPolicy{TrailingSlash: "always", PrettyHTML: true}, []step{
			{"/b", 200, "b"},
			{"/b.html", 301, "/b"},
			{"/b/", 301, "/b"},
			{"/a", 301, "/a/"},
			{"/a/index.html", 200, "a"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.route("p.example.com", "site1")
			f.deploy("site1", "d1", files, func(m *deployer.Manifest) { m.URLPolicy = tc.policy })
			c := newClock()
			f.promote("site1", "d1", "", c.Now())
			srv := New(Config{Store: f.store, Now: c.Now})
			for _, st := range tc.steps {
				res := do(t, srv, "GET", "http://p.example.com"+st.path)
				if got := res.StatusCode; got != st.status {
					t.Errorf("%s: status = %d, want %d", st.path, got, st.status)
					continue
				}
				switch st.status {
				case 301:
					if got := res.Header.Get("Location"); got != st.body {
						t.Errorf("%s: Location = %q, want %q", st.path, got, st.body)
					}
				case 200:
					if got := body(t, res); got != st.body {
						t.Errorf("%s: body = %q, want %q", st.path, got, st.body)
					}
				}
			}
		})
	}
}

func TestHostilePaths(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	long := "/" + strings.Repeat("a/", 1100)
	for _, tc := range []struct {
		raw    string // request target as sent
		status int
		loc    string
	}{
		{"/../../etc/passwd", 301, "/etc/passwd"},
		{"/about/../index.html", 301, "/index.html"},
		{"//evil.com/", 301, "/evil.com/"},
		{"/./about/", 301, "/about/"},
		{"/%2e%2e/%2e%2e/etc/passwd", 301, "/etc/passwd"},
		{"/about%2findex.html", 400, ""},
		{"/about%2Findex.html", 400, ""},
		{"/about%5cindex.html", 400, ""},
		{"/about\\index.html", 400, ""},
		{"/about%00", 400, ""},
		{"/a%0d%0aSet-Cookie:x", 400, ""},
		{"/%ff%fe", 400, ""},
		{long, http.StatusRequestURITooLong, ""},
	} {
		r := newRawRequest(t, tc.raw)
		w := newRecorder()
		b.srv.ServeHTTP(w, r)
		if got := w.Code; got != tc.status {
			t.Errorf("%q: status = %d, want %d", trunc(tc.raw), got, tc.status)
		}
		if got := w.Header().Get("Location"); got != tc.loc {
			t.Errorf("%q: Location = %q, want %q", trunc(tc.raw), got, tc.loc)
		}
	}
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
