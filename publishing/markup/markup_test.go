package markup_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing/markup"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	bp := mustLoadSite(t, "site.json")
	home := bp.Page("home")
	o := optionsFor(bp)
	h, err := markup.HTML(home, o)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "home.html.golden", h)
	g, err := markup.Gutenberg(home, o)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "home.wp.golden", g)
}

// The same page gives the same bytes: destinations hash the markup.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	for name, bp := range examplePages(t) {
		o := optionsFor(bp)
		for _, p := range bp.Pages {
			for i := 0; i < 3; i++ {
				h1, _ := markup.HTML(p, o)
				h2, _ := markup.HTML(p, o)
				g1, _ := markup.Gutenberg(p, o)
				g2, _ := markup.Gutenberg(p, o)
				if h1 != h2 || g1 != g2 {
					t.Fatalf("%s/%s: two renderings differ", name, p.ID)
				}
			}
		}
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	bp := mustLoadSite(t, "site.json")
	got := markup.Assets(bp.Page("home"))
	// The featured image first; the video's poster is not shown.
	want := []string{"hero", "oven", "ines", "logo-a"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Assets (-want +got):\n%s", diff)
	}
	if got := markup.Assets(&blueprints.Page{}); len(got) != 0 {
		t.Errorf("Assets of an empty page = %q", got)
	}
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	const evil = `<script>alert("x")</script> & 'q'`
	p := &blueprints.Page{ID: "x", Title: evil, Blocks: []*blueprints.Block{
		{ID: "h", Type: "hero", V: 2, Props: map[string]any{"heading": evil, "eyebrow": evil, "actions": []any{
			map[string]any{"label": evil, "href": `https://e.example/?a=1&b="2"`}}}},
		{ID: "s", Type: "stats", V: 1, Props: map[string]any{"items": []any{map[string]any{"value": evil, "label": evil}}}},
		{ID: "i", Type: "image", V: 1, Props: map[string]any{"image": map[string]any{"asset": "a", "alt": evil}, "caption": evil}},
		{ID: "r", Type: "richtext", V: 1, Props: map[string]any{"markdown": evil + "\n\n<b onclick=\"x()\">raw</b>\n\n[x](javascript:alert(1))"}},
		{ID: "v", Type: "video", V: 1, Props: map[string]any{"provider": "youtube", "video_id": "abcdefgh", "title": evil, "caption": evil}},
		{ID: "f", Type: "faq", V: 1, Props: map[string]any{"items": []any{map[string]any{"question": "--> " + evil, "answer": evil}}}},
	}}
	o := markup.Options{Image: func(string) (string, string, bool) { return `https://cdn.example/a.png?x="y"&z`, "", true }}
	for name, render := range map[string]func(*blueprints.Page, markup.Options) (string, error){"HTML": markup.HTML, "Gutenberg": markup.Gutenberg} {
		out, err := render(p, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script", "onclick", "javascript:", `="2"`, `x="y"`} {
			if strings.Contains(out, bad) {
				t.Errorf("%s output holds %q:\n%s", name, bad, out)
			}
		}
		if name == "Gutenberg" {
			// Attributes in block comments cannot end the comment.
			for _, c := range strings.Split(out, "<!--")[1:] {
				body, _, _ := strings.Cut(c, "-->")
				if strings.Contains(body, "<") || strings.Contains(body, "--") {
					t.Errorf("block comment holds < or --: %q", body)
				}
			}
		}
	}
}

func TestLinkAndImageOptions(t *testing.T) {
	t.Parallel()
	page := func(blocks ...*blueprints.Block) *blueprints.Page { return &blueprints.Page{ID: "p", Blocks: blocks} }
	rich := func(md string) *blueprints.Block {
		return &blueprints.Block{ID: "r", Type: "richtext", V: 1, Props: map[string]any{"markdown": md}}
	}
	image := func(img map[string]any) *blueprints.Block {
		return &blueprints.Block{ID: "i", Type: "image", V: 1, Props: map[string]any{"image": img}}
	}
	link := func(id, anchor string) string {
		if id == "gone" {
			return ""
		}
		return "/" + id + "/" + anchor
	}
	img := func(id string) (string, string, bool) {
		if id == "gone" {
			return "", "", false
		}
		return "/m/" + id + ".png", "asset alt", true
	}
	for _, tt := range []struct {
		name string
		p    *blueprints.Page
		o    markup.Options
		want string
	}{
		{"page link", page(rich("See [us](page:about#team).")), markup.Options{Link: link},
			"<p>See <a href=\"/about/#team\">us</a>.</p>\n"},
		{"dropped link keeps its text", page(rich("See [*us*](page:gone).")), markup.Options{Link: link},
			"<p>See <em>us</em>.</p>\n"},
		{"nil Link drops all", page(rich("[a](page:about) [b](https://b.example/)")), markup.Options{},
			"<p>a <a href=\"https://b.example/\">b</a></p>\n"},
		{"markdown image takes the asset's alt", page(rich("![](asset:x)")), markup.Options{Image: img},
			"<p><img src=\"/m/x.png\" alt=\"asset alt\"></p>\n"},
		{"markdown alt wins", page(rich("![mine](asset:x)")), markup.Options{Image: img},
			"<p><img src=\"/m/x.png\" alt=\"mine\"></p>\n"},
		{"missing image left out", page(rich("a ![x](asset:gone) b")), markup.Options{Image: img},
			"<p>a  b</p>\n"},
		{"block alt wins", page(image(map[string]any{"asset": "x", "alt": "block alt"})), markup.Options{Image: img},
			"<figure><img src=\"/m/x.png\" alt=\"block alt\"></figure>\n"},
		{"empty block alt is decorative", page(image(map[string]any{"asset": "x", "alt": ""})), markup.Options{Image: img},
			"<figure><img src=\"/m/x.png\" alt=\"\"></figure>\n"},
		{"block without alt takes the asset's", page(image(map[string]any{"asset": "x"})), markup.Options{Image: img},
			"<figure><img src=\"/m/x.png\" alt=\"asset alt\"></figure>\n"},
		{"image block left out", page(image(map[string]any{"asset": "gone"})), markup.Options{Image: img}, ""},
		{"nil Image leaves all out", page(image(map[string]any{"asset": "x"})), markup.Options{}, ""},
		{"cta link dropped", page(&blueprints.Block{ID: "c", Type: "cta", V: 1, Props: map[string]any{"heading": "H",
			"actions": []any{map[string]any{"label": "Go", "href": "page:gone"}}}}), markup.Options{Link: link},
			"<section>\n<h2>H</h2>\n<p>Go</p>\n</section>\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := markup.HTML(tt.p, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("HTML = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnknownBlock(t *testing.T) {
	t.Parallel()
	p := &blueprints.Page{ID: "p", Blocks: []*blueprints.Block{{ID: "x", Type: "carousel", V: 1}}}
	if _, err := markup.HTML(p, markup.Options{}); err == nil {
		t.Error("HTML of an unknown block type: no error")
	}
	if _, err := markup.Gutenberg(p, markup.Options{}); err == nil {
		t.Error("Gutenberg of an unknown block type: no error")
	}
}
