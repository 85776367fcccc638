package edge

import (
	"strings"
	"testing"
)

func TestAdminHandler(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	do(t, b.srv, "GET", origin+"/")
	do(t, b.srv, "GET", origin+"/")
	do(t, b.srv, "GET", origin+"/missing")
	admin := b.srv.AdminHandler()

	res := do(t, admin, "GET", "http://admin/healthz")
	if got, want := body(t, res), "ok\n"; res.StatusCode != 200 || got != want {
		t.Errorf("healthz: %d %q, want 200 %q", res.StatusCode, got, want)
	}
	res = do(t, admin, "GET", "http://admin/metrics")
	if got, want := res.StatusCode, 200; got != want {
		t.Fatalf("metrics: status = %d, want %d", got, want)
	}
	if got, want := res.Header.Get("Content-Type"), "text/plain; version=0.0.4"; !strings.HasPrefix(got, want) {
		t.Errorf("metrics: Content-Type = %q, want %q…", got, want)
	}
	text := body(t, res)
	for _, want := range []string{
		`edge_requests_total{code="200"} 2`,
		`edge_requests_total{code="404"} 1`,
		`edge_request_duration_seconds_bucket{le="+Inf"} 3`,
		"edge_request_duration_seconds_count 3",
		"edge_blob_cache_hits_total 1",
		"edge_blob_cache_misses_total 2",
		"edge_manifest_loads_total 1",
		"# TYPE edge_request_duration_seconds histogram",
		"edge_blob_cache_items 2",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
	if got, want := do(t, admin, "POST", "http://admin/healthz").StatusCode, 405; got != want {
		t.Errorf("POST healthz: status = %d, want %d", got, want)
	}
}

func TestNewHTTPServer(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	hs := NewHTTPServer(":0", b.srv, nil)
	if got, want := hs.ReadHeaderTimeout, ReadHeaderTimeout; got != want {
		t.Errorf("ReadHeaderTimeout = %v, want %v", got, want)
	}
	if got, want := hs.MaxHeaderBytes, 16<<10; got != want {
		t.Errorf("MaxHeaderBytes = %d, want %d", got, want)
	}
	if hs.IdleTimeout == 0 || hs.ErrorLog == nil || hs.Handler != b.srv {
		t.Errorf("server = %+v, want IdleTimeout, ErrorLog and the handler set", hs)
	}
}

func TestBlobCacheLRU(t *testing.T) {
	t.Parallel()
	c := newBlobCache(10)
	c.add(newBlobItem("a", []byte("aaaa")))
	c.add(newBlobItem("b", []byte("bbbb")))
	c.get("a") // a is now the most recently used
	c.add(newBlobItem("c", []byte("cccc")))
	if _, ok := c.get("b"); ok {
		t.Error("b was not evicted")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	c.add(newBlobItem("huge", make([]byte, 11)))
	if _, ok := c.get("huge"); ok {
		t.Error("a blob above the bound was cached")
	}
	if n, items := c.size(); n != 8 || items != 2 {
		t.Errorf("size = %d bytes, %d items; want 8, 2", n, items)
	}
}
