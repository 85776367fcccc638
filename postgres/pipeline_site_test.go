package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

// Deleting a site deletes its pipeline with it (through the cycles
// keywords ⇄ clusters and tasks ⇄ contents); the account's AI calls and
// prompt overrides stay.
func TestDeleteSiteWithPipeline(t *testing.T) {
	p := newPipe(t)
	a := p.everything(t)
	if _, err := p.db.DeleteSite(p.alpha, p.site.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	_, err := p.db.Job(p.alpha, a.job.ID)
	wantCode(t, "the deleted site's job", err, igny8.ENotFound)
	if calls, _ := p.db.AICalls(p.alpha, nil, 0, 0); len(calls) != 1 {
		t.Errorf("AI calls after the site went: %d", len(calls))
	}
	if _, err := p.db.PromptOverride(p.alpha, "ideas"); err != nil {
		t.Errorf("override after the site went: %v", err)
	}
}

// The objects of one site are not reachable through another site of the
// same account.
func TestPipelineOtherSiteOfTheAccount(t *testing.T) {
	p := newPipe(t)
	a := p.everything(t)
	other := &igny8.Site{Slug: "other", Name: "Other"}
	if err := p.db.CreateSite(p.alpha, other); err != nil {
		t.Fatal(err)
	}
	_, err := p.db.SaveIdeas(p.alpha, other.ID, a.cluster.ID, nil)
	wantMessage(t, "ideas of another site's cluster", err, igny8.ENotFound, fmt.Sprintf("There is no cluster %d in site %d.", a.cluster.ID, other.ID))
	_, _, err = p.db.SaveTaskContent(p.alpha, other.ID, a.task.ID, written("x"))
	wantCode(t, "content of another site's task", err, igny8.ENotFound)
	_, err = p.db.SaveImagePrompts(p.alpha, other.ID, a.content.ID, nil)
	wantCode(t, "images of another site's content", err, igny8.ENotFound)
	_, err = p.db.CancelJob(p.alpha, other.ID, a.job.ID)
	wantCode(t, "cancel another site's job", err, igny8.ENotFound)
	cs, err := p.db.SaveClusters(p.alpha, other.ID, "b", []*igny8.Cluster{{Name: "C", PillarKeywordID: &a.keyword.ID}}, [][]int64{{a.keyword.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].PillarKeywordID != nil || cs[0].Keywords != 0 {
		t.Errorf("a cluster took another site's keyword: %+v", cs[0])
	}
	_, err = p.db.SaveClusters(p.alpha, other.ID, "c", []*igny8.Cluster{{Name: "C", SectorID: &p.sector.ID}}, nil)
	wantCode(t, "a cluster in another site's sector", err, igny8.ENotFound)
}

// Deliveries of one job that run at once write once, and each gets the
// rows written.
func TestPipelineConcurrentRepeats(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	kws := p.keywords(t, "a", "b", "c")
	const n = 6
	run := func(f func() (int64, error)) []int64 {
		t.Helper()
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { ids[i], errs[i] = f() })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("delivery %d: %v", i, err)
			}
			if ids[i] != ids[0] {
				t.Errorf("delivery %d got row %d, delivery 0 got %d", i, ids[i], ids[0])
			}
		}
		return ids
	}
	clusterIDs := run(func() (int64, error) {
		cs, err := p.db.SaveClusters(ctx, p.site.ID, "k", []*igny8.Cluster{{Name: "A"}, {Name: "B"}}, [][]int64{{kws[0].ID}, {kws[1].ID}})
		if err != nil {
			return 0, err
		}
		return cs[0].ID, nil
	})
	ideaIDs := run(func() (int64, error) {
		ideas, err := p.db.SaveIdeas(ctx, p.site.ID, clusterIDs[0], []*igny8.Idea{{Title: "T", EntityType: igny8.EntityPost}})
		if err != nil {
			return 0, err
		}
		return ideas[0].ID, nil
	})
	taskIDs := run(func() (int64, error) {
		_, task, err := p.db.ApproveIdea(ctx, p.site.ID, ideaIDs[0], 0)
		if err != nil {
			return 0, err
		}
		return task.ID, nil
	})
	contentIDs := run(func() (int64, error) {
		c, _, err := p.db.SaveTaskContent(ctx, p.site.ID, taskIDs[0], written("post"))
		if err != nil {
			return 0, err
		}
		return c.ID, nil
	})
	run(func() (int64, error) {
		imgs, err := p.db.SaveImagePrompts(ctx, p.site.ID, contentIDs[0], []*igny8.ContentImage{{Prompt: "p", Width: 64, Height: 64}})
		if err != nil {
			return 0, err
		}
		return imgs[0].ID, nil
	})
	versions := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			o := &igny8.PromptOverride{Name: "ideas", User: "u"}
			if err := p.db.PutPromptOverride(ctx, o); err != nil {
				t.Error(err)
			}
			versions <- o.Version
		})
	}
	wg.Wait()
	close(versions)
	seen := map[int]bool{}
	for v := range versions {
		seen[v] = true
	}
	if len(seen) != n {
		t.Errorf("concurrent overrides took versions %v, want 1 to %d", seen, n)
	}
	if all, _ := p.db.Clusters(ctx, p.site.ID, 0, 0); len(all) != 2 {
		t.Errorf("%d clusters", len(all))
	}
	if all, _ := p.db.Contents(ctx, p.site.ID, igny8.ContentFilter{}); len(all) != 1 {
		t.Errorf("%d contents", len(all))
	}
}
