package rules

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const headersSample = `# a comment
/*
  X-Frame-Options: DENY
  Cache-Control: max-age=0
  Cache-Control: no-cache

/assets/*
	Cache-Control: public, max-age=31536000, immutable
/*.css
  Content-Type: text/css; charset=utf-8
/blog/:slug/
  X-Slug: yes
/exact.html
  X-Exact:   spaced value  
/
  X-Root: 1
`

func TestParseHeaders(t *testing.T) {
	t.Parallel()
	got, err := ParseHeaders(strings.NewReader(headersSample))
	if err != nil {
		t.Fatal(err)
	}
	want := []HeaderRule{
		{Path: "/*", Line: 2, Headers: [][2]string{{"X-Frame-Options", "DENY"}, {"Cache-Control", "max-age=0"}, {"Cache-Control", "no-cache"}}},
		{Path: "/assets/*", Line: 7, Headers: [][2]string{{"Cache-Control", "public, max-age=31536000, immutable"}}},
		{Path: "/*.css", Line: 9, Headers: [][2]string{{"Content-Type", "text/css; charset=utf-8"}}},
		{Path: "/blog/:slug/", Line: 11, Headers: [][2]string{{"X-Slug", "yes"}}},
		{Path: "/exact.html", Line: 13, Headers: [][2]string{{"X-Exact", "spaced value"}}},
		{Path: "/", Line: 15, Headers: [][2]string{{"X-Root", "1"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseHeaders (-want +got):\n%s", diff)
	}
}

func TestParseHeadersErrors(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		"  X-Early: 1",           // 1: before any path
		"/a",                     // 2: no headers
		"/b",                     // 3
		"  Content-Length: 5",    // 4
		"  Transfer-Encoding: x", // 5
		"  Set-Cookie: a=b",      // 6
		"  Location: /x",         // 7
		"  Proxy-Foo: 1",         // 8
		"  Bad Name: 1",          // 9
		"  X-Ctl: a\rb",          // 10
		"  X-Empty:",             // 11
		"  NoColon",              // 12
		"X-Unindented: 1",        // 13
		"/c/../d",                // 14
		"/e f",                   // 15
		"/g/:1",                  // 16
		"/h\x00",                 // 17
		"  X-Igny8-Site: 1",      // 18
		"  X-Ok: 1",              // 19
	}, "\n")
	_, err := ParseHeaders(strings.NewReader(in))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	want := map[int]string{
		1:  "comes before any path",
		2:  `the path "/a" has no headers`,
		4:  "the header Content-Length cannot be set",
		5:  "Transfer-Encoding cannot be set",
		6:  "Set-Cookie cannot be set: static sites cannot set cookies",
		7:  "use a _redirects rule instead",
		8:  "reserved for the platform",
		9:  `the header name "Bad Name" is not a valid HTTP token`,
		10: "contains a control character",
		11: "has an empty value",
		12: `expected "Name: value"`,
		13: "expected a path starting with /",
		14: ". or .. segments",
		15: "must hold only the path",
		16: "placeholder",
		17: "NUL",
		18: "reserved for the platform",
	}
	got := map[int]string{}
	for _, p := range ve.Problems {
		if p.Source != "_headers" {
			t.Errorf("problem %v: Source = %q", p, p.Source)
		}
		got[p.Line] += p.Message + "|"
	}
	for line, w := range want {
		if !strings.Contains(got[line], w) {
			t.Errorf("line %d: problems %q, want one containing %q", line, got[line], w)
		}
	}
	for line, g := range got {
		if _, ok := want[line]; !ok {
			t.Errorf("line %d: unexpected problems %q", line, g)
		}
	}
}

func TestParseHeadersLimits(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 0; i <= MaxHeaderRules; i++ {
		fmt.Fprintf(&b, "/p%d\n  X-N: %d\n", i, i)
	}
	_, err := ParseHeaders(strings.NewReader(b.String()))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || !strings.Contains(ve.Problems[0].Message, "more than 10000 paths") {
		t.Fatalf("err = %v, want one too-many-paths problem", err)
	}
}

func TestHeaderTable(t *testing.T) {
	t.Parallel()
	hs, err := ParseHeaders(strings.NewReader(headersSample))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := CompileHeaders(hs)
	if err != nil {
		t.Fatal(err)
	}
	all := [][2]string{{"X-Frame-Options", "DENY"}, {"Cache-Control", "max-age=0"}, {"Cache-Control", "no-cache"}}
	with := func(extra ...[2]string) [][2]string { return append(append([][2]string{}, all...), extra...) }
	tests := []struct {
		path string
		want [][2]string
	}{
		{"/", with([2]string{"X-Root", "1"})},
		{"/index.html", all},
		{"/assets/app.js", with([2]string{"Cache-Control", "public, max-age=31536000, immutable"})},
		{"/assets/site.css?v=1", with([2]string{"Cache-Control", "public, max-age=31536000, immutable"}, [2]string{"Content-Type", "text/css; charset=utf-8"})},
		{"/assets", with([2]string{"Cache-Control", "public, max-age=31536000, immutable"})},
		{"/deep/dir/x.css", with([2]string{"Content-Type", "text/css; charset=utf-8"})},
		{"/blog/hello", with([2]string{"X-Slug", "yes"})},
		{"/blog/hello/", with([2]string{"X-Slug", "yes"})},
		{"/blog/hello/more", all},
		{"/exact.html/", with([2]string{"X-Exact", "spaced value"})},
		{"/../etc/passwd", nil},
		{"relative", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tab.Headers(tt.path)); diff != "" {
			t.Errorf("Headers(%q) (-want +got):\n%s", tt.path, diff)
		}
		if diff := cmp.Diff(naiveHeaders(hs, tt.path), tab.Headers(tt.path)); diff != "" {
			t.Errorf("Headers(%q) (-naive +got):\n%s", tt.path, diff)
		}
	}
	_, err = CompileHeaders([]HeaderRule{{Path: "/x", Line: 7, Headers: [][2]string{{"Set-Cookie", "a=b"}}}})
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].String() != "_headers:7: the header Set-Cookie cannot be set: static sites cannot set cookies" {
		t.Errorf("CompileHeaders err = %v", err)
	}
}
