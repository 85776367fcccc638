package optimizer

import (
	"fmt"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// Check IDs. The package documentation says what each one checks.
const (
	CheckKeyphraseLength       = "keyphrase_length"
	CheckKeyphraseInTitle      = "keyphrase_in_title"
	CheckKeyphraseInIntro      = "keyphrase_in_introduction"
	CheckKeyphraseInMeta       = "keyphrase_in_meta_description"
	CheckKeyphraseInSlug       = "keyphrase_in_slug"
	CheckKeyphraseInSubheading = "keyphrase_in_subheadings"
	CheckKeyphraseDensity      = "keyphrase_density"
	CheckKeyphraseInImageAlt   = "keyphrase_in_image_alt"
	CheckKeyphraseUsedBefore   = "keyphrase_used_before"
	CheckCompetingLinks        = "competing_links"
	CheckTitleWidth            = "seo_title_width"
	CheckMetaLength            = "meta_description_length"
	CheckTextLength            = "text_length"
	CheckInternalLinks         = "internal_links"
	CheckOutboundLinks         = "outbound_links"
	CheckImages                = "images"
	CheckImageAlt              = "image_alt_text"
	CheckSingleH1              = "single_h1"

	CheckFlesch                 = "flesch_reading_ease"
	CheckSentenceLength         = "sentence_length"
	CheckParagraphLength        = "paragraph_length"
	CheckSubheadingDistribution = "subheading_distribution"
	CheckPassiveVoice           = "passive_voice"
	CheckTransitionWords        = "transition_words"
	CheckSentenceBeginnings     = "consecutive_sentences"
)

var checkTitles = map[string]string{
	CheckKeyphraseLength:        "Focus keyword",
	CheckKeyphraseInTitle:       "Focus keyword in SEO title",
	CheckKeyphraseInIntro:       "Focus keyword in introduction",
	CheckKeyphraseInMeta:        "Focus keyword in meta description",
	CheckKeyphraseInSlug:        "Focus keyword in URL",
	CheckKeyphraseInSubheading:  "Focus keyword in subheadings",
	CheckKeyphraseDensity:       "Focus keyword density",
	CheckKeyphraseInImageAlt:    "Focus keyword in image alt text",
	CheckKeyphraseUsedBefore:    "Focus keyword used before",
	CheckCompetingLinks:         "Links with the focus keyword",
	CheckTitleWidth:             "SEO title length",
	CheckMetaLength:             "Meta description length",
	CheckTextLength:             "Text length",
	CheckInternalLinks:          "Internal links",
	CheckOutboundLinks:          "Outbound links",
	CheckImages:                 "Images",
	CheckImageAlt:               "Image alt text",
	CheckSingleH1:               "Single H1 heading",
	CheckFlesch:                 "Reading ease",
	CheckSentenceLength:         "Sentence length",
	CheckParagraphLength:        "Paragraph length",
	CheckSubheadingDistribution: "Subheading distribution",
	CheckPassiveVoice:           "Passive voice",
	CheckTransitionWords:        "Transition words",
	CheckSentenceBeginnings:     "Consecutive sentences",
}

// analyzer holds what the checks share.
type analyzer struct {
	in     Input
	page   *blueprints.Page
	lang   *language
	doc    *document
	kp     *keyphrase // nil: no focus keyword
	syns   []*keyphrase
	checks []Check
}

func newAnalyzer(in Input) *analyzer {
	locale := in.Locale
	if in.Page != nil && in.Page.Lang != "" {
		locale = in.Page.Lang
	}
	a := &analyzer{in: in, page: in.Page, lang: lookupLanguage(locale)}
	if a.page == nil {
		a.page = &blueprints.Page{}
	}
	a.doc = buildDocument(in.Page, in, a.lang)
	a.kp = parseKeyphrase(in.Keyword, a.lang)
	for _, s := range in.Synonyms {
		if k := parseKeyphrase(s, a.lang); k != nil {
			a.syns = append(a.syns, k)
		}
	}
	a.checks = make([]Check, 0, 26)
	return a
}

// add records a check's outcome.
func (a *analyzer) add(id string, score int, details map[string]float64, format string, args ...any) {
	group := GroupSEO
	switch id {
	case CheckFlesch, CheckSentenceLength, CheckParagraphLength, CheckSubheadingDistribution,
		CheckPassiveVoice, CheckTransitionWords, CheckSentenceBeginnings:
		group = GroupReadability
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	a.checks = append(a.checks, Check{ID: id, Group: group, Title: checkTitles[id], Verdict: verdict(score),
		Score: score, Message: msg, Details: details})
}

// keyphrases are the focus keyphrase and its synonyms.
func (a *analyzer) keyphrases() []*keyphrase {
	if a.kp == nil {
		return nil
	}
	return append([]*keyphrase{a.kp}, a.syns...)
}

// anyIn reports whether the keyphrase or a synonym is in ws.
func (a *analyzer) anyIn(ws []string) bool {
	for _, k := range a.keyphrases() {
		if k.in(ws, a.lang) {
			return true
		}
	}
	return false
}

// inSubheading reports whether a subheading reflects the keyphrase or a
// synonym: it has more than half of its content words, or all of them in
// a language without function words (Yoast's rule).
func (a *analyzer) inSubheading(ws []string) bool {
	ws = splitCompounds(ws)
	for _, k := range a.keyphrases() {
		n, found := k.length(), k.found(ws, a.lang)
		if len(a.lang.functionWords) == 0 && found == len(k.content) || len(a.lang.functionWords) > 0 && 2*found > min(n, len(k.content)) {
			return true
		}
	}
	return false
}

// inAlt reports whether an image's alt text has at least half of the
// keyphrase's (or a synonym's) content words (Yoast's rule).
func (a *analyzer) inAlt(alt string) bool {
	ws := splitCompounds(words(alt))
	for _, k := range a.keyphrases() {
		if found := k.found(ws, a.lang); found > 0 && 2*found >= min(k.length(), len(k.content)) {
			return true
		}
	}
	return false
}

// seoTitle is the page's own SEO title: its SEO title, else its title.
func seoTitle(p *blueprints.Page) string {
	if p.SEO != nil && p.SEO.Title != "" {
		return p.SEO.Title
	}
	return p.Title
}

// renderedTitle is the title the site build puts in <title>.
func renderedTitle(p *blueprints.Page, template string) string {
	switch {
	case p.SEO != nil && p.SEO.Title != "":
		return p.SEO.Title
	case p.Type == blueprints.PageHome || template == "" || !strings.Contains(template, "%s"):
		return p.Title
	}
	return strings.Replace(template, "%s", p.Title, 1)
}

// metaDescription is the page's own meta description.
func metaDescription(p *blueprints.Page) string {
	if p.SEO != nil && p.SEO.Description != "" {
		return p.SEO.Description
	}
	return p.Description
}

// quote shows a keyphrase in a message.
func quote(s string) string { return "“" + s + "”" }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
