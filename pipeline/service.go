package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/planner"
	"github.com/igny8/igny8/writer"
)

// JobCreator creates a job row together with its outbox request (cmd/igny8
// adapts postgres.DB.CreateJob).
type JobCreator interface {
	CreateJob(ctx context.Context, j *igny8.Job) error
}

// CreditReader reads the actor's credits.
type CreditReader interface {
	CreditSummary(ctx context.Context) (*igny8.CreditSummary, error)
}

// Service is what the API asks of the pipeline: imports, starting jobs
// (checked, estimated and refused with 402 before anything is spent), and
// content edits validated like the build validates.
type Service struct {
	Store   Store
	Jobs    JobCreator
	Credits CreditReader
	Assets  Assets
	// Provider names the AI provider jobs use, for the API to show.
	Provider string
}

// SyncImportLimit is the largest import done within the request; a
// larger one becomes a keyword_import job.
const SyncImportLimit = 2000

// ImportKeywords adds keywords from a CSV file (csv) or a list (items) to
// a site and sector. Nothing is imported when any line is bad: the error
// lists each bad line and why, so the file can be fixed and sent again.
// Up to SyncImportLimit keywords are added at once; more start a job,
// which is returned.
func (s *Service) ImportKeywords(ctx context.Context, siteID int64, sectorID *int64, csv []byte, items []igny8.KeywordInput) (*igny8.KeywordImport, *igny8.Job, error) {
	if _, err := s.Store.Site(ctx, siteID); err != nil {
		return nil, nil, err
	}
	var rows []igny8.KeywordInput
	var rejected []igny8.KeywordError
	if csv != nil {
		parsed, bad, err := planner.ParseCSV(bytes.NewReader(csv))
		if err != nil {
			return nil, nil, err
		}
		rejected = bad
		for _, r := range parsed {
			rows = append(rows, igny8.KeywordInput{Keyword: r.Keyword, Volume: r.Volume, Difficulty: r.Difficulty, Intent: r.Intent, CPC: r.CPC})
		}
	} else {
		for i, it := range items {
			if msg := checkKeyword(it); msg != "" {
				rejected = append(rejected, igny8.KeywordError{Line: i + 1, Keyword: it.Keyword, Message: msg})
				continue
			}
			it.Keyword = strings.Join(strings.Fields(it.Keyword), " ")
			rows = append(rows, it)
		}
	}
	if len(rejected) > 0 {
		return &igny8.KeywordImport{Rejected: rejected}, nil, &ImportError{Rejected: rejected}
	}
	if len(rows) == 0 {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "There are no keywords to import.")
	}
	if len(rows) > planner.MaxImportRows {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "An import takes at most %d keywords, not %d; split the file.", planner.MaxImportRows, len(rows))
	}
	if len(rows) > SyncImportLimit {
		in, _ := json.Marshal(ImportInput{SectorID: sectorID, Keywords: rows})
		j := &igny8.Job{SiteID: siteID, Kind: igny8.JobKeywordImport, Input: in, Total: len(rows)}
		return nil, j, s.Jobs.CreateJob(ctx, j)
	}
	kws := make([]*igny8.Keyword, len(rows))
	for i, r := range rows {
		kws[i] = &igny8.Keyword{SiteID: siteID, SectorID: sectorID, Keyword: strings.TrimSpace(r.Keyword), Normalized: planner.Normalize(r.Keyword),
			Volume: r.Volume, Difficulty: r.Difficulty, Intent: r.Intent, CPC: r.CPC}
	}
	added, dup, err := s.Store.AddKeywords(ctx, siteID, kws)
	if err != nil {
		return nil, nil, err
	}
	res := &igny8.KeywordImport{Added: added, Duplicates: dup, Rejected: []igny8.KeywordError{}}
	for _, k := range kws {
		if k.ID != 0 {
			res.Keywords = append(res.Keywords, k)
		}
	}
	return res, nil, nil
}

// ImportError is an import refused for its bad lines.
type ImportError struct {
	Rejected []igny8.KeywordError
}

func (e *ImportError) Error() string { return e.Unwrap().Error() }

// Lines returns the refused lines.
func (e *ImportError) Lines() []igny8.KeywordError { return e.Rejected }

// Unwrap returns the user-facing error.
func (e *ImportError) Unwrap() error {
	var lines []string
	for i, r := range e.Rejected {
		if i == 5 {
			lines = append(lines, fmt.Sprintf("and %d more", len(e.Rejected)-5))
			break
		}
		// ParseCSV's messages name their line already; API items' do not.
		msg := r.Message
		if prefix := fmt.Sprintf("line %d: ", r.Line); !strings.HasPrefix(msg, prefix) {
			msg = prefix + msg
		}
		lines = append(lines, msg)
	}
	return igny8.Errorf(igny8.EInvalid, "Nothing was imported: %d line(s) cannot be imported (%s). Fix them and import the file again.",
		len(e.Rejected), strings.Join(lines, "; "))
}

