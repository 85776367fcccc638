package markup_test

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/publishing/markup"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// mustLoadSite loads a blueprint from testdata, without checking asset
// files.
func mustLoadSite(tb testing.TB, name string) *blueprints.Blueprint {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	bp, err := blueprints.Load(data, blueprints.Options{})
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return bp
}

// examplePages are the pages of every example site.
func examplePages(tb testing.TB) map[string]*blueprints.Blueprint {
	tb.Helper()
	sites := map[string]*blueprints.Blueprint{}
	for _, name := range examples.Names() {
		data, err := fs.ReadFile(examples.FS(), name+"/blueprint.json")
		if err != nil {
			tb.Fatal(err)
		}
		bp, err := blueprints.Load(data, blueprints.Options{})
		if err != nil {
			tb.Fatalf("load example %s: %v", name, err)
		}
		sites[name] = bp
	}
	return sites
}

const (
	siteURL = "https://wp.example/"
	cdnURL  = "https://cdn.example/media/"
)

// optionsFor links pages to siteURL/ID/ and shows assets from cdnURL,
// with the blueprint's alt text.
func optionsFor(bp *blueprints.Blueprint) markup.Options {
	return markup.Options{
		Link: func(id, anchor string) string {
			if bp.Page(id) == nil {
				return ""
			}
			return siteURL + id + "/" + anchor
		},
		Image: func(id string) (string, string, bool) {
			a, ok := bp.Assets[id]
			if !ok {
				return "", "", false
			}
			alt := ""
			if a.Alt != nil {
				alt = *a.Alt
			}
			return cdnURL + id + ".svg", alt, true
		},
		Title: func(id string) string {
			if p := bp.Page(id); p != nil {
				return p.Title
			}
			return ""
		},
		Posts: func(tag string, limit int) []string {
			var ids []string
			for _, p := range bp.Pages {
				if p.Type == blueprints.PagePost && (tag == "" || contains(p.Tags, tag)) && (limit == 0 || len(ids) < limit) {
					ids = append(ids, p.ID)
				}
			}
			return ids
		},
	}
}

// reverseFor undoes optionsFor.
func reverseFor(bp *blueprints.Blueprint) markup.BlocksOptions {
	return markup.BlocksOptions{
		Page: func(href string) (string, string, bool) {
			rest, ok := strings.CutPrefix(href, siteURL)
			if !ok {
				return "", "", false
			}
			id, anchor, _ := strings.Cut(rest, "/")
			if bp.Page(id) == nil {
				return "", "", false
			}
			return id, anchor, true
		},
		Asset: func(src string) (string, string, bool) {
			rest, ok := strings.CutPrefix(src, cdnURL)
			if !ok {
				return "", "", false
			}
			id := strings.TrimSuffix(rest, ".svg")
			a, ok := bp.Assets[id]
			if !ok {
				return "", "", false
			}
			alt := ""
			if a.Alt != nil {
				alt = *a.Alt
			}
			return id, alt, true
		},
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// checkGolden compares got with testdata/name, or rewrites it under
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run go test -update to accept it):\n%s", name, firstDiff(string(want), got))
	}
}

// firstDiff shows where two texts first differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\nwant: " + w + "\ngot:  " + g
		}
	}
	return ""
}

func itoa(n int) string {
	return fmtInt(n)
}

func fmtInt(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return fmtInt(n/10) + string(rune('0'+n%10))
}
