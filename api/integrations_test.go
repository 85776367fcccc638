package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

// Connecting checks the request field by field, then the connection,
// before anything is stored; credentials never come back, only their
// fingerprint; new credentials are checked before they replace the old
// ones; a deleted integration can be connected again.
func TestIntegrations(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("integ")
	adm, ed := tn.tokens[igny8.RoleAdmin], tn.tokens[igny8.RoleEditor]
	base := fmt.Sprintf("/v1/sites/%d/integrations", tn.site.ID)
	secret := "abcd efgh ijkl mnop"

	for _, c := range []struct {
		name string
		body any
		want []string
	}{
		{"no credentials", integrationRequest{Platform: "wordpress", Name: "B", URL: "https://b.example"},
			[]string{"/credentials/username", "/credentials/application_password", "Application Password"}},
		{"a credential the platform lacks", integrationRequest{Platform: "custom", Name: "Hook", URL: "https://hook.example",
			Credentials: map[string]string{"signing_secret": "s", "token": "t"}}, []string{"/credentials/token", "signing_secret"}},
		{"bad platform and URL", integrationRequest{Platform: "ghost", Name: "G", URL: "ftp://g.example"}, []string{"/platform", "/url"}},
		{"config not an object", map[string]any{"platform": "custom", "name": "H", "url": "https://h.example", "config": []int{1},
			"credentials": map[string]string{"signing_secret": "s"}}, []string{"/config"}},
	} {
		r := h.do(adm, "POST", base, c.body)
		for _, w := range c.want {
			if r.status != 400 || !strings.Contains(string(r.body), w) {
				t.Errorf("%s: %d %s, want 400 naming %s", c.name, r.status, r.body, w)
			}
		}
	}
	bad := wordpressIntegration("https://shop.example")
	bad.Credentials["application_password"] = "wrong"
	if r := h.do(adm, "POST", base, bad); r.status != 400 || !strings.Contains(string(r.body), "refused the user name or Application Password") {
		t.Errorf("a connection that fails its check: %d %s", r.status, r.body)
	}
	if r := h.do(ed, "POST", base, wordpressIntegration("https://shop.example")); r.status != 403 {
		t.Errorf("an editor connecting a site: %d", r.status)
	}
	var list List[igny8.Integration]
	h.must(200, ed, "GET", base, nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("refused connections were stored: %+v", list.Items)
	}

	var in igny8.Integration
	r := h.must(201, adm, "POST", base, wordpressIntegration("https://shop.example/"), &in)
	if strings.Contains(string(r.body), secret) || strings.Contains(string(r.body), "credentials\":{") {
		t.Errorf("the response shows the credentials: %s", r.body)
	}
	if in.URL != "https://shop.example" || in.PlatformType != igny8.PlatformTypeCMS || !in.Active || in.CredentialsFingerprint == "" || in.SyncStatus != igny8.SyncNever {
		t.Errorf("created %+v", in)
	}
	item := fmt.Sprintf("%s/%d", base, in.ID)
	if r := h.do(adm, "POST", base, wordpressIntegration("https://shop.example")); r.status != 409 {
		t.Errorf("the same site connected twice: %d %s", r.status, r.body)
	}

	// New credentials: refused ones change nothing; accepted ones change
	// the fingerprint.
	if r := h.do(adm, "PATCH", item, integrationChange{Credentials: map[string]string{"username": "editor", "application_password": "wrong"}}); r.status != 400 {
		t.Errorf("refused new credentials: %d %s", r.status, r.body)
	}
	var got igny8.Integration
	h.must(200, ed, "GET", item, nil, &got)
	if got.CredentialsFingerprint != in.CredentialsFingerprint {
		t.Errorf("refused credentials replaced the old ones: %q → %q", in.CredentialsFingerprint, got.CredentialsFingerprint)
	}
	h.must(200, adm, "PATCH", item, integrationChange{IntegrationUpdate: igny8.IntegrationUpdate{Name: ptr("Shop blog"), SyncEnabled: ptr(true)},
		Credentials: map[string]string{"username": "editor", "application_password": "a longer application password"}}, &got)
	if got.Name != "Shop blog" || !got.SyncEnabled || got.CredentialsFingerprint == in.CredentialsFingerprint {
		t.Errorf("after a change: %+v", got)
	}

	// A connection test opens the stored credentials; its outcome is kept.
	var res integrationTest
	h.must(200, ed, "POST", item+"/test", nil, &res)
	if !res.OK || res.Problem != "" || res.Integration.LastError != "" {
		t.Errorf("testing a good connection: %+v", res)
	}
	h.must(200, adm, "PATCH", item, integrationChange{Credentials: map[string]string{"username": "editor", "application_password": "revoked since"}}, nil)
	h.must(200, ed, "POST", item+"/test", nil, &res)
	if res.OK || !strings.Contains(res.Problem, "revoked") || res.Integration.LastError != res.Problem {
		t.Errorf("testing a revoked password: %+v", res)
	}
	if r := h.do(tn.tokens[igny8.RoleViewer], "POST", item+"/test", nil); r.status != 403 {
		t.Errorf("a viewer testing a connection: %d", r.status)
	}

	h.must(204, adm, "DELETE", item, nil, nil)
	if r := h.do(ed, "GET", item, nil); r.status != 404 {
		t.Errorf("a deleted integration: %d", r.status)
	}
	h.must(201, adm, "POST", base, wordpressIntegration("https://shop.example"), &got)
	if got.ID == in.ID {
		t.Errorf("re-created with the old id %d", got.ID)
	}
}

// Without a key ring, the server says why integrations are off.
func TestIntegrationsNeedAKeyRing(t *testing.T) {
	srv := &server{cfg: Config{}}
	for _, rt := range srv.integrationRoutes() {
		_, _, err := rt.serve(nil, nil)
		if !strings.Contains(fmt.Sprint(err), "IGNY8_SECRETS_KEYS") {
			t.Errorf("%s without a connector: %v", rt.id, err)
		}
	}
}
