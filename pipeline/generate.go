package pipeline

import (
	"context"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/writer"
)

// generateSite turns a brief into a blueprint: the structure (one metered
// request, 50 credits) and then each page (20 credits each), each answer
// checked by the blueprint validator with a repair round. The blueprint is
// saved as the site's active one and built as a preview deploy that is not
// live until the owner promotes it.
func (run *jobRun) generateSite(ctx context.Context, in GenerateInput) (*GenerateResult, error) {
	if err := CheckBrief(in.Brief); err != nil {
		return nil, err
	}
	brief := in.Brief
	if err := run.progress(ctx, "structure", 0, 1); err != nil {
		return nil, err
	}
	var structure *ai.SiteStructureOutput
	_, err := run.meter(ctx, igny8.OpSiteStructure, credits.Key("site_structure", run.job.ID), 50, func(ctx context.Context) (credits.Outcome, error) {
		s, prov, err := writer.GenerateStructure(ctx, run.r.cfg.AI, brief, run.site.ID, run.job.ID)
		if err != nil {
			return credits.Outcome{}, err
		}
		structure = s
		return credits.Outcome{Units: 1, Detail: run.usage("job", run.job.ID, prov, map[string]any{"pages": len(s.Pages)})}, nil
	})
	if err != nil {
		return nil, err
	}
	pages := make([]*ai.SitePageOutput, len(structure.Pages))
	for i := range structure.Pages {
		if err := run.progress(ctx, "pages", i, len(structure.Pages)); err != nil {
			return nil, err
		}
		_, err := run.meter(ctx, igny8.OpSitePage, credits.Key("site_page", run.job.ID, i), 20, func(ctx context.Context) (credits.Outcome, error) {
			p, prov, err := writer.GeneratePage(ctx, run.r.cfg.AI, brief, structure, structure.Pages[i], run.site.ID, run.job.ID)
			if err != nil {
				return credits.Outcome{}, err
			}
			pages[i] = p
			return credits.Outcome{Units: 1, Detail: run.usage("job", run.job.ID, prov, map[string]any{"page": structure.Pages[i].ID})}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	doc, err := writer.SiteBlueprint(brief, structure, pages, in.Theme)
	if err != nil {
		return nil, err
	}
	lib, err := run.r.cfg.Assets.AssetFS(ctx, run.site)
	if err != nil {
		return nil, err
	}
	if err := CheckBlueprint(lib)(doc); err != nil {
		return nil, err
	}
	if err := run.progress(ctx, "deploy", len(pages), len(pages)); err != nil {
		return nil, err
	}
	bp, err := run.r.cfg.Store.SaveGeneratedBlueprint(ctx, run.site.ID, run.job.ID, doc)
	if err != nil {
		return nil, err
	}
	d, err := run.r.cfg.Deployer.DeployForJob(ctx, run.site.ID, run.job.ID, true)
	if err != nil {
		return nil, err
	}
	res := &GenerateResult{BlueprintVersion: bp.Version, DeploymentID: d.ID}
	for _, p := range structure.Pages {
		res.Pages = append(res.Pages, p.ID)
	}
	return res, nil
}

// CheckBrief checks a brief before any credit is spent.
func CheckBrief(b igny8.Brief) error {
	var missing []string
	if strings.TrimSpace(b.Name) == "" {
		missing = append(missing, "/brief/name (the business's name)")
	}
	if strings.TrimSpace(b.Industry) == "" {
		missing = append(missing, "/brief/industry (what the business does)")
	}
	if strings.TrimSpace(b.Offer) == "" {
		missing = append(missing, "/brief/offer (what it sells or provides)")
	}
	if len(missing) > 0 {
		return igny8.Errorf(igny8.EInvalid, "The brief needs %s.", strings.Join(missing, ", "))
	}
	if len(b.Pages) > 12 {
		return igny8.Errorf(igny8.EInvalid, "/brief/pages asks for %d pages; a generated site has at most 12 (add more pages later).", len(b.Pages))
	}
	if len(b.Name) > 100 || len(b.Industry) > 200 || len(b.Audience) > 500 || len(b.Offer) > 1000 || len(b.Tone) > 100 {
		return igny8.Errorf(igny8.EInvalid, "The brief's fields are too long: name ≤ 100, industry ≤ 200, audience ≤ 500, offer ≤ 1000, tone ≤ 100 characters.")
	}
	return nil
}
