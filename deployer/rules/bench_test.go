package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// benchPaths hits exact, splat and placeholder rules spread over the file,
// and the catch-all.
func benchPaths(n int) []string {
	var ps []string
	for i := 0; i < n-1; i += 97 {
		sec := i % 100
		switch i % 3 {
		case 0:
			ps = append(ps, fmt.Sprintf("/s%d/page-%d", sec, i))
		case 1:
			ps = append(ps, fmt.Sprintf("/s%d/dir-%d/a/b?q=1", sec, i))
		default:
			ps = append(ps, fmt.Sprintf("/s%d/2024/post-%d/", sec, i))
		}
	}
	return append(ps, "/not/a/rule")
}

func BenchmarkMatch10k(b *testing.B) {
	const n = 10_000
	tab, rs := mustCompileRedirects(b, redirectsFile(n))
	paths := benchPaths(n)
	for _, p := range paths {
		m, ok := tab.Match(p)
		ref, refOK := naiveMatch(rs, p)
		if !ok || ok != refOK || !reflect.DeepEqual(m, ref) {
			b.Fatalf("Match(%q) = %+v, %v; naive = %+v, %v", p, m, ok, ref, refOK)
		}
	}
	b.Run("Table", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			tab.Match(paths[i%len(paths)])
		}
	})
	b.Run("Naive", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			naiveMatch(rs, paths[i%len(paths)])
		}
	})
}

func BenchmarkCompileRedirects10k(b *testing.B) {
	rs, err := ParseRedirects(strings.NewReader(redirectsFile(10_000)), "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CompileRedirects(rs); err != nil {
			b.Fatal(err)
		}
	}
}

// headersFile returns n blocks: exact paths, directory splats, extension
// globs and placeholders, with a site-wide block first.
func headersFile(n int) string {
	var b strings.Builder
	b.WriteString("/*\n  X-Frame-Options: DENY\n")
	for i := 1; i < n; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "/d%d/page-%d.html\n  X-Page: %d\n", i%50, i, i)
		case 1:
			fmt.Fprintf(&b, "/d%d/dir-%d/*\n  Cache-Control: max-age=%d\n", i%50, i, i)
		case 2:
			fmt.Fprintf(&b, "/d%d/*.x%d\n  Content-Type: text/x%d\n", i%50, i, i)
		default:
			fmt.Fprintf(&b, "/d%d/:slug/p-%d\n  X-Slug: %d\n", i%50, i, i)
		}
	}
	return b.String()
}

func BenchmarkHeaders1k(b *testing.B) {
	const n = 1_000
	hs, err := ParseHeaders(strings.NewReader(headersFile(n)))
	if err != nil {
		b.Fatal(err)
	}
	tab, err := CompileHeaders(hs)
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for i := 1; i < n; i += 37 {
		paths = append(paths, fmt.Sprintf("/d%d/page-%d.html", i%50, i), fmt.Sprintf("/d%d/dir-%d/a.css", i%50, i))
	}
	if h := tab.Headers(paths[0]); len(h) == 0 {
		b.Fatal("no headers")
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.Headers(paths[i%len(paths)])
	}
}
