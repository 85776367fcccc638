package edge

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
)

// wireAnswer is a response as read off the wire, less its Date.
type wireAnswer struct {
	Status int
	Proto  string
	Header http.Header
	Body   string
	Close  bool // the server closes the connection after it
}

// roundTrip sends a raw request on a new connection to addr and reads one
// response.
func roundTrip(t *testing.T, addr, raw string) wireAnswer {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return roundTripReq(t, addr, raw, req)
}

func roundTripReq(t *testing.T, addr, raw string, req *http.Request) wireAnswer {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	res.Header.Del("Date")
	return wireAnswer{res.StatusCode, res.Proto, res.Header, string(b), res.Close}
}

// withRules deploys basicFiles with _headers and _redirects rules over
// some of its paths, for the raw path to leave alone.
func withRules(tb testing.TB, b *testBundle) {
	tb.Helper()
	redirects, err := rules.ParseRedirects(strings.NewReader("/blog/post.html /about/ 301!\n/raw /about/ 302\n"), "_redirects")
	if err != nil {
		tb.Fatal(err)
	}
	headers, err := rules.ParseHeaders(strings.NewReader("/css/*\n  X-Asset: yes\n"))
	if err != nil {
		tb.Fatal(err)
	}
	b.f.deploy("site1", "d2", basicFiles(), func(m *deployer.Manifest) { m.Redirects, m.Headers = redirects, headers })
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
}

// TestRawPathMatchesOrdinaryPath sends the same raw requests over TCP to
// a server and to one whose files all go through http.ServeContent, and
// wants the same responses on the wire: status, every header but Date,
// body, and whether the connection stays open.
func TestRawPathMatchesOrdinaryPath(t *testing.T) {
	t.Parallel()
	for _, withRulesToo := range []bool{false, true} {
		fast, slow := setup(t, nil), setup(t, nil)
		slow.srv.slowPath = true
		if withRulesToo {
			withRules(t, fast)
			withRules(t, slow)
		}
		fastAddr := strings.TrimPrefix(serveTCP(t, fast.srv, NewListener), "http://")
		slowAddr := strings.TrimPrefix(serveTCP(t, slow.srv, NewListener), "http://")
		paths := []string{"/", "/about/", "/about", "/css/site.abc123.css", "/data.txt", "/raw", "/blog/post.html", "/nope", "/a/../about/", "/%2e%2e/x"}
		heads := []string{
			"",
			"Accept-Encoding: gzip\r\n",
			"Accept-Encoding: br, gzip\r\n",
			"Accept-Encoding: br;q=0\r\n",
			"Connection: keep-alive\r\nAccept-Encoding: gzip\r\n",
			"Connection: close\r\nAccept-Encoding: gzip\r\n",
			"Connection: Upgrade\r\nUpgrade: h2c\r\n",
			"Range: bytes=0-3\r\n",
			`If-None-Match: "` + sum("<h1>about</h1>") + `"` + "\r\n",
			`If-None-Match: W/"` + sum("<h1>home</h1>") + `"` + "\r\n",
			`If-None-Match: "x", "` + sum("<h1>home</h1>") + `-gzip"` + "\r\nAccept-Encoding: gzip\r\n",
			`If-None-Match: "` + sum("<h1>home</h1>") + `-gzip"` + "\r\n", // identity asked for: no match
			"If-None-Match: *\r\n",
			`If-None-Match: "other"` + "\r\n",
			"X-Forwarded-Proto: https\r\n",
		}
		for _, method := range []string{"GET", "HEAD"} {
			for _, proto := range []string{"HTTP/1.1", "HTTP/1.0"} {
				for _, p := range paths {
					for _, h := range heads {
						raw := method + " " + p + " " + proto + "\r\nHost: a.example.com\r\n" + h + "\r\n"
						got, want := roundTrip(t, fastAddr, raw), roundTrip(t, slowAddr, raw)
						if diff := cmp.Diff(want, got); diff != "" {
							t.Errorf("rules %v, %q: raw path differs (-want +got):\n%s", withRulesToo, raw, diff)
						}
					}
				}
			}
		}
	}
}

