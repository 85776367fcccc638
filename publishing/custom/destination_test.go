package custom_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing/custom"
)

func TestPublishRecordsAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		status    int
		body      string
		id, url   string
		noteAbout string // a word the one note must hold; "" for no note
	}{
		{"string id", 201, `{"id":"post-7","url":"https://blog.example/p/7","other":[1,2]}`, "post-7", "https://blog.example/p/7", ""},
		{"numeric id kept exactly", 200, ` {"id": 12345678901234567890, "url": "http://blog.example/?p=1"}`, "12345678901234567890", "http://blog.example/?p=1", ""},
		{"no body", 204, ``, "", "", ""},
		{"blank body", 202, " \n", "", "", ""},
		{"null fields", 200, `{"id":null,"url":null}`, "", "", ""},
		{"id only", 200, `{"id":"a/b c"}`, "a/b c", "", ""},
		{"relative url", 200, `{"id":"1","url":"/posts/1"}`, "1", "", `"url"`},
		{"javascript url", 200, `{"id":"1","url":"javascript:alert(1)"}`, "1", "", `"url"`},
		{"url with password", 200, `{"id":"1","url":"https://u:p@blog.example/"}`, "1", "", `"url"`},
		{"url not a string", 200, `{"id":"1","url":42}`, "1", "", `"url"`},
		{"id not a string or number", 200, `{"id":true,"url":"https://blog.example/"}`, "", "https://blog.example/", `"id"`},
		{"id too long", 200, `{"id":"` + strings.Repeat("x", 256) + `"}`, "", "", `"id"`},
		{"not an object", 200, `["post-7"]`, "", "", "JSON object"},
		{"not json", 200, `OK`, "", "", "JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, answer(c.status, c.body), custom.Config{})
			res, err := b.dest.Publish(context.Background(), delivery())
			if err != nil {
				t.Fatal(err)
			}
			reqs := b.requests()
			want := &custom.Result{RemoteID: c.id, RemoteURL: c.url, Status: c.status, Attempts: 1,
				DeliveryID: reqs[0].header.Get(custom.HeaderDelivery), Notes: res.Notes}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if c.noteAbout == "" && len(res.Notes) != 0 {
				t.Errorf("notes = %q, want none", res.Notes)
			}
			if c.noteAbout != "" && (len(res.Notes) != 1 || !strings.Contains(res.Notes[0], c.noteAbout)) {
				t.Errorf("notes = %q, want one about %s", res.Notes, c.noteAbout)
			}
			if got := len(b.clock.Sleeps()); got != 0 {
				t.Errorf("slept %d times, want 0", got)
			}
		})
	}
}

func TestPublishRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(200, `{"id":"1"}`), custom.Config{})
	dl := delivery()
	if _, err := b.dest.Publish(context.Background(), dl); err != nil {
		t.Fatal(err)
	}
	reqs := b.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	for name, want := range map[string]string{
		"Content-Type":              "application/json",
		"User-Agent":                "igny8-webhook/1",
		custom.HeaderIdempotencyKey: dl.IdempotencyKey,
		custom.HeaderEvent:          "content.published",
		custom.HeaderTimestamp:      strconv.FormatInt(t0.Unix(), 10),
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := r.header.Get("x-igny8-delivery"); len(got) < 20 {
		t.Errorf("delivery id %q is too short to be unique", got)
	}
	if !bytes.Equal(r.body, dl.Body) {
		t.Errorf("body = %s, want %s byte for byte", r.body, dl.Body)
	}
	if err := custom.Verify([]byte(secret), r.header, r.body, t0.Add(time.Minute), 0); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if got, want := r.url, "/hooks/igny8?token=path-token-42"; got != want {
		t.Errorf("request URI %s, want %s as configured", got, want)
	}
	if got, want := r.method, http.MethodPost; got != want {
		t.Errorf("method %s, want %s", got, want)
	}
}

