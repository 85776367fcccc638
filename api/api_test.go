package api

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8"
)

// The same Idempotency-Key and request get the first answer again with no
// second effect; the same key with another body is a conflict.
func TestIdempotencyKey(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("delta")
	tok := tn.tokens[igny8.RoleAdmin]
	body := siteRequest{Slug: "delta-blog", Name: "Blog"}
	first := h.do(tok, "POST", "/v1/sites", body, "Idempotency-Key", "create-blog-1")
	if first.status != 201 {
		t.Fatalf("first POST: %d %s", first.status, first.body)
	}
	again := h.do(tok, "POST", "/v1/sites", body, "Idempotency-Key", "create-blog-1")
	if again.status != 201 || string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("repeat: %d replayed=%q\nfirst %s\nagain %s", again.status, again.header.Get("Idempotent-Replayed"), first.body, again.body)
	}
	if again.header.Get("Location") != first.header.Get("Location") {
		t.Errorf("replayed Location %q, first %q", again.header.Get("Location"), first.header.Get("Location"))
	}
	var sites List[igny8.Site]
	h.must(200, tok, "GET", "/v1/sites", nil, &sites)
	n := 0
	for _, s := range sites.Items {
		if s.Slug == "delta-blog" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d sites named delta-blog after a repeated POST, want 1", n)
	}
	other := h.do(tok, "POST", "/v1/sites", siteRequest{Slug: "delta-other", Name: "Other"}, "Idempotency-Key", "create-blog-1")
	if other.status != http.StatusConflict {
		t.Errorf("same key, other body: %d %s", other.status, other.body)
	}
	// A failed request (here: invalid) stores its answer too: a client
	// repeating it learns the same thing.
	bad := h.do(tok, "POST", "/v1/sites", siteRequest{Slug: "Bad Slug"}, "Idempotency-Key", "bad-1")
	badAgain := h.do(tok, "POST", "/v1/sites", siteRequest{Slug: "Bad Slug"}, "Idempotency-Key", "bad-1")
	if bad.status != 400 || badAgain.status != 400 {
		t.Errorf("invalid request with a key: %d then %d", bad.status, badAgain.status)
	}
	// Keys belong to a token: another token's same key is independent.
	o := h.do(tn.tokens[igny8.RoleOwner], "POST", "/v1/sites", siteRequest{Slug: "delta-owner", Name: "O"}, "Idempotency-Key", "create-blog-1")
	if o.status != 201 {
		t.Errorf("another token's same key: %d %s", o.status, o.body)
	}
	// Deploy requests: one queued deploy per key.
	p := fmt.Sprintf("/v1/sites/%d/deploys", tn.site.ID)
	d1 := h.do(tok, "POST", p, nil, "Idempotency-Key", "deploy-1")
	d2 := h.do(tok, "POST", p, nil, "Idempotency-Key", "deploy-1")
	if d1.status != 202 || string(d1.body) != string(d2.body) {
		t.Errorf("deploy with a key twice: %d %s / %s", d1.status, d1.body, d2.body)
	}
	var deploys List[igny8.Deployment]
	h.must(200, tok, "GET", p, nil, &deploys)
	if len(deploys.Items) != 2 { // the tenant's first deploy and this one
		t.Errorf("%d deploys, want 2", len(deploys.Items))
	}
}

func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	u := os.Getenv("IGNY8_TEST_REDIS_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IGNY8_TEST_REDIS_URL is not set: `make test` starts Redis and sets it (CI must not skip)")
		}
		t.Skip("IGNY8_TEST_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", u, err)
	}
	return c
}

