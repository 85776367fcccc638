package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/backend"
)

// killSite is the storage id of TestKilledWorkerDeploysOnce's site.
const killSite = "k111ed0000000001"

// Environment of the worker process TestWorkerProcess runs.
const (
	envWorkerProcess = "IGNY8_TEST_WORKER_PROCESS"
	envNamespace     = "IGNY8_TEST_JOBS_NAMESPACE"
	envPauseAfter    = "IGNY8_TEST_PAUSE_AFTER_BLOBS" // stop dead after this many blob uploads
	envPausedFile    = "IGNY8_TEST_PAUSED_FILE"       // created when it stops
	// envPauseAfterCreates stops the worker dead once this many posts or
	// pages were created in WordPress, after WordPress answered and before
	// IGNY8 recorded the last one.
	envPauseAfterCreates = "IGNY8_TEST_PAUSE_AFTER_WP_CREATES"
	// envNoWorker keeps startPlatform from running a worker in-process:
	// the test runs worker processes.
	envNoWorker = "IGNY8_TEST_NO_WORKER"
)

// TestWorkerProcess is the worker process of TestKilledWorkerDeploysOnce,
// which runs this test binary again with envWorkerProcess set; otherwise
// it has nothing to do. It is `igny8 worker`, with the object store
// wrapped to stop dead mid-upload when asked.
func TestWorkerProcess(t *testing.T) {
	if os.Getenv(envWorkerProcess) != "1" {
		t.Skip("the worker process of TestKilledWorkerDeploysOnce")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	svc, err := openServices(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if n, _ := strconv.Atoi(os.Getenv(envPauseAfter)); n > 0 {
		// The site service writes through a store that stalls mid-upload.
		svc.store = &stallingStore{Store: svc.store, after: n, marker: os.Getenv(envPausedFile)}
		svc.sites = newSites(svc.cfg, svc.siteDeps())
	}
	if n, _ := strconv.Atoi(os.Getenv(envPauseAfterCreates)); n > 0 {
		base := svc.integrationHTTP.HTTPClient()
		c := *base
		c.Transport = &stallingTransport{base: base.Transport, after: n, marker: os.Getenv(envPausedFile)}
		svc.integrationClient = &c
	}
	jc := svc.jobsConfig()
	jc.Namespace = os.Getenv(envNamespace)
	if err := jobs.NewWorker(jc).Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// stallingStore lets after blob uploads through, then creates marker and
// blocks every later write for good: the process is as good as dead
// mid-upload, and the test kills it.
type stallingStore struct {
	storage.Store
	after  int
	marker string
	mu     sync.Mutex
	n      int
}

func (s *stallingStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if strings.HasPrefix(key, deployer.BlobPrefix) {
		s.mu.Lock()
		s.n++
		n := s.n
		s.mu.Unlock()
		if n > s.after {
			if n == s.after+1 {
				os.WriteFile(s.marker, nil, 0o644)
			}
			select {}
		}
	}
	return s.Store.Put(ctx, bucket, key, r, size, opts)
}

// stallingTransport lets after creations of WordPress posts or pages
// through, then, with WordPress's answer to the next one in hand, creates
// marker and blocks for good: the worker is as good as dead between the
// remote write and its record, and the test kills it.
type stallingTransport struct {
	base   http.RoundTripper
	after  int
	marker string
	mu     sync.Mutex
	n      int
}

func (s *stallingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(r)
	route := r.URL.Path
	if q := r.URL.Query().Get("rest_route"); q != "" {
		route = q
	}
	creates := r.Method == http.MethodPost && (strings.HasSuffix(route, "/wp/v2/posts") || strings.HasSuffix(route, "/wp/v2/pages"))
	if err != nil || !creates || resp.StatusCode != http.StatusCreated {
		return resp, err
	}
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	if n > s.after {
		if n == s.after+1 {
			os.WriteFile(s.marker, nil, 0o644)
		}
		select {}
	}
	return resp, nil
}

// workerProc is a running worker process.
type workerProc struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

func startWorker(t *testing.T, env []string) *workerProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$", "-test.v")
	cmd.Env = append(append(os.Environ(), envWorkerProcess+"=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &workerProc{cmd: cmd, out: &out}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("worker %d output:\n%s", cmd.Process.Pid, out.String())
		}
	})
	return w
}

// A worker killed (SIGKILL) in the middle of a build-and-deploy job, after
// it uploaded some blobs: the live site stays on the previous complete
// deploy; after a new worker starts, the job completes once, the live
// pointer moves exactly once, to a complete deploy, and one deployment row
// records it. Real builder (Hugo), deployer and file store; real Postgres
// and Redis; the worker is a separate process.
func TestKilledWorkerDeploysOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with Hugo and waits for Asynq to recover the killed worker's task (about a minute)")
	}
	redisURL := os.Getenv("IGNY8_TEST_REDIS_URL")
	if redisURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IGNY8_TEST_REDIS_URL is not set: `make test` starts Redis and sets it")
		}
		t.Skip("IGNY8_TEST_REDIS_URL is not set; `make test` starts Redis and sets it")
	}
	dbURL := pgtest.URL(t)
	ctx := context.Background()
	objects := t.TempDir()
	ns := fmt.Sprintf("killtest%d:", time.Now().UnixNano())
	paused := filepath.Join(t.TempDir(), "paused")
	common := []string{"DATABASE_URL=" + dbURL, "REDIS_URL=" + redisURL, "IGNY8_STORAGE=fs://" + objects,
		"IGNY8_SITES_DOMAIN=localhost", envNamespace + "=" + ns, envPausedFile + "=" + paused}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	inspector := asynq.NewInspectorFromRedisClient(rdb)
	defer inspector.DeleteQueue(ns+jobs.QueueCritical, true)

	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	owner, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	var acc, siteID int64
	if err := owner.QueryRow(ctx, `INSERT INTO accounts (slug, name) VALUES ('kill', 'Kill') RETURNING id`).Scan(&acc); err != nil {
		t.Fatal(err)
	}
	if err := owner.QueryRow(ctx, `INSERT INTO sites (account_id, slug, storage_id, name) VALUES ($1, 'bakery', $2, 'Bakery') RETURNING id`, acc, killSite).Scan(&siteID); err != nil {
		t.Fatal(err)
	}
	actx := igny8.WithActor(ctx, igny8.Actor{AccountID: acc, Role: igny8.RoleOwner})
	fsStore, err := backend.Open("fs://"+objects, backend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// The example's asset files, in the site's asset library.
	lib := newSites(config{SitesDomain: "localhost", EdgeAddr: ":8081"}, siteDeps{store: fsStore, db: db})
	if err := uploadExampleAssets(actx, lib, &igny8.Site{ID: siteID, AccountID: acc, Slug: "bakery", StorageID: killSite}, "bakery"); err != nil {
		t.Fatal(err)
	}
	doc, err := fs.ReadFile(examples.FS(), "bakery/blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	store := jobstore.New(db)
	queue := func(doc []byte) *igny8.Deployment {
		t.Helper()
		if _, err := db.SaveBlueprint(actx, siteID, doc); err != nil {
			t.Fatal(err)
		}
		d, err := store.QueueBuild(actx, siteID)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	wait := func(id int64, until func(*igny8.Deployment) bool, patience time.Duration) *igny8.Deployment {
		t.Helper()
		deadline := time.Now().Add(patience)
		for {
			d, err := db.Deployment(actx, id)
			if err != nil {
				t.Fatal(err)
			}
			if until(d) {
				return d
			}
			if d.Status == igny8.DeploymentFailed || time.Now().After(deadline) {
				t.Fatalf("deployment %d: %s, error %q", id, d.Status, d.Error)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	isLive := func(d *igny8.Deployment) bool { return d.Status == igny8.DeploymentLive }

	dep := deployer.New(fsStore, deployer.Config{})

	// 1. A first deploy goes live normally.
	first := queue(doc)
	w1 := startWorker(t, common)
	d1 := wait(first.ID, isLive, 2*time.Minute)
	w1.cmd.Process.Signal(os.Interrupt)
	if err := w1.cmd.Wait(); err != nil {
		t.Fatalf("worker 1 did not stop cleanly: %v", err)
	}
	live1, err := dep.Live(ctx, killSite)
	if err != nil || live1.DeployID != d1.DeployID {
		t.Fatalf("live after the first deploy: %+v, %v; want %s", live1, err, d1.DeployID)
	}
	blobsBefore := countBlobs(t, ctx, fsStore)

	// 2. A changed blueprint: its build stops dead after 3 blob uploads.
	second := queue(bytes.ReplaceAll(doc, []byte("Wren & Rye"), []byte("Wren and Rye")))
	w2 := startWorker(t, append(common, envPauseAfter+"=3"))
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(paused); err == nil {
			break
		}
		if time.Now().After(deadline) || w2.cmd.ProcessState != nil {
			t.Fatal("worker 2 never reached the middle of the upload")
		}
	}
	mid, err := db.Deployment(actx, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mid.Status != igny8.DeploymentUploading || mid.DeployID != "" {
		t.Errorf("mid-upload the deployment is %s with deploy %q; want uploading, no deploy yet", mid.Status, mid.DeployID)
	}
	if n := countBlobs(t, ctx, fsStore); n <= blobsBefore {
		t.Errorf("mid-upload: %d blobs, %d before; want some uploaded", n, blobsBefore)
	}
	if err := w2.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	w2.cmd.Wait()

	// The live site is untouched and complete; the killed build left no
	// deploy behind (its manifest was never written).
	if live, err := dep.Live(ctx, killSite); err != nil || live != live1 {
		t.Errorf("live after the kill: %+v, %v; want %+v", live, err, live1)
	}
	assertComplete(t, ctx, dep, fsStore, d1.DeployID)
	if ids := deployIDs(t, ctx, dep); len(ids) != 1 {
		t.Errorf("deploys after the kill: %v, want only %s", ids, d1.DeployID)
	}

	// 3. A new worker: Asynq hands it the dead worker's task once its lease
	// expires (about a minute).
	startWorker(t, common)
	d2 := wait(second.ID, isLive, 4*time.Minute)

	live2, err := dep.Live(ctx, killSite)
	if err != nil {
		t.Fatal(err)
	}
	if live2.DeployID != d2.DeployID || live2.Previous != d1.DeployID || live2.Generation != live1.Generation+1 {
		t.Errorf("live pointer %+v after %+v; want %s, moved exactly once from %s", live2, live1, d2.DeployID, d1.DeployID)
	}
	assertComplete(t, ctx, dep, fsStore, d2.DeployID)
	if ids := deployIDs(t, ctx, dep); len(ids) != 2 {
		t.Errorf("deploys: %v, want %s and %s", ids, d1.DeployID, d2.DeployID)
	}
	var rows, recording int
	if err := owner.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE deploy_id = $2) FROM deployments WHERE site_id = $1`, siteID, d2.DeployID).Scan(&rows, &recording); err != nil {
		t.Fatal(err)
	}
	if rows != 2 || recording != 1 {
		t.Errorf("%d deployment rows, %d recording %s; want 2 and 1", rows, recording, d2.DeployID)
	}
	if d2.Files == 0 || d2.UploadedFiles == 0 || d2.Error != "" {
		t.Errorf("deployment 2: %d files, %d uploaded, error %q", d2.Files, d2.UploadedFiles, d2.Error)
	}
	var outboxID int64
	if err := owner.QueryRow(ctx, `SELECT id FROM outbox WHERE payload->>'deployment_id' = $1`, strconv.FormatInt(second.ID, 10)).Scan(&outboxID); err != nil {
		t.Fatal(err)
	}
	// The task completes once: Asynq keeps it, completed, and the attempt
	// the kill cut short counts as one retry.
	var info *asynq.TaskInfo
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		info, err = inspector.GetTaskInfo(ns+jobs.QueueCritical, fmt.Sprintf("outbox-%d", outboxID))
		if err != nil {
			t.Fatal(err)
		}
		if info.State == asynq.TaskStateCompleted || time.Now().After(deadline) {
			break
		}
	}
	if info.State != asynq.TaskStateCompleted || info.Retried != 1 {
		t.Errorf("task %s: %s after %d retries; want completed after 1", info.ID, info.State, info.Retried)
	}
}

func countBlobs(t *testing.T, ctx context.Context, s storage.Store) int {
	t.Helper()
	n := 0
	for _, err := range storage.All(ctx, s, storage.SiteBucket(killSite), deployer.BlobPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func deployIDs(t *testing.T, ctx context.Context, d *deployer.Deployer) []string {
	t.Helper()
	list, err := d.Deploys(ctx, killSite)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, di := range list {
		ids = append(ids, di.ID)
	}
	return ids
}

// assertComplete checks every file of a deploy, and every precompressed
// variant, is stored.
func assertComplete(t *testing.T, ctx context.Context, d *deployer.Deployer, s storage.Store, deployID string) {
	t.Helper()
	m, err := d.ReadManifest(ctx, killSite, deployID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) == 0 {
		t.Fatalf("deploy %s has no files", deployID)
	}
	for path, f := range m.Files {
		keys := []string{deployer.BlobKey(f.SHA256, "")}
		for _, enc := range f.Encodings {
			keys = append(keys, deployer.BlobKey(f.SHA256, enc))
		}
		for _, k := range keys {
			if _, err := s.Stat(ctx, storage.SiteBucket(killSite), k); err != nil {
				t.Errorf("deploy %s: %s: blob %s: %v", deployID, path, k, errors.Unwrap(err))
			}
		}
	}
}
