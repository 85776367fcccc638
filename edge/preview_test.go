package edge

import (
	"net/http"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/igny8/igny8/deployer"
)

func TestPreviewHosts(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.f.route("site1.sites.test", "site1")
	const (
		open      = "20261124T120000Z-0a1b2c3d"
		expired   = "20261124T120001Z-0a1b2c3e"
		protected = "20261124T120002Z-0a1b2c3f"
	)
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	preview := func(id, body string, p *deployer.Preview) {
		b.f.deploy("site1", id, map[string]file{"index.html": {body: body, ctype: "text/html; charset=utf-8"}}, func(m *deployer.Manifest) { m.Preview = p })
	}
	preview(open, "open preview", nil)
	preview(expired, "old preview", &deployer.Preview{ExpiresAt: b.clock.Now().Add(-time.Minute)})
	preview(protected, "secret preview", &deployer.Preview{PasswordHash: string(hash)})
	host := func(id string) string { return "http://" + deployer.PreviewHost(id, "site1", "sites.test") + "/" }

	res := do(t, b.srv, "GET", host(open))
	if got := body(t, res); res.StatusCode != 200 || got != "open preview" {
		t.Errorf("open preview = %d %q", res.StatusCode, got)
	}
	if got := res.Header.Get("X-Robots-Tag"); got != "noindex, nofollow" {
		t.Errorf("X-Robots-Tag = %q, want noindex", got)
	}
	if got := res.Header.Get("X-Deploy-Id"); got != open {
		t.Errorf("X-Deploy-Id = %q, want %s", got, open)
	}
	if got := body(t, do(t, b.srv, "GET", origin+"/")); got != "<h1>home</h1>" {
		t.Errorf("the live site changed while previewing: %q", got)
	}

	if res := do(t, b.srv, "GET", host(expired)); res.StatusCode != http.StatusGone {
		t.Errorf("expired preview = %d, want 410", res.StatusCode)
	}

	res = do(t, b.srv, "GET", host(protected))
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("protected preview without password = %d, WWW-Authenticate %q; want 401 asking for it", res.StatusCode, res.Header.Get("WWW-Authenticate"))
	}
	if res := do(t, b.srv, "GET", host(protected), "Authorization: Basic eDp3cm9uZw=="); res.StatusCode != http.StatusUnauthorized { // x:wrong
		t.Errorf("wrong password = %d, want 401", res.StatusCode)
	}
	res = do(t, b.srv, "GET", host(protected), "Authorization: Basic eDpzM2NyZXQ=") // x:s3cret
	if got := body(t, res); res.StatusCode != 200 || got != "secret preview" {
		t.Errorf("right password = %d %q", res.StatusCode, got)
	}
	if got := res.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("protected preview Cache-Control = %q, want private, no-store", got)
	}

	if res := do(t, b.srv, "GET", host("20261124T130000Z-ffffffff")); res.StatusCode != 404 {
		t.Errorf("unknown preview = %d, want 404", res.StatusCode)
	}
	if res := do(t, b.srv, "GET", "http://"+deployer.PreviewHost(open, "nosite", "sites.test")+"/"); res.StatusCode != 404 {
		t.Errorf("preview of an unknown site = %d, want 404", res.StatusCode)
	}
}