func TestPublishRotationSignsWithEverySecret(t *testing.T) {
	t.Parallel()
	var got http.Header
	b := setup(t, func(w http.ResponseWriter, r *http.Request, n int) { got = r.Header.Clone() }, custom.Config{})
	d, err := custom.New(b.srv.URL, custom.Config{Client: b.srv.Client(), Now: b.clock.Now}, []byte("new-secret"), []byte("old-secret"))
	if err != nil {
		t.Fatal(err)
	}
	dl := delivery()
	if _, err := d.Publish(context.Background(), dl); err != nil {
		t.Fatal(err)
	}
	if sig := got.Get(custom.HeaderSignature); strings.Count(sig, "v1=") != 2 || strings.Count(sig, ",") != 1 {
		t.Errorf("signature header %q, want two v1 values", sig)
	}
	for _, s := range []string{"new-secret", "old-secret"} {
		if err := custom.Verify([]byte(s), got, dl.Body, t0, 0); err != nil {
			t.Errorf("Verify with %s: %v", s, err)
		}
	}
	if err := custom.Verify([]byte(secret), got, dl.Body, t0, 0); !errors.Is(err, custom.ErrSignatureMismatch) {
		t.Errorf("Verify with another secret: %v, want ErrSignatureMismatch", err)
	}
}

// A transient answer is retried with the same idempotency key, a new
// delivery id and a fresh signature, after a jittered, growing wait.
func TestPublishRetriesTransient(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504, 408, 425, 429} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			fail := answer(status, `{"error":"busy"}`)
			b := setup(t, sequence(fail, fail, fail, answer(200, `{"id":"9"}`)), custom.Config{})
			res, err := b.dest.Publish(context.Background(), delivery())
			if err != nil {
				t.Fatal(err)
			}
			if res.Attempts != 4 || res.RemoteID != "9" {
				t.Errorf("attempts %d, id %q; want 4, 9", res.Attempts, res.RemoteID)
			}
			reqs := b.requests()
			if len(reqs) != 4 {
				t.Fatalf("%d requests, want 4", len(reqs))
			}
			ids := map[string]bool{}
			for i, r := range reqs {
				if got, want := r.header.Get(custom.HeaderIdempotencyKey), delivery().IdempotencyKey; got != want {
					t.Errorf("attempt %d: idempotency key %q, want %q", i+1, got, want)
				}
				ids[r.header.Get(custom.HeaderDelivery)] = true
				// Signed when sent: valid at the attempt's own time with
				// under a second to spare.
				if got, want := r.header.Get(custom.HeaderTimestamp), strconv.FormatInt(r.at.Unix(), 10); got != want {
					t.Errorf("attempt %d: timestamp %s, want %s", i+1, got, want)
				}
				if err := custom.Verify([]byte(secret), r.header, r.body, r.at, time.Second); err != nil {
					t.Errorf("attempt %d: Verify: %v", i+1, err)
				}
			}
			if len(ids) != 4 || ids[""] {
				t.Errorf("delivery ids %v, want 4 distinct", ids)
			}
			if got, want := res.DeliveryID, reqs[3].header.Get(custom.HeaderDelivery); got != want {
				t.Errorf("result delivery id %q, want the last attempt's %q", got, want)
			}
			checkBackoff(t, b.clock.Sleeps(), time.Second, 30*time.Second)
		})
	}
}

// checkBackoff checks that the n-th wait is within [d/2, d] for d =
// base·2^(n-1) capped at most.
func checkBackoff(t *testing.T, sleeps []time.Duration, base, most time.Duration) {
	t.Helper()
	d := base
	for i, got := range sleeps {
		if got < d/2 || got > d {
			t.Errorf("wait %d = %s, want within [%s, %s]", i+1, got, d/2, d)
		}
		d = min(2*d, most)
	}
}

func TestPublishExhaustsAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(503, `{"message":"maintenance until noon"}`), custom.Config{})
	_, err := b.dest.Publish(context.Background(), delivery())
	var de *custom.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T), want *DeliveryError", err, err)
	}
	if de.Permanent || de.Attempts != 5 || de.Status != 503 || de.Message != "maintenance until noon" {
		t.Errorf("got %+v; want transient, 5 attempts, 503, the endpoint's message", de)
	}
	reqs := b.requests()
	if len(reqs) != 5 || de.DeliveryID != reqs[4].header.Get(custom.HeaderDelivery) {
		t.Errorf("%d requests, delivery id %q; want 5 and the last one's", len(reqs), de.DeliveryID)
	}
	if got := len(b.clock.Sleeps()); got != 4 {
		t.Errorf("%d waits, want 4", got)
	}
	checkBackoff(t, b.clock.Sleeps(), time.Second, 30*time.Second)
	want := "The endpoint " + b.srv.URL + "/ did not accept the content after 5 attempts; the last answer was 503 Service Unavailable (it said: maintenance until noon)."
	if got := err.Error(); got != want {
		t.Errorf("message\n got %s\nwant %s", got, want)
	}
	if got := igny8.ErrorCode(err); got != igny8.EInternal {
		t.Errorf("code %q, want %q for a transient error", got, igny8.EInternal)
	}
}

