package optimizer

import (
	"math"
	"testing"
)

// Fixing failing checks one at a time raises the score at every step,
// and the step's check scores more.
func TestScoreRisesWithEachFix(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "de"} {
		good := base(lang)
		f := base(lang).with(func(f *fixture) {
			f.title = byLang(f, "A calm guide to sleeping on rails", "Ein ruhiger Ratgeber für die erste Fahrt")
			f.desc = ""
			f.intro = prose(f.lang, 4, 0)
			f.images = nil
			f.sections[1].body = prose(f.lang, 8, 11)
			f.sections[3].body = proseWords(f.lang, 220)
		})
		steps := []struct {
			check string
			fix   func(f *fixture)
		}{
			{CheckKeyphraseInTitle, func(f *fixture) { f.title = good.title }},
			{CheckMetaLength, func(f *fixture) { f.desc = good.desc }},
			{CheckKeyphraseInIntro, func(f *fixture) { f.intro = good.intro }},
			{CheckImages, func(f *fixture) { f.images = good.images }},
			{CheckInternalLinks, func(f *fixture) { f.sections[1].body = good.sections[1].body }},
			{CheckParagraphLength, func(f *fixture) { f.sections[3].body = good.sections[3].body }},
		}
		prev := Analyze(f.input())
		for _, s := range steps {
			f = f.with(s.fix)
			next := Analyze(f.input())
			if next.Score <= prev.Score {
				t.Errorf("%s: fixing %s: score %d → %d", lang, s.check, prev.Score, next.Score)
			}
			if b, a := mustCheck(t, prev, s.check), mustCheck(t, next, s.check); a.Score <= b.Score {
				t.Errorf("%s: fixing %s: it scores %d → %d", lang, s.check, b.Score, a.Score)
			}
			prev = next
		}
		if prev.Score != 100 {
			t.Errorf("%s: all fixed, the score is %d: %v", lang, prev.Score, ids(prev))
		}
	}
}

// Every failing case of TestChecks scores below the base, which passes
// every check: undoing its change is a fix that raises the score.
func TestFailingCheckLowersScore(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "de"} {
		top := Analyze(base(lang).input()).Score
		for _, tc := range checkCases {
			if tc.want == Good || tc.langs != nil && tc.langs[0] != lang {
				continue
			}
			if got := Analyze(base(lang).with(tc.mut).input()).Score; got >= top {
				t.Errorf("%s: %s (%s %s) scores %d, the base %d", lang, tc.name, tc.check, tc.want, got, top)
			}
		}
	}
}

// The score is the checks' scores over their maximum.
func TestScoreFormula(t *testing.T) {
	t.Parallel()
	a := Analyze(base("en").with(func(f *fixture) { f.desc = ""; f.images = nil }).input())
	sum, seo, seoN, read, readN := 0, 0, 0, 0, 0
	for _, c := range a.Checks {
		if c.Score < 0 || c.Score > MaxCheckScore || c.Verdict != verdict(c.Score) {
			t.Errorf("%s: score %d, verdict %s", c.ID, c.Score, c.Verdict)
		}
		sum += c.Score
		if c.Group == GroupSEO {
			seo += c.Score
			seoN++
		} else {
			read += c.Score
			readN++
		}
	}
	pct := func(s, n int) int { return int(math.Round(100 * float64(s) / float64(9*n))) }
	if got, want := a.Score, pct(sum, len(a.Checks)); got != want {
		t.Errorf("score %d, want %d", got, want)
	}
	if got, want := a.SEOScore, pct(seo, seoN); got != want {
		t.Errorf("SEO score %d, want %d", got, want)
	}
	if got, want := a.ReadabilityScore, pct(read, readN); got != want {
		t.Errorf("readability score %d, want %d", got, want)
	}
	if a.SEOScore >= 100 || a.ReadabilityScore != 100 {
		t.Errorf("SEO %d, readability %d", a.SEOScore, a.ReadabilityScore)
	}
}
