package pipeline_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/pipeline"
)

// A site whose settings ask for it links and optimizes what a write job
// wrote, in the same job; the 402 estimate counts those steps, and a
// redelivered job charges nothing again.
func TestWriteChainsLinkAndOptimize(t *testing.T) {
	t.Parallel()
	d := openDB(t)
	tn := d.newTenant(t, 1000)
	s := igny8.DefaultPipelineSettings(tn.site.ID)
	s.AutoLink, s.AutoOptimize = true, true
	if err := tn.db.PutPipelineSettings(tn.ctx, &s); err != nil {
		t.Fatal(err)
	}
	tasks := tn.tasks(t, 2, 400)
	j := tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
	h := tn.handler(t, offline.New(), nil)
	var res pipeline.WriteResult
	tn.mustSucceed(t, h, j.ID, &res)
	if len(res.Contents) != 2 || res.Linked == nil || res.Optimized == nil {
		t.Fatalf("write result %+v: want two pieces, linked and optimized", res)
	}
	if got := len(res.Optimized.Optimizations) + len(res.Optimized.Failed); got != 2 {
		t.Errorf("%d pieces optimized or failed, want 2", got)
	}
	if n := tn.count(t, "optimizations"); n != len(res.Optimized.Optimizations) {
		t.Errorf("%d optimization rows, the result lists %d", n, len(res.Optimized.Optimizations))
	}
	before := tn.credits(t)
	tn.redeliver(t, h, j.ID, &res)
	if after := tn.credits(t); after.Balance != before.Balance || after.Reserved != 0 {
		t.Errorf("redelivery changed the credits: %d → %d (reserved %d)", before.Balance, after.Balance, after.Reserved)
	}
	if n := tn.count(t, "optimizations"); n != len(res.Optimized.Optimizations) {
		t.Errorf("redelivery made optimizations: %d rows", n)
	}

	// The estimate includes the chained steps: 400 words hold 6 credits,
	// linking 8, optimizing 600 words 3.
	poor := d.newTenant(t, 16)
	ps := igny8.DefaultPipelineSettings(poor.site.ID)
	ps.AutoLink, ps.AutoOptimize = true, true
	if err := poor.db.PutPipelineSettings(poor.ctx, &ps); err != nil {
		t.Fatal(err)
	}
	pt := poor.tasks(t, 1, 400)
	in, _ := json.Marshal(pipeline.WriteInput{TaskIDs: taskIDs(pt)})
	_, err := poor.svc.StartJob(poor.ctx, poor.site.ID, igny8.JobWrite, in)
	var ice *igny8.InsufficientCreditsError
	if !errors.As(err, &ice) || ice.Needed != 6+8+3 {
		t.Errorf("StartJob with 16 credits: %v, want 402 needing 17", err)
	}
}
