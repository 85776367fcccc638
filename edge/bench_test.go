package edge

import (
	"io"
	"net/http/httptest"
	"testing"
)

// BenchmarkServeWarm measures a warm hit: routing, manifest and blob all in
// memory.
func BenchmarkServeWarm(b *testing.B) {
	bd := setup(b, nil)
	bd.srv.log = slogTo(io.Discard)
	r := httptest.NewRequest("GET", origin+"/css/site.abc123.css", nil)
	r.Header.Set("Accept-Encoding", "br, gzip")
	bd.srv.ServeHTTP(httptest.NewRecorder(), r)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		bd.srv.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}
