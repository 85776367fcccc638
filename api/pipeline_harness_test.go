package api

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"testing/fstest"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/postgres"
)

// pipelineAssets adapts memAssets to what the pipeline needs of a site's
// asset library.
type pipelineAssets struct{ m *memAssets }

func (p pipelineAssets) PutAsset(ctx context.Context, site *igny8.Site, path, contentType string, r io.Reader) (*igny8.Asset, bool, error) {
	return p.m.PutAsset(ctx, site.ID, path, contentType, r)
}

func (p pipelineAssets) AssetFS(ctx context.Context, site *igny8.Site) (fs.FS, error) {
	list, err := p.m.db.Assets(ctx, site.ID, 0, 0)
	if err != nil {
		return nil, err
	}
	p.m.mu.Lock()
	defer p.m.mu.Unlock()
	files := fstest.MapFS{}
	for _, a := range list {
		files[a.Path] = &fstest.MapFile{Data: p.m.bytes[a.SHA256]}
	}
	return files, nil
}

// testJobs writes a job's outbox row under a kind no relay runs: the API
// tests look at rows, not at work.
type testJobs struct{ db *postgres.DB }

func (j testJobs) CreateJob(ctx context.Context, job *igny8.Job) error {
	return j.db.CreateJob(ctx, job, func(job *igny8.Job) postgres.OutboxMessage {
		return postgres.OutboxMessage{Kind: "test:ai", Payload: []byte(fmt.Sprintf(`{"job_id": %d}`, job.ID))}
	})
}

// withPipeline adds the content pipeline to a harness configuration.
func withPipeline(cfg Config, db *postgres.DB) Config {
	cfg.PipelineStore = db
	cfg.Pipeline = &pipeline.Service{Store: db, Jobs: testJobs{db}, Credits: db,
		Assets: pipelineAssets{cfg.Assets.(*memAssets)}, Provider: "offline"}
	return cfg
}

// pipelineObjects gives a tenant one object of every pipeline kind: a
// keyword (through the API), a cluster and an idea (written as a job
// would), a task (approving the idea), an approved content piece and a
// queued publish job.
func (h *harness) pipelineObjects(tn *tenant) {
	h.t.Helper()
	owner := tn.tokens[igny8.RoleOwner]
	base := fmt.Sprintf("/v1/sites/%d", tn.site.ID)
	var acc igny8.Account
	h.must(200, owner, "GET", "/v1/account", nil, &acc)
	ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc.ID})

	var rep igny8.KeywordImport
	h.must(201, owner, "POST", base+"/keywords", keywordsRequest{Keywords: []igny8.KeywordInput{{Keyword: "sourdough starter"}}}, &rep)
	tn.keyword = *rep.Keywords[0]
	prov := igny8.Provenance{Provider: "offline", Model: "test", Prompt: "cluster_names", PromptVersion: "v1", Offline: true}
	cs, err := h.db.SaveClusters(ctx, tn.site.ID, "test:1", []*igny8.Cluster{{SiteID: tn.site.ID, Name: "Sourdough", PillarKeywordID: &tn.keyword.ID, Provenance: prov}}, [][]int64{{tn.keyword.ID}})
	if err != nil {
		h.t.Fatal(err)
	}
	tn.cluster = *cs[0]
	ideas, err := h.db.SaveIdeas(ctx, tn.site.ID, tn.cluster.ID, []*igny8.Idea{{SiteID: tn.site.ID, ClusterID: tn.cluster.ID, Title: "Starter guide",
		Outline: []string{"Flour", "Water"}, TargetKeyword: "sourdough starter", SecondaryKeywords: []string{}, Intent: igny8.IntentInformational,
		EntityType: igny8.EntityPage, EstimatedWords: 600, Status: igny8.IdeaNew, Provenance: prov}})
	if err != nil {
		h.t.Fatal(err)
	}
	tn.idea = *ideas[0]
	var a approval
	h.must(200, owner, "POST", fmt.Sprintf("%s/ideas/%d/approve", base, tn.idea.ID), approveRequest{}, &a)
	tn.task = *a.Task
	page := []byte(`{"id": "starter-guide", "path": "/starter-guide/", "type": "page", "title": "Starter guide",
		"blocks": [{"id": "s1", "type": "richtext", "v": 1, "props": {"markdown": "Feed it daily."}}]}`)
	c, _, err := h.db.SaveTaskContent(ctx, tn.site.ID, tn.task.ID, &igny8.Content{SiteID: tn.site.ID, EntityType: igny8.EntityPage,
		Title: "Starter guide", Slug: "starter-guide", Status: igny8.ContentDraft, Page: page, WordCount: 3, Provenance: prov})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, st := range []string{igny8.ContentReview, igny8.ContentApproved} {
		h.must(200, owner, "POST", fmt.Sprintf("%s/contents/%d/status", base, c.ID), statusChange{Status: st}, nil)
	}
	h.must(200, owner, "GET", fmt.Sprintf("%s/contents/%d", base, c.ID), nil, &tn.content)
	o, _, err := h.db.ApplyOptimization(ctx, &igny8.Optimization{SiteID: tn.site.ID, ContentID: c.ID, Keyword: "sourdough starter",
		ScoreBefore: 50, ScoreAfter: 40, PageBefore: tn.content.Page, PageAfter: tn.content.Page, RevisionBefore: tn.content.Revision, Provenance: prov}, "test:opt", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	tn.optimization = *o
	h.must(202, owner, "POST", fmt.Sprintf("%s/contents/%d/publish", base, c.ID), nil, &tn.job)
}
