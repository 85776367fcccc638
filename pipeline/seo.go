package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/linker"
	"github.com/igny8/igny8/optimizer"
	"github.com/igny8/igny8/planner"
	"github.com/igny8/igny8/writer"
)

// LinkInput links some content pieces, or the whole site when ContentIDs
// is empty.
type LinkInput struct {
	ContentIDs []int64 `json:"content_ids,omitempty"`
}

// LinkResult counts what a link job did.
type LinkResult struct {
	Changed []int64 `json:"changed"` // pieces whose text got or lost links
	Links   int     `json:"links"`   // links the linker now keeps in the site
	Added   int     `json:"added"`
	Removed int     `json:"removed"`
}

// OptimizeInput optimizes content pieces.
type OptimizeInput struct {
	ContentIDs []int64 `json:"content_ids"`
}

// OptimizeResult lists the optimizations made.
type OptimizeResult struct {
	Optimizations []int64       `json:"optimizations"`
	Kept          int           `json:"kept"`
	Failed        []ItemFailure `json:"failed,omitempty"`
}

// siteLinks is a site's content as the linker sees it.
type siteLinks struct {
	site     linker.Site
	contents map[int64]*igny8.Content
}

// linkerSite reads every content piece of the site, with its cluster, and
// the links the linker placed before.
func linkerSite(ctx context.Context, st Store, siteID int64) (*siteLinks, error) {
	cs, err := st.Contents(ctx, siteID, igny8.ContentFilter{})
	if err != nil {
		return nil, err
	}
	settings, err := st.PipelineSettings(ctx, siteID)
	if err != nil {
		return nil, err
	}
	out := &siteLinks{contents: map[int64]*igny8.Content{}}
	out.site.Rules = linker.Rules{WordsPerLink: settings.WordsPerLink, MaxLinks: settings.MaxLinks, MinLinks: settings.MinLinks,
		Related: settings.Related, RelatedBlock: settings.Related > 0, MaxPerTarget: settings.MaxPerTarget,
		IgnorePillar: !settings.PreferPillar, RepeatAnchors: !settings.VaryAnchors}
	if settings.MinLinks == 0 {
		out.site.Rules.MinLinks = -1
	}
	if settings.Related == 0 {
		out.site.Rules.Related = -1
	}
	topics, err := st.ContentTopics(ctx, siteID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		var page blueprints.Page
		if err := json.Unmarshal(c.Page, &page); err != nil {
			return nil, fmt.Errorf("content %d's page: %w", c.ID, err)
		}
		d := linker.Doc{ID: c.ID, PageID: c.Slug, Page: &page, Status: c.Status}
		if c.TargetKeyword != "" {
			d.Keywords = append(d.Keywords, c.TargetKeyword)
		}
		if tp, ok := topics[c.ID]; ok {
			d.Keywords = append(d.Keywords, tp.SecondaryKeywords...)
			d.Cluster = tp.ClusterID
			d.Pillar = tp.Pillar != "" && planner.Normalize(tp.Pillar) == planner.Normalize(c.TargetKeyword)
		}
		out.site.Docs = append(out.site.Docs, d)
		out.contents[c.ID] = c
	}
	placed, err := st.Links(ctx, siteID, nil)
	if err != nil {
		return nil, err
	}
	for _, l := range placed {
		out.site.Placed = append(out.site.Placed, linker.Link{Source: l.SourceID, Target: l.TargetID, TargetPage: l.TargetPage, Anchor: l.Anchor,
			Block: l.Block, Field: l.Field, Offset: l.Offset, Type: l.Type, Version: l.LinkerVersion})
	}
	return out, nil
}