func TestPublishBackoffCapped(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(500, ""), custom.Config{MaxAttempts: 8, BaseDelay: time.Second, MaxDelay: 5 * time.Second})
	if _, err := b.dest.Publish(context.Background(), delivery()); err == nil {
		t.Fatal("no error")
	}
	sleeps := b.clock.Sleeps()
	if len(sleeps) != 7 {
		t.Fatalf("%d waits, want 7", len(sleeps))
	}
	checkBackoff(t, sleeps, time.Second, 5*time.Second)
}

func TestPublishRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		retryAfter func(now time.Time) string
		wantWait   time.Duration // 0: the backoff's
	}{
		{"seconds", func(time.Time) string { return "7" }, 7 * time.Second},
		{"date", func(now time.Time) string { return now.Add(20 * time.Second).Format(http.TimeFormat) }, 20 * time.Second},
		{"at most the cap", func(time.Time) string { return "60" }, time.Minute},
		{"shorter than the backoff", func(time.Time) string { return "0" }, 0},
		{"date in the past", func(now time.Time) string { return now.Add(-time.Hour).Format(http.TimeFormat) }, 0},
		{"malformed", func(time.Time) string { return "soon" }, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var b *testBundle
			b = setup(t, sequence(
				func(w http.ResponseWriter, r *http.Request, n int) {
					w.Header().Set("Retry-After", c.retryAfter(b.clock.Now()))
					w.WriteHeader(429)
				},
				answer(200, `{"id":"1"}`)), custom.Config{})
			res, err := b.dest.Publish(context.Background(), delivery())
			if err != nil {
				t.Fatal(err)
			}
			sleeps := b.clock.Sleeps()
			if res.Attempts != 2 || len(sleeps) != 1 {
				t.Fatalf("attempts %d, waits %v; want 2 and one wait", res.Attempts, sleeps)
			}
			if c.wantWait == 0 {
				checkBackoff(t, sleeps, time.Second, time.Second)
			} else if sleeps[0] != c.wantWait {
				t.Errorf("waited %s, want %s", sleeps[0], c.wantWait)
			}
		})
	}
}

// A Retry-After longer than MaxRetryAfter ends Publish at once with a
// transient error that says when to come back.
func TestPublishRetryAfterTooLong(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(503, "", "Retry-After", "3600"), custom.Config{})
	_, err := b.dest.Publish(context.Background(), delivery())
	var de *custom.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("error %v, want *DeliveryError", err)
	}
	if de.Permanent || de.Attempts != 1 || de.RetryAfter != time.Hour {
		t.Errorf("got %+v; want transient, 1 attempt, RetryAfter 1h", de)
	}
	if got := len(b.clock.Sleeps()); got != 0 {
		t.Errorf("slept %d times, want 0", got)
	}
	if !strings.Contains(err.Error(), "it asked to be retried in 1h0m0s") {
		t.Errorf("message %q does not say when to retry", err)
	}
}

// With too little time left before ctx's deadline for the next wait,
// Publish returns the failure instead of waiting in vain.
func TestPublishDeadlineTooNear(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(503, "", "Retry-After", "30"), custom.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := b.dest.Publish(ctx, delivery())
	var de *custom.DeliveryError
	if !errors.As(err, &de) || de.Permanent || de.Attempts != 1 || de.Status != 503 {
		t.Fatalf("error %#v, want a transient DeliveryError after 1 attempt", err)
	}
	if got := len(b.clock.Sleeps()); got != 0 {
		t.Errorf("slept %d times, want 0", got)
	}
}

