package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// The generator writes English articles of about 1,200 words from a small
// grammar. Each article draws its own parameters (keyword density, share
// of long sentences, passive and transition sentences, paragraph and
// section lengths, links, images, title and meta description shapes), so
// the articles spread over every verdict of every check. The same seed
// always gives the same articles.

// article is one generated content piece.
type article struct {
	Page          *blueprints.Page
	Keyword       string
	OtherKeywords []string
}

var topics = []string{
	"night train", "sourdough bread", "hiking boots", "electric bike", "coffee grinder",
	"standing desk", "rain jacket", "kitchen knife", "herb garden", "solar panel",
	"sleeping bag", "road trip", "home office", "yoga mat", "compost bin",
	"city break", "winter tyres", "language course", "budget travel", "camping stove",
	"running shoes", "espresso machine", "bird watching", "ferry crossing", "wool sweater",
	"vegetable soup", "bike lock", "travel insurance", "house plant", "board game",
	"packing list", "mountain hut", "train ticket", "olive oil", "cast iron pan",
	"reading light", "water filter", "ski holiday", "farmers market", "walking tour",
}

var (
	subjects = []string{"Most travellers", "A good plan", "The first step", "Our team", "Many beginners",
		"Experienced readers", "The local market", "A simple routine", "Every season", "The best approach",
		"This method", "Small changes", "The right tool", "A careful budget", "Your neighbour",
		"The old guidebook", "A friend of ours", "The shop owner", "Our test group", "The whole family"}
	verbs   = []string{"makes", "changes", "needs", "shows", "helps", "improves", "explains", "reveals", "supports", "shapes"}
	objects = []string{"a real difference", "the whole experience", "more time than expected", "a bit of patience",
		"careful planning", "the daily routine", "better results", "the final cost", "a clear advantage",
		"every decision", "the next trip", "the way we work", "a quiet morning", "the weekly shop"}
	adverbials = []string{"in the long run", "on busy weekends", "during the colder months", "for most people",
		"at the very start", "without much effort", "after a few weeks", "in practice", "at home",
		"across the region", "before breakfast", "on a tight budget"}
	clauses = []string{"which surprises many readers", "and the difference is easy to notice",
		"which most guides forget", "and nobody minds the wait", "which saves a lot of time",
		"and the results speak for themselves", "which we noticed on every trip", "and the staff were friendly about it",
		"because the details matter", "while prices keep rising", "so that nothing is wasted"}
	complexClauses = []string{"considering the considerable variability of regional infrastructure",
		"notwithstanding the comprehensive documentation available internationally",
		"particularly regarding sustainability and organisational responsibility",
		"given the extraordinary complexity of contemporary manufacturing",
		"emphasising the fundamental characteristics of professional maintenance"}
	transitions = []string{"However,", "For example,", "As a result,", "In addition,", "Meanwhile,",
		"Therefore,", "Of course,", "In fact,", "Finally,", "Similarly,", "On the other hand,", "For instance,"}
	participles = []string{"built", "designed", "tested", "chosen", "made", "sold", "prepared", "reviewed",
		"checked", "written", "recommended", "delivered"}
	agents    = []string{"local makers", "the staff", "our editors", "small workshops", "the community", "experts"}
	nouns     = []string{"guide", "route", "recipe", "model", "kit", "plan", "shop", "list", "tour", "set"}
	headings  = []string{"Getting started", "What to expect", "Costs and budget", "Common mistakes", "Tips from experience", "Planning ahead", "Final thoughts", "Choosing well", "The details that matter", "A closer look", "Before you begin", "What we learned"}
	keyLines  = []string{"%s is worth a closer look", "Choosing the right %s takes time", "Many people ask about %s first", "A good %s saves money over time", "We tested the %s over a whole season", "The %s you pick depends on your plans"}
	altPlains = []string{"A view from the window", "Our kit laid out on a table", "The market on a Saturday", "A close-up of the details", "The route on a paper map"}
)

type gen struct {
	r *rand.Rand
	// The article's parameters.
	kw                             string
	keyRate, longRate, passiveRate float64
	transitionRate, complexRate    float64
	paraMax                        int
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x5eed5eed))}
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sentence writes one sentence.
func (g *gen) sentence() string {
	var b strings.Builder
	switch {
	case g.chance(g.keyRate):
		b.WriteString(capitalize(fmt.Sprintf(g.pick(keyLines), g.kw)))
	case g.chance(g.passiveRate):
		fmt.Fprintf(&b, "The %s was %s by %s", g.pick(nouns), g.pick(participles), g.pick(agents))
	default:
		fmt.Fprintf(&b, "%s %s %s", g.pick(subjects), g.pick(verbs), g.pick(objects))
	}
	s := b.String()
	if g.chance(0.6) {
		s += " " + g.pick(adverbials)
	}
	if g.chance(g.longRate) {
		s += ", " + g.pick(clauses) + ", " + g.pick(clauses)
		if g.chance(0.5) {
			s += ", " + g.pick(clauses)
		}
	}
	if g.chance(g.complexRate) {
		s += ", " + g.pick(complexClauses)
	}
	if g.chance(g.transitionRate) {
		t := g.pick(transitions)
		s = t + " " + strings.ToLower(s[:1]) + s[1:]
	}
	return s + "."
}

// paragraph writes a paragraph of n sentences and returns it and its
// word count.
func (g *gen) paragraph(n int) (string, int) {
	parts := make([]string, n)
	words := 0
	for i := range parts {
		parts[i] = g.sentence()
		words += len(strings.Fields(parts[i]))
	}
	return strings.Join(parts, " "), words
}