// FuzzRawPath sends arbitrary paths, Accept-Encoding and If-None-Match
// headers over TCP
// to a server and to one whose files all go through http.ServeContent,
// and wants the same responses on the wire; both on the basic deploy and
// on one with site headers, conditional redirects and a Last-Modified
// (withSiteRules).
func FuzzRawPath(f *testing.F) {
	home := `"` + sum("<h1>home</h1>")
	for _, seed := range [][3]string{
		{"/", "gzip", ""}, {"/about/", "", ""}, {"/about", "br", ""}, {"/css/site.abc123.css?v=1", "gzip;q=0", ""},
		{"/blog/post.html", "*", ""}, {"/%2e%2e/x", "", ""}, {"//raw", "x-gzip", ""}, {"/data.txt#x", "br, gzip", ""},
		{"/", "br", home + `-br"`}, {"/", "", home + `"`}, {"/", "gzip", `W/` + home + `-gzip", "x"`}, {"/about/", "", "*"},
		{"/geo/", "gzip", ""}, {"/caf%c3%a9/", "", ""}, {"/data.txt", "gzip", `"` + sum("0123456789") + `-gzip"`}, {"/store?id=1", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	var fastAddr, slowAddr, fastRulesAddr, slowRulesAddr string
	fast, slow := setup(f, nil), setup(f, nil)
	slow.srv.slowPath = true
	fastRules, slowRules := setup(f, nil), setup(f, nil)
	slowRules.srv.slowPath = true
	withSiteRules(f, fastRules)
	withSiteRules(f, slowRules)
	for _, b := range []*testBundle{fast, slow, fastRules, slowRules} {
		b.srv.log = slog.New(slog.DiscardHandler)
		hs := NewHTTPServer("", b.srv, nil)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			f.Fatal(err)
		}
		go hs.Serve(NewListener(ln))
		f.Cleanup(func() { hs.Close() })
		switch b {
		case fast:
			fastAddr = ln.Addr().String()
		case slow:
			slowAddr = ln.Addr().String()
		case fastRules:
			fastRulesAddr = ln.Addr().String()
		default:
			slowRulesAddr = ln.Addr().String()
		}
	}
	f.Fuzz(func(t *testing.T, p, accept, inm string) {
		raw := "GET " + p + " HTTP/1.1\r\nHost: a.example.com\r\nAccept-Encoding: " + accept + "\r\nIf-None-Match: " + inm + "\r\n\r\n"
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil || req.RequestURI != p || len(req.Header) != 2 ||
			req.Header.Get("Accept-Encoding") != strings.TrimSpace(accept) || req.Header.Get("If-None-Match") != strings.TrimSpace(inm) {
			return // not one well-formed request with just those headers
		}
		got, want := roundTripReq(t, fastAddr, raw, req), roundTripReq(t, slowAddr, raw, req)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: raw path differs (-want +got):\n%s", raw, diff)
		}
		got, want = roundTripReq(t, fastRulesAddr, raw, req), roundTripReq(t, slowRulesAddr, raw, req)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q, with site rules: raw path differs (-want +got):\n%s", raw, diff)
		}
	})
}

