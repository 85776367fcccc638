package linker

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// target is a published doc with the given id and keywords; its page id
// is "t<id>".
func target(id int64, keywords ...string) Doc {
	page := "t" + string(rune('0'+id))
	return Doc{ID: id, PageID: page, Keywords: keywords, Status: igny8.ContentPublished,
		Page: richtext(page, "A page about "+strings.Join(keywords, " and ")+".")}
}

// source is doc 1, page "src", with one richtext block per Markdown text.
func source(mds ...string) Doc {
	return Doc{ID: 1, PageID: "src", Keywords: []string{"source page"}, Status: igny8.ContentPublished, Page: richtext("src", mds...)}
}

// linkedText links doc 1 of docs and returns its Markdown afterwards, the
// blocks' texts joined by blank lines.
func linkedText(t *testing.T, rules Rules, docs ...Doc) string {
	t.Helper()
	res := mustLink(t, Site{Docs: docs, Rules: rules})
	page := docs[0].Page
	for _, c := range res.Changed {
		if c.Doc == docs[0].ID {
			page = c.Page
		}
	}
	var mds []string
	for _, b := range page.Blocks {
		mds = append(mds, b.Props["markdown"].(string))
	}
	return strings.Join(mds, "\n\n")
}

// noDensity lets every rule but the density bound apply.
var noDensity = Rules{WordsPerLink: -1, MaxLinks: -1}

// Anchors are the target's keywords as the text writes them.
func TestAnchors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, keyword, md, want string
	}{
		{"as is", "coffee grinder", "I use a coffee grinder daily.", "I use a [coffee grinder](page:t2) daily."},
		{"any case", "coffee grinder", "A Coffee GRINDER here.", "A [Coffee GRINDER](page:t2) here."},
		{"plural of the keyword", "coffee grinder", "Two coffee grinders.", "Two [coffee grinders](page:t2)."},
		{"singular of the keyword", "berries", "One berry.", "One [berry](page:t2)."},
		{"-es plural", "box", "Three boxes here.", "Three [boxes](page:t2) here."},
		{"hyphenated", "coffee grinder", "A coffee-grinder.", "A [coffee-grinder](page:t2)."},
		{"over a line break", "coffee grinder", "A coffee\ngrinder.", "A [coffee\ngrinder](page:t2)."},
		{"accented", "café crème", "Un Café Crème.", "Un [Café Crème](page:t2)."},
		{"accented plural", "café", "Deux cafés.", "Deux [cafés](page:t2)."},
		{"Chinese", "咖啡豆", "我买了咖啡豆。", "我买了[咖啡豆](page:t2)。"},
		{"inside emphasis", "coffee grinder", "A *coffee grinder* here.", "A *[coffee grinder](page:t2)* here."},
		{"in a list", "kettle", "- a kettle\n- a cup", "- a [kettle](page:t2)\n- a cup"},
		{"in a quote", "kettle", "> a kettle", "> a [kettle](page:t2)"},
		{"in a table cell", "kettle", "| a | b |\n|---|---|\n| kettle | c |", "| a | b |\n|---|---|\n| [kettle](page:t2) | c |"},
		{"after an escaped star", "kettle", `\*kettle`, `\*[kettle](page:t2)`},
		{"the whole phrase before part of it", "burr grinder", "A burr grinder.", "A [burr grinder](page:t2)."},
		// Never a new word, never part of one.
		{"not part of a word", "kettle", "Kettles and kettlebells.", "[Kettles](page:t2) and kettlebells."},
		{"not glued to a word", "kettle", "Akettle.", "Akettle."},
		{"not across emphasis", "coffee grinder", "A **coffee** grinder.", "A **coffee** grinder."},
		{"not glued through emphasis", "kettle", "x*kettle* is it.", "x*kettle* is it."},
		{"not in a hyphenated word", "kettle", "A kettle-shaped cup.", "A kettle-shaped cup."},
		{"not a possessive", "kettle", "The kettle's lid.", "The kettle's lid."},
		{"not in a URL", "kettle", "See https://example.com/kettle now.", "See https://example.com/kettle now."},
		{"not a domain", "kettle", "See kettle.com now.", "See kettle.com now."},
		{"not after !", "kettle", "Wow!kettle.", "Wow!kettle."},
		{"not across punctuation", "coffee grinder", "Coffee, grinder.", "Coffee, grinder."},
		{"too short a keyword", "ab", "ab ab ab", "ab ab ab"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			extra := []string{tt.keyword}
			if tt.name == "the whole phrase before part of it" {
				extra = append(extra, "grinder")
			}
			got := linkedText(t, noDensity, source(tt.md), target(2, extra...))
			if got != tt.want {
				t.Errorf("linked\n%s\ngot\n%s\nwant\n%s", tt.md, got, tt.want)
			}
		})
	}
}

