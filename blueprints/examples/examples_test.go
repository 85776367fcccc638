package examples

import (
	"bytes"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/igny8/igny8/blueprints"
)

func load(t *testing.T, name string) *blueprints.Blueprint {
	t.Helper()
	data, err := fs.ReadFile(FS(), path.Join(name, "blueprint.json"))
	if err != nil {
		t.Fatal(err)
	}
	assets, err := fs.Sub(FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	bp, err := blueprints.Load(data, blueprints.Options{Assets: assets})
	if err != nil {
		t.Fatalf("%s/blueprint.json:\n%v", name, err)
	}
	return bp
}

func TestNames(t *testing.T) {
	want := []string{"bakery", "blog", "saas"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
}

func TestExamplesAreValid(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			load(t, name)
		})
	}
}

// TestExamplesCoverTheFormat checks that the examples together show every
// block type and every page type, so that each has at least one example.
func TestExamplesCoverTheFormat(t *testing.T) {
	blocks := map[string]bool{}
	pages := map[string]bool{}
	var walk func([]*blueprints.Block)
	walk = func(bs []*blueprints.Block) {
		for _, b := range bs {
			blocks[b.Type] = true
			walk(b.Children)
		}
	}
	for _, name := range Names() {
		bp := load(t, name)
		for _, p := range bp.Pages {
			pages[p.Type] = true
			walk(p.Blocks)
		}
	}
	for _, typ := range blueprints.BlockTypes() {
		if !blocks[typ] {
			t.Errorf("no example uses block type %q", typ)
		}
	}
	for _, typ := range []string{
		blueprints.PageHome, blueprints.PagePage, blueprints.PagePost, blueprints.PageProduct,
		blueprints.PageService, blueprints.PageCategory, blueprints.PageLanding,
	} {
		if !pages[typ] {
			t.Errorf("no example has a page of type %q", typ)
		}
	}
}

var (
	svgRootRE  = regexp.MustCompile(`<svg\b[^>]*>`)
	externalRE = regexp.MustCompile(`(?i)(<script|<foreignObject|<image\b|@import|@font-face|(?:href|src)\s*=\s*["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//)`)
)

// TestAssets checks that every SVG asset has a size and a viewBox, is
// self-contained (no scripts, embedded HTML or external references), is
// small, and is used by its blueprint.
func TestAssets(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			bp := load(t, name)
			used := map[string]bool{}
			for _, a := range bp.Assets {
				used[path.Clean(a.Path)] = true
			}
			err := fs.WalkDir(FS(), name, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || path.Base(p) == "blueprint.json" {
					return err
				}
				rel := strings.TrimPrefix(p, name+"/")
				if !used[rel] {
					t.Errorf("%s: not an asset of the blueprint", p)
				}
				if path.Ext(p) != ".svg" {
					return nil
				}
				data, err := fs.ReadFile(FS(), p)
				if err != nil {
					return err
				}
				if len(data) > 30<<10 {
					t.Errorf("%s: %d bytes; keep example SVGs under 30 KiB", p, len(data))
				}
				root := svgRootRE.Find(data)
				if root == nil {
					t.Errorf("%s: no <svg> element", p)
					return nil
				}
				for _, attr := range []string{" width=", " height=", " viewBox="} {
					if !bytes.Contains(root, []byte(attr)) {
						t.Errorf("%s: <svg> has no%s attribute", p, strings.TrimSuffix(attr, "="))
					}
				}
				if m := externalRE.Find(data); m != nil {
					t.Errorf("%s: not self-contained: %q", p, m)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