func TestPublishRetriesNetworkErrors(t *testing.T) {
	t.Parallel()
	drop := func(w http.ResponseWriter, r *http.Request, n int) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		conn.Close() // no answer at all
	}
	b := setup(t, sequence(drop, drop, answer(200, `{"id":"3"}`)), custom.Config{})
	res, err := b.dest.Publish(context.Background(), delivery())
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 3 || res.RemoteID != "3" {
		t.Errorf("attempts %d, id %q; want 3, 3", res.Attempts, res.RemoteID)
	}
	keys := map[string]bool{}
	for _, r := range b.requests() {
		keys[r.header.Get(custom.HeaderIdempotencyKey)] = true
	}
	if len(keys) != 1 {
		t.Errorf("idempotency keys %v, want one", keys)
	}
}

func TestPublishNetworkErrorExhausted(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(200, ""), custom.Config{MaxAttempts: 3})
	b.srv.Close() // nothing listens any more
	_, err := b.dest.Publish(context.Background(), delivery())
	var de *custom.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("error %v, want *DeliveryError", err)
	}
	if de.Permanent || de.Attempts != 3 || de.Status != 0 || de.Err == nil {
		t.Errorf("got %+v; want transient, 3 attempts, no status, a network error", de)
	}
	if !strings.Contains(err.Error(), "after 3 attempts; the last attempt failed: ") {
		t.Errorf("message %q does not give the last failure", err)
	}
	// *url.Error would repeat the URL's path and query.
	if strings.Contains(err.Error(), "path-token-42") || strings.Contains(err.Error(), "/hooks/") {
		t.Errorf("message %q shows the URL's path or query", err)
	}
}

func TestPublishRetriesTimeouts(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	b := setup(t, sequence(slow, answer(200, `{"id":"late"}`)), custom.Config{})
	client := *b.srv.Client() // a copy: srv.Client() is shared
	client.Timeout = 100 * time.Millisecond
	d, err := custom.New(b.srv.URL, custom.Config{Client: &client, Now: b.clock.Now, Sleep: b.clock.Sleep}, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Publish(context.Background(), delivery())
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 2 || res.RemoteID != "late" {
		t.Errorf("attempts %d, id %q; want 2, late", res.Attempts, res.RemoteID)
	}
}

// Cancelling ctx while Publish waits to retry stops it at once.
func TestPublishCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := setup(t, answer(503, ""), custom.Config{
		Sleep: func(ctx context.Context, d time.Duration) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		},
	})
	_, err := b.dest.Publish(ctx, delivery())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	var de *custom.DeliveryError
	if !errors.As(err, &de) || de.Permanent || de.Attempts != 1 || de.Status != 503 {
		t.Errorf("error %+v; want a transient DeliveryError after 1 attempt with its 503", de)
	}
	if got := len(b.requests()); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
	want := "Publishing to " + b.srv.URL + "/ stopped after 1 attempt (context canceled); the last answer was 503 Service Unavailable."
	if got := err.Error(); got != want {
		t.Errorf("message\n got %s\nwant %s", got, want)
	}
}

// The default Sleep waits on a real timer, and ctx ends the wait.
func TestPublishCancelDuringRealBackoff(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := setup(t, answer(500, ""), custom.Config{})
	client := *b.srv.Client() // a copy: srv.Client() is shared
	next := client.Transport
	// Cancel once the answer is in: Publish is then past the request.
	client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		cancel()
		return resp, err
	})
	d, err := custom.New(b.srv.URL, custom.Config{Client: &client, BaseDelay: time.Hour}, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = d.Publish(ctx, delivery())
	var de *custom.DeliveryError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &de) || de.Status != 500 || de.Attempts != 1 {
		t.Fatalf("error %v; want a DeliveryError wrapping context.Canceled after one 500", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Publish took %s to notice the cancellation", elapsed)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Cancelling ctx during a request stops Publish without a retry.
func TestPublishCancelDuringRequest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cancel()
		<-r.Context().Done()
	}, custom.Config{})
	_, err := b.dest.Publish(ctx, delivery())
	var de *custom.DeliveryError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &de) || de.Permanent || de.Attempts != 1 {
		t.Fatalf("error %v; want a transient DeliveryError wrapping context.Canceled after 1 attempt", err)
	}
	if got := len(b.requests()); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
	if got := len(b.clock.Sleeps()); got != 0 {
		t.Errorf("slept %d times, want 0", got)
	}
}

