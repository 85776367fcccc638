package markup_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing/markup"
)

// gutenbergTwice renders p, parses the markup back and renders the
// blocks again.
func gutenbergTwice(t *testing.T, p *blueprints.Page, o markup.Options, r markup.BlocksOptions) (first, second string, blocks []*blueprints.Block) {
	t.Helper()
	first, err := markup.Gutenberg(p, o)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err = markup.BlocksWith(first, r)
	if err != nil {
		t.Fatal(err)
	}
	second, err = markup.Gutenberg(&blueprints.Page{ID: p.ID, Blocks: blocks}, o)
	if err != nil {
		t.Fatal(err)
	}
	return first, second, blocks
}

// allPages are the example sites' pages and testdata/site.json's, each
// with its blueprint.
func allPages(t *testing.T) map[string]struct {
	bp *blueprints.Blueprint
	p  *blueprints.Page
} {
	sites := examplePages(t)
	sites["testdata"] = mustLoadSite(t, "site.json")
	out := map[string]struct {
		bp *blueprints.Blueprint
		p  *blueprints.Page
	}{}
	for name, bp := range sites {
		for _, p := range bp.Pages {
			out[name+"/"+p.ID] = struct {
				bp *blueprints.Blueprint
				p  *blueprints.Page
			}{bp, p}
		}
	}
	return out
}

// With the reverse hooks, Gutenberg(BlocksWith(Gutenberg(p))) is
// Gutenberg(p), byte for byte, for every page we have.
func TestRoundTripIsFixpoint(t *testing.T) {
	t.Parallel()
	for name, c := range allPages(t) {
		g1, g2, _ := gutenbergTwice(t, c.p, optionsFor(c.bp), reverseFor(c.bp))
		if g1 != g2 {
			t.Errorf("%s: markup changed in a round trip:\n%s", name, firstDiff(g1, g2))
		}
	}
}

// Without them (a remote image has no asset id), one round trip reaches
// a fixpoint: the second round changes nothing.
func TestRoundTripWithoutHooksSettles(t *testing.T) {
	t.Parallel()
	for name, c := range allPages(t) {
		o := optionsFor(c.bp)
		_, g2, _ := gutenbergTwice(t, c.p, o, markup.BlocksOptions{})
		bs, err := markup.Blocks(g2)
		if err != nil {
			t.Fatal(err)
		}
		g3, err := markup.Gutenberg(&blueprints.Page{Blocks: bs}, o)
		if err != nil {
			t.Fatal(err)
		}
		if g2 != g3 {
			t.Errorf("%s: second round trip changed the markup:\n%s", name, firstDiff(g2, g3))
		}
	}
}

// For pages of richtext and image blocks, the blocks come back: same
// types, same props (Markdown byte-equal up to trailing white space), in
// the same order. Ids are renumbered s1, s2…, and richtext blocks next to
// each other come back as one.
func TestRoundTripBlocks(t *testing.T) {
	t.Parallel()
	n := 0
	for name, c := range allPages(t) {
		if !proseOnly(c.p.Blocks) {
			continue
		}
		n++
		_, _, got := gutenbergTwice(t, c.p, optionsFor(c.bp), reverseFor(c.bp))
		if diff := cmp.Diff(comparable(mergeProse(c.p.Blocks)), comparable(got)); diff != "" {
			t.Errorf("%s: blocks changed in a round trip (-want +got):\n%s", name, diff)
		}
	}
	if n < 10 {
		t.Errorf("only %d prose pages to test", n)
	}
}

// TestRoundTripProperty builds random pages of richtext and image blocks
// from Markdown fragments and checks both round-trip properties.
func TestRoundTripProperty(t *testing.T) {
	t.Parallel()
	bp := mustLoadSite(t, "site.json")
	o, r := optionsFor(bp), reverseFor(bp)
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range 500 {
		p := randomPage(rng)
		g1, g2, got := gutenbergTwice(t, p, o, r)
		if g1 != g2 {
			t.Fatalf("page %d: markup changed in a round trip:\n%s\npage: %s", i, firstDiff(g1, g2), describe(p))
		}
		want, have := renderedProse(t, mergeProse(p.Blocks), o), renderedProse(t, got, o)
		if len(want) != len(have) {
			t.Fatalf("page %d: %d blocks came back, want %d\npage: %s", i, len(have), len(want), describe(p))
		}
		for j := range want {
			w, h := want[j].Props["html"], have[j].Props["html"]
			if w != nil && h != nil && w != h {
				t.Fatalf("page %d, block %d: rich text renders differently:\n%s\npage: %s", i, j, firstDiff(w.(string), h.(string)), describe(p))
			}
			if diff := cmp.Diff(want[j], have[j]); diff != "" {
				t.Fatalf("page %d, block %d changed (-want +got):\n%s\npage: %s", i, j, diff, describe(p))
			}
		}
	}
}

