package jobs_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/postgres/pgtest"
)

// redisClient connects to IGNY8_TEST_REDIS_URL; a missing one skips the
// test, except under CI=true, where it fails.
func redisClient(t *testing.T) redis.UniversalClient {
	t.Helper()
	url := os.Getenv("IGNY8_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IGNY8_TEST_REDIS_URL is not set: `make test` starts Redis and sets it (CI must not skip)")
		}
		t.Skip("IGNY8_TEST_REDIS_URL is not set; `make test` starts Redis and sets it")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

// namespace returns a prefix of queue names and keys of the test's own,
// and removes its queues when the test ends.
func namespace(t *testing.T, rdb redis.UniversalClient) string {
	b := make([]byte, 4)
	rand.Read(b)
	ns := "test" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		in := asynq.NewInspectorFromRedisClient(rdb)
		for _, q := range []string{jobs.QueueCritical, jobs.QueueDefault, jobs.QueueLow} {
			in.DeleteQueue(ns+q, true)
		}
		ctx := context.Background()
		it := rdb.Scan(ctx, 0, "igny8:"+ns+"*", 100).Iterator()
		for it.Next(ctx) {
			rdb.Del(ctx, it.Val())
		}
	})
	return ns
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// bundle is a test's database with one account and site, and the store.
type bundle struct {
	store jobstore.Store
	owner *pgx.Conn
	ctx   context.Context // acting for the account
	site  int64
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db, url := pgtest.Open(t)
	owner, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close(context.Background()) })
	b := &bundle{store: jobstore.New(db), owner: owner}
	b.ctx, b.site = b.newSite(t, "main")
	return b
}

// newSite inserts an account and a site with an active blueprint.
func (b *bundle) newSite(t *testing.T, slug string) (context.Context, int64) {
	t.Helper()
	ctx := context.Background()
	var acc, site int64
	if err := b.owner.QueryRow(ctx, `INSERT INTO accounts (slug, name) VALUES ($1, $1) RETURNING id`, slug).Scan(&acc); err != nil {
		t.Fatal(err)
	}
	if err := b.owner.QueryRow(ctx, `INSERT INTO sites (account_id, slug, name) VALUES ($1, $2, $2) RETURNING id`, acc, slug).Scan(&site); err != nil {
		t.Fatal(err)
	}
	if _, err := b.owner.Exec(ctx, `INSERT INTO site_blueprints (account_id, site_id, version, status, config_json)
		VALUES ($1, $2, 3, 'active', '{"site": {"title": "T"}}')`, acc, site); err != nil {
		t.Fatal(err)
	}
	return igny8.WithActor(ctx, igny8.Actor{AccountID: acc}), site
}

// waitFor polls the deployment until it is live or failed, or the test's
// patience (a minute) runs out.
func waitFor(t *testing.T, s jobs.Store, ctx context.Context, id int64) *igny8.Deployment {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		d, err := s.Deployment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == igny8.DeploymentLive || d.Status == igny8.DeploymentFailed {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("deployment %d still %s (error %q)", id, d.Status, d.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fakeSites keeps deploys and live pointers in memory, like package
// sites: a deploy exists once complete, and promote is a compare-and-swap.
// Building a blueprint makes three files; build, when set, fails it instead.
type fakeSites struct {
	build func(ctx context.Context, site *igny8.Site, bp []byte) error

	mu      sync.Mutex
	deploys map[string]int // site slug → deploys stored
	live    map[string]string
	history map[string][]string // site slug → every deploy made live, in order
	n       int
	prunes  map[string]int
	// promoteErr, when set, is returned by Promote (once per call) instead of promoting.
	promoteErr func() error
}

func newFakeSites() *fakeSites {
	return &fakeSites{deploys: map[string]int{}, live: map[string]string{}, history: map[string][]string{}, prunes: map[string]int{}}
}

func (f *fakeSites) DeployBlueprint(ctx context.Context, site *igny8.Site, bp []byte, progress func(igny8.DeployCounts)) (string, igny8.DeployCounts, error) {
	if f.build != nil {
		if err := f.build(ctx, site, bp); err != nil {
			return "", igny8.DeployCounts{}, err
		}
	}
	files := [][]byte{bp, []byte("a"), []byte("b")}
	c := igny8.DeployCounts{Files: len(files)}
	for _, d := range files {
		c.Bytes += int64(len(d))
	}
	progress(c)
	for _, d := range files {
		c.UploadedFiles++
		c.UploadedBytes += int64(len(d))
		progress(c)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.deploys[site.Slug]++
	return fmt.Sprintf("20260101T000000Z-%08d", f.n), c, nil
}

func (f *fakeSites) Live(ctx context.Context, site *igny8.Site) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.live[site.Slug], nil
}

func (f *fakeSites) Promote(ctx context.Context, site *igny8.Site, deployID, expected string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.promoteErr != nil {
		if err := f.promoteErr(); err != nil {
			return err
		}
	}
	if f.live[site.Slug] != expected {
		return igny8.Errorf(igny8.EConflict, "live changed")
	}
	f.live[site.Slug] = deployID
	f.history[site.Slug] = append(f.history[site.Slug], deployID)
	return nil
}

func (f *fakeSites) PreviewURL(site *igny8.Site, deployID string) string {
	return "http://" + deployID + "--" + site.Slug + ".localhost/"
}

func (f *fakeSites) Prune(ctx context.Context, site *igny8.Site) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prunes[site.Slug]++
	return nil
}

// task returns the build task of deployment id as the relay would make it.
func task(t *testing.T, ctx context.Context, d *igny8.Deployment) *asynq.Task {
	t.Helper()
	r := jobs.DeploymentBuildRequest(d)
	a, _ := igny8.ActorFrom(ctx)
	return asynq.NewTaskWithHeaders(r.Kind, r.Payload, map[string]string{"account_id": fmt.Sprint(a.AccountID)})
}

func redisZ(score float64, member string) redis.Z { return redis.Z{Score: score, Member: member} }
