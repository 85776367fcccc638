package edge

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingListener counts the writes made to the connections it accepts.
type countingListener struct {
	net.Listener
	writes atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, writes: &l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// serveTCP serves h with NewHTTPServer on a loopback listener wrapped by
// wrap, until the test ends, and returns the base URL.
func serveTCP(t *testing.T, h http.Handler, wrap func(net.Listener) net.Listener) string {
	t.Helper()
	hs := NewHTTPServer("", h, testLogger(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(wrap(ln)) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	})
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, c *http.Client, url, host string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Host = host
	for _, kv := range header {
		k, v, _ := strings.Cut(kv, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// TestHeldResponseIsOneWrite: through NewListener, a cached file larger
// than net/http's connection buffer leaves in a single write, and a file
// larger than what is held still arrives whole.
func TestHeldResponseIsOneWrite(t *testing.T) {
	t.Parallel()
	mid := strings.Repeat("0123456789abcdef", 1<<10) // 16 KiB
	big := strings.Repeat("fedcba9876543210", 8<<10) // 128 KiB, more than maxHeld
	b := setup(t, nil)
	b.f.deploy("site1", "d2", map[string]file{
		"mid.txt": {body: mid, ctype: "text/plain"},
		"big.txt": {body: big, ctype: "text/plain"},
	}, nil)
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	var cl *countingListener
	base := serveTCP(t, b.srv, func(ln net.Listener) net.Listener {
		cl = &countingListener{Listener: ln}
		return NewListener(cl)
	})
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()

	get(t, client, base+"/mid.txt", "a.example.com") // warm: the blob is cached
	// A keep-alive connection: the count covers exactly the next requests.
	const n = 3
	before := cl.writes.Load()
	for range n {
		res, got := get(t, client, base+"/mid.txt", "a.example.com")
		if res.StatusCode != 200 || got != mid {
			t.Fatalf("GET /mid.txt: %d, %d bytes, want 200 and %d", res.StatusCode, len(got), len(mid))
		}
	}
	// The next request is read only after the previous response's writes.
	get(t, client, base+"/mid.txt", "a.example.com", "If-None-Match: *")
	if got := cl.writes.Load() - before; got != n+1 {
		t.Errorf("%d responses of 16 KiB and a 304 took %d writes, want %d", n, got, n+1)
	}
	for range 2 {
		res, got := get(t, client, base+"/big.txt", "a.example.com")
		if res.StatusCode != 200 || got != big {
			t.Fatalf("GET /big.txt: %d, %d bytes, want 200 and %d", res.StatusCode, len(got), len(big))
		}
	}
}

// TestUnwrappedListenerServes: NewHTTPServer on a plain listener answers
// the same, only without holding.
func TestUnwrappedListenerServes(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 10<<10)
	b := setup(t, nil)
	b.f.deploy("site1", "d2", map[string]file{"f.txt": {body: body}}, nil)
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	base := serveTCP(t, b.srv, func(ln net.Listener) net.Listener { return ln })
	client := &http.Client{}
	defer client.CloseIdleConnections()
	for range 2 {
		if res, got := get(t, client, base+"/f.txt", "a.example.com"); res.StatusCode != 200 || got != body {
			t.Fatalf("GET /f.txt: %d, %d bytes", res.StatusCode, len(got))
		}
	}
}
