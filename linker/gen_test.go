package linker

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// The generator builds random sites from a small vocabulary, so that
// keywords recur across pages, in every Markdown construct the linker must
// respect. The same seed always gives the same site.

// phrases are the keywords of generated docs.
var phrases = []string{
	"coffee grinder", "espresso machine", "french press", "cold brew", "pour over",
	"milk frother", "burr grinder", "latte art", "green tea", "matcha whisk",
	"kettle", "scale", "café crème", "Kaffeemühle", "咖啡豆", "filter paper",
	"roast level", "water temperature", "brew ratio", "travel mug", "moka pot",
	"single origin", "tamper", "portafilter", "grind size", "bean storage",
	"descaling", "berry", "box", "class",
}

var fillers = strings.Fields(`the a good way to make better morning cup every day with fresh water and
beans you can try this at home or in the office while friends wait for their drink people often
ask which tool works best because taste depends on many small choices like time heat and patience`)

type gen struct {
	r   *rand.Rand
	ids []int64
	// first[key] is the byte length of the first sentence of a FAQ
	// answer, key "<doc>/<block>/<field>".
	first map[string]int
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), first: map[string]int{}}
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// phrase is a keyword as a page might write it: as is, capitalised,
// plural, upper case or hyphenated.
func (g *gen) phrase() string {
	p := g.pick(phrases)
	switch g.r.IntN(8) {
	case 0:
		return capitalize(p)
	case 1:
		if strings.HasSuffix(p, "y") {
			return p[:len(p)-1] + "ies"
		}
		if strings.HasSuffix(p, "x") || strings.HasSuffix(p, "ss") {
			return p + "es"
		}
		return p + "s"
	case 2:
		return strings.ToUpper(p)
	case 3:
		return strings.ReplaceAll(p, " ", "-")
	}
	return p
}

// inline returns a random piece of inline Markdown.
func (g *gen) inline() string {
	p := g.phrase()
	switch g.r.IntN(120) {
	case 0:
		return "*" + p + "*"
	case 1:
		return "**" + p + "**"
	case 2:
		return "`" + p + "`"
	case 3:
		return "[" + p + "](https://example.com/" + strings.ReplaceAll(p, " ", "-") + ")"
	case 4:
		if g.r.IntN(3) == 0 {
			return fmt.Sprintf("[%s](page:p-%d)", p, g.ids[g.r.IntN(len(g.ids))])
		}
	case 5:
		return "![" + p + "](asset:photo)"
	case 6:
		return "<b>" + p + "</b>"
	case 7:
		return "[" + p + "]"
	case 8:
		return "wow!" + p
	case 9:
		return "https://example.com/" + strings.ReplaceAll(p, " ", "-")
	case 10:
		return "x*" + p + "*"
	case 11:
		return p + "&amp;co"
	case 12:
		return "\\*" + p
	case 13:
		return p + "'s"
	case 14:
		return "<https://example.com/" + strings.ReplaceAll(p, " ", "") + ">"
	case 15:
		return "~~" + p + "~~"
	case 16:
		if g.r.IntN(3) == 0 {
			return "[" + p + " *and* more](page:p-missing)"
		}
	case 17:
		return p + "  \n" + g.pick(fillers)
	case 18:
		return g.pick(fillers) + "\n" + p
	}
	if g.r.IntN(4) == 0 {
		return p
	}
	return g.pick(fillers)
}

// sentence is n pieces of inline Markdown ending in a full stop.
func (g *gen) sentence(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.inline()
	}
	return capitalize(strings.Join(parts, " ")) + "."
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

func (g *gen) paragraph() string {
	n := 1 + g.r.IntN(4)
	s := make([]string, n)
	for i := range s {
		s[i] = g.sentence(5 + g.r.IntN(15))
	}
	return strings.Join(s, " ")
}

// markdown is a richtext block's Markdown of about words words.
func (g *gen) markdown(words int) string {
	var parts []string
	for n := 0; n < words-30; {
		var p string
		switch g.r.IntN(12) {
		case 0:
			p = "## " + g.pick(fillers) + " " + g.phrase()
		case 1:
			p = g.phrase() + " " + g.pick(fillers) + "\n" + []string{"===", "---"}[g.r.IntN(2)]
		case 2:
			p = "- " + g.sentence(4) + "\n- " + g.sentence(6) + "\n  " + g.phrase() + " continued"
		case 3:
			p = "1. " + g.sentence(5) + "\n2. " + g.sentence(5)
		case 4:
			p = "> " + g.sentence(8) + "\n> " + g.phrase()
		case 5:
			p = "```\n" + g.phrase() + " := " + g.phrase() + "\n```"
		case 6:
			p = "    " + g.phrase() + " indented code"
		case 7:
			p = "| " + g.phrase() + " | size |\n|---|---|\n| " + g.phrase() + " and " + g.pick(fillers) + " | " + g.phrase() + " |"
		case 8:
			p = "<div>" + g.phrase() + "</div>"
		default:
			p = g.paragraph()
		}
		parts = append(parts, p)
		n += countWords(p)
	}
	return strings.Join(parts, "\n\n")
}

