package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// e2eBlueprint is a one-page site whose text says which version it is.
func e2eBlueprint(text string) string {
	return fmt.Sprintf(`{"version": 1,
 "site": {"name": "Shop", "base_url": "https://e2e-shop.example.com/", "locale": "en"},
 "theme": {"name": "studio"},
 "pages": [{"id": "home", "path": "/", "type": "home", "title": "Home",
   "blocks": [{"id": "intro", "type": "richtext", "v": 1, "props": {"markdown": %q}}]}]}`, text)
}

// platform is the whole platform on random ports, in this process, as
// `igny8 dev` runs it: API, worker, scheduler and edge, on a real
// Postgres, Redis, Hugo and file storage.
type platform struct {
	t        *testing.T
	vars     map[string]string
	svc      *services
	db       *postgres.DB
	api      *apiClient
	edgeAddr string
	system   string // the system owner's token (a new installation prints it)
	dns      map[string][]string
	dnsMu    sync.Mutex
}

// startPlatform starts the platform; extra are more environment variables.
func startPlatform(t *testing.T, extra map[string]string) *platform {
	t.Helper()
	if testing.Short() {
		t.Skip("builds with Hugo")
	}
	redisURL := os.Getenv("IGNY8_TEST_REDIS_URL")
	if redisURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IGNY8_TEST_REDIS_URL is not set: `make test` starts Redis and sets it")
		}
		t.Skip("IGNY8_TEST_REDIS_URL is not set; `make test` starts Redis and sets it")
	}
	dbURL := pgtest.URL(t)
	apiAddr, edgeAddr, adminAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	vars := map[string]string{
		"DATABASE_URL": dbURL, "REDIS_URL": redisURL, "IGNY8_STORAGE": "fs://" + t.TempDir(),
		"IGNY8_SITES_DOMAIN": "localhost", "IGNY8_API_ADDR": apiAddr,
		"IGNY8_EDGE_ADDR": edgeAddr, "IGNY8_EDGE_ADMIN_ADDR": adminAddr, "IGNY8_LOG_FORMAT": "text",
	}
	for k, v := range extra {
		vars[k] = v
	}
	var logs bytes.Buffer
	e := &env{stdout: io.Discard, stderr: &syncWriter{w: &logs}, getenv: func(k string) string { return vars[k] }}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("platform log:\n%s", logs.String())
		}
	})

	ctx, cancel := context.WithCancel(context.Background())
	svc, err := openServices(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	p := &platform{t: t, vars: vars, svc: svc, edgeAddr: edgeAddr, dns: map[string][]string{}}
	svc.lookupTXT = p.lookupTXT
	ns := vars[envNamespace] // a test with worker processes of its own sets it
	if ns == "" {
		ns = fmt.Sprintf("e2e%d:", time.Now().UnixNano())
	}
	svc.limitPrefix = ns
	jc := svc.jobsConfig()
	jc.Namespace = ns
	h := svc.apiHandler()
	roles := []func(context.Context) error{
		jobs.NewScheduler(jc).Run,
		func(ctx context.Context) error { return runEdge(ctx, e, nil) },
		func(ctx context.Context) error { return serveHTTP(ctx, e, apiAddr, "api", h, svc.logger) },
	}
	if vars[envNoWorker] != "1" {
		roles = append(roles, jobs.NewWorker(jc).Run)
	}
	done := make(chan error, len(roles))
	for _, run := range roles {
		go func() { done <- run(ctx) }()
	}
	t.Cleanup(func() {
		cancel()
		for range roles {
			if err := <-done; err != nil && ctx.Err() == nil {
				t.Errorf("a role stopped: %v", err)
			}
		}
		svc.Close()
		opt, _ := redis.ParseURL(redisURL)
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		ins := asynq.NewInspectorFromRedisClient(rdb)
		for _, q := range []string{jobs.QueueCritical, jobs.QueueDefault, jobs.QueueLow} {
			ins.DeleteQueue(ns+q, true)
		}
	})
	if p.db, err = postgres.Open(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.db.Close)
	_, boot, err := p.db.Bootstrap(ctx, "root@example.com", "root-password")
	if err != nil {
		t.Fatal(err)
	}
	p.system = boot.Secret
	p.api = &apiClient{t: t, base: "http://" + apiAddr}
	p.api.waitUp(p.api.base + "/readyz")
	p.api.waitUp("http://" + adminAddr + "/healthz")
	return p
}

