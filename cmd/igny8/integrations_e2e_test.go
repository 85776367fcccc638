package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/secrets"
)

// wordpressStub answers the two requests a connection check makes, as
// WordPress does: the REST index (offering Application Passwords) and
// users/me, which wants the user "editor" with one Application Password.
func wordpressStub(t *testing.T) *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/wp-json/", "/wp-json":
			json.NewEncoder(w).Encode(map[string]any{"name": "Stub Blog", "description": "", "url": srv.URL, "home": srv.URL,
				"gmt_offset": 0, "timezone_string": "UTC", "namespaces": []string{"oembed/1.0", "wp/v2"},
				"authentication": map[string]any{"application-passwords": map[string]any{"endpoints": map[string]any{
					"authorization": srv.URL + "/wp-admin/authorize-application.php"}}}, "routes": map[string]any{}})
		case "/wp-json/wp/v2/users/me":
			if u, p, ok := r.BasicAuth(); !ok || u != "editor" || strings.ReplaceAll(p, " ", "") != "abcdefghijklmnopqrstuvwx" {
				w.WriteHeader(401)
				io.WriteString(w, `{"code":"incorrect_password","message":"The provided password is an invalid application password.","data":{"status":401}}`)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"id": 2, "username": "editor", "name": "Ed", "roles": []string{"editor"},
				"capabilities": map[string]bool{"edit_posts": true, "publish_posts": true, "upload_files": true, "manage_categories": true, "edit_pages": true}})
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Connecting a WordPress site checks it through the SSRF-safe client and
// stores the credentials sealed for the row; private addresses are
// refused; igny8 keys add and igny8 keys rotate re-encrypt them under a new
// key, after which the old key can be retired.
func TestIntegrationsAndKeyRotation(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "keys.json")
	if _, err := secrets.CreateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	wp := wordpressStub(t)
	host, _ := url.Parse(wp.URL)
	p := startPlatform(t, map[string]string{secrets.EnvKeyFile: keyFile, "IGNY8_INTEGRATION_ALLOW_HOSTS": host.Host})
	token := p.account("integ")
	var site igny8.Site
	p.api.call(token, "POST", "/v1/sites", map[string]any{"slug": "integ-blog", "name": "Blog"}, 201, &site)
	base := fmt.Sprintf("/v1/sites/%d/integrations", site.ID)
	const password = "abcd efgh ijkl mnop qrst uvwx"
	connect := func(url, pw string) map[string]any {
		return map[string]any{"platform": "wordpress", "name": "Blog", "url": url,
			"credentials": map[string]string{"username": "editor", "application_password": pw}}
	}

	var problem struct{ Detail string }
	p.api.call(token, "POST", base, connect(wp.URL, "zzzz zzzz zzzz zzzz zzzz zzzz"), 400, &problem)
	if !strings.Contains(problem.Detail, "password") {
		t.Errorf("a wrong Application Password: %q", problem.Detail)
	}
	for _, hostile := range []string{"http://10.0.0.5/", "http://127.0.0.1:9/", "http://169.254.169.254/"} {
		p.api.call(token, "POST", base, connect(hostile, password), 400, &problem)
		if !strings.Contains(problem.Detail, "IGNY8 only connects to public internet addresses") {
			t.Errorf("%s: %q", hostile, problem.Detail)
		}
	}
	p.api.call(token, "POST", base, map[string]any{"platform": "custom", "name": "Hook", "url": "http://127.0.0.1:9/hook",
		"credentials": map[string]string{"signing_secret": "s3cret-signing"}}, 400, &problem)

	var in igny8.Integration
	p.api.call(token, "POST", base, connect(wp.URL, password), 201, &in)
	if in.CredentialsFingerprint == "" || !strings.HasPrefix(in.CredentialsFingerprint, "k1:") {
		t.Errorf("created %+v", in)
	}
	var listed json.RawMessage
	p.api.call(token, "GET", base, nil, 200, &listed)
	if strings.Contains(string(listed), "abcd") {
		t.Errorf("the API shows the password: %s", listed)
	}

	// Stored sealed for this row: it opens for it, not for another.
	var acc igny8.Account
	p.api.call(token, "GET", "/v1/account", nil, 200, &acc)
	actx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc.ID, Role: igny8.RoleOwner})
	open := func(want uint32) {
		t.Helper()
		ring, err := secrets.LoadKeyFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := p.db.IntegrationCredentials(actx, site.ID, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sc.KeyID != want {
			t.Errorf("credentials under key %d, want %d", sc.KeyID, want)
		}
		plain, err := ring.OpenCredential(acc.ID, in.ID, sc.Ciphertext)
		if err != nil || !strings.Contains(string(plain), password) {
			t.Errorf("the credentials do not open for their row: %v", err)
		}
		if _, err := ring.OpenCredential(acc.ID, in.ID+1, sc.Ciphertext); err == nil {
			t.Error("the credentials open for another integration")
		}
	}
	open(1)
	var tested struct {
		OK      bool
		Problem string
	}
	p.api.call(token, "POST", fmt.Sprintf("%s/%d/test", base, in.ID), nil, 200, &tested)
	if !tested.OK {
		t.Errorf("testing the stored connection: %+v", tested)
	}

	// Rotation: a new primary key, every credential re-encrypted, the
	// old key retired.
	env := func(args ...string) string {
		t.Helper()
		var out, errs strings.Builder
		e := &env{stdout: &out, stderr: &errs, getenv: func(k string) string {
			if k == secrets.EnvKeyFile {
				return keyFile
			}
			return p.vars[k]
		}}
		if code := run(context.Background(), args, e); code != exitOK {
			t.Fatalf("igny8 %s: exit %d: %s%s", strings.Join(args, " "), code, out.String(), errs.String())
		}
		return out.String()
	}
	if out := env("keys", "add"); !strings.Contains(out, "Added key 2") {
		t.Errorf("keys add: %s", out)
	}
	if out := env("keys", "rotate"); !strings.Contains(out, "Re-encrypted 1 credentials with key 2") {
		t.Errorf("keys rotate: %s", out)
	}
	if err := secrets.RemoveKeyFromFile(keyFile, 1); err != nil {
		t.Fatal(err)
	}
	open(2)
	if out := env("keys", "rotate"); !strings.Contains(out, "Re-encrypted 0 credentials") {
		t.Errorf("a second rotation: %s", out)
	}
}
