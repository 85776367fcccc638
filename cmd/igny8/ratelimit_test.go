package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

func TestRequestsPerSecond(t *testing.T) {
	for _, c := range []struct {
		config string
		want   float64
		err    string
	}{
		{"", defaultRequestsPerSecond, ""},
		{`{}`, defaultRequestsPerSecond, ""},
		{`{"format": "html"}`, defaultRequestsPerSecond, ""},
		{`{"requests_per_second": 0.5}`, 0.5, ""},
		{`{"requests_per_second": 100}`, 100, ""},
		{`{"requests_per_second": 0}`, 0, "must be from 0.1 to 100"},
		{`{"requests_per_second": 1000}`, 0, "must be from 0.1 to 100"},
		{`{"requests_per_second": "fast"}`, 0, "numeric requests_per_second"},
	} {
		got, err := requestsPerSecond(&igny8.Integration{Name: "Blog", Config: json.RawMessage(c.config)})
		if c.err != "" {
			if err == nil || igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, want an invalid error saying %q", c.config, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.config, got, err, c.want)
		}
	}
}

// Requests to one integration share its limiter, whichever client sends
// them; a request waiting for its turn gives up with its context and
// never reaches the platform; another integration has its own limiter.
func TestIntegrationLimitsPace(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	var l integrationLimits
	slow := &igny8.Integration{ID: 1, Name: "Slow", Config: json.RawMessage(`{"requests_per_second": 0.1}`)}
	send := func(in *igny8.Integration, wait time.Duration) error {
		c, err := l.client(in, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := send(slow, time.Second); err != nil {
		t.Fatalf("the first request: %v", err)
	}
	// The next token is 10 s away: a second client of the same
	// integration waits, and its context ends first.
	if err := send(slow, 100*time.Millisecond); err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "would exceed context deadline") {
		t.Errorf("a request over the rate: %v, want it to give up waiting", err)
	}
	if err := send(&igny8.Integration{ID: 2, Name: "Other"}, time.Second); err != nil {
		t.Errorf("another integration's request: %v", err)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("the platform saw %d requests, want 2 (the paced one never left)", n)
	}
}
