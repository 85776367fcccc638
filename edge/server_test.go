package edge

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const origin = "http://a.example.com"

func TestServeFile(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	res := do(t, b.srv, "GET", origin+"/")
	if got, want := res.StatusCode, 200; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got, want := body(t, res), "<h1>home</h1>"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Content-Length":         "13",
		"ETag":                   `"` + sum("<h1>home</h1>") + `"`,
		"Cache-Control":          "public, max-age=0, must-revalidate",
		"X-Deploy-Id":            "d1",
		"Surrogate-Key":          "site-site1 deploy-d1",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "SAMEORIGIN",
		"Vary":                   "Accept-Encoding",
		"Accept-Ranges":          "bytes",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"Permissions-Policy"} {
		if res.Header.Get(k) == "" {
			t.Errorf("%s missing", k)
		}
	}
	for _, k := range []string{"Strict-Transport-Security", "Content-Encoding", "Last-Modified"} {
		if got := res.Header.Get(k); got != "" {
			t.Errorf("%s = %q, want none", k, got)
		}
	}
}

func TestServeHead(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	res := do(t, b.srv, "HEAD", origin+"/data.txt")
	if got, want := res.StatusCode, 200; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got, want := res.Header.Get("Content-Length"), "10"; got != want {
		t.Errorf("Content-Length = %q, want %q", got, want)
	}
	if got := body(t, res); got != "" {
		t.Errorf("body = %q, want empty", got)
	}
}

func TestContentTypeGuessed(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	res := do(t, b.srv, "GET", origin+"/raw")
	if got, want := res.Header.Get("Content-Type"), "application/octet-stream"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
}

func TestHSTSOnlyOverHTTPS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		tls      bool
		proto    string
		trust    bool
		wantHSTS bool
	}{
		{name: "http", wantHSTS: false},
		{name: "https", tls: true, wantHSTS: true},
		{name: "forwarded untrusted", proto: "https", wantHSTS: false},
		{name: "forwarded trusted", proto: "https", trust: true, wantHSTS: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(c *Config) { c.TrustForwardedProto = tc.trust })
			r := httptest.NewRequest("GET", origin+"/", nil)
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			w := httptest.NewRecorder()
			b.srv.ServeHTTP(w, r)
			if got := w.Header().Get("Strict-Transport-Security") != ""; got != tc.wantHSTS {
				t.Errorf("HSTS sent = %v, want %v", got, tc.wantHSTS)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "PATCH"} {
		res := do(t, b.srv, m, origin+"/")
		if got, want := res.StatusCode, http.StatusMethodNotAllowed; got != want {
			t.Errorf("%s: status = %d, want %d", m, got, want)
		}
		if got, want := res.Header.Get("Allow"), "GET, HEAD"; got != want {
			t.Errorf("%s: Allow = %q, want %q", m, got, want)
		}
	}
}

func TestUnknownHost(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.f.route("empty.example.com", "site2") // routed, but nothing promoted
	for _, tc := range []struct {
		host string
		want int
	}{
		{"nope.example.com", 404}, {"empty.example.com", 404}, {"sites.test", 404}, {"", 404},
		// A Host no route could hold is a bad request (RFC 9112 §3.2).
		{"bad host", 400}, {"a..b", 400},
	} {
		host := tc.host
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		w := httptest.NewRecorder()
		b.srv.ServeHTTP(w, r)
		if got, want := w.Code, tc.want; got != want {
			t.Errorf("host %q: status = %d, want %d", host, got, want)
		}
		if got := w.Body.Len(); got > 64 {
			t.Errorf("host %q: body of %d bytes, want a small one", host, got)
		}
		if got := w.Header().Get("X-Deploy-Id"); got != "" {
			t.Errorf("host %q: X-Deploy-Id = %q, want none", host, got)
		}
	}
}

func TestHostCaseAndPort(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, host := range []string{"A.Example.COM", "a.example.com:8081", "a.example.com."} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		w := httptest.NewRecorder()
		b.srv.ServeHTTP(w, r)
		if got, want := w.Code, 200; got != want {
			t.Errorf("host %q: status = %d, want %d", host, got, want)
		}
	}
}

func TestWarmHitMakesNoStoreRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, p := range []string{"/", "/css/site.abc123.css", "/blog/missing"} {
		do(t, b.srv, "GET", origin+p, "Accept-Encoding: br")
	}
	before := b.store.calls.Load()
	if before == 0 {
		t.Fatal("cold requests made no store request")
	}
	b.clock.Advance(time.Second) // still within PollInterval
	for _, p := range []string{"/", "/css/site.abc123.css", "/blog/missing"} {
		res := do(t, b.srv, "GET", origin+p, "Accept-Encoding: br")
		if res.StatusCode != 200 && res.StatusCode != 404 {
			t.Fatalf("%s: status %d", p, res.StatusCode)
		}
	}
	if got := b.store.calls.Load() - before; got != 0 {
		t.Errorf("warm requests made %d store requests, want 0", got)
	}
}

func TestPromotePickedUpWithinPollInterval(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	files := basicFiles()
	files["index.html"] = file{body: "<h1>v2</h1>", ctype: "text/html"}
	b.f.deploy("site1", "d2", files, nil)
	if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), "d1"; got != want {
		t.Fatalf("before promote: deploy %q, want %q", got, want)
	}
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.clock.Advance(time.Second)
	if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), "d1"; got != want {
		t.Errorf("within the interval: deploy %q, want %q (cached)", got, want)
	}
	b.clock.Advance(time.Second)
	res := do(t, b.srv, "GET", origin+"/")
	if got, want := res.Header.Get("X-Deploy-Id"), "d2"; got != want {
		t.Errorf("after the interval: deploy %q, want %q", got, want)
	}
	if got, want := body(t, res), "<h1>v2</h1>"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	// Rollback is the same swap.
	b.f.promote("site1", "d1", "d2", b.clock.Now())
	b.srv.Invalidate("site1")
	if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), "d1"; got != want {
		t.Errorf("after rollback + Invalidate: deploy %q, want %q", got, want)
	}
}

func TestInvalidateReloadsAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.PollInterval = time.Hour })
	do(t, b.srv, "GET", origin+"/")
	b.f.deploy("site1", "d2", basicFiles(), nil)
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), "d1"; got != want {
		t.Fatalf("before Invalidate: deploy %q, want %q", got, want)
	}
	b.srv.Invalidate("site1")
	b.srv.Invalidate("no-such-site") // ignored
	if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), "d2"; got != want {
		t.Errorf("after Invalidate: deploy %q, want %q", got, want)
	}
}

func TestHostRoutingCachedAndInvalidated(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	if got, want := do(t, b.srv, "GET", "http://new.example.com/").StatusCode, 404; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	b.f.route("new.example.com", "site1")
	if got, want := do(t, b.srv, "GET", "http://new.example.com/").StatusCode, 404; got != want {
		t.Errorf("negative cache: status = %d, want %d", got, want)
	}
	b.srv.InvalidateHost("New.Example.com:443")
	if got, want := do(t, b.srv, "GET", "http://new.example.com/").StatusCode, 200; got != want {
		t.Errorf("after InvalidateHost: status = %d, want %d", got, want)
	}
}

func TestStoreOutageKeepsServingCachedDeploy(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	do(t, b.srv, "GET", origin+"/")
	b.store.fail.Store(true)
	b.clock.Advance(time.Minute)
	res := do(t, b.srv, "GET", origin+"/")
	if got, want := res.StatusCode, 200; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	// A cold site with the store down is unavailable, not missing.
	res = do(t, b.srv, "GET", "http://other.example.com/")
	if got, want := res.StatusCode, http.StatusServiceUnavailable; got != want {
		t.Errorf("cold host: status = %d, want %d", got, want)
	}
	if strings.Contains(body(t, res), "store down") {
		t.Error("store error text leaked to the client")
	}
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	b := setup(t, func(c *Config) { c.Logger = slogTo(&buf) })
	do(t, b.srv, "GET", origin+"/about/")
	for _, want := range []string{"host=a.example.com", "path=/about/", "status=200", "bytes=14", "deploy_id=d1", "duration="} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("access log %q lacks %q", buf.String(), want)
		}
	}
}

// TestEmptyLivePointerIsNothingLive: the deployer can leave refs/live
// naming no deploy (a first promote that backed out); that is a site with
// nothing live, not a broken store.
func TestEmptyLivePointerIsNothingLive(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.f.promote("site1", "", "", b.clock.Now())
	b.srv.Invalidate("site1")
	if res := do(t, b.srv, "GET", origin+"/"); res.StatusCode != 404 {
		t.Errorf("GET / with an empty live pointer = %d, want 404", res.StatusCode)
	}
}
