package optimizer

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// Thresholds of the SEO checks (Yoast SEO's, unless the package
// documentation says otherwise).
const (
	MetaDescriptionMin = 120 // characters
	MetaDescriptionMax = 156
	DensityMin         = 0.5 // % of words, weighted by keyphrase length
	DensityMax         = 3.0
	DensityWayOver     = 4.0
)

// textLengths are the word counts of the text length check per entity
// type: recommended, slightly below, below, far below.
var textLengths = map[string][4]int{
	igny8.EntityPost:     {300, 250, 200, 100},
	igny8.EntityPage:     {300, 250, 200, 100},
	igny8.EntityService:  {300, 250, 200, 100},
	igny8.EntityProduct:  {200, 150, 100, 50},
	igny8.EntityTaxonomy: {250, 200, 100, 50},
}

func (a *analyzer) seoChecks() {
	a.keyphraseLength()
	a.keyphraseInTitle()
	a.keyphraseInIntro()
	a.keyphraseInMeta()
	a.keyphraseInSlug()
	a.keyphraseInSubheadings()
	a.keyphraseDensity()
	a.keyphraseInImageAlt()
	a.keyphraseUsedBefore()
	a.competingLinks()
	a.titleWidthCheck()
	a.metaLength()
	a.textLength()
	a.links()
	a.images()
	a.singleH1()
}

// noKeyphrase records a keyphrase check that cannot run for lack of one;
// it reports whether it did.
func (a *analyzer) noKeyphrase(id string) bool {
	if a.kp != nil {
		return false
	}
	a.add(id, 0, nil, "Set a focus keyword to run this check.")
	return true
}

func (a *analyzer) keyphraseLength() {
	const id = CheckKeyphraseLength
	if a.kp == nil {
		a.add(id, 0, nil, "No focus keyword is set. Set the search phrase this page should be found for, so the keyword checks can run.")
		return
	}
	if a.kp.onlyFunction {
		a.add(id, 0, nil, "The focus keyword %s is made of words like “the” or “of” only. Choose a phrase with words that carry meaning.", quote(a.kp.text))
		return
	}
	n := a.kp.length()
	good, ok := 4, 8
	if len(a.lang.functionWords) == 0 {
		good, ok = 6, 9
	}
	d := map[string]float64{"words": float64(n)}
	switch {
	case n <= good:
		a.add(id, 9, d, "The focus keyword has a good length.")
	case n <= ok:
		a.add(id, 6, d, "The focus keyword has %d words that carry meaning; more than %d make it hard to use naturally. Make it shorter.", n, good)
	default:
		a.add(id, 3, d, "The focus keyword has %d words that carry meaning, far more than the %d recommended. Make it shorter.", n, good)
	}
}

func (a *analyzer) keyphraseInTitle() {
	const id = CheckKeyphraseInTitle
	if a.noKeyphrase(id) {
		return
	}
	title := seoTitle(a.page)
	ws := splitCompounds(words(title))
	if len(ws) == 0 {
		a.add(id, 2, nil, "The page has no SEO title. Write one that starts with the focus keyword.")
		return
	}
	pos := a.kp.position(ws, a.lang)
	d := map[string]float64{"position": float64(pos)}
	if pos >= 0 {
		lead := true
		for _, w := range ws[:pos] {
			if !a.lang.functionWords[w] {
				lead = false
			}
		}
		if lead {
			a.add(id, 9, d, "The focus keyword is at the start of the SEO title. Good.")
			return
		}
		a.add(id, 6, d, "The focus keyword is in the SEO title, but not at its start. Move it to the beginning: searchers read titles from the left.")
		return
	}
	if a.kp.in(ws, a.lang) {
		a.add(id, 6, d, "The SEO title has the words of the focus keyword, but not together as %s. Use the exact phrase, at the start of the title.", quote(a.kp.text))
		return
	}
	a.add(id, 2, d, "The focus keyword %s is not in the SEO title. Put it in the title, preferably at the start.", quote(a.kp.text))
}

// intro is the first paragraph of the text.
func (a *analyzer) intro() *unit {
	var text *unit
	for i := range a.doc.units {
		u := &a.doc.units[i]
		if u.kind == kindParagraph {
			return u
		}
		if u.kind == kindText && text == nil {
			text = u
		}
	}
	return text
}

