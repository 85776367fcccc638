package main

import (
	"encoding/json"
	"net/http"
	"sync"

	"golang.org/x/time/rate"

	"github.com/igny8/igny8"
)

// defaultRequestsPerSecond is how fast IGNY8 sends requests to one
// integration's platform when its config does not say.
const defaultRequestsPerSecond = 4

// integrationLimits paces the requests this process sends to each
// integration's platform: one limiter per integration, at the rate its
// config's requests_per_second asks (default 4), shared by every job and
// check, so that a long distribute job does not overwhelm a small host.
// Shopify's cost-based throttling comes on top of it.
type integrationLimits struct {
	mu sync.Mutex
	m  map[int64]*rate.Limiter
}

// requestsPerSecond reads an integration's requests_per_second.
func requestsPerSecond(in *igny8.Integration) (float64, error) {
	var cfg struct {
		RequestsPerSecond *float64 `json:"requests_per_second"`
	}
	if len(in.Config) > 0 {
		if err := json.Unmarshal(in.Config, &cfg); err != nil {
			return 0, igny8.Errorf(igny8.EInvalid, "The integration %q's config is not a JSON object with a numeric requests_per_second: %v.", in.Name, err)
		}
	}
	if cfg.RequestsPerSecond == nil {
		return defaultRequestsPerSecond, nil
	}
	if r := *cfg.RequestsPerSecond; r >= 0.1 && r <= 100 {
		return r, nil
	}
	return 0, igny8.Errorf(igny8.EInvalid, "The integration %q's requests_per_second is %g: it must be from 0.1 to 100 (default %d).", in.Name, *cfg.RequestsPerSecond, defaultRequestsPerSecond)
}

// client wraps base so that its requests wait for in's limiter.
func (l *integrationLimits) client(in *igny8.Integration, base *http.Client) (*http.Client, error) {
	rps, err := requestsPerSecond(in)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if l.m == nil {
		l.m = map[int64]*rate.Limiter{}
	}
	lim := l.m[in.ID]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(rps), 1)
		l.m[in.ID] = lim
	} else if lim.Limit() != rate.Limit(rps) {
		lim.SetLimit(rate.Limit(rps))
	}
	l.mu.Unlock()
	c := *base
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = pacedTransport{next: next, lim: lim}
	return &c, nil
}

// pacedTransport waits for its limiter before each request.
type pacedTransport struct {
	next http.RoundTripper
	lim  *rate.Limiter
}

func (p pacedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := p.lim.Wait(r.Context()); err != nil {
		return nil, err
	}
	return p.next.RoundTrip(r)
}
