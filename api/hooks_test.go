package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing/shopify"
)

// hookTarget is what fakeHooks finds for an integration.
type hookTarget struct {
	account, site int64
	secret        []byte
}

// fakeHooks is a HookTarget over a map, as cmd/igny8's would find the
// integration and open its webhook_secret. It fails when called with an
// actor: the route must look the integration up before it knows who
// calls.
type fakeHooks struct {
	mu      sync.Mutex
	targets map[int64]hookTarget
}

func (f *fakeHooks) add(in igny8.Integration, secret []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targets[in.ID] = hookTarget{account: in.AccountID, site: in.SiteID, secret: secret}
}

func (f *fakeHooks) ShopifyHook(ctx context.Context, id int64) (int64, int64, []byte, error) {
	if a, ok := igny8.ActorFrom(ctx); ok {
		return 0, 0, nil, fmt.Errorf("ShopifyHook called with actor %+v", a)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.targets[id]
	if !ok {
		return 0, 0, nil, igny8.Errorf(igny8.ENotFound, "There is no integration %d.", id)
	}
	return t.account, t.site, t.secret, nil
}

// sign is the X-Shopify-Hmac-Sha256 header Shopify sends with body.
func sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// syncJobs returns the sync jobs of integration in.
func syncJobs(t *testing.T, h *harness, in igny8.Integration) []*igny8.Job {
	t.Helper()
	ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: in.AccountID})
	all, err := h.db.Jobs(ctx, in.SiteID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []*igny8.Job
	for _, j := range all {
		var input struct {
			IntegrationID int64 `json:"integration_id"`
		}
		json.Unmarshal(j.Input, &input)
		if j.Kind == igny8.JobSync && input.IntegrationID == in.ID {
			out = append(out, j)
		}
	}
	return out
}

// withoutRequestID is a problem's body without its request id, which
// differs on every answer.
func withoutRequestID(t *testing.T, r response) string {
	t.Helper()
	p := r.problem(t)
	p.RequestID = ""
	b, _ := json.Marshal(p)
	return string(b)
}

