package optimizer

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/blueprints/examples"
)

// bad is a fixture failing most checks Fix can fix: no keyphrase in the
// title, introduction or meta description, a long SEO title, images
// without alt text and a paragraph of over 200 words.
func bad(lang string) fixture {
	return base(lang).with(func(f *fixture) {
		f.title = byLang(f, "A calm and complete guide to sleeping well on rails across the whole of Europe",
			"Ein ruhiger und vollständiger Ratgeber für gutes Schlafen auf der Schiene quer durch Europa")
		f.desc = byLang(f, "A short guide.", "Ein kurzer Ratgeber.")
		f.intro = prose(f.lang, 4, 0)
		f.sections[0].body = proseWords(f.lang, 230) + " See [our fares](page:fares) and *this very long sentence. It goes on* for a while. The end."
		f.images = []map[string]any{{"asset": "cabin", "caption": "ignored"}, {"asset": "platform"}}
		f.images[0] = map[string]any{"asset": "cabin"}
		f.featuredNoAlt = true
		f.sections[3].body += "\n\n![](asset:corridor)"
	})
}

func blockShape(p *blueprints.Page) []string {
	var out []string
	var walk func([]*blueprints.Block)
	walk = func(bs []*blueprints.Block) {
		for _, b := range bs {
			out = append(out, b.ID+":"+b.Type)
			walk(b.Children)
		}
	}
	walk(p.Blocks)
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestFixRaisesScore(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			in := bad(lang).input()
			before := Analyze(in)
			original := mustJSON(t, in.Page)
			fixed, changes := Fix(in, before)
			if got := mustJSON(t, in.Page); got != original {
				t.Errorf("Fix changed its input page")
			}
			in.Page = fixed
			after := Analyze(in)
			t.Logf("score %d → %d; changes:\n%s", before.Score, after.Score, strings.Join(changes, "\n"))
			if after.Score <= before.Score {
				t.Errorf("score %d → %d, not higher", before.Score, after.Score)
			}
			for _, id := range []string{CheckKeyphraseInTitle, CheckKeyphraseInIntro, CheckKeyphraseInMeta, CheckMetaLength,
				CheckImageAlt, CheckParagraphLength, CheckTitleWidth} {
				b, a := mustCheck(t, before, id), mustCheck(t, after, id)
				if b.Verdict == Good {
					t.Errorf("%s was good before the fix: the fixture does not test it", id)
				}
				if a.Verdict != Good {
					t.Errorf("%s after Fix = %s: %s", id, a.Verdict, a.Message)
				}
			}
			// No check got worse.
			for _, a := range after.Checks {
				if b, ok := before.Check(a.ID); ok && a.Score < b.Score {
					t.Errorf("%s got worse: %d → %d (%s)", a.ID, b.Score, a.Score, a.Message)
				}
			}
			if !slices.Equal(blockShape(fixed), blockShape(bad(lang).page())) {
				t.Errorf("blocks changed: %v → %v", blockShape(bad(lang).page()), blockShape(fixed))
			}
			if len(changes) < 6 {
				t.Errorf("only %d changes: %q", len(changes), changes)
			}
			// Fixing again finds nothing more to fix of the same kind.
			_, again := Fix(in, after)
			for _, c := range again {
				if strings.HasPrefix(c, "Introduction") || strings.HasPrefix(c, "Split") {
					t.Errorf("a second Fix still changes: %s", c)
				}
			}
		})
	}
}

// A page that passes every check is left as it is.
func TestFixNothingToDo(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "de"} {
		in := base(lang).input()
		fixed, changes := Fix(in, Analyze(in))
		if len(changes) != 0 {
			t.Errorf("%s: changes %q", lang, changes)
		}
		if mustJSON(t, fixed) != mustJSON(t, in.Page) {
			t.Errorf("%s: the page changed", lang)
		}
	}
	if p, changes := Fix(Input{}, Analysis{}); p != nil || changes != nil {
		t.Errorf("Fix of no page = %v, %v", p, changes)
	}
}