// checkKeyword checks an API item the way ParseCSV checks a line.
func checkKeyword(k igny8.KeywordInput) string {
	t := strings.TrimSpace(k.Keyword)
	switch {
	case t == "":
		return "keyword is empty."
	case !utf8.ValidString(t):
		return "keyword is not valid UTF-8."
	case utf8.RuneCountInString(t) > 200:
		return "keyword is longer than 200 characters."
	case k.Volume != nil && *k.Volume < 0:
		return "volume cannot be negative."
	case k.Difficulty != nil && (*k.Difficulty < 0 || *k.Difficulty > 100):
		return fmt.Sprintf("difficulty %d is not between 0 and 100.", *k.Difficulty)
	case k.Intent != "" && !slices.Contains(igny8.Intents, k.Intent):
		return fmt.Sprintf("intent %q is not one of %s.", k.Intent, strings.Join(igny8.Intents, ", "))
	case k.CPC != nil && *k.CPC < 0:
		return "cpc cannot be negative."
	}
	return ""
}

// StartJob checks a job's input, estimates its credits, refuses it with
// *igny8.InsufficientCreditsError (HTTP 402) when the account has fewer
// available, and creates it with its outbox request.
func (s *Service) StartJob(ctx context.Context, siteID int64, kind string, input json.RawMessage) (*igny8.Job, error) {
	if _, err := s.Store.Site(ctx, siteID); err != nil {
		return nil, err
	}
	if len(input) == 0 {
		input = json.RawMessage("{}")
	}
	need, total, err := s.estimate(ctx, siteID, kind, input)
	if err != nil {
		return nil, err
	}
	if need > 0 {
		sum, err := s.Credits.CreditSummary(ctx)
		if err != nil {
			return nil, err
		}
		if sum.Available < need {
			return nil, &igny8.InsufficientCreditsError{Needed: need, Available: sum.Available}
		}
	}
	j := &igny8.Job{SiteID: siteID, Kind: kind, Input: input, Total: total}
	if err := s.Jobs.CreateJob(ctx, j); err != nil {
		return nil, err
	}
	return j, nil
}

func decodeInput(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return igny8.Errorf(igny8.EInvalid, "The job's input cannot be read: %v.", err)
	}
	return nil
}

