package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRedirects(t *testing.T) {
	t.Parallel()
	in := "\ufeff# comment\n" +
		"\n" +
		"/home / \n" +
		"/blog/*   /news/:splat  302\n" +
		"\t/a/:year/:slug /b/:slug 200 # trailing comment\n" +
		"/app/* /app/index.html 200!\n" +
		"/old https://example.com/new?x=1 308\r\n" +
		"/gone /410.html 410\n" +
		"/missing /404.html 404\n" +
		"/t /u 307\n" +
		"/blog-:x /y\n"
	got, err := ParseRedirects(strings.NewReader(in), "")
	if err != nil {
		t.Fatal(err)
	}
	r := func(line int, from, to string, status int, force bool) Redirect {
		return Redirect{From: from, To: to, Status: status, Force: force, Line: line, Source: "_redirects"}
	}
	want := []Redirect{
		r(3, "/home", "/", 301, false),
		r(4, "/blog/*", "/news/:splat", 302, false),
		r(5, "/a/:year/:slug", "/b/:slug", 200, false),
		r(6, "/app/*", "/app/index.html", 200, true),
		r(7, "/old", "https://example.com/new?x=1", 308, false),
		r(8, "/gone", "/410.html", 410, false),
		r(9, "/missing", "/404.html", 404, false),
		r(10, "/t", "/u", 307, false),
		r(11, "/blog-:x", "/y", 301, false), // ":x" inside a segment is literal
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseRedirects (-want +got):\n%s", diff)
	}
}

func TestParseRedirectsSource(t *testing.T) {
	t.Parallel()
	got, err := ParseRedirects(strings.NewReader("/a /b"), "blueprint")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := got[0].Source, "blueprint"; got != want {
		t.Errorf("Source = %q, want %q", got, want)
	}
}

