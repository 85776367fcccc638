package wordpress

import (
	"net/url"
	"testing"
)

func TestRoots(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ site, pretty, plain string }{
		{"https://example.com", "https://example.com/wp-json/", "https://example.com/?rest_route=/"},
		{"https://example.com/blog", "https://example.com/blog/wp-json/", "https://example.com/blog/?rest_route=/"},
		{"http://example.com:8080", "http://example.com:8080/wp-json/", "http://example.com:8080/?rest_route=/"},
	} {
		site, err := parseSiteURL(tc.site)
		if err != nil {
			t.Fatal(err)
		}
		if got := prettyRoot(site).String(); got != tc.pretty {
			t.Errorf("prettyRoot(%s) = %s, want %s", tc.site, got, tc.pretty)
		}
		if got := plainRoot(site).String(); got != tc.plain {
			t.Errorf("plainRoot(%s) = %s, want %s", tc.site, got, tc.plain)
		}
	}
}

func TestRouteURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		root, route string
		query       url.Values
		want        string
		form        URLForm
	}{
		{"https://example.com/wp-json/", "/wp/v2/posts", nil,
			"https://example.com/wp-json/wp/v2/posts", FormPretty},
		{"https://example.com/wp-json/", "/wp/v2/posts", url.Values{"per_page": {"100"}, "page": {"2"}},
			"https://example.com/wp-json/wp/v2/posts?page=2&per_page=100", FormPretty},
		{"https://example.com/wp-json/", "/", url.Values{"_fields": {"name,url"}},
			"https://example.com/wp-json/?_fields=name%2Curl", FormPretty},
		{"https://example.com/blog/wp-json/", "wp/v2/users/me", url.Values{"context": {"edit"}},
			"https://example.com/blog/wp-json/wp/v2/users/me?context=edit", FormPretty},
		{"https://example.com/index.php/wp-json/", "/wp/v2/posts", nil,
			"https://example.com/index.php/wp-json/wp/v2/posts", FormPretty},
		{"https://example.com/wp-json/?lang=de", "/wp/v2/posts", url.Values{"page": {"1"}},
			"https://example.com/wp-json/wp/v2/posts?lang=de&page=1", FormPretty},
		{"https://example.com/wp-json/", "/wp/v2/posts", url.Values{"rest_route": {"/wp/v2/users"}},
			"https://example.com/wp-json/wp/v2/posts", FormPretty},
		{"https://example.com/wp-json/", "/wp/v2/posts/a b?x", nil,
			"https://example.com/wp-json/wp/v2/posts/a%20b%3Fx", FormPretty},

		{"https://example.com/?rest_route=/", "/wp/v2/posts", nil,
			"https://example.com/?rest_route=/wp/v2/posts", FormPlain},
		{"https://example.com/?rest_route=/", "/wp/v2/posts", url.Values{"per_page": {"100"}, "page": {"2"}},
			"https://example.com/?rest_route=/wp/v2/posts&page=2&per_page=100", FormPlain},
		{"https://example.com/?rest_route=/", "/", url.Values{"_fields": {"name"}},
			"https://example.com/?rest_route=/&_fields=name", FormPlain},
		{"https://example.com/blog/?rest_route=/", "/wp/v2/users/me", url.Values{"context": {"edit"}},
			"https://example.com/blog/?rest_route=/wp/v2/users/me&context=edit", FormPlain},
		{"https://example.com/index.php?rest_route=/", "/wp/v2/posts", nil,
			"https://example.com/index.php?rest_route=/wp/v2/posts", FormPlain},
		{"https://example.com/?rest_route=/&lang=de", "/wp/v2/posts", url.Values{"rest_route": {"/wp/v2/users"}, "search": {"a&b=c"}},
			"https://example.com/?rest_route=/wp/v2/posts&lang=de&search=a%26b%3Dc", FormPlain},
		{"https://example.com/?rest_route=/", "/wp/v2/posts/a b&x", nil,
			"https://example.com/?rest_route=/wp/v2/posts/a+b%26x", FormPlain},
	} {
		root, err := url.Parse(tc.root)
		if err != nil {
			t.Fatal(err)
		}
		if got := routeURL(root, tc.route, tc.query).String(); got != tc.want {
			t.Errorf("routeURL(%s, %q, %v)\n got %s\nwant %s", tc.root, tc.route, tc.query, got, tc.want)
		}
		if got := formOf(root); got != tc.form {
			t.Errorf("formOf(%s) = %q, want %q", tc.root, got, tc.form)
		}
	}
}

