package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/jobs"
)

// A build requested through the outbox is relayed, built, uploaded,
// recorded and made live, with its counts; running its task again changes
// nothing.
func TestBuildThroughOutboxGoesLiveOnce(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	dep := newFakeSites()
	cfg := jobs.Config{Redis: rdb, Store: b.store, Sites: dep,
		Namespace: namespace(t, rdb), Logger: testLogger(t)}
	w := jobs.NewWorker(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()

	d, err := b.store.QueueBuild(b.ctx, b.site)
	if err != nil {
		t.Fatal(err)
	}
	got := waitFor(t, b.store, b.ctx, d.ID)
	if got.Status != igny8.DeploymentLive || got.DeployID == "" || got.Error != "" {
		t.Fatalf("deployment: status %s, deploy %q, error %q; want live", got.Status, got.DeployID, got.Error)
	}
	if got.Files != 3 || got.UploadedFiles != 3 || got.Bytes == 0 || *got.BlueprintVersion != 3 || got.PreviewURL == "" {
		t.Errorf("deployment counts: %d/%d files, %d bytes, blueprint %d, preview %q; want 3/3 files of blueprint 3",
			got.UploadedFiles, got.Files, got.Bytes, *got.BlueprintVersion, got.PreviewURL)
	}
	if live, _ := dep.Live(ctx, &igny8.Site{Slug: "main"}); live != got.DeployID {
		t.Errorf("live deploy %q, the row records %q", live, got.DeployID)
	}
	var pending int
	if err := b.owner.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Errorf("%d outbox rows still pending", pending)
	}

	// At-least-once delivery: the same task again is a no-op.
	if err := w.Handler().ProcessTask(context.Background(), task(t, b.ctx, got)); err != nil {
		t.Fatal(err)
	}
	if dep.deploys["main"] != 1 || len(dep.history["main"]) != 1 {
		t.Errorf("after a repeat: %d deploys stored, %d promotes; want 1 and 1", dep.deploys["main"], len(dep.history["main"]))
	}
}

// A run that dies after recording its deploy (here: its promote fails) is
// retried by promoting the recorded deploy, without building again.
func TestRetryAfterRecordOnlyPromotes(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	dep := newFakeSites()
	fail := true
	dep.promoteErr = func() error {
		if fail {
			fail = false
			return errors.New("storage unreachable")
		}
		return nil
	}
	w := jobs.NewWorker(jobs.Config{Redis: rdb, Store: b.store, Sites: dep, Namespace: namespace(t, rdb), Logger: testLogger(t)})
	d, err := b.store.QueueBuild(b.ctx, b.site)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Handler().ProcessTask(context.Background(), task(t, b.ctx, d)); err == nil {
		t.Fatal("the first run succeeded; its promote was to fail")
	}
	mid, _ := b.store.Deployment(b.ctx, d.ID)
	if mid.Status != igny8.DeploymentReady || mid.DeployID == "" || mid.Error == "" {
		t.Errorf("after the failed promote: status %s, deploy %q, error %q; want ready with the deploy and an error", mid.Status, mid.DeployID, mid.Error)
	}
	if err := w.Handler().ProcessTask(context.Background(), task(t, b.ctx, d)); err != nil {
		t.Fatal(err)
	}
	end, _ := b.store.Deployment(b.ctx, d.ID)
	if end.Status != igny8.DeploymentLive || end.DeployID != mid.DeployID || end.Error != "" {
		t.Errorf("after the retry: status %s, deploy %q (was %q), error %q; want live with the same deploy", end.Status, end.DeployID, mid.DeployID, end.Error)
	}
	if dep.deploys["main"] != 1 {
		t.Errorf("%d deploys stored, want 1: the retry must not build again", dep.deploys["main"])
	}
}

// An invalid blueprint fails the deployment for good, with the builder's
// message, and leaves the live site alone.
func TestInvalidBlueprintFails(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	dep := newFakeSites()
	dep.build = func(context.Context, *igny8.Site, []byte) error {
		return igny8.Errorf(igny8.EInvalid, "/pages/0/blocks/1: unknown block type")
	}
	w := jobs.NewWorker(jobs.Config{Redis: rdb, Store: b.store, Sites: dep, Namespace: namespace(t, rdb), Logger: testLogger(t)})
	d, err := b.store.QueueBuild(b.ctx, b.site)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Handler().ProcessTask(context.Background(), task(t, b.ctx, d))
	if !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("ProcessTask: %v, want a SkipRetry error", err)
	}
	got, _ := b.store.Deployment(b.ctx, d.ID)
	if got.Status != igny8.DeploymentFailed || got.Error != "/pages/0/blocks/1: unknown block type" {
		t.Errorf("deployment: %s %q, want failed with the builder's message", got.Status, got.Error)
	}
	if len(dep.history["main"]) != 0 {
		t.Errorf("promotes: %v, want none", dep.history["main"])
	}
}

// A task of another account's deployment finds nothing to do.
func TestTaskActsForItsAccountOnly(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	other, _ := b.newSite(t, "other")
	dep := newFakeSites()
	w := jobs.NewWorker(jobs.Config{Redis: rdb, Store: b.store, Sites: dep, Namespace: namespace(t, rdb)})
	d, err := b.store.QueueBuild(b.ctx, b.site)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Handler().ProcessTask(context.Background(), task(t, other, d)); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.store.Deployment(b.ctx, d.ID); got.Status != igny8.DeploymentQueued || dep.n != 0 {
		t.Errorf("after another account's task: status %s, %d deploys; want queued and none", got.Status, dep.n)
	}
}

