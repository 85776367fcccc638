package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// pipelineTables are the content pipeline's tenant tables (0006).
var pipelineTables = []string{"ai_jobs", "keywords", "clusters", "ideas", "tasks", "contents", "content_revisions",
	"content_images", "ai_calls", "prompt_overrides"}

// alphaPipeline is one of each pipeline object of alpha's.
type alphaPipeline struct {
	job     *igny8.Job
	keyword *igny8.Keyword
	cluster *igny8.Cluster
	idea    *igny8.Idea
	task    *igny8.Task
	content *igny8.Content
	image   *igny8.ContentImage
}

func (p *pipe) everything(t *testing.T) alphaPipeline {
	t.Helper()
	ctx := p.alpha
	var a alphaPipeline
	a.job = &igny8.Job{SiteID: p.site.ID, Kind: igny8.JobWrite}
	if err := p.db.CreateJob(ctx, a.job, nil); err != nil {
		t.Fatal(err)
	}
	a.cluster, a.idea, a.task = p.task(t, "alpha")
	a.keyword = p.keywords(t, "lonely keyword")[0]
	c, _, err := p.db.SaveTaskContent(ctx, p.site.ID, a.task.ID, written("alpha-post"))
	if err != nil {
		t.Fatal(err)
	}
	a.content = c
	imgs, err := p.db.SaveImagePrompts(ctx, p.site.ID, c.ID, []*igny8.ContentImage{{Position: 0, Prompt: "p", Width: 100, Height: 100}})
	if err != nil {
		t.Fatal(err)
	}
	a.image = imgs[0]
	if err := p.db.RecordAICall(ctx, &igny8.AICall{Operation: "chat", Provider: "openai", Model: "m", Outcome: igny8.CallOK, SiteID: &p.site.ID}); err != nil {
		t.Fatal(err)
	}
	if err := p.db.PutPromptOverride(ctx, &igny8.PromptOverride{Name: "ideas", User: "alpha's"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.db.SaveBlueprint(ctx, p.site.ID, []byte(smallBlueprint)); err != nil {
		t.Fatal(err)
	}
	return a
}

// Beta reaches none of alpha's pipeline objects through the store: every
// method that names one, by alpha's site or by beta's own, is not_found,
// lists hold none of them, and they are unchanged afterwards.
func TestPipelineCrossTenantStore(t *testing.T) {
	p := newPipe(t)
	a := p.everything(t)
	beta := p.beta
	betaSite := &igny8.Site{Slug: "beta-shop", Name: "Beta"}
	if err := p.db.CreateSite(beta, betaSite); err != nil {
		t.Fatal(err)
	}
	content := written("x")
	noCheck := func([]byte) error { return nil }
	for _, siteID := range []int64{p.site.ID, betaSite.ID} {
		s := siteID
		calls := map[string]func() error{
			"Job":         func() error { _, err := p.db.Job(beta, a.job.ID); return err },
			"StartJob":    func() error { _, err := p.db.StartJob(beta, a.job.ID); return err },
			"JobProgress": func() error { return p.db.JobProgress(beta, a.job.ID, "x", 1, 2) },
			"FinishJob": func() error {
				_, err := p.db.FinishJob(beta, a.job.ID, igny8.JobFailed, nil, "x")
				return err
			},
			"JobCancelled":    func() error { _, err := p.db.JobCancelled(beta, a.job.ID); return err },
			"CancelJob":       func() error { _, err := p.db.CancelJob(beta, s, a.job.ID); return err },
			"DeleteKeyword":   func() error { return p.db.DeleteKeyword(beta, s, a.keyword.ID) },
			"Cluster":         func() error { _, err := p.db.Cluster(beta, s, a.cluster.ID); return err },
			"SaveIdeas":       func() error { _, err := p.db.SaveIdeas(beta, s, a.cluster.ID, nil); return err },
			"Idea":            func() error { _, err := p.db.Idea(beta, s, a.idea.ID); return err },
			"ApproveIdea":     func() error { _, _, err := p.db.ApproveIdea(beta, s, a.idea.ID, 0); return err },
			"RejectIdea":      func() error { _, err := p.db.RejectIdea(beta, s, a.idea.ID); return err },
			"Task":            func() error { _, err := p.db.Task(beta, s, a.task.ID); return err },
			"SetTaskStatus":   func() error { return p.db.SetTaskStatus(beta, s, a.task.ID, igny8.TaskFailed, "x") },
			"SaveTaskContent": func() error { _, _, err := p.db.SaveTaskContent(beta, s, a.task.ID, content); return err },
			"Content":         func() error { _, err := p.db.Content(beta, s, a.content.ID); return err },
			"ReviseContent": func() error {
				_, err := p.db.ReviseContent(beta, s, a.content.ID, content, "edit", 0)
				return err
			},
			"SetContentStatus": func() error {
				_, err := p.db.SetContentStatus(beta, s, a.content.ID, igny8.ContentDraft)
				return err
			},
			"ContentRevisions": func() error { _, err := p.db.ContentRevisions(beta, s, a.content.ID); return err },
			"SaveImagePrompts": func() error { _, err := p.db.SaveImagePrompts(beta, s, a.content.ID, nil); return err },
			"ContentImages":    func() error { _, err := p.db.ContentImages(beta, s, a.content.ID); return err },
			"SetImageGenerated": func() error {
				img := *a.image
				img.AssetPath = "images/evil.png"
				return p.db.SetImageGenerated(beta, s, &img)
			},
			"PromptOverride": func() error { _, err := p.db.PromptOverride(beta, "ideas"); return err },
		}
		if s == p.site.ID {
			// Calls that name only the site: alpha's is not found for beta.
			maps := map[string]func() error{
				"CreateJob":   func() error { return p.db.CreateJob(beta, &igny8.Job{SiteID: s, Kind: igny8.JobWrite}, nil) },
				"Jobs":        func() error { _, err := p.db.Jobs(beta, s, 0, 0); return err },
				"AddKeywords": func() error { _, _, err := p.db.AddKeywords(beta, s, []*igny8.Keyword{{Keyword: "evil"}}); return err },
				"Keywords":    func() error { _, err := p.db.Keywords(beta, s, igny8.KeywordFilter{}); return err },
				"SaveClusters": func() error {
					_, err := p.db.SaveClusters(beta, s, "evil", []*igny8.Cluster{{Name: "x"}}, nil)
					return err
				},
				"Clusters":            func() error { _, err := p.db.Clusters(beta, s, 0, 0); return err },
				"Ideas":               func() error { _, err := p.db.Ideas(beta, s, nil, "", 0, 0); return err },
				"Tasks":               func() error { _, err := p.db.Tasks(beta, s, "", 0, 0); return err },
				"Contents":            func() error { _, err := p.db.Contents(beta, s, igny8.ContentFilter{}); return err },
				"ActiveBlueprintJSON": func() error { _, _, err := p.db.ActiveBlueprintJSON(beta, s); return err },
				"PutBlueprintAssets": func() error {
					return p.db.PutBlueprintAssets(beta, s, map[string]json.RawMessage{"x": json.RawMessage(`{"path": "x.png"}`)}, noCheck)
				},
			}
			for k, v := range maps {
				calls[k] = v
			}
		}
		for name, call := range calls {
			if err := call(); igny8.ErrorCode(err) != igny8.ENotFound {
				t.Errorf("beta's %s on alpha's objects (site %d): got %v, want not_found", name, s, err)
			}
		}
	}

	// Beta's own lists and writes in its own site do not reach alpha's rows.
	if kws, err := p.db.Keywords(beta, betaSite.ID, igny8.KeywordFilter{}); err != nil || len(kws) != 0 {
		t.Errorf("beta's keywords: %v, %v", kws, err)
	}
	cs, err := p.db.SaveClusters(beta, betaSite.ID, "alpha", []*igny8.Cluster{{Name: "Stolen", PillarKeywordID: &a.keyword.ID}}, [][]int64{{a.keyword.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].PillarKeywordID != nil || cs[0].Keywords != 0 {
		t.Errorf("beta's cluster took alpha's keyword: %+v", cs[0])
	}
	if calls, err := p.db.AICalls(beta, nil, 0, 0); err != nil || len(calls) != 0 {
		t.Errorf("beta sees AI calls %v, %v", calls, err)
	}
	if calls, err := p.db.AICalls(beta, &p.site.ID, 0, 0); err != nil || len(calls) != 0 {
		t.Errorf("beta sees AI calls of alpha's site %v, %v", calls, err)
	}
	if u, err := p.db.AIUsage(beta, time.Time{}, time.Time{}); err != nil || len(u) != 0 {
		t.Errorf("beta's usage: %v, %v", u, err)
	}
	if list, err := p.db.PromptOverrides(beta); err != nil || len(list) != 0 {
		t.Errorf("beta's overrides: %v, %v", list, err)
	}
	if n, err := p.db.DeletePromptOverrides(beta, "ideas"); err != nil || n != 0 {
		t.Errorf("beta deleted %d of alpha's overrides, %v", n, err)
	}

	// Alpha's objects are as they were.
	ctx := p.alpha
	if j, _ := p.db.Job(ctx, a.job.ID); j.Status != igny8.JobQueued || j.Cancel || j.Attempts != 0 {
		t.Errorf("alpha's job after beta: %+v", j)
	}
	if k, _ := p.db.Keywords(ctx, p.site.ID, igny8.KeywordFilter{}); len(k) != 2 || k[1].ClusterID != nil {
		t.Errorf("alpha's keywords after beta: %d", len(k))
	}
	if i, _ := p.db.Idea(ctx, p.site.ID, a.idea.ID); i.Status != igny8.IdeaApproved {
		t.Errorf("alpha's idea after beta: %+v", i)
	}
	if tk, _ := p.db.Task(ctx, p.site.ID, a.task.ID); tk.Status != igny8.TaskDone {
		t.Errorf("alpha's task after beta: %+v", tk)
	}
	if c, _ := p.db.Content(ctx, p.site.ID, a.content.ID); c.Revision != 1 || c.Status != igny8.ContentDraft {
		t.Errorf("alpha's content after beta: %+v", c)
	}
	if imgs, _ := p.db.ContentImages(ctx, p.site.ID, a.content.ID); imgs[0].AssetPath != "" {
		t.Errorf("alpha's image after beta: %+v", imgs[0])
	}
	if o, err := p.db.PromptOverride(ctx, "ideas"); err != nil || o.User != "alpha's" {
		t.Errorf("alpha's override after beta: %+v, %v", o, err)
	}
}

// Row-level security itself, below the store: as the application role
// with beta's account set, raw SQL sees none of alpha's rows in any
// pipeline table and changes none; with alpha's, it sees them.
func TestPipelineRLS(t *testing.T) {
	p := newPipe(t)
	p.everything(t)
	for _, table := range pipelineTables {
		var has bool
		err := p.db.Pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_attribute
			WHERE attrelid = ('public.' || $1)::regclass AND attname = 'account_id' AND NOT attisdropped)`, table).Scan(&has)
		if err != nil || !has {
			t.Errorf("%s has no account_id column (%v); TestCatalogEveryTenantTableForcesRLS would not check it", table, err)
		}
	}
	alpha, _ := igny8.ActorFrom(p.alpha)
	count := func(ctx context.Context, table string) (all, alphas int) {
		t.Helper()
		err := p.db.Tx(ctx, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE account_id = $1) FROM %s`, pgx.Identifier{table}.Sanitize()),
				alpha.AccountID).Scan(&all, &alphas)
		})
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		return all, alphas
	}
	for _, table := range pipelineTables {
		if all, mine := count(p.alpha, table); mine == 0 || all != mine {
			t.Errorf("alpha sees %d rows of %s, %d its own; want some, all its own", all, table, mine)
		}
		if all, theirs := count(p.beta, table); theirs != 0 || all != 0 {
			t.Errorf("beta sees %d rows of %s, %d of them alpha's; want none", all, table, theirs)
		}
		// Writes aimed at alpha's rows touch nothing (or are not allowed at all).
		for _, stmt := range []string{`UPDATE %s SET account_id = account_id WHERE account_id = $1`, `DELETE FROM %s WHERE account_id = $1`} {
			err := p.db.Tx(p.beta, func(tx pgx.Tx) error {
				tag, err := tx.Exec(p.beta, fmt.Sprintf(stmt, pgx.Identifier{table}.Sanitize()), alpha.AccountID)
				if err == nil && tag.RowsAffected() != 0 {
					t.Errorf("beta: %s changed %d rows of alpha's", fmt.Sprintf(stmt, table), tag.RowsAffected())
				}
				return err
			})
			if err != nil && igny8.ErrorCode(err) != igny8.EForbidden {
				t.Errorf("beta: %s: %v", fmt.Sprintf(stmt, table), err)
			}
		}
		if _, mine := count(p.alpha, table); mine == 0 {
			t.Errorf("alpha's rows of %s are gone", table)
		}
	}
	// An insert naming alpha's account is refused by the policy.
	err := p.db.Tx(p.beta, func(tx pgx.Tx) error {
		_, err := tx.Exec(p.beta, `INSERT INTO prompt_overrides (account_id, name, version, system, "user") VALUES ($1, 'ideas', 99, '', 'evil')`, alpha.AccountID)
		return err
	})
	wantCode(t, "beta inserting for alpha", err, igny8.EForbidden)
}
