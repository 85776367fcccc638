package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/pipeline"
)

// A content answer that is valid for the prompt's schema but makes a page
// the blueprint validator rejects, first and after the repair round, fails
// its task with a message naming the problem, writes nothing, charges
// nothing and records both requests as invalid output. The job goes on
// with its other tasks; a job none of whose tasks could be written fails.
func TestWriteRejectedAnswer(t *testing.T) {
	t.Parallel()
	d := openDB(t)
	// The first answer links to a page the site lacks, the repaired one
	// to a script.
	links := []string{"page:does-not-exist", "javascript:alert(1)"}
	const (
		missingPage = `/sections/0/markdown: page "does-not-exist" does not exist`
		script      = `/sections/0/markdown: link "our full guide" goes to "javascript:alert(1)", which is not allowed`
		unusable    = "The AI model's answer to the content prompt was still unusable after one repair: the page made from your answer has problems: "
	)
	checkFailedTask := func(t *testing.T, tn *tenant, task *igny8.Task) string {
		t.Helper()
		got := tn.task(t, task.ID)
		if got.Status != igny8.TaskFailed || got.ContentID != nil {
			t.Errorf("task = %s with content %v, want failed without content", got.Status, got.ContentID)
		}
		if !strings.HasPrefix(got.Error, unusable+script) {
			t.Errorf("task error = %q, want it to start %q", got.Error, unusable+script)
		}
		if st, captured, ok := tn.hold(t, credits.Key("content", task.ID)); !ok || st != igny8.HoldReleased || captured != 0 {
			t.Errorf("hold of the task = %q (captured %d, found %v), want released with nothing captured", st, captured, ok)
		}
		return got.Error
	}
	checkCalls := func(t *testing.T, calls []aiCall) {
		t.Helper()
		if len(calls) != 2 {
			t.Fatalf("ai_calls = %+v, want the answer and its repair", calls)
		}
		for i, want := range []string{missingPage, script} {
			if c := calls[i]; c.Prompt != "content" || c.Outcome != igny8.CallInvalid || !strings.Contains(c.Error, want) {
				t.Errorf("call %d = %+v, want content, %s, with %q", i, c, igny8.CallInvalid, want)
			}
		}
	}

	t.Run("only task", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 1000)
		tasks := tn.tasks(t, 1, 400)
		j := tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
		before := tn.state(t)
		p := &badLinks{titles: map[string]bool{"How to choose hiking boots": true}, links: links}

		got, err := tn.process(t, tn.handler(t, p, nil), j.ID)
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("handler error = %v, want one that is not retried", err)
		}
		msg := checkFailedTask(t, tn, tasks[0])
		if want := "No task could be written: " + msg; got.Status != igny8.JobFailed || got.Error != want {
			t.Errorf("job = %s %q, want failed %q", got.Status, got.Error, want)
		}
		checkCalls(t, tn.calls(t, j.ID))
		// Two recorded calls and a released hold; no content, no
		// revision, no charge.
		want := before
		want.Rows = cloneRows(before.Rows)
		want.Rows["ai_calls"] += 2
		want.Rows["credit_holds"]++
		if diff := cmp.Diff(want, tn.state(t)); diff != "" {
			t.Errorf("account after the job (-want +got):\n%s", diff)
		}
	})

	t.Run("one of two tasks", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 1000)
		tasks := tn.tasks(t, 2, 400)
		j := tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
		before := tn.state(t)
		p := &badLinks{titles: map[string]bool{"How to choose hiking boots": true}, links: links}

		var res pipeline.WriteResult
		tn.mustSucceed(t, tn.handler(t, p, nil), j.ID, &res)
		msg := checkFailedTask(t, tn, tasks[0])
		written := tn.task(t, tasks[1].ID)
		if written.Status != igny8.TaskDone || written.ContentID == nil {
			t.Fatalf("second task = %s, content %v; want done", written.Status, written.ContentID)
		}
		c, err := tn.db.Content(tn.ctx, tn.site.ID, *written.ContentID)
		if err != nil {
			t.Fatal(err)
		}
		wantRes := pipeline.WriteResult{Contents: []int64{c.ID}, Words: c.WordCount, Failed: []pipeline.ItemFailure{{ID: tasks[0].ID, Message: msg}}}
		if diff := cmp.Diff(wantRes, res); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
		calls := tn.calls(t, j.ID)
		if len(calls) != 3 || calls[2].Outcome != igny8.CallOK {
			t.Fatalf("ai_calls = %+v, want the first task's two and the second's one", calls)
		}
		checkCalls(t, calls[:2])
		want := before
		want.Rows = cloneRows(before.Rows)
		want.Rows["ai_calls"] += 3
		want.Rows["credit_holds"] += 2
		want.Rows["contents"]++
		want.Rows["content_revisions"]++
		want.Rows["credit_transactions"]++
		want.Balance -= cost(t, igny8.OpContent, int64(c.WordCount))
		if diff := cmp.Diff(want, tn.state(t)); diff != "" {
			t.Errorf("account after the job (-want +got):\n%s", diff)
		}
	})
}

