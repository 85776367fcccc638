package markup_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/publishing/markup"
)

func rich(id, md string) *blueprints.Block {
	return &blueprints.Block{ID: id, Type: "richtext", V: 1, Props: map[string]any{"markdown": md}}
}

func TestBlocks(t *testing.T) {
	t.Parallel()
	hooks := markup.BlocksOptions{
		Page: func(href string) (string, string, bool) {
			rest, ok := strings.CutPrefix(href, "https://wp.example/")
			if !ok {
				return "", "", false
			}
			id, anchor, _ := strings.Cut(rest, "/")
			return id, anchor, true
		},
		Asset: func(src string) (string, string, bool) {
			id, ok := strings.CutPrefix(src, "https://wp.example/media/")
			return strings.TrimSuffix(id, ".jpg"), "Asset alt", ok
		},
	}
	for _, tt := range []struct {
		name   string
		markup string
		o      markup.BlocksOptions
		want   []*blueprints.Block
	}{
		{"empty", "", markup.BlocksOptions{}, nil},
		{"only white space and comments", "  \n<!-- a comment -->\n", markup.BlocksOptions{}, nil},
		{"classic editor", "Hello <strong>world</strong>.\n\nSecond line with a <a href=\"https://x.example/\">link</a>\nand a soft break.\n\n<img src=\"https://remote.example/a.jpg\" alt=\"A photo\" />\n<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>\n<script>alert(1)</script>",
			markup.BlocksOptions{}, []*blueprints.Block{rich("s1",
				"Hello **world**.\n\nSecond line with a [link](https://x.example/)\nand a soft break.\n\n![A photo](https://remote.example/a.jpg)\n\n- one\n- *two*")}},
		{"gutenberg core blocks", "<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">Title</h3>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>Text &amp; more.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:list {\"ordered\":true} -->\n<ol class=\"wp-block-list\"><!-- wp:list-item -->\n<li>a</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list -->\n\n<!-- wp:separator -->\n<hr class=\"wp-block-separator has-alpha-channel-opacity\"/>\n<!-- /wp:separator -->",
			markup.BlocksOptions{}, []*blueprints.Block{rich("s1", "### Title\n\nText & more.\n\n1. a\n\n---")}},
		{"remote image figure stays prose", `<figure class="wp-block-image"><img src="https://remote.example/b.png" alt=""/><figcaption class="wp-element-caption">Cap</figcaption></figure>`,
			markup.BlocksOptions{}, []*blueprints.Block{rich("s1", "![](https://remote.example/b.png)\n\n*Cap*")}},
		{"known image becomes an image block", "<p>Before</p>\n<!-- wp:image {\"linkDestination\":\"custom\"} -->\n<figure class=\"wp-block-image\"><a href=\"https://wp.example/about/#team\"><img src=\"https://wp.example/media/oven.jpg\" alt=\"Asset alt\"/></a><figcaption class=\"wp-element-caption\">Hot &amp; fresh</figcaption></figure>\n<!-- /wp:image -->\n<p>After <a href=\"https://wp.example/shop/\">shop</a> <img src=\"https://wp.example/media/x.jpg\" alt=\"Own\"></p>",
			hooks, []*blueprints.Block{
				rich("s1", "Before"),
				{ID: "s2", Type: "image", V: 1, Props: map[string]any{"image": map[string]any{"asset": "oven"}, "caption": "Hot & fresh", "href": "page:about#team"}},
				rich("s3", "After [shop](page:shop) ![Own](asset:x)"),
			}},
		{"unsafe urls dropped", `<p><a href="javascript:alert(1)">click</a> <img src="data:image/png;base64,AAAA" alt="x"> <a href=" JaVa script:x">two</a></p>`,
			markup.BlocksOptions{}, []*blueprints.Block{rich("s1", "click  two")}},
		{"markdown characters escaped", `<p>*not em* _x_ [y] 1. # &amp;copy; a|b ~z~ <code>a` + "`" + `b</code></p><p>1. not a list</p><p># not a heading</p><p>- not an item</p>`,
			markup.BlocksOptions{}, []*blueprints.Block{rich("s1", "\\*not em\\* \\_x\\_ \\[y\\] 1. # \\&copy; a\\|b \\~z\\~ ``a`b``\n\n1\\. not a list\n\n\\# not a heading\n\n\\- not an item")}},
		{"youtube iframe becomes a video", `<p>Watch:</p><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" title="Our film"></iframe>`,
			markup.BlocksOptions{}, []*blueprints.Block{rich("s1", "Watch:"),
				{ID: "s2", Type: "video", V: 1, Props: map[string]any{"provider": "youtube", "video_id": "dQw4w9WgXcQ", "title": "Our film"}}}},
		{"table and code", "<table><tr><th align=\"right\">A</th><th>B | C</th></tr><tr><td>1</td></tr></table><pre><code class=\"language-go\">x := \"```\"\n</code></pre>",
			markup.BlocksOptions{}, []*blueprints.Block{rich("s1", "| A | B \\| C |\n|---:|---|\n| 1 | |\n\n````go\nx := \"```\"\n````")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := markup.BlocksWith(tt.markup, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("BlocksWith (-want +got):\n%s", diff)
			}
		})
	}
}

// A carried block comes back exactly while its markup is unchanged, and
// as rich text of its content once edited.
func TestBlocksCarried(t *testing.T) {
	t.Parallel()
	faq := &blueprints.Block{ID: "faq", Type: "faq", V: 1, Props: map[string]any{"heading": "Questions", "items": []any{
		map[string]any{"question": "Open on Monday?", "answer": "No, *never*."}}}}
	g, err := markup.Gutenberg(&blueprints.Page{Blocks: []*blueprints.Block{faq, faq}}, markup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := markup.Blocks(g)
	if err != nil {
		t.Fatal(err)
	}
	// The second copy has the same id: it is renumbered.
	second := *faq
	second.ID = "s1"
	if diff := cmp.Diff([]*blueprints.Block{faq, &second}, got); diff != "" {
		t.Errorf("unedited (-want +got):\n%s", diff)
	}
	edited := strings.Replace(g, "<em>never</em>", "<em>ever</em>", 1)
	got, err = markup.Blocks(edited)
	if err != nil {
		t.Fatal(err)
	}
	want := []*blueprints.Block{
		rich("s1", "## Questions\n\n**Open on Monday?**\n\nNo, *ever*."),
		faq,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edited (-want +got):\n%s", diff)
	}
}

func TestBlocksTooLarge(t *testing.T) {
	t.Parallel()
	if _, err := markup.Blocks(strings.Repeat("a", blueprints.MaxSize+1)); err == nil {
		t.Error("no error for markup over blueprints.MaxSize")
	}
}

// Pages made of what Blocks returns pass the blueprint validator: every
// example page replaced by its round trip (with the hooks, so page and
// asset references resolve), and pages of imported HTML without them.
func TestBlocksValidate(t *testing.T) {
	t.Parallel()
	for _, name := range examples.Names() {
		data, err := fs.ReadFile(examples.FS(), name+"/blueprint.json")
		if err != nil {
			t.Fatal(err)
		}
		bp, err := blueprints.Load(data, blueprints.Options{})
		if err != nil {
			t.Fatal(err)
		}
		o, r := optionsFor(bp), reverseFor(bp)
		for _, p := range bp.Pages {
			g, err := markup.Gutenberg(p, o)
			if err != nil {
				t.Fatal(err)
			}
			if p.Blocks, err = markup.BlocksWith(g, r); err != nil {
				t.Fatal(err)
			}
		}
		if ps := blueprints.Validate(bp, blueprints.Options{}); len(ps) > 0 {
			t.Errorf("%s after a round trip: %v", name, ps)
		}
	}
	for _, seed := range seeds {
		bs, err := markup.Blocks(seed)
		if err != nil {
			t.Fatal(err)
		}
		mustValidate(t, bs)
	}
}

// mustValidate validates blocks as the only page of a minimal blueprint.
func mustValidate(t testing.TB, bs []*blueprints.Block) {
	t.Helper()
	bp := &blueprints.Blueprint{
		Version: 1,
		Site:    blueprints.Site{Name: "Import", BaseURL: "https://import.example/", Locale: "en-US"},
		Theme:   blueprints.Theme{Name: "studio"},
		Pages:   []*blueprints.Page{{ID: "home", Path: "/", Type: blueprints.PageHome, Title: "Home", Blocks: bs}},
	}
	if bs == nil {
		bp.Pages[0].Blocks = []*blueprints.Block{}
	}
	if ps := blueprints.Validate(bp, blueprints.Options{}); len(ps) > 0 {
		t.Errorf("the blocks do not validate: %v", ps)
	}
}
