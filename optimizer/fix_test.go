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
		site, pageType                 string
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
		{name: "short title gets the site's name", title: "Night train journeys: a calm guide", kw: "night train", site: "Slow Miles",
			want: "Night train journeys: a calm guide – Slow Miles"},
		{name: "short own SEO title gets the site's name", title: "Night trains", seo: "Night train journeys: a calm guide", kw: "night train", site: " Slow  Miles ",
			want: "Night train journeys: a calm guide – Slow Miles"},
		{name: "template without %s gets the site's name", title: "Night train journeys: a calm guide", template: "Slow Miles", kw: "night train", site: "Slow Miles",
			want: "Night train journeys: a calm guide – Slow Miles"},
		{name: "own title whose template is too wide gets the site's name", title: "Night trains", seo: "Night train journeys: a calm guide",
			template: "%s — Slow Miles, a journal of slow travel by train, boat and on foot", kw: "night train", site: "Slow Miles",
			want: "Night train journeys: a calm guide – Slow Miles"},
		{name: "the template applies, not the site's name", title: "Night train journeys: a calm guide", template: "%s | SM", kw: "night train", site: "Slow Miles"},
		{name: "the home page keeps its title", title: "Night train journeys: a calm guide", kw: "night train", site: "Slow Miles", pageType: blueprints.PageHome},
		{name: "the title has the site's name", title: "Night train journeys with slow miles", kw: "night train", site: "Slow Miles"},
		{name: "the site's name does not fit", title: "Night train journeys: a calm guide", kw: "night train",
			site: "Slow Miles, an independent journal of travel by train, boat and on foot across Europe"},
		{name: "no site name", title: "Night train journeys: a calm guide", kw: "night train"},
		{name: "the keyphrase comes first", title: "A calm guide", kw: "night train", site: "Slow Miles", want: "Night train: A calm guide"},
	}
	for _, tt := range tests {
		p := &blueprints.Page{ID: "night-train", Type: cmpOr(tt.pageType, blueprints.PagePost), Title: tt.title,
			Blocks: []*blueprints.Block{{ID: "b", Type: "richtext", V: 1, Props: map[string]any{"markdown": "Text."}}}}
		if tt.seo != "" {
			p.SEO = &blueprints.PageSEO{Title: tt.seo}
		}
		in := Input{Page: p, Keyword: tt.kw, TitleTemplate: tt.template, SiteName: tt.site}
		fixed, changes := Fix(in, Analyze(in))
		got := ""
		if fixed.SEO != nil && fixed.SEO.Title != tt.seo {
			got = fixed.SEO.Title
		}
		if got != tt.want {
			t.Errorf("%s: SEO title %q, want %q (%q)", tt.name, got, tt.want, changes)
		}
		if tt.want != "" && !slices.ContainsFunc(changes, func(c string) bool { return strings.HasSuffix(c, ": "+quote(tt.want)+".") }) {
			t.Errorf("%s: no change names the new title: %q", tt.name, changes)
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
// example's posts, fixed, and a new page added and fixed; then, for a
// site without a title template, every page.
func TestFixValidatesInBlueprint(t *testing.T) {
	t.Parallel()
	for _, noTemplate := range []bool{false, true} {
		name := "with the title template"
		if noTemplate {
			name = "without a title template"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testFixValidatesInBlueprint(t, noTemplate)
		})
	}
}

func testFixValidatesInBlueprint(t *testing.T, noTemplate bool) {
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
	if noTemplate {
		bp.SEO.TitleTemplate = ""
	}
	decorative := ""
	bp.Assets["plain-photo"] = &blueprints.Asset{Path: "assets/hero.svg", Alt: &decorative} // no alt text
	// A new page failing most checks, with the blog's pages and assets,
	// and no subheading with the keyphrase.
	f := bad("en").with(func(f *fixture) {
		f.id = "night-train-tips"
		f.sections[0].body = strings.ReplaceAll(f.sections[0].body, "page:fares", "page:about")
		f.sections[1].body = strings.ReplaceAll(f.sections[1].body, "page:booking", "page:about")
		f.sections[3].body = strings.ReplaceAll(f.sections[3].body, "asset:corridor", "asset:plain-photo")
		f.images = []map[string]any{{"asset": "plain-photo"}, {"asset": "hero"}}
		f.sections[0].heading, f.sections[2].heading = "Booking a berth", "Sleeping on board"
	})
	added := f.page()
	added.Path, added.Date, added.Image = "/journal/night-train-tips/", "2026-01-10", &blueprints.Image{Asset: "plain-photo"}
	bp.Pages = append(bp.Pages, added)
	if ps := blueprints.Validate(bp, blueprints.Options{Assets: assets}); len(ps) > 0 {
		t.Fatalf("the fixture does not validate before Fix: %v", ps)
	}
	fixedPages := 0
	var all []string
	for i, p := range bp.Pages {
		if p.Type != blueprints.PagePost && p != added && !noTemplate {
			continue
		}
		in := Input{Page: p, Keyword: "night train", Locale: bp.Site.Locale, TitleTemplate: bp.SEO.TitleTemplate,
			SiteName: bp.Site.Name, BaseURL: bp.Site.BaseURL, Assets: bp.Assets}
		before := Analyze(in)
		fixed, changes := Fix(in, before)
		if !slices.Equal(blockShape(fixed), blockShape(p)) {
			t.Errorf("%s: blocks changed", p.ID)
		}
		in.Page = fixed
		if after := Analyze(in); after.Score < before.Score || len(changes) > 0 && after.Score == before.Score && p == added {
			t.Errorf("%s: score %d → %d", p.ID, before.Score, after.Score)
		}
		if p == added && !slices.ContainsFunc(changes, func(c string) bool { return strings.HasPrefix(c, "Subheadings: added the focus keyword to 2 of 4") }) {
			t.Errorf("%s: no subheading got the keyphrase: %q", p.ID, changes)
		}
		for _, c := range changes {
			if strings.HasPrefix(c, "SEO title: added the site's name") && (p.Type == blueprints.PageHome || !noTemplate) {
				t.Errorf("%s: %s", p.ID, c)
			}
		}
		if len(changes) > 0 {
			fixedPages++
		}
		all = append(all, changes...)
		bp.Pages[i] = fixed
	}
	if fixedPages < 10 {
		t.Errorf("only %d pages fixed", fixedPages)
	}
	named := slices.ContainsFunc(all, func(c string) bool { return strings.HasPrefix(c, "SEO title: added the site's name") })
	if named != noTemplate {
		t.Errorf("the site's name added: %v", named)
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

// A short title without a template gets the site's name, which makes it
// wide enough.
func TestFixTitleSiteName(t *testing.T) {
	t.Parallel()
	f := base("en").with(func(f *fixture) { f.title = "Night train journeys: a calm guide" })
	in := f.input()
	in.SiteName = "Slow Miles"
	before := Analyze(in)
	if c := mustCheck(t, before, CheckTitleWidth); c.Verdict != Improve {
		t.Fatalf("title width before Fix = %s: %s", c.Verdict, c.Message)
	}
	fixed, changes := Fix(in, before)
	if want := []string{"SEO title: added the site's name: “Night train journeys: a calm guide – Slow Miles”."}; !slices.Equal(changes, want) {
		t.Errorf("changes %q, want %q", changes, want)
	}
	if fixed.Title != f.title {
		t.Errorf("the page title changed to %q", fixed.Title)
	}
	in.Page = fixed
	after := Analyze(in)
	if c := mustCheck(t, after, CheckTitleWidth); c.Verdict != Good {
		t.Errorf("title width after Fix = %s: %s", c.Verdict, c.Message)
	}
	if c := mustCheck(t, after, CheckKeyphraseInTitle); c.Verdict != Good {
		t.Errorf("keyphrase in title after Fix = %s: %s", c.Verdict, c.Message)
	}
	if after.Score <= before.Score {
		t.Errorf("score %d → %d, not higher", before.Score, after.Score)
	}
	// With the site's template, the build adds the site's name itself.
	in = f.input()
	in.SiteName, in.TitleTemplate = "Slow Miles", "%s | SM"
	if fixed, changes := Fix(in, Analyze(in)); fixed.SEO != nil || len(changes) != 0 {
		t.Errorf("with a template: SEO %+v, changes %q", fixed.SEO, changes)
	}
}

// subheadingText is the Markdown of a page whose subheadings are given:
// an introduction with the keyphrase, then each heading line and a
// section of plain prose.
func subheadingText(lang, intro string, headings ...string) string {
	parts := []string{intro + " " + prose(lang, 3, 0)}
	for i, h := range headings {
		parts = append(parts, h, prose(lang, 8, 3+8*i))
	}
	return strings.Join(parts, "\n\n") + "\n"
}

func TestFixSubheadings(t *testing.T) {
	t.Parallel()
	const (
		introEN  = "In short, the night train is a calm way to cross a country."
		introFHA = "In short, an FHA streamline refinance lowers the rate of a loan you have."
	)
	tests := []struct {
		name, lang, kw, title, pageType string
		blocks                          []*blueprints.Block
		want                            map[string]string // "block/prop": text after Fix
		change                          string
	}{
		{
			name: "spread over the headings it can take", lang: "en", kw: "night train", title: "Night train guide",
			blocks: []*blueprints.Block{
				{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": subheadingText("en", introEN,
					"## Booking a berth", "## Is it worth it?", "## What to pack ##", "### Sleeping on board",
					"Arriving in the morning\n-----------------------")}},
				{ID: "why", Type: "features", V: 1, Props: map[string]any{"heading": "Why travel by rail",
					"items": []any{map[string]any{"title": "Calm", "text": "A quiet cabin."}}}},
			},
			want: map[string]string{
				"body/markdown": subheadingText("en", introEN,
					"## Booking a berth", "## Is it worth it?", "## What to pack: night train ##", "### Sleeping on board",
					"Arriving in the morning\n-----------------------"),
				"why/heading": "Why travel by rail: night train",
			},
			change: "Subheadings: added the focus keyword to 2 of 6: “What to pack: night train”, “Why travel by rail: night train”.",
		},
		{
			name: "the keyphrase as the title writes it", lang: "en", kw: "fha streamline refinance", title: "An FHA streamline refinance, step by step",
			blocks: []*blueprints.Block{{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": subheadingText("en", introFHA,
				"## Who qualifies", "## Costs and fees", "## How to apply")}}},
			want: map[string]string{"body/markdown": subheadingText("en", introFHA,
				"## Who qualifies", "## Costs and fees: FHA streamline refinance", "## How to apply")},
			change: "Subheadings: added the focus keyword to 1 of 3: “Costs and fees: FHA streamline refinance”.",
		},
		{
			name: "the hero's heading is the H1", lang: "en", kw: "night train", title: "Night train guide", pageType: blueprints.PagePage,
			blocks: []*blueprints.Block{
				{ID: "hero", Type: "hero", V: 2, Props: map[string]any{"heading": "Welcome aboard"}},
				{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": subheadingText("en", introEN,
					"## Booking a berth", "## What to pack", "## Sleeping on board")}},
			},
			want: map[string]string{
				"hero/heading": "Welcome aboard",
				"body/markdown": subheadingText("en", introEN,
					"## Booking a berth", "## What to pack: night train", "## Sleeping on board"),
			},
			change: "Subheadings: added the focus keyword to 1 of 3: “What to pack: night train”.",
		},
		{
			name: "German", lang: "de", kw: "nachtzug", title: "Nachtzug-Reisen: ein ruhiger Ratgeber",
			blocks: []*blueprints.Block{{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": subheadingText("de",
				"Kurz gesagt ist der Nachtzug ein ruhiger Weg durch das Land.",
				"## Die Buchung", "## Was in den Koffer gehört", "## Schlafen an Bord", "## Ankunft am Morgen")}}},
			want: map[string]string{"body/markdown": subheadingText("de", "Kurz gesagt ist der Nachtzug ein ruhiger Weg durch das Land.",
				"## Die Buchung", "## Was in den Koffer gehört: Nachtzug", "## Schlafen an Bord", "## Ankunft am Morgen: Nachtzug")},
			change: "Subheadings: added the focus keyword to 2 of 4: “Was in den Koffer gehört: Nachtzug”, “Ankunft am Morgen: Nachtzug”.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := &blueprints.Page{ID: "p", Type: cmpOr(tt.pageType, blueprints.PagePost), Title: tt.title, Lang: tt.lang, Blocks: tt.blocks}
			in := Input{Page: p, Keyword: tt.kw}
			before := Analyze(in)
			if c := mustCheck(t, before, CheckKeyphraseInSubheading); c.Verdict == Good {
				t.Fatalf("subheadings good before Fix: %s", c.Message)
			}
			fixed, changes := Fix(in, before)
			if !slices.Contains(changes, tt.change) {
				t.Errorf("changes %q\nwant one %q", changes, tt.change)
			}
			for _, b := range fixed.Blocks {
				for k, v := range b.Props {
					if want, ok := tt.want[b.ID+"/"+k]; ok && v != want {
						t.Errorf("%s/%s:\n got %q\nwant %q", b.ID, k, v, want)
					}
				}
			}
			if !slices.Equal(blockShape(fixed), blockShape(p)) {
				t.Errorf("blocks changed: %v → %v", blockShape(p), blockShape(fixed))
			}
			in.Page = fixed
			after := Analyze(in)
			if c := mustCheck(t, after, CheckKeyphraseInSubheading); c.Verdict != Good {
				t.Errorf("subheadings after Fix = %s: %s", c.Verdict, c.Message)
			}
			if after.Score <= before.Score {
				t.Errorf("score %d → %d, not higher", before.Score, after.Score)
			}
			for _, a := range after.Checks {
				if b, ok := before.Check(a.ID); ok && a.Score < b.Score {
					t.Errorf("%s got worse: %d → %d (%s)", a.ID, b.Score, a.Score, a.Message)
				}
			}
			if _, again := Fix(in, after); slices.ContainsFunc(again, func(c string) bool { return strings.HasPrefix(c, "Subheadings") }) {
				t.Errorf("a second Fix still changes subheadings: %q", again)
			}
		})
	}
}