// A write job is refused before it is created when the account cannot pay
// for it; one whose credits run out while it runs stops at the item it
// cannot pay for, with a message saying what it needs and what is
// available, and leaves that item as it was, not half written.
func TestInsufficientCredits(t *testing.T) {
	t.Parallel()
	d := openDB(t)

	t.Run("refused before the job", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 3)
		tasks := tn.tasks(t, 1, 400) // 400 words: up to 600 written, 6 credits
		before := tn.state(t)
		in, _ := json.Marshal(pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
		j, err := tn.svc.StartJob(tn.ctx, tn.site.ID, igny8.JobWrite, in)
		var ice *igny8.InsufficientCreditsError
		if !errors.As(err, &ice) || ice.Needed != 6 || ice.Available != 3 {
			t.Fatalf("StartJob = %+v, %v; want an InsufficientCreditsError needing 6 with 3 available", j, err)
		}
		if got, want := igny8.ErrorMessage(err), "This operation needs 6 credits; 3 are available."; got != want {
			t.Errorf("message = %q, want %q", got, want)
		}
		tn.unchanged(t, "a refused job", before) // no ai_jobs row, no outbox row
	})

	t.Run("drained while it runs", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 100)
		tasks := tn.tasks(t, 2, 400)
		j := tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
		before := tn.state(t)
		// Once the first piece is written (its 6 credits held), another
		// job takes every available credit.
		p := &hookProvider{after: func(ctx context.Context, n int) {
			if n != 1 {
				return
			}
			sum, err := tn.db.CreditSummary(tn.ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := tn.db.ChangeCredits(tn.system, tn.accountID, igny8.CreditChange{Kind: igny8.CreditAdjust, Amount: -sum.Available, Reason: "drain"}); err != nil {
				t.Error(err)
			}
		}}

		got, err := tn.process(t, tn.handler(t, p, nil), j.ID)
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("handler error = %v, want one that is not retried", err)
		}
		first := tn.task(t, tasks[0].ID)
		if first.Status != igny8.TaskDone || first.ContentID == nil {
			t.Fatalf("first task = %s, content %v; want done", first.Status, first.ContentID)
		}
		c, err := tn.db.Content(tn.ctx, tn.site.ID, *first.ContentID)
		if err != nil {
			t.Fatal(err)
		}
		charged := cost(t, igny8.OpContent, int64(c.WordCount))
		// The second piece holds 6 credits (600 words, the most a 400-word
		// target accepts); what is left is the first piece's hold less its
		// price.
		hold := cost(t, igny8.OpContent, 600)
		wantMsg := fmt.Sprintf("This operation needs %d credits; %d are available.", hold, hold-charged)
		if got.Status != igny8.JobFailed || got.Error != wantMsg {
			t.Errorf("job = %s %q, want failed %q", got.Status, got.Error, wantMsg)
		}
		// The job stopped before the second piece: its task is still to
		// be written, not left "writing" by a job that has ended, and says
		// why it waits.
		if second := tn.task(t, tasks[1].ID); second.Status != igny8.TaskQueued || second.ContentID != nil || second.Error != wantMsg {
			t.Errorf("second task = %s %q (content %v); want queued with %q", second.Status, second.Error, second.ContentID, wantMsg)
		}
		if _, _, ok := tn.hold(t, credits.Key("content", tasks[1].ID)); ok {
			t.Error("the second task has a credit hold")
		}
		if calls := tn.calls(t, j.ID); len(calls) != 1 || calls[0].Outcome != igny8.CallOK {
			t.Errorf("ai_calls = %+v, want the first piece's only", calls)
		}
		want := before
		want.Rows = cloneRows(before.Rows)
		want.Rows["ai_calls"]++
		want.Rows["credit_holds"]++
		want.Rows["contents"]++
		want.Rows["content_revisions"]++
		want.Rows["credit_transactions"] += 2 // the drain and the first piece's charge
		want.Balance, want.Reserved = hold-charged, 0
		if diff := cmp.Diff(want, tn.state(t)); diff != "" {
			t.Errorf("account after the job (-want +got):\n%s", diff)
		}
	})
}

