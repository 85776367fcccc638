package rules

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Tests of the Netlify syntax and semantics that an early version refused
// or got wrong.

// TestParseRedirectsNetlifySyntax parses lines Netlify accepts: any white
// space between fields, a status-only rule, raw UTF-8, query and Country
// and Language conditions.
func TestParseRedirectsNetlifySyntax(t *testing.T) {
	t.Parallel()
	in := "/a\t/b\t302\n" +
		"/c \t \v /d  \f 301!\n" +
		"/admin/*  200\n" +
		"/shop/*\t200!\tCountry=us,CA\n" +
		"/café /thé\n" +
		"/store id=:id  /products/:id  301\n" +
		"/articles id=:id tag=:tag /posts/:tag/:id 301!\n" +
		"/ /fr/ 302 Language=fr,fr-CA country=fr\n" +
		"/x https://example.com/a/ü?q=é#frag 302\n" +
		"/y /z\u00a0301\n"
	got, err := ParseRedirects(strings.NewReader(in), "")
	if err != nil {
		t.Fatal(err)
	}
	r := func(line int, from, to string, status int, force bool) Redirect {
		return Redirect{From: from, To: to, Status: status, Force: force, Line: line, Source: "_redirects"}
	}
	shop := r(4, "/shop/*", "/shop/:splat", 200, true)
	shop.Country = []string{"us", "CA"}
	store := r(6, "/store", "/products/:id", 301, false)
	store.Query = [][2]string{{"id", ":id"}}
	articles := r(7, "/articles", "/posts/:tag/:id", 301, true)
	articles.Query = [][2]string{{"id", ":id"}, {"tag", ":tag"}}
	fr := r(8, "/", "/fr/", 302, false)
	fr.Language, fr.Country = []string{"fr", "fr-CA"}, []string{"fr"}
	want := []Redirect{
		r(1, "/a", "/b", 302, false),
		r(2, "/c", "/d", 301, true),
		r(3, "/admin/*", "/admin/:splat", 200, false),
		shop,
		r(5, "/caf%C3%A9", "/th%C3%A9", 301, false),
		store,
		articles,
		fr,
		r(9, "/x", "https://example.com/a/%C3%BC?q=%C3%A9#frag", 302, false),
		r(10, "/y", "/z", 301, false),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseRedirects (-want +got):\n%s", diff)
	}
	// Each rule formats as a line that parses back to it.
	for _, rule := range got {
		again, err := ParseRedirects(strings.NewReader(rule.String()), "")
		if err != nil || len(again) != 1 || !again[0].SameRule(rule) {
			t.Errorf("%+v formats as %q, which parses as %+v, %v", rule, rule.String(), again, err)
		}
	}
}

func TestRedirectSameRule(t *testing.T) {
	t.Parallel()
	a := Redirect{From: "/a", To: "/b", Status: 301, Query: [][2]string{{"id", ":id"}}, Line: 3, Source: "_redirects"}
	b := a
	b.Line, b.Source = 9, "blueprint"
	if !a.SameRule(b) {
		t.Errorf("rules differing in Line and Source are not the same rule")
	}
	for _, edit := range []func(*Redirect){
		func(r *Redirect) { r.Query = [][2]string{{"id", "1"}} },
		func(r *Redirect) { r.Country = []string{"us"} },
		func(r *Redirect) { r.Language = []string{"en"} },
		func(r *Redirect) { r.Force = true },
	} {
		c := a
		edit(&c)
		if a.SameRule(c) {
			t.Errorf("%+v and %+v are the same rule, want different", a, c)
		}
	}
}