// Links never go where the page does not show them as text a reader can
// follow, nor where they would change the page's structure.
func TestNeverLinked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, md string }{
		{"ATX heading", "## The kettle"},
		{"Setext heading", "The kettle\n==="},
		{"Setext heading 2", "The kettle\n---"},
		{"existing link", "A [kettle](https://example.com/) here."},
		{"existing link with more text", "A [red kettle and more](https://example.com/) here."},
		{"author's page link", "A [kettle](page:about) here."},
		{"image", "An ![kettle](asset:photo) here."},
		{"autolink", "<https://kettle.example.com/>"},
		{"code span", "Run `kettle` now."},
		{"fenced code", "```\nkettle\n```"},
		{"indented code", "    kettle"},
		{"raw HTML around it", "A <b>kettle</b> here."},
		{"raw HTML elsewhere in the paragraph", "A kettle <br> here."},
		{"HTML block", "<div>\nkettle\n</div>"},
		{"strikethrough", "A ~~kettle~~ here."},
		{"table header", "| kettle |\n|---|\n| cup |"},
		{"footnote", "Text[^1].\n\n[^1]: A kettle."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := linkedText(t, noDensity, source(tt.md), target(2, "kettle")); got != tt.md {
				t.Errorf("linked\n%s\nas\n%s", tt.md, got)
			}
		})
	}
}

func faqDoc(answers ...string) Doc {
	d := source("Nothing to link here.")
	var items []any
	for _, a := range answers {
		items = append(items, map[string]any{"question": "What is a kettle?", "answer": a})
	}
	d.Page.Blocks = append(d.Page.Blocks,
		&blueprints.Block{ID: "hero", Type: "hero", V: 2, Props: map[string]any{"heading": "A kettle", "text": "A kettle, really."}},
		&blueprints.Block{ID: "faq", Type: "faq", V: 1, Props: map[string]any{"items": items}},
		&blueprints.Block{ID: "cta", Type: "cta", V: 1, Props: map[string]any{"heading": "Buy a kettle",
			"actions": []any{map[string]any{"label": "A kettle", "href": "/shop/"}}}},
		&blueprints.Block{ID: "features", Type: "features", V: 1, Props: map[string]any{"items": []any{
			map[string]any{"title": "Kettle", "text": "A kettle."}}}},
	)
	return d
}

// FAQ answers are linked after their first sentence; nothing else but
// richtext is.
func TestFAQAnswers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, answer, want string }{
		{"after the first sentence", "A kettle boils. Use a kettle.", "A kettle boils. Use a [kettle](page:t2)."},
		{"not in the only sentence", "A kettle boils water", "A kettle boils water"},
		{"first paragraph without a full stop", "A kettle\n\nAnother kettle.", "A kettle\n\nAnother [kettle](page:t2)."},
		{"abbreviations do not end it", "E.g. a kettle, i.e. the kettle. Then a kettle.", "E.g. a kettle, i.e. the kettle. Then a [kettle](page:t2)."},
		{"question mark", "Why a kettle? A kettle is fast.", "Why a kettle? A [kettle](page:t2) is fast."},
		{"Chinese full stop", "水壶好。买水壶。", "水壶好。买[水壶](page:t2)。"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := faqDoc(tt.answer)
			res := mustLink(t, Site{Docs: []Doc{src, target(2, "kettle", "水壶")}, Rules: noDensity})
			page := src.Page
			if len(res.Changed) == 1 {
				page = res.Changed[0].Page
			}
			if got, want := withoutFields(t, page), withoutFields(t, src.Page); got != want {
				t.Errorf("a block other than richtext and faq answers changed:\n%s", cmp.Diff(want, got))
			}
			if got := fieldsOf(page)["faq/items/0/answer"]; got != tt.want {
				t.Errorf("linked %q as %q, want %q", tt.answer, got, tt.want)
			}
			for _, l := range res.Links {
				if l.Block != "faq" || l.Field != "items/0/answer" {
					t.Errorf("link in %s %s: %+v", l.Block, l.Field, l)
				}
			}
		})
	}
}
