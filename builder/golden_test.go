package builder_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/themes"
)

// TestGolden compares the HTML of every block type, in every theme, with
// testdata/golden/<theme>/<type>.html. After an intended change to a theme,
// run make golden (go test ./builder -run TestGolden -update) and review
// the diff.
func TestGolden(t *testing.T) {
	bp := loadFixture(t)
	blocksPage := bp.Page("blocks")
	firstOfType := map[string]string{} // block type → id of its first block on the page
	var walk func(bs []*blueprints.Block)
	walk = func(bs []*blueprints.Block) {
		for _, b := range bs {
			if _, ok := firstOfType[b.Type]; !ok {
				firstOfType[b.Type] = b.ID
			}
			walk(b.Children)
		}
	}
	walk(blocksPage.Blocks)
	for _, typ := range blueprints.BlockTypes() {
		if firstOfType[typ] == "" {
			t.Errorf("the fixture's blocks page has no %s block", typ)
		}
	}
	for _, theme := range themes.Names() {
		out := buildFixture(t, theme)
		doc := parse(t, page(t, out, "blocks/index.html"))
		for typ, id := range firstOfType {
			t.Run(theme+"/"+typ, func(t *testing.T) {
				nodes := findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
				if len(nodes) != 1 {
					t.Fatalf("%d elements with id %q, want 1", len(nodes), id)
				}
				got := render(t, nodes[0])
				file := filepath.Join("testdata", "golden", theme, typ+".html")
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run make golden to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file; run make golden if the change is intended.\n%s", file, firstDiff(string(want), string(got)))
				}
			})
		}
	}
}

// render prints a node with one tag per line so golden diffs are readable.
func render(t *testing.T, n *html.Node) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := html.Render(&buf, n); err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(buf.String(), "><", ">\n<") + "\n")
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return ""
}
