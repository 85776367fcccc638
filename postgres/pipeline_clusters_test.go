package postgres_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/igny8/igny8"
)

func TestSaveClustersOnce(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	kws := p.keywords(t, "a1", "a2", "b1", "b2", "loose")
	clusters := func() []*igny8.Cluster {
		return []*igny8.Cluster{
			{Name: "A", Description: "about a", SectorID: &p.sector.ID, PillarKeywordID: &kws[0].ID, Provenance: offline},
			{Name: "B", PillarKeywordID: &kws[3].ID, Provenance: offline},
		}
	}
	members := [][]int64{{kws[0].ID, kws[1].ID}, {kws[2].ID, kws[3].ID, 99999}} // 99999: not the site's, skipped
	first, err := p.db.SaveClusters(ctx, p.site.ID, "batch-1", clusters(), members)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 {
		t.Fatalf("saved %d clusters", len(first))
	}
	a, b := first[0], first[1]
	if a.Name != "A" || a.Description != "about a" || *a.SectorID != p.sector.ID || a.Pillar != "a1" || a.Keywords != 2 || a.Ideas != 0 ||
		a.Batch != "batch-1" || a.Provenance != offline || a.SiteID != p.site.ID {
		t.Errorf("cluster A = %+v", a)
	}
	if b.Name != "B" || b.Pillar != "b2" || b.Keywords != 2 || b.SectorID != nil {
		t.Errorf("cluster B = %+v", b)
	}

	// A redelivery returns the same rows and changes nothing, even with
	// other members.
	second, err := p.db.SaveClusters(ctx, p.site.ID, "batch-1", clusters(), [][]int64{{kws[4].ID}, nil})
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 2 || second[0].ID != a.ID || second[1].ID != b.ID || second[0].Keywords != 2 {
		t.Errorf("second save = %+v %+v", second[0], second[1])
	}
	if all, _ := p.db.Clusters(ctx, p.site.ID, 0, 0); len(all) != 2 {
		t.Errorf("site has %d clusters after a repeat", len(all))
	}
	if loose, _ := p.db.Keywords(ctx, p.site.ID, igny8.KeywordFilter{ClusterID: &a.ID}); len(loose) != 2 {
		t.Errorf("cluster A has %d keywords after a repeat", len(loose))
	}

	// Another batch takes only keywords no cluster has.
	third, err := p.db.SaveClusters(ctx, p.site.ID, "batch-2", []*igny8.Cluster{{Name: "C", Provenance: offline}}, [][]int64{{kws[0].ID, kws[4].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if third[0].Keywords != 1 {
		t.Errorf("cluster C took %d keywords, want only the loose one", third[0].Keywords)
	}
	if got, _ := p.db.Cluster(ctx, p.site.ID, a.ID); got.Keywords != 2 {
		t.Errorf("cluster A lost a keyword to C: %d", got.Keywords)
	}
	if page, _ := p.db.Clusters(ctx, p.site.ID, a.ID, 1); len(page) != 1 || page[0].ID != b.ID {
		t.Errorf("clusters after A, limit 1 = %v", page)
	}

	_, err = p.db.SaveClusters(ctx, p.site.ID, "batch-3", []*igny8.Cluster{{Name: "D"}}, nil)
	if err != nil {
		t.Errorf("clusters without members: %v", err)
	}
	_, err = p.db.SaveClusters(ctx, p.site.ID, "", clusters(), members)
	wantCode(t, "no batch key", err, igny8.EInvalid)
	_, err = p.db.SaveClusters(ctx, p.site.ID, "batch-4", clusters(), members[:1])
	wantCode(t, "members do not match", err, igny8.EInvalid)
	_, err = p.db.Cluster(ctx, p.site.ID, 999)
	wantMessage(t, "unknown cluster", err, igny8.ENotFound, fmt.Sprintf("There is no cluster 999 in site %d.", p.site.ID))
}

func TestIdeasAndTasks(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	kw := p.keywords(t, "shoes")[0]
	cs, err := p.db.SaveClusters(ctx, p.site.ID, "b", []*igny8.Cluster{{Name: "Shoes", Provenance: offline}}, [][]int64{{kw.ID}})
	if err != nil {
		t.Fatal(err)
	}
	cl := cs[0].ID
	ideas := []*igny8.Idea{
		{Title: "How to choose shoes", Angle: "guide", Outline: []string{"Fit", "Price"}, TargetKeyword: "shoes",
			SecondaryKeywords: []string{"running shoes"}, Intent: igny8.IntentInformational, EntityType: igny8.EntityPost, EstimatedWords: 20000, Provenance: offline},
		{Title: "Shoe shop", EntityType: igny8.EntityPage, EstimatedWords: 10, Provenance: offline},
		{Title: "Shoe care", EntityType: igny8.EntityPost, Provenance: offline},
		{Title: "Bad idea", EntityType: igny8.EntityPost, Provenance: offline},
	}
	first, err := p.db.SaveIdeas(ctx, p.site.ID, cl, ideas)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 4 || first[0].Title != "How to choose shoes" || !slices.Equal(first[0].Outline, []string{"Fit", "Price"}) ||
		!slices.Equal(first[0].SecondaryKeywords, []string{"running shoes"}) || first[0].Status != igny8.IdeaNew || first[0].TaskID != nil ||
		first[0].ClusterID != cl || first[0].Provenance != offline || first[2].Outline == nil {
		t.Errorf("saved ideas: %+v", first[0])
	}
	second, err := p.db.SaveIdeas(ctx, p.site.ID, cl, ideas[:1])
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 4 || second[0].ID != first[0].ID || second[3].ID != first[3].ID {
		t.Errorf("second save returned %d ideas", len(second))
	}
	if c, _ := p.db.Cluster(ctx, p.site.ID, cl); c.Ideas != 4 {
		t.Errorf("cluster counts %d ideas", c.Ideas)
	}

	// Approval makes the task once; the estimate is clamped, or 1000 without one.
	idea, task, err := p.db.ApproveIdea(ctx, p.site.ID, first[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if idea.Status != igny8.IdeaApproved || idea.TaskID == nil || *idea.TaskID != task.ID {
		t.Errorf("approved idea = %+v", idea)
	}
	if task.WordTarget != 10000 || task.Status != igny8.TaskQueued || task.Title != "How to choose shoes" || task.EntityType != igny8.EntityPost ||
		task.IdeaID != idea.ID || task.SiteID != p.site.ID {
		t.Errorf("task = %+v", task)
	}
	_, again, err := p.db.ApproveIdea(ctx, p.site.ID, first[0].ID, 3000)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != task.ID || again.WordTarget != 10000 {
		t.Errorf("approving again made %+v", again)
	}
	if _, low, _ := p.db.ApproveIdea(ctx, p.site.ID, first[1].ID, 0); low.WordTarget != 50 {
		t.Errorf("estimate 10 gives a target of %d", low.WordTarget)
	}
	if _, none, _ := p.db.ApproveIdea(ctx, p.site.ID, first[2].ID, 0); none.WordTarget != 1000 {
		t.Errorf("no estimate gives a target of %d", none.WordTarget)
	}
	_, _, err = p.db.ApproveIdea(ctx, p.site.ID, first[3].ID, 20)
	wantCode(t, "a target of 20 words", err, igny8.EInvalid)

	// Rejection: only ideas without a task.
	rej, err := p.db.RejectIdea(ctx, p.site.ID, first[3].ID)
	if err != nil || rej.Status != igny8.IdeaRejected {
		t.Errorf("reject = %+v, %v", rej, err)
	}
	_, err = p.db.RejectIdea(ctx, p.site.ID, first[0].ID)
	wantMessage(t, "reject an approved idea", err, igny8.EConflict,
		fmt.Sprintf("Idea %d is approved and has task %d; it cannot be rejected.", first[0].ID, task.ID))

	approved, err := p.db.Ideas(ctx, p.site.ID, &cl, igny8.IdeaApproved, 0, 0)
	if err != nil || len(approved) != 3 {
		t.Errorf("approved ideas: %d, %v", len(approved), err)
	}
	if rejected, _ := p.db.Ideas(ctx, p.site.ID, nil, igny8.IdeaRejected, 0, 0); len(rejected) != 1 || rejected[0].ID != first[3].ID {
		t.Errorf("rejected ideas: %v", rejected)
	}
	if page, _ := p.db.Ideas(ctx, p.site.ID, nil, "", first[0].ID, 2); len(page) != 2 || page[0].ID != first[1].ID {
		t.Errorf("ideas after the first, limit 2: %v", page)
	}
	other := int64(999)
	if none, _ := p.db.Ideas(ctx, p.site.ID, &other, "", 0, 0); len(none) != 0 {
		t.Errorf("ideas of an unknown cluster: %v", none)
	}

	// Tasks.
	tasks, err := p.db.Tasks(ctx, p.site.ID, igny8.TaskQueued, 0, 0)
	if err != nil || len(tasks) != 3 || tasks[0].ID != task.ID {
		t.Fatalf("queued tasks: %v, %v", tasks, err)
	}
	if err := p.db.SetTaskStatus(ctx, p.site.ID, task.ID, igny8.TaskFailed, "The AI provider is unavailable."); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.db.Task(ctx, p.site.ID, task.ID); got.Status != igny8.TaskFailed || got.Error != "The AI provider is unavailable." {
		t.Errorf("failed task = %+v", got)
	}
	if err := p.db.SetTaskStatus(ctx, p.site.ID, task.ID, igny8.TaskWriting, "ignored"); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.db.Task(ctx, p.site.ID, task.ID); got.Status != igny8.TaskWriting || got.Error != "" {
		t.Errorf("writing task = %+v", got)
	}
	if writing, _ := p.db.Tasks(ctx, p.site.ID, igny8.TaskWriting, 0, 0); len(writing) != 1 {
		t.Errorf("writing tasks: %v", writing)
	}
	wantCode(t, "set done by hand", p.db.SetTaskStatus(ctx, p.site.ID, task.ID, igny8.TaskDone, ""), igny8.EInvalid)
	wantMessage(t, "unknown task", p.db.SetTaskStatus(ctx, p.site.ID, 999, igny8.TaskWriting, ""), igny8.ENotFound,
		fmt.Sprintf("There is no task 999 in site %d.", p.site.ID))
	_, err = p.db.SaveIdeas(ctx, p.site.ID, 999, ideas)
	wantCode(t, "ideas of an unknown cluster", err, igny8.ENotFound)
	_, err = p.db.SaveIdeas(ctx, p.site.ID, cl, []*igny8.Idea{{Title: "x", EntityType: "essay"}})
	wantCode(t, "an unknown entity type", err, igny8.EInvalid)
}
