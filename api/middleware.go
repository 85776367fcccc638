package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/igny8/igny8"
)

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// observe logs each request (with its request and account ids) and counts
// it in the metrics by route pattern.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		d := time.Since(start)
		in, _ := r.Context().Value(keyInfo).(*info)
		route := "unmatched"
		var account int64
		if in != nil {
			if in.route != "" {
				route = in.route
			}
			account = in.accountID
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.metrics.observe(r.Method, route, sw.status, d)
		s.log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "route", route,
			"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000,
			"request_id", requestID(r.Context()), "account_id", account)
	})
}

// metrics counts requests by method, route and status, with a duration
// histogram, in the Prometheus text format (hand-written, like the edge's,
// to keep client_golang out of the module).
type metrics struct {
	mu      sync.Mutex
	counts  map[[3]string]uint64
	buckets [len(apiBuckets)]uint64
	count   uint64
	sum     float64
}

var apiBuckets = [...]float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

func newMetrics() *metrics { return &metrics{counts: map[[3]string]uint64{}} }

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[[3]string{method, route, strconv.Itoa(status)}]++
	m.count++
	m.sum += sec
	for i, le := range apiBuckets {
		if sec <= le {
			m.buckets[i]++
		}
	}
}

func (m *metrics) serve(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# HELP igny8_api_requests_total API requests by method, route and status.")
	fmt.Fprintln(w, "# TYPE igny8_api_requests_total counter")
	for _, k := range slices.SortedFunc(maps.Keys(m.counts), func(a, b [3]string) int {
		return slices.Compare(a[:], b[:])
	}) {
		fmt.Fprintf(w, "igny8_api_requests_total{method=%q,route=%q,status=%q} %d\n", k[0], k[1], k[2], m.counts[k])
	}
	fmt.Fprintln(w, "# HELP igny8_api_request_duration_seconds API request durations.")
	fmt.Fprintln(w, "# TYPE igny8_api_request_duration_seconds histogram")
	for i, le := range apiBuckets {
		fmt.Fprintf(w, "igny8_api_request_duration_seconds_bucket{le=\"%g\"} %d\n", le, m.buckets[i])
	}
	fmt.Fprintf(w, "igny8_api_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", m.count)
	fmt.Fprintf(w, "igny8_api_request_duration_seconds_sum %g\n", m.sum)
	fmt.Fprintf(w, "igny8_api_request_duration_seconds_count %d\n", m.count)
}

// Limiter decides whether one more request under key is allowed now.
type Limiter interface {
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// rateLimit answers 429 with Retry-After when key is over its limit. A
// limiter that fails lets the request through (and logs): an outage of
// Redis must not take the API down.
func (s *server) rateLimit(w http.ResponseWriter, r *http.Request, key string) error {
	return s.limit(w, r, s.cfg.Limiter, key)
}

func (s *server) limit(w http.ResponseWriter, r *http.Request, l Limiter, key string) error {
	if l == nil {
		return nil
	}
	ok, after, err := l.Allow(r.Context(), key)
	if err != nil {
		s.log.WarnContext(r.Context(), "rate limiter unavailable; allowing", "error", err)
		return nil
	}
	if !ok {
		secs := int(after.Seconds() + 0.999)
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return problem(CodeRateLimited, fmt.Sprintf("Too many requests: retry in %d s.", secs))
	}
	return nil
}

// recorder keeps a copy of a response for the idempotency store.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// replayHeaders are the response headers an idempotent replay repeats.
var replayHeaders = []string{"Content-Type", "Location", "Cache-Control"}

// IdempotencyStore remembers the answers to POSTs sent with an
// Idempotency-Key (*postgres.DB implements it).
type IdempotencyStore interface {
	BeginIdempotent(ctx context.Context, key string, requestHash []byte) (*igny8.StoredResponse, error)
	FinishIdempotent(ctx context.Context, key string, r igny8.StoredResponse) error
	AbandonIdempotent(ctx context.Context, key string) error
}

// idempotent serves a POST with an Idempotency-Key: the first request runs
// and its answer is stored; a repeat of the same request (same method,
// path and body) gets the stored answer without a second effect; the same
// key with another request is a conflict. A 5xx or a failure before any
// effect releases the key so the client can retry.
func (s *server) idempotent(w http.ResponseWriter, r *http.Request, rt *route) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 255 {
		writeError(w, r, s.log, invalidParam("Idempotency-Key", "The Idempotency-Key header must be at most 255 characters."))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, r, s.log, bodyProblem(err))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.RequestURI())
	h.Write(body)
	stored, err := s.cfg.Idempotency.BeginIdempotent(r.Context(), key, h.Sum(nil))
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	if stored != nil {
		for k, v := range stored.Header {
			w.Header()[k] = v
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(stored.Status)
		w.Write(stored.Body)
		return
	}
	rec := &recorder{ResponseWriter: w}
	s.respond(rec, r, rt)
	// The answer is stored even if the client went away meanwhile.
	ctx := context.WithoutCancel(r.Context())
	if rec.status >= 500 {
		if err := s.cfg.Idempotency.AbandonIdempotent(ctx, key); err != nil {
			s.log.ErrorContext(ctx, "release idempotency key", "error", err)
		}
		return
	}
	hdr := http.Header{}
	for _, k := range replayHeaders {
		if v := w.Header().Values(k); len(v) > 0 {
			hdr[k] = v
		}
	}
	if err := s.cfg.Idempotency.FinishIdempotent(ctx, key, igny8.StoredResponse{Status: rec.status, Header: hdr, Body: rec.buf.Bytes()}); err != nil {
		s.log.ErrorContext(ctx, "store idempotent response", "error", err, "account_id", actorAccount(ctx))
	}
}

func actorAccount(ctx context.Context) int64 {
	a, _ := igny8.ActorFrom(ctx)
	return a.AccountID
}
