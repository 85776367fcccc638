package offline

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/igny8/igny8/ai"
)

// defaultWords is a piece's length when the input sets none.
var defaultWords = map[string]int{"post": 1200, "page": 600, "product": 500, "service": 800, "taxonomy": 400}

// faqKinds are the questions each entity type answers, most useful first,
// and faqRange how many it has.
var (
	faqKinds = map[string][]string{
		"post":     {"what", "choose", "mistakes", "cost", "time", "worth", "who", "care"},
		"product":  {"variants", "care", "choose", "who", "worth"},
		"service":  {"prepare", "process", "cost", "time", "who", "worth"},
		"taxonomy": {"find", "choose", "who", "care"},
		"page":     {"what", "choose", "who"},
	}
	faqRange = map[string][2]int{"post": {3, 5}, "product": {3, 5}, "service": {4, 6}, "taxonomy": {2, 4}, "page": {0, 3}}
)

// sectionKinds are the kinds of section a heading can announce, the more
// specific first.
var sectionKinds = []string{"mistakes", "care", "cost", "how", "why", "choose", "tips", "define"}

// content writes a piece from its outline, as long as the word target
// says: its sections and FAQ answers come within 15% of it (for targets
// of 150 words and more) whether or not headings and questions count.
func content(in *ai.ContentInput, r *rng) *ai.ContentOutput {
	l := langFor(in.Site.Locale)
	et := in.EntityType
	if !slices.Contains(entityTypes, et) {
		et = "post"
	}
	kw := firstNonEmpty(in.TargetKeyword, in.Title, in.Cluster, in.Site.Name)
	second := kw
	if s := dedupe(in.SecondaryKeywords); len(s) > 0 {
		second = s[r.intn(len(s))]
	}
	w := &writer{l: l, r: r, decks: map[string]*deck{}, vars: map[string]string{
		"k": l.kw(kw), "K": l.title(kw), "s": l.kw(second), "c": in.Cluster, "site": in.Site.Name,
	}}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = uniqueTitle(l, "idea.title."+et, w.vars, r.intn(7), map[string]bool{})
	}
	w.vars["t"], w.vars["T"] = title, title

	target := in.WordTarget
	if target <= 0 {
		target = defaultWords[et]
	}
	target = min(max(target, 120), 8000)

	headings := dedupe(in.Outline)
	if len(headings) == 0 {
		for _, h := range l.get("content.heading." + et) {
			headings = append(headings, sentence(h, w.vars))
		}
	}
	if et == "taxonomy" {
		headings = append([]string{l.one(r.fork("taxintro"), "content.heading.taxintro", w.vars)}, headings...)
	}
	headings = headings[:min(len(headings), 10)]

	out := &ai.ContentOutput{
		Title:    title,
		Slug:     firstNonEmpty(slugify(title, l.code, 60), slugify(kw, l.code, 60), "page"),
		FAQ:      w.faq(et, target),
		Sections: []ai.ContentSection{},
	}
	questionWords, answerWords := 0, 0
	for _, f := range out.FAQ {
		questionWords += countWords(f.Question)
		answerWords += countWords(f.Answer)
	}
	drafts := make([]*draft, len(headings))
	headWords := 0
	for i, h := range headings {
		drafts[i] = &draft{heading: h, kind: kindOf(h, l)}
		headWords += countWords(h)
	}
	if et == "taxonomy" {
		drafts[0].kind = "taxonomy"
	}
	// Whether or not a reader counts headings and questions, the piece
	// comes out within a few percent of the target: it overshoots by half
	// their words with them and falls short by half without.
	body := max(target-answerWords-(headWords+questionWords)/2, 15*len(drafts))
	for i, d := range drafts {
		budget := body / len(drafts)
		if et == "taxonomy" && len(drafts) > 1 {
			// The introduction runs 80 to 150 words; the listing's
			// sections share the rest.
			intro := min(max(body/len(drafts), 80), 150)
			budget = intro
			if i > 0 {
				budget = (body - intro) / (len(drafts) - 1)
			}
		}
		w.fill(d, budget, i == 0)
	}
	w.balance(drafts, body)
	for _, d := range drafts {
		out.Sections = append(out.Sections, ai.ContentSection{Heading: d.heading, Markdown: d.markdown()})
	}

	switch et {
	case "product":
		out.Product = w.product(in, kw, title)
	case "service":
		out.Service = w.service()
	}
	if et != "post" || in.Intent == "commercial" || in.Intent == "transactional" {
		out.CTA = w.cta(et)
	}
	out.MetaTitle = clip(title, 60)
	out.MetaDescription = metaDescription(l, r.fork("meta"), "content.meta", "content.meta.pad", w.vars)
	out.Excerpt = l.one(r.fork("excerpt"), "content.excerpt", w.vars)
	if a := strings.TrimSpace(in.Angle); a != "" && len(out.Excerpt)+1+len(a) <= 300 {
		out.Excerpt += " " + a
	}
	return out
}

