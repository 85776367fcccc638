package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/planner"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// testBlueprint is a small valid site: a home page and an about page.
const testBlueprint = `{"version": 1, "site": {"name": "Trailhead", "base_url": "https://trailhead.example.com/", "locale": "en"},
 "theme": {"name": "studio"}, "navigation": {"main": [{"href": "page:home"}, {"href": "page:about"}]},
 "pages": [{"id": "home", "path": "/", "type": "home", "title": "Home", "blocks": [
   {"id": "intro", "type": "richtext", "v": 1, "props": {"markdown": "Gear, repairs and tours for the trail."}}]},
   {"id": "about", "path": "/about/", "type": "page", "title": "About", "blocks": []}]}`

// testDB is a migrated database shared by a test's subtests, each of which
// works in an account of its own.
type testDB struct {
	db *postgres.DB
	// admin is a superuser pool: it reads rows across row-level security
	// and plays the crashes (a job set back to running) that no store
	// method makes.
	admin  *pgxpool.Pool
	system context.Context // the system owner
	ledger *postgres.Ledger
	seq    atomic.Int64
}

func openDB(t *testing.T) *testDB {
	t.Helper()
	db, url := pgtest.Open(t)
	ctx := context.Background()
	_, boot, err := db.Bootstrap(ctx, "root@example.com", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	sys, err := db.Authenticate(ctx, boot.Secret)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	return &testDB{db: db, admin: admin, system: igny8.WithActor(ctx, sys), ledger: postgres.NewLedger(db, postgres.LedgerConfig{})}
}

// tenant is an account with one site (and its blueprint), the fakes the
// pipeline runs with, and the pipeline's Service acting for it.
type tenant struct {
	*testDB
	ctx       context.Context
	accountID int64
	site      *igny8.Site
	assets    *memAssets
	deployer  *recordingDeployer
	svc       *pipeline.Service
}

// newTenant creates an account holding credits credits, with a site whose
// active blueprint is testBlueprint.
func (d *testDB) newTenant(t *testing.T, credits int64) *tenant {
	t.Helper()
	slug := fmt.Sprintf("acct%d", d.seq.Add(1))
	acc, err := d.db.CreateAccount(d.system, postgres.NewAccount{Slug: slug, Name: slug, OwnerEmail: slug + "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	tn := &tenant{testDB: d, ctx: igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc.ID}), accountID: acc.ID}
	sum, err := d.db.CreditSummary(tn.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if delta := credits - sum.Balance; delta != 0 {
		if _, err := d.db.ChangeCredits(d.system, acc.ID, igny8.CreditChange{Kind: igny8.CreditAdjust, Amount: delta, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	tn.site = &igny8.Site{Slug: slug + "-site", Name: "Trailhead"}
	if err := d.db.CreateSite(tn.ctx, tn.site); err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.SaveBlueprint(tn.ctx, tn.site.ID, []byte(testBlueprint)); err != nil {
		t.Fatal(err)
	}
	tn.assets = &memAssets{db: d.db, data: map[string][]byte{}}
	tn.deployer = &recordingDeployer{db: d.db}
	tn.svc = &pipeline.Service{Store: d.db, Jobs: testJobs{d.db}, Credits: d.db, Assets: tn.assets, Provider: "offline"}
	return tn
}

// runner returns a pipeline runner with provider p over store (nil: the
// database), wired as cmd/igny8 wires it.
func (tn *tenant) runner(t *testing.T, p ai.Provider, store pipeline.Store) *pipeline.Runner {
	t.Helper()
	if store == nil {
		store = tn.db
	}
	return pipeline.New(pipeline.Config{
		Store:    store,
		AI:       &ai.Client{Provider: p, Recorder: tn.db, Overrides: tn.db, Logger: testLogger(t)},
		Meter:    &credits.Meter{Ledger: tn.ledger},
		Assets:   tn.assets,
		Deployer: tn.deployer,
		Logger:   testLogger(t),
	})
}

// handler returns the worker's handler of pipeline jobs, running them with
// provider p over store (nil: the database).
func (tn *tenant) handler(t *testing.T, p ai.Provider, store pipeline.Store) *jobs.AIJobHandler {
	t.Helper()
	return &jobs.AIJobHandler{Jobs: aiJobs{DB: tn.db, runner: tn.runner(t, p, store)}, Logger: testLogger(t)}
}

// process delivers job id to h as the worker would, and returns the
// handler's error and the job as it ended.
func (tn *tenant) process(t *testing.T, h *jobs.AIJobHandler, id int64) (*igny8.Job, error) {
	t.Helper()
	payload, _ := json.Marshal(jobs.AIJobPayload{JobID: id})
	task := asynq.NewTaskWithHeaders(jobs.TypeAIJob, payload, map[string]string{"account_id": strconv.FormatInt(tn.accountID, 10)})
	err := h.ProcessTask(context.Background(), task)
	j, jerr := tn.db.Job(tn.ctx, id)
	if jerr != nil {
		t.Fatal(jerr)
	}
	return j, err
}

// mustSucceed delivers job id and fails the test unless it succeeded; it
// decodes the job's result into out.
func (tn *tenant) mustSucceed(t *testing.T, h *jobs.AIJobHandler, id int64, out any) *igny8.Job {
	t.Helper()
	j, err := tn.process(t, h, id)
	if err != nil || j.Status != igny8.JobSucceeded {
		t.Fatalf("job %d (%s): %s %q, handler error %v", id, j.Kind, j.Status, j.Error, err)
	}
	if out != nil {
		if err := json.Unmarshal(j.Result, out); err != nil {
			t.Fatalf("job %d result %s: %v", id, j.Result, err)
		}
	}
	return j
}

// redeliver sets a finished job back to running, as if its worker died
// after the work and before recording the end, and delivers it again.
func (tn *tenant) redeliver(t *testing.T, h *jobs.AIJobHandler, id int64, out any) *igny8.Job {
	t.Helper()
	tn.exec(t, `UPDATE ai_jobs SET status = 'running', ended_at = NULL, result = NULL WHERE id = $1`, id)
	return tn.mustSucceed(t, h, id, out)
}

// startJob starts a job through the Service, failing the test if it is
// refused.
func (tn *tenant) startJob(t *testing.T, kind string, input any) *igny8.Job {
	t.Helper()
	raw, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	j, err := tn.svc.StartJob(tn.ctx, tn.site.ID, kind, raw)
	if err != nil {
		t.Fatalf("StartJob(%s, %s): %v", kind, raw, err)
	}
	return j
}

func (tn *tenant) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := tn.admin.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// count counts the account's rows of table.
func (tn *tenant) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := tn.admin.QueryRow(context.Background(), `SELECT count(*) FROM `+table+` WHERE account_id = $1`, tn.accountID).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// rowTables are the tables a pipeline job may add rows to.
var rowTables = []string{"ai_jobs", "outbox", "keywords", "clusters", "ideas", "tasks", "contents", "content_revisions",
	"content_images", "ai_calls", "credit_holds", "credit_transactions", "site_blueprints", "deployments", "site_assets"}

// state is what the account has: its rows, by table, and its credits.
type state struct {
	Rows     map[string]int
	Balance  int64
	Reserved int64
}

func (tn *tenant) state(t *testing.T) state {
	t.Helper()
	s := state{Rows: map[string]int{}}
	for _, table := range rowTables {
		s.Rows[table] = tn.count(t, table)
	}
	sum := tn.credits(t)
	s.Balance, s.Reserved = sum.Balance, sum.Reserved
	return s
}

// unchanged fails the test when the account's state moved since before.
func (tn *tenant) unchanged(t *testing.T, what string, before state) {
	t.Helper()
	if diff := cmp.Diff(before, tn.state(t)); diff != "" {
		t.Errorf("%s changed the account (-before +after):\n%s", what, diff)
	}
}

func (tn *tenant) credits(t *testing.T) *igny8.CreditSummary {
	t.Helper()
	sum, err := tn.db.CreditSummary(tn.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// hold returns the state and captured credits of the account's hold key;
// found is false when there is none.
func (tn *tenant) hold(t *testing.T, key string) (st string, captured int64, found bool) {
	t.Helper()
	err := tn.admin.QueryRow(context.Background(), `SELECT state, captured FROM credit_holds WHERE account_id = $1 AND idempotency_key = $2`,
		tn.accountID, key).Scan(&st, &captured)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, false
	} else if err != nil {
		t.Fatal(err)
	}
	return st, captured, true
}

// aiCall is one ai_calls row.
type aiCall struct {
	Prompt, Outcome, Error string
}

// calls lists the ai_calls rows of job id, in order.
func (tn *tenant) calls(t *testing.T, id int64) []aiCall {
	t.Helper()
	rows, err := tn.admin.Query(context.Background(), `SELECT prompt, outcome, error FROM ai_calls WHERE account_id = $1 AND job_id = $2 ORDER BY id`, tn.accountID, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []aiCall
	for rows.Next() {
		var c aiCall
		if err := rows.Scan(&c.Prompt, &c.Outcome, &c.Error); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (tn *tenant) task(t *testing.T, id int64) *igny8.Task {
	t.Helper()
	task, err := tn.db.Task(tn.ctx, tn.site.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

var testProvenance = igny8.Provenance{Provider: "test", Model: "test-1", Prompt: "ideas", PromptVersion: "v1"}

// tasks makes n approved writing tasks (posts of words words), each from
// an idea of a cluster of its own, as the ideas step and an approval make
// them.
func (tn *tenant) tasks(t *testing.T, n, words int) []*igny8.Task {
	t.Helper()
	topics := []string{"hiking boots", "tent repair", "trail running shoes", "camping stoves", "rain jackets", "sleeping bags"}
	var out []*igny8.Task
	for i := range n {
		topic := topics[i%len(topics)]
		if i >= len(topics) {
			topic = fmt.Sprintf("%s %d", topic, i)
		}
		kw := &igny8.Keyword{SiteID: tn.site.ID, Keyword: topic, Normalized: planner.Normalize(topic)}
		if _, _, err := tn.db.AddKeywords(tn.ctx, tn.site.ID, []*igny8.Keyword{kw}); err != nil {
			t.Fatal(err)
		}
		cs, err := tn.db.SaveClusters(tn.ctx, tn.site.ID, fmt.Sprintf("test:%d", kw.ID),
			[]*igny8.Cluster{{SiteID: tn.site.ID, Name: topic, Description: "All about " + topic + ".", PillarKeywordID: &kw.ID, Provenance: testProvenance}},
			[][]int64{{kw.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ideas, err := tn.db.SaveIdeas(tn.ctx, tn.site.ID, cs[0].ID, []*igny8.Idea{{SiteID: tn.site.ID, ClusterID: cs[0].ID,
			Title: "How to choose " + topic, Angle: "A checklist for a first purchase.",
			Outline:       []string{"What matters most", "How to try them", "Caring for them"},
			TargetKeyword: topic, SecondaryKeywords: []string{}, Intent: igny8.IntentInformational,
			EntityType: igny8.EntityPost, EstimatedWords: words, Status: igny8.IdeaNew, Provenance: testProvenance}})
		if err != nil {
			t.Fatal(err)
		}
		_, task, err := tn.db.ApproveIdea(tn.ctx, tn.site.ID, ideas[0].ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, task)
	}
	return out
}

func taskIDs(tasks []*igny8.Task) []int64 {
	ids := make([]int64, len(tasks))
	for i, task := range tasks {
		ids[i] = task.ID
	}
	return ids
}

func cost(t *testing.T, op igny8.Operation, units int64) int64 {
	t.Helper()
	c, err := credits.Cost(op, units)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aiJobs adapts the store and a runner to jobs.AIJobs, as cmd/igny8 does.
type aiJobs struct {
	*postgres.DB
	runner *pipeline.Runner
}

func (a aiJobs) Run(ctx context.Context, j *igny8.Job) (any, error) {
	res, err := a.runner.Run(ctx, j)
	if errors.Is(err, pipeline.ErrCancelled) {
		return nil, fmt.Errorf("%w: %w", jobs.ErrCancelled, err)
	}
	return res, err
}

// testJobs writes a job with an outbox row of a kind no relay runs: the
// tests deliver jobs to the handler themselves.
type testJobs struct{ db *postgres.DB }

func (j testJobs) CreateJob(ctx context.Context, job *igny8.Job) error {
	return j.db.CreateJob(ctx, job, func(job *igny8.Job) postgres.OutboxMessage {
		return postgres.OutboxMessage{Kind: "test:ai", Payload: fmt.Appendf(nil, `{"job_id": %d}`, job.ID)}
	})
}

// memAssets is a site asset library in memory, recorded in the database.
type memAssets struct {
	db   *postgres.DB
	mu   sync.Mutex
	data map[string][]byte // by SHA-256
}

func (m *memAssets) PutAsset(ctx context.Context, site *igny8.Site, p, contentType string, r io.Reader) (*igny8.Asset, bool, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, false, err
	}
	sum := sha256.Sum256(data)
	a := &igny8.Asset{SiteID: site.ID, Path: p, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), ContentType: contentType}
	m.mu.Lock()
	m.data[a.SHA256] = data
	m.mu.Unlock()
	created, err := m.db.PutAsset(ctx, a)
	return a, created, err
}

func (m *memAssets) AssetFS(ctx context.Context, site *igny8.Site) (fs.FS, error) {
	list, err := m.db.Assets(ctx, site.ID, 0, 0)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	files := fstest.MapFS{}
	for _, a := range list {
		files[a.Path] = &fstest.MapFile{Data: m.data[a.SHA256]}
	}
	return files, nil
}

// deployCall is one DeployForJob call.
type deployCall struct {
	SiteID, JobID int64
	Preview       bool
}

// recordingDeployer records its calls and the deployment rows (without
// outbox work: nothing builds in these tests).
type recordingDeployer struct {
	db    *postgres.DB
	mu    sync.Mutex
	calls []deployCall
}

func (d *recordingDeployer) DeployForJob(ctx context.Context, siteID, jobID int64, preview bool) (*igny8.Deployment, error) {
	d.mu.Lock()
	d.calls = append(d.calls, deployCall{siteID, jobID, preview})
	d.mu.Unlock()
	dep := &igny8.Deployment{SiteID: siteID, Type: igny8.DeploymentBuild, Preview: preview, JobID: &jobID}
	return dep, d.db.CreateDeployment(ctx, dep, nil)
}

func (d *recordingDeployer) Calls() []deployCall {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]deployCall(nil), d.calls...)
}

// hookProvider is the offline provider calling after once a chat call
// has been answered, with the number of calls answered so far.
type hookProvider struct {
	offline.Provider
	after func(ctx context.Context, n int)
	n     atomic.Int64
}

func (h *hookProvider) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	resp, err := h.Provider.Chat(ctx, req)
	if err == nil && h.after != nil {
		h.after(ctx, int(h.n.Add(1)))
	}
	return resp, err
}

// failingProvider is the offline provider, but its failOn-th chat call
// fails as a provider outage does.
type failingProvider struct {
	offline.Provider
	failOn int
	n      atomic.Int64
}

func (f *failingProvider) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	if int(f.n.Add(1)) == f.failOn {
		return nil, &ai.Error{Kind: ai.Unavailable, Message: "The AI provider is unavailable.", Status: 503}
	}
	return f.Provider.Chat(ctx, req)
}

// badLinks answers the content prompt like the offline provider, but for
// the titles it names it adds a link from links to the first section, the
// next link on each request (the last one again when they run out).
type badLinks struct {
	offline.Provider
	titles map[string]bool
	links  []string
	mu     sync.Mutex
	n      int
}

func (b *badLinks) Name() string { return "scripted" }

func (b *badLinks) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	resp, err := b.Provider.Chat(ctx, req)
	if err != nil || req.Prompt != ai.PromptContent {
		return resp, err
	}
	var in ai.ContentInput
	if err := json.Unmarshal(req.Input, &in); err != nil {
		return nil, err
	}
	if !b.titles[in.Title] {
		return resp, nil
	}
	var out ai.ContentOutput
	if err := json.Unmarshal([]byte(resp.Content), &out); err != nil {
		return nil, err
	}
	b.mu.Lock()
	link := b.links[min(b.n, len(b.links)-1)]
	b.n++
	b.mu.Unlock()
	out.Sections[0].Markdown += fmt.Sprintf("\n\nRead [our full guide](%s) first.", link)
	content, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &ai.ChatResponse{Content: string(content), Model: "scripted-1", Usage: resp.Usage}, nil
}

// progressStore records the progress the runner reports.
type progressStore struct {
	pipeline.Store
	mu    sync.Mutex
	steps []progress
}

type progress struct {
	Step        string
	Done, Total int
}

func (s *progressStore) JobProgress(ctx context.Context, id int64, step string, done, total int) error {
	s.mu.Lock()
	s.steps = append(s.steps, progress{step, done, total})
	s.mu.Unlock()
	return s.Store.JobProgress(ctx, id, step, done, total)
}

func (s *progressStore) Steps() []progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]progress(nil), s.steps...)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}
