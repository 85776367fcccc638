package blueprints_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/igny8/igny8/blueprints"
)

const fixture = "../builder/testdata/allblocks"

// loadDoc returns the fixture blueprint as generic JSON to mutate.
func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(fixture + "/blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks a generic JSON document by pointer tokens.
func at(doc any, tokens ...any) any {
	for _, tok := range tokens {
		switch tok := tok.(type) {
		case int:
			doc = doc.([]any)[tok]
		case string:
			doc = doc.(map[string]any)[tok]
		}
	}
	return doc
}

func obj(doc any, tokens ...any) map[string]any { return at(doc, tokens...).(map[string]any) }

func problemsOf(t *testing.T, doc any) blueprints.Problems {
	t.Helper()
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	_, err = blueprints.Load(data, blueprints.Options{Assets: os.DirFS(fixture)})
	if err == nil {
		return nil
	}
	var ps blueprints.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error is %T, not Problems: %v", err, err)
	}
	return ps
}

// TestBrokenCopies breaks a valid blueprint in one place at a time and
// checks that validation names that place and says why.
func TestBrokenCopies(t *testing.T) {
	tests := []struct {
		name    string
		break_  func(doc map[string]any)
		pointer string
		message string
	}{
		{"missing required prop", func(d map[string]any) { delete(obj(d, "pages", 1, "blocks", 3, "props"), "heading") },
			"/pages/1/blocks/3/props/heading", "required"},
		{"unknown block type", func(d map[string]any) { obj(d, "pages", 1, "blocks", 2)["type"] = "carousel" },
			"/pages/1/blocks/2/type", `unknown block type "carousel"`},
		{"future block version", func(d map[string]any) { obj(d, "pages", 1, "blocks", 1)["v"] = 7 },
			"/pages/1/blocks/1/v", "richtext has no version 7"},
		{"wrong prop type", func(d map[string]any) { obj(d, "pages", 1, "blocks", 1, "props")["markdown"] = 5 },
			"/pages/1/blocks/1/props/markdown", "`markdown` must be Markdown text of at most 200,000 characters (in quotes), not the number 5"},
		{"enum", func(d map[string]any) { obj(d, "pages", 1, "blocks", 0, "props")["layout"] = "diagonal" },
			"/pages/1/blocks/0/props/layout", `must be one of "centered", "split", "cover", not "diagonal"`},
		{"unknown prop", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3, "props")["colour"] = "red" },
			"/pages/1/blocks/3/props/colour", "unknown field"},
		{"bad link scheme", func(d map[string]any) {
			obj(d, "pages", 1, "blocks", 3, "props", "actions", 0)["href"] = "javascript:alert(1)"
		}, "/pages/1/blocks/3/props/actions/0/href", `must be a link: page:<page-id>, page:<page-id>#anchor, #anchor, or an http://, https://, mailto: or tel: URL, not "javascript:alert(1)"`},
		{"dangling page link", func(d map[string]any) { obj(d, "navigation", "main", 0)["href"] = "page:nowhere" },
			"/navigation/main/0/href", `page "nowhere" does not exist`},
		{"dangling link in markdown", func(d map[string]any) {
			obj(d, "pages", 1, "blocks", 1, "props")["markdown"] = "See [x](page:gone)."
		}, "/pages/1/blocks/1/props/markdown", `page "gone" does not exist`},
		{"link to draft", func(d map[string]any) { obj(d, "navigation", "footer", 0)["href"] = "page:hidden" },
			"/navigation/footer/0/href", "is a draft"},
		{"missing asset", func(d map[string]any) { obj(d, "pages", 1, "blocks", 8, "props", "image")["asset"] = "nope" },
			"/pages/1/blocks/8/props/image/asset", `asset "nope" does not exist`},
		{"missing asset file", func(d map[string]any) { obj(d, "assets", "photo")["path"] = "assets/missing.svg" },
			"/assets/photo/path", "not found"},
		{"asset outside folder", func(d map[string]any) { obj(d, "assets", "photo")["path"] = "../../go.mod.svg" },
			"/assets/photo/path", "leaves the blueprint's folder"},
		{"no alt text", func(d map[string]any) { delete(obj(d, "assets", "photo"), "alt") },
			"/pages/1/blocks/8/props/image", "no alt text"},
		{"duplicate page id", func(d map[string]any) { obj(d, "pages", 2)["id"] = "blocks" },
			"/pages/2/id", `duplicate page id "blocks"`},
		{"duplicate path", func(d map[string]any) { obj(d, "pages", 2)["path"] = "/blocks/" },
			"/pages/2/path", "duplicate path /blocks/"},
		{"duplicate block id", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3)["id"] = "hero" },
			"/pages/1/blocks/3/id", `duplicate block id "hero"`},
		{"duplicate nested block id", func(d map[string]any) { obj(d, "pages", 1, "blocks", 15, "children", 1)["id"] = "left" },
			"/pages/1/blocks/15/children/1/id", `duplicate block id "left"`},
		{"children on a leaf block", func(d map[string]any) {
			obj(d, "pages", 1, "blocks", 2)["children"] = []any{map[string]any{"id": "z", "type": "richtext", "v": 1, "props": map[string]any{"markdown": "x"}}}
		}, "/pages/1/blocks/2/children", "only columns blocks have children"},
		{"post without date", func(d map[string]any) { delete(obj(d, "pages", 3), "date") },
			"/pages/3/date", "required for posts"},
		{"impossible date", func(d map[string]any) { obj(d, "pages", 3)["date"] = "2026-02-30" },
			"/pages/3/date", "not a real date"},
		{"bad path", func(d map[string]any) { obj(d, "pages", 1)["path"] = "/Blocks" },
			"/pages/1/path", `must be "/" or lowercase segments`},
		{"second home", func(d map[string]any) { obj(d, "pages", 2)["type"] = "home" },
			"/pages", "2 home pages; a site has exactly one"},
		{"same path in another language", func(d map[string]any) {
			obj(d, "site")["languages"] = []any{"en", "fr"}
			obj(d, "pages", 2)["path"], obj(d, "pages", 2)["lang"] = "/blocks/", "fr"
		}, "/pages/2/path", "duplicate path /blocks/"},
		{"page language not in site.languages", func(d map[string]any) { obj(d, "pages", 2)["lang"] = "de" },
			"/pages/2/lang", `"de" is not one of site.languages (en)`},
		{"no home", func(d map[string]any) { obj(d, "pages", 0)["type"] = "page" },
			"/pages/0/type", `the page at "/" must have type "home"`},
		{"low contrast", func(d map[string]any) {
			obj(d, "theme", "tokens")["colors"] = map[string]any{"text": "#777777", "background": "#888888"}
		}, "/theme/tokens/colors/text", "contrast with background"},
		{"product-grid of non-products", func(d map[string]any) {
			obj(d, "pages", 1, "blocks", 18, "props")["products"] = []any{"first"}
		}, "/pages/1/blocks/18/props/products/0", `page "first" is a post, not a product`},
		{"related block listing its own page", func(d map[string]any) {
			obj(d, "pages", 1, "blocks", 19, "props")["pages"] = []any{"first", "blocks"}
		}, "/pages/1/blocks/19/props/pages/1", `page "blocks" is this page`},
		{"related block listing a draft", func(d map[string]any) {
			obj(d, "pages", 1, "blocks", 19, "props")["pages"] = []any{"hidden"}
		}, "/pages/1/blocks/19/props/pages/0", `page "hidden" is a draft`},
		{"related block listing a missing page", func(d map[string]any) {
			obj(d, "pages", 1, "blocks", 19, "props")["pages"] = []any{"gone"}
		}, "/pages/1/blocks/19/props/pages/0", `page "gone" does not exist`},
		{"select without options", func(d map[string]any) {
			delete(obj(d, "pages", 1, "blocks", 14, "props", "fields", 2), "options")
		}, "/pages/1/blocks/14/props/fields/2/options", "required"},
		{"vimeo id pattern", func(d map[string]any) { obj(d, "pages", 1, "blocks", 11, "props")["video_id"] = "abcdefg" },
			"/pages/1/blocks/11/props/video_id", "must be a Vimeo video id"},
		{"invalid v1 hero before migration", func(d map[string]any) { delete(obj(d, "pages", 0, "blocks", 0, "props"), "title") },
			"/pages/0/blocks/0/props/title", "required"},
		{"unknown top-level field", func(d map[string]any) { d["sitename"] = "x" },
			"/sitename", "unknown field"},
		{"missing site name", func(d map[string]any) { delete(obj(d, "site"), "name") },
			"/site/name", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadDoc(t)
			tt.break_(doc)
			ps := problemsOf(t, doc)
			for _, p := range ps {
				if p.Pointer == tt.pointer && strings.Contains(p.Message, tt.message) {
					return
				}
			}
			t.Errorf("want a problem at %s containing %q; got:\n%v", tt.pointer, tt.message, ps)
		})
	}
}