// A cancelled job does no more work: cancelled while queued it never runs;
// cancelled before its runner looked it does nothing; cancelled while it
// writes, it finishes the piece in hand (which is charged) and stops
// before the next.
func TestCancel(t *testing.T) {
	t.Parallel()
	d := openDB(t)

	t.Run("while queued", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 100)
		tasks := tn.tasks(t, 2, 400)
		j := tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
		if _, err := tn.db.CancelJob(tn.ctx, tn.site.ID, j.ID); err != nil {
			t.Fatal(err)
		}
		before := tn.state(t)
		got, err := tn.process(t, tn.handler(t, offline.New(), nil), j.ID)
		if err != nil || got.Status != igny8.JobCancelled || got.Attempts != 0 || got.StartedAt != nil {
			t.Errorf("job = %s after %d attempts (started %v), %v; want cancelled, never started", got.Status, got.Attempts, got.StartedAt, err)
		}
		for _, task := range tasks {
			if got := tn.task(t, task.ID); got.Status != igny8.TaskQueued || got.ContentID != nil {
				t.Errorf("task %d = %s, content %v; want queued", task.ID, got.Status, got.ContentID)
			}
		}
		tn.unchanged(t, "a cancelled job", before)
	})

	t.Run("before the runner looks", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 100)
		tasks := tn.tasks(t, 2, 400)
		j := tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
		// A delivery started the job, then its cancellation was asked for.
		started, err := tn.db.StartJob(tn.ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := tn.db.CancelJob(tn.ctx, tn.site.ID, j.ID); err != nil || c.Status != igny8.JobRunning || !c.Cancel {
			t.Fatalf("cancel a running job = %+v, %v", c, err)
		}
		before := tn.state(t)
		if _, err := tn.runner(t, offline.New(), nil).Run(tn.ctx, started); !errors.Is(err, pipeline.ErrCancelled) {
			t.Errorf("Run = %v, want ErrCancelled", err)
		}
		tn.unchanged(t, "running a cancelled job", before)
		for _, task := range tasks {
			if got := tn.task(t, task.ID); got.Status != igny8.TaskQueued {
				t.Errorf("task %d = %s, want queued", task.ID, got.Status)
			}
		}
		// Delivered again, the worker ends it without running it.
		got, err := tn.process(t, tn.handler(t, offline.New(), nil), j.ID)
		if err != nil || got.Status != igny8.JobCancelled || got.Error != "Cancelled before it started." {
			t.Errorf("job = %s %q, %v; want cancelled before it started", got.Status, got.Error, err)
		}
		tn.unchanged(t, "delivering a cancelled job", before)
	})

	t.Run("after the first piece", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 100)
		tasks := tn.tasks(t, 3, 400)
		j := tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tasks)})
		before := tn.state(t)
		p := &hookProvider{after: func(ctx context.Context, n int) {
			if n == 1 {
				if _, err := tn.db.CancelJob(tn.ctx, tn.site.ID, j.ID); err != nil {
					t.Error(err)
				}
			}
		}}

		got, err := tn.process(t, tn.handler(t, p, nil), j.ID)
		if err != nil || got.Status != igny8.JobCancelled {
			t.Fatalf("job = %s %q, %v; want cancelled", got.Status, got.Error, err)
		}
		if got.Step != "write" || got.Done != 1 || got.Total != 3 {
			t.Errorf("progress = %s %d/%d, want write 1/3", got.Step, got.Done, got.Total)
		}
		first := tn.task(t, tasks[0].ID)
		if first.Status != igny8.TaskDone || first.ContentID == nil {
			t.Fatalf("first task = %s, content %v; want done", first.Status, first.ContentID)
		}
		c, err := tn.db.Content(tn.ctx, tn.site.ID, *first.ContentID)
		if err != nil {
			t.Fatal(err)
		}
		if st, captured, _ := tn.hold(t, credits.Key("content", tasks[0].ID)); st != igny8.HoldCaptured || captured != cost(t, igny8.OpContent, int64(c.WordCount)) {
			t.Errorf("first piece's hold = %s, captured %d; want captured at the price of %d words", st, captured, c.WordCount)
		}
		for _, task := range tasks[1:] {
			if got := tn.task(t, task.ID); got.Status != igny8.TaskQueued || got.ContentID != nil {
				t.Errorf("task %d = %s, content %v; want queued, untouched", task.ID, got.Status, got.ContentID)
			}
			if _, _, ok := tn.hold(t, credits.Key("content", task.ID)); ok {
				t.Errorf("task %d has a credit hold", task.ID)
			}
		}
		if calls := tn.calls(t, j.ID); len(calls) != 1 {
			t.Errorf("ai_calls = %+v, want one", calls)
		}
		want := before
		want.Rows = cloneRows(before.Rows)
		want.Rows["ai_calls"]++
		want.Rows["credit_holds"]++
		want.Rows["contents"]++
		want.Rows["content_revisions"]++
		want.Rows["credit_transactions"]++
		want.Balance -= cost(t, igny8.OpContent, int64(c.WordCount))
		if diff := cmp.Diff(want, tn.state(t)); diff != "" {
			t.Errorf("account after the job (-want +got):\n%s", diff)
		}
	})
}

