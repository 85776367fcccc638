package offline

import (
	"encoding/json"

	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/optimizer"
)

// optimize answers the optimize prompt with the optimizer's rule-based
// fixes (meta description, keyword in the SEO title and introduction, alt
// texts, long paragraphs…) as text edits: what an offline site can have
// without a model. A page it cannot read gets no edits.
func optimize(in *ai.OptimizeInput, _ *rng) *ai.OptimizeOutput {
	out := &ai.OptimizeOutput{Edits: []ai.TextEdit{}}
	var page blueprints.Page
	if err := json.Unmarshal(in.Page, &page); err != nil {
		return out
	}
	oin := optimizer.Input{Page: &page, Keyword: in.Keyword, Locale: in.Site.Locale, EntityType: in.EntityType,
		TitleTemplate: in.TitleTemplate, SiteName: in.Site.Name}
	fixed, _ := optimizer.Fix(oin, optimizer.Analyze(oin))
	for _, e := range optimizer.Diff(&page, fixed) {
		out.Edits = append(out.Edits, ai.TextEdit{Block: e.Block, Prop: e.Prop, Text: e.Text})
	}
	if fixed.SEO != nil {
		if page.SEO == nil || page.SEO.Title != fixed.SEO.Title {
			out.SEOTitle = fixed.SEO.Title
		}
		if page.SEO == nil || page.SEO.Description != fixed.SEO.Description {
			out.MetaDescription = fixed.SEO.Description
		}
	}
	return out
}
