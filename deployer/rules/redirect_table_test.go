package rules

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// mustCompileRedirects parses and compiles a _redirects file.
func mustCompileRedirects(tb testing.TB, file string) (*RedirectTable, []Redirect) {
	tb.Helper()
	rs, err := ParseRedirects(strings.NewReader(file), "")
	if err != nil {
		tb.Fatal(err)
	}
	tab, err := CompileRedirects(rs)
	if err != nil {
		tb.Fatal(err)
	}
	return tab, rs
}

func TestRedirectTableMatch(t *testing.T) {
	t.Parallel()
	tab, rs := mustCompileRedirects(t, `
/exact          /to-exact
/slash/         /to-slash
/blog/*         /news/:splat      302
/blog/keep      /never
/a/:year/:slug  /b/:slug/:year.html 200
/a/2020/special /never
/app/*          /app/index.html   200!
/q              /r?from=q         301
/gone           /410.html         410
/ext/*          https://example.com/:splat 308
/:lang/about    /about?lang=:lang
/shadow         /first
/shadow         /second
/               /home
`)
	tests := []struct {
		path   string
		to     string // "" means no match
		status int
		force  bool
	}{
		{"/exact", "/to-exact", 301, false},
		{"/exact/", "/to-exact", 301, false},       // trailing slash is not significant
		{"/slash", "/to-slash", 301, false},        // in either direction
		{"/exact/more", "", 0, false},              // exact rules match whole paths
		{"/Exact", "", 0, false},                   // paths are case-sensitive
		{"/blog", "/news/", 302, false},            // a splat matches zero segments
		{"/blog/", "/news/", 302, false},           //
		{"/blog/keep", "/news/keep", 302, false},   // the first rule wins over a later exact one
		{"/blog/x/y/z", "/news/x/y/z", 302, false}, // and many segments
		{"/blog/x/y/", "/news/x/y", 302, false},    // the trailing slash is dropped
		{"/a/2020/special", "/b/special/2020.html", 200, false},
		{"/a/2020/hello/", "/b/hello/2020.html", 200, false},
		{"/a/2020", "", 0, false},                        // placeholders need a segment each
		{"/app/deep/link", "/app/index.html", 200, true}, // force is carried
		{"/q?x=1", "/r?from=q", 301, false},              // the target's query wins
		{"/exact?x=1&y=2", "/to-exact?x=1&y=2", 301, false},
		{"/gone", "/410.html", 410, false},
		{"/ext/a/b?c=d", "https://example.com/a/b?c=d", 308, false},
		{"/en/about", "/about?lang=en", 301, false},
		{"/shadow", "/first", 301, false},
		{"/", "/home", 301, false},
		{"/?utm=1", "/home?utm=1", 301, false},
		{"/blog/../etc", "", 0, false}, // unclean paths never match
		{"/blog/%2e%2e/etc", "", 0, false},
		{"/blog//evil.com", "", 0, false},
		{"/blog/\\evil.com", "", 0, false},
		{"/blog/a\x00", "", 0, false},
		{"/blog/%zz", "", 0, false}, // bad escapes never match
		{"/blog/%C3%A9", "/news/%C3%A9", 302, false},
		{"blog", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		m, ok := tab.Match(tt.path)
		if got, want := ok, tt.to != ""; got != want {
			t.Errorf("Match(%q) ok = %v, want %v (%+v)", tt.path, got, want, m)
			continue
		}
		if got, want := m.To, tt.to; got != want {
			t.Errorf("Match(%q).To = %q, want %q", tt.path, got, want)
		}
		if got, want := m.Status, tt.status; got != want {
			t.Errorf("Match(%q).Status = %d, want %d", tt.path, got, want)
		}
		if got, want := m.Force, tt.force; got != want {
			t.Errorf("Match(%q).Force = %v, want %v", tt.path, got, want)
		}
		ref, refOK := naiveMatch(rs, tt.path)
		if refOK != ok || ref.To != m.To || !reflect.DeepEqual(ref.Rule, m.Rule) {
			t.Errorf("Match(%q) = %+v, %v; naive = %+v, %v", tt.path, m, ok, ref, refOK)
		}
	}
}

func TestCompileRedirects(t *testing.T) {
	t.Parallel()
	tab, err := CompileRedirects([]Redirect{{From: "/a", To: "/b", Source: "blueprint"}})
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := tab.Match("/a"); m.Status != 301 {
		t.Errorf("Status = %d, want 301 for a zero Status", m.Status)
	}
	_, err = CompileRedirects([]Redirect{
		{From: "/a", To: "/b", Status: 301, Line: 3, Source: "blueprint"},
		{From: "/a/../b", To: "/b", Status: 302, Line: 4, Source: "blueprint"},
		{From: "/c", To: "gopher://x", Status: 299, Line: 5},
	})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	want := []string{
		"blueprint:4: the source path \"/a/../b\" must not contain . or .. segments",
		"redirects:5: status 299 is not supported; use 301, 302, 307, 308, 200, 404 or 410",
		"redirects:5: the target scheme \"gopher\" is not allowed; use a path starting with / or an http or https URL",
	}
	if got := len(ve.Problems); got != len(want) {
		t.Fatalf("got %d problems %v, want %d", got, ve.Problems, len(want))
	}
	for i, w := range want {
		if got := ve.Problems[i].String(); got != w {
			t.Errorf("Problems[%d] = %q, want %q", i, got, w)
		}
	}
}

// TestRedirectTableOrder checks first-rule-wins across the exact map and
// the buckets of different prefixes, against the naive matcher.
func TestRedirectTableOrder(t *testing.T) {
	t.Parallel()
	tab, rs := mustCompileRedirects(t, `
/x/:a/c  /first/:a
/x/*     /second/:splat
/x/y/c   /third
/*       /fourth/:splat
/x/y/*   /fifth/:splat
`)
	for _, p := range []string{"/x/y/c", "/x/y/d", "/x", "/x/y/c/d", "/z", "/"} {
		m, ok := tab.Match(p)
		ref, refOK := naiveMatch(rs, p)
		if ok != refOK || !reflect.DeepEqual(m, ref) {
			t.Errorf("Match(%q) = %+v, %v; naive = %+v, %v", p, m, ok, ref, refOK)
		}
	}
	if m, _ := tab.Match("/x/y/c"); m.To != "/first/y" {
		t.Errorf("Match(/x/y/c).To = %q, want /first/y", m.To)
	}
}

func TestRedirectTableConcurrent(t *testing.T) {
	t.Parallel()
	tab, _ := mustCompileRedirects(t, redirectsFile(1000))
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				if _, ok := tab.Match("/s1/dir-1/x"); !ok {
					t.Error("no match")
					return
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}