// TestLookupConformance covers matching: the query before a fragment,
// escapes in any case or raw, query conditions, conditions and Vary, and
// shadowing.
func TestLookupConformance(t *testing.T) {
	t.Parallel()
	tab, rs := mustCompileRedirects(t, `
/ads              /blog/my-post#ads   301
/q                /r?x=1#top          302
/caf%c3%a9        /coffee             301
/thé              /tea                301
/t%7Eilde         /tilde              301
/files/*          /f/:splat           301
/store id=:id     /products/:id       301
/articles id=:id tag=:tag /posts/:tag/:id 301!
/articles id=:id  /posts/:id          301!
/articles         /posts              301!
/page  p=2        /second             302
/              /fr/   302 Language=fr
/              /us/   302 Country=us,ca
/              /home  302
/geo/*  200!  Country=de
/geo/*  /not-here  302!
/shadow  /one
/shadow  /two  301!
`)
	tests := []struct {
		req  Request
		to   string // "" means no match
		vary Vary
	}{
		{Request{Path: "/ads", Query: "x=1"}, "/blog/my-post?x=1#ads", 0},
		{Request{Path: "/ads"}, "/blog/my-post#ads", 0},
		{Request{Path: "/q", Query: "y=2"}, "/r?x=1#top", 0}, // the target's own query wins
		{Request{Path: "/caf%C3%A9"}, "/coffee", 0},
		{Request{Path: "/caf%c3%a9"}, "/coffee", 0},
		{Request{Path: "/café"}, "/coffee", 0},
		{Request{Path: "/th%E9"}, "", 0}, // Latin-1 is another path
		{Request{Path: "/th%C3%a9"}, "/tea", 0},
		{Request{Path: "/t~ilde"}, "/tilde", 0},
		{Request{Path: "/%74%7eilde"}, "/tilde", 0},
		{Request{Path: "/files/%c3%a9%2f"}, "/f/%C3%A9%2F", 0},
		{Request{Path: "/store", Query: "id=my-post"}, "/products/my-post?id=my-post", 0},
		{Request{Path: "/store", Query: "utm=x&id=a%2fb"}, "/products/a%2Fb?utm=x&id=a%2fb", 0},
		{Request{Path: "/store", Query: "id="}, "", 0},
		{Request{Path: "/store", Query: "ID=1"}, "", 0},
		{Request{Path: "/store", Query: "id=%2e%2e"}, "", 0}, // a .. segment after substitution
		{Request{Path: "/store", Query: "id=a?b"}, "/products/a%3Fb?id=a?b", 0},
		{Request{Path: "/store"}, "", 0},
		{Request{Path: "/articles", Query: "id=123&tag=example"}, "/posts/example/123?id=123&tag=example", 0},
		{Request{Path: "/articles", Query: "tag=x&id=123"}, "/posts/x/123?tag=x&id=123", 0},
		{Request{Path: "/articles", Query: "id=123"}, "/posts/123?id=123", 0},
		{Request{Path: "/articles", Query: "tag=x"}, "/posts?tag=x", 0},
		{Request{Path: "/page", Query: "p=2"}, "/second?p=2", 0},
		{Request{Path: "/page", Query: "p=%32"}, "/second?p=%32", 0},
		{Request{Path: "/page", Query: "p=3"}, "", 0},
		{Request{Path: "/", Language: "fr-FR,fr;q=0.9,en;q=0.5"}, "/fr/", VaryLanguage},
		{Request{Path: "/", Language: "en-US,fr;q=0.9", Country: "CA"}, "/us/", VaryLanguage | VaryCountry},
		{Request{Path: "/", Language: "en;q=0.5, fr;q=0.8"}, "/fr/", VaryLanguage},
		{Request{Path: "/", Language: "fr;q=0", Country: "de"}, "/home", VaryLanguage | VaryCountry},
		{Request{Path: "/", Country: "us"}, "/us/", VaryLanguage | VaryCountry},
		{Request{Path: "/geo/a", Country: "DE"}, "/geo/a", VaryCountry},
		{Request{Path: "/geo/a", Country: "FR"}, "/not-here", VaryCountry},
		{Request{Path: "/geo/a"}, "/not-here", VaryCountry},
		{Request{Path: "/shadow"}, "/one", 0},
		{Request{Path: "/shadow", Shadowed: true}, "/two", 0}, // the unforced rule is skipped, not final
		{Request{Path: "/ads", Shadowed: true}, "", 0},
		{Request{Path: "/", Shadowed: true, Language: "fr"}, "", 0}, // no rule weighed: no Vary
	}
	for _, tt := range tests {
		m, ok := tab.Lookup(tt.req)
		if got, want := ok, tt.to != ""; got != want {
			t.Errorf("Lookup(%+v) ok = %v, want %v (%+v)", tt.req, got, want, m)
			continue
		}
		if got, want := m.To, tt.to; got != want {
			t.Errorf("Lookup(%+v).To = %q, want %q", tt.req, got, want)
		}
		if got, want := m.Vary, tt.vary; got != want {
			t.Errorf("Lookup(%+v).Vary = %b, want %b", tt.req, got, want)
		}
		ref, refOK := naiveLookup(rs, tt.req)
		if refOK != ok || !reflect.DeepEqual(ref, m) {
			t.Errorf("Lookup(%+v) = %+v, %v; naive = %+v, %v", tt.req, m, ok, ref, refOK)
		}
	}
}