// estimate checks input and returns the credits the job needs at least
// and how many items it will work through.
func (s *Service) estimate(ctx context.Context, siteID int64, kind string, raw json.RawMessage) (need int64, items int, err error) {
	st := s.Store
	cost := func(op igny8.Operation, units int64) int64 {
		c, _ := credits.Cost(op, units)
		return c
	}
	switch kind {
	case igny8.JobCluster:
		var in ClusterInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		free := false
		kws, err := st.Keywords(ctx, siteID, igny8.KeywordFilter{SectorID: in.SectorID, Clustered: &free})
		if err != nil {
			return 0, 0, err
		}
		if len(kws) == 0 {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "Every keyword of the site is in a cluster already; import keywords first.")
		}
		// At least one request per 50 keywords; grouping may need more.
		reqs := (len(kws) + credits.MaxKeywordsPerClustering - 1) / credits.MaxKeywordsPerClustering
		return cost(igny8.OpClustering, int64(reqs)), len(kws), nil
	case igny8.JobIdeas:
		var in IdeasInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if in.Count < 0 || in.Count > 20 {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "/count must be 1 to 20 ideas per cluster, not %d.", in.Count)
		}
		for _, t := range in.EntityTypes {
			if !slices.Contains(igny8.EntityTypes, t) {
				return 0, 0, igny8.Errorf(igny8.EInvalid, "/entity_types: %q is not one of %s.", t, strings.Join(igny8.EntityTypes, ", "))
			}
		}
		n := 0
		if len(in.ClusterIDs) == 0 {
			all, err := st.Clusters(ctx, siteID, 0, 0)
			if err != nil {
				return 0, 0, err
			}
			for _, c := range all {
				if c.Ideas == 0 {
					n++
				}
			}
			if n == 0 {
				return 0, 0, igny8.Errorf(igny8.EInvalid, "Every cluster of the site has ideas already; cluster new keywords first.")
			}
		} else {
			for _, id := range in.ClusterIDs {
				c, err := st.Cluster(ctx, siteID, id)
				if err != nil {
					return 0, 0, err
				}
				if c.Ideas == 0 {
					n++
				}
			}
		}
		return cost(igny8.OpIdeaGeneration, int64(n)), n, nil
	case igny8.JobWrite:
		var in WriteInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if len(in.TaskIDs) == 0 || len(in.TaskIDs) > 100 {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "/task_ids must list 1 to 100 tasks.")
		}
		var need int64
		settings, err := st.PipelineSettings(ctx, siteID)
		if err != nil {
			return 0, 0, err
		}
		for _, id := range in.TaskIDs {
			t, err := st.Task(ctx, siteID, id)
			if err != nil {
				return 0, 0, err
			}
			if t.ContentID == nil {
				// What the step holds for the task: its longest accepted
				// answer, and what the steps the settings chain after it
				// take of that.
				need += writer.EstimateCredits(t.WordTarget)
				if settings.AutoLink {
					need += cost(igny8.OpLinking, 1)
				}
				if settings.AutoOptimize {
					need += cost(igny8.OpOptimization, int64(t.WordTarget)*3/2)
				}
			}
		}
		return need, len(in.TaskIDs), nil
	case igny8.JobImagePrompts:
		var in ImagePromptsInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if in.Max != nil && (*in.Max < 0 || *in.Max > credits.MaxImagesPerRequest-1) {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "/max must be 0 to %d in-content images, not %d.", credits.MaxImagesPerRequest-1, *in.Max)
		}
		if err := s.checkContents(ctx, siteID, in.ContentIDs, nil); err != nil {
			return 0, 0, err
		}
		return cost(igny8.OpImagePrompts, int64(len(in.ContentIDs))), len(in.ContentIDs), nil
	case igny8.JobImages:
		var in ImagesInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if err := s.checkContents(ctx, siteID, in.ContentIDs, nil); err != nil {
			return 0, 0, err
		}
		n := 0
		for _, id := range in.ContentIDs {
			imgs, err := st.ContentImages(ctx, siteID, id)
			if err != nil {
				return 0, 0, err
			}
			if len(imgs) == 0 {
				return 0, 0, igny8.Errorf(igny8.EInvalid, "Content %d has no image prompts yet: start an image_prompts job for it first.", id)
			}
			if err := credits.CheckImages(len(imgs)); err != nil {
				return 0, 0, err
			}
			for _, img := range imgs {
				if img.AssetPath == "" {
					n++
				}
			}
		}
		return cost(igny8.OpImage, int64(n)), n, nil
	case igny8.JobPublish:
		var in PublishInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		ok := []string{igny8.ContentApproved, igny8.ContentPublished}
		return 0, len(in.ContentIDs), s.checkContents(ctx, siteID, in.ContentIDs, ok)
	case igny8.JobDistribute:
		var in DistributeInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if in.IntegrationID <= 0 {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "/input/integration_id is required: the integration to publish to (GET /v1/sites/%d/integrations lists them).", siteID)
		}
		if len(in.ContentIDs) == 0 {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "/input/content_ids is required: the content pieces to publish.")
		}
		if _, err := s.Store.Integration(ctx, siteID, in.IntegrationID); err != nil {
			return 0, 0, err
		}
		ok := []string{igny8.ContentApproved, igny8.ContentPublished}
		return 0, len(in.ContentIDs), s.checkContents(ctx, siteID, in.ContentIDs, ok)
	case igny8.JobSync, igny8.JobImport:
		var in IntegrationInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if in.IntegrationID <= 0 {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "/input/integration_id is required: the integration to %s (GET /v1/sites/%d/integrations lists them).", kind, siteID)
		}
		in2, err := s.Store.Integration(ctx, siteID, in.IntegrationID)
		if err != nil {
			return 0, 0, err
		}
		if in2.Platform == igny8.PlatformCustom {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "The integration %q is a custom API: IGNY8 sends it content but cannot read from it, so there is nothing to %s.", in2.Name, kind)
		}
		return 0, 1, nil
	case igny8.JobGenerateSite:
		var in GenerateInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if err := CheckBrief(in.Brief); err != nil {
			return 0, 0, err
		}
		pages := len(in.Brief.Pages)
		if pages == 0 {
			pages = 5
		}
		return cost(igny8.OpSiteStructure, 1) + cost(igny8.OpSitePage, int64(pages)), pages + 1, nil
	case igny8.JobLink:
		var in LinkInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		n := len(in.ContentIDs)
		if n == 0 {
			all, err := st.Contents(ctx, siteID, igny8.ContentFilter{})
			if err != nil {
				return 0, 0, err
			}
			if n = len(all); n == 0 {
				return 0, 0, igny8.Errorf(igny8.EInvalid, "The site has no content to link yet.")
			}
		} else if err := s.checkContents(ctx, siteID, in.ContentIDs, nil); err != nil {
			return 0, 0, err
		}
		// The most it can cost: every piece's text changes.
		return cost(igny8.OpLinking, int64(n)), n, nil
	case igny8.JobOptimize:
		var in OptimizeInput
		if err := decodeInput(raw, &in); err != nil {
			return 0, 0, err
		}
		if err := s.checkContents(ctx, siteID, in.ContentIDs, nil); err != nil {
			return 0, 0, err
		}
		var need int64
		for _, id := range in.ContentIDs {
			c, err := st.Content(ctx, siteID, id)
			if err != nil {
				return 0, 0, err
			}
			if c.TargetKeyword == "" {
				return 0, 0, igny8.Errorf(igny8.EInvalid, "Content %d has no target keyword to optimize for.", id)
			}
			need += cost(igny8.OpOptimization, int64(c.WordCount))
		}
		return need, len(in.ContentIDs), nil
	case igny8.JobKeywordImport:
		return 0, 0, igny8.Errorf(igny8.EInvalid, "Import keywords with POST /v1/sites/%d/keywords/import; it starts a job itself when the file is large.", siteID)
	}
	return 0, 0, igny8.Errorf(igny8.EInvalid, "Unknown job kind %q; the kinds are cluster, ideas, write, image_prompts, images, link, optimize, publish and generate_site.", kind)
}