// TestParseRedirectsErrors checks that every problem is reported at once,
// each with its line.
func TestParseRedirectsErrors(t *testing.T) {
	t.Parallel()
	lines := []struct {
		line string
		want string // substring of the message; "" means valid
	}{
		{"/a /b 299", "status 299 is not supported; use 301, 302, 307, 308, 200, 404 or 410"},
		{"/a", "has no target"},
		{"/a /b abc", `the status "abc" is not a number`},
		{"/a /b !", `needs a number`},
		{"/a /b 301 Country=au", ""},
		{"/store id=:id /blog/:id 301", ""},
		{"a /b", "must start with /"},
		{"/a/../etc /b", ". or .. segments"},
		{"/a/%2e%2E/etc /b", ". or .. segments"},
		{"/a /b/../../etc", ". or .. segments"},
		{"/a //evil.com", "protocol-relative"},
		{"/a javascript:alert(1)", `scheme "javascript" is not allowed`},
		{"/a ftp://x.com/", `scheme "ftp" is not allowed`},
		{"/a b.html", "must be a path starting with /"},
		{"/a\x00 /b", "NUL"},
		{"/a\x01 /b", "control character"},
		{"/a\\b /c", "backslash"},
		{"/a /b\\c", "backslash"},
		{"/a//b /c", "empty segment"},
		{"/a/*/b /c", "* is only supported as the whole last segment"},
		{"/a* /c", "* is only supported"},
		{"/a/:1x /c", "placeholder"},
		{"/a/:splat /c", "reserved"},
		{"/a/:x/:x /c", "appears twice"},
		{"/a /b/:splat", "has no *"},
		{"/a/:x /b/:y", "has no :y placeholder"},
		{"/a?x=1 /b", "must not contain ? or #"},
		{"http://blog.example.com/* /b/:splat", "domain-level rules"},
		{"/a/* https://:splat.com/", "not a valid http(s) URL"},
		{"/a/* https://*.example.com/", "must not use placeholders"},
		{"/a https://user:pw@example.com/", "user name or password"},
		{"/a https://example.com/ 200", "proxying to other hosts is not supported"},
		{"/a https://example.com/ 404", "proxying"},
		{"/café /b", ""},
		{"/a /café", ""},
		{"/caf%C3%A9 /b", ""},
		{"/a%zz /b", "does not start a %XX escape"},
		{"/:a /%:a", "does not start a %XX escape"},
		{"/a/* https://example.com:8080/:splat 302", ""},
		{"/a/* /b/:splat 301!", ""},
		{"/a /b Country=us", "must come after the status"},
		{"/a /b 302 Role=admin", "Role conditions are not supported"},
		{"/a /b 302 Cookie=x", "Cookie conditions are not supported"},
		{"/a /b 302 Sign=secret", "signed rules are not supported"},
		{"/a /b 302 Planet=mars", `unknown condition "Planet"`},
		{"/a /b 302 Country=usa", `the country "usa" is not a two-letter`},
		{"/a /b 302 Country=us Country=ca", "appears twice"},
		{"/a /b 302 Language=en_US", `the language "en_US" is not a language tag`},
		{"/a /b 302 extra", `unexpected "extra" after the status`},
		{"/store id /blog", `the query condition "id" needs a value`},
		{"/store id=:id id=:x /blog/:id", `"id" is listed twice`},
		{"/store id=:id /blog/:slug", "has no :slug placeholder"},
		{"/s/:id id=:id /blog/:id", "appears twice"},
		{"/store id=:splat /blog", "reserved for *"},
		{"/store id=a%zz /blog", "does not start a %XX escape"},
		{"/store id=:id", "the rule has no target; query conditions"},
		{"/admin 200", "only a status 200 rule whose source ends in /*"},
		{"/admin/* 301", "only a status 200 rule whose source ends in /*"},
		{"/.igny8/health /x", "is under /.igny8/"},
		{"/.igny8 /x", "is under /.igny8/"},
		{"/%2Eigny8/x /x", "is under /.igny8/"},
		{"/.igny8x /x", ""},
		{"/a https://bücher.example/ 301", "write it in its ASCII form"},
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.line + "\n")
	}
	_, err := ParseRedirects(strings.NewReader(b.String()), "_redirects")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	byLine := map[int]string{}
	for _, p := range ve.Problems {
		if p.Source != "_redirects" {
			t.Errorf("problem %v: Source = %q", p, p.Source)
		}
		byLine[p.Line] += p.Message + "|"
	}
	for i, l := range lines {
		got := byLine[i+1]
		switch {
		case l.want == "" && got != "":
			t.Errorf("line %d %q: unexpected problem %q", i+1, l.line, got)
		case l.want != "" && !strings.Contains(got, l.want):
			t.Errorf("line %d %q: problems %q, want one containing %q", i+1, l.line, got, l.want)
		}
	}
	if got, want := ve.Problems[0].String(), "_redirects:1: status 299 is not supported; use 301, 302, 307, 308, 200, 404 or 410"; got != want {
		t.Errorf("Problems[0] = %q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), "and ") {
		t.Errorf("Error() = %q, want it to mention the remaining problems", err.Error())
	}
}

func TestParseRedirectsLimits(t *testing.T) {
	t.Parallel()
	t.Run("LongLine", func(t *testing.T) {
		t.Parallel()
		in := "/a /b\n/" + strings.Repeat("x", MaxLineLength) + " /c\n/d /e 299\n"
		_, err := ParseRedirects(strings.NewReader(in), "")
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 2 {
			t.Fatalf("err = %v, want 2 problems", err)
		}
		if got, want := ve.Problems[0].Line, 2; got != want {
			t.Errorf("Line = %d, want %d", got, want)
		}
		if got, want := ve.Problems[1].Line, 3; got != want {
			t.Errorf("Line = %d, want %d", got, want)
		}
	})
	t.Run("TooManyRules", func(t *testing.T) {
		t.Parallel()
		in := strings.Repeat("/a /b\n", MaxRedirects+1)
		_, err := ParseRedirects(strings.NewReader(in), "")
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 {
			t.Fatalf("err = %v, want 1 problem", err)
		}
		if got, want := ve.Problems[0].Line, MaxRedirects+1; got != want {
			t.Errorf("Line = %d, want %d", got, want)
		}
	})
	t.Run("TooManyProblems", func(t *testing.T) {
		t.Parallel()
		in := strings.Repeat("/a /b 299\n", MaxProblems*2)
		_, err := ParseRedirects(strings.NewReader(in), "")
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != MaxProblems+1 {
			t.Fatalf("err = %v, want %d problems", err, MaxProblems+1)
		}
	})
	t.Run("TenThousandRules", func(t *testing.T) {
		t.Parallel()
		rs, err := ParseRedirects(strings.NewReader(redirectsFile(10_000)), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := CompileRedirects(rs); err != nil {
			t.Fatal(err)
		}
	})
}
