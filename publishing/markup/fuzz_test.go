package markup_test

import (
	"testing"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing/markup"
)

// seeds are markup as platforms hold it; testdata/fuzz/FuzzBlocks has
// more, found by the fuzzer.
var seeds = []string{
	// WordPress classic editor: no <p>, blank lines between paragraphs.
	"Welcome to <b>our</b> shop.\n\nWe bake <i>daily</i>.<br />\nOpen 7&ndash;3.\n\n<a href=\"https://shop.example/\"><img class=\"alignnone size-medium wp-image-12\" src=\"https://shop.example/wp-content/uploads/a-300x200.jpg\" alt=\"\" width=\"300\" height=\"200\" /></a>\n\n[gallery ids=\"1,2\"]\n<h2>Hours</h2>\n<ol>\n \t<li>Mon</li>\n \t<li>Tue</li>\n</ol>\n<!--more-->\n<blockquote>Great bread.</blockquote>",
	// Gutenberg as content.raw holds it.
	"<!-- wp:paragraph {\"align\":\"center\"} -->\n<p class=\"has-text-align-center\">Hi <code>x</code></p>\n<!-- /wp:paragraph -->\n\n<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>Q</p>\n<!-- /wp:paragraph --><cite>Me</cite></blockquote>\n<!-- /wp:quote -->\n\n<!-- wp:table -->\n<figure class=\"wp-block-table\"><table><tbody><tr><td>a</td><td class=\"has-text-align-right\" data-align=\"right\">b</td></tr></tbody></table></figure>\n<!-- /wp:table -->\n\n<!-- wp:spacer /-->\n\n<!-- wp:embed {\"url\":\"https://vimeo.com/123456789\",\"type\":\"video\",\"providerNameSlug\":\"vimeo\"} -->\n<figure class=\"wp-block-embed is-type-video\"><div class=\"wp-block-embed__wrapper\">\nhttps://vimeo.com/123456789\n</div></figure>\n<!-- /wp:embed -->",
	// A carried group with a forged sum, and nested unclosed blocks.
	"<!-- wp:group {\"metadata\":{\"igny8\":{\"id\":\"x\",\"type\":\"faq\",\"v\":1,\"props\":{},\"sum\":\"0\"}}} -->\n<div class=\"wp-block-group\"><!-- wp:columns --><div><p>unclosed",
	"<p>**stars** and <em> spaced </em> and <strong><strong>double</strong></strong></p><pre>no code element\n  indented</pre><dl><dt>T</dt><dd>D</dd></dl>",
	"<table></table><ul></ul><li>stray</li><p></p><h2></h2><figure></figure><img src=\"\"><a>no href</a>",
}

// FuzzBlocks: Blocks never panics, and what it returns validates as a
// page, renders, has unique ids, and parses again.
func FuzzBlocks(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bs, err := markup.Blocks(s)
		if err != nil {
			return
		}
		p := &blueprints.Page{ID: "f", Blocks: bs}
		if _, err := markup.HTML(p, markup.Options{}); err != nil {
			t.Fatalf("HTML of Blocks(%q): %v", s, err)
		}
		g, err := markup.Gutenberg(p, markup.Options{})
		if err != nil {
			t.Fatalf("Gutenberg of Blocks(%q): %v", s, err)
		}
		if _, err := markup.Blocks(g); err != nil {
			t.Fatalf("Blocks of its own markup: %v", err)
		}
		mustValidate(t, bs)
		seen := map[string]bool{}
		for _, b := range bs {
			if seen[b.ID] || b.ID == "" {
				t.Fatalf("id %q repeated or empty", b.ID)
			}
			seen[b.ID] = true
		}
	})
}