// Past its limit a token gets 429 with Retry-After; another token is not
// affected.
func TestRateLimit(t *testing.T) {
	lim := &RedisLimiter{Client: redisClient(t), Limit: 5, Window: time.Minute, Prefix: fmt.Sprintf("igny8:test:%d:", time.Now().UnixNano())}
	h := newHarness(t, nil)
	tn := h.newTenant("eps")
	h2 := *h
	srv := New(withLimits(dbConfig(h.db), lim, nil))
	h2.srv.Config.Handler = srv
	tok := tn.tokens[igny8.RoleViewer]
	for i := range 5 {
		if r := h2.do(tok, "GET", "/v1/sites", nil); r.status != 200 {
			t.Fatalf("request %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := h2.do(tok, "GET", "/v1/sites", nil)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("6th request: %d, want 429", r.status)
	}
	if p := r.problem(t); p.Code != CodeRateLimited {
		t.Errorf("problem code %q", p.Code)
	}
	if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	if r := h2.do(tn.tokens[igny8.RoleEditor], "GET", "/v1/sites", nil); r.status != 200 {
		t.Errorf("another token: %d", r.status)
	}

	// Logins are limited per email address, by their own (tighter) limiter.
	login := &RedisLimiter{Client: lim.Client, Limit: 2, Window: time.Minute, Prefix: lim.Prefix + "login:"}
	h2.srv.Config.Handler = New(withLimits(dbConfig(h.db), lim, login))
	creds := loginRequest{Email: "eps-owner@example.com", Password: "wrong password"}
	for i := range 2 {
		if r := h2.do("", "POST", "/v1/login", creds); r.status != http.StatusUnauthorized {
			t.Fatalf("login attempt %d: %d %s", i+1, r.status, r.body)
		}
	}
	creds.Password = "password-owner"
	if r := h2.do("", "POST", "/v1/login", creds); r.status != http.StatusTooManyRequests {
		t.Errorf("third login attempt in a minute, even with the right password: %d, want 429", r.status)
	}
	other := loginRequest{Email: "eps-admin@example.com", Password: "password-admin"}
	if r := h2.do("", "POST", "/v1/login", other); r.status != 201 {
		t.Errorf("another address: %d %s", r.status, r.body)
	}
}

// Every route the router serves is in the OpenAPI document, and every
// operation in the document is served.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	h := newHarness(t, nil)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	h.must(200, "", "GET", "/v1/openapi.json", nil, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	mux := New(dbConfig(h.db)).(chi.Routes)
	served := map[string]bool{}
	err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(route, "/v1/") {
			return nil // health, readiness and metrics are not API operations
		}
		served[method+" "+route] = true
		if doc.Paths[route][strings.ToLower(method)] == nil {
			t.Errorf("%s %s is served but missing from the OpenAPI document", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			if !served[strings.ToUpper(m)+" "+p] {
				t.Errorf("%s %s is documented but not served", m, p)
			}
			if op["operationId"] == "" || op["responses"] == nil {
				t.Errorf("%s %s lacks an operationId or responses", m, p)
			}
		}
	}
	if len(served) < 40 {
		t.Errorf("only %d routes served", len(served))
	}
}

// Errors are problem+json with stable codes and pointers at the field.
func TestProblems(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("zeta")
	tok := tn.tokens[igny8.RoleOwner]
	cases := []struct {
		name, method, path string
		body               any
		token              string
		status             int
		code, pointer      string
	}{
		{"no token", "GET", "/v1/sites", nil, "", 401, igny8.EUnauthorized, ""},
		{"bad token", "GET", "/v1/sites", nil, "igny8_nope", 401, igny8.EUnauthorized, ""},
		{"bad JSON", "POST", "/v1/sites", `{"slug": `, tok, 400, igny8.EInvalid, ""},
		{"unknown field", "POST", "/v1/sites", `{"slug": "a", "name": "b", "colour": 1}`, tok, 400, igny8.EInvalid, "/colour"},
		{"wrong type", "POST", "/v1/sites", `{"slug": 5, "name": "b"}`, tok, 400, igny8.EInvalid, "/slug"},
		{"deploy id as a number", "POST", fmt.Sprintf("/v1/sites/%d/rollback", tn.site.ID), `{"to": 7}`, tok, 400, igny8.EInvalid, "/to"},
		{"bad slug", "POST", "/v1/sites", `{"slug": "Not OK", "name": "b"}`, tok, 400, igny8.EInvalid, "/slug"},
		{"taken slug", "POST", "/v1/sites", `{"slug": "zeta-shop", "name": "b"}`, tok, 409, igny8.EConflict, ""},
		{"bad id", "GET", "/v1/sites/abc", nil, tok, 400, igny8.EInvalid, ""},
		{"bad limit", "GET", "/v1/sites?limit=1000", nil, tok, 400, igny8.EInvalid, ""},
		{"bad cursor", "GET", "/v1/sites?cursor=zzz", nil, tok, 400, igny8.EInvalid, ""},
		{"no such site", "GET", "/v1/sites/999999", nil, tok, 404, igny8.ENotFound, ""},
		{"no such route", "GET", "/v1/nothing", nil, tok, 404, igny8.ENotFound, ""},
		{"invalid blueprint", "PUT", fmt.Sprintf("/v1/sites/%d/blueprint", tn.site.ID), `{"version": 1, "site": {"name": ""}, "theme": {"name": "studio"}, "pages": []}`, tok, 422, CodeValidation, "/site"},
		{"page breaking a nav link", "DELETE", fmt.Sprintf("/v1/sites/%d/pages/home", tn.site.ID), nil, tok, 422, CodeValidation, "/navigation/main/0/href"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.do(c.token, c.method, c.path, c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			p := r.problem(t)
			if p.Code != c.code || p.Status != c.status || p.RequestID == "" || p.Detail == "" {
				t.Errorf("problem %+v", p)
			}
			if c.pointer != "" {
				found := false
				for _, f := range p.Errors {
					found = found || strings.HasPrefix(f.Pointer, c.pointer)
				}
				if !found {
					t.Errorf("no error points at %s: %+v", c.pointer, p.Errors)
				}
			}
		})
	}
	// Pagination walks every item once.
	for i := range 5 {
		h.must(201, tok, "POST", "/v1/sites", siteRequest{Slug: fmt.Sprintf("zeta-p%d", i), Name: "P"}, nil)
	}
	seen := map[int64]bool{}
	next := "/v1/sites?limit=2"
	for pages := 0; next != ""; pages++ {
		var l List[igny8.Site]
		h.must(200, tok, "GET", next, nil, &l)
		for _, s := range l.Items {
			if seen[s.ID] {
				t.Errorf("site %d listed twice", s.ID)
			}
			seen[s.ID] = true
		}
		next = ""
		if l.NextCursor != "" {
			next = "/v1/sites?limit=2&cursor=" + l.NextCursor
		}
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
	}
	if len(seen) != 6 {
		t.Errorf("paginated through %d sites, want 6", len(seen))
	}
}