// link places internal links in the pieces asked for (or the whole site),
// each piece whose text changes metered once (8 credits) under a key of
// its revision: a rerun finds the text linked already and changes nothing.
func (run *jobRun) link(ctx context.Context, in LinkInput) (*LinkResult, error) {
	st := run.r.cfg.Store
	if err := run.progress(ctx, "read", 0, 0); err != nil {
		return nil, err
	}
	sl, err := linkerSite(ctx, st, run.site.ID)
	if err != nil {
		return nil, err
	}
	var res *linker.Result
	scope := map[int64]bool{}
	if len(in.ContentIDs) == 0 {
		if res, err = linker.LinkSite(sl.site); err != nil {
			return nil, err
		}
		for id := range sl.contents {
			scope[id] = true
		}
	} else {
		res = &linker.Result{}
		for _, id := range in.ContentIDs {
			if sl.contents[id] == nil {
				return nil, igny8.Errorf(igny8.ENotFound, "There is no content %d in site %d.", id, run.site.ID)
			}
			r, err := linker.LinkPiece(sl.site, id)
			if err != nil {
				return nil, err
			}
			res.Changed = append(res.Changed, r.Changed...)
			res.Added = append(res.Added, r.Added...)
			res.Removed = append(res.Removed, r.Removed...)
			for _, l := range r.Links {
				if l.Source == id {
					res.Links = append(res.Links, l)
				}
			}
			scope[id] = true
		}
	}
	changed := map[int64]*blueprints.Page{}
	for _, ch := range res.Changed {
		changed[ch.Doc] = ch.Page
	}
	bySource := map[int64][]*igny8.ContentLink{}
	for _, l := range res.Links {
		bySource[l.Source] = append(bySource[l.Source], &igny8.ContentLink{SourceID: l.Source, TargetID: l.Target, TargetPage: l.TargetPage,
			Anchor: l.Anchor, Block: l.Block, Field: l.Field, Offset: l.Offset, Type: l.Type, LinkerVersion: l.Version})
	}
	out := &LinkResult{Changed: []int64{}, Links: len(res.Links), Added: len(res.Added), Removed: len(res.Removed)}
	done := 0
	for id := range scope {
		if err := run.progress(ctx, "link", done, len(scope)); err != nil {
			return nil, err
		}
		done++
		c := sl.contents[id]
		page, ok := changed[id]
		if !ok {
			// Only the records change (a first run over hand-made links,
			// say): free.
			if _, err := st.ApplyLinks(ctx, run.site.ID, id, nil, 0, bySource[id]); err != nil {
				return nil, err
			}
			continue
		}
		_, err := run.meter(ctx, igny8.OpLinking, credits.Key("linking", c.ID, c.Revision), 8, func(ctx context.Context) (credits.Outcome, error) {
			upd, err := contentWithPage(c, page)
			if err != nil {
				return credits.Outcome{}, err
			}
			if _, err := st.ApplyLinks(ctx, run.site.ID, id, upd, c.Revision, bySource[id]); err != nil {
				return credits.Outcome{}, err
			}
			return credits.Outcome{Units: 1, Detail: run.usage("content", c.ID, igny8.Provenance{Provider: "linker", Model: "linker/" + linker.Version},
				map[string]any{"links": len(bySource[id])})}, nil
		})
		if err != nil {
			return nil, err
		}
		out.Changed = append(out.Changed, id)
	}
	return out, run.progress(ctx, "link", len(scope), len(scope))
}

// contentWithPage is c with page as its page and the facts derived from
// it.
func contentWithPage(c *igny8.Content, page *blueprints.Page) (*igny8.Content, error) {
	raw, err := json.Marshal(page)
	if err != nil {
		return nil, err
	}
	upd := *c
	upd.Page = raw
	writer.Facts(page).Apply(&upd)
	upd.Provider = "" // the revision keeps the content's provenance
	return &upd, nil
}

