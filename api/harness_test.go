package api

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/domains"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/storagetest"
)

// fakeDeploys records deployment rows like the real implementation does,
// without building anything (the end-to-end test in cmd/igny8 builds).
type fakeDeploys struct{ db *postgres.DB }

func (f fakeDeploys) Request(ctx context.Context, site *igny8.Site) (*igny8.Deployment, error) {
	d := &igny8.Deployment{SiteID: site.ID, Type: igny8.DeploymentBuild}
	err := f.db.CreateDeployment(ctx, d, func(d *igny8.Deployment) postgres.OutboxMessage {
		return postgres.OutboxMessage{Kind: "test:build", Payload: []byte(fmt.Sprintf(`{"deployment_id": %d}`, d.ID))}
	})
	return d, err
}

func (f fakeDeploys) Rollback(ctx context.Context, site *igny8.Site, to string) (*igny8.Deployment, error) {
	d := &igny8.Deployment{SiteID: site.ID, Type: igny8.DeploymentRollback, DeployID: to}
	return d, f.db.CreateDeployment(ctx, d, nil)
}

func (f fakeDeploys) Promote(ctx context.Context, site *igny8.Site, d *igny8.Deployment) (*igny8.Deployment, error) {
	p := &igny8.Deployment{SiteID: site.ID, Type: igny8.DeploymentPromote, DeployID: d.DeployID}
	return p, f.db.CreateDeployment(ctx, p, nil)
}

// fakeDeleter deletes a site's rows (with its deletion record), as the
// real one does before it takes the site off the web.
type fakeDeleter struct{ db *postgres.DB }

func (f fakeDeleter) DeleteSite(ctx context.Context, id int64) error {
	_, err := f.db.DeleteSite(ctx, id, time.Hour)
	return err
}

// memAssets keeps asset rows in the database and their bytes in memory.
type memAssets struct {
	db    *postgres.DB
	mu    sync.Mutex
	bytes map[string][]byte // by sha256
}

func (m *memAssets) PutAsset(ctx context.Context, siteID int64, path, contentType string, body io.Reader) (*igny8.Asset, bool, error) {
	if _, err := m.db.Site(ctx, siteID); err != nil {
		return nil, false, err
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, false, err
	}
	sum := sha256.Sum256(b)
	a := &igny8.Asset{SiteID: siteID, Path: path, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b)), ContentType: cmp.Or(contentType, "application/octet-stream")}
	m.mu.Lock()
	m.bytes[a.SHA256] = b
	m.mu.Unlock()
	created, err := m.db.PutAsset(ctx, a)
	return a, created, err
}

func (m *memAssets) Assets(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Asset, error) {
	return m.db.Assets(ctx, siteID, after, limit)
}

func (m *memAssets) AssetByID(ctx context.Context, siteID, id int64) (*igny8.Asset, error) {
	return m.db.AssetByID(ctx, siteID, id)
}

func (m *memAssets) OpenAsset(ctx context.Context, siteID int64, a *igny8.Asset) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return io.NopCloser(bytes.NewReader(m.bytes[a.SHA256])), nil
}

func (m *memAssets) DeleteAssetByID(ctx context.Context, siteID, id int64) error {
	return m.db.DeleteAssetByID(ctx, siteID, id)
}

// dns is the TXT records domain verification sees in tests.
type dns struct {
	mu      sync.Mutex
	records map[string][]string
}

func (d *dns) set(name string, values ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.records[name] = values
}

func (d *dns) lookup(ctx context.Context, name string) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.records[name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("no TXT records at %s", name)
}

// dbConfig is a Config with db as every store, fakeDeploys, and a domain
// service whose routes are kept in an in-memory object store.
func dbConfig(db *postgres.DB) Config {
	cfg, _, _ := dbConfigWith(db)
	return cfg
}

func dbConfigWith(db *postgres.DB) (Config, *dns, storage.Store) {
	d := &dns{records: map[string][]string{}}
	store := storagetest.NewMemory()
	svc := domains.NewService(domains.Config{Store: db, Routes: domains.NewRoutes(store), LookupTXT: d.lookup,
		Policy: domains.Policy{SitesDomain: "sites.test", Reserved: []string{"api.igny8.test"}}})
	return Config{Auth: db, Accounts: db, Members: db, Tokens: db, Sites: db, SiteDeleter: fakeDeleter{db},
		Assets: &memAssets{db: db, bytes: map[string][]byte{}}, Sectors: db, Domains: db, DomainService: svc,
		Blueprints: db, Pages: db, Deployments: db, Admin: db, Idempotency: db, Credits: db, Deploys: fakeDeploys{db},
		Signups: db, Invites: db}, d, store
}

type harness struct {
	t      *testing.T
	db     *postgres.DB
	srv    *httptest.Server
	system string        // token of the system account's owner
	dns    *dns          // TXT records for domain verification
	routes storage.Store // the routes domain verification writes
	hooks  *fakeHooks    // the integrations webhooks find
}