func TestFixIntroductionPerLanguage(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"en": "Here is what you need to know about night train.",
		"de": "Hier erfahren Sie alles Wichtige zum Thema Nachtzug.",
		"fr": "Voici l'essentiel à savoir sur train de nuit.",
		"es": "Esto es lo que necesitas saber sobre tren nocturno.",
		"nl": "Dit moet je weten over nachttrein.",
		"it": "Ecco cosa c'è da sapere su treno notturno.",
	}
	kws := map[string]string{"en": "night train", "de": "Nachtzug", "fr": "train de nuit", "es": "tren nocturno", "nl": "nachttrein", "it": "treno notturno"}
	for lang, want := range tests {
		p := &blueprints.Page{ID: "p", Type: blueprints.PagePost, Title: "T", Lang: lang, Blocks: []*blueprints.Block{
			{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": "## Start\n\nA first paragraph without it\n\nMore text."}}}}
		in := Input{Page: p, Keyword: kws[lang]}
		fixed, _ := Fix(in, Analyze(in))
		md := fixed.Blocks[0].Props["markdown"].(string)
		if wantMD := "## Start\n\nA first paragraph without it. " + want + "\n\nMore text."; md != wantMD {
			t.Errorf("%s:\n got %q\nwant %q", lang, md, wantMD)
		}
		in.Page = fixed
		if c := mustCheck(t, Analyze(in), CheckKeyphraseInIntro); c.Verdict != Good {
			t.Errorf("%s: after Fix the introduction check is %s", lang, c.Verdict)
		}
	}
	// Other languages have no sentence to add.
	p := &blueprints.Page{ID: "p", Type: blueprints.PagePost, Title: "T", Lang: "pl", Blocks: []*blueprints.Block{
		{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Tekst."}}}}
	in := Input{Page: p, Keyword: "pociąg"}
	if fixed, _ := Fix(in, Analyze(in)); fixed.Blocks[0].Props["markdown"] != "Tekst." {
		t.Errorf("Polish introduction changed: %q", fixed.Blocks[0].Props["markdown"])
	}
}

func TestFixMetaDescription(t *testing.T) {
	t.Parallel()
	intro := "The night train is a calm way to cross a country. Our small dog likes to sleep near the warm stove. Kids in the park run after a big red ball. My aunt bakes bread."
	tests := []struct {
		name, desc, seo string
		want            string
	}{
		{name: "missing", want: "The night train is a calm way to cross a country. Our small dog likes to sleep near the warm stove. Kids in the park run after a big red ball."},
		{name: "short", desc: "All about the night train.", want: "All about the night train. The night train is a calm way to cross a country. Our small dog likes to sleep near the warm stove."},
		{name: "short, ends inside a sentence", desc: "The night train.", want: "The night train. The night train is a calm way to cross a country. Our small dog likes to sleep near the warm stove. Kids in the park run after a big red…"},
		{name: "short, filled with sentences", desc: "Night train.", want: "Night train. The night train is a calm way to cross a country. Our small dog likes to sleep near the warm stove. Kids in the park run after a big red ball."},
		{name: "without the keyphrase", desc: "What a berth costs and how to sleep well on board: a calm, practical guide for your first overnight trip across Europe.",
			want: "Night train: What a berth costs and how to sleep well on board: a calm, practical guide for your first overnight trip across Europe."},
		{name: "long", seo: "The night train is the calm way across Europe for us all. " + strings.Repeat("We sleep well and wake up rested in a new city every time we ride. ", 3),
			want: "The night train is the calm way across Europe for us all. We sleep well and wake up rested in a new city every time we ride."},
		{name: "long, sentences too short to end on", seo: "The night train is the calm way across. " + strings.Repeat("We sleep well and wake up rested in a new city every time we ride. ", 3),
			want: "The night train is the calm way across. We sleep well and wake up rested in a new city every time we ride. We sleep well and wake up rested in a new city…"},
		{name: "long without a sentence that fits", desc: "The night train " + strings.Repeat("and the sleeper ", 15) + "end.",
			want: "The night train and the sleeper and the sleeper and the sleeper and the sleeper and the sleeper and the sleeper and the sleeper and the sleeper and the…"},
	}
	for _, tt := range tests {
		p := &blueprints.Page{ID: "night-train", Type: blueprints.PagePost, Title: "Night train guide", Description: tt.desc,
			Blocks: []*blueprints.Block{{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": intro}}}}
		if tt.seo != "" {
			p.SEO = &blueprints.PageSEO{Description: tt.seo}
		}
		in := Input{Page: p, Keyword: "night train"}
		fixed, changes := Fix(in, Analyze(in))
		if fixed.SEO == nil || fixed.SEO.Description != tt.want {
			t.Errorf("%s: description\n got %+v\nwant %q\n%q", tt.name, fixed.SEO, tt.want, changes)
			continue
		}
		if fixed.Description != tt.desc {
			t.Errorf("%s: the page description (excerpt) changed", tt.name)
		}
		n := utf8.RuneCountInString(tt.want)
		if n < MetaDescriptionMin && tt.name != "missing" || n > MetaDescriptionMax {
			t.Errorf("%s: %d characters", tt.name, n)
		}
	}
}

func TestFixTitle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, title, seo, template, kw string
		want                           string
	}{
		{name: "keyphrase first", title: "A calm guide", kw: "night train", want: "Night train: A calm guide"},
		{name: "keyphrase moved to the front", title: "A calm guide to the night train", kw: "night train", want: "Night train: A calm guide"},
		{name: "keyphrase moved from the middle", title: "Sleeping well on night trains, in winter", kw: "night train", want: "Night train: Sleeping well, in winter"},
		{name: "keyphrase at the end", title: "Tickets for the night train", kw: "night train", want: "Night train: Tickets"},
		{name: "with the site's template", title: "A calm guide", template: "%s — Slow Miles", kw: "night train", want: "Night train: A calm guide — Slow Miles"},
		{name: "cut to fit", title: "A calm and complete guide to sleeping well on rails across the whole of Europe", kw: "night train",
			want: "Night train: A calm and complete guide to sleeping well on rails"},
		{name: "too long only", title: "Night trains: a calm and complete guide to sleeping well on rails across the whole of Europe", kw: "night train",
			want: "Night trains: a calm and complete guide to sleeping well on rails"},
		{name: "template too long", title: "Night trains: a calm guide to sleeping well on rails", template: "%s — Slow Miles, a journal of slow travel", kw: "night train",
			want: "Night trains: a calm guide to sleeping well on rails"},
		{name: "short own title gets the template", title: "Night trains", seo: "Night trains", template: "%s — Slow Miles, a travel journal", kw: "night train",
			want: "Night trains — Slow Miles, a travel journal"},
	}
	for _, tt := range tests {
		p := &blueprints.Page{ID: "night-train", Type: blueprints.PagePost, Title: tt.title,
			Blocks: []*blueprints.Block{{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Text."}}}}
		if tt.seo != "" {
			p.SEO = &blueprints.PageSEO{Title: tt.seo}
		}
		in := Input{Page: p, Keyword: tt.kw, TitleTemplate: tt.template}
		fixed, changes := Fix(in, Analyze(in))
		got := ""
		if fixed.SEO != nil {
			got = fixed.SEO.Title
		}
		if got != tt.want {
			t.Errorf("%s: SEO title %q, want %q (%q)", tt.name, got, tt.want, changes)
		}
		if fixed.Title != tt.title {
			t.Errorf("%s: the page title changed to %q", tt.name, fixed.Title)
		}
		if w := TitleWidth(renderedTitle(fixed, tt.template)); w > TitleMaxWidth {
			t.Errorf("%s: %d px", tt.name, w)
		}
	}
}

func TestFixAltTexts(t *testing.T) {
	t.Parallel()
	p := &blueprints.Page{ID: "night-train", Type: blueprints.PagePost, Title: "Night train guide", Image: &blueprints.Image{Asset: "cover"},
		Blocks: []*blueprints.Block{
			{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Intro.\n\n## The cabin\n\n![](asset:cabin)\n\nText.\n\n![A bunk](asset:bunk)"}},
			{ID: "i", Type: "image", V: 1, Props: map[string]any{"image": map[string]any{"asset": "platform"}, "caption": "The platform at dawn. Cold."}},
			{ID: "g", Type: "gallery", V: 1, Props: map[string]any{"images": []any{map[string]any{"image": map[string]any{"asset": "seat", "alt": ""}}}}},
		}}
	in := Input{Page: p, Keyword: "sleeper", Assets: map[string]*blueprints.Asset{"bunk": {Path: "bunk.jpg"}}}
	fixed, changes := Fix(in, Analyze(in))
	t.Logf("%q", changes)
	if got, want := *fixed.Image.Alt, "Night train guide – sleeper"; got != want {
		t.Errorf("featured image alt %q, want %q", got, want)
	}
	// Five images: two need the keyphrase, the first two without alt text
	// get it.
	if got, want := fixed.Blocks[0].Props["markdown"], "Intro. Here is what you need to know about sleeper.\n\n## The cabin\n\n![The cabin – sleeper](asset:cabin)\n\nText.\n\n![A bunk](asset:bunk)"; got != want {
		t.Errorf("markdown %q, want %q", got, want)
	}
	if got, want := fixed.Blocks[1].Props["image"].(map[string]any)["alt"], "The platform at dawn."; got != want {
		t.Errorf("image block alt %q, want %q", got, want)
	}
	seat := fixed.Blocks[2].Props["images"].([]any)[0].(map[string]any)["image"].(map[string]any)
	if got, want := seat["alt"], "The cabin"; got != want {
		t.Errorf("gallery alt %q, want %q", got, want)
	}
	in.Page = fixed
	if c := mustCheck(t, Analyze(in), CheckImageAlt); c.Verdict != Good {
		t.Errorf("image alt after Fix: %s", c.Message)
	}
	if c := mustCheck(t, Analyze(in), CheckKeyphraseInImageAlt); c.Verdict != Good {
		t.Errorf("keyphrase in image alt after Fix: %s", c.Message)
	}
}

func TestSplitParagraph(t *testing.T) {
	t.Parallel()
	en := lookupLanguage("en")
	sentences := strings.Repeat("Our small dog likes to sleep near the warm stove all day. ", 8)
	tests := []struct {
		name  string
		md    string
		parts int
	}{
		{"plain", strings.Repeat(sentences, 3), 3},
		{"soft line breaks", strings.ReplaceAll(strings.Repeat(sentences, 3), "day. Our", "day.\nOur"), 3},
		{"link across a boundary", sentences + "[See. This](page:x) and " + sentences + sentences, 3},
		{"emphasis across a boundary", sentences + "*One. Two.* " + sentences + sentences, 3},
		{"hard break", strings.Replace(strings.Repeat(sentences, 3), ". ", ".  \n", 1), 0},
		{"one long sentence", strings.Repeat("word ", 300) + ".", 0},
	}
	for _, tt := range tests {
		parts := splitParagraph(strings.TrimSpace(tt.md), en)
		if len(parts) != tt.parts {
			t.Errorf("%s: %d parts, want %d: %q", tt.name, len(parts), tt.parts, parts)
			continue
		}
		for _, p := range parts {
			if n := countWords(plainMarkdown(p, en)); n > ParagraphMaxWords {
				t.Errorf("%s: a part of %d words", tt.name, n)
			}
			if strings.Count(p, "[") != strings.Count(p, "]") || strings.Count(p, "*")%2 != 0 {
				t.Errorf("%s: a part breaks the markup: %q", tt.name, p)
			}
		}
	}
}

// The fixed page still validates inside a real blueprint: the blog
// example's posts, fixed, and a new page added and fixed.
func TestFixValidatesInBlueprint(t *testing.T) {
	t.Parallel()
	assets, err := fs.Sub(examples.FS(), "blog")
	if err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(assets, "blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	bp, err := blueprints.Load(data, blueprints.Options{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	decorative := ""
	bp.Assets["plain-photo"] = &blueprints.Asset{Path: "assets/hero.svg", Alt: &decorative} // no alt text
	// A new page failing most checks, with the blog's pages and assets.
	f := bad("en").with(func(f *fixture) {
		f.id = "night-train-tips"
		f.sections[0].body = strings.ReplaceAll(f.sections[0].body, "page:fares", "page:about")
		f.sections[1].body = strings.ReplaceAll(f.sections[1].body, "page:booking", "page:about")
		f.sections[3].body = strings.ReplaceAll(f.sections[3].body, "asset:corridor", "asset:plain-photo")
		f.images = []map[string]any{{"asset": "plain-photo"}, {"asset": "hero"}}
	})
	added := f.page()
	added.Path, added.Date, added.Image = "/journal/night-train-tips/", "2026-01-10", &blueprints.Image{Asset: "plain-photo"}
	bp.Pages = append(bp.Pages, added)
	if ps := blueprints.Validate(bp, blueprints.Options{Assets: assets}); len(ps) > 0 {
		t.Fatalf("the fixture does not validate before Fix: %v", ps)
	}
	fixedPages := 0
	for i, p := range bp.Pages {
		if p.Type != blueprints.PagePost && p != added {
			continue
		}
		in := Input{Page: p, Keyword: "night train", Locale: bp.Site.Locale, TitleTemplate: bp.SEO.TitleTemplate,
			BaseURL: bp.Site.BaseURL, Assets: bp.Assets}
		before := Analyze(in)
		fixed, changes := Fix(in, before)
		if !slices.Equal(blockShape(fixed), blockShape(p)) {
			t.Errorf("%s: blocks changed", p.ID)
		}
		in.Page = fixed
		if after := Analyze(in); after.Score < before.Score || len(changes) > 0 && after.Score == before.Score && p == added {
			t.Errorf("%s: score %d → %d", p.ID, before.Score, after.Score)
		}
		if len(changes) > 0 {
			fixedPages++
		}
		bp.Pages[i] = fixed
	}
	if fixedPages < 10 {
		t.Errorf("only %d pages fixed", fixedPages)
	}
	if ps := blueprints.Validate(bp, blueprints.Options{Assets: assets}); len(ps) > 0 {
		t.Fatalf("the fixed blueprint does not validate: %v", ps)
	}
	// And from JSON, through the schemas.
	out, err := json.Marshal(bp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blueprints.Load(out, blueprints.Options{Assets: assets}); err != nil {
		t.Fatalf("the fixed blueprint does not load: %v", err)
	}
}