func (a *analyzer) keyphraseInIntro() {
	const id = CheckKeyphraseInIntro
	if a.noKeyphrase(id) {
		return
	}
	u := a.intro()
	if u == nil {
		a.add(id, 3, nil, "The page has no introduction. Start with a paragraph that says what the page is about, with the focus keyword in it.")
		return
	}
	for _, s := range u.sents {
		if a.anyIn(u.words[s.from:s.to]) {
			a.add(id, 9, nil, "The focus keyword is in the first paragraph. Good: readers and search engines see the topic at once.")
			return
		}
	}
	if a.anyIn(u.words) {
		a.add(id, 6, nil, "The words of the focus keyword are in the first paragraph, but not in one sentence. Use them together in one sentence.")
		return
	}
	a.add(id, 3, nil, "The focus keyword is not in the first paragraph. Mention it there, so the topic is clear at once.")
}

func (a *analyzer) keyphraseInMeta() {
	const id = CheckKeyphraseInMeta
	if a.noKeyphrase(id) {
		return
	}
	desc := metaDescription(a.page)
	if strings.TrimSpace(desc) == "" {
		a.add(id, 3, nil, "The page has no meta description. Write one with the focus keyword in it.")
		return
	}
	t := tokenize(desc, a.lang)
	n := 0
	for _, k := range a.keyphrases() {
		for _, s := range t.sents {
			n += k.count(t.words[s.from:s.to], a.lang)
		}
	}
	d := map[string]float64{"count": float64(n)}
	switch {
	case n == 0:
		a.add(id, 3, d, "The focus keyword is not in the meta description. Use it there: search engines show it in bold in results.")
	case n <= 2:
		a.add(id, 9, d, "The focus keyword is in the meta description. Good.")
	default:
		a.add(id, 3, d, "The meta description has the focus keyword %d times. Once or twice is enough; more reads as stuffing.", n)
	}
}

func (a *analyzer) keyphraseInSlug() {
	const id = CheckKeyphraseInSlug
	if a.page.Type == blueprints.PageHome {
		return // the home page's address has no slug
	}
	if a.noKeyphrase(id) {
		return
	}
	slug := a.page.ID
	if slug == "" {
		a.add(id, 3, nil, "The page has no URL slug.")
		return
	}
	sw := strings.Split(fold(slug), "-")
	var parts []string
	for _, w := range sw {
		if w != "" {
			parts = append(parts, w)
		}
	}
	found := 0
	for _, w := range a.kp.words {
		if !a.kp.exact && a.lang.functionWords[w] && !a.kp.onlyFunction {
			continue
		}
		st := fold(a.lang.stem(w))
		g := germanFold(a.lang.stem(w))
		for _, p := range parts {
			ps := fold(a.lang.stem(p))
			if ps == st || p == fold(w) || p == g || p == germanFold(w) {
				found++
				break
			}
		}
	}
	n := a.kp.length()
	pct := 100 * float64(found) / float64(max(n, 1))
	d := map[string]float64{"percent": math.Round(pct)}
	if n < 3 && found == n || n >= 3 && pct > 50 {
		a.add(id, 9, d, "The focus keyword is in the URL. Good.")
		return
	}
	a.add(id, 6, d, "The URL (%s) does not have all the words of the focus keyword. A slug with the keyword tells searchers what the page is about.", slug)
}

// subheadings are the H2 and H3 headings.
func (a *analyzer) subheadings() []*unit {
	var hs []*unit
	for i := range a.doc.units {
		if u := &a.doc.units[i]; u.kind == kindHeading && (u.level == 2 || u.level == 3) {
			hs = append(hs, u)
		}
	}
	return hs
}

// subheadingBounds are the fewest and most of n subheadings that should
// reflect the keyphrase: 30% and 75%.
func subheadingBounds(n int) (lo, hi int) {
	return int(math.Ceil(float64(n) * 0.3)), int(math.Floor(float64(n) * 0.75))
}

func (a *analyzer) keyphraseInSubheadings() {
	const id = CheckKeyphraseInSubheading
	if a.noKeyphrase(id) {
		return
	}
	hs := a.subheadings()
	if len(hs) == 0 {
		if a.doc.words >= 300 {
			a.add(id, 2, nil, "The text has no subheadings. Split it into sections with subheadings, and use the focus keyword in some of them.")
			return
		}
		a.add(id, 9, nil, "The text is short enough to need no subheadings.")
		return
	}
	matches := 0
	for _, h := range hs {
		if a.inSubheading(h.words) {
			matches++
		}
	}
	n := len(hs)
	lo, hi := subheadingBounds(n)
	d := map[string]float64{"subheadings": float64(n), "matches": float64(matches)}
	switch {
	case n == 1 && matches == 1 || matches >= lo && matches <= hi && matches > 0:
		a.add(id, 9, d, "%d of %d subheadings use the focus keyword or a synonym. Good.", matches, n)
	case matches == 0:
		a.add(id, 3, d, "None of the %d subheadings use the focus keyword. Use it (or a synonym) in some of them.", n)
	case matches < lo:
		a.add(id, 3, d, "Only %d of %d subheadings use the focus keyword. Use it in a few more (about a third to three quarters of them).", matches, n)
	default:
		a.add(id, 3, d, "%d of %d subheadings use the focus keyword. That is too many; vary them so they read naturally.", matches, n)
	}
}

