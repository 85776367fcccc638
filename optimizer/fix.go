package optimizer

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/igny8/igny8/blueprints"
)

// Fix applies the rule-based fixes for the checks of analysis (Analyze's
// result for in) that are not good, to a copy of in.Page; it returns the
// copy and the changes, each a sentence a site owner understands. Every
// block keeps its id, type and place; only text props, the SEO fields and
// alt texts change, so a page that validated still does. A fix that
// cannot be made safely (a paragraph whose split would change its text, a
// language without an introduction sentence) is left out. The package
// documentation lists the fixes.
func Fix(in Input, analysis Analysis) (*blueprints.Page, []string) {
	if in.Page == nil {
		return nil, nil
	}
	p := copyPage(in.Page)
	in.Page = p
	a := newAnalyzer(in)
	f := &fixer{a: a, p: p, failing: map[string]bool{}}
	for _, c := range analysis.Checks {
		if c.Verdict != Good {
			f.failing[c.ID] = true
		}
	}
	f.title()
	f.paragraphs()
	f.subheadings()
	f.metaDescription()
	f.altTexts()
	f.flush()
	return p, f.changes
}

type fixer struct {
	a       *analyzer
	p       *blueprints.Page
	failing map[string]bool
	changes []string
	// edits to Markdown props, applied by flush.
	edits []mdEdit
	alts  []altEdit
	// addedCount and addedWords are the keyphrase occurrences and words
	// the fixes so far added to the text.
	addedCount, addedWords int
}

// mdEdit replaces the bytes of a span with text.
type mdEdit struct {
	span *propSpan
	text string
}

type altEdit struct {
	prop       propRef
	dest, text string
}

func (f *fixer) change(format string, args ...any) {
	f.changes = append(f.changes, fmt.Sprintf(format, args...))
}

// copyPage deep-copies a page, props included.
func copyPage(p *blueprints.Page) *blueprints.Page {
	data, err := json.Marshal(p)
	if err != nil {
		panic("optimizer: copy page: " + err.Error()) // a page is plain JSON data
	}
	var c blueprints.Page
	if err := json.Unmarshal(data, &c); err != nil {
		panic("optimizer: copy page: " + err.Error())
	}
	return &c
}

func (f *fixer) seo() *blueprints.PageSEO {
	if f.p.SEO == nil {
		f.p.SEO = &blueprints.PageSEO{}
	}
	return f.p.SEO
}

// capitalize upper-cases a string's first letter.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// cutWords shortens s at a word boundary to the longest prefix fits says
// fits (fits must hold for every shorter prefix of one that fits), and
// drops trailing punctuation other than a closing one.
func cutWords(s string, fits func(string) bool) string {
	if !fits(s) {
		// The ends of words, in order; binary search for the last that fits.
		var ends []int
		for i, r := range s {
			if unicode.IsSpace(r) && i > 0 && !unicode.IsSpace(lastRune(s[:i])) {
				ends = append(ends, i)
			}
		}
		k, _ := slices.BinarySearchFunc(ends, true, func(end int, _ bool) int {
			if fits(s[:end]) {
				return -1
			}
			return 1
		})
		if k > 0 {
			s = s[:ends[k-1]]
		} else if len(ends) > 0 {
			s = s[:ends[0]]
		}
	}
	return strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:–—-|/·&", r)
	})
}

// cutTitle cuts a title to fit at a word boundary, without a dangling
// function word ("… guide to").
func cutTitle(s string, fits func(string) bool, lang *language) string {
	s = cutWords(s, fits)
	for {
		i := strings.LastIndexFunc(s, unicode.IsSpace)
		if i <= 0 || !lang.functionWords[strings.ToLower(s[i+1:])] {
			return s
		}
		s = cutWords(s[:i], func(string) bool { return true })
	}
}

// wordSpans returns the byte spans of the words of s as
// splitCompounds(words(s)) reads them.
func wordSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isCJK(r):
			spans = append(spans, [2]int{i, i + size})
			i += size
		case isWordRune(r):
			j := wordEnd(s, i)
			start := i
			for k := i; k <= j; k++ {
				if k == j || s[k] == '-' {
					if k > start {
						spans = append(spans, [2]int{start, k})
					}
					start = k + 1
				}
			}
			i = j
		default:
			i += size
		}
	}
	return spans
}

