package edge

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	hs := NewHTTPServer("", b.srv, testLogger(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(NewListener(ln)) }()
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
	base := "http://" + ln.Addr().String()

	req, _ := http.NewRequest("GET", base+"/about", nil)
	req.Host = "a.example.com"
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, 301; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	req, _ = http.NewRequest("GET", base+res.Header.Get("Location"), nil)
	req.Host = "a.example.com"
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := "<h1>about</h1>"; res.StatusCode != 200 || string(got) != want {
		t.Errorf("GET /about/: %d %q, want 200 %q", res.StatusCode, got, want)
	}

	// Headers beyond MaxHeaderBytes are refused before the handler runs.
	req, _ = http.NewRequest("GET", base+"/", nil)
	req.Host = "a.example.com"
	req.Header.Set("X-Big", strings.Repeat("x", 2*MaxHeaderBytes))
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, http.StatusRequestHeaderFieldsTooLarge; got != want {
		t.Errorf("big headers: status = %d, want %d", got, want)
	}
}