// A Shopify webhook is taken only with a good signature of its body, and
// its product topics start a sync job for the integration; every refusal
// of an untrusted one is the same 401, whether the integration exists or
// not.
func TestShopifyWebhook(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("hook")
	secret := []byte("shpss_app-secret")
	var in igny8.Integration
	h.must(201, tn.tokens[igny8.RoleOwner], "POST", fmt.Sprintf("/v1/sites/%d/integrations", tn.site.ID), integrationRequest{
		Platform: igny8.PlatformShopify, Name: "Shop", URL: "https://hook.myshopify.com",
		Credentials: map[string]string{"access_token": "shpat_x", "webhook_secret": string(secret)}}, &in)
	h.hooks.add(in, secret)
	hookPath := fmt.Sprintf("/v1/hooks/shopify/%d", in.ID)
	product := []byte(`{"id": 788032119674292900, "admin_graphql_api_id": "gid://shopify/Product/788032119674292900", "title": "Sourdough"}`)
	oversize := append(bytes.Repeat([]byte(" "), maxShopifyHookBytes), product...)

	unsigned := h.do("", "POST", hookPath, product, "X-Shopify-Topic", "products/update")
	if unsigned.status != http.StatusUnauthorized {
		t.Fatalf("unsigned: status %d, want 401: %s", unsigned.status, unsigned.body)
	}
	refusal := withoutRequestID(t, unsigned)

	cases := []struct {
		name   string
		path   string
		body   []byte
		header []string
		status int
		job    bool
	}{
		{"products/update", hookPath, product, []string{"X-Shopify-Topic", "products/update", "X-Shopify-Hmac-Sha256", sign(secret, product)}, 200, true},
		{"products/create", hookPath, product, []string{"X-Shopify-Topic", "products/create", "X-Shopify-Hmac-Sha256", sign(secret, product)}, 200, true},
		{"products/delete", hookPath, []byte(`{"id": 788032119674292900}`), []string{"X-Shopify-Topic", "products/delete", "X-Shopify-Hmac-Sha256", sign(secret, []byte(`{"id": 788032119674292900}`))}, 200, true},
		{"unrelated topic", hookPath, []byte(`{"id": 1}`), []string{"X-Shopify-Topic", "orders/create", "X-Shopify-Hmac-Sha256", sign(secret, []byte(`{"id": 1}`))}, 200, false},
		{"tampered body", hookPath, bytes.Replace(product, []byte("Sourdough"), []byte("Rye"), 1), []string{"X-Shopify-Topic", "products/update", "X-Shopify-Hmac-Sha256", sign(secret, product)}, 401, false},
		{"wrong secret", hookPath, product, []string{"X-Shopify-Topic", "products/update", "X-Shopify-Hmac-Sha256", sign([]byte("another app"), product)}, 401, false},
		{"not base64", hookPath, product, []string{"X-Shopify-Topic", "products/update", "X-Shopify-Hmac-Sha256", "not a signature"}, 401, false},
		{"unknown integration", "/v1/hooks/shopify/999999999", product, []string{"X-Shopify-Topic", "products/update", "X-Shopify-Hmac-Sha256", sign(secret, product)}, 401, false},
		{"not an id", "/v1/hooks/shopify/abc", product, []string{"X-Shopify-Topic", "products/update", "X-Shopify-Hmac-Sha256", sign(secret, product)}, 401, false},
		{"oversize body", hookPath, oversize, []string{"X-Shopify-Topic", "products/update", "X-Shopify-Hmac-Sha256", sign(secret, oversize)}, 413, false},
		// Another account's token is no signature.
		{"bearer token only", hookPath, product, []string{"X-Shopify-Topic", "products/update", "Authorization", "Bearer " + tn.tokens[igny8.RoleOwner]}, 401, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(syncJobs(t, h, in))
			r := h.do("", "POST", c.path, c.body, c.header...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if c.status == 401 {
				if got := withoutRequestID(t, r); got != refusal {
					t.Errorf("refusal differs from the unsigned one, so it tells something:\n got %s\nwant %s", got, refusal)
				}
			}
			jobs := syncJobs(t, h, in)
			switch {
			case c.job && len(jobs) != before+1:
				t.Fatalf("%d sync jobs of the integration after, %d before: want one more", len(jobs), before)
			case !c.job && len(jobs) != before:
				t.Fatalf("%d sync jobs of the integration after, %d before: want none started", len(jobs), before)
			case c.job:
				j := jobs[len(jobs)-1]
				if j.Kind != igny8.JobSync || j.SiteID != in.SiteID || j.AccountID != in.AccountID || j.Status != igny8.JobQueued || j.CreatedBy != nil {
					t.Errorf("job %+v: want a queued sync of site %d in account %d, created by no user", j, in.SiteID, in.AccountID)
				}
			}
		})
	}
	if strings.Contains(refusal, "exist") || strings.Contains(refusal, "found") {
		t.Errorf("the refusal speaks of the integration's existence: %s", refusal)
	}
}

// The webhook_secret credential of Shopify is optional, and other
// platforms do not take it.
func TestShopifyWebhookSecretIsOptional(t *testing.T) {
	shop := map[string]string{"access_token": "shpat_x"}
	if errs := checkCredentials(igny8.PlatformShopify, shop); len(errs) != 0 {
		t.Errorf("access_token alone: %v", errs)
	}
	shop["webhook_secret"] = "s"
	if errs := checkCredentials(igny8.PlatformShopify, shop); len(errs) != 0 {
		t.Errorf("with webhook_secret: %v", errs)
	}
	if errs := checkCredentials(igny8.PlatformShopify, map[string]string{"webhook_secret": "s"}); len(errs) != 1 {
		t.Errorf("webhook_secret without access_token: %v, want one problem", errs)
	}
	wp := map[string]string{"username": "u", "application_password": "p", "webhook_secret": "s"}
	if errs := checkCredentials(igny8.PlatformWordPress, wp); len(errs) != 1 {
		t.Errorf("webhook_secret on WordPress: %v, want one problem", errs)
	}
}