// writer draws sentences for one piece from the bank, without repeats
// until a bank runs out.
type writer struct {
	l     *lang
	r     *rng
	vars  map[string]string
	decks map[string]*deck
}

func (w *writer) deck(key string) *deck {
	d, ok := w.decks[key]
	if !ok {
		d = newDeck(w.r.fork(key), w.l.get(key))
		w.decks[key] = d
	}
	return d
}

// say fills the next phrase under key.
func (w *writer) say(key string) string { return sentence(w.deck(key).next(), w.vars) }

// general returns a sentence that fits any section: from the bank, or
// composed of a subject and a predicate, sometimes with an opener.
func (w *writer) general() string {
	if w.r.intn(2) == 0 || !w.l.has("content.subj") {
		return w.say("content.s.general")
	}
	s := sentence(w.deck("content.subj").next()+" "+w.deck("content.pred").next(), w.vars)
	if w.r.intn(3) == 0 {
		s = w.open(s)
	}
	return s
}

// open puts an opener ("In practice, …") before s.
func (w *writer) open(s string) string {
	op := w.deck("content.opener").next()
	if strings.Contains(op, "{X}") {
		return strings.Replace(op, "{X}", s, 1)
	}
	return strings.Replace(op, "{x}", lowerFirst(s), 1)
}

// kindSentence is the next sentence for a kind of section, or a general
// one once the kind's sentences are used up.
func (w *writer) kindSentence(kind string) string {
	key := "content.s." + kind
	if kind == "taxonomy" {
		key = "content.tax.s"
	}
	if w.l.has(key) && w.deck(key).left() > 0 {
		return w.say(key)
	}
	return w.general()
}

// draft is a section being written: prose paragraphs and lists.
type draft struct {
	heading string
	kind    string
	blocks  []block
}

// block is a paragraph of sentences, or a list of items.
type block struct {
	sentences []string
	items     []string
	numbered  bool
}

func (d *draft) words() int {
	n := 0
	for _, b := range d.blocks {
		for _, s := range b.sentences {
			n += countWords(s)
		}
		for _, it := range b.items {
			n += countWords(it)
		}
	}
	return n
}