// TestPreferredLanguage checks which Accept-Language range wins.
func TestPreferredLanguage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ accept, want string }{
		{"", ""},
		{"fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr-CH"},
		{"en;q=0.5, de", "de"},
		{"*", ""},
		{"en;q=0, de;q=0", ""},
		{"en;q=abc, de;q=0.1", "de"},
		{"zh-Hant-TW;q=0.9, en;q=0.9", "zh-Hant-TW"},
		{"e_n, fr", "fr"},
	} {
		if got := preferredLanguage(tt.accept); got != tt.want {
			t.Errorf("preferredLanguage(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
	for _, tt := range []struct {
		rule, tag string
		want      bool
	}{
		{"en", "en", true}, {"en", "EN-gb", true}, {"en-gb", "en", false}, {"en", "eng", false}, {"zh-hant", "zh-Hant-TW", true},
	} {
		if got := languageMatches(tt.rule, tt.tag); got != tt.want {
			t.Errorf("languageMatches(%q, %q) = %v, want %v", tt.rule, tt.tag, got, tt.want)
		}
	}
}

// TestCanon checks the canonical form escapes are compared in.
func TestCanon(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/a/b", "/a/b"},
		{"/caf%c3%a9", "/caf%C3%A9"},
		{"/café", "/caf%C3%A9"},
		{"/%7e%41%2D", "/~A-"},
		{"/a%2fb%3F", "/a%2Fb%3F"},
		{"/a b<>\"#?", "/a%20b%3C%3E%22%23%3F"},
		{"/!$&'()*+,;=:@", "/!$&'()*+,;=:@"},
		{"/%zz", "/%25zz"},
		{"/%", "/%25"},
	} {
		if got := canon(tt.in); got != tt.want {
			t.Errorf("canon(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := naiveCanon(tt.in); got != tt.want {
			t.Errorf("naiveCanon(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { canon("/already/canonical%C3%A9~") }); n != 0 {
		t.Errorf("canon of a canonical path allocates %v times, want 0", n)
	}
}

// TestHeadersEscapes: header paths match in canonical form too, raw
// UTF-8 in the file included, and names come back canonical.
func TestHeadersEscapes(t *testing.T) {
	t.Parallel()
	hs, err := ParseHeaders(strings.NewReader("/café/*\n  x-lang:\tfr\n/%7Eu/*.CSS\n  cache-control: no-cache\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hs[0].Path, "/caf%C3%A9/*"; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	tab, err := CompileHeaders(hs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		want [][2]string
	}{
		{"/caf%c3%a9/menu", [][2]string{{"X-Lang", "fr"}}},
		{"/caf%C3%A9", [][2]string{{"X-Lang", "fr"}}},
		{"/café/x", [][2]string{{"X-Lang", "fr"}}},
		{"/~u/a.CSS", [][2]string{{"Cache-Control", "no-cache"}}},
		{"/%7eu/a.CSS", [][2]string{{"Cache-Control", "no-cache"}}},
		{"/%7eu/a.css", nil},
	} {
		if diff := cmp.Diff(tt.want, tab.Headers(tt.path)); diff != "" {
			t.Errorf("Headers(%q) (-want +got):\n%s", tt.path, diff)
		}
	}
}

// TestHeadersOwnedByTheEdge: the validators and the platform's headers
// are refused in a _headers file, with the reason, and left out (not
// refused) from the rules of a manifest written before they were.
func TestHeadersOwnedByTheEdge(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ETag", "Last-Modified", "X-Deploy-Id", "Surrogate-Key"} {
		_, err := ParseHeaders(strings.NewReader("/*\n  " + name + ": x\n"))
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Problems[0].Message, "the header "+name+" cannot be set: ") {
			t.Errorf("%s: err = %v, want it refused with a reason", name, err)
		}
		tab, err := CompileHeaders([]HeaderRule{{Path: "/*", Headers: [][2]string{{name, "x"}, {"X-Kept", "1"}}}})
		if err != nil {
			t.Fatalf("%s in a manifest: %v", name, err)
		}
		if diff := cmp.Diff([][2]string{{"X-Kept", "1"}}, tab.Headers("/a")); diff != "" {
			t.Errorf("%s in a manifest (-want +got):\n%s", name, diff)
		}
	}
	for _, name := range []string{"Cache-Control", "Content-Type", "X-Frame-Options", "Referrer-Policy", "Vary", "Strict-Transport-Security"} {
		if _, err := ParseHeaders(strings.NewReader("/*\n  " + name + ": x\n")); err != nil {
			t.Errorf("%s: %v, want it accepted (it replaces the edge's)", name, err)
		}
	}
}
