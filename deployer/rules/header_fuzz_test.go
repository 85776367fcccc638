package rules

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// naiveHeaders is the reference for HeaderTable.Headers: every rule in
// order, matched by a glob DP that shares no code with the table.
func naiveHeaders(hs []HeaderRule, reqPath string) [][2]string {
	p, _, _ := strings.Cut(reqPath, "?")
	if !naiveSafe(p) {
		return nil
	}
	p = naiveCanon(naiveTrim(p))
	var out [][2]string
	for _, h := range hs {
		pat := naiveCanon(naiveTrim(h.Path))
		ok := naiveGlob(pat, p)
		if base, found := strings.CutSuffix(pat, "/*"); found && !ok {
			ok = p == base || (base == "" && p == "/")
		}
		if ok {
			for _, kv := range h.Headers {
				out = append(out, [2]string{http.CanonicalHeaderKey(kv[0]), kv[1]})
			}
		}
	}
	return out
}

func naiveTrim(p string) string {
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		return p[:len(p)-1]
	}
	return p
}

// naiveGlob matches "*" (any run) and whole-segment ":name" (one or more
// non-slash bytes) with a DP over pattern tokens and path positions.
func naiveGlob(pat, p string) bool {
	type tok struct {
		kind byte // 'l' literal byte, '*', ':'
		c    byte
	}
	var toks []tok
	for i := 0; i < len(pat); i++ {
		switch {
		case pat[i] == '*':
			toks = append(toks, tok{kind: '*'})
		case pat[i] == ':' && i > 0 && pat[i-1] == '/':
			j := strings.IndexByte(pat[i:], '/')
			if j < 0 {
				j = len(pat) - i
			}
			toks = append(toks, tok{kind: ':'})
			i += j - 1
		default:
			toks = append(toks, tok{kind: 'l', c: pat[i]})
		}
	}
	// can[j] reports whether the tokens so far match p[:j].
	can := make([]bool, len(p)+1)
	can[0] = true
	for _, t := range toks {
		next := make([]bool, len(p)+1)
		for j := 0; j <= len(p); j++ {
			if !can[j] {
				continue
			}
			switch t.kind {
			case 'l':
				if j < len(p) && p[j] == t.c {
					next[j+1] = true
				}
			case '*':
				for k := j; k <= len(p); k++ {
					next[k] = true
				}
			case ':':
				for k := j; k < len(p) && p[k] != '/'; k++ {
					next[k+1] = true
				}
			}
		}
		can = next
	}
	return can[len(p)]
}

func FuzzHeaders(f *testing.F) {
	for _, p := range []string{"/", "/assets/a.css", "/blog/x/", "/exact.html", "/d/e/f.css?x", "/a/../b"} {
		f.Add(headersSample, p)
	}
	f.Add("/a/*/b*\n  X-A: 1\n/:x/*.y\n  X-B: 2\n/*\n  X-C: 3\n", "/a/q/r/bz")
	f.Fuzz(func(t *testing.T, file, path string) {
		hs, err := ParseHeaders(strings.NewReader(file))
		if err != nil {
			return
		}
		tab, err := CompileHeaders(hs)
		if err != nil {
			t.Fatalf("parsed rules do not compile: %v", err)
		}
		got, want := tab.Headers(path), naiveHeaders(hs, path)
		if !slices.Equal(got, want) {
			t.Fatalf("Headers(%q) = %q, naive = %q", path, got, want)
		}
	})
}
