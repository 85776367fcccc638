package wordpress_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing/wordpress"
)

func TestNewRejects(t *testing.T) {
	t.Parallel()
	valid := wordpress.Config{SiteURL: "https://example.com", Username: "eve", Password: testPassword, HTTPClient: http.DefaultClient}
	for _, tc := range []struct {
		name string
		edit func(*wordpress.Config)
		says string
	}{
		{"no address", func(c *wordpress.Config) { c.SiteURL = " " }, "Enter the address"},
		{"no scheme", func(c *wordpress.Config) { c.SiteURL = "example.com" }, "must start with https://"},
		{"ftp", func(c *wordpress.Config) { c.SiteURL = "ftp://example.com" }, "must start with https://"},
		{"mailto", func(c *wordpress.Config) { c.SiteURL = "mailto:eve@example.com" }, "must start with https://"},
		{"no host", func(c *wordpress.Config) { c.SiteURL = "https://" }, "no host name"},
		{"user info", func(c *wordpress.Config) { c.SiteURL = "https://eve:hunter2@example.com" }, "must not contain a user name or password"},
		{"query", func(c *wordpress.Config) { c.SiteURL = "https://example.com/?p=1" }, "must not have a query"},
		{"fragment", func(c *wordpress.Config) { c.SiteURL = "https://example.com/#top" }, "must not have a fragment"},
		{"admin page", func(c *wordpress.Config) { c.SiteURL = "https://example.com/wp-admin/" }, "points inside WordPress"},
		{"REST address", func(c *wordpress.Config) { c.SiteURL = "https://example.com/wp-json" }, "points inside WordPress"},
		{"not a URL", func(c *wordpress.Config) { c.SiteURL = "https://exa mple.com/%zz" }, "not a valid URL"},
		{"no user", func(c *wordpress.Config) { c.Username = "" }, "user name"},
		{"colon in user", func(c *wordpress.Config) { c.Username = "eve:admin" }, "colon"},
		{"no password", func(c *wordpress.Config) { c.Password = "" }, "Enter an Application Password"},
		{"short password", func(c *wordpress.Config) { c.Password = "abcd" }, "too short"},
		{"saved root elsewhere", func(c *wordpress.Config) { c.APIRoot = "https://evil.example/wp-json/" }, "not an address on example.com"},
	} {
		cfg := valid
		tc.edit(&cfg)
		client, err := wordpress.New(cfg)
		if err == nil {
			t.Errorf("%s: New = %v, want an error", tc.name, client)
			continue
		}
		if got := igny8.ErrorCode(err); got != igny8.EInvalid {
			t.Errorf("%s: error code %q, want %q (%v)", tc.name, got, igny8.EInvalid, err)
		}
		if msg := igny8.ErrorMessage(err); !strings.Contains(msg, tc.says) {
			t.Errorf("%s: message %q does not say %q", tc.name, msg, tc.says)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), testPassword) {
			t.Errorf("%s: the error repeats a password: %v", tc.name, err)
		}
	}
	cfg := valid
	cfg.HTTPClient = nil
	if _, err := wordpress.New(cfg); err == nil {
		t.Error("New without an HTTP client succeeded")
	}
}

func TestNewNormalizesTheAddress(t *testing.T) {
	t.Parallel()
	client, err := wordpress.New(wordpress.Config{SiteURL: " HTTPS://Example.COM/Blog/ ", Username: "eve", Password: testPassword, HTTPClient: http.DefaultClient})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := client.SiteURL(), "https://example.com/Blog"; got != want {
		t.Errorf("SiteURL = %q, want %q", got, want)
	}
	if got := client.URLForm(); got != "" {
		t.Errorf("URLForm before any request = %q, want \"\"", got)
	}
}

// A saved root skips discovery: the first request goes straight there.
func TestNewWithSavedRoot(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{plain: true, posts: 3}, true, func(c *wordpress.Config) { c.APIRoot = c.SiteURL + "/?rest_route=/" })
	if got, want := b.client.URLForm(), wordpress.FormPlain; got != want {
		t.Errorf("URLForm = %q, want %q", got, want)
	}
	if _, err := b.client.FetchAll(t.Context(), "/wp/v2/posts", nil); err != nil {
		t.Fatal(err)
	}
	if seen := b.fake.seen(); len(seen) != 1 || !strings.HasPrefix(seen[0].uri, "/?rest_route=/wp/v2/posts&") {
		t.Errorf("requests = %+v, want one, for posts", seen)
	}
}

func TestClientStringHidesPassword(t *testing.T) {
	t.Parallel()
	client, err := wordpress.New(wordpress.Config{SiteURL: "https://example.com", Username: "eve", Password: testPassword, HTTPClient: http.DefaultClient})
	if err != nil {
		t.Fatal(err)
	}
	s := fmt.Sprintf("%v %+v %#v %s", client, client, client, client.String())
	if !strings.Contains(s, "https://example.com") || !strings.Contains(s, "eve") {
		t.Errorf("String does not name the site and user: %s", s)
	}
	assertNoSecret(t, "the client printed", s)
}