// withoutWords removes n words from s at word index pos, with the
// function words right before them, and tidies the punctuation left.
func withoutWords(s string, pos, n int, lang *language) string {
	spans := wordSpans(s)
	if pos < 0 || pos+n > len(spans) {
		return s
	}
	start, end := spans[pos][0], spans[pos+n-1][1]
	for k := pos - 1; k >= 0 && lang.functionWords[lower(s[spans[k][0]:spans[k][1]])]; k-- {
		start = spans[k][0]
	}
	out := strings.Join(strings.Fields(s[:start]+" "+s[end:]), " ")
	out = strings.NewReplacer(" ,", ",", " :", ":", " ;", ";", " .", ".").Replace(out)
	return strings.TrimFunc(out, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:–—-|/·&", r)
	})
}

// title puts the keyphrase at the start of the SEO title, fits the title
// into the width search results show, and lengthens a short one with the
// site's title template or, without one, the site's name.
func (f *fixer) title() {
	a, p := f.a, f.p
	fits := func(s string) bool { return TitleWidth(s) <= TitleMaxWidth }
	own := seoTitle(p)
	template := f.a.in.TitleTemplate
	if p.Type == blueprints.PageHome || !strings.Contains(template, "%s") {
		template = ""
	}
	apply := func(s string) string {
		if template == "" {
			return s
		}
		return strings.Replace(template, "%s", s, 1)
	}
	switch {
	case f.failing[CheckKeyphraseInTitle] && a.kp != nil && !a.kp.onlyFunction:
		// The keyphrase moves to the front: "A guide to the night train"
		// becomes "Night train: A guide".
		rest := own
		if pos := a.kp.position(splitCompounds(words(own)), a.lang); pos >= 0 {
			rest = withoutWords(own, pos, len(a.kp.stems), a.lang)
		}
		t := capitalize(a.kp.text)
		if rest != "" {
			t += ": " + rest
		}
		if !fits(t) {
			t = cutTitle(t, fits, a.lang)
		}
		if full := apply(t); fits(full) {
			t = full
		}
		f.seo().Title = t
		f.change("SEO title: put the focus keyword at the start: %s.", quote(t))
	case f.failing[CheckTitleWidth] && TitleWidth(renderedTitle(p, f.a.in.TitleTemplate)) > TitleMaxWidth:
		t := own
		if !fits(t) {
			t = cutTitle(t, fits, a.lang)
		}
		f.seo().Title = t
		f.change("SEO title: shortened to fit search results: %s.", quote(t))
	case f.failing[CheckTitleWidth] && template != "" && p.SEO != nil && p.SEO.Title != "" &&
		fits(apply(own)) && TitleWidth(apply(own)) > TitleWidth(own):
		// A short SEO title of its own skips the site's template.
		t := apply(own)
		f.seo().Title = t
		f.change("SEO title: added the site's title template: %s.", quote(t))
	case f.failing[CheckTitleWidth] && p.Type != blueprints.PageHome && (template == "" || p.SEO != nil && p.SEO.Title != "") &&
		strings.TrimSpace(own) != "" && TitleWidth(own) < TitleMinWidth:
		// The page shows its own title and no template: end it with the
		// site's name, as Yoast's default "%title% - %sitename%" does.
		name := strings.Join(strings.Fields(f.a.in.SiteName), " ")
		if i, _ := indexFold(own, name); name == "" || i >= 0 {
			return
		}
		if t := strings.TrimSpace(own) + " – " + name; fits(t) && TitleWidth(t) > TitleWidth(own) {
			f.seo().Title = t
			f.change("SEO title: added the site's name: %s.", quote(t))
		}
	}
}

// inWord reports whether r continues a word next to it (each Chinese or
// Japanese character is a word of its own).
func inWord(r rune) bool { return isWordRune(r) && !isCJK(r) }