// keyphraseCount returns how often the keyphrase occurs in the text.
func (a *analyzer) keyphraseCount() int {
	n := 0
	for i := range a.doc.units {
		u := &a.doc.units[i]
		if u.kind == kindLabel {
			n += a.kp.count(u.words, a.lang)
			continue
		}
		n += a.countInSentences(u.tokens)
	}
	return n
}

// countInSentences returns how often the keyphrase occurs in prose or a
// heading, sentence by sentence.
func (a *analyzer) countInSentences(t tokens) int {
	n := 0
	for _, s := range t.sents {
		n += a.kp.count(t.words[s.from:s.to], a.lang)
	}
	return n
}

// recommendedCount is Yoast's recommended keyphrase count for a density
// and text length, at least 2.
func recommendedCount(density float64, words, length int, roundUp bool) int {
	c := density * float64(words) / (100 * lengthFactor(length))
	if c < 2 {
		return 2
	}
	if roundUp {
		return int(math.Ceil(c))
	}
	return int(math.Floor(c))
}

// lengthFactor weighs density by keyphrase length: a phrase of three words
// counts 1.7 times a single word.
func lengthFactor(length int) float64 { return 0.7 + float64(length)/3 }

func (a *analyzer) keyphraseDensity() {
	const id = CheckKeyphraseDensity
	if a.noKeyphrase(id) {
		return
	}
	words := a.doc.words
	if words == 0 {
		a.add(id, 0, nil, "The page has no text to find the focus keyword in.")
		return
	}
	count := a.keyphraseCount()
	density := 100 * float64(count) / float64(words)
	d := map[string]float64{"count": float64(count), "words": float64(words), "density": math.Round(density*100) / 100}
	if words < 100 {
		most := shortTextMost(words)
		d["min_count"], d["max_count"] = 1, float64(most)
		switch score := densityScore(count, words, a.kp.length()); {
		case count == 0:
			a.add(id, score, d, "The focus keyword is not in the text. Use it at least once.")
		case score == 9:
			a.add(id, score, d, "The focus keyword appears %s. That is right for a text this short.", plural(count, "time", "times"))
		case score == 2:
			a.add(id, score, d, "The focus keyword appears %d times, more than the %d recommended for a text this short. Use it less.", count, most)
		default:
			a.add(id, score, d, "The focus keyword appears %d times in a very short text. That reads as keyword stuffing; use it at most %d times.", count, most)
		}
		return
	}
	length := a.kp.length()
	weighted := density * lengthFactor(length)
	least := recommendedCount(DensityMin, words, length, true)
	most := recommendedCount(DensityMax, words, length, false)
	d["weighted_density"], d["min_count"], d["max_count"] = math.Round(weighted*100)/100, float64(least), float64(most)
	switch score := densityScore(count, words, length); {
	case count == 0:
		a.add(id, score, d, "The focus keyword is not in the text. Use it at least %d times in a text of %d words.", least, words)
	case score == 4:
		a.add(id, score, d, "The focus keyword appears %s, fewer than the %d recommended for a text of %d words. Use it more often.", plural(count, "time", "times"), least, words)
	case score == 9:
		a.add(id, score, d, "The focus keyword appears %d times in %d words. That is a good density.", count, words)
	case score == 2:
		a.add(id, score, d, "The focus keyword appears %d times, more than the %d recommended for a text of %d words. Use it less, or use synonyms.", count, most, words)
	default:
		a.add(id, score, d, "The focus keyword appears %d times, far more than the %d recommended for a text of %d words. Search engines treat this as keyword stuffing.", count, most, words)
	}
}

// shortTextMost is how often the keyphrase may appear in a text of under
// 100 words.
func shortTextMost(words int) int {
	if words > 50 {
		return 2
	}
	return 1
}