func TestEveryProblemAtOnce(t *testing.T) {
	doc := loadDoc(t)
	delete(obj(doc, "pages", 1, "blocks", 3, "props"), "heading")
	obj(doc, "navigation", "main", 0)["href"] = "page:nowhere"
	obj(doc, "pages", 2)["id"] = "blocks"
	ps := problemsOf(t, doc)
	if len(ps) < 3 {
		t.Fatalf("want at least 3 problems reported together, got %d:\n%v", len(ps), ps)
	}
	for _, p := range ps {
		if p.Line == 0 {
			t.Errorf("problem %v has no line number", p)
		}
	}
}

// TestSchemaProblemsDoNotHideOthers breaks the blueprint where its schema
// looks (site.base_url) and where only the later checks look (a block's
// props, a page link, an asset, a Markdown link): every problem comes back
// in one answer, once, in document order.
func TestSchemaProblemsDoNotHideOthers(t *testing.T) {
	doc := loadDoc(t)
	obj(doc, "site")["base_url"] = "golden.example"
	obj(doc, "pages", 1, "blocks", 0, "props")["layout"] = "diagonal"
	obj(doc, "navigation", "main", 0)["href"] = "page:nowhere"
	obj(doc, "pages", 1, "blocks", 8, "props", "image")["asset"] = "nope"
	obj(doc, "pages", 1, "blocks", 1, "props")["markdown"] = "[Win](javascript:alert(1))"
	want := []blueprints.Problem{
		{Pointer: "/navigation/main/0/href", Message: `page "nowhere" does not exist`},
		{Pointer: "/pages/1/blocks/0/props/layout", Message: `must be one of "centered", "split", "cover", not "diagonal"`},
		{Pointer: "/pages/1/blocks/1/props/markdown", Message: `link "Win" goes to "javascript:alert(1)", which is not allowed`},
		{Pointer: "/pages/1/blocks/8/props/image/asset", Message: `asset "nope" does not exist`},
		{Pointer: "/site/base_url", Message: "`base_url` must be an absolute https:// or http:// URL such as https://example.com/"},
	}
	ps := problemsOf(t, doc)
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), ps)
	}
	for i, w := range want {
		if ps[i].Pointer != w.Pointer || !strings.Contains(ps[i].Message, w.Message) {
			t.Errorf("problem %d = %v, want %s containing %q", i, ps[i], w.Pointer, w.Message)
		}
	}
	if again := problemsOf(t, doc); again.Error() != ps.Error() {
		t.Errorf("a second Load reports differently:\n%v\nthen\n%v", ps, again)
	}
}