// indexFold returns the byte span of the first occurrence of sub in s
// that stands as whole words, regardless of case, or -1, -1.
func indexFold(s, sub string) (start, end int) {
	n := utf8.RuneCountInString(sub)
	if n == 0 {
		return -1, -1
	}
	for i := range s {
		j := i
		for k := 0; k < n && j < len(s); k++ {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
		}
		if !strings.EqualFold(s[i:j], sub) {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[j:])
		if i > 0 && inWord(before) || j < len(s) && inWord(after) {
			continue
		}
		return i, j
	}
	return -1, -1
}

// paragraphs adds the keyphrase to the introduction and splits long
// paragraphs.
func (f *fixer) paragraphs() {
	a := f.a
	intro := a.intro()
	var add string
	if f.failing[CheckKeyphraseInIntro] && a.kp != nil && intro != nil && intro.span != nil && a.lang.intro != "" {
		add = fmt.Sprintf(a.lang.intro, a.kp.text)
	}
	for i := range a.doc.units {
		u := &a.doc.units[i]
		if u.span == nil || u.kind != kindParagraph {
			continue
		}
		src := propString(u.span.prop)[u.span.start:u.span.end]
		text := src
		if u == intro && add != "" {
			if r := lastRune(strings.TrimRightFunc(text, unicode.IsSpace)); isWordRune(r) {
				text += "."
			}
			text += " " + add
			t := tokenize(add, a.lang)
			f.addedCount += a.countInSentences(t)
			f.addedWords += len(t.words)
			f.change("Introduction: added a sentence with the focus keyword: %s", quote(add))
		}
		if f.failing[CheckParagraphLength] && countWords(plainMarkdown(text, a.lang)) > ParagraphMaxWords {
			if parts := splitParagraph(text, a.lang); len(parts) > 1 {
				text = strings.Join(parts, "\n\n")
				f.change("Split a paragraph of %d words in block %q into %d.", len(u.words), u.span.prop.block.ID, len(parts))
			}
		}
		if text != src {
			f.edits = append(f.edits, mdEdit{span: u.span, text: text})
		}
	}
}

// metaDescription writes, completes, lengthens or shortens the meta
// description.
func (f *fixer) metaDescription() {
	a := f.a
	if !f.failing[CheckKeyphraseInMeta] && !f.failing[CheckMetaLength] {
		return
	}
	var excerpt string
	if u := a.intro(); u != nil {
		excerpt = strings.Join(strings.Fields(u.text), " ")
	}
	desc := strings.Join(strings.Fields(metaDescription(f.p)), " ")
	var did []string
	if desc == "" {
		if excerpt == "" {
			return
		}
		desc = excerpt
		did = append(did, "written from the first paragraph")
	}
	if a.kp != nil && !a.kp.onlyFunction && !a.anyIn(words(desc)) {
		desc = capitalize(a.kp.text) + ": " + desc
		did = append(did, "added the focus keyword")
	}
	n := utf8.RuneCountInString(desc)
	if n < MetaDescriptionMin && excerpt != "" {
		desc = extend(desc, excerpt, a.lang)
		if m := utf8.RuneCountInString(desc); m > n {
			did = append(did, fmt.Sprintf("extended from the first paragraph to %d characters", m))
		}
	}
	if utf8.RuneCountInString(desc) > MetaDescriptionMax {
		desc = shorten(desc, a.lang)
		did = append(did, fmt.Sprintf("shortened to %d characters", utf8.RuneCountInString(desc)))
	}
	if desc == metaDescription(f.p) || len(did) == 0 {
		return
	}
	f.seo().Description = desc
	f.change("Meta description: %s: %s.", strings.Join(did, ", "), quote(desc))
}

// extend adds the excerpt's sentences that desc does not have yet, while
// they fit, then as many words as fit.
func extend(desc, excerpt string, lang *language) string {
	t := tokenize(excerpt, lang)
	for _, s := range t.sents {
		sent := strings.TrimSpace(excerpt[s.start:s.end])
		if strings.Contains(desc, sent) {
			continue
		}
		next := desc + " " + sent
		if utf8.RuneCountInString(next) <= MetaDescriptionMax {
			desc = next
			continue
		}
		if utf8.RuneCountInString(desc) < MetaDescriptionMin {
			cut := cutWords(next, func(s string) bool { return utf8.RuneCountInString(s)+1 <= MetaDescriptionMax })
			desc = strings.TrimRight(cut, ".!?") + "…"
		}
		break
	}
	return desc
}