var fragments = []string{
	"Plain words.", "Some *emphasis* and **strong** text.", "A [link](https://example.com/a?b=1&c=2).",
	"A [page link](page:about) and [anchor](page:about#team).", "Code `x := <-ch` here.", "~~Struck~~ words.",
	"## A heading", "### Smaller *heading*", "#### Fourth", "- one\n- two\n- three", "1. first\n2. second",
	"7. seven\n8. eight", "- outer\n  - inner\n  - inner two\n- outer two", "- [ ] todo\n- [x] done",
	"> Quoted\n> text.", "> Quote with\n>\n> two paragraphs.", "| A | B |\n|:--|--:|\n| 1 | 2 |\n| x \\| y | `z` |",
	"```go\nfunc main() {}\n```", "```\nplain <code> & more\n```", "---", "![An oven](asset:oven)", "![](asset:hero)",
	"![Remote](https://img.example/r.png)", "Line one\nline two.", "Hard  \nbreak.", "Escapes: \\*not em\\*, 1\\. not a list, \\# not heading.",
	"Ampersand & <angle> \"quotes\" 'single'.", "Snake_case_word and _underscored_.", "Emoji 🍞 and ünïcödé — dashes.",
	"Term\n: Definition", "A footnote.[^1]\n\n[^1]: The note.", "Trailing backslash \\\\", "[*Emph link*](https://e.example/)",
}

func randomPage(rng *rand.Rand) *blueprints.Page {
	p := &blueprints.Page{ID: "r", Type: blueprints.PagePage}
	for range 1 + rng.IntN(6) {
		if rng.IntN(4) == 0 {
			img := map[string]any{"asset": []string{"oven", "hero", "ines"}[rng.IntN(3)]}
			if rng.IntN(2) == 0 {
				img["alt"] = "Alt & <text>"
			}
			props := map[string]any{"image": img}
			if rng.IntN(2) == 0 {
				props["caption"] = "Caption *not em* & co"
			}
			if rng.IntN(3) == 0 {
				props["href"] = []string{"https://example.com/x", "page:about", "page:about#team"}[rng.IntN(3)]
			}
			p.Blocks = append(p.Blocks, &blueprints.Block{Type: "image", V: 1, Props: props})
			continue
		}
		var parts []string
		for range 1 + rng.IntN(5) {
			parts = append(parts, fragments[rng.IntN(len(fragments))])
		}
		p.Blocks = append(p.Blocks, &blueprints.Block{Type: "richtext", V: 1, Props: map[string]any{"markdown": strings.Join(parts, "\n\n")}})
	}
	// Richtext blocks next to each other come back as one, which moves
	// the footnotes of the first to the end: generate them merged.
	p.Blocks = mergeProse(p.Blocks)
	for i, b := range p.Blocks {
		b.ID = fmt.Sprintf("b%d", i)
	}
	return p
}

func describe(p *blueprints.Page) string {
	var b strings.Builder
	for _, bl := range p.Blocks {
		fmt.Fprintf(&b, "\n  %s %v", bl.Type, bl.Props)
	}
	return b.String()
}

func proseOnly(bs []*blueprints.Block) bool {
	for _, b := range bs {
		if b.Type != "richtext" && b.Type != "image" {
			return false
		}
	}
	return len(bs) > 0
}

// mergeProse joins richtext blocks that follow each other, as they come
// back from block markup.
func mergeProse(bs []*blueprints.Block) []*blueprints.Block {
	var out []*blueprints.Block
	for _, b := range bs {
		if b.Type == "richtext" && len(out) > 0 && out[len(out)-1].Type == "richtext" {
			prev := out[len(out)-1]
			out[len(out)-1] = &blueprints.Block{Type: "richtext", V: 1, Props: map[string]any{
				"markdown": strings.TrimSpace(prev.Props["markdown"].(string)) + "\n\n" + b.Props["markdown"].(string)}}
			continue
		}
		out = append(out, b)
	}
	return out
}

type cmpBlock struct {
	Type  string
	V     int
	Props map[string]any
}

// comparable drops ids and trailing white space of Markdown.
func comparable(bs []*blueprints.Block) []cmpBlock {
	var out []cmpBlock
	for _, b := range bs {
		props := map[string]any{}
		for k, v := range b.Props {
			if s, ok := v.(string); ok && k == "markdown" {
				v = strings.TrimSpace(s)
			}
			props[k] = v
		}
		out = append(out, cmpBlock{b.Type, b.V, props})
	}
	return out
}

// renderedProse compares blocks by what they show: a richtext block by
// its block markup, since Markdown has many spellings of the same thing
// (and core/list items have no paragraphs: a loose list comes back
// tight).
func renderedProse(t *testing.T, bs []*blueprints.Block, o markup.Options) []cmpBlock {
	t.Helper()
	out := comparable(bs)
	for i, b := range bs {
		if b.Type == "richtext" {
			h, err := markup.Gutenberg(&blueprints.Page{Blocks: []*blueprints.Block{b}}, o)
			if err != nil {
				t.Fatal(err)
			}
			out[i].Props = map[string]any{"html": h}
		}
	}
	return out
}