// TestNoRestatedProblems checks that a value the schema rejects is reported
// once: the later checks of the same value (or of what it holds) stay quiet.
func TestNoRestatedProblems(t *testing.T) {
	tests := []struct {
		name    string
		break_  func(doc map[string]any)
		pointer string // the one problem's
		message string
	}{
		{"link of the wrong form is not also dangling", func(d map[string]any) { obj(d, "navigation", "main", 0)["href"] = "page:No Where" },
			"/navigation/main/0/href", "must be a link"},
		{"misspelt page type hides no home page", func(d map[string]any) { obj(d, "pages", 0)["type"] = "Home" },
			"/pages/0/type", `not "Home"`},
		{"block type of the wrong form is not also unknown", func(d map[string]any) { obj(d, "pages", 1, "blocks", 2)["type"] = "Features" },
			"/pages/1/blocks/2/type", `such as "hero"`},
		{"props that are not an object are not checked", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3)["props"] = []any{} },
			"/pages/1/blocks/3/props", "must be an object with the block's content"},
		{"version as text hides the props check", func(d map[string]any) { obj(d, "pages", 1, "blocks", 3)["v"] = "1" },
			"/pages/1/blocks/3/v", "remove the quotes"},
		{"asset with path and data has no other problem", func(d map[string]any) { obj(d, "assets", "photo")["data"] = "PHN2Zy8+" },
			"/assets/photo", `either "path"`},
		{"bad background colour is no contrast problem", func(d map[string]any) {
			obj(d, "theme", "tokens")["colors"] = map[string]any{"text": "#777777", "background": "grey"}
		}, "/theme/tokens/colors/background", "#rrggbb"},
		{"colour of an unknown name", func(d map[string]any) {
			obj(d, "theme", "tokens")["colors"] = map[string]any{"colour": "red"}
		}, "/theme/tokens/colors/colour", "the name `colour` is not allowed here"},
		{"invalid v1 hero is checked once", func(d map[string]any) { delete(obj(d, "pages", 0, "blocks", 0, "props"), "title") },
			"/pages/0/blocks/0/props/title", "required"},
		{"redirect rule with a bad status", func(d map[string]any) {
			obj(d, "site")["redirects"] = []any{map[string]any{"from": "/blocks", "to": "/", "status": 303}}
		}, "/site/redirects/0/status", "must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadDoc(t)
			tt.break_(doc)
			ps := problemsOf(t, doc)
			if len(ps) != 1 || ps[0].Pointer != tt.pointer || !strings.Contains(ps[0].Message, tt.message) {
				t.Errorf("want one problem at %s containing %q; got:\n%v", tt.pointer, tt.message, ps)
			}
		})
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	tests := []struct {
		in         string
		line, col  int
		wantSubstr string
	}{
		{"{\n  \"version\": 1,\n  \"site\": {\"name\": }\n}", 3, 20, "syntax error"},
		{"{\"version\": 1,\n", 2, 1, "unexpected end"},
		{"", 1, 1, "unexpected end"},
	}
	for _, tt := range tests {
		_, err := blueprints.Parse([]byte(tt.in))
		var ps blueprints.Problems
		if !errors.As(err, &ps) || len(ps) != 1 {
			t.Fatalf("Parse(%q) = %v, want one problem", tt.in, err)
		}
		if ps[0].Line != tt.line || ps[0].Column != tt.col || !strings.Contains(ps[0].Message, tt.wantSubstr) {
			t.Errorf("Parse(%q) = %d:%d %q, want %d:%d containing %q", tt.in, ps[0].Line, ps[0].Column, ps[0].Message, tt.line, tt.col, tt.wantSubstr)
		}
	}
}