// shorten cuts a description to fit: after its last whole sentence that
// fits, if that leaves enough, else at a word boundary with an ellipsis.
func shorten(desc string, lang *language) string {
	t := tokenize(desc, lang)
	best := ""
	for _, s := range t.sents {
		head := strings.TrimSpace(desc[:s.end])
		if utf8.RuneCountInString(head) > MetaDescriptionMax {
			break
		}
		best = head
	}
	if utf8.RuneCountInString(best) >= MetaDescriptionMin {
		return best
	}
	cut := cutWords(desc, func(s string) bool { return utf8.RuneCountInString(s)+1 <= MetaDescriptionMax })
	return strings.TrimRight(cut, ".!?") + "…"
}

// altTexts describes images without alt text.
func (f *fixer) altTexts() {
	a := f.a
	if !f.failing[CheckImageAlt] && !f.failing[CheckKeyphraseInImageAlt] {
		return
	}
	n := len(a.doc.images)
	// Images with the keyphrase the check asks for, at least.
	want := 1
	switch {
	case n == 5:
		want = 2
	case n > 5:
		want = (n*3 + 9) / 10
	}
	have := 0
	for _, im := range a.doc.images {
		if a.kp != nil && im.alt != "" && a.inAlt(im.alt) {
			have++
		}
	}
	for i := range a.doc.images {
		im := &a.doc.images[i]
		if strings.TrimSpace(im.alt) != "" {
			continue
		}
		alt := cmp.Or(firstSentence(im.caption, a.lang), im.section, f.p.Title)
		alt = cutWords(alt, func(s string) bool { return utf8.RuneCountInString(s) <= 100 })
		if a.kp != nil && !a.kp.onlyFunction && have < want && !a.inAlt(alt) {
			alt = strings.TrimRight(alt, ".") + " – " + a.kp.text
			have++
		} else if a.kp != nil && a.inAlt(alt) {
			have++
		}
		if alt == "" {
			continue
		}
		switch {
		case im.featured:
			f.p.Image.Alt = &alt
			f.change("Featured image: added alt text %s.", quote(alt))
		case im.obj != nil:
			im.obj["alt"] = alt
			asset, _ := im.obj["asset"].(string)
			f.change("Image %q: added alt text %s.", asset, quote(alt))
		case im.mdProp != nil:
			f.alts = append(f.alts, altEdit{prop: *im.mdProp, dest: im.mdDest, text: alt})
			f.change("Image %q: added alt text %s.", strings.TrimPrefix(im.mdDest, "asset:"), quote(alt))
		}
	}
}

// firstSentence is a caption's first sentence.
func firstSentence(s string, lang *language) string {
	t := tokenize(s, lang)
	if len(t.sents) == 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(s[t.sents[0].start:t.sents[0].end])
}

// flush applies the edits of text props, each prop's from its end so
// earlier offsets stay right, then the alt texts of Markdown images.
func (f *fixer) flush() {
	slices.SortFunc(f.edits, func(x, y mdEdit) int { return y.span.start - x.span.start })
	for _, e := range f.edits {
		src := propString(e.span.prop)
		setProp(e.span.prop, src[:e.span.start]+e.text+src[e.span.end:])
	}
	for _, e := range f.alts {
		src := propString(e.prop)
		alt := strings.NewReplacer("[", "", "]", "", "\n", " ").Replace(e.text)
		setProp(e.prop, strings.Replace(src, "![]("+e.dest, "!["+alt+"]("+e.dest, 1))
	}
}

// propString reads a string prop.
func propString(r propRef) string {
	s, _ := propAt(r.block.Props, r.path).(string)
	return s
}

func propAt(v any, path []any) any {
	for _, k := range path {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

// setProp sets a string prop.
func setProp(r propRef, s string) {
	if len(r.path) == 0 {
		return
	}
	parent := propAt(r.block.Props, r.path[:len(r.path)-1])
	switch k := r.path[len(r.path)-1].(type) {
	case string:
		if m, ok := parent.(map[string]any); ok {
			m[k] = s
		}
	case int:
		if l, ok := parent.([]any); ok && k < len(l) {
			l[k] = s
		}
	}
}
