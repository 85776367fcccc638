package rules

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

var fuzzFiles = []string{
	"/a /b\n/blog/* /news/:splat 302\n",
	"/a/:year/:slug /b/:slug-:year.html 200!\n/* /index.html 200\n",
	"/ext/* https://example.com:8080/x/:splat?y=1 308\n",
	"# c\n/x/:a/c /first/:a\n/x/* /second/:splat\n/x/y/c /third\n",
	"/a /b 299\n/c\n/d /e 301 X=1\n",
	"/a/ /b/\n/:l/about /about?lang=:l\n",
}

func FuzzParseRedirects(f *testing.F) {
	for _, s := range fuzzFiles {
		f.Add(s)
	}
	f.Add(headersSample)
	f.Fuzz(func(t *testing.T, file string) {
		rs, err := ParseRedirects(strings.NewReader(file), "")
		_, _ = ParseHeaders(strings.NewReader(file))
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("err = %v, want a *ValidationError with problems", err)
			}
			for _, p := range ve.Problems {
				if p.Line < 1 || p.Message == "" {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		for _, r := range rs {
			if hasDotSegment(r.From) || hasDotSegment(r.To) {
				t.Fatalf("rule %+v has a dot segment", r)
			}
			again, err := ParseRedirects(strings.NewReader(r.String()), "")
			if err != nil || len(again) != 1 || again[0].From != r.From || again[0].To != r.To || again[0].Status != r.Status || again[0].Force != r.Force {
				t.Fatalf("rule %+v formats as %q, which parses as %+v, %v", r, r.String(), again, err)
			}
		}
		if _, err := CompileRedirects(rs); err != nil {
			t.Fatalf("parsed rules do not compile: %v", err)
		}
	})
}

func FuzzMatch(f *testing.F) {
	paths := []string{"/a", "/blog/x/y", "/a/2020/hi/", "/ext/q?z=2", "/x/y/c", "/en/about", "/", "/a/../b", "/blog//evil.com"}
	for i, s := range fuzzFiles {
		f.Add(s, paths[i%len(paths)])
		f.Add(s, paths[(i+3)%len(paths)])
	}
	f.Fuzz(func(t *testing.T, file, path string) {
		rs, err := ParseRedirects(strings.NewReader(file), "")
		if err != nil {
			return
		}
		tab, err := CompileRedirects(rs)
		if err != nil {
			t.Fatalf("parsed rules do not compile: %v", err)
		}
		m, ok := tab.Match(path)
		ref, refOK := naiveMatch(rs, path)
		if ok != refOK || m != ref {
			t.Fatalf("Match(%q) = %+v, %v; naive = %+v, %v", path, m, ok, ref, refOK)
		}
		if !ok {
			return
		}
		u, err := url.Parse(m.To)
		if err != nil {
			t.Fatalf("Match(%q).To = %q does not parse: %v", path, m.To, err)
		}
		if hasDotSegment(m.To) {
			t.Fatalf("Match(%q).To = %q has a dot segment", path, m.To)
		}
		if strings.HasPrefix(m.Rule.To, "/") {
			if u.Host != "" || strings.HasPrefix(m.To, "//") || !strings.HasPrefix(m.To, "/") {
				t.Fatalf("Match(%q).To = %q leaves the site", path, m.To)
			}
		} else if ru, _ := url.Parse(m.Rule.To); ru.Host != u.Host {
			t.Fatalf("Match(%q).To = %q changed host from %q", path, m.To, ru.Host)
		}
	})
}

// hasDotSegment is an independent check for . and .. in a URL's path,
// also percent-encoded.
func hasDotSegment(s string) bool {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
		if j := strings.IndexByte(s, '/'); j >= 0 {
			s = s[j:]
		} else {
			s = ""
		}
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	for _, seg := range strings.Split(s, "/") {
		seg = strings.ReplaceAll(strings.ToLower(seg), "%2e", ".")
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}