func TestPublishResponseOverLimit(t *testing.T) {
	t.Parallel()
	big := `{"id":"x","pad":"` + strings.Repeat("a", 4096) + `"}`
	b := setup(t, answer(200, big), custom.Config{MaxResponseBytes: 1024})
	res, err := b.dest.Publish(context.Background(), delivery())
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != "" || res.Status != 200 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "larger than 1024 bytes") {
		t.Errorf("result %+v; want accepted with no id and a note about the limit", res)
	}
	// Exactly at the limit is fine.
	exact := `{"id":"y","pad":"` + strings.Repeat("a", 1024-len(`{"id":"y","pad":""}`)) + `"}`
	b = setup(t, answer(200, exact), custom.Config{MaxResponseBytes: 1024})
	if res, err := b.dest.Publish(context.Background(), delivery()); err != nil || res.RemoteID != "y" {
		t.Errorf("answer of exactly the limit: %+v, %v; want id y", res, err)
	}
}

func TestPublishConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
		fmt.Fprintf(w, `{"id":%q}`, r.Header.Get(custom.HeaderIdempotencyKey))
	}, custom.Config{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			dl := delivery()
			dl.IdempotencyKey = fmt.Sprintf("key-%d", i)
			res, err := b.dest.Publish(context.Background(), dl)
			if err != nil || res.RemoteID != dl.IdempotencyKey {
				t.Errorf("publish %d: %+v, %v", i, res, err)
			}
		})
	}
	wg.Wait()
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		url     string
		secrets [][]byte
	}{
		{"ftp", "ftp://hooks.example.com/", [][]byte{[]byte(secret)}},
		{"relative", "/hooks", [][]byte{[]byte(secret)}},
		{"no host", "https:///hooks", [][]byte{[]byte(secret)}},
		{"opaque", "https:hooks.example.com", [][]byte{[]byte(secret)}},
		{"credentials", "https://u:p@hooks.example.com/", [][]byte{[]byte(secret)}},
		{"no secret", "https://hooks.example.com/", nil},
		{"empty secret", "https://hooks.example.com/", [][]byte{[]byte(secret), {}}},
	}
	for _, c := range cases {
		_, err := custom.New(c.url, custom.Config{}, c.secrets...)
		if igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("%s: error %v, want %s", c.name, err, igny8.EInvalid)
		}
	}
	if _, err := custom.New("HTTPS://hooks.example.com/igny8?x=1", custom.Config{}, []byte(secret)); err != nil {
		t.Errorf("a valid URL: %v", err)
	}
}

func TestPublishRefusesInvalidDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(200, ""), custom.Config{})
	cases := map[string]func(*custom.Delivery){
		"no key":         func(d *custom.Delivery) { d.IdempotencyKey = "" },
		"key with space": func(d *custom.Delivery) { d.IdempotencyKey = "a b" },
		"key non-ascii":  func(d *custom.Delivery) { d.IdempotencyKey = "clé" },
		"key too long":   func(d *custom.Delivery) { d.IdempotencyKey = strings.Repeat("k", 256) },
		"no event":       func(d *custom.Delivery) { d.Event = "" },
		"event newline":  func(d *custom.Delivery) { d.Event = "content.published\r\nX-Evil: 1" },
		"event upper":    func(d *custom.Delivery) { d.Event = "Content.Published" },
		"body empty":     func(d *custom.Delivery) { d.Body = nil },
		"body not json":  func(d *custom.Delivery) { d.Body = []byte(`{"a":`) },
	}
	for name, change := range cases {
		dl := delivery()
		change(&dl)
		if _, err := b.dest.Publish(context.Background(), dl); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("%s: error %v, want %s", name, err, igny8.EInvalid)
		}
	}
	if got := len(b.requests()); got != 0 {
		t.Errorf("%d requests sent, want 0", got)
	}
	dl := delivery()
	dl.IdempotencyKey = strings.Repeat("k", 255)
	if _, err := b.dest.Publish(context.Background(), dl); err != nil {
		t.Errorf("a key of 255 characters: %v", err)
	}
}