// densityScore is the keyphrase density check's score for count
// occurrences of a keyphrase of length words in a text of words words
// (more than none); Fix uses it to keep the density from getting worse.
func densityScore(count, words, length int) int {
	if words < 100 {
		most := shortTextMost(words)
		switch {
		case count == 0:
			return 4
		case count <= most:
			return 9
		case count == most+1:
			return 2
		}
		return 0
	}
	weighted := 100 * float64(count) / float64(words) * lengthFactor(length)
	switch {
	case count == 0 || weighted < DensityMin || count == 1:
		return 4
	case weighted <= DensityMax || count == 2 && recommendedCount(DensityMin, words, length, true) <= 2:
		return 9
	case weighted <= DensityWayOver:
		return 2
	}
	return 0
}

func (a *analyzer) keyphraseInImageAlt() {
	const id = CheckKeyphraseInImageAlt
	n := len(a.doc.images)
	if n == 0 {
		return // the images check asks for some
	}
	if a.noKeyphrase(id) {
		return
	}
	withAlt, withKey := 0, 0
	for _, im := range a.doc.images {
		if strings.TrimSpace(im.alt) == "" {
			continue
		}
		withAlt++
		if a.inAlt(im.alt) {
			withKey++
		}
	}
	lo, hi := int(math.Ceil(float64(n)*0.3)), int(math.Floor(float64(n)*0.75))
	d := map[string]float64{"images": float64(n), "with_keyphrase": float64(withKey)}
	switch {
	case withAlt == 0:
		a.add(id, 6, d, "No image has alt text. Describe the images, and use the focus keyword in the description of at least one.")
	case withKey == 0:
		a.add(id, 6, d, "No image alt text has the focus keyword. Use it in the description of an image where it fits.")
	case n < 5 || n == 5 && withKey >= 2 && withKey <= 4 || n > 5 && withKey >= lo && withKey <= hi:
		a.add(id, 9, d, "The focus keyword is in the alt text of %d of %d images. Good.", withKey, n)
	case n == 5 && withKey < 2 || n > 5 && withKey < lo:
		a.add(id, 6, d, "Only %d of %d images have the focus keyword in their alt text. Add it to a few more, where it fits.", withKey, n)
	default:
		a.add(id, 6, d, "%d of %d images have the focus keyword in their alt text. That is too many; describe each image as it is.", withKey, n)
	}
}

func (a *analyzer) keyphraseUsedBefore() {
	const id = CheckKeyphraseUsedBefore
	if a.noKeyphrase(id) {
		return
	}
	norm := igny8.NormalizeKeyword(strings.Trim(a.kp.text, `"“”`))
	n := 0
	for _, k := range a.in.OtherKeywords {
		if igny8.NormalizeKeyword(strings.Trim(k, `"“”`)) == norm {
			n++
		}
	}
	d := map[string]float64{"pages": float64(n)}
	switch n {
	case 0:
		a.add(id, 9, d, "No other page of the site has this focus keyword. Good.")
	case 1:
		a.add(id, 6, d, "Another page of the site already has this focus keyword. Pages with the same keyword compete in search results; choose another, or merge the pages.")
	default:
		a.add(id, 1, d, "%d other pages of the site already have this focus keyword. They compete with each other in search results; give each page its own.", n)
	}
}

func (a *analyzer) competingLinks() {
	const id = CheckCompetingLinks
	if a.kp == nil {
		return
	}
	n := 0
	for _, l := range a.doc.links {
		if l.kind == linkInternal && !l.self && a.kp.in(words(l.text), a.lang) {
			n++
		}
	}
	d := map[string]float64{"links": float64(n)}
	if n == 0 {
		a.add(id, 9, d, "No link uses the focus keyword as its text. Good: links with it would send its readers elsewhere.")
		return
	}
	a.add(id, 2, d, "%s the focus keyword as link text, which tells search engines another page is about it. Use other words for those links.", plural(n, "link uses", "links use"))
}

func (a *analyzer) titleWidthCheck() {
	const id = CheckTitleWidth
	title := renderedTitle(a.page, a.in.TitleTemplate)
	if strings.TrimSpace(title) == "" {
		a.add(id, 1, nil, "The page has no SEO title.")
		return
	}
	px := TitleWidth(title)
	d := map[string]float64{"width_px": float64(px), "max_px": TitleMaxWidth, "characters": float64(utf8.RuneCountInString(title))}
	switch {
	case px > TitleMaxWidth:
		a.add(id, 3, d, "The SEO title is too long (about %d of %d pixels): search results will cut it off. Shorten it.", px, TitleMaxWidth)
	case px < TitleMinWidth:
		a.add(id, 6, d, "The SEO title is short (about %d of %d pixels). Use the room to tell searchers more.", px, TitleMaxWidth)
	default:
		a.add(id, 9, d, "The SEO title has a good length.")
	}
}

