package safehttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestResponseSizeLimit(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 1000)
	sized := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		io.WriteString(w, body)
	})
	streamed := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			io.WriteString(w, body[:100])
			w.(http.Flusher).Flush() // chunked: no Content-Length to refuse up front
		}
	})
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(body))
	zw.Close()
	bomb := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(zipped.Bytes())
	})
	allow := []string{sized.addr(), streamed.addr(), bomb.addr()}
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
		{"a small gzip body at the limit", bomb.URL, 1000, true},
		{"a small gzip body that grows past the limit", bomb.URL, 500, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := get(t, New(Config{AllowHosts: allow, MaxResponseBytes: c.limit}), c.url)
			if c.ok {
				if err != nil || got != body {
					t.Errorf("read %d bytes, %v; want 1000 and no error", len(got), err)
				}
				return
			}
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Limit != c.limit || tl.URL != c.url+"/" {
				t.Fatalf("err = %v, want a *TooLargeError with limit %d", err, c.limit)
			}
			if int64(len(got)) > c.limit {
				t.Errorf("read %d bytes past the limit %d", len(got), c.limit)
			}
			if !strings.HasPrefix(tl.Error(), "The response from "+c.url+"/ is larger than "+strconv.FormatInt(c.limit, 10)+" bytes") {
				t.Errorf("message %q", tl.Error())
			}
		})
	}

	// The response over the limit still arrives: its status is there to
	// see, and it is the Read that fails, again and again.
	resp, err := New(Config{AllowHosts: allow, MaxResponseBytes: 10}).HTTPClient().Get(sized.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	var tl *TooLargeError
	for range 2 {
		if n, err := resp.Body.Read(make([]byte, 5)); n != 0 || !errors.As(err, &tl) {
			t.Errorf("Read = %d, %v; want 0 and a *TooLargeError", n, err)
		}
	}

	// HEAD declares a length and has no body: nothing to refuse.
	resp, err = New(Config{AllowHosts: allow, MaxResponseBytes: 10}).HTTPClient().Head(sized.URL)
	if err != nil {
		t.Fatalf("HEAD: %v", err)
	}
	if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 0 {
		t.Errorf("HEAD body: %q, %v", b, err)
	}
	resp.Body.Close()
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	wait := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	slowHeaders := newTarget(t, "127.0.0.1:0", wait)
	slowBody := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		wait(w, r)
	})
	t.Cleanup(func() { close(release) }) // before the servers close: cleanups run last first
	// A TCP server that never speaks TLS.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mute.Close() })
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
			t.Parallel()
			c.cfg.AllowHosts = []string{"127.0.0.1"}
			start := time.Now()
			_, err := get(t, New(c.cfg), c.url)
			if err == nil {
				t.Fatal("no error, want a timeout")
			}
			var ne net.Error
			if (!errors.As(err, &ne) || !ne.Timeout()) && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want a timeout", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("gave up after %v", d)
			}
		})
	}
}