// generate makes n articles of about words words each.
func generate(n, words int, seed uint64) []article {
	g := newGen(seed)
	slugs := make([]string, n)
	kws := make([]string, n)
	for i := range n {
		kws[i] = topics[i%len(topics)]
		slugs[i] = fmt.Sprintf("%s-%d", strings.ReplaceAll(kws[i], " ", "-"), i)
	}
	out := make([]article, n)
	for i := range n {
		out[i] = g.article(i, words, kws, slugs)
	}
	return out
}

func (g *gen) article(i, target int, kws, slugs []string) article {
	g.kw = kws[i]
	g.keyRate = []float64{0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.35}[g.r.IntN(7)]
	g.longRate = g.r.Float64() * 0.6
	g.passiveRate = g.r.Float64() * 0.3
	g.transitionRate = g.r.Float64() * 0.4
	g.complexRate = g.r.Float64() * 0.4
	g.paraMax = 3 + g.r.IntN(9)
	section := 120 + g.r.IntN(330)
	noHeadings := g.chance(0.06)

	var md strings.Builder
	var blocks []*blueprints.Block
	flush := func() {
		if md.Len() > 0 {
			blocks = append(blocks, &blueprints.Block{ID: fmt.Sprintf("text-%d", len(blocks)), Type: "richtext", V: 1,
				Props: map[string]any{"markdown": md.String()}})
			md.Reset()
		}
	}
	// The introduction.
	intro, words := g.paragraph(2 + g.r.IntN(3))
	if g.chance(0.5) {
		intro = capitalize(fmt.Sprintf(g.pick(keyLines), g.kw)) + ". " + intro
		words += 6
	}
	md.WriteString(intro + "\n\n")
	if g.chance(0.05) {
		md.WriteString("# " + g.pick(headings) + "\n\n")
	}
	inSection := words
	internal, outbound := g.r.IntN(5), g.r.IntN(4)
	images := g.r.IntN(5)
	for words < target {
		if !noHeadings && inSection >= section {
			h := g.pick(headings)
			if g.chance(0.35) {
				h = capitalize(g.kw) + ": " + strings.ToLower(h)
			}
			md.WriteString("## " + h + "\n\n")
			inSection = 0
			if images > 0 && g.chance(0.5) {
				flush()
				blocks = append(blocks, g.image(len(blocks)))
				images--
			}
		}
		p, n := g.paragraph(1 + g.r.IntN(g.paraMax))
		if internal > 0 && len(slugs) > 1 && g.chance(0.3) {
			j := (i + 1 + g.r.IntN(len(slugs)-1)) % len(slugs) // another article
			anchor := kws[j]
			if g.chance(0.5) {
				anchor = "this " + g.pick(nouns)
			}
			p += fmt.Sprintf(" Read more in [%s](page:%s).", anchor, slugs[j])
			n += 4
			internal--
		}
		if outbound > 0 && g.chance(0.2) {
			p += fmt.Sprintf(" See the [source](https://example.org/research/%d).", g.r.IntN(1000))
			n += 3
			outbound--
		}
		md.WriteString(p + "\n\n")
		words += n
		inSection += n
	}
	flush()
	for ; images > 0; images-- {
		blocks = append(blocks, g.image(len(blocks)))
	}

	page := &blueprints.Page{ID: slugs[i], Path: "/" + slugs[i] + "/", Type: blueprints.PagePost, Title: g.title(), Blocks: blocks}
	if d := g.description(); d != "" {
		page.Description = d
	}
	if g.chance(0.15) {
		page.ID = fmt.Sprintf("post-%d", i) // a slug without the keyword
		page.Path = "/" + page.ID + "/"
	}
	var others []string
	for j := i - 3; j <= i+3; j += 2 {
		if j >= 0 && j < len(kws) && j != i {
			others = append(others, kws[(j*7)%len(kws)])
		}
	}
	return article{Page: page, Keyword: g.kw, OtherKeywords: others}
}

func (g *gen) image(n int) *blueprints.Block {
	img := map[string]any{"asset": fmt.Sprintf("photo-%d", n)}
	switch g.r.IntN(3) {
	case 0:
		img["alt"] = g.pick(altPlains)
	case 1:
		img["alt"] = g.pick(altPlains) + " with the " + g.kw
	}
	return &blueprints.Block{ID: fmt.Sprintf("image-%d", n), Type: "image", V: 1, Props: map[string]any{"image": img}}
}

func (g *gen) title() string {
	switch g.r.IntN(6) {
	case 0:
		return capitalize(g.kw) + ": a practical guide"
	case 1:
		return "Why the " + g.kw + " matters more than you think"
	case 2:
		return "The complete beginner's guide to choosing, using and caring for your " + g.kw + " this year"
	case 3:
		return capitalize(g.kw)
	case 4:
		return "Ten things we learned this season"
	}
	return capitalize(g.kw) + " tips from a year of testing"
}

func (g *gen) description() string {
	switch g.r.IntN(5) {
	case 0:
		return ""
	case 1:
		return "A short note on the " + g.kw + "."
	case 2:
		return "Everything we learned about the " + g.kw + " after a season of use: what works, what it costs and the mistakes to avoid before you buy."
	case 3:
		return "A long look at what makes a difference in practice, written after months of testing, with prices, tips from readers, mistakes to avoid and a checklist you can print."
	}
	return "What we learned after a season: the costs, the common mistakes, and the small habits that make every week a little easier for the whole family."
}
