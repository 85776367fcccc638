package safehttp

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestResponseSizeLimit(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	body := strings.Repeat("x", 1000)
	sized := newCounter(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
	streamed := newCounter(t, func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			io.WriteString(w, body[:100])
			w.(http.Flusher).Flush() // chunked: no Content-Length to refuse up front
		}
	})
	for _, c := range []struct {
		name  string
		url   string
		limit int64
		ok    bool
	}{
		{"exactly the limit", sized.URL, 1000, true},
		{"a declared length over the limit", sized.URL, 999, false},
		{"a streamed body at the limit", streamed.URL, 1000, true},
		{"a streamed body over the limit", streamed.URL, 550, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := get(t, NewClient(Config{AllowPrefixes: allow, MaxResponseBytes: c.limit}), c.url)
			if c.ok {
				if err != nil || len(got) != 1000 {
					t.Errorf("read %d bytes, %v; want 1000 and no error", len(got), err)
				}
				return
			}
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Limit != c.limit {
				t.Errorf("err = %v, want a *TooLargeError with limit %d", err, c.limit)
			}
			if int64(len(got)) > c.limit {
				t.Errorf("read %d bytes past the limit %d", len(got), c.limit)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	release := make(chan struct{})
	defer close(release)
	slowHeaders := newCounter(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	slowBody := newCounter(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// A TCP server that never speaks TLS.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	go func() {
		for {
			conn, err := mute.Accept()
			if err != nil {
				return
			}
			go func() { <-release; conn.Close() }()
		}
	}()
	blockingDNS := resolverFunc(func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})

	cases := []struct {
		name string
		cfg  Config
		url  string
	}{
		{"response headers", Config{ResponseHeaderTimeout: 100 * time.Millisecond}, slowHeaders.URL},
		{"whole request", Config{Timeout: 200 * time.Millisecond}, slowBody.URL},
		{"TLS handshake", Config{TLSHandshakeTimeout: 100 * time.Millisecond}, "https://" + mute.Addr().String() + "/"},
		{"dial (a resolver that never answers)", Config{DialTimeout: 100 * time.Millisecond, Resolver: blockingDNS}, "http://slow.example/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.AllowPrefixes = allow
			start := time.Now()
			_, err := get(t, NewClient(c.cfg), c.url)
			if err == nil {
				t.Fatal("no error, want a timeout")
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want a timeout", err)
				}
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("gave up after %v", d)
			}
		})
	}
}