// lookupTXT is the DNS the platform's domain verification sees.
func (p *platform) lookupTXT(ctx context.Context, name string) ([]string, error) {
	p.dnsMu.Lock()
	defer p.dnsMu.Unlock()
	if r, ok := p.dns[name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("lookup %s: no such host", name)
}

func (p *platform) setTXT(name string, values ...string) {
	p.dnsMu.Lock()
	defer p.dnsMu.Unlock()
	p.dns[name] = values
}

// account creates an account through the API and returns its owner's token.
func (p *platform) account(slug string) string {
	p.t.Helper()
	email := "owner@" + slug + ".example"
	p.api.call(p.system, "POST", "/v1/accounts", map[string]any{"slug": slug, "name": slug, "owner_email": email, "password": slug + "-password"}, 201, nil)
	var tok igny8.NewToken
	p.api.call("", "POST", "/v1/login", map[string]any{"email": email, "password": slug + "-password"}, 201, &tok)
	return tok.Secret
}

// deploy stores blueprint as the site's and deploys it through the job
// queue; it returns the deployment once live.
func (p *platform) deploy(token string, siteID int64, blueprint string) igny8.Deployment {
	p.t.Helper()
	base := fmt.Sprintf("/v1/sites/%d", siteID)
	p.api.call(token, "PUT", base+"/blueprint", json.RawMessage(blueprint), 200, nil)
	var d igny8.Deployment
	p.api.call(token, "POST", base+"/deploys", nil, 202, &d)
	return p.waitLive(token, siteID, d)
}

func (p *platform) waitLive(token string, siteID int64, d igny8.Deployment) igny8.Deployment {
	p.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for d.Status != igny8.DeploymentLive {
		if d.Status == igny8.DeploymentFailed || time.Now().After(deadline) {
			p.t.Fatalf("deploy %d: status %s, error %q", d.ID, d.Status, d.Error)
		}
		time.Sleep(100 * time.Millisecond)
		p.api.call(token, "GET", fmt.Sprintf("/v1/sites/%d/deploys/%d", siteID, d.ID), nil, 200, &d)
	}
	if d.DeployID == "" || d.Files == 0 || d.DeployedAt == nil {
		p.t.Errorf("live deploy row lacks its facts: %+v", d)
	}
	return d
}

// edge answers a GET of path at host.
func (p *platform) edge(host, path string) (string, int) {
	p.t.Helper()
	return getByHost(p.t, "http://"+p.edgeAddr+path, host)
}

// edgeShows waits until the edge answers path at host with status and a
// body containing want; Redis announces changes, and the edges' 2 s poll
// covers a lost message.
func (p *platform) edgeShows(host, path string, status int, want string) {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		body, got := p.edge(host, path)
		if got == status && strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s%s: the edge answers %d, want %d with %q:\n%.400s", host, path, got, status, want, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The whole platform, driven through the API only: an administrator
// creates an account; its owner logs in, creates a site, stores a
// blueprint and deploys it; the edge serves the page by Host header; a
// second deploy replaces it; a rollback brings the first page back.
func TestEndToEndThroughTheAPI(t *testing.T) {
	p := startPlatform(t, nil)
	tok := p.account("acme")
	var site igny8.Site
	p.api.call(tok, "POST", "/v1/sites", map[string]any{"slug": "e2e-shop", "name": "Shop"}, 201, &site)
	base := fmt.Sprintf("/v1/sites/%d", site.ID)

	first := p.deploy(tok, site.ID, e2eBlueprint("Version one of the shop"))
	p.edgeShows("e2e-shop.localhost", "/", 200, "Version one of the shop")
	second := p.deploy(tok, site.ID, e2eBlueprint("Version two of the shop"))
	p.edgeShows("e2e-shop.localhost", "/", 200, "Version two of the shop")
	if first.DeployID == second.DeployID {
		t.Fatalf("two different blueprints gave one deploy id %s", first.DeployID)
	}

	var rb igny8.Deployment
	p.api.call(tok, "POST", base+"/rollback", nil, 200, &rb)
	if rb.Type != igny8.DeploymentRollback || rb.DeployID != first.DeployID || rb.Status != igny8.DeploymentLive {
		t.Errorf("rollback row: %+v; want a live rollback to %s", rb, first.DeployID)
	}
	if rb.Files != first.Files || rb.Bytes != first.Bytes || rb.UploadedFiles != 0 {
		t.Errorf("rollback row counts %+v; want the size of the deploy it made live (%d files, %d bytes), nothing uploaded", rb.DeployCounts, first.Files, first.Bytes)
	}
	p.edgeShows("e2e-shop.localhost", "/", 200, "Version one of the shop")

	var hist struct{ Items []igny8.Deployment }
	p.api.call(tok, "GET", base+"/deploys", nil, 200, &hist)
	var live []int
	for _, d := range hist.Items {
		if d.Status == igny8.DeploymentLive {
			live = append(live, d.Version)
		}
	}
	if len(hist.Items) != 3 || len(live) != 1 || live[0] != rb.Version {
		t.Errorf("history: %d rows, live versions %v; want 3 rows with only the rollback (v%d) live", len(hist.Items), live, rb.Version)
	}
}

type apiClient struct {
	t    *testing.T
	base string
}

func (c *apiClient) waitUp(url string) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s did not come up: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// call sends a request and checks its status. A GET answered 429 (the
// tests poll jobs and deploys) waits as Retry-After says and asks again,
// as a polite client does.
func (c *apiClient) call(token, method, path string, body any, want int, out any) {
	c.t.Helper()
	var data []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		data = b
	}
	var b []byte
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if data != nil {
			rd = bytes.NewReader(data)
		}
		req, err := http.NewRequest(method, c.base+path, rd)
		if err != nil {
			c.t.Fatal(err)
		}
		if rd != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			c.t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || want == http.StatusTooManyRequests || method != http.MethodGet || attempt == 5 {
			break
		}
		wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		time.Sleep(time.Duration(min(max(wait, 1), 10)) * time.Second)
	}
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

func getByHost(t *testing.T, url, host string) (string, int) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error(), 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode
}

// syncWriter lets concurrent roles log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
