package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
)

func TestJobLifecycle(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	j := &igny8.Job{SiteID: p.site.ID, Kind: igny8.JobCluster, Input: json.RawMessage(`{"sector_id": 1}`)}
	err := p.db.CreateJob(ctx, j, func(j *igny8.Job) postgres.OutboxMessage {
		return postgres.OutboxMessage{Kind: "ai:cluster", Payload: fmt.Appendf(nil, `{"job_id": %d}`, j.ID)}
	})
	if err != nil {
		t.Fatal(err)
	}
	alpha, _ := igny8.ActorFrom(ctx)
	if j.ID == 0 || j.Status != igny8.JobQueued || j.AccountID != alpha.AccountID || j.CreatedBy == nil || *j.CreatedBy != alpha.UserID {
		t.Errorf("created job = %+v", j)
	}
	// The outbox carries the job, from the same transaction.
	var sent []postgres.OutboxEntry
	if _, err := p.db.RelayOutbox(context.Background(), 100, func(_ context.Context, e postgres.OutboxEntry) error {
		sent = append(sent, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"job_id": %d}`, j.ID)
	if len(sent) != 1 || sent[0].Kind != "ai:cluster" || string(sent[0].Payload) != want {
		t.Errorf("outbox = %+v, want one ai:cluster with %s", sent, want)
	}

	started, err := p.db.StartJob(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if started.Status != igny8.JobRunning || started.Attempts != 1 || started.StartedAt == nil {
		t.Errorf("started = %+v", started)
	}
	again, err := p.db.StartJob(ctx, j.ID) // a redelivery after a crash
	if err != nil {
		t.Fatal(err)
	}
	if again.Attempts != 2 || !again.StartedAt.Equal(*started.StartedAt) {
		t.Errorf("restarted: attempts %d started %v, want 2 and the first start %v", again.Attempts, again.StartedAt, started.StartedAt)
	}
	if err := p.db.JobProgress(ctx, j.ID, "naming", 3, 7); err != nil {
		t.Fatal(err)
	}
	got, err := p.db.Job(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != "naming" || got.Done != 3 || got.Total != 7 {
		t.Errorf("progress = %q %d/%d", got.Step, got.Done, got.Total)
	}

	done, err := p.db.FinishJob(ctx, j.ID, igny8.JobSucceeded, json.RawMessage(`{"clusters": 2}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != igny8.JobSucceeded || done.EndedAt == nil || !sameJSON(done.Result, json.RawMessage(`{"clusters": 2}`)) {
		t.Errorf("finished = %+v (result %s)", done, done.Result)
	}
	// The first ending stands; a finished job neither starts nor moves.
	second, err := p.db.FinishJob(ctx, j.ID, igny8.JobFailed, nil, "late failure")
	if err != nil {
		t.Fatal(err)
	}
	if second.Status != igny8.JobSucceeded || second.Error != "" || !second.EndedAt.Equal(*done.EndedAt) {
		t.Errorf("finished twice = %+v", second)
	}
	if s, err := p.db.StartJob(ctx, j.ID); err != nil || s.Status != igny8.JobSucceeded || s.Attempts != 2 {
		t.Errorf("start after finish = %+v, %v", s, err)
	}
	if err := p.db.JobProgress(ctx, j.ID, "late", 9, 9); err != nil {
		t.Fatal(err)
	}
	if g, _ := p.db.Job(ctx, j.ID); g.Step != "naming" {
		t.Errorf("progress after finish changed the step to %q", g.Step)
	}

	if _, err := p.db.FinishJob(ctx, j.ID, igny8.JobRunning, nil, ""); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("finish as running: %v", err)
	}
	wantMessage(t, "unknown job", func() error { _, err := p.db.Job(ctx, 999); return err }(), igny8.ENotFound, "There is no job 999.")
	wantCode(t, "job of an unknown site", p.db.CreateJob(ctx, &igny8.Job{SiteID: 999, Kind: igny8.JobCluster}, nil), igny8.ENotFound)
	wantCode(t, "job of no kind", p.db.CreateJob(ctx, &igny8.Job{SiteID: p.site.ID, Kind: "mine bitcoin"}, nil), igny8.EInvalid)

	// A failed job keeps its message.
	f := &igny8.Job{SiteID: p.site.ID, Kind: igny8.JobWrite}
	if err := p.db.CreateJob(ctx, f, nil); err != nil {
		t.Fatal(err)
	}
	if f.Input == nil || string(f.Input) != "{}" {
		t.Errorf("default input = %s", f.Input)
	}
	if fj, err := p.db.FinishJob(ctx, f.ID, igny8.JobFailed, nil, "The AI provider is unavailable."); err != nil || fj.Error != "The AI provider is unavailable." || fj.Result != nil {
		t.Errorf("failed job = %+v, %v", fj, err)
	}

	list, err := p.db.Jobs(ctx, p.site.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != j.ID || list[1].ID != f.ID {
		t.Errorf("jobs = %d, want j and f (the refused ones are not)", len(list))
	}
	if page, _ := p.db.Jobs(ctx, p.site.ID, j.ID, 1); len(page) != 1 || page[0].ID != f.ID {
		t.Errorf("jobs after %d, limit 1 = %v", j.ID, page)
	}
}

func TestCancelJob(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	mk := func() *igny8.Job {
		j := &igny8.Job{SiteID: p.site.ID, Kind: igny8.JobIdeas}
		if err := p.db.CreateJob(ctx, j, nil); err != nil {
			t.Fatal(err)
		}
		return j
	}

	// A queued job is cancelled at once; it never starts.
	queued := mk()
	c, err := p.db.CancelJob(ctx, p.site.ID, queued.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != igny8.JobCancelled || !c.Cancel || c.EndedAt == nil {
		t.Errorf("cancelled queued job = %+v", c)
	}
	if s, _ := p.db.StartJob(ctx, queued.ID); s.Status != igny8.JobCancelled || s.Attempts != 0 {
		t.Errorf("start of a cancelled job = %+v", s)
	}
	if yes, err := p.db.JobCancelled(ctx, queued.ID); err != nil || !yes {
		t.Errorf("JobCancelled(queued) = %v, %v", yes, err)
	}

	// A running job is asked to stop and stops itself.
	running := mk()
	if _, err := p.db.StartJob(ctx, running.ID); err != nil {
		t.Fatal(err)
	}
	if yes, _ := p.db.JobCancelled(ctx, running.ID); yes {
		t.Error("a running job is cancelled before anyone asked")
	}
	c, err = p.db.CancelJob(ctx, p.site.ID, running.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != igny8.JobRunning || !c.Cancel || c.EndedAt != nil {
		t.Errorf("cancelled running job = %+v", c)
	}
	if c2, err := p.db.CancelJob(ctx, p.site.ID, running.ID); err != nil || c2.Status != igny8.JobRunning {
		t.Errorf("cancel again = %+v, %v", c2, err)
	}
	if yes, err := p.db.JobCancelled(ctx, running.ID); err != nil || !yes {
		t.Errorf("JobCancelled(running) = %v, %v", yes, err)
	}
	if _, err := p.db.FinishJob(ctx, running.ID, igny8.JobCancelled, nil, "Cancelled."); err != nil {
		t.Fatal(err)
	}

	// A finished job cannot be cancelled.
	ok := mk()
	if _, err := p.db.FinishJob(ctx, ok.ID, igny8.JobSucceeded, nil, ""); err != nil {
		t.Fatal(err)
	}
	_, err = p.db.CancelJob(ctx, p.site.ID, ok.ID)
	wantMessage(t, "cancel a finished job", err, igny8.EConflict, fmt.Sprintf("Job %d already finished (succeeded).", ok.ID))
	_, err = p.db.CancelJob(ctx, p.site.ID+1000, ok.ID)
	wantCode(t, "cancel in another site", err, igny8.ENotFound)
	_, err = p.db.JobCancelled(ctx, 999)
	wantCode(t, "JobCancelled(unknown)", err, igny8.ENotFound)
}