func TestLimits(t *testing.T) {
	page := func(i int, blocks []any) map[string]any {
		p := map[string]any{"id": fmt.Sprintf("p%d", i), "path": fmt.Sprintf("/p%d/", i), "type": "page", "title": "P", "blocks": blocks}
		if i == 0 {
			p["path"], p["type"] = "/", "home"
		}
		return p
	}
	text := func(id string) map[string]any {
		return map[string]any{"id": id, "type": "richtext", "v": 1, "props": map[string]any{"markdown": "x"}}
	}
	base := func(pages []any) map[string]any {
		return map[string]any{"version": 1, "site": map[string]any{"name": "L", "base_url": "https://l.example/", "locale": "en"},
			"theme": map[string]any{"name": "studio"}, "pages": pages}
	}

	var many []any
	for i := range blueprints.MaxPages + 1 {
		many = append(many, page(i, []any{}))
	}
	var blocks []any
	for i := range blueprints.MaxBlocksPerPage + 1 {
		blocks = append(blocks, text(fmt.Sprintf("b%d", i)))
	}
	deep := text("leaf")
	for i := range blueprints.MaxDepth {
		deep = map[string]any{"id": fmt.Sprintf("c%d", i), "type": "columns", "v": 1, "props": map[string]any{}, "children": []any{deep}}
	}
	tests := []struct {
		name, pointer, message string
		doc                    any
	}{
		{"pages", "/pages", "10001 pages; the limit is 10000", base(many)},
		{"blocks", "/pages/0/blocks", "more than 200 blocks", base([]any{page(0, blocks)})},
		{"depth", "/pages/0/blocks/0/children/0/children/0/children/0/children/0/children/0/children/0/children/0/children/0", "nested 9 deep; the limit is 8", base([]any{page(0, []any{deep})})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problemsOf(t, tt.doc)
			for _, p := range ps {
				if p.Pointer == tt.pointer && strings.Contains(p.Message, tt.message) {
					return
				}
			}
			t.Errorf("want %s: %s; got:\n%v", tt.pointer, tt.message, ps)
		})
	}
	t.Run("size", func(t *testing.T) {
		_, err := blueprints.Parse(make([]byte, blueprints.MaxSize+1))
		if err == nil || !strings.Contains(err.Error(), "the limit is 20971520 bytes") {
			t.Errorf("Parse(20 MiB + 1) = %v, want the size limit", err)
		}
	})
}

