package offline

import "github.com/igny8/igny8/ai"

// optimize answers the optimize prompt with the rule-based fixes the input
// suggests (meta description, keyword in the SEO title, introduction and
// subheadings, alt texts, long paragraphs…): what an offline site can
// have without a model.
func optimize(in *ai.OptimizeInput, _ *rng) *ai.OptimizeOutput {
	out := in.Suggested
	out.Edits = append([]ai.TextEdit{}, in.Suggested.Edits...)
	return &out
}
