package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/edge"
	"github.com/igny8/igny8/storage/backend"
)

// fixtureWithRedirects copies the fixture and gives it site.redirects.
func fixtureWithRedirects(t *testing.T, redirects string) string {
	t.Helper()
	bp := copyFixture(t)
	data, err := os.ReadFile(bp)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(`"site": {`), []byte(`"site": {"redirects": `+redirects+`, `), 1)
	if err := os.WriteFile(bp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return bp
}

// liveManifest reads the live manifest of a site in the store at dir.
func liveManifest(t *testing.T, dir, site string) *deployer.Manifest {
	t.Helper()
	store, err := backend.Open("fs://"+dir, backend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	d := deployer.New(store, deployer.Config{})
	ref, err := d.Live(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.ReadManifest(context.Background(), site, ref.DeployID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDeployBlueprintRedirects deploys a blueprint with site.redirects and
// a _redirects file next to it, and serves the result through the edge:
// blueprint rules apply, and a file rule wins over a blueprint rule for
// the same path. Building the blueprint and deploying the folder gives the
// same rules.
func TestDeployBlueprintRedirects(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	bp := fixtureWithRedirects(t, `[
		{"from": "/promo", "to": "/blocks/", "status": 302},
		{"from": "/old-blog/*", "to": "/blog/:splat"},
		{"from": "/app/*", "to": "/privacy/", "status": 200},
		{"from": "/privacy", "to": "/", "status": 410, "force": true}
	]`)
	if err := os.WriteFile(filepath.Join(filepath.Dir(bp), "_redirects"), []byte("# ours\n/promo /blog/ 307\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	objects := t.TempDir()
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + objects}
	code, stdout, stderr := runEnv(t, vars, "deploy", bp, "--site", "redir")
	if code != exitOK {
		t.Fatalf("deploy: exit %d\n%s%s", code, stdout, stderr)
	}
	deployID := regexp.MustCompile(`Deploy (\S+):`).FindStringSubmatch(stdout)[1]

	store, err := backend.Open("fs://"+objects, backend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := edge.New(edge.Config{Store: store, SitesDomain: "localhost"})
	tests := []struct {
		path     string
		status   int
		location string
		body     string
	}{
		{"/promo", http.StatusTemporaryRedirect, "/blog/", ""}, // the _redirects file's rule comes first
		{"/old-blog/first", http.StatusMovedPermanently, "/blog/first", ""},
		{"/old-blog/first/?ref=x", http.StatusMovedPermanently, "/blog/first?ref=x", ""},
		{"/app/settings", http.StatusOK, "", "<title>Privacy"},
		{"/privacy/", http.StatusGone, "", "<title>Acme Golden"}, // forced over the page
		{"/blocks/", http.StatusOK, "", "<title>All blocks"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		req.Host = "redir.localhost"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != tt.status || rec.Header().Get("Location") != tt.location || !strings.Contains(rec.Body.String(), tt.body) {
			t.Errorf("GET %s = %d, Location %q, body has %q: %v; want %d, %q",
				tt.path, rec.Code, rec.Header().Get("Location"), tt.body, strings.Contains(rec.Body.String(), tt.body), tt.status, tt.location)
		}
		if rec.Code == http.StatusOK && rec.Header().Get("X-Deploy-Id") != deployID {
			t.Errorf("GET %s: X-Deploy-Id %q, want %s", tt.path, rec.Header().Get("X-Deploy-Id"), deployID)
		}
	}

	fromBlueprint := liveManifest(t, objects, "redir").Redirects
	if got, want := len(fromBlueprint), 5; got != want {
		t.Fatalf("manifest has %d redirects, want %d: %+v", got, want, fromBlueprint)
	}
	if got, want := fromBlueprint[4].Source, bp+"#/site/redirects/3"; got != want {
		t.Errorf("blueprint rule source = %q, want %q", got, want)
	}

	// igny8 build writes the same rules, in the same order, into the
	// folder's _redirects; deploying the folder gives the same manifest rules.
	out := filepath.Join(t.TempDir(), "site")
	if code, _, stderr := runCmd(t, "build", bp, "-o", out); code != exitOK {
		t.Fatalf("build: %s", stderr)
	}
	if code, stdout, stderr := runEnv(t, vars, "deploy", out, "--site", "redir"); code != exitOK {
		t.Fatalf("deploy folder: exit %d\n%s%s", code, stdout, stderr)
	}
	fromFolder := liveManifest(t, objects, "redir").Redirects
	if len(fromFolder) != len(fromBlueprint) {
		t.Fatalf("folder deploy has %d redirects, blueprint deploy %d", len(fromFolder), len(fromBlueprint))
	}
	for i := range fromFolder {
		a, b := fromFolder[i], fromBlueprint[i]
		if a.From != b.From || a.To != b.To || a.Status != b.Status || a.Force != b.Force {
			t.Errorf("rule %d: folder %v, blueprint %v", i, a, b)
		}
	}
}

func TestBlueprintRedirectProblems(t *testing.T) {
	bp := fixtureWithRedirects(t, `[{"from": "/ok", "to": "/"}, {"from": "/news/:year", "to": "/blog/:slug"}]`)
	code, _, stderr := runCmd(t, "validate", bp)
	want := regexp.MustCompile(`blueprint\.json:\d+:\d+: /site/redirects/1/to: "/blog/:slug" uses :slug, but "from" has no :slug placeholder`)
	if code != exitUsage || !want.MatchString(stderr) {
		t.Errorf("validate: exit %d, stderr lacks %s:\n%s", code, want, stderr)
	}
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + t.TempDir()}
	code, _, stderr = runEnv(t, vars, "deploy", bp, "--site", "bad")
	if code != exitUsage || !strings.Contains(stderr, "/site/redirects/1/to") {
		t.Errorf("deploy: exit %d, stderr lacks the pointer:\n%s", code, stderr)
	}

	// A bad line in the _redirects file next to the blueprint is reported
	// with its line number.
	bp = fixtureWithRedirects(t, `[{"from": "/ok", "to": "/"}]`)
	rf := filepath.Join(filepath.Dir(bp), "_redirects")
	if err := os.WriteFile(rf, []byte("/a /b\n/c /d 299\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runEnv(t, vars, "deploy", bp, "--site", "bad")
	if code != exitUsage || !strings.Contains(stderr, rf+":2: status 299 is not supported") {
		t.Errorf("deploy with a bad _redirects: exit %d, stderr:\n%s", code, stderr)
	}
}

// FuzzRedirectCheckersAgree keeps blueprint validation and the deployer's
// rules compiler in step: a rule is accepted by one exactly when it is
// accepted by the other, so a blueprint that validates also deploys, and
// every rule the compiler takes can be written in a blueprint.
func FuzzRedirectCheckersAgree(f *testing.F) {
	tests := []struct {
		from, to string
		status   int
	}{
		{"/a", "/b", 301},
		{"/a/*", "/b/:splat", 302},
		{"/a/:x/:y", "/b/:y-:x.html?z=:x", 200},
		{"/a/*", "https://example.com:8080/:splat", 308},
		{"/caf%C3%A9", "/b%20c", 307},
		{"/a/", "/b/", 404},
		{"/", "/x", 410},
		{"/a/*/b", "/b", 301},
		{"/a/b*", "/b", 301},
		{"/a/:1", "/b", 301},
		{"/a/:x/:x", "/b", 301},
		{"/a/:splat", "/b", 301},
		{"/a?x=1", "/b", 301},
		{"/a#x", "/b", 301},
		{"/a//b", "/b", 301},
		{"/a/./b", "/b", 301},
		{"/a/%2E%2e", "/b", 301},
		{"/100%", "/b", 301},
		{"/100%zz", "/b", 301},
		{"/a", "/b/:splat", 301},
		{"/a/:x", "/b/:y", 301},
		{"/a/*", "/b/..%2f:splat", 301},
		{"/a/*", "/b/../:splat", 301},
		{"/a/*", "/b/%2e%2e/:splat", 301},
		{"/a", "//evil.example/", 301},
		{"/a", "https://u@example.com/", 301},
		{"/a/*", "https://*.example.com/", 301},
		{"/a", "https://example.com/", 200},
		{"/a", "https://example.com/", 410},
		{"/a", "https://example.com/%zz", 301},
		{"/a", "https:///path", 301},
		{"/a", "/b//c", 301},
		{"/a", "/b?x=%", 301},
		{"/a", "/b#frag", 301},
		{"/a", "/b", 303},
		{"/a", "/ ", 301},
		{"/a b", "/", 301},
		{"/a", "HTTPS://example.com/x", 301},
	}
	for _, tt := range tests {
		f.Add(tt.from, tt.to, tt.status)
	}
	f.Fuzz(func(t *testing.T, from, to string, status int) {
		r := map[string]any{"from": from, "to": to, "force": true}
		if status != 0 {
			r["status"] = status
		}
		doc := map[string]any{
			"version": 1,
			"site":    map[string]any{"name": "x", "base_url": "https://x.example/", "locale": "en", "redirects": []any{r}},
			"theme":   map[string]any{"name": "studio"},
			"pages":   []any{map[string]any{"id": "home", "path": "/", "type": "home", "title": "t", "blocks": []any{}}},
		}
		data, err := json.Marshal(doc)
		if err != nil {
			t.Skip() // not representable in JSON
		}
		_, bpErr := blueprints.Load(data, blueprints.Options{})
		_, rulesErr := rules.CompileRedirects([]rules.Redirect{{From: from, To: to, Status: status, Force: true}})
		if (bpErr == nil) != (rulesErr == nil) {
			t.Errorf("%q %q %d: blueprint validation says %v; rules compiler says %v", from, to, status, bpErr, rulesErr)
		}
	})
}
