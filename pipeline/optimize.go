package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/optimizer"
)

// rulesProvenance names the rule-based fixes in an optimization's
// provenance.
var rulesProvenance = igny8.Provenance{Provider: "rules", Model: optimizeVersion, Offline: true}

// candidate is one optimized page.
type candidate struct {
	page     *blueprints.Page
	analysis optimizer.Analysis
	prov     igny8.Provenance
	changes  []string
}

// rewrite optimizes one piece: the AI model rewrites the texts the failing
// checks name (ai.PromptOptimize: text edits only, so the blocks stay as
// they are; the answer must apply and validate, or it gets a repair
// round), then the rule-based fixes run on the result. The rule-based
// fixes alone are the other candidate; the better one is returned (the AI
// rewrite when they tie). An unusable or refused AI answer leaves the
// rule-based fixes; any other AI error is returned. A page that fails no
// check is returned as it is.
func (run *jobRun) rewrite(ctx context.Context, sc ai.SiteContext, c *igny8.Content, input optimizer.Input, before optimizer.Analysis, valid func(*blueprints.Page) error) (*candidate, error) {
	page := input.Page
	var failing []ai.OptimizeCheck
	checks := slices.Clone(before.Checks)
	slices.SortStableFunc(checks, func(a, b optimizer.Check) int { return cmp.Compare(a.Score, b.Score) })
	for _, ck := range checks {
		if ck.Verdict != optimizer.Good {
			failing = append(failing, ai.OptimizeCheck{ID: ck.ID, Verdict: string(ck.Verdict), Message: ck.Message})
		}
	}
	if len(failing) == 0 {
		return &candidate{page: page, analysis: before, prov: rulesProvenance}, nil
	}
	withRules := func(p *blueprints.Page, prov igny8.Provenance, changes []string) *candidate {
		in := input
		in.Page = p
		a := optimizer.Analyze(in)
		if fixed, more := optimizer.Fix(in, a); valid(fixed) == nil {
			in.Page = fixed
			p, a, changes = fixed, optimizer.Analyze(in), append(changes, more...)
		}
		return &candidate{page: p, analysis: a, prov: prov, changes: changes}
	}
	rules := withRules(page, rulesProvenance, nil)

	raw, err := json.Marshal(page)
	if err != nil {
		return nil, err
	}
	apply := func(out *ai.OptimizeOutput) (*blueprints.Page, error) {
		edits := make([]optimizer.Edit, len(out.Edits))
		for i, e := range out.Edits {
			edits[i] = optimizer.Edit{Block: e.Block, Prop: e.Prop, Text: e.Text}
		}
		p, err := optimizer.ApplyEdits(page, out.SEOTitle, out.MetaDescription, edits)
		if err != nil {
			return nil, err
		}
		return p, valid(p)
	}
	suggested := ai.OptimizeOutput{Edits: []ai.TextEdit{}}
	for _, e := range optimizer.Diff(page, rules.page) {
		suggested.Edits = append(suggested.Edits, ai.TextEdit{Block: e.Block, Prop: e.Prop, Text: e.Text})
	}
	if s := rules.page.SEO; s != nil {
		if page.SEO == nil || page.SEO.Title != s.Title {
			suggested.SEOTitle = s.Title
		}
		if page.SEO == nil || page.SEO.Description != s.Description {
			suggested.MetaDescription = s.Description
		}
	}
	var out ai.OptimizeOutput
	prov, err := run.r.cfg.AI.Generate(ctx, ai.Call{
		Prompt: ai.PromptOptimize,
		Input: &ai.OptimizeInput{Site: sc, Keyword: input.Keyword, EntityType: c.EntityType, TitleTemplate: input.TitleTemplate,
			Page: raw, Checks: failing, Suggested: suggested},
		SiteID: run.site.ID, JobID: run.job.ID,
		Check: func(raw []byte) error {
			var o ai.OptimizeOutput
			if err := json.Unmarshal(raw, &o); err != nil {
				return err
			}
			_, err := apply(&o)
			return err
		},
	}, &out)
	if err != nil {
		if e, ok := ai.AsError(err); ok && (e.Kind == ai.InvalidOutput || e.Kind == ai.Refused) {
			rules.changes = append([]string{fmt.Sprintf("The AI rewrite could not be used (%s); only the rule-based fixes were made.", e.Message)}, rules.changes...)
			return rules, nil
		}
		return nil, err
	}
	rewritten, err := apply(&out)
	if err != nil {
		return nil, err // Generate checked it
	}
	var said []string
	if n := len(out.Edits); n > 0 {
		said = append(said, fmt.Sprintf("AI rewrite (%s): %d texts rewritten toward the failing checks.", prov.Provider, n))
	}
	if out.SEOTitle != "" {
		said = append(said, fmt.Sprintf("AI rewrite: new SEO title “%s”.", out.SEOTitle))
	}
	if out.MetaDescription != "" {
		said = append(said, fmt.Sprintf("AI rewrite: new meta description “%s”.", out.MetaDescription))
	}
	best := withRules(rewritten, prov, said)
	if rules.analysis.Score > best.analysis.Score {
		return rules, nil
	}
	return best, nil
}
