package edge

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
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

// BenchmarkServeTCP measures whole requests over loopback TCP, as a
// client sees them: net/http, NewListener and the edge, warm. The client
// sends raw requests on one keep-alive connection and allocates nothing,
// so allocs/op are the server's.
func BenchmarkServeTCP(b *testing.B) {
	bd := setup(b, nil)
	bd.srv.log = slog.New(slog.DiscardHandler)
	page := strings.Repeat("<p>lorem ipsum dolor sit amet</p>\n", 200) // 6.8 KiB: held
	bd.f.deploy("site1", "d2", map[string]file{"index.html": {body: page, ctype: "text/html; charset=utf-8"}}, nil)
	bd.f.promote("site1", "d2", "d1", bd.clock.Now())
	bd.srv.Invalidate("site1")
	hs := NewHTTPServer("", bd.srv, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go hs.Serve(NewListener(ln))
	defer hs.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET / HTTP/1.1\r\nHost: a.example.com\r\nAccept-Encoding: gzip\r\n\r\n")
	br := bufio.NewReaderSize(c, 64<<10)
	roundTrip := func() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		n := -1
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			if len(line) == 2 {
				break
			}
			if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
				n, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
			}
		}
		if n != len(page) {
			b.Fatalf("Content-Length %d, want %d", n, len(page))
		}
		if _, err := br.Discard(n); err != nil {
			b.Fatal(err)
		}
	}
	roundTrip()
	b.ReportAllocs()
	for b.Loop() {
		roundTrip()
	}
}