func TestMigrateHeroV1(t *testing.T) {
	doc := loadDoc(t)
	data, _ := json.Marshal(doc)
	bp, err := blueprints.Load(data, blueprints.Options{Assets: os.DirFS(fixture)})
	if err != nil {
		t.Fatal(err)
	}
	got := bp.Pages[0].Blocks[0]
	if got.V != 2 {
		t.Fatalf("v = %d, want 2", got.V)
	}
	want := map[string]any{
		"heading": "Hello <world>",
		"text":    "Migrated from **v1**.",
		"image":   map[string]any{"asset": "photo"},
		"actions": []any{map[string]any{"label": "See blocks", "href": "page:blocks", "variant": "primary"}},
	}
	gj, _ := json.Marshal(got.Props)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("migrated props\n got %s\nwant %s", gj, wj)
	}
}

// TestSchemaVersionsContiguous checks that every block type has a schema for
// each version from 1 to its newest, so every old version can be migrated.
func TestSchemaVersionsContiguous(t *testing.T) {
	if got := len(blueprints.BlockTypes()); got < 16 {
		t.Errorf("%d block types, want at least 16", got)
	}
	for _, typ := range blueprints.BlockTypes() {
		for v := 1; v <= blueprints.LatestVersion(typ); v++ {
			name := fmt.Sprintf("blocks/%s.v%d.json", typ, v)
			if _, err := blueprints.SchemaFS().Open(name); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

func TestContrast(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48},
	}
	for _, tt := range tests {
		if got := blueprints.Contrast(tt.a, tt.b); got < tt.want-0.01 || got > tt.want+0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
	if got := blueprints.ReadableOn("#fde68a"); got != "#111827" {
		t.Errorf("ReadableOn(light yellow) = %s, want dark text", got)
	}
	if got := blueprints.ReadableOn("#1e3a8a"); got != "#ffffff" {
		t.Errorf("ReadableOn(dark blue) = %s, want white", got)
	}
}

func TestRewriteMarkdownRefs(t *testing.T) {
	in := `See [about](page:about#team "Team"), ![logo](asset:logo) and [ext](https://x.example/).`
	got := blueprints.RewriteMarkdownRefs(in, func(r blueprints.MarkdownRef) string {
		return "/" + r.Kind + "/" + r.ID + r.Anchor
	})
	want := `See [about](/page/about#team "Team"), ![logo](/asset/logo) and [ext](https://x.example/).`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