// optimizerInput is what the analyzer needs of a piece and its site.
func (s *siteContextData) optimizerInput(c *igny8.Content, page *blueprints.Page, keyword string) optimizer.Input {
	var others []string
	for id, k := range s.keywords {
		if id != c.ID && k != "" {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	if keyword == "" {
		keyword = c.TargetKeyword
	}
	return optimizer.Input{Page: page, Keyword: keyword, Locale: s.bp.Site.Locale, EntityType: c.EntityType, OtherKeywords: others,
		TitleTemplate: s.bp.SEO.TitleTemplate, BaseURL: s.bp.Site.BaseURL, Assets: s.bp.Assets, SiteName: s.bp.Site.Name}
}

// siteContextData is what analysis needs of a site: the few settings of
// its blueprint the checks read, and its content's target keywords.
type siteContextData struct {
	// bp has the site settings, SEO defaults and assets of the blueprint;
	// its pages are not read.
	bp       blueprints.Blueprint
	keywords map[int64]string // target keyword by content id
	doc      []byte
	contents []*igny8.Content // only when loaded with the contents
}

// loadSiteContext reads what analysis needs of a site: cheaply enough for
// every keystroke of an editor (the blueprint's pages are skipped, and of
// the contents only their keywords are read), or, withContents, with
// every content piece, for a job that validates pages in the site.
func loadSiteContext(ctx context.Context, st Store, siteID int64, withContents bool) (*siteContextData, error) {
	doc, _, err := st.ActiveBlueprintJSON(ctx, siteID)
	if err != nil {
		return nil, err
	}
	sc := &siteContextData{doc: doc}
	var head struct {
		Site   blueprints.Site              `json:"site"`
		SEO    blueprints.SEO               `json:"seo"`
		Assets map[string]*blueprints.Asset `json:"assets"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		return nil, fmt.Errorf("read blueprint of site %d: %w", siteID, err)
	}
	sc.bp.Site, sc.bp.SEO, sc.bp.Assets = head.Site, head.SEO, head.Assets
	if !withContents {
		if sc.keywords, err = st.ContentKeywords(ctx, siteID); err != nil {
			return nil, err
		}
		return sc, nil
	}
	if sc.contents, err = st.Contents(ctx, siteID, igny8.ContentFilter{}); err != nil {
		return nil, err
	}
	sc.keywords = make(map[int64]string, len(sc.contents))
	for _, c := range sc.contents {
		sc.keywords[c.ID] = c.TargetKeyword
	}
	return sc, nil
}

// optimizeVersion names the rule-based optimizer in provenance.
const optimizeVersion = "igny8-optimizer-1"

// optimize analyzes each piece for its focus keyword, applies the fixes of
// its failing checks keeping its block structure, validates the result in
// the site's blueprint, and keeps it only if it scores higher. Each piece
// is metered once (1 credit per 200 words) under a key of its revision,
// and every optimization is recorded with both pages so it can be
// reverted.
func (run *jobRun) optimize(ctx context.Context, in OptimizeInput) (*OptimizeResult, error) {
	st := run.r.cfg.Store
	if len(in.ContentIDs) == 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "An optimize job needs content_ids.")
	}
	sc, err := loadSiteContext(ctx, st, run.site.ID, true)
	if err != nil {
		return nil, err
	}
	lib, err := run.r.cfg.Assets.AssetFS(ctx, run.site)
	if err != nil {
		return nil, err
	}
	aisc, _, err := run.siteContext(ctx)
	if err != nil {
		return nil, err
	}
	res := &OptimizeResult{Optimizations: []int64{}}
	for i, id := range in.ContentIDs {
		if err := run.progress(ctx, "optimize", i, len(in.ContentIDs)); err != nil {
			return nil, err
		}
		c, err := st.Content(ctx, run.site.ID, id)
		if err != nil {
			return nil, err
		}
		var page blueprints.Page
		if err := json.Unmarshal(c.Page, &page); err != nil {
			return nil, err
		}
		// One optimization per piece and job: a redelivered job finds its
		// record (and its charge) again.
		key := credits.Key("optimization", run.job.ID, c.ID)
		estimate, _ := credits.Cost(igny8.OpOptimization, int64(c.WordCount))
		var saved *igny8.Optimization
		_, err = run.meter(ctx, igny8.OpOptimization, key, estimate, func(ctx context.Context) (credits.Outcome, error) {
			input := sc.optimizerInput(c, &page, "")
			before := optimizer.Analyze(input)
			site, err := withContentPages(sc.doc, sc.contents, c.ID)
			if err != nil {
				return credits.Outcome{}, err
			}
			best, err := run.rewrite(ctx, aisc, c, input, before, func(p *blueprints.Page) error {
				return writer.Validate(site, p, writer.Options{Files: lib})
			})
			if err != nil {
				return credits.Outcome{}, err
			}
			after, changes := best.analysis, best.changes
			pageAfter, err := json.Marshal(best.page)
			if err != nil {
				return credits.Outcome{}, err
			}
			jobID := run.job.ID
			o := &igny8.Optimization{SiteID: run.site.ID, ContentID: c.ID, JobID: &jobID, Keyword: c.TargetKeyword,
				ScoreBefore: before.Score, ScoreAfter: after.Score, Kept: after.Score > before.Score, Checks: changedChecks(before, after),
				PageBefore: c.Page, PageAfter: pageAfter, RevisionBefore: c.Revision, Provenance: best.prov}
			var improved *igny8.Content
			if o.Kept {
				if improved, err = contentWithPage(c, best.page); err != nil {
					return credits.Outcome{}, err
				}
			}
			if saved, _, err = st.ApplyOptimization(ctx, o, key, improved); err != nil {
				return credits.Outcome{}, err
			}
			return credits.Outcome{Units: int64(c.WordCount), Detail: run.usage("content", c.ID, o.Provenance,
				map[string]any{"score_before": o.ScoreBefore, "score_after": o.ScoreAfter, "kept": o.Kept, "changes": strings.Join(changes, " ")})}, nil
		})
		if err != nil {
			if stop(err) {
				return nil, err
			}
			res.Failed = append(res.Failed, ItemFailure{ID: id, Message: userMessage(err)})
			continue
		}
		res.Optimizations = append(res.Optimizations, saved.ID)
		if saved.Kept {
			res.Kept++
		}
	}
	return res, run.progress(ctx, "optimize", len(in.ContentIDs), len(in.ContentIDs))
}

// changedChecks lists the checks whose verdict differs.
func changedChecks(before, after optimizer.Analysis) []igny8.CheckChange {
	out := []igny8.CheckChange{}
	for _, b := range before.Checks {
		if a, ok := after.Check(b.ID); ok && a.Verdict != b.Verdict {
			out = append(out, igny8.CheckChange{ID: b.ID, Before: string(b.Verdict), After: string(a.Verdict)})
		}
	}
	return out
}

// seoAnalysis is an optimizer analysis as the API shows it.
func seoAnalysis(keyword string, a optimizer.Analysis) *igny8.SEOAnalysis {
	out := &igny8.SEOAnalysis{Keyword: keyword, Locale: a.Language, Score: a.Score, Checks: []igny8.SEOCheck{}}
	for _, c := range a.Checks {
		d := map[string]any{}
		for k, v := range c.Details {
			d[k] = v
		}
		out.Checks = append(out.Checks, igny8.SEOCheck{ID: c.ID, Group: c.Group, Verdict: string(c.Verdict), Message: c.Message, Details: d})
	}
	return out
}

// Analyze analyzes content id of the site for keyword (its target keyword
// when ""), as stored or, when page is given, as the editor shows it. It is
// free and immediate.
func (s *Service) Analyze(ctx context.Context, siteID, id int64, keyword string, page json.RawMessage) (*igny8.SEOAnalysis, error) {
	c, err := s.Store.Content(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	raw := c.Page
	if len(page) > 0 && string(page) != "null" {
		raw = page
	}
	var pg blueprints.Page
	if err := json.Unmarshal(raw, &pg); err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "/page cannot be read as a blueprint page: %v.", err)
	}
	sc, err := loadSiteContext(ctx, s.Store, siteID, false)
	if err != nil {
		return nil, err
	}
	in := sc.optimizerInput(c, &pg, keyword)
	if strings.TrimSpace(in.Keyword) == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "Content %d has no target keyword: give /keyword to analyze it for one.", id)
	}
	return seoAnalysis(in.Keyword, optimizer.Analyze(in)), nil
}

// RevertOptimization puts back the page optimization id replaced.
func (s *Service) RevertOptimization(ctx context.Context, siteID, id int64) (*igny8.Content, error) {
	o, err := s.Store.Optimization(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	var page blueprints.Page
	if err := json.Unmarshal(o.PageBefore, &page); err != nil {
		return nil, err
	}
	c, err := s.Store.Content(ctx, siteID, o.ContentID)
	if err != nil {
		return nil, err
	}
	before, err := contentWithPage(c, &page)
	if err != nil {
		return nil, err
	}
	_, out, err := s.Store.RevertOptimization(ctx, siteID, id, before)
	return out, err
}

// LinkReport reports the site's internal links: orphans, pages with too
// few or too many links, and each page's related pages.
func (s *Service) LinkReport(ctx context.Context, siteID int64) (*igny8.LinkReport, error) {
	sl, err := linkerSite(ctx, s.Store, siteID)
	if err != nil {
		return nil, err
	}
	rep, err := linker.Report(sl.site)
	if err != nil {
		return nil, err
	}
	out := &igny8.LinkReport{Pages: []igny8.PageLinks{}, Orphans: len(rep.Orphans), TooFew: len(rep.TooFew), TooMany: len(rep.TooMany)}
	for _, p := range rep.Pages {
		pl := igny8.PageLinks{ContentID: p.Doc, Page: p.PageID, Inbound: p.In, Outbound: p.Out, Orphan: p.Orphan, TooFew: p.TooFew, TooMany: p.TooMany, Related: []int64{}}
		if c := sl.contents[p.Doc]; c != nil {
			pl.Title = c.Title
		}
		for _, r := range p.Related {
			pl.Related = append(pl.Related, r.Target)
		}
		out.Pages = append(out.Pages, pl)
	}
	return out, nil
}