func cloneRows(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Site generation with the offline provider saves a valid blueprint as
// the site's active one, requests a preview deploy, and charges 50
// credits for the structure and 20 for each page; delivered again, it
// saves no second version and charges nothing more.
func TestGenerateSite(t *testing.T) {
	t.Parallel()
	d := openDB(t)
	tn := d.newTenant(t, 1000)
	brief := igny8.Brief{Name: "Trailhead Outfitters", Industry: "outdoor equipment", Audience: "hikers and weekend campers",
		Offer: "hiking gear, repairs and guided day tours", Tone: "friendly and expert", Locale: "en",
		Pages: []string{"About us", "Repairs", "Guided tours", "Contact"}}
	j := tn.startJob(t, igny8.JobGenerateSite, pipeline.GenerateInput{Brief: brief})
	if j.Total != len(brief.Pages)+1 {
		t.Errorf("job total = %d, want %d (the structure and each page)", j.Total, len(brief.Pages)+1)
	}
	before := tn.state(t)
	h := tn.handler(t, offline.New(), nil)

	var res pipeline.GenerateResult
	tn.mustSucceed(t, h, j.ID, &res)
	if len(res.Pages) < len(brief.Pages) || res.Pages[0] != "home" {
		t.Errorf("pages = %q, want home and the %d pages of the brief", res.Pages, len(brief.Pages))
	}
	bp, err := tn.db.Blueprint(tn.ctx, tn.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bp.Version != res.BlueprintVersion || bp.Version != 2 || bp.Status != "active" {
		t.Errorf("active blueprint = version %d %s; the job saved version %d (want 2, after the first)", bp.Version, bp.Status, res.BlueprintVersion)
	}
	doc, _, err := tn.db.ActiveBlueprintJSON(tn.ctx, tn.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tn.assets.AssetFS(tn.ctx, tn.site)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := blueprints.Load(doc, blueprints.Options{Assets: lib})
	if err != nil {
		t.Fatalf("the saved blueprint does not load: %v", err)
	}
	var ids []string
	for _, p := range loaded.Pages {
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff(res.Pages, ids); diff != "" {
		t.Errorf("the blueprint's pages are not the result's (-result +blueprint):\n%s", diff)
	}
	if diff := cmp.Diff([]deployCall{{tn.site.ID, j.ID, true}}, tn.deployer.Calls()); diff != "" {
		t.Errorf("deploys requested (-want +got):\n%s", diff)
	}
	dep, err := tn.db.Deployment(tn.ctx, res.DeploymentID)
	if err != nil {
		t.Fatal(err)
	}
	if !dep.Preview || dep.JobID == nil || *dep.JobID != j.ID {
		t.Errorf("deployment = preview %v, job %v; want a preview of job %d", dep.Preview, dep.JobID, j.ID)
	}
	after := tn.state(t)
	if spent, want := before.Balance-after.Balance, int64(50+20*len(res.Pages)); spent != want || after.Reserved != 0 {
		t.Errorf("spent %d credits (reserved %d), want %d: 50 for the structure and 20 for each of %d pages", spent, after.Reserved, want, len(res.Pages))
	}
	want := before
	want.Rows = cloneRows(before.Rows)
	want.Rows["site_blueprints"]++
	want.Rows["deployments"]++
	want.Rows["ai_calls"] += 1 + len(res.Pages)
	want.Rows["credit_holds"] += 1 + len(res.Pages)
	want.Rows["credit_transactions"] += 1 + len(res.Pages)
	want.Balance = after.Balance
	if diff := cmp.Diff(want, after); diff != "" {
		t.Errorf("account after the job (-want +got):\n%s", diff)
	}

	// Redelivered after its work, the job asks the provider again (the
	// calls are recorded) but saves, deploys and charges nothing more.
	var again pipeline.GenerateResult
	tn.redeliver(t, h, j.ID, &again)
	if diff := cmp.Diff(res, again); diff != "" {
		t.Errorf("redelivered result (-first +again):\n%s", diff)
	}
	want = after
	want.Rows = cloneRows(after.Rows)
	want.Rows["ai_calls"] += 1 + len(res.Pages)
	if diff := cmp.Diff(want, tn.state(t)); diff != "" {
		t.Errorf("account after the redelivery (-want +got):\n%s", diff)
	}
	for _, c := range tn.deployer.Calls() {
		if c != (deployCall{tn.site.ID, j.ID, true}) {
			t.Errorf("deploy call %+v, want only previews of job %d", c, j.ID)
		}
	}
}

// An import larger than SyncImportLimit becomes a keyword_import job,
// which adds the keywords a chunk at a time, reporting its progress; run
// again, it adds none.
func TestLargeImport(t *testing.T) {
	t.Parallel()
	d := openDB(t)
	tn := d.newTenant(t, 0)
	const n = 2500
	var csv strings.Builder
	csv.WriteString("Keyword,Search Volume\n")
	for i := range n {
		fmt.Fprintf(&csv, "trail gear item %04d,%d\n", i, 10+i%500)
	}
	before := tn.state(t)
	rep, j, err := tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, []byte(csv.String()), nil)
	if err != nil || rep != nil || j == nil {
		t.Fatalf("ImportKeywords = %+v, %+v, %v; want a job and no keywords yet", rep, j, err)
	}
	if j.Kind != igny8.JobKeywordImport || j.Status != igny8.JobQueued || j.Total != n {
		t.Errorf("job = %s %s, total %d; want a queued keyword_import of %d", j.Kind, j.Status, j.Total, n)
	}
	want := before
	want.Rows = cloneRows(before.Rows)
	want.Rows["ai_jobs"]++
	want.Rows["outbox"]++
	if diff := cmp.Diff(want, tn.state(t)); diff != "" {
		t.Errorf("account after the request (-want +got):\n%s", diff)
	}

	st := &progressStore{Store: tn.db}
	h := tn.handler(t, offline.New(), st)
	var res igny8.KeywordImport
	got := tn.mustSucceed(t, h, j.ID, &res)
	if res.Added != n || res.Duplicates != 0 || len(res.Rejected) != 0 {
		t.Errorf("result = %d added, %d duplicates, %d rejected; want %d added", res.Added, res.Duplicates, len(res.Rejected), n)
	}
	wantSteps := []progress{{"import", 0, n}, {"import", 1000, n}, {"import", 2000, n}, {"import", n, n}}
	if diff := cmp.Diff(wantSteps, st.Steps()); diff != "" {
		t.Errorf("progress reported (-want +got):\n%s", diff)
	}
	if got.Step != "import" || got.Done != n || got.Total != n {
		t.Errorf("job progress = %s %d/%d, want import %d/%d", got.Step, got.Done, got.Total, n, n)
	}
	want.Rows["keywords"] += n
	if diff := cmp.Diff(want, tn.state(t)); diff != "" {
		t.Errorf("account after the job (-want +got):\n%s", diff)
	}

	res = igny8.KeywordImport{}
	tn.redeliver(t, h, j.ID, &res)
	if res.Added != 0 || res.Duplicates != n {
		t.Errorf("run again: %d added, %d duplicates; want every keyword a duplicate", res.Added, res.Duplicates)
	}
	if diff := cmp.Diff(want, tn.state(t)); diff != "" {
		t.Errorf("account after running again (-want +got):\n%s", diff)
	}
}

// clusterKeywords is 60 keywords, ten about each of six topics: more than
// one clustering request's worth.
func clusterKeywords() []igny8.KeywordInput {
	var out []igny8.KeywordInput
	for _, topic := range []string{"hiking boots", "tent", "sleeping bag", "camping stove", "rain jacket", "trekking poles"} {
		for i, mod := range []string{"best", "cheap", "waterproof", "lightweight", "womens", "mens", "kids", "budget", "premium", "used"} {
			v := int64(100 + 10*i)
			out = append(out, igny8.KeywordInput{Keyword: mod + " " + topic, Volume: &v})
		}
	}
	return out
}

// clustering is what a site's clustering made: its clusters and which
// cluster each keyword is in.
type clustering struct {
	Clusters []string
	Members  map[int64]int64
}

func (tn *tenant) clustering(t *testing.T) clustering {
	t.Helper()
	cs, err := tn.db.Clusters(tn.ctx, tn.site.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := clustering{Members: map[int64]int64{}}
	for _, c := range cs {
		out.Clusters = append(out.Clusters, fmt.Sprintf("%d %s (%d keywords, batch %s)", c.ID, c.Name, c.Keywords, c.Batch))
	}
	kws, err := tn.db.Keywords(tn.ctx, tn.site.ID, igny8.KeywordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kws {
		if k.ClusterID != nil {
			out.Members[k.ID] = *k.ClusterID
		}
	}
	return out
}

// A clustering job redelivered after a crash, whether after all its work
// or between two of its requests, ends with the clusters one run makes,
// each request charged once; with every keyword clustered, another
// clustering job is refused.
func TestClusterRedelivery(t *testing.T) {
	t.Parallel()
	d := openDB(t)
	kws := clusterKeywords()

	t.Run("after its work", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 1000)
		if _, _, err := tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, nil, kws); err != nil {
			t.Fatal(err)
		}
		j := tn.startJob(t, igny8.JobCluster, pipeline.ClusterInput{})
		before := tn.state(t)
		h := tn.handler(t, offline.New(), nil)
		var res pipeline.ClusterResult
		tn.mustSucceed(t, h, j.ID, &res)
		if res.Keywords != len(kws) || res.Requests < 2 || !res.Lexical || len(res.Clusters) < 6 {
			t.Errorf("result = %+v; want %d keywords grouped lexically, in 2 requests or more", res, len(kws))
		}
		first := tn.clustering(t)
		if len(first.Members) != len(kws) {
			t.Errorf("%d keywords clustered, want %d", len(first.Members), len(kws))
		}
		after := tn.state(t)
		if spent, want := before.Balance-after.Balance, cost(t, igny8.OpClustering, int64(res.Requests)); spent != want {
			t.Errorf("spent %d credits, want %d for %d requests", spent, want, res.Requests)
		}

		var again pipeline.ClusterResult
		tn.redeliver(t, h, j.ID, &again)
		if diff := cmp.Diff(res, again); diff != "" {
			t.Errorf("redelivered result (-first +again):\n%s", diff)
		}
		if diff := cmp.Diff(first, tn.clustering(t)); diff != "" {
			t.Errorf("clusters after the redelivery (-first +again):\n%s", diff)
		}
		tn.unchanged(t, "the redelivery", after) // no cluster, call or charge more

		_, err := tn.svc.StartJob(tn.ctx, tn.site.ID, igny8.JobCluster, json.RawMessage(`{}`))
		want := "Every keyword of the site is in a cluster already; import keywords first."
		if igny8.ErrorCode(err) != igny8.EInvalid || igny8.ErrorMessage(err) != want {
			t.Errorf("a second clustering job: %v, want invalid %q", err, want)
		}
		tn.unchanged(t, "a refused clustering job", after)
	})

	t.Run("between two requests", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 1000)
		if _, _, err := tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, nil, kws); err != nil {
			t.Fatal(err)
		}
		j := tn.startJob(t, igny8.JobCluster, pipeline.ClusterInput{})
		before := tn.state(t)
		// The provider fails the second request as an outage would: the
		// worker leaves the job running, for a retry.
		flaky := &failingProvider{failOn: 2}
		got, err := tn.process(t, tn.handler(t, flaky, nil), j.ID)
		if err == nil || errors.Is(err, asynq.SkipRetry) || got.Status != igny8.JobRunning {
			t.Fatalf("job = %s, handler error %v; want it running, to be retried", got.Status, err)
		}
		partial := tn.clustering(t)
		if len(partial.Members) == 0 || len(partial.Members) == len(kws) {
			t.Fatalf("%d keywords clustered after the failure, want the first request's only", len(partial.Members))
		}
		if spent := before.Balance - tn.credits(t).Balance; spent != cost(t, igny8.OpClustering, 1) {
			t.Errorf("spent %d credits before the failure, want the first request's %d", spent, cost(t, igny8.OpClustering, 1))
		}

		var res pipeline.ClusterResult
		tn.mustSucceed(t, tn.handler(t, offline.New(), nil), j.ID, &res)
		final := tn.clustering(t)
		if len(final.Members) != len(kws) {
			t.Errorf("%d keywords clustered, want %d", len(final.Members), len(kws))
		}
		for kw, c := range partial.Members {
			if final.Members[kw] != c {
				t.Errorf("keyword %d moved from cluster %d to %d", kw, c, final.Members[kw])
			}
		}
		if got, want := len(final.Clusters), len(res.Clusters); got != want {
			t.Errorf("the site has %d clusters, the job made %d", got, want)
		}
		after := tn.credits(t)
		if spent, want := before.Balance-after.Balance, cost(t, igny8.OpClustering, int64(res.Requests)); spent != want || after.Reserved != 0 {
			t.Errorf("spent %d credits (reserved %d), want %d for %d requests, each once", spent, after.Reserved, want, res.Requests)
		}
	})
}
