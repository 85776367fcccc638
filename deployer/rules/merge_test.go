package rules

import (
	"errors"
	"strings"
	"testing"
)

func TestMergeRedirectsOrder(t *testing.T) {
	file, err := ParseRedirects(strings.NewReader("/promo /sale 302\n/docs/* /manual/:splat\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	bp := []Redirect{
		{From: "/promo", To: "/old-sale", Source: "bp.json#/site/redirects/0"},
		{From: "/blog/:slug", To: "/posts/:slug", Status: 308, Source: "bp.json#/site/redirects/1"},
	}
	all, err := MergeRedirects(file, bp)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(all), 4; got != want {
		t.Fatalf("len = %d, want %d", got, want)
	}
	if got := all[2].Status; got != 301 {
		t.Errorf("blueprint rule without status: Status = %d, want 301", got)
	}
	table, err := CompileRedirects(all)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, to, source string }{
		{"/promo", "/sale", "_redirects"}, // the file wins over the blueprint
		{"/docs/a/b", "/manual/a/b", "_redirects"},
		{"/blog/hello", "/posts/hello", "bp.json#/site/redirects/1"},
	}
	for _, tt := range tests {
		m, ok := table.Match(tt.path)
		if !ok || m.To != tt.to || m.Rule.Source != tt.source {
			t.Errorf("Match(%s) = %q from %q (%v), want %q from %q", tt.path, m.To, m.Rule.Source, ok, tt.to, tt.source)
		}
	}
	if bp[0].Status != 0 {
		t.Errorf("MergeRedirects changed its input: %+v", bp[0])
	}
}

func TestMergeRedirectsProblems(t *testing.T) {
	file := []Redirect{{From: "/a", To: "/b", Status: 301, Line: 3, Source: "site/_redirects"}}
	bp := []Redirect{
		{From: "/ok", To: "/", Source: "bp.json#/site/redirects/0"},
		{From: "/x/:a", To: "/y/:b", Source: "bp.json#/site/redirects/1"},
	}
	_, err := MergeRedirects(file, bp)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 {
		t.Fatalf("err = %v, want one problem", err)
	}
	if got, want := ve.Problems[0].String(), `bp.json#/site/redirects/1: the target uses :b but the source path has no :b placeholder`; got != want {
		t.Errorf("problem = %q, want %q", got, want)
	}

	many := make([]Redirect, MaxRedirects)
	for i := range many {
		many[i] = Redirect{From: "/a", To: "/b"}
	}
	_, err = MergeRedirects(many, bp)
	if !errors.As(err, &ve) || !strings.Contains(ve.Problems[0].Message, "100000 from _redirects and 2 from the blueprint; the limit is 100000") {
		t.Errorf("over the limit: err = %v", err)
	}
}

func TestRedirectString(t *testing.T) {
	tests := []struct {
		r    Redirect
		want string
	}{
		{Redirect{From: "/a", To: "/b"}, "/a /b 301"},
		{Redirect{From: "/a/*", To: "/index.html", Status: 200, Force: true}, "/a/* /index.html 200!"},
		{Redirect{From: "/p/:id", To: "https://x.example/:id?q=1", Status: 308}, "/p/:id https://x.example/:id?q=1 308"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestCompileRedirectsSpaces(t *testing.T) {
	for _, r := range []Redirect{{From: "/a b", To: "/b"}, {From: "/a", To: "/b c"}} {
		_, err := CompileRedirects([]Redirect{r})
		if err == nil || !strings.Contains(err.Error(), "contains a space; URL-encode it as %20") {
			t.Errorf("CompileRedirects(%q -> %q) = %v, want the space rejected", r.From, r.To, err)
		}
	}
}