// Subheadings Fix cannot or must not change are left as they are.
func TestFixSubheadingsLeftAlone(t *testing.T) {
	t.Parallel()
	const intro = "In short, the night train is a calm way to cross a country."
	tests := []struct{ name, md string }{
		{"questions and exclamations", subheadingText("en", intro, "## Is it worth it?", "## Which berth?", "## Book early!", "## What next…")},
		{"already in enough", subheadingText("en", intro, "## Booking a night train", "## What to pack", "## Sleeping on the night train", "## Arriving")},
		{"already in too many", subheadingText("en", intro, "## Booking a night train", "## Night train food", "## Sleeping on the night train", "## Arriving by night train")},
		{"none that Fix can locate", subheadingText("en", intro, "Booking a berth\n===============", "> ## What to pack", "- ## Sleeping on board")},
		{"fewer candidates than needed", subheadingText("en", intro, "## Booking a berth", "## Is it worth it?", "## Which berth?", "## Book early!", "## What next?", "## Why?", "## How?")},
		// Under 100 words with the keyphrase twice, a third would be too
		// many.
		{"the density would get worse", "The night train is calm. Our night train runs at nine.\n\n## Booking a berth\n\n" + prose("en", 2, 3) +
			"\n\n## What to pack\n\n" + prose("en", 2, 5) + "\n"},
	}
	for _, tt := range tests {
		p := &blueprints.Page{ID: "p", Type: blueprints.PagePost, Title: "Night train guide",
			Blocks: []*blueprints.Block{{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": tt.md}}}}
		in := Input{Page: p, Keyword: "night train"}
		before := Analyze(in)
		fixed, changes := Fix(in, before)
		if got := fixed.Blocks[0].Props["markdown"]; got != tt.md {
			t.Errorf("%s: the text changed:\n got %q\nwant %q", tt.name, got, tt.md)
		}
		if slices.ContainsFunc(changes, func(c string) bool { return strings.HasPrefix(c, "Subheadings") }) {
			t.Errorf("%s: changes %q", tt.name, changes)
		}
		c := mustCheck(t, before, CheckKeyphraseInSubheading)
		if tt.name == "already in enough" && c.Verdict != Good || tt.name != "already in enough" && c.Verdict == Good {
			t.Errorf("%s: the subheadings check is %s before Fix: %s", tt.name, c.Verdict, c.Message)
		}
	}
}

func TestATXHeadingSpan(t *testing.T) {
	t.Parallel()
	tests := []struct{ md, want string }{ // want "" for no span
		{"## Foo", "Foo"},
		{"## Foo ##", "Foo"},
		{"## Foo ##   \n\nText.", "Foo"},
		{"##   Foo  \t", "Foo"},
		{"   ## Foo", "Foo"},
		{"##\tFoo", "Foo"},
		{"## Foo\r\n\r\nText.", "Foo"},
		{"## C#", "C#"},
		{"## Foo \\#", "Foo \\#"},
		{"## *Foo* [bar](page:x)", "*Foo* [bar](page:x)"},
		{"Text.\n\n### Foo #\nMore.", "Foo"},
		{"Foo\n===", ""},
		{"Foo\nbar\n---", ""},
		{"> ## Foo", ""},
		{"- ## Foo", ""},
	}
	en := lookupLanguage("en")
	for _, tt := range tests {
		b := &docBuilder{d: &document{}, lang: en}
		blk := &blueprints.Block{Props: map[string]any{"markdown": tt.md}}
		b.markdown(tt.md, propRef{block: blk, path: []any{"markdown"}})
		got := ""
		for _, u := range b.d.units {
			if u.kind == kindHeading && u.span != nil {
				got = tt.md[u.span.start:u.span.end]
			}
		}
		if got != tt.want {
			t.Errorf("%q: span %q, want %q", tt.md, got, tt.want)
		}
	}
}

func TestKeyphraseAsIn(t *testing.T) {
	t.Parallel()
	en, de := lookupLanguage("en"), lookupLanguage("de")
	tests := []struct {
		kw, title string
		lang      *language
		want      string
	}{
		{"fha streamline refinance", "FHA streamline refinance: what to know", en, "FHA streamline refinance"},
		{"fha streamline refinance", "An FHA Streamline Refinance guide", en, "FHA Streamline Refinance"},
		{"night train", "Night train journeys", en, "night train"},
		{"night train", "Tips: Night train journeys", en, "night train"},
		{"night train", "Sleeping on the Night Train", en, "Night Train"},
		{"night train", "Night trains for beginners", en, "night train"},
		{"night train", "A guide", en, "night train"},
		{"nachtzug", "Nachtzug-Reisen: ein Ratgeber", de, "Nachtzug"},
		{"Nachtzug", "Schlafen im Nachtzug", de, "Nachtzug"},
		{"İstanbul", "istanbul trip", en, "İstanbul"},
	}
	for _, tt := range tests {
		if got := keyphraseAsIn(tt.kw, tt.title, tt.lang); got != tt.want {
			t.Errorf("keyphraseAsIn(%q, %q) = %q, want %q", tt.kw, tt.title, got, tt.want)
		}
	}
}