// countLimiter allows limit requests per key.
type countLimiter struct {
	mu     sync.Mutex
	limit  int
	counts map[string]int
}

func (l *countLimiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[key]++
	return l.counts[key] <= l.limit, time.Minute, nil
}

// Webhooks are limited per client address, before their signature is
// checked; without a HookTarget the route answers 501.
func TestShopifyWebhookLimitsAndConfig(t *testing.T) {
	h := newHarness(t, nil)
	post := func(handler http.Handler, addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/v1/hooks/shopify/1", strings.NewReader(`{}`))
		req.RemoteAddr = addr
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		return w
	}
	cfg := withPipeline(dbConfig(h.db), h.db)
	cfg.Hooks = h.hooks
	cfg.Limiter = &countLimiter{limit: 2, counts: map[string]int{}}
	limited := New(cfg)
	for i := range 2 {
		if w := post(limited, "203.0.113.7:1000"); w.Code != http.StatusUnauthorized {
			t.Fatalf("request %d: %d, want 401: %s", i+1, w.Code, w.Body)
		}
	}
	if w := post(limited, "203.0.113.7:1001"); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Errorf("third request from the address: %d (Retry-After %q), want 429", w.Code, w.Header().Get("Retry-After"))
	}
	if w := post(limited, "198.51.100.9:1000"); w.Code != http.StatusUnauthorized {
		t.Errorf("another address: %d, want 401", w.Code)
	}

	cfg.Hooks, cfg.Limiter = nil, nil
	if w := post(New(cfg), "203.0.113.7:1000"); w.Code != http.StatusNotImplemented {
		t.Errorf("without a HookTarget: %d, want 501: %s", w.Code, w.Body)
	}
}

// The route is public in the OpenAPI document and requires the signature
// header.
func TestShopifyWebhookDocumented(t *testing.T) {
	s := &server{}
	s.routes = s.table()
	op := s.document()["paths"].(map[string]any)["/v1/hooks/shopify/{integrationID}"].(map[string]any)["post"].(map[string]any)
	if sec := op["security"].([]any); len(sec) != 0 {
		t.Errorf("security %v, want none (no bearer token)", sec)
	}
	found := false
	for _, p := range op["parameters"].([]any) {
		p := p.(map[string]any)
		if p["name"] == shopify.HeaderHMAC && p["in"] == "header" && p["required"] == true {
			found = true
		}
	}
	if !found {
		t.Errorf("no required %s header parameter: %v", shopify.HeaderHMAC, op["parameters"])
	}
	if !strings.Contains(op["summary"].(string), "signature") {
		t.Errorf("summary %q does not say a signature is required", op["summary"])
	}
}

// The route checks signatures as publishing/shopify does, which api may
// not import: same headers, same size limit, same verdicts.
func TestShopifySignsAsPublishingShopify(t *testing.T) {
	if shopifyHMACHeader != shopify.HeaderHMAC || shopifyTopicHeader != shopify.HeaderTopic {
		t.Errorf("headers %q, %q; publishing/shopify has %q, %q", shopifyHMACHeader, shopifyTopicHeader, shopify.HeaderHMAC, shopify.HeaderTopic)
	}
	if maxShopifyHookBytes != shopify.MaxWebhookBytes {
		t.Errorf("maxShopifyHookBytes = %d, shopify.MaxWebhookBytes = %d", maxShopifyHookBytes, shopify.MaxWebhookBytes)
	}
	secret, body := []byte("secret"), []byte(`{"id": 1}`)
	for _, header := range []string{sign(secret, body), " " + sign(secret, body) + "\n", sign([]byte("other"), body), sign(secret, []byte("{}")), "", "!!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		sig, ok := decodeShopifyHMAC(header)
		ours := ok && shopifySigns(secret, body, sig)
		theirs := shopify.VerifyWebhook(secret, body, header) == nil
		if ours != theirs {
			t.Errorf("header %q: api says %v, publishing/shopify says %v", header, ours, theirs)
		}
	}
}
