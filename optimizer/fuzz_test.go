package optimizer

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/igny8/igny8/blueprints"
)

// FuzzAnalyze analyzes and fixes random pages: no panic, a score in
// range, verdicts that follow scores, and a fix that keeps the blocks.
// The seed corpus is in testdata/fuzz/FuzzAnalyze.
func FuzzAnalyze(f *testing.F) {
	f.Add("Text with [a link](page:other).\n\n## A heading\n\nMore text.", "night train", "en-GB", "Night train", "A description.")
	f.Fuzz(func(t *testing.T, md, keyword, locale, title, desc string) {
		alt := title
		p := &blueprints.Page{ID: "fuzz", Path: "/fuzz/", Type: blueprints.PagePost, Title: title, Description: desc,
			Image: &blueprints.Image{Asset: "cover"},
			Blocks: []*blueprints.Block{
				{ID: "hero", Type: "hero", V: 2, Props: map[string]any{"heading": title, "text": desc}},
				{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": md}},
				{ID: "img", Type: "image", V: 1, Props: map[string]any{"image": map[string]any{"asset": "a", "alt": alt}, "caption": md}},
				{ID: "faq", Type: "faq", V: 1, Props: map[string]any{"items": []any{map[string]any{"question": title, "answer": md}}}},
			}}
		template := "%s | " + desc
		if len(desc)%2 == 1 {
			template = "" // the site's name applies
		}
		in := Input{Page: p, Keyword: keyword, Synonyms: []string{desc}, Locale: locale, OtherKeywords: []string{keyword, title},
			TitleTemplate: template, SiteName: desc, BaseURL: "https://" + locale + ".example/"}
		a := Analyze(in)
		if a.Score < 0 || a.Score > 100 || a.SEOScore < 0 || a.SEOScore > 100 || a.ReadabilityScore < 0 || a.ReadabilityScore > 100 {
			t.Fatalf("scores %d %d %d", a.Score, a.SEOScore, a.ReadabilityScore)
		}
		for _, c := range a.Checks {
			if c.Score < 0 || c.Score > MaxCheckScore || c.Verdict != verdict(c.Score) || c.Message == "" {
				t.Fatalf("check %+v", c)
			}
			if !utf8.ValidString(c.Message) && utf8.ValidString(md+keyword+title+desc) {
				t.Fatalf("check %s: invalid UTF-8 in %q", c.ID, c.Message)
			}
		}
		fixed, _ := Fix(in, a)
		if !slices.Equal(blockShape(fixed), blockShape(p)) {
			t.Fatalf("Fix changed the blocks: %v", blockShape(fixed))
		}
		in.Page = fixed
		if b := Analyze(in); b.Score < 0 || b.Score > 100 {
			t.Fatalf("score after Fix %d", b.Score)
		}
	})
}
