package optimizer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// The base fixtures pass every check, so each case below fails only the
// check it is about.
func TestBasePassesEveryCheck(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "de"} {
		a := Analyze(base(lang).input())
		for _, c := range a.Checks {
			if c.Verdict != Good {
				t.Errorf("%s: %s is %s (%d): %s %v", lang, c.ID, c.Verdict, c.Score, c.Message, c.Details)
			}
		}
		if got, want := a.Score, 100; got != want {
			t.Errorf("%s: score = %d, want %d", lang, got, want)
		}
		if got, want := len(a.Checks), 25; got != want {
			t.Errorf("%s: %d checks ran, want %d: %v", lang, got, want, ids(a))
		}
	}
}

// byLang picks a string for the fixture's language.
func byLang(f *fixture, en, de string) string {
	if f.lang == "de" {
		return de
	}
	return en
}

// repeat joins n copies of s with spaces.
func repeat(s string, n int) string {
	return strings.TrimSpace(strings.Repeat(s+" ", n))
}

// proseEvery is like prose with a transition phrase in every every'th
// sentence (never, if every is 0).
func proseEvery(lang string, n, every int) string {
	pool := plain[lang]
	var parts []string
	for i := range n {
		s := pool[i%len(pool)]
		if every > 0 && i%every == every-1 {
			s = transition[lang] + strings.ToLower(s[:1]) + s[1:]
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// oneText replaces the fixture's text with one paragraph.
func oneText(f *fixture, text string) {
	f.intro = text
	f.sections = nil
}

var (
	longSentence = map[string]string{
		"en": "Our small dog likes to sleep near the warm stove, and the cat likes to lie beside it on the soft rug all day long.",
		"de": "Unser kleiner Hund schläft gern neben dem warmen Ofen, und die Katze liegt den ganzen Tag neben ihm auf dem weichen Teppich im Flur.",
	}
	passiveSentence = map[string]string{
		"en": "The bread was baked by my aunt.",
		"de": "Das Brot wird von meiner Tante gebacken.",
	}
	hardSentence = map[string]string{
		"en": "Comprehensive infrastructure modernisation necessitates considerable organisational commitment.",
		"de": "Die umfangreiche Infrastrukturmodernisierung erfordert beträchtliches organisatorisches Engagement.",
	}
	keySentence = map[string]string{"en": "The night train runs.", "de": "Der Nachtzug fährt."}
)

type checkCase struct {
	name  string
	langs []string // default: en and de
	check string
	want  Verdict
	score int // checked when not 0
	mut   func(f *fixture)
}

var checkCases = []checkCase{
	// keyphrase_length
	{name: "short keyphrase", check: CheckKeyphraseLength, want: Good, mut: func(f *fixture) {}},
	{name: "five content words", check: CheckKeyphraseLength, want: Improve, mut: func(f *fixture) {
		f.kw = byLang(f, "cheap night train tickets from berlin", "günstige Nachtzug Tickets ab Berlin nach Wien")
	}},
	{name: "ten content words", check: CheckKeyphraseLength, want: Problem, mut: func(f *fixture) {
		f.kw = byLang(f, "cheap comfortable quiet fast modern clean safe night train tickets",
			"günstige bequeme ruhige schnelle moderne saubere sichere Nachtzug Tickets Wien")
	}},
	{name: "no keyphrase", check: CheckKeyphraseLength, want: Problem, score: -1, mut: func(f *fixture) { f.kw = "" }},
	{name: "function words only", check: CheckKeyphraseLength, want: Problem, mut: func(f *fixture) { f.kw = byLang(f, "how to", "der die") }},

	// keyphrase_in_title
	{name: "keyphrase starts title", check: CheckKeyphraseInTitle, want: Good, mut: func(f *fixture) {}},
	{name: "keyphrase after article", check: CheckKeyphraseInTitle, want: Good, mut: func(f *fixture) {
		f.title = byLang(f, "The night train, a calm guide to sleeping on rails", "Der Nachtzug: ein ruhiger Ratgeber für die erste Fahrt")
	}},
	{name: "keyphrase late in title", check: CheckKeyphraseInTitle, want: Improve, mut: func(f *fixture) {
		f.title = byLang(f, "A calm guide to sleeping well on the night train", "Ein ruhiger Ratgeber für die erste Fahrt im Nachtzug")
	}},
	{name: "keyphrase words apart in title", langs: []string{"en"}, check: CheckKeyphraseInTitle, want: Improve, mut: func(f *fixture) {
		f.title = "Train travel at night: a calm guide to sleeping on rails"
	}},
	{name: "keyphrase not in title", check: CheckKeyphraseInTitle, want: Problem, mut: func(f *fixture) {
		f.title = byLang(f, "A calm guide to sleeping on rails", "Ein ruhiger Ratgeber für die erste Fahrt")
	}},
	{name: "SEO title wins over title", check: CheckKeyphraseInTitle, want: Good, mut: func(f *fixture) {
		f.title = byLang(f, "A calm guide to sleeping on rails", "Ein ruhiger Ratgeber für die erste Fahrt")
		f.titleSEO = byLang(f, "Night train: a calm guide to sleeping on rails", "Nachtzug: ein ruhiger Ratgeber für die erste Fahrt")
	}},

	// keyphrase_in_introduction
	{name: "keyphrase in first sentence", check: CheckKeyphraseInIntro, want: Good, mut: func(f *fixture) {}},
	{name: "keyphrase words over two sentences", check: CheckKeyphraseInIntro, want: Improve, mut: func(f *fixture) {
		f.kw = byLang(f, "night train", "Nachtzug Wien")
		f.intro = byLang(f, "At night the city goes quiet. A train leaves at nine. ", "Der Nachtzug fährt pünktlich ab. Wien erreicht man am Morgen. ") + prose(f.lang, 3, 0)
	}},
	{name: "keyphrase not in introduction", check: CheckKeyphraseInIntro, want: Problem, mut: func(f *fixture) { f.intro = prose(f.lang, 4, 0) }},
	{name: "synonym in introduction", check: CheckKeyphraseInIntro, want: Good, mut: func(f *fixture) {
		f.synonyms = []string{byLang(f, "sleeper", "Schlafwagen")}
		f.intro = byLang(f, "The sleeper is a calm way to cross a country. ", "Der Schlafwagen ist ein ruhiger Weg durch das Land. ") + prose(f.lang, 3, 0)
	}},

	// keyphrase_in_meta_description
	{name: "keyphrase once in meta description", check: CheckKeyphraseInMeta, want: Good, mut: func(f *fixture) {}},
	{name: "keyphrase not in meta description", check: CheckKeyphraseInMeta, want: Problem, mut: func(f *fixture) {
		f.desc = byLang(f, "What a berth costs and how to sleep well on board: a calm, practical guide for your first overnight trip across the continent.",
			"Was ein Bett kostet und wie man an Bord gut schläft: ein ruhiger, praktischer Ratgeber für die erste Fahrt über Nacht quer durch Europa.")
	}},
	{name: "keyphrase three times in meta description", check: CheckKeyphraseInMeta, want: Problem, mut: func(f *fixture) {
		f.desc = byLang(f, "Night train facts: the night train, the night train and more about how to sleep well on board on your first overnight trip.",
			"Nachtzug, Nachtzug und noch einmal Nachtzug: alles, was Sie über die erste Fahrt über Nacht wissen müssen, kurz und praktisch erklärt.")
	}},
	{name: "no meta description", check: CheckKeyphraseInMeta, want: Problem, mut: func(f *fixture) { f.desc = "" }},

	// keyphrase_in_slug
	{name: "keyphrase in slug", check: CheckKeyphraseInSlug, want: Good, mut: func(f *fixture) {}},
	{name: "keyphrase not in slug", check: CheckKeyphraseInSlug, want: Improve, mut: func(f *fixture) {
		f.id = byLang(f, "sleeper-guide", "schlafwagen-ratgeber")
	}},
	{name: "umlaut written ue in slug", langs: []string{"de"}, check: CheckKeyphraseInSlug, want: Good, mut: func(f *fixture) {
		f.kw, f.id = "Kaffeemühle", "kaffeemuehle-test"
	}},
	{name: "umlaut dropped in slug", langs: []string{"de"}, check: CheckKeyphraseInSlug, want: Good, mut: func(f *fixture) {
		f.kw, f.id = "Kaffeemühle", "kaffeemuhle-test"
	}},
	{name: "plural keyphrase in singular slug", langs: []string{"en"}, check: CheckKeyphraseInSlug, want: Good, mut: func(f *fixture) {
		f.kw = "night trains"
	}},

	// keyphrase_in_subheadings
	{name: "keyphrase in half the subheadings", check: CheckKeyphraseInSubheading, want: Good, mut: func(f *fixture) {}},
	{name: "keyphrase in no subheading", check: CheckKeyphraseInSubheading, want: Problem, mut: func(f *fixture) {
		f.sections[0].heading = byLang(f, "Booking a berth", "Ein Bett buchen")
		f.sections[2].heading = byLang(f, "Sleeping well", "Gut schlafen")
	}},
	{name: "keyphrase in every subheading", check: CheckKeyphraseInSubheading, want: Problem, mut: func(f *fixture) {
		f.sections[1].heading = byLang(f, "Packing for the night train", "Koffer für den Nachtzug")
		f.sections[3].heading = byLang(f, "Leaving the night train", "Aus dem Nachtzug steigen")
	}},
	{name: "two of three keyphrase words reflect it", langs: []string{"en"}, check: CheckKeyphraseInSubheading, want: Good, mut: func(f *fixture) {
		f.kw = "night train tickets"
	}},
	{name: "one of two keyphrase words does not", langs: []string{"en"}, check: CheckKeyphraseInSubheading, want: Problem, mut: func(f *fixture) {
		f.sections[0].heading, f.sections[2].heading = "Booking a train", "Sleeping at night"
	}},
	{name: "long text without subheadings", check: CheckKeyphraseInSubheading, want: Problem, score: 2, mut: func(f *fixture) {
		for i := range f.sections {
			f.sections[i].heading = ""
		}
	}},
	{name: "short text without subheadings", check: CheckKeyphraseInSubheading, want: Good, mut: func(f *fixture) { f.sections = nil }},

	// keyphrase_density
	{name: "good density", check: CheckKeyphraseDensity, want: Good, mut: func(f *fixture) {}},
	{name: "keyphrase once", check: CheckKeyphraseDensity, want: Problem, score: 4, mut: func(f *fixture) {
		f.sections[0].heading = byLang(f, "Booking a berth", "Ein Bett buchen")
		f.sections[2].heading = byLang(f, "Sleeping well", "Gut schlafen")
	}},
	{name: "keyphrase too often", check: CheckKeyphraseDensity, want: Problem, score: 2, mut: func(f *fixture) {
		f.sections[1].body += " " + repeat(keySentence[f.lang], map[string]int{"en": 8, "de": 12}[f.lang])
	}},
	{name: "keyphrase stuffed", check: CheckKeyphraseDensity, want: Problem, score: 0, mut: func(f *fixture) {
		f.sections[1].body += " " + repeat(keySentence[f.lang], 30)
	}},
	{name: "short text, keyphrase once", check: CheckKeyphraseDensity, want: Good, mut: func(f *fixture) {
		f.sections = nil
	}},

	// keyphrase_in_image_alt
	{name: "keyphrase in image alt", check: CheckKeyphraseInImageAlt, want: Good, mut: func(f *fixture) {}},
	{name: "keyphrase in no image alt", check: CheckKeyphraseInImageAlt, want: Improve, mut: func(f *fixture) {
		f.images = []map[string]any{{"asset": "cabin", "alt": byLang(f, "A cabin with two berths", "Ein Abteil mit zwei Betten")}}
	}},
	{name: "no image alt at all", check: CheckKeyphraseInImageAlt, want: Improve, mut: func(f *fixture) {
		f.images = []map[string]any{{"asset": "cabin"}}
	}},
	{name: "half the keyphrase in image alt", langs: []string{"en"}, check: CheckKeyphraseInImageAlt, want: Good, mut: func(f *fixture) {
		f.images = []map[string]any{{"asset": "cabin", "alt": "A cabin on the train"}}
	}},
	{name: "synonym in image alt", check: CheckKeyphraseInImageAlt, want: Good, mut: func(f *fixture) {
		f.synonyms = []string{byLang(f, "sleeper", "Schlafwagen")}
		f.images = []map[string]any{{"asset": "cabin", "alt": byLang(f, "A sleeper cabin", "Ein Schlafwagen von innen")}}
	}},
	{name: "keyphrase in one of six image alts", check: CheckKeyphraseInImageAlt, want: Improve, mut: func(f *fixture) {
		for i := range 5 {
			f.images = append(f.images, map[string]any{"asset": fmt.Sprintf("view-%d", i), "alt": byLang(f, "A view", "Ein Ausblick")})
		}
	}},

	// keyphrase_used_before
	{name: "keyphrase unique on the site", check: CheckKeyphraseUsedBefore, want: Good, mut: func(f *fixture) { f.others = []string{"sleeper"} }},
	{name: "keyphrase used on another page", check: CheckKeyphraseUsedBefore, want: Improve, mut: func(f *fixture) { f.others = []string{strings.ToUpper(f.kw)} }},
	{name: "keyphrase used on two other pages", check: CheckKeyphraseUsedBefore, want: Problem, mut: func(f *fixture) {
		f.others = []string{f.kw, " " + f.kw + " "}
	}},

	// competing_links
	{name: "no link with the keyphrase", check: CheckCompetingLinks, want: Good, mut: func(f *fixture) {}},
	{name: "internal link with the keyphrase", check: CheckCompetingLinks, want: Problem, mut: func(f *fixture) {
		f.sections[3].body += byLang(f, " See our [night train routes](page:routes).", " Siehe unsere [Nachtzug-Strecken](page:routes).")
	}},

	// seo_title_width
	{name: "title of good width", check: CheckTitleWidth, want: Good, mut: func(f *fixture) {}},
	{name: "short title", check: CheckTitleWidth, want: Improve, mut: func(f *fixture) { f.title = byLang(f, "Night trains", "Nachtzüge") }},
	{name: "long title", check: CheckTitleWidth, want: Problem, mut: func(f *fixture) {
		f.title = byLang(f, "Night train journeys across Europe: a calm and complete guide to booking, packing and sleeping on rails",
			"Nachtzug-Reisen durch Europa: ein ruhiger und vollständiger Ratgeber zum Buchen, Packen und Schlafen auf der Schiene")
	}},
	{name: "title template makes it long", check: CheckTitleWidth, want: Problem, mut: func(f *fixture) {
		f.template = "%s — Slow Miles, a journal of slow travel"
	}},
	{name: "home page has no template", check: CheckTitleWidth, want: Good, mut: func(f *fixture) {
		f.template, f.pageType = "%s — Slow Miles, a journal of slow travel", blueprints.PageHome
	}},

	// meta_description_length
	{name: "meta description of good length", check: CheckMetaLength, want: Good, mut: func(f *fixture) {}},
	{name: "short meta description", check: CheckMetaLength, want: Improve, mut: func(f *fixture) {
		f.desc = byLang(f, "All about the night train.", "Alles über den Nachtzug.")
	}},
	{name: "long meta description", check: CheckMetaLength, want: Improve, mut: func(f *fixture) { f.desc += " " + f.desc }},
	{name: "no meta description", check: CheckMetaLength, want: Problem, mut: func(f *fixture) { f.desc = "" }},
	{name: "SEO description wins", check: CheckMetaLength, want: Good, mut: func(f *fixture) {
		f.descriptionSEO, f.desc = f.desc, "Short."
	}},

	// text_length
	{name: "long enough text", check: CheckTextLength, want: Good, mut: func(f *fixture) {}},
	{name: "slightly short text", check: CheckTextLength, want: Improve, mut: func(f *fixture) { oneText(f, proseWords(f.lang, 270)) }},
	{name: "short text", check: CheckTextLength, want: Problem, score: 3, mut: func(f *fixture) { oneText(f, proseWords(f.lang, 220)) }},
	{name: "very short text", check: CheckTextLength, want: Problem, score: 1, mut: func(f *fixture) { oneText(f, proseWords(f.lang, 150)) }},
	{name: "thin text", check: CheckTextLength, want: Problem, score: 0, mut: func(f *fixture) { oneText(f, proseWords(f.lang, 40)) }},
	{name: "product needs fewer words", check: CheckTextLength, want: Good, mut: func(f *fixture) {
		f.entity = igny8.EntityProduct
		oneText(f, proseWords(f.lang, 210))
	}},
	{name: "taxonomy needs 250 words", check: CheckTextLength, want: Improve, mut: func(f *fixture) {
		f.entity = igny8.EntityTaxonomy
		oneText(f, proseWords(f.lang, 210))
	}},

	// internal_links, outbound_links
	{name: "internal link", check: CheckInternalLinks, want: Good, mut: func(f *fixture) {}},
	{name: "no internal link", check: CheckInternalLinks, want: Problem, mut: func(f *fixture) { f.sections[1].body = prose(f.lang, 8, 11) }},
	{name: "link to the page itself", check: CheckInternalLinks, want: Problem, mut: func(f *fixture) {
		f.sections[1].body = prose(f.lang, 8, 11) + " [Top](page:" + f.id + "#top)."
	}},
	{name: "absolute link to the site", check: CheckInternalLinks, want: Good, mut: func(f *fixture) {
		f.sections[1].body = prose(f.lang, 8, 11) + " [Fares](https://www.slowmiles.example/fares/)."
	}},
	{name: "call to action to a page", check: CheckInternalLinks, want: Good, mut: func(f *fixture) {
		f.sections[1].body = prose(f.lang, 8, 11)
		f.extra = append(f.extra, &blueprints.Block{ID: "cta", Type: "cta", V: 1, Props: map[string]any{
			"heading": byLang(f, "Plan a trip", "Reise planen"),
			"actions": []any{map[string]any{"label": byLang(f, "Contact us", "Kontakt"), "href": "page:contact"}}}})
	}},
	{name: "outbound link", check: CheckOutboundLinks, want: Good, mut: func(f *fixture) {}},
	{name: "no outbound link", check: CheckOutboundLinks, want: Problem, mut: func(f *fixture) { f.sections[1].body = prose(f.lang, 8, 11) }},

	// images, image_alt_text
	{name: "an image", check: CheckImages, want: Good, mut: func(f *fixture) {}},
	{name: "no image", check: CheckImages, want: Problem, mut: func(f *fixture) { f.images = nil }},
	{name: "Markdown image", check: CheckImages, want: Good, mut: func(f *fixture) {
		f.images = nil
		f.sections[0].body += "\n\n![A berth](asset:berth)"
	}},
	{name: "every image described", check: CheckImageAlt, want: Good, mut: func(f *fixture) {}},
	{name: "alt text from the asset", check: CheckImageAlt, want: Good, mut: func(f *fixture) {
		f.images = []map[string]any{{"asset": "cabin"}}
		f.assetAlt = map[string]string{"cabin": "A cabin"}
	}},
	{name: "one image not described", check: CheckImageAlt, want: Improve, mut: func(f *fixture) {
		f.images = append(f.images, map[string]any{"asset": "platform"})
	}},
	{name: "featured image not described", check: CheckImageAlt, want: Improve, mut: func(f *fixture) { f.featuredNoAlt = true }},
	{name: "no image described", check: CheckImageAlt, want: Problem, mut: func(f *fixture) {
		f.images = []map[string]any{{"asset": "cabin"}, {"asset": "platform", "alt": " "}}
	}},

	// single_h1
	{name: "title is the only H1", check: CheckSingleH1, want: Good, mut: func(f *fixture) {}},
	{name: "H1 in the text", check: CheckSingleH1, want: Problem, mut: func(f *fixture) {
		f.sections[0].body = "# " + byLang(f, "Booking", "Buchen") + "\n\n" + f.sections[0].body
	}},

	// flesch_reading_ease
	{name: "plain text", check: CheckFlesch, want: Good, mut: func(f *fixture) {}},
	{name: "fairly difficult text", check: CheckFlesch, want: Improve, mut: func(f *fixture) {
		oneText(f, prose(f.lang, 20, 0)+" "+repeat(hardSentence[f.lang], map[string]int{"en": 5, "de": 5}[f.lang]))
	}},
	{name: "difficult text", check: CheckFlesch, want: Problem, mut: func(f *fixture) {
		oneText(f, prose(f.lang, 10, 0)+" "+repeat(hardSentence[f.lang], 10))
	}},

	// sentence_length
	{name: "short sentences", check: CheckSentenceLength, want: Good, mut: func(f *fixture) {}},
	{name: "some long sentences", check: CheckSentenceLength, want: Improve, mut: func(f *fixture) {
		oneText(f, prose(f.lang, 29, 0)+" "+repeat(longSentence[f.lang], 11))
	}},
	{name: "many long sentences", check: CheckSentenceLength, want: Problem, mut: func(f *fixture) {
		oneText(f, prose(f.lang, 10, 0)+" "+repeat(longSentence[f.lang], 10))
	}},

	// paragraph_length
	{name: "short paragraphs", check: CheckParagraphLength, want: Good, mut: func(f *fixture) {}},
	{name: "a long paragraph", check: CheckParagraphLength, want: Improve, mut: func(f *fixture) { f.sections[0].body = proseWords(f.lang, 170) }},
	{name: "a very long paragraph", check: CheckParagraphLength, want: Problem, mut: func(f *fixture) { f.sections[0].body = proseWords(f.lang, 220) }},

	// subheading_distribution
	{name: "sections of good length", check: CheckSubheadingDistribution, want: Good, mut: func(f *fixture) {}},
	{name: "a long section", check: CheckSubheadingDistribution, want: Improve, mut: func(f *fixture) {
		f.sections[0].body = proseWords(f.lang, 100) + "\n\n" + proseWords(f.lang, 100) + "\n\n" + proseWords(f.lang, 125)
	}},
	{name: "a very long section", check: CheckSubheadingDistribution, want: Problem, score: 3, mut: func(f *fixture) {
		f.sections[0].body = proseWords(f.lang, 130) + "\n\n" + proseWords(f.lang, 130) + "\n\n" + proseWords(f.lang, 130)
	}},
	{name: "a long text before the first subheading", check: CheckSubheadingDistribution, want: Problem, score: 3, mut: func(f *fixture) {
		f.intro = proseWords(f.lang, 130) + "\n\n" + proseWords(f.lang, 130) + "\n\n" + proseWords(f.lang, 130)
	}},
	{name: "no subheadings", check: CheckSubheadingDistribution, want: Problem, score: 2, mut: func(f *fixture) {
		for i := range f.sections {
			f.sections[i].heading = ""
		}
	}},

	// passive_voice
	{name: "active sentences", check: CheckPassiveVoice, want: Good, mut: func(f *fixture) {}},
	{name: "some passive sentences", check: CheckPassiveVoice, want: Improve, mut: func(f *fixture) {
		f.sections[3].body += " " + repeat(passiveSentence[f.lang], 5)
	}},
	{name: "many passive sentences", check: CheckPassiveVoice, want: Problem, mut: func(f *fixture) {
		f.sections[3].body += " " + repeat(passiveSentence[f.lang], 10)
	}},

	// transition_words
	{name: "enough transition words", check: CheckTransitionWords, want: Good, mut: func(f *fixture) {}},
	{name: "a quarter with transition words", check: CheckTransitionWords, want: Improve, mut: func(f *fixture) { oneText(f, proseEvery(f.lang, 40, 4)) }},
	{name: "no transition words", check: CheckTransitionWords, want: Problem, mut: func(f *fixture) { oneText(f, proseEvery(f.lang, 40, 0)) }},
	{name: "short text without transition words", check: CheckTransitionWords, want: Good, mut: func(f *fixture) { oneText(f, proseEvery(f.lang, 10, 0)) }},

	// consecutive_sentences
	{name: "varied beginnings", check: CheckSentenceBeginnings, want: Good, mut: func(f *fixture) {}},
	{name: "three sentences start alike", check: CheckSentenceBeginnings, want: Problem, mut: func(f *fixture) {
		f.sections[0].body += byLang(f, " Our dog sleeps. Our cat sleeps. Our bird sings.", " Unser Hund schläft. Unser Kater schläft. Unser Vogel singt.")
	}},
	{name: "articles are skipped", check: CheckSentenceBeginnings, want: Good, mut: func(f *fixture) {
		f.sections[0].body += byLang(f, " The dog sleeps. The cat sleeps. The bird sings.", " Der Hund schläft. Der Kater schläft. Der Vogel singt.")
	}},
}

func TestChecks(t *testing.T) {
	t.Parallel()
	covered := map[string]map[Verdict]bool{}
	for _, tc := range checkCases {
		langs := tc.langs
		if langs == nil {
			langs = []string{"en", "de"}
		}
		for _, lang := range langs {
			t.Run(lang+"/"+tc.check+"/"+tc.name, func(t *testing.T) {
				f := base(lang).with(tc.mut)
				a := Analyze(f.input())
				c := mustCheck(t, a, tc.check)
				if c.Verdict != tc.want {
					t.Errorf("%s = %s (%d): %s %v; want %s", tc.check, c.Verdict, c.Score, c.Message, c.Details, tc.want)
				}
				switch {
				case tc.score > 0 && c.Score != tc.score:
					t.Errorf("%s scores %d, want %d", tc.check, c.Score, tc.score)
				case tc.score < 0 && c.Score != 0:
					t.Errorf("%s scores %d, want 0", tc.check, c.Score)
				}
				if c.Message == "" || c.Title == "" {
					t.Errorf("%s has no message or title: %+v", tc.check, c)
				}
			})
			if covered[tc.check] == nil {
				covered[tc.check] = map[Verdict]bool{}
			}
			covered[tc.check][tc.want] = true
		}
	}
	// Every check is tested for good and for a problem or something to improve.
	for id := range checkTitles {
		if !covered[id][Good] || !covered[id][Improve] && !covered[id][Problem] {
			t.Errorf("check %s lacks cases: %v", id, covered[id])
		}
	}
}

// Checks that need no keyphrase still run without one; those that do
// score 0.
func TestNoKeyphrase(t *testing.T) {
	t.Parallel()
	f := base("en")
	f.kw = ""
	a := Analyze(f.input())
	for _, id := range []string{CheckKeyphraseLength, CheckKeyphraseInTitle, CheckKeyphraseInIntro, CheckKeyphraseInMeta,
		CheckKeyphraseInSlug, CheckKeyphraseInSubheading, CheckKeyphraseDensity, CheckKeyphraseInImageAlt, CheckKeyphraseUsedBefore} {
		if c := mustCheck(t, a, id); c.Verdict != Problem || c.Score != 0 {
			t.Errorf("%s without a keyphrase = %s (%d)", id, c.Verdict, c.Score)
		}
	}
	if c := mustCheck(t, a, CheckFlesch); c.Verdict != Good {
		t.Errorf("reading ease without a keyphrase = %s", c.Verdict)
	}
	if _, ok := a.Check(CheckCompetingLinks); ok {
		t.Errorf("competing links ran without a keyphrase")
	}
	if a.Score >= Analyze(base("en").input()).Score {
		t.Errorf("no keyphrase scores %d, not below the base's", a.Score)
	}
}

// Languages without a formula, passive or transition words leave those
// checks out; French, Spanish, Dutch and Italian have a formula.
func TestLanguageSupport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		locale     string
		flesch     bool
		passive    bool
		transition bool
		text       string
	}{
		{"en-GB", true, true, true, "The train leaves at nine. We sleep well on board."},
		{"de-AT", true, true, true, "Der Zug fährt um neun Uhr ab. Wir schlafen gut an Bord."},
		{"fr", true, false, false, "Le train part à neuf heures. Nous dormons bien à bord."},
		{"es_ES", true, false, false, "El tren sale a las nueve. Dormimos bien a bordo."},
		{"nl", true, false, false, "De trein vertrekt om negen uur. We slapen goed aan boord."},
		{"it", true, false, false, "Il treno parte alle nove. Dormiamo bene a bordo."},
		{"pl", false, false, false, "Pociąg odjeżdża o dziewiątej. Dobrze śpimy w pociągu."},
	}
	for _, tt := range tests {
		p := &blueprints.Page{ID: "p", Type: blueprints.PagePost, Title: "T", Blocks: []*blueprints.Block{
			{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": tt.text}}}}
		a := Analyze(Input{Page: p, Keyword: "train", Locale: tt.locale})
		for id, want := range map[string]bool{CheckFlesch: tt.flesch, CheckPassiveVoice: tt.passive, CheckTransitionWords: tt.transition} {
			if _, ok := a.Check(id); ok != want {
				t.Errorf("%s: %s ran = %v, want %v", tt.locale, id, ok, want)
			}
		}
		if got, want := a.Language, strings.ToLower(tt.locale[:2]); got != want {
			t.Errorf("%s: language %q, want %q", tt.locale, got, want)
		}
		if a.Words == 0 || a.Score <= 0 || a.Score > 100 {
			t.Errorf("%s: %d words, score %d", tt.locale, a.Words, a.Score)
		}
	}
	// The page's language wins over the site's.
	p := &blueprints.Page{ID: "p", Type: blueprints.PagePost, Title: "T", Lang: "de", Blocks: []*blueprints.Block{
		{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Der Zug fährt ab."}}}}
	if got := Analyze(Input{Page: p, Locale: "en-US"}).Language; got != "de" {
		t.Errorf("page lang de, site en-US: analyzed as %q", got)
	}
}

// Spanish and Italian allow 25 words a sentence.
func TestSentenceLengthPerLanguage(t *testing.T) {
	t.Parallel()
	sentence := "Uno " + strings.TrimSpace(strings.Repeat("uno ", 21)) + "."
	for locale, want := range map[string]Verdict{"es": Good, "it": Good, "en": Problem, "fr": Problem} {
		p := &blueprints.Page{ID: "p", Type: blueprints.PagePost, Title: "T", Blocks: []*blueprints.Block{
			{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": repeat(sentence, 5)}}}}
		c := mustCheck(t, Analyze(Input{Page: p, Locale: locale}), CheckSentenceLength)
		if c.Verdict != want {
			t.Errorf("%s: 22-word sentences are %s, want %s", locale, c.Verdict, want)
		}
	}
}

// The text comes from every kind of block, in order; code and raw HTML do
// not count.
func TestDocumentBlocks(t *testing.T) {
	t.Parallel()
	p := &blueprints.Page{ID: "p", Type: blueprints.PageLanding, Title: "Trains", Blocks: []*blueprints.Block{
		{ID: "hero", Type: "hero", V: 2, Props: map[string]any{"heading": "Night trains", "text": "Sleep your way *across* Europe.",
			"image": map[string]any{"asset": "hero", "alt": "A train"}, "actions": []any{map[string]any{"label": "Book now", "href": "page:book"}}}},
		{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Intro text here.\n\n```\ncode words never count\n```\n\n<div>raw html</div>\n\n- one item\n- two items\n\n| a | b |\n|---|---|\n| cell | more |\n"}},
		{ID: "faq", Type: "faq", V: 1, Props: map[string]any{"heading": "Questions", "items": []any{
			map[string]any{"question": "Is it late?", "answer": "Rarely, see [the stats](https://example.org/)."}}}},
		{ID: "cols", Type: "columns", V: 1, Props: map[string]any{"layout": "1-1"}, Children: []*blueprints.Block{
			{ID: "inner", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Inside a column."}}}},
	}}
	a := newAnalyzer(Input{Page: p})
	var got []string
	for _, u := range a.doc.units {
		got = append(got, fmt.Sprintf("%d:%s", u.kind, u.text))
	}
	want := []string{"1:Night trains", "0:Sleep your way across Europe.", "3:Book now", "0:Intro text here.",
		"2:one item", "2:two items", "2:a", "2:b", "2:cell", "2:more", "1:Questions", "2:Is it late?", "0:Rarely, see the stats.", "0:Inside a column."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("units:\n got %q\nwant %q", got, want)
	}
	if got, want := len(a.doc.links), 2; got != want {
		t.Errorf("%d links, want %d", got, want)
	}
	if got, want := len(a.doc.images), 1; got != want {
		t.Errorf("%d images, want %d", got, want)
	}
}

// A hero that opens a landing page is its H1, not a subheading; on a post
// the title is the H1 and the hero's heading a subheading.
func TestHeroHeading(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]int{blueprints.PageLanding: 0, blueprints.PageHome: 0, blueprints.PagePost: 1} {
		p := &blueprints.Page{ID: "p", Type: typ, Title: "Trains", Blocks: []*blueprints.Block{
			{ID: "hero", Type: "hero", V: 2, Props: map[string]any{"heading": "Night trains"}},
			{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Text."}}}}
		a := newAnalyzer(Input{Page: p, Keyword: "night train"})
		if got := len(a.subheadings()); got != want {
			t.Errorf("%s: %d subheadings, want %d", typ, got, want)
		}
		if c := mustCheck(t, Analyze(Input{Page: p}), CheckSingleH1); c.Verdict != Good {
			t.Errorf("%s: single H1 is %s", typ, c.Verdict)
		}
	}
}

// An empty input analyzes without text: every keyword check fails.
func TestEmptyInput(t *testing.T) {
	t.Parallel()
	a := Analyze(Input{})
	if a.Words != 0 || a.Score >= 30 || a.Language != "en" {
		t.Errorf("empty input: %d words, score %d, language %q", a.Words, a.Score, a.Language)
	}
	if c := mustCheck(t, a, CheckTextLength); c.Verdict != Problem {
		t.Errorf("text length of nothing is %s", c.Verdict)
	}
}
