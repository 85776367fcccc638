package custom_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8/publishing/custom"
)

// secret is distinctive, so a test can tell it never leaks.
const secret = "whsec_DoNotPrint-7d1e55b0c3a94f28"

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a fake clock whose Sleep returns at once, moving the time on
// and recording the wait.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// request is what the endpoint received, with the time it was received
// at by the fake clock.
type request struct {
	method string
	url    string // the request URI
	header http.Header
	body   []byte
	at     time.Time
}

type testBundle struct {
	srv   *httptest.Server
	clock *clock
	dest  *custom.Destination
	mu    sync.Mutex
	reqs  []request
}

func (b *testBundle) requests() []request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]request(nil), b.reqs...)
}

// setup starts an endpoint that records each request and answers the
// n-th (from 1) with handler, and a Destination for it with a fake clock;
// cfg's unset Client, Now and Sleep are filled in.
func setup(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int), cfg custom.Config) *testBundle {
	t.Helper()
	b := &testBundle{clock: &clock{now: t0}}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("endpoint: read body: %v", err)
		}
		b.mu.Lock()
		b.reqs = append(b.reqs, request{method: r.Method, url: r.RequestURI, header: r.Header.Clone(), body: body, at: b.clock.Now()})
		n := len(b.reqs)
		b.mu.Unlock()
		handler(w, r, n)
	}))
	t.Cleanup(b.srv.Close)
	if cfg.Client == nil {
		cfg.Client = b.srv.Client()
	}
	if cfg.Now == nil {
		cfg.Now = b.clock.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = b.clock.Sleep
	}
	d, err := custom.New(b.srv.URL+"/hooks/igny8?token=path-token-42", cfg, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	b.dest = d
	return b
}

// answer returns a handler that answers every request with status, body
// and header pairs.
func answer(status int, body string, header ...string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// sequence answers the n-th request with the n-th handler, and later
// ones with the last.
func sequence(handlers ...func(http.ResponseWriter, *http.Request, int)) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		handlers[min(n, len(handlers))-1](w, r, n)
	}
}

func delivery() custom.Delivery {
	return custom.Delivery{
		IdempotencyKey: "cp_812_dst_9_3f5a0c",
		Event:          custom.EventPublished,
		Body:           json.RawMessage(`{"event":"content.published","id":"c_1","title":"Hello"}`),
	}
}