// answer is a FAQ answer whose first sentence mentions keywords; it
// records where that sentence ends.
func (g *gen) answer(key string) string {
	first := "The " + g.phrase() + " " + g.pick(fillers) + " " + g.phrase() + " " + g.pick(fillers) + "."
	if g.r.IntN(4) == 0 {
		first = "**" + g.phrase() + "** is good for a " + g.phrase() + "!"
	}
	a := first
	if g.r.IntN(5) > 0 {
		a += " " + g.paragraph()
	}
	if g.r.IntN(3) == 0 {
		a += "\n\n" + g.paragraph()
	}
	g.first[key] = len(first)
	return a
}

// site generates a site of n docs.
func (g *gen) site(n, words int) Site {
	g.ids = make([]int64, n)
	next := int64(1 + g.r.IntN(5))
	for i := range g.ids {
		g.ids[i] = next
		next += int64(1 + g.r.IntN(3))
	}
	statuses := []string{igny8.ContentPublished, igny8.ContentPublished, igny8.ContentPublished, igny8.ContentPublished,
		igny8.ContentApproved, igny8.ContentDraft, igny8.ContentReview}
	pillars := map[int64]bool{}
	var docs []Doc
	for _, id := range g.ids {
		d := Doc{ID: id, PageID: fmt.Sprintf("p-%d", id), Status: g.pick(statuses), Cluster: int64(g.r.IntN(5))}
		if d.Cluster != 0 && !pillars[d.Cluster] {
			d.Pillar, pillars[d.Cluster] = true, true
		}
		kw := g.pick(phrases)
		d.Keywords = []string{kw}
		for range g.r.IntN(3) {
			d.Keywords = append(d.Keywords, g.pick(phrases))
		}
		page := &blueprints.Page{ID: d.PageID, Path: "/" + d.PageID + "/", Type: blueprints.PagePost, Title: "All about " + kw}
		page.Blocks = append(page.Blocks, &blueprints.Block{ID: "hero", Type: "hero", V: 2, Props: map[string]any{
			"heading": "The " + g.phrase(), "text": "Why a " + g.phrase() + " matters for " + g.phrase() + ".",
		}})
		sections := 1 + g.r.IntN(3)
		for s := range sections {
			page.Blocks = append(page.Blocks, &blueprints.Block{ID: fmt.Sprintf("s%d", s+1), Type: "richtext", V: 1,
				Props: map[string]any{"markdown": g.markdown(words / sections)}})
		}
		if g.r.IntN(4) == 0 {
			page.Blocks = append(page.Blocks, &blueprints.Block{ID: "cols", Type: "columns", V: 1, Props: map[string]any{"layout": "1-1"},
				Children: []*blueprints.Block{
					{ID: "left", Type: "richtext", V: 1, Props: map[string]any{"markdown": g.markdown(60)}},
					{ID: "right", Type: "image", V: 1, Props: map[string]any{"asset": "photo", "caption": g.phrase()}},
				}})
		}
		if g.r.IntN(3) > 0 {
			var items []any
			for i := range 1 + g.r.IntN(4) {
				items = append(items, map[string]any{
					"question": "What about the " + g.phrase() + "?",
					"answer":   g.answer(fmt.Sprintf("%d/faq/items/%d/answer", id, i)),
				})
			}
			page.Blocks = append(page.Blocks, &blueprints.Block{ID: "faq", Type: "faq", V: 1, Props: map[string]any{"items": items}})
		}
		page.Blocks = append(page.Blocks, &blueprints.Block{ID: "cta", Type: "cta", V: 1, Props: map[string]any{
			"heading": "Buy a " + g.phrase(),
			"actions": []any{map[string]any{"label": "Shop " + g.phrase(), "href": "/shop/"}},
		}})
		d.Page = page
		docs = append(docs, d)
	}
	g.r.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	return Site{Docs: docs}
}

