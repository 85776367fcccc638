package shopify

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		f := newFakeShop(t)
		s, err := f.client(t, nil).Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.MyshopifyDomain, "acme.myshopify.com"; got != want {
			t.Errorf("MyshopifyDomain: got %q, want %q", got, want)
		}
		if got, want := s.PrimaryURL, "https://www.acme.test"; got != want {
			t.Errorf("PrimaryURL: got %q, want %q", got, want)
		}
	})
	t.Run("MissingScopes", func(t *testing.T) {
		t.Parallel()
		f := newFakeShop(t)
		f.scopes = []string{"read_products", "write_content"}
		_, err := f.client(t, nil).Check(ctx)
		if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
			t.Fatalf("code: got %q, want %q (%v)", got, want, err)
		}
		msg := igny8.ErrorMessage(err)
		if !strings.Contains(msg, "write_products, write_files") || strings.Contains(msg, "write_content") {
			t.Errorf("message does not list exactly the missing scopes: %s", msg)
		}
	})
	t.Run("BadToken", func(t *testing.T) {
		t.Parallel()
		f := newFakeShop(t)
		c, err := New(Config{BaseURL: f.srv.URL, Token: "shpat_wrong_token_value", HTTPClient: f.srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Check(ctx)
		if got, want := igny8.ErrorCode(err), igny8.EUnauthorized; got != want {
			t.Fatalf("code: got %q, want %q (%v)", got, want, err)
		}
		var se *Error
		if !errors.As(err, &se) || se.Retryable() {
			t.Errorf("a refused token must be a permanent *Error: %#v", err)
		}
		if strings.Contains(err.Error(), "shpat_wrong_token_value") || strings.Contains(igny8.ErrorMessage(err), "shpat_wrong_token_value") {
			t.Errorf("the error holds the token: %v", err)
		}
	})
	t.Run("VersionNotServed", func(t *testing.T) {
		t.Parallel()
		f := newFakeShop(t)
		c, err := New(Config{BaseURL: f.srv.URL, Token: testToken, HTTPClient: f.srv.Client(), APIVersion: "2019-01"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Check(ctx)
		if got, want := igny8.ErrorCode(err), igny8.ENotFound; got != want {
			t.Fatalf("code: got %q, want %q (%v)", got, want, err)
		}
		if !strings.Contains(err.Error(), "2019-01") {
			t.Errorf("the error does not name the version: %v", err)
		}
	})
	t.Run("VersionFallenBack", func(t *testing.T) {
		// Shopify answers an unsupported version with the oldest supported
		// one, saying so in X-Shopify-API-Version.
		t.Parallel()
		f := newFakeShop(t)
		f.version = "2025-10"
		_, err := f.client(t, nil).Check(ctx)
		if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
			t.Fatalf("code: got %q, want %q (%v)", got, want, err)
		}
		if !strings.Contains(err.Error(), "no longer supports API version "+APIVersion) {
			t.Errorf("message: %v", err)
		}
	})
	t.Run("AccessDenied", func(t *testing.T) {
		t.Parallel()
		f := newFakeShop(t)
		f.hook = func(string, int) *fakeReply {
			return &fakeReply{errors: []map[string]any{{"message": "Access denied for shop field.", "extensions": map[string]any{"code": "ACCESS_DENIED"}}}}
		}
		_, err := f.client(t, nil).Check(ctx)
		if got, want := igny8.ErrorCode(err), igny8.EForbidden; got != want {
			t.Fatalf("code: got %q, want %q (%v)", got, want, err)
		}
	})
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{{Shop: "acme"}, {Shop: "ac me", Token: "x"}, {Shop: "https://evil.test/", Token: "x"}} {
		if _, err := New(cfg); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("New(%+v): got %v, want an invalid error", cfg, err)
		}
	}
	c, err := New(Config{Shop: "Acme.myshopify.com", Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.endpoint, "https://acme.myshopify.com/admin/api/"+APIVersion+"/graphql.json"; got != want {
		t.Errorf("endpoint: got %q, want %q", got, want)
	}
}

func TestThrottled(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.hook = func(op string, n int) *fakeReply {
		if n == 1 {
			return &fakeReply{
				errors:  []map[string]any{{"message": "Throttled", "extensions": map[string]any{"code": "THROTTLED"}}},
				useCost: &queryCost{RequestedQueryCost: 502, ThrottleStatus: &throttleStatus{MaximumAvailable: 2000, CurrentlyAvailable: 100, RestoreRate: 100}},
			}
		}
		return nil
	}
	var sleeps []time.Duration
	if _, err := f.client(t, &sleeps).Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := sleeps, []time.Duration{4020 * time.Millisecond}; !equalDurations(got, want) {
		t.Errorf("sleeps: got %v, want %v ((502-100)/100 s)", got, want)
	}
	if got, want := len(f.ops()), 2; got != want {
		t.Errorf("requests: got %d, want %d", got, want)
	}
}

func TestThrottledStopsWithContext(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.hook = func(string, int) *fakeReply {
		return &fakeReply{errors: []map[string]any{{"message": "Throttled", "extensions": map[string]any{"code": "THROTTLED"}}}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	c, err := New(Config{BaseURL: f.srv.URL, Token: testToken, HTTPClient: f.srv.Client(),
		Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Check(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if got, want := len(f.ops()), 1; got != want {
		t.Errorf("requests: got %d, want %d", got, want)
	}
}

func TestPreemptiveWait(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.throttle = throttleStatus{MaximumAvailable: 1000, CurrentlyAvailable: 20, RestoreRate: 50}
	f.cost = 120
	now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	var sleeps []time.Duration
	c, err := New(Config{BaseURL: f.srv.URL, Token: testToken, HTTPClient: f.srv.Client(), Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// After the first answer the bucket holds 20 and the query costs 120:
	// wait (120-20)/50 = 2s before the second.
	if got, want := sleeps, []time.Duration{2 * time.Second}; !equalDurations(got, want) {
		t.Errorf("sleeps: got %v, want %v", got, want)
	}
}

func TestRetryAfter429(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.hook = func(op string, n int) *fakeReply {
		if n <= 2 {
			return &fakeReply{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"2.0"}}}
		}
		return nil
	}
	var sleeps []time.Duration
	if _, err := f.client(t, &sleeps).Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sleeps) != 2 || sleeps[0] < 2*time.Second || sleeps[1] < 2*time.Second {
		t.Errorf("sleeps: got %v, want two of at least 2s", sleeps)
	}
}

func TestServerErrorsBounded(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.hook = func(string, int) *fakeReply { return &fakeReply{status: http.StatusServiceUnavailable} }
	_, err := f.client(t, nil).Check(context.Background())
	var se *Error
	if !errors.As(err, &se) || !se.Retryable() || se.Attempts != 5 {
		t.Fatalf("got %#v, want a transient *Error after 5 attempts", err)
	}
	if got, want := len(f.ops()), 5; got != want {
		t.Errorf("requests: got %d, want %d", got, want)
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	f := newFakeShop(t)
	f.hook = func(string, int) *fakeReply {
		return &fakeReply{status: http.StatusBadRequest, body: `{"errors":"bad request with token ` + testToken + `"}`}
	}
	_, err := f.client(t, nil).Check(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{err.Error(), igny8.ErrorMessage(err), fmtAll(err)} {
		if strings.Contains(s, testToken) {
			t.Errorf("the error holds the token: %s", s)
		}
	}
	c := f.client(t, nil)
	if strings.Contains(fmtAll(c), testToken) || strings.Contains(c.String(), testToken) {
		t.Error("the client prints its token")
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
