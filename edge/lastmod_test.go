package edge

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLastModified: files carry their deploy's creation time as
// Last-Modified, and If-Modified-Since gets a 304 when the deploy is not
// newer, unless If-None-Match is there, which takes precedence (RFC 9110
// §13.2.2). The same on the raw path, over TCP, and in-process.
func TestLastModified(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	withSiteRules(t, b)
	addr := strings.TrimPrefix(serveTCP(t, b.srv, NewListener), "http://")
	lm := created.Format(http.TimeFormat)
	at := func(d time.Duration) string { return created.Add(d).Format(http.TimeFormat) }
	etag := `"` + sum("<h1>about</h1>") + `"`
	tests := []struct {
		name   string
		header []string
		status int
	}{
		{"no condition", nil, 200},
		{"the same time", []string{"If-Modified-Since: " + lm}, 304},
		{"a second before", []string{"If-Modified-Since: " + at(-time.Second)}, 200},
		{"later", []string{"If-Modified-Since: " + at(time.Hour)}, 304},
		{"RFC 850 format", []string{"If-Modified-Since: " + created.Format(time.RFC850)}, 304},
		{"not a date", []string{"If-Modified-Since: yesterday"}, 200},
		{"If-None-Match wins over a later date", []string{`If-None-Match: "other"`, "If-Modified-Since: " + at(time.Hour)}, 200},
		{"If-None-Match wins over an earlier date", []string{"If-None-Match: " + etag, "If-Modified-Since: " + at(-time.Hour)}, 304},
		{"If-Unmodified-Since before", []string{"If-Unmodified-Since: " + at(-time.Hour)}, 412},
		{"If-Unmodified-Since after", []string{"If-Unmodified-Since: " + at(time.Hour)}, 200},
	}
	for _, tt := range tests {
		res := do(t, b.srv, http.MethodGet, origin+"/about/", tt.header...)
		raw := "GET /about/ HTTP/1.1\r\nHost: a.example.com\r\n"
		for _, h := range tt.header {
			raw += h + "\r\n"
		}
		wire := roundTrip(t, addr, raw+"\r\n")
		for _, got := range []struct {
			via    string
			status int
			header http.Header
		}{{"in-process", res.StatusCode, res.Header}, {"TCP", wire.Status, wire.Header}} {
			if got.status != tt.status {
				t.Errorf("%s, %s: status %d, want %d", tt.name, got.via, got.status, tt.status)
				continue
			}
			wantLM := lm
			if got.status == http.StatusNotModified {
				wantLM = "" // a 304 has the ETag, and so no Last-Modified, as ServeContent's
			}
			if got.header.Get("Last-Modified") != wantLM {
				t.Errorf("%s, %s: Last-Modified %q, want %q", tt.name, got.via, got.header.Get("Last-Modified"), wantLM)
			}
			if got.status == http.StatusNotModified && got.header.Get("Etag") != etag {
				t.Errorf("%s, %s: 304 with ETag %q, want %q", tt.name, got.via, got.header.Get("Etag"), etag)
			}
		}
	}
	// A 404 page is never a 304 and has no Last-Modified.
	res := do(t, b.srv, http.MethodGet, origin+"/nothing", "If-Modified-Since: "+at(time.Hour))
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Last-Modified") != "" {
		t.Errorf("404: status %d, Last-Modified %q; want 404 and none", res.StatusCode, res.Header.Get("Last-Modified"))
	}
}

// TestLastModifiedUnknown: a manifest without a creation time gives no
// Last-Modified, and If-Modified-Since is ignored.
func TestLastModifiedUnknown(t *testing.T) {
	t.Parallel()
	b := setup(t, nil) // deploy d1 has no created_at
	addr := strings.TrimPrefix(serveTCP(t, b.srv, NewListener), "http://")
	ims := "If-Modified-Since: " + time.Now().Add(time.Hour).Format(http.TimeFormat)
	res := do(t, b.srv, http.MethodGet, origin+"/about/", ims)
	wire := roundTrip(t, addr, "GET /about/ HTTP/1.1\r\nHost: a.example.com\r\n"+ims+"\r\n\r\n")
	for _, got := range []struct {
		status int
		lm     string
	}{{res.StatusCode, res.Header.Get("Last-Modified")}, {wire.Status, wire.Header.Get("Last-Modified")}} {
		if got.status != http.StatusOK || got.lm != "" {
			t.Errorf("status %d, Last-Modified %q; want 200 and none", got.status, got.lm)
		}
	}
}
