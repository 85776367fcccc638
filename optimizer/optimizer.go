package optimizer

import (
	"math"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// Input is one content piece to analyze and what the analysis needs to
// know of its site.
type Input struct {
	// Page is the content piece. Analyze never modifies it.
	Page *blueprints.Page
	// Keyword is the focus keyphrase (igny8.Content's TargetKeyword). In
	// double quotes ("\"night train\"") it is matched exactly, function
	// words included, in order.
	Keyword string
	// Synonyms count as the keyphrase in the introduction, the meta
	// description, subheadings and image alt texts.
	Synonyms []string
	// Locale is the site's locale ("en-GB"); the page's Lang wins over
	// it. Empty means English.
	Locale string
	// EntityType is igny8.EntityPost, EntityPage, EntityProduct,
	// EntityService or EntityTaxonomy; empty takes it from the page type.
	EntityType string
	// OtherKeywords are the focus keyphrases of the site's other pages,
	// for the "already used" check. The caller leaves this page's own out.
	OtherKeywords []string
	// TitleTemplate is the site's SEO title template ("%s — Slow Miles"),
	// applied as the site build applies it.
	TitleTemplate string
	// SiteName is the site's name, which Fix may append to a short SEO
	// title ("Night trains – Slow Miles") when no template applies, as
	// Yoast's default title "%title% - %sitename%" does.
	SiteName string
	// BaseURL is the site's address; absolute links to its host count as
	// internal.
	BaseURL string
	// Assets resolve the alt text of images that do not set their own.
	Assets map[string]*blueprints.Asset
}

// Verdict is a check's outcome, as the traffic lights of SEO plugins show
// it.
type Verdict string

// Verdicts.
const (
	Good    Verdict = "good"
	Improve Verdict = "improve"
	Problem Verdict = "problem"
)

// Check groups.
const (
	GroupSEO         = "seo"
	GroupReadability = "readability"
)

// MaxCheckScore is what a check scores when it is fully met.
const MaxCheckScore = 9

// Check is the outcome of one check.
type Check struct {
	ID    string `json:"id"`    // one of the Check… constants
	Group string `json:"group"` // GroupSEO or GroupReadability
	Title string `json:"title"` // a short name: "Focus keyword in SEO title"
	// Verdict follows Score: 8–9 good, 5–7 improve, 0–4 problem.
	Verdict Verdict `json:"verdict"`
	// Score is the check's contribution, 0 to MaxCheckScore.
	Score int `json:"score"`
	// Message says what was found and what to do, in words a site owner
	// understands.
	Message string `json:"message"`
	// Details are the numbers behind the verdict ("count", "density"…).
	Details map[string]float64 `json:"details,omitempty"`
}

// Analysis is the result of Analyze.
type Analysis struct {
	// Score is 0–100: the sum of every check's score over the most the
	// checks can score (see the package documentation).
	Score int `json:"score"`
	// SEOScore and ReadabilityScore are the same over each group.
	SEOScore         int     `json:"seo_score"`
	ReadabilityScore int     `json:"readability_score"`
	Language         string  `json:"language"` // ISO 639-1
	Words            int     `json:"words"`    // visible words of the blocks
	Checks           []Check `json:"checks"`
}

// Check returns the check with the given id, if it ran.
func (a Analysis) Check(id string) (Check, bool) {
	for _, c := range a.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Analyze checks a content piece for its focus keyword. It is pure and
// fast (well under a millisecond for a 1,200-word article), so an editor
// can run it on every keystroke. A nil page analyzes as an empty one.
func Analyze(in Input) Analysis {
	a := newAnalyzer(in)
	a.seoChecks()
	a.readabilityChecks()
	out := Analysis{Language: a.lang.code, Words: a.doc.words, Checks: a.checks}
	out.Score = score(a.checks, "")
	out.SEOScore = score(a.checks, GroupSEO)
	out.ReadabilityScore = score(a.checks, GroupReadability)
	return out
}

// score is 100 × the checks' scores over their maximum, for one group or
// ("") all.
func score(checks []Check, group string) int {
	sum, n := 0, 0
	for _, c := range checks {
		if group == "" || c.Group == group {
			sum += c.Score
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return int(math.Round(100 * float64(sum) / float64(n*MaxCheckScore)))
}

// verdict maps a check score to its verdict.
func verdict(score int) Verdict {
	switch {
	case score >= 8:
		return Good
	case score >= 5:
		return Improve
	}
	return Problem
}

// entityType is the piece's entity type: the input's, else the page
// type's.
func entityType(in Input) string {
	if in.EntityType != "" {
		return in.EntityType
	}
	if in.Page == nil {
		return igny8.EntityPage
	}
	switch in.Page.Type {
	case blueprints.PagePost:
		return igny8.EntityPost
	case blueprints.PageProduct:
		return igny8.EntityProduct
	case blueprints.PageService:
		return igny8.EntityService
	case blueprints.PageCategory:
		return igny8.EntityTaxonomy
	}
	return igny8.EntityPage
}