// No more builds of one site run at once than the site limit, across the
// worker's goroutines; the rest wait and all finish.
func TestSiteLimitBoundsConcurrentBuilds(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	const limit, builds = 2, 6
	var mu sync.Mutex
	active, peak, started := 0, 0, 0
	release := make(chan struct{})
	builder := newFakeSites()
	builder.build = func(ctx context.Context, site *igny8.Site, bp []byte) error {
		mu.Lock()
		active++
		started++
		peak = max(peak, active)
		mu.Unlock()
		defer func() { mu.Lock(); active--; mu.Unlock() }()
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
	cfg := jobs.Config{Redis: rdb, Store: b.store, Sites: builder,
		Namespace: namespace(t, rdb), SiteLimit: limit, Concurrency: 5, Logger: testLogger(t)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- jobs.NewWorker(cfg).Run(ctx) }()
	defer func() { cancel(); <-done }()

	var ids []int64
	for range builds {
		d, err := b.store.QueueBuild(b.ctx, b.site)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	// Let one build finish each time the limit is reached (or every
	// remaining build has started).
	deadline := time.Now().Add(time.Minute)
	for finished := 0; finished < builds; {
		mu.Lock()
		full := active == min(limit, builds-finished)
		mu.Unlock()
		if full {
			release <- struct{}{}
			finished++
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("stuck: %d builds finished, %d active", finished, active)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Builds finish out of order; once every task is done, the newest is
	// live and the others are ready (a build never overwrites a later one).
	in := asynq.NewInspectorFromRedisClient(rdb)
	for {
		qi, err := in.GetQueueInfo(cfg.Queue(jobs.QueueCritical))
		if err != nil {
			t.Fatal(err)
		}
		if qi.Pending+qi.Active+qi.Scheduled+qi.Retry == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks still queued: %+v", qi)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, id := range ids {
		d, err := b.store.Deployment(b.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := igny8.DeploymentReady
		if i == len(ids)-1 {
			want = igny8.DeploymentLive
		}
		if d.Status != want || d.DeployID == "" {
			t.Errorf("deployment %d (version %d): %s, deploy %q, error %q; want %s with a deploy", id, d.Version, d.Status, d.DeployID, d.Error, want)
		}
	}
	if peak != limit || started != builds {
		t.Errorf("peak of %d builds at once over %d started; want %d (the limit) over %d", peak, started, limit, builds)
	}
}

// The cap counts live leases only: a holder that died (lease expired)
// frees its slot, and a holder taking its slot again is not refused.
func TestSiteCapLeases(t *testing.T) {
	rdb := redisClient(t)
	ns := namespace(t, rdb)
	ctx := context.Background()
	c := jobs.NewSiteCap(rdb, "igny8:"+ns, 2, time.Minute)
	r1, err := c.Acquire(ctx, 7, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Acquire(ctx, 7, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Acquire(ctx, 7, "c"); err == nil {
		t.Fatal("a third holder got a slot of a site limited to 2")
	}
	if _, err := c.Acquire(ctx, 8, "c"); err != nil {
		t.Errorf("another site: %v", err)
	}
	if _, err := c.Acquire(ctx, 7, "b"); err != nil {
		t.Errorf("b taking its own slot again: %v", err)
	}
	r1()
	if _, err := c.Acquire(ctx, 7, "c"); err != nil {
		t.Errorf("after a release: %v", err)
	}
	// d's lease ended long ago: its worker died without releasing.
	if err := rdb.ZAdd(ctx, "igny8:"+ns+"sitecap:9", redisZ(1, "d"), redisZ(2, "e")).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Acquire(ctx, 9, "f"); err != nil {
		t.Errorf("slots of dead holders: %v, want them free", err)
	}
	holders, err := c.Holders(ctx, 9)
	if err != nil || len(holders) != 1 || holders[0] != "f" {
		t.Errorf("holders of site 9: %v, %v; want [f]", holders, err)
	}
}

// A relay that dies after enqueueing a row and before marking it relayed
// sends it again: Asynq refuses the task id it already has, the row is
// marked, and one task exists.
func TestRelayAgainAfterCrashEnqueuesOnce(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	ns := namespace(t, rdb)
	d, err := b.store.QueueBuild(b.ctx, b.site)
	if err != nil {
		t.Fatal(err)
	}
	r := &jobs.Relay{Store: b.store, Client: asynq.NewClientFromRedisClient(rdb), Namespace: ns}
	if n, err := r.Once(context.Background()); err != nil || n != 1 {
		t.Fatalf("first relay: %d, %v; want 1 row", n, err)
	}
	// The crash: the mark is lost.
	if _, err := b.owner.Exec(context.Background(), `UPDATE outbox SET relayed_at = NULL`); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Once(context.Background()); err != nil || n != 1 {
		t.Fatalf("second relay: %d, %v; want the row relayed (as a duplicate)", n, err)
	}
	tasks, err := asynq.NewInspectorFromRedisClient(rdb).ListPendingTasks(ns + jobs.QueueCritical)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].Type != jobs.TypeDeploymentBuild || tasks[0].Headers["account_id"] == "" {
		t.Fatalf("pending tasks %+v, want one build task with its account", tasks)
	}
	var p jobs.DeploymentBuildPayload
	if err := json.Unmarshal(tasks[0].Payload, &p); err != nil || p.DeploymentID != d.ID {
		t.Errorf("payload %s, want deployment %d", tasks[0].Payload, d.ID)
	}
}