// checkContents checks that ids name 1 to 100 contents of the site, in
// one of statuses when given.
func (s *Service) checkContents(ctx context.Context, siteID int64, ids []int64, statuses []string) error {
	if len(ids) == 0 || len(ids) > 100 {
		return igny8.Errorf(igny8.EInvalid, "/content_ids must list 1 to 100 content pieces.")
	}
	for _, id := range ids {
		c, err := s.Store.Content(ctx, siteID, id)
		if err != nil {
			return err
		}
		if statuses != nil && !slices.Contains(statuses, c.Status) {
			return igny8.Errorf(igny8.EInvalid, "Content %d (%q) is %s; it must be %s first.", c.ID, c.Title, c.Status, strings.Join(statuses, " or "))
		}
	}
	return nil
}

// EditContent replaces a content's page with an edited one: the page is
// validated inside the site's blueprint exactly as the build will, its
// facts (title, meta, excerpt, words) derived again, and the change saved
// as a new revision. expect, when not 0, is the revision the edit was
// made on.
func (s *Service) EditContent(ctx context.Context, siteID, id int64, page json.RawMessage, expect int) (*igny8.Content, error) {
	c, err := s.Store.Content(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	var pg blueprints.Page
	dec := json.NewDecoder(bytes.NewReader(page))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pg); err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "/page cannot be read as a blueprint page: %v.", err)
	}
	if pg.ID != c.Slug {
		return nil, igny8.Errorf(igny8.EInvalid, "/page/id is %q but this content's page is %q; the id cannot change.", pg.ID, c.Slug)
	}
	doc, _, err := s.Store.ActiveBlueprintJSON(ctx, siteID)
	if err != nil {
		return nil, err
	}
	site, err := s.Store.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	lib, err := s.Assets.AssetFS(ctx, site)
	if err != nil {
		return nil, err
	}
	imgs, err := s.Store.ContentImages(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	// The page may already show the content's generated images, whose
	// assets the blueprint gains when it is published.
	var probe blueprints.Page
	if err := json.Unmarshal(page, &probe); err != nil {
		return nil, err
	}
	assets := writer.AttachImages(&probe, imgs)
	all, err := s.Store.Contents(ctx, siteID, igny8.ContentFilter{})
	if err != nil {
		return nil, err
	}
	if doc, err = withContentPages(doc, all, id); err != nil {
		return nil, err
	}
	if err := writer.Validate(doc, &pg, writer.Options{Files: lib, Assets: assets}); err != nil {
		return nil, err
	}
	canon, err := json.Marshal(&pg)
	if err != nil {
		return nil, err
	}
	upd := *c
	writer.Facts(&pg).Apply(&upd)
	upd.Page = canon
	return s.Store.ReviseContent(ctx, siteID, id, &upd, "edit", expect)
}

// Prompts lists the embedded prompts.
func (s *Service) Prompts() []igny8.PromptInfo {
	var out []igny8.PromptInfo
	for _, p := range ai.Prompts() {
		out = append(out, igny8.PromptInfo{Name: p.Name, Version: p.Version, System: p.System, User: p.User, Schema: p.Schema})
	}
	return out
}

// CheckPromptOverride checks an override before it is stored.
func (s *Service) CheckPromptOverride(name, system, user string) error {
	return ai.CheckOverride(name, system, user)
}