func (d *draft) markdown() string {
	var parts []string
	for _, b := range d.blocks {
		if b.items == nil {
			parts = append(parts, strings.Join(b.sentences, " "))
			continue
		}
		lines := make([]string, len(b.items))
		for i, it := range b.items {
			if b.numbered {
				lines[i] = fmt.Sprintf("%d. %s", i+1, it)
			} else {
				lines[i] = "- " + it
			}
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return blocks(parts...)
}

// fill writes a section of about budget words: an opening paragraph, a
// list where the kind has one and there is room, then paragraphs of
// three or four sentences. A sentence is added only while it brings the
// section closer to its budget.
func (w *writer) fill(d *draft, budget int, first bool) {
	para := &block{}
	words := 0
	add := func(s string) {
		para.sentences = append(para.sentences, s)
		words += countWords(s)
	}
	flush := func() {
		if len(para.sentences) > 0 {
			d.blocks = append(d.blocks, *para)
			para = &block{}
		}
	}
	if first {
		add(w.say("content.intro"))
	}
	add(w.kindSentence(d.kind))
	if w.l.has("content.items."+d.kind) && budget-words >= 60 {
		if budget-words >= 100 {
			add(w.kindSentence(d.kind))
		}
		flush()
		add(w.say("content.lead." + d.kind))
		flush()
		dk := w.deck("content.items." + d.kind)
		items := make([]string, min(w.r.between(3, 5), len(dk.items)))
		if d.kind == "how" {
			// Steps keep their order.
			keep := w.r.perm(len(dk.items))[:len(items)]
			slices.Sort(keep)
			for i, k := range keep {
				items[i] = sentence(dk.items[k], w.vars)
			}
		} else {
			if dk.left() < len(items) {
				dk.reshuffle() // no item twice in one list
			}
			for i := range items {
				items[i] = sentence(dk.next(), w.vars)
			}
		}
		for _, it := range items {
			words += countWords(it)
		}
		d.blocks = append(d.blocks, block{items: items, numbered: d.kind == "how"})
	}
	per := w.r.between(3, 4)
	for range 200 {
		s := w.kindSentence(d.kind)
		if words+countWords(s)/2 >= budget {
			break
		}
		add(s)
		if len(para.sentences) >= per {
			flush()
			per = w.r.between(3, 4)
		}
	}
	flush()
}

// balance brings the sections' words to within a few percent of want,
// adding sentences to the shortest sections or dropping the last
// sentence of the longest.
func (w *writer) balance(drafts []*draft, want int) {
	total := 0
	for _, d := range drafts {
		total += d.words()
	}
	for range 400 {
		switch {
		case float64(total) < 0.98*float64(want):
			d := slices.MinFunc(drafts, func(a, b *draft) int { return a.words() - b.words() })
			s := w.general()
			if n := len(d.blocks); n > 0 && d.blocks[n-1].items == nil && len(d.blocks[n-1].sentences) < 5 {
				d.blocks[n-1].sentences = append(d.blocks[n-1].sentences, s)
			} else {
				d.blocks = append(d.blocks, block{sentences: []string{s}})
			}
			total += countWords(s)
		case float64(total) > 1.04*float64(want):
			d := slices.MaxFunc(drafts, func(a, b *draft) int { return a.words() - b.words() })
			i := len(d.blocks) - 1
			for i >= 0 && (d.blocks[i].items != nil || len(d.blocks[i].sentences) < 2) {
				i--
			}
			if i < 0 {
				return
			}
			b := &d.blocks[i]
			last := b.sentences[len(b.sentences)-1]
			if total-countWords(last) < int(0.96*float64(want)) {
				return
			}
			b.sentences = b.sentences[:len(b.sentences)-1]
			total -= countWords(last)
		default:
			return
		}
	}
}

// kindOf tells from a heading's words what kind of section it is.
func kindOf(heading string, l *lang) string {
	h := " " + strings.ToLower(heading) + " "
	words := tokens(heading)
	for _, kind := range sectionKinds {
		for _, trig := range slices.Concat(l.get("kind."+kind), bankEN["kind."+kind]) {
			if strings.ContainsAny(trig, " '") {
				if strings.Contains(h, trig) {
					return kind
				}
				continue
			}
			for _, w := range words {
				if strings.HasPrefix(w, trig) {
					return kind
				}
			}
		}
	}
	return "general"
}

// faq answers questions the entity type's readers ask, fewer when the
// piece is short (they take at most about 30% of it).
func (w *writer) faq(et string, target int) []ai.FAQItem {
	fr := faqRange[et]
	kinds := faqKinds[et]
	n := min(w.r.between(fr[0], fr[1]), len(kinds), target*3/10/45)
	out := []ai.FAQItem{}
	order := w.r.perm(len(kinds))[:n]
	slices.Sort(order) // the most useful questions, in a sensible order
	for _, i := range order {
		kind := kinds[i]
		answers := w.l.get("faq." + kind + ".a")
		m := min(len(answers), w.r.between(2, 3))
		parts := make([]string, m)
		for j := range parts {
			parts[j] = sentence(answers[j], w.vars)
		}
		out = append(out, ai.FAQItem{Question: w.say("faq." + kind + ".q"), Answer: strings.Join(parts, " ")})
	}
	return out
}

// product makes plausible commerce facts: a price, a SKU made of the
// keyword's initials, availability (mostly in stock) and attributes.
func (w *writer) product(in *ai.ContentInput, kw, title string) *ai.ProductFields {
	r := w.r.fork("product")
	name := title
	if utf8.RuneCountInString(name) > 60 {
		name = w.l.title(kw)
	}
	prices := []int{19, 24, 29, 34, 39, 49, 59, 69, 79, 89, 99, 119, 149, 179, 199, 249}
	cents := []string{"00", "90", "95", "50"}
	initials := ""
	for _, t := range tokens(slugify(kw, w.l.code, 60)) {
		for _, p := range strings.Split(t, "-") {
			if p != "" && len(initials) < 3 {
				initials += strings.ToUpper(p[:1])
			}
		}
	}
	if initials == "" {
		initials = "SKU"
	}
	avail := "in_stock"
	switch r.intn(10) {
	case 0:
		avail = "preorder"
	case 1:
		avail = "out_of_stock"
	}
	attrs := []ai.NameValuePair{}
	all := w.l.get("product.attr")
	for _, i := range r.perm(len(all))[:min(len(all), r.between(4, 6))] {
		name, values, _ := strings.Cut(all[i], "=")
		attrs = append(attrs, ai.NameValuePair{Name: name, Value: r.pick(strings.Split(values, "|"))})
	}
	return &ai.ProductFields{
		Name:         name,
		Description:  w.l.one(r, "product.desc", w.vars) + " " + w.general(),
		Price:        fmt.Sprintf("%d.%s", prices[r.intn(len(prices))], cents[r.intn(len(cents))]),
		Currency:     currencyFor(in.Site.Locale),
		SKU:          fmt.Sprintf("%s-%04d", initials, r.intn(10000)),
		Availability: avail,
		Attributes:   attrs,
	}
}

// service lists 3 to 6 benefits and 4 or 5 process steps, in order.
func (w *writer) service() *ai.ServiceFields {
	r := w.r.fork("service")
	benefits := []ai.TitledText{}
	all := w.l.get("service.benefit")
	for _, i := range r.perm(len(all))[:min(len(all), r.between(3, 6))] {
		benefits = append(benefits, pair(all[i], w.vars))
	}
	steps := w.l.get("service.step")
	keep := r.perm(len(steps))[:min(len(steps), r.between(4, 5))]
	slices.Sort(keep)
	process := []ai.TitledText{}
	for _, i := range keep {
		process = append(process, pair(steps[i], w.vars))
	}
	return &ai.ServiceFields{Benefits: benefits, Process: process}
}

func (w *writer) cta(et string) *ai.CTAFields {
	parts := strings.SplitN(w.l.one(w.r.fork("cta"), "cta."+et, w.vars), "|", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return &ai.CTAFields{Heading: upperFirst(parts[0]), Text: upperFirst(parts[1]), Button: upperFirst(parts[2])}
}

// pair splits a "title|text" phrase.
func pair(s string, vars map[string]string) ai.TitledText {
	t, x, _ := strings.Cut(s, "|")
	return ai.TitledText{Title: sentence(t, vars), Text: sentence(x, vars)}
}

// metaDescription fills the template that comes nearest to 140 to 160
// characters, padding or clipping it to fit.
func metaDescription(l *lang, r *rng, key, padKey string, vars map[string]string) string {
	tmpls := l.get(key)
	start := r.intn(len(tmpls))
	best := ""
	for i := range tmpls {
		s := sentence(tmpls[(start+i)%len(tmpls)], vars)
		n := utf8.RuneCountInString(s)
		if n >= 140 && n <= 160 {
			return s
		}
		if n <= 160 && n > utf8.RuneCountInString(best) {
			best = s
		}
	}
	if best == "" {
		return shorten(sentence(tmpls[start], vars), 160)
	}
	for _, pad := range l.get(padKey) {
		if utf8.RuneCountInString(best)+1+utf8.RuneCountInString(pad) <= 160 && utf8.RuneCountInString(best) < 140 {
			best += " " + pad
		}
	}
	return best
}

// currencyFor is the currency of a locale's region, or of its language.
func currencyFor(locale string) string {
	parts := strings.FieldsFunc(strings.ToUpper(locale), func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) > 1 {
		switch parts[len(parts)-1] {
		case "GB", "UK":
			return "GBP"
		case "US":
			return "USD"
		case "CH":
			return "CHF"
		case "CA":
			return "CAD"
		case "AU":
			return "AUD"
		}
	}
	if langFor(locale).code == "en" {
		return "USD"
	}
	return "EUR"
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}