// rules returns the default rules or, for some sites, other ones.
func (g *gen) rules() Rules {
	related := g.r.IntN(2) == 0
	if g.r.IntN(2) == 0 {
		return Rules{RelatedBlock: related}
	}
	return Rules{
		RelatedBlock:  related,
		Related:       []int{0, 1, 5, -1}[g.r.IntN(4)],
		WordsPerLink:  []int{50, 100, 150, 300}[g.r.IntN(4)],
		MaxLinks:      []int{0, 3, -1}[g.r.IntN(3)],
		MaxPerTarget:  1 + g.r.IntN(2),
		IgnorePillar:  g.r.IntN(2) == 0,
		RepeatAnchors: g.r.IntN(2) == 0,
	}
}

// Benchmark sites: articles of plain prose, as the writer produces them,
// each targeting one "<modifier> <product>" keyword; a product is a
// cluster, and its first article the pillar.
var (
	modifiers = strings.Fields(`best cheap quiet manual electric portable compact premium budget smart
		vintage modern stainless ceramic wooden automatic professional beginner travel outdoor
		small large classic commercial digital cordless heavy light fast slow`)
	products = strings.Fields(`grinder kettle scale frother dripper roaster tamper carafe brewer press
		thermometer timer filter mug siphon percolator`)
)

// article is plain Markdown of about words words: sections under "## "
// headings, paragraphs of four sentences mentioning keywords, now and then
// a list item.
func (g *gen) article(words int, keywords []string) string {
	var b strings.Builder
	for n := 0; n < words-30; {
		if n%250 < 60 {
			h := "## " + capitalize(g.pick(fillers)) + " " + g.pick(keywords)
			b.WriteString(h + "\n\n")
			n += countWords(h)
		}
		p, w := g.prose(4, keywords)
		b.WriteString(p + "\n\n")
		n += w
	}
	return b.String()
}

// prose is n sentences of 12 to 21 words, one word in 25 a keyword.
func (g *gen) prose(n int, keywords []string) (string, int) {
	var b strings.Builder
	words := 0
	for range n {
		var sent []string
		for range 12 + g.r.IntN(10) {
			if g.r.IntN(25) == 0 {
				sent = append(sent, g.pick(keywords))
			} else {
				sent = append(sent, g.pick(fillers))
			}
		}
		line := capitalize(strings.Join(sent, " ")) + ". "
		if g.r.IntN(10) == 0 {
			line = "\n- " + line + "\n\n"
		}
		b.WriteString(line)
		words += countWords(line)
	}
	return strings.TrimSpace(b.String()), words
}

// benchSite generates a site of n published articles of about words
// words each.
func benchSite(n, words int) Site {
	g := newGen(1)
	var all []string
	for _, p := range products {
		for _, m := range modifiers {
			all = append(all, m+" "+p)
		}
	}
	var docs []Doc
	pillars := map[int64]bool{}
	for i := range n {
		kw := all[i%len(all)]
		cluster := int64(1 + slices.Index(products, strings.Fields(kw)[1]))
		id := int64(i + 1)
		d := Doc{ID: id, PageID: fmt.Sprintf("a-%d", id), Keywords: []string{kw, strings.Fields(kw)[1] + " " + g.pick(fillers)},
			Cluster: cluster, Status: igny8.ContentPublished, Pillar: !pillars[cluster]}
		pillars[cluster] = true
		// Mentions: mostly the cluster's keywords, some of others.
		var mentions []string
		for range 12 {
			if g.r.IntN(3) > 0 {
				mentions = append(mentions, g.pick(modifiers)+" "+strings.Fields(kw)[1])
			} else {
				mentions = append(mentions, g.pick(all))
			}
		}
		page := &blueprints.Page{ID: d.PageID, Path: "/blog/" + d.PageID + "/", Type: blueprints.PagePost, Title: "The " + kw + " guide"}
		var items []any
		faqWords := 0
		for range 3 {
			answer, w := g.prose(3, mentions)
			items = append(items, map[string]any{"question": "Is a " + g.pick(mentions) + " worth it?", "answer": answer})
			faqWords += w
		}
		for s := range 3 {
			page.Blocks = append(page.Blocks, &blueprints.Block{ID: fmt.Sprintf("s%d", s+1), Type: "richtext", V: 1,
				Props: map[string]any{"markdown": g.article((words-faqWords)/3, append(mentions, kw))}})
		}
		page.Blocks = append(page.Blocks, &blueprints.Block{ID: "faq", Type: "faq", V: 1, Props: map[string]any{"items": items}})
		d.Page = page
		docs = append(docs, d)
	}
	return Site{Docs: docs}
}