func (a *analyzer) metaLength() {
	const id = CheckMetaLength
	desc := strings.TrimSpace(metaDescription(a.page))
	n := utf8.RuneCountInString(desc)
	d := map[string]float64{"characters": float64(n), "min": MetaDescriptionMin, "max": MetaDescriptionMax}
	switch {
	case n == 0:
		a.add(id, 1, d, "The page has no meta description, so search engines will pick a snippet of the text. Write one of %d to %d characters.", MetaDescriptionMin, MetaDescriptionMax)
	case n < MetaDescriptionMin:
		a.add(id, 6, d, "The meta description is short (%d characters). Use up to %d to tell searchers why to visit.", n, MetaDescriptionMax)
	case n > MetaDescriptionMax:
		a.add(id, 6, d, "The meta description is long (%d characters); search results cut it after about %d. Shorten it.", n, MetaDescriptionMax)
	default:
		a.add(id, 9, d, "The meta description has a good length.")
	}
}

func (a *analyzer) textLength() {
	const id = CheckTextLength
	t, ok := textLengths[entityType(a.in)]
	if !ok {
		t = textLengths[igny8.EntityPage]
	}
	n := a.doc.words
	d := map[string]float64{"words": float64(n), "min": float64(t[0])}
	switch {
	case n >= t[0]:
		a.add(id, 9, d, "The text has %d words. Good.", n)
	case n >= t[1]:
		a.add(id, 6, d, "The text has %d words, slightly below the recommended %d. Add a little more.", n, t[0])
	case n >= t[2]:
		a.add(id, 3, d, "The text has %d words, below the recommended %d. Add more content.", n, t[0])
	case n >= t[3]:
		a.add(id, 1, d, "The text has %d words, far below the recommended %d. Add more content.", n, t[0])
	default:
		a.add(id, 0, d, "The text has %d words, far below the recommended %d. Pages this thin rarely rank.", n, t[0])
	}
}

func (a *analyzer) links() {
	internal, outbound := 0, 0
	for _, l := range a.doc.links {
		switch {
		case l.kind == linkInternal && !l.self:
			internal++
		case l.kind == linkOutbound:
			outbound++
		}
	}
	if internal > 0 {
		a.add(CheckInternalLinks, 9, map[string]float64{"links": float64(internal)}, "The page links to %s of the site. Good.", plural(internal, "other page", "other pages"))
	} else {
		a.add(CheckInternalLinks, 3, map[string]float64{"links": 0}, "The page links to no other page of the site. Add links to related pages.")
	}
	if outbound > 0 {
		a.add(CheckOutboundLinks, 9, map[string]float64{"links": float64(outbound)}, "The page links to %s. Good.", plural(outbound, "other site", "other sites"))
	} else {
		a.add(CheckOutboundLinks, 3, map[string]float64{"links": 0}, "The page links to no other site. Link to a source or a useful resource.")
	}
}

func (a *analyzer) images() {
	n := len(a.doc.images)
	if n == 0 {
		a.add(CheckImages, 3, map[string]float64{"images": 0}, "The page has no images. Add at least one.")
		return
	}
	a.add(CheckImages, 9, map[string]float64{"images": float64(n)}, "The page has %s. Good.", plural(n, "image", "images"))
	missing := 0
	for _, im := range a.doc.images {
		if strings.TrimSpace(im.alt) == "" {
			missing++
		}
	}
	d := map[string]float64{"images": float64(n), "without_alt": float64(missing)}
	switch {
	case missing == 0:
		a.add(CheckImageAlt, 9, d, "Every image has alt text. Good.")
	case missing < n:
		a.add(CheckImageAlt, 6, d, "%s of %d have no alt text. Describe them for readers who cannot see them, and for image search.", plural(missing, "image", "images"), n)
	default:
		a.add(CheckImageAlt, 3, d, "No image has alt text. Describe each image for readers who cannot see it, and for image search.")
	}
}

func (a *analyzer) singleH1() {
	n := a.doc.h1
	d := map[string]float64{"h1": float64(n + 1)}
	if n == 0 {
		a.add(CheckSingleH1, 9, d, "The page title is the only H1 heading. Good.")
		return
	}
	a.add(CheckSingleH1, 1, d, "The text has %s besides the page title. A page should have one; use ## (H2) for sections.", plural(n, "more H1 heading", "more H1 headings"))
}
