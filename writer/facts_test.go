package writer_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

func page(blocks ...*blueprints.Block) *blueprints.Page {
	return &blueprints.Page{ID: "p", Title: "A title nobody counts", Blocks: blocks}
}

func block(typ string, props map[string]any) *blueprints.Block {
	return &blueprints.Block{ID: typ, Type: typ, V: 1, Props: props}
}

func TestWords(t *testing.T) {
	t.Parallel()
	md := func(s string) *blueprints.Page { return page(block("richtext", map[string]any{"markdown": s})) }
	tests := []struct {
		name string
		page *blueprints.Page
		want int
	}{
		{"plain", md("Slow travel is good for you."), 6},
		{"heading and emphasis", md("## Two words\n\nSome **bold** and _italic_ text."), 7},
		{"links and images", md("See [the night train](page:night-train) and ![a train](asset:hero) or <https://example.com>."), 7},
		{"lists", md("- one\n- two\n  - three\n1. four"), 4},
		{"table", md("| Day | Where |\n|---|---|\n| 1 | Oban |"), 4},
		{"punctuation", md("Don't pay 24.90 — ever, e.g. twice."), 6},
		{"code", md("Run `igny8 build` then:\n\n```\nigny8 deploy\n```"), 6},
		{"raw html dropped", md("Hello <span>there</span> <!-- note -->"), 2},
		{"cjk", md("夜行列車 is fun"), 6},
		{"faq", page(block("faq", map[string]any{"heading": "Questions", "items": []any{
			map[string]any{"question": "Is it safe?", "answer": "Yes, *very*."},
		}})), 6},
		{"features", page(block("features", map[string]any{"columns": 3, "items": []any{
			map[string]any{"icon": "check", "title": "Less stress", "text": "We book.", "href": "page:contact"},
		}})), 4},
		{"cta", page(block("cta", map[string]any{"heading": "Plan a trip", "text": "Write to us.", "actions": []any{
			map[string]any{"label": "Get in touch", "href": "mailto:a@b.example", "variant": "primary"},
		}})), 9},
		{"image alt is not read", page(block("image", map[string]any{"image": map[string]any{"asset": "x", "alt": "A long alt text"}, "caption": "A caption"})), 2},
		{"nested", page(&blueprints.Block{ID: "c", Type: "columns", V: 1, Props: map[string]any{"layout": "1-1"}, Children: []*blueprints.Block{
			block("richtext", map[string]any{"markdown": "Left side"}), block("richtext", map[string]any{"markdown": "Right side"}),
		}}), 4},
		{"empty", page(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := writer.Words(tt.page); got != tt.want {
				t.Errorf("Words = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestFacts(t *testing.T) {
	t.Parallel()
	p := page(block("richtext", map[string]any{"markdown": "## Hello\n\nThree more words."}))
	p.ID, p.Description = "hello", "An excerpt."
	want := writer.PageFacts{Slug: "hello", Title: p.Title, MetaTitle: p.Title, MetaDescription: "An excerpt.", Excerpt: "An excerpt.", WordCount: 4}
	if diff := cmp.Diff(want, writer.Facts(p)); diff != "" {
		t.Errorf("facts without SEO (-want +got):\n%s", diff)
	}
	p.SEO = &blueprints.PageSEO{Title: "SEO title", Description: "SEO description"}
	want.MetaTitle, want.MetaDescription = "SEO title", "SEO description"
	f := writer.Facts(p)
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("facts with SEO (-want +got):\n%s", diff)
	}
	var c igny8.Content
	f.Apply(&c)
	if c.Slug != "hello" || c.MetaTitle != "SEO title" || c.Excerpt != "An excerpt." || c.WordCount != 4 || c.Title != p.Title || c.MetaDescription != "SEO description" {
		t.Errorf("Apply set %+v", c)
	}
}