func TestWithoutParam(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://example.com/wp-json/?_fields=name":                  "https://example.com/wp-json/",
		"https://example.com/?rest_route=/&_fields=name%2Curl":       "https://example.com/?rest_route=/",
		"https://example.com/blog/?_fields=a&rest_route=%2F&lang=de": "https://example.com/blog/?rest_route=/&lang=de",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := withoutParam(u, "_fields").String(); got != want {
			t.Errorf("withoutParam(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestParseLinks(t *testing.T) {
	t.Parallel()
	got := parseLinks(`<https://example.com/wp-json/>; rel="https://api.w.org/", <https://example.com/wp-json/wp/v2/pages/2>; rel="alternate"; title="JSON"; type="application/json"`)
	if len(got) != 2 || got[0] != (link{"https://example.com/wp-json/", "https://api.w.org/"}) || got[1].rel != "alternate" {
		t.Errorf("parseLinks = %+v", got)
	}
}

func TestLooksLikeAppPassword(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"abcd EFGH ijkl MNOP qrst UVWX": true,
		"abcdEFGHijklMNOPqrstUVWX":      true,
		"abcd EFGH ijkl MNOP qrst UVW":  false,
		"correct-horse-battery-staple":  false,
		"abcd-EFGH-ijkl-MNOP-qrst-UVWX": false,
	} {
		if got := looksLikeAppPassword(p); got != want {
			t.Errorf("looksLikeAppPassword(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestUserCapabilities(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string][]string{
		`{"edit_posts": true, "read": true, "upload_files": false, "author": true}`: {"author", "edit_posts", "read"},
		`{"edit_posts": 1, "publish_posts": "1", "x": 0}`:                           {"edit_posts", "publish_posts"},
		`[]`: {},
	} {
		u := wpUser{Capabilities: []byte(raw)}
		got, ok := u.capabilities()
		if !ok || len(got) != len(want) {
			t.Errorf("capabilities(%s) = %v, %v; want %v", raw, got, ok, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("capabilities(%s) = %v, want %v", raw, got, want)
			}
		}
	}
	if _, ok := (&wpUser{}).capabilities(); ok {
		t.Error("an answer without capabilities reads as having some")
	}
}

func TestIndexShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		auth, offset string
		app          bool
		authorize    string
		gmt          float64
	}{
		{`[]`, `"0"`, false, "", 0},
		{`{}`, `-5`, false, "", -5},
		{`{"application-passwords":{"endpoints":{"authorization":"https://example.com/wp-admin/authorize-application.php"}}}`, `"5.5"`,
			true, "https://example.com/wp-admin/authorize-application.php", 5.5},
		{`{"application-passwords":true}`, `5.75`, true, "", 5.75},
	} {
		idx := index{Authentication: []byte(tc.auth), GMTOffset: []byte(tc.offset)}
		app, authorize := idx.appPasswords()
		if app != tc.app || authorize != tc.authorize {
			t.Errorf("appPasswords(%s) = %v, %q; want %v, %q", tc.auth, app, authorize, tc.app, tc.authorize)
		}
		if got := idx.gmtOffset(); got != tc.gmt {
			t.Errorf("gmtOffset(%s) = %v, want %v", tc.offset, got, tc.gmt)
		}
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"<strong>Error</strong>: Unknown username.":                                   "Error: Unknown username.",
		"<p>There has been a critical error.</p><p><a href=\"x\">Learn more</a>.</p>": "There has been a critical error. Learn more.",
		"Example Garden &amp; Co":                                                     "Example Garden & Co",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}
