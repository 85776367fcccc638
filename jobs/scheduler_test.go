package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/igny8/igny8/jobs"
)

// The leader enqueues one GC task per site and period, whoever leads: a
// second scheduler taking over in the same period adds none, and the
// worker prunes every site.
func TestSchedulerEnqueuesGCOncePerPeriod(t *testing.T) {
	b := setup(t)
	b.newSite(t, "second")
	rdb := redisClient(t)
	dep := newFakeSites()
	cfg := jobs.Config{Redis: rdb, Store: b.store, Sites: dep,
		Namespace: namespace(t, rdb), GCInterval: 24 * time.Hour, Logger: testLogger(t)}
	ctx := context.Background()
	first, err := jobs.NewScheduler(cfg).EnqueueGC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := jobs.NewScheduler(cfg).EnqueueGC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first != 2 || again != 0 {
		t.Errorf("enqueued %d then %d GC tasks, want 2 (one per site) then 0", first, again)
	}
	in := asynq.NewInspectorFromRedisClient(rdb)
	pending, err := in.ListPendingTasks(cfg.Queue(jobs.QueueLow))
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 2 {
		t.Fatalf("%d tasks pending on the low queue, want 2", len(pending))
	}

	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- jobs.NewWorker(cfg).Run(wctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(time.Minute)
	for {
		dep.mu.Lock()
		n := len(dep.prunes)
		dep.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pruned %v, want both sites", dep.prunes)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Of two schedulers, one leads; when it stops, the other takes over.
func TestSchedulerHasOneLeader(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	l1, err := b.store.TryLead(ctx, jobs.LeaderKey)
	if err != nil || l1 == nil {
		t.Fatalf("first: %v %v", l1, err)
	}
	if l2, err := b.store.TryLead(ctx, jobs.LeaderKey); err != nil || l2 != nil {
		t.Fatalf("second while the first leads: %v %v, want no lease", l2, err)
	}
	l1.Release(ctx)
	l3, err := b.store.TryLead(ctx, jobs.LeaderKey)
	if err != nil || l3 == nil {
		t.Fatalf("after release: %v %v, want the lease", l3, err)
	}
	l3.Release(ctx)
}

// Of two running schedulers exactly one holds the leader lock; stopped one
// by one, the other takes over, and the last one stopping gives it up.
func TestSchedulersTakeOver(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	cfg := jobs.Config{Redis: rdb, Store: b.store, Sites: newFakeSites(),
		Namespace: namespace(t, rdb), LeaderCheckInterval: 50 * time.Millisecond, Logger: testLogger(t)}
	held := func() int {
		var n int
		err := b.owner.QueryRow(context.Background(), `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND objid = ($1::bigint & x'ffffffff'::bigint)::oid`, int64(jobs.LeaderKey)).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitHeld := func(want int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for held() != want {
			if time.Now().After(deadline) {
				t.Fatalf("leader lock held %d times, want %d", held(), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	var stops []func()
	for range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- jobs.NewScheduler(cfg).Run(ctx) }()
		var once sync.Once
		stop := func() {
			once.Do(func() {
				cancel()
				if err := <-done; err != nil {
					t.Error(err)
				}
			})
		}
		t.Cleanup(stop)
		stops = append(stops, stop)
	}
	in := asynq.NewInspectorFromRedisClient(rdb)
	pending := func() int {
		tasks, err := in.ListPendingTasks(cfg.Queue(jobs.QueueLow))
		if errors.Is(err, asynq.ErrQueueNotFound) {
			return 0
		} else if err != nil {
			t.Fatal(err)
		}
		return len(tasks)
	}
	waitHeld(1)
	for deadline := time.Now().Add(30 * time.Second); pending() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the leader enqueued no GC task")
		}
	}
	stops[0]()
	waitHeld(1) // the survivor leads, whichever led before
	stops[1]()
	waitHeld(0)
	if n := pending(); n != 1 {
		t.Errorf("%d GC tasks for the one site, want 1 whoever led", n)
	}
}

// A task the job queue lost (Redis restarted without persistence) is
// found by the sweeper and its outbox row sent again; a task the queue
// still has is left alone.
func TestSweepLostResendsLostTasks(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	cfg := jobs.Config{Redis: rdb, Store: b.store, Sites: newFakeSites(),
		Namespace: namespace(t, rdb), Logger: testLogger(t)}
	ctx := context.Background()
	kept, err := b.store.QueueBuild(b.ctx, b.site)
	if err != nil {
		t.Fatal(err)
	}
	lostOne, err := b.store.QueueBuild(b.ctx, b.site)
	if err != nil {
		t.Fatal(err)
	}
	r := &jobs.Relay{Store: b.store, Client: asynq.NewClientFromRedisClient(rdb), Namespace: cfg.Namespace}
	if n, err := r.Once(ctx); err != nil || n != 2 {
		t.Fatalf("relay: %d, %v; want 2", n, err)
	}
	s := jobs.NewScheduler(cfg)
	if n, err := s.SweepLost(ctx); err != nil || n != 0 {
		t.Fatalf("sweep with nothing lost: %d, %v; want 0", n, err)
	}
	var lostRow int64
	if err := b.owner.QueryRow(ctx, `SELECT id FROM outbox WHERE (payload->>'deployment_id')::bigint = $1`, lostOne.ID).Scan(&lostRow); err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspectorFromRedisClient(rdb)
	if err := in.DeleteTask(cfg.Queue(jobs.QueueCritical), fmt.Sprintf("outbox-%d", lostRow)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SweepLost(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after a loss: %d, %v; want 1", n, err)
	}
	if n, err := r.Once(ctx); err != nil || n != 1 {
		t.Fatalf("relay after the sweep: %d, %v; want the lost row again", n, err)
	}
	tasks, err := in.ListPendingTasks(cfg.Queue(jobs.QueueCritical))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, ti := range tasks {
		var p jobs.DeploymentBuildPayload
		if err := json.Unmarshal(ti.Payload, &p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.DeploymentID)
	}
	slices.Sort(ids)
	if want := []int64{kept.ID, lostOne.ID}; !slices.Equal(ids, want) {
		t.Errorf("pending tasks for deployments %v, want %v", ids, want)
	}
}

// Periodic work runs on the leader only, at its interval, and stops when
// the leader stops.
func TestPeriodicRunsOnTheLeaderOnly(t *testing.T) {
	b := setup(t)
	rdb := redisClient(t)
	var runs [2]atomic.Int64
	var stops []func()
	for i := range 2 {
		cfg := jobs.Config{Redis: rdb, Store: b.store, Sites: newFakeSites(),
			Namespace: namespace(t, rdb), LeaderCheckInterval: 20 * time.Millisecond, Logger: testLogger(t),
			Periodic: []jobs.Periodic{{Name: "count", Every: 10 * time.Millisecond, Run: func(context.Context) error {
				runs[i].Add(1)
				return nil
			}}}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- jobs.NewScheduler(cfg).Run(ctx) }()
		var once sync.Once
		stop := func() {
			once.Do(func() {
				cancel()
				if err := <-done; err != nil {
					t.Error(err)
				}
			})
		}
		t.Cleanup(stop)
		stops = append(stops, stop)
	}
	total := func() int64 { return runs[0].Load() + runs[1].Load() }
	for deadline := time.Now().Add(30 * time.Second); total() < 5; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("periodic work ran %d times in 30 s", total())
		}
	}
	if runs[0].Load() > 0 && runs[1].Load() > 0 {
		t.Fatalf("both schedulers ran the periodic work (%d and %d times) while one led", runs[0].Load(), runs[1].Load())
	}
	leader := 0
	if runs[1].Load() > 0 {
		leader = 1
	}
	stops[leader]()
	after := runs[leader].Load()
	follower := 1 - leader
	for deadline := time.Now().Add(30 * time.Second); runs[follower].Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the other scheduler never took over the periodic work")
		}
	}
	time.Sleep(50 * time.Millisecond)
	if got := runs[leader].Load(); got != after {
		t.Errorf("the stopped leader ran its periodic work %d more times", got-after)
	}
}