// TestRawPathKeepAliveAndPipelining sends pipelined requests on one
// connection and wants every response, in order, and the connection
// still usable after.
func TestRawPathKeepAliveAndPipelining(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	addr := strings.TrimPrefix(serveTCP(t, b.srv, NewListener), "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	paths := []string{"/", "/about/", "/css/site.abc123.css", "/nope", "/", "/data.txt"}
	want := []string{"<h1>home</h1>", "<h1>about</h1>", "body{}", "root 404", "GZ:home", "GZ:digits"}
	var reqs strings.Builder
	for i, p := range paths {
		ae := ""
		if i >= 4 {
			ae = "Accept-Encoding: gzip\r\n"
		}
		reqs.WriteString("GET " + p + " HTTP/1.1\r\nHost: a.example.com\r\n" + ae + "\r\n")
	}
	br := bufio.NewReader(c)
	for round := range 2 {
		if _, err := io.WriteString(c, reqs.String()); err != nil {
			t.Fatal(err)
		}
		for i := range paths {
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("round %d, response %d: %v", round, i, err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != want[i] || res.Close {
				t.Errorf("round %d, GET %s: %d %q (close %v), want %q on an open connection", round, paths[i], res.StatusCode, body, res.Close, want[i])
			}
		}
	}
}

// TestSendRaw covers what sendRaw makes of what net/http wrote meanwhile.
func TestSendRaw(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, netHTTP string
		want          string
		closed        bool
	}{
		{"a 204", "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n", "HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody", false},
		{"closing", "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", "HTTP/1.1 200 OK\r\nConnection: close\r\nA: b\r\n\r\nbody", false},
		{"anything else", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", "HTTP/1.1 200 OK\r\nConnection: close\r\nA: b\r\n\r\nbody", true},
		{"nothing", "", "HTTP/1.1 200 OK\r\nConnection: close\r\nA: b\r\n\r\nbody", true},
	} {
		server, client := net.Pipe()
		cc := &conn{Conn: server}
		done := make(chan string)
		go func() {
			b, _ := io.ReadAll(client)
			done <- string(b)
		}()
		cc.sendRaw([]byte("HTTP/1.1 200 OK\r\nA: b\r\n\r\n"), []byte("body"), func() {
			if tc.netHTTP != "" {
				cc.Write([]byte(tc.netHTTP))
			}
		})
		if !tc.closed {
			server.Close()
		}
		if got := <-done; got != tc.want {
			t.Errorf("%s: sent %q, want %q", tc.name, got, tc.want)
		}
		if _, err := server.Write([]byte("x")); tc.closed && err == nil {
			t.Errorf("%s: connection left open", tc.name)
		}
		client.Close()
	}
}

// TestRawPathNotBehindMiddleware: a handler wrapping the Server must see
// every response, so the raw path, which writes past the ResponseWriter,
// stays off.
func TestRawPathNotBehindMiddleware(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	seen := make(chan int, 1) // the status the middleware saw
	mw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Middleware", "yes")
		rec := &recorder{ResponseWriter: w}
		b.srv.ServeHTTP(rec, r)
		seen <- rec.status
	})
	addr := strings.TrimPrefix(serveTCP(t, mw, NewListener), "http://")
	got := roundTrip(t, addr, "GET /about/ HTTP/1.1\r\nHost: a.example.com\r\n\r\n")
	if got.Status != 200 || got.Body != "<h1>about</h1>" || got.Header.Get("X-Middleware") != "yes" {
		t.Errorf("through middleware: %d %q, X-Middleware %q; want 200, the page and the header", got.Status, got.Body, got.Header.Get("X-Middleware"))
	}
	if st := <-seen; st != 200 {
		t.Errorf("middleware saw status %d, want 200", st)
	}
}

// TestRawNotModifiedReadsNoBlob: a 304 on the raw path makes no store
// request.
func TestRawNotModifiedReadsNoBlob(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	addr := strings.TrimPrefix(serveTCP(t, b.srv, NewListener), "http://")
	roundTrip(t, addr, "GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n") // warm routing and manifest
	before := b.store.calls.Load()
	got := roundTrip(t, addr, "GET /about/ HTTP/1.1\r\nHost: a.example.com\r\nIf-None-Match: \""+sum("<h1>about</h1>")+"\"\r\n\r\n")
	if got.Status != http.StatusNotModified || got.Body != "" {
		t.Fatalf("status %d, body %q; want 304 and none", got.Status, got.Body)
	}
	if n := b.store.calls.Load() - before; n != 0 {
		t.Errorf("a raw 304 made %d store requests, want 0", n)
	}
}