func newHarness(t *testing.T, limiter Limiter) *harness {
	t.Helper()
	db, _ := pgtest.Open(t)
	_, boot, err := db.Bootstrap(context.Background(), "root@example.com", "root-password")
	if err != nil {
		t.Fatal(err)
	}
	cfg, d, routes := dbConfigWith(db)
	cfg = withPipeline(cfg, db)
	cfg.Integrations, cfg.Connector, cfg.Resolver = db, fakeConnector{}, fakeResolver{db}
	cfg.Limiter = limiter
	cfg.Hooks = &fakeHooks{targets: map[int64]hookTarget{}}
	h := &harness{t: t, db: db, system: boot.Secret, dns: d, routes: routes, hooks: cfg.Hooks.(*fakeHooks)}
	handler := New(cfg)
	h.srv = httptest.NewServer(handler)
	t.Cleanup(h.srv.Close)
	return h
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.body)
	}
}

func (r response) problem(t *testing.T) Problem {
	t.Helper()
	var p Problem
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q, want a problem: %s", r.status, ct, r.body)
	}
	r.json(t, &p)
	return p
}

// do sends a request with token; body may be nil, a []byte, or a value to
// encode as JSON.
func (h *harness) do(token, method, path string, body any, header ...string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// must sends a request and fails the test unless the status is want.
func (h *harness) must(want int, token, method, path string, body any, out any) response {
	h.t.Helper()
	r := h.do(token, method, path, body)
	if r.status != want {
		h.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	if out != nil {
		r.json(h.t, out)
	}
	return r
}

// tenant is an account with tokens for each role and a set of objects.
type tenant struct {
	slug   string
	tokens map[igny8.Role]string
	site   igny8.Site
	sector igny8.Sector
	domain igny8.Domain
	deploy igny8.Deployment
	asset  igny8.Asset
	token  igny8.NewToken // an extra admin token, to revoke
	member igny8.Member   // the viewer
	// The content pipeline's objects.
	keyword igny8.Keyword
	cluster igny8.Cluster
	idea    igny8.Idea
	task    igny8.Task
	content igny8.Content
	job     igny8.Job
	// optimization is a recorded optimization that was not kept.
	optimization igny8.Optimization
	integration  igny8.Integration
	record       igny8.PublishingRecord // of content on integration
}

const testBlueprint = `{"version": 1, "site": {"name": "Shop", "base_url": "https://shop.example.com/", "locale": "en"},
 "theme": {"name": "studio"}, "navigation": {"main": [{"href": "page:home"}]},
 "pages": [{"id": "home", "path": "/", "type": "home", "title": "Home", "blocks": [
   {"id": "intro", "type": "richtext", "v": 1, "props": {"markdown": "Hello"}}]},
   {"id": "about", "path": "/about/", "type": "page", "title": "About", "blocks": []}]}`

// newTenant creates an account through the API (as the system owner),
// members with every role, and one object of every kind.
func (h *harness) newTenant(slug string) *tenant {
	h.t.Helper()
	tn := &tenant{slug: slug, tokens: map[igny8.Role]string{}}
	h.must(201, h.system, "POST", "/v1/accounts", igny8.NewAccount{Slug: slug, Name: slug, OwnerEmail: slug + "-owner@example.com", Password: "password-owner"}, nil)
	var nt igny8.NewToken
	h.must(201, "", "POST", "/v1/login", loginRequest{Email: slug + "-owner@example.com", Password: "password-owner"}, &nt)
	tn.tokens[igny8.RoleOwner] = nt.Secret
	for _, role := range []igny8.Role{igny8.RoleAdmin, igny8.RoleEditor, igny8.RoleViewer} {
		email := fmt.Sprintf("%s-%s@example.com", slug, role)
		var m igny8.Member
		h.must(201, nt.Secret, "POST", "/v1/members", memberRequest{Email: email, Password: "password-" + string(role), Role: role}, &m)
		if role == igny8.RoleViewer {
			tn.member = m
		}
		var t igny8.NewToken
		h.must(201, "", "POST", "/v1/login", loginRequest{Email: email, Password: "password-" + string(role)}, &t)
		tn.tokens[role] = t.Secret
	}
	owner := tn.tokens[igny8.RoleOwner]
	h.must(201, owner, "POST", "/v1/sites", siteRequest{Slug: slug + "-shop", Name: "Shop"}, &tn.site)
	base := fmt.Sprintf("/v1/sites/%d", tn.site.ID)
	h.must(201, owner, "POST", base+"/sectors", sectorRequest{Slug: "bread", Name: "Bread"}, &tn.sector)
	h.must(201, owner, "POST", base+"/domains", domainRequest{Hostname: slug + ".example.com"}, &tn.domain)
	h.must(201, owner, "POST", base+"/assets?path=assets/logo.svg", []byte("<svg/>"), &tn.asset)
	h.must(200, owner, "PUT", base+"/blueprint", []byte(testBlueprint), nil)
	h.must(202, owner, "POST", base+"/deploys", nil, &tn.deploy)
	h.must(201, owner, "POST", "/v1/tokens", igny8.TokenSpec{Name: "ci", Role: igny8.RoleEditor, ExpiresAt: ptr(time.Now().Add(time.Hour))}, &tn.token)
	h.pipelineObjects(tn)
	h.integrationObjects(tn)
	return tn
}

func ptr[T any](v T) *T { return &v }

func withLimits(cfg Config, limiter, login Limiter) Config {
	cfg.Limiter, cfg.LoginLimiter = limiter, login
	return cfg
}
