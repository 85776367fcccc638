package rules

import (
	"errors"
	"net/url"
	"reflect"
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
	"/store id=:id /p/:id 301\n/a\t/b#frag 302\n/x/* 200! Country=us\n/ /fr/ 302 Language=fr,en-gb\n/café /thé\n",
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
			if err != nil || len(again) != 1 || !again[0].SameRule(r) {
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
		if ok != refOK || !reflect.DeepEqual(m, ref) {
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

// FuzzLookup checks RedirectTable.Lookup against the naive matcher on
// whole requests: query conditions, Country and Language conditions,
// shadowing and the Vary they report.
func FuzzLookup(f *testing.F) {
	f.Add(fuzzFiles[6], "/store", "id=a&x=1", "fr-FR,en;q=0.5", "US", false)
	f.Add(fuzzFiles[6], "/x/y", "", "", "us", true)
	f.Add(fuzzFiles[6], "/", "", "en-GB", "", false)
	f.Add(fuzzFiles[6], "/caf%c3%a9", "q", "*", "", false)
	f.Add("/a p=:p q=1 /b/:p#f 302\n/* /c 200 Language=de\n", "/a", "q=1&p=%7e", "de-AT", "", false)
	f.Fuzz(func(t *testing.T, file, path, query, lang, country string, shadowed bool) {
		rs, err := ParseRedirects(strings.NewReader(file), "")
		if err != nil {
			return
		}
		tab, err := CompileRedirects(rs)
		if err != nil {
			t.Fatalf("parsed rules do not compile: %v", err)
		}
		req := Request{Path: path, Query: query, Language: lang, Country: country, Shadowed: shadowed}
		m, ok := tab.Lookup(req)
		ref, refOK := naiveLookup(rs, req)
		if ok != refOK || !reflect.DeepEqual(m, ref) {
			t.Fatalf("Lookup(%+v) = %+v, %v; naive = %+v, %v", req, m, ok, ref, refOK)
		}
		// The query is passed on as given; net/http refuses control bytes
		// in it, so they never reach a Location header.
		ctl := strings.ContainsFunc(query, func(r rune) bool { return r < 0x20 || r == 0x7f })
		if ok && !ctl && strings.HasPrefix(m.Rule.To, "/") {
			if u, err := url.Parse(m.To); err != nil || u.Host != "" || !strings.HasPrefix(m.To, "/") || strings.HasPrefix(m.To, "//") {
				t.Fatalf("Lookup(%+v).To = %q leaves the site", req, m.To)
			}
		}
	})
}
