package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/publishing/custom"
	"github.com/igny8/igny8/secrets"
)

// keywordCSV is 50 keywords of the planner's labelled set, spread over its
// topics, with volumes.
func keywordCSV(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open("../../planner/testdata/labelled_keywords.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("Keyword,Search Volume\n")
	n := 0
	for i, r := range rows[1:] {
		if i%6 == 0 && n < 50 {
			fmt.Fprintf(&b, "%s,%d\n", r[0], 10+i*37%900)
			n++
		}
	}
	if n != 50 {
		t.Fatalf("the labelled set gave %d keywords, want 50", n)
	}
	return b.Bytes()
}

// pipelineRun drives one site's pipeline through the API.
type pipelineRun struct {
	p     *platform
	token string
	site  igny8.Site
	base  string
}

func (r *pipelineRun) job(kind string, input any) igny8.Job {
	r.p.t.Helper()
	in, _ := json.Marshal(input)
	var j igny8.Job
	r.p.api.call(r.token, "POST", r.base+"/jobs", map[string]any{"kind": kind, "input": json.RawMessage(in)}, 202, &j)
	return r.wait(j)
}

func (r *pipelineRun) wait(j igny8.Job) igny8.Job {
	r.p.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !j.Finished() {
		if time.Now().After(deadline) {
			r.p.t.Fatalf("%s job %d still %s at %s %d/%d", j.Kind, j.ID, j.Status, j.Step, j.Done, j.Total)
		}
		time.Sleep(100 * time.Millisecond)
		r.p.api.call(r.token, "GET", fmt.Sprintf("%s/jobs/%d", r.base, j.ID), nil, 200, &j)
	}
	if j.Status != igny8.JobSucceeded {
		r.p.t.Fatalf("%s job %d %s: %s", j.Kind, j.ID, j.Status, j.Error)
	}
	return j
}

func result[T any](t *testing.T, j igny8.Job) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(j.Result, &v); err != nil {
		t.Fatalf("%s result: %v: %s", j.Kind, err, j.Result)
	}
	return v
}

// The offline pipeline on the whole platform (Postgres, Redis, Hugo, file
// storage, the worker, the edge): 50 keywords from a CSV → clusters →
// ideas → approved tasks → content of every entity type but taxonomy →
// images → published and deployed → the edge serves the pages with their
// images and JSON-LD. The credits spent are exactly the price list applied
// to what ran, and delivering every job again (as after a worker crash
// between its work and its end) charges nothing and duplicates nothing.
func TestContentPipelineEndToEnd(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "keys.json")
	if _, err := secrets.CreateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	rc := newHookReceiver(t)
	p := startPlatform(t, map[string]string{secrets.EnvKeyFile: keyFile, "IGNY8_INTEGRATION_ALLOW_HOSTS": rc.host})
	token := p.account("pipe")
	var acc igny8.Account
	p.api.call(token, "GET", "/v1/account", nil, 200, &acc)
	p.api.call(p.system, "POST", fmt.Sprintf("/v1/accounts/%d/credits", acc.ID), igny8.CreditChange{Kind: igny8.CreditTopUp, Amount: 5000, Reason: "e2e"}, 201, nil)
	r := &pipelineRun{p: p, token: token}
	p.api.call(token, "POST", "/v1/sites", map[string]any{"slug": "pipe-shop", "name": "Pipe Shop"}, 201, &r.site)
	r.base = fmt.Sprintf("/v1/sites/%d", r.site.ID)
	p.deploy(token, r.site.ID, e2eBlueprint("Welcome"))
	var before igny8.CreditSummary
	p.api.call(token, "GET", "/v1/credits", nil, 200, &before)

	// Keywords from a CSV file.
	req, _ := http.NewRequest("POST", p.api.base+r.base+"/keywords/import", bytes.NewReader(keywordCSV(t)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rep igny8.KeywordImport
	json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if resp.StatusCode != 201 || rep.Added != 50 {
		t.Fatalf("import: %d, %+v", resp.StatusCode, rep)
	}

	clustered := r.job(igny8.JobCluster, map[string]any{})
	cres := result[pipeline.ClusterResult](t, clustered)
	if cres.Keywords != 50 || len(cres.Clusters) < 5 || cres.Requests < 1 {
		t.Fatalf("clustering: %+v", cres)
	}
	ideasJob := r.job(igny8.JobIdeas, map[string]any{"count": 4, "entity_types": []string{"post", "page", "product", "service"}})
	ires := result[pipeline.IdeasResult](t, ideasJob)
	var ideas struct{ Items []*igny8.Idea }
	p.api.call(token, "GET", r.base+"/ideas?status=new&limit=200", nil, 200, &ideas)
	if len(ideas.Items) != len(ires.Ideas) {
		t.Fatalf("%d new ideas listed, the job made %d", len(ideas.Items), len(ires.Ideas))
	}
	chosen := pickIdeas(ideas.Items, 12)
	var taskIDs []int64
	for _, idea := range chosen {
		var a struct{ Task *igny8.Task }
		p.api.call(token, "POST", fmt.Sprintf("%s/ideas/%d/approve", r.base, idea.ID), map[string]any{}, 200, &a)
		taskIDs = append(taskIDs, a.Task.ID)
	}
	written := result[pipeline.WriteResult](t, r.job(igny8.JobWrite, map[string]any{"task_ids": taskIDs}))
	if len(written.Contents) < 10 || len(written.Failed) > 0 {
		t.Fatalf("write: %d pieces, failed %+v", len(written.Contents), written.Failed)
	}
	types := map[string]int{}
	var contents []*igny8.Content
	for _, id := range written.Contents {
		var c igny8.Content
		p.api.call(token, "GET", fmt.Sprintf("%s/contents/%d", r.base, id), nil, 200, &c)
		types[c.EntityType]++
		if !c.Offline || c.Provider != "offline" || c.PromptVersion == "" {
			t.Errorf("content %d does not say the offline provider made it: %+v", id, c.Provenance)
		}
		for _, st := range []string{igny8.ContentReview, igny8.ContentApproved} {
			p.api.call(token, "POST", fmt.Sprintf("%s/contents/%d/status", r.base, id), map[string]string{"status": st}, 200, &c)
		}
		contents = append(contents, &c)
	}
	for _, want := range []string{"post", "page", "product", "service"} {
		if types[want] == 0 {
			t.Errorf("no %s among the content: %v", want, types)
		}
	}
	linked := result[pipeline.LinkResult](t, r.job(igny8.JobLink, map[string]any{}))
	if linked.Links == 0 || len(linked.Changed) == 0 {
		t.Fatalf("linking placed nothing: %+v", linked)
	}
	optimized := result[pipeline.OptimizeResult](t, r.job(igny8.JobOptimize, map[string]any{"content_ids": written.Contents}))
	if len(optimized.Optimizations) != len(written.Contents) || optimized.Kept == 0 {
		t.Fatalf("optimization: %+v", optimized)
	}
	// A piece whose optimization was not kept has nothing left that the
	// rules fix: what still fails needs new facts (outbound links,
	// images) or rewording (keyword density).
	fixable := []string{"keyphrase_in_title", "keyphrase_in_introduction", "keyphrase_in_meta_description", "meta_description_length",
		"image_alt_text", "paragraph_length"}
	for _, id := range written.Contents {
		var opts struct{ Items []igny8.Optimization }
		p.api.call(token, "GET", fmt.Sprintf("%s/contents/%d/optimizations", r.base, id), nil, 200, &opts)
		if len(opts.Items) != 1 || opts.Items[0].Kept {
			continue
		}
		var a igny8.SEOAnalysis
		p.api.call(token, "POST", fmt.Sprintf("%s/contents/%d/analyze", r.base, id), map[string]any{}, 200, &a)
		for _, ck := range a.Checks {
			if ck.Verdict != "good" && slices.Contains(fixable, ck.ID) {
				t.Errorf("content %d was not improved, but fails %s: %s", id, ck.ID, ck.Message)
			}
		}
	}
	t.Logf("optimization improved %d of %d pieces", optimized.Kept, len(written.Contents))
	r.job(igny8.JobImagePrompts, map[string]any{"content_ids": written.Contents, "max": 1})
	imgs := result[pipeline.ImagesResult](t, r.job(igny8.JobImages, map[string]any{"content_ids": written.Contents}))
	if imgs.Generated != 2*len(written.Contents) {
		t.Errorf("%d images generated, want %d", imgs.Generated, 2*len(written.Contents))
	}
	published := r.job(igny8.JobPublish, map[string]any{"content_ids": written.Contents})
	pub := result[pipeline.PublishResult](t, published)
	p.waitLive(token, r.site.ID, igny8.Deployment{ID: pub.DeploymentID})

	// The edge serves every page, its images and its JSON-LD.
	host := "pipe-shop.localhost"
	for _, c := range contents {
		var page struct{ Path, Title string }
		json.Unmarshal(c.Page, &page)
		body, status := p.edge(host, page.Path)
		if status != 200 || !strings.Contains(body, "application/ld+json") {
			t.Errorf("%s: %d, or no JSON-LD", page.Path, status)
			continue
		}
		var list struct{ Items []*igny8.ContentImage }
		p.api.call(token, "GET", fmt.Sprintf("%s/contents/%d/images", r.base, c.ID), nil, 200, &list)
		for _, img := range list.Items {
			if img.AssetPath == "" || !img.Offline {
				t.Errorf("content %d image %d: not generated offline: %+v", c.ID, img.Position, img)
			}
		}
		src := imageSource(body, fmt.Sprintf("ai-%s-0.", c.Slug))
		if src == "" {
			t.Errorf("%s does not show its featured image", page.Path)
			continue
		}
		if b, st := p.edge(host, src); st != 200 || !strings.HasPrefix(b, "\x89PNG") {
			t.Errorf("%s: %d, not a PNG", src, st)
		}
	}
	// The deployed pages carry the internal links, and no page is an
	// orphan: every piece is linked from another piece's page on the
	// site, in its text or its related block.
	var report igny8.LinkReport
	p.api.call(token, "GET", r.base+"/links/report", nil, 200, &report)
	if len(report.Pages) != len(contents) || report.Orphans != 0 {
		t.Errorf("the link report has %d pages (want %d) and %d orphans", len(report.Pages), len(contents), report.Orphans)
	}
	paths := map[string]int64{}
	for _, c := range contents {
		var page struct{ Path string }
		json.Unmarshal(c.Page, &page)
		paths[page.Path] = c.ID
	}
	inbound := map[int64]int{}
	textLinks := 0
	for path, id := range paths {
		body, _ := p.edge(host, path)
		text, related := mainLinks(t, body)
		for _, href := range append(text, related...) {
			if to, ok := paths[href]; ok && to != id {
				inbound[to]++
			}
		}
		for _, href := range text {
			if _, ok := paths[href]; ok {
				textLinks++
			}
		}
		if len(related) == 0 {
			t.Errorf("%s has no related block on the site", path)
		}
	}
	for path, id := range paths {
		if inbound[id] == 0 {
			t.Errorf("%s is an orphan on the site: no other piece's page links to it", path)
		}
	}
	var links struct{ Items []*igny8.ContentLink }
	p.api.call(token, "GET", r.base+"/links", nil, 200, &links)
	inText := 0
	for _, l := range links.Items {
		if l.Type != igny8.LinkRelated {
			inText++
		}
	}
	if inText == 0 || textLinks < inText {
		t.Errorf("the site's pages have %d links to other pieces in their text, the linker placed %d", textLinks, inText)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Credits: exactly the price list over what ran.
	want := int64(0)
	add := func(op igny8.Operation, units int64) {
		c, err := credits.Cost(op, units)
		if err != nil {
			t.Fatal(err)
		}
		want += c
	}
	add(igny8.OpClustering, int64(cres.Requests))
	add(igny8.OpIdeaGeneration, int64(ires.Clusters))
	for _, c := range contents {
		add(igny8.OpContent, int64(c.WordCount))
	}
	add(igny8.OpLinking, int64(len(linked.Changed)))
	for _, c := range contents {
		var opts struct{ Items []igny8.Optimization }
		p.api.call(token, "GET", fmt.Sprintf("%s/contents/%d/optimizations", r.base, c.ID), nil, 200, &opts)
		for _, o := range opts.Items {
			add(igny8.OpOptimization, int64(c.WordCount))
			if o.Kept && o.ScoreAfter <= o.ScoreBefore {
				t.Errorf("content %d: a kept optimization did not score higher (%d → %d)", c.ID, o.ScoreBefore, o.ScoreAfter)
			}
			if o.Kept {
				var a igny8.SEOAnalysis
				p.api.call(token, "POST", fmt.Sprintf("%s/contents/%d/analyze", r.base, c.ID), map[string]any{}, 200, &a)
				if a.Score != o.ScoreAfter {
					t.Errorf("content %d scores %d now, its optimization said %d", c.ID, a.Score, o.ScoreAfter)
				}
			}
		}
	}
	add(igny8.OpImagePrompts, int64(len(contents)))
	add(igny8.OpImage, int64(imgs.Generated))
	var after igny8.CreditSummary
	p.api.call(token, "GET", "/v1/credits", nil, 200, &after)
	if spent := before.Balance - after.Balance; spent != want || after.Reserved != 0 {
		t.Fatalf("spent %d credits (reserved %d), the price list says %d", spent, after.Reserved, want)
	}

	// Redeliver every job as if its worker died after the work and before
	// recording the end: nothing is charged or written again.
	counts := func() string {
		var sb strings.Builder
		for _, q := range []string{"keywords", "clusters", "ideas", "tasks", "contents", "content_images", "content_revisions", "site_assets", "deployments", "ai_jobs", "content_links", "optimizations"} {
			// As the account (row-level security shows the app role
			// nothing without one).
			var n int
			actx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc.ID})
			if err := p.db.Tx(actx, func(tx pgx.Tx) error { return tx.QueryRow(actx, "SELECT count(*) FROM "+q).Scan(&n) }); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatalf("the account has no %s rows: the count sees nothing", q)
			}
			fmt.Fprintf(&sb, "%s=%d ", q, n)
		}
		var pages []json.RawMessage
		p.api.call(token, "GET", r.base+"/pages", nil, 200, &struct{ Items *[]json.RawMessage }{&pages})
		fmt.Fprintf(&sb, "pages=%d", len(pages))
		return sb.String()
	}
	beforeRedeliver := counts()
	handler := &jobs.AIJobHandler{Jobs: aiJobs{DB: p.svc.db, runner: p.svc.pipelineRunner()}}
	var jobsList struct{ Items []igny8.Job }
	p.api.call(token, "GET", r.base+"/jobs?limit=200", nil, 200, &jobsList)
	redelivered := 0
	for _, j := range jobsList.Items {
		if !slices.Contains([]string{igny8.JobCluster, igny8.JobIdeas, igny8.JobWrite, igny8.JobLink, igny8.JobOptimize, igny8.JobImagePrompts, igny8.JobImages, igny8.JobPublish}, j.Kind) {
			continue
		}
		if _, err := p.db.Pool.Exec(context.Background(), "UPDATE ai_jobs SET status = 'running', ended_at = NULL WHERE id = $1", j.ID); err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(jobs.AIJobPayload{JobID: j.ID})
		task := asynq.NewTaskWithHeaders(jobs.TypeAIJob, payload, map[string]string{"account_id": strconv.FormatInt(acc.ID, 10)})
		if err := handler.ProcessTask(context.Background(), task); err != nil {
			t.Fatalf("redelivered %s job: %v", j.Kind, err)
		}
		redelivered++
	}
	if redelivered != 8 {
		t.Fatalf("redelivered %d jobs, want the 8 steps", redelivered)
	}
	if got := counts(); got != beforeRedeliver {
		t.Errorf("redelivery changed rows:\nbefore %s\nafter  %s", beforeRedeliver, got)
	}
	var again igny8.CreditSummary
	p.api.call(token, "GET", "/v1/credits", nil, 200, &again)
	if again.Balance != after.Balance || again.Reserved != 0 {
		t.Errorf("redelivery changed the balance: %d → %d (reserved %d)", after.Balance, again.Balance, again.Reserved)
	}

	// The pieces go to a custom API too: one remote object each, signed;
	// publishing them again writes nothing.
	var hook igny8.Integration
	p.api.call(token, "POST", r.base+"/integrations", map[string]any{"platform": "custom", "name": "CMS", "url": rc.url,
		"credentials": map[string]string{"signing_secret": hookSecret}}, 201, &hook)
	for round, want := range []pipeline.DistributeResult{{Created: len(contents)}, {Unchanged: len(contents)}} {
		got := result[pipeline.DistributeResult](t, r.job(igny8.JobDistribute, map[string]any{"integration_id": hook.ID, "content_ids": written.Contents}))
		if got.Created != want.Created || got.Unchanged != want.Unchanged || len(got.Failed) != 0 {
			t.Errorf("distribute round %d: %+v, want %+v", round, got, want)
		}
	}
	if n := rc.count(); n != len(contents) {
		t.Errorf("the custom API holds %d objects, want %d", n, len(contents))
	}
	// igny8 publish does the same from the command line: every approved or
	// published piece, all there already.
	var out, errb strings.Builder
	vars := map[string]string{"IGNY8_API_URL": p.api.base, "IGNY8_TOKEN": token}
	if code := run(context.Background(), []string{"publish", "--site", "pipe-shop", "--integration", fmt.Sprint(hook.ID)},
		&env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}); code != exitOK ||
		!strings.Contains(out.String(), fmt.Sprintf("0 new, 0 updated, %d unchanged, 0 failed", len(contents))) {
		t.Errorf("igny8 publish: exit %d\n%s%s", code, out.String(), errb.String())
	}
	var recs struct{ Items []igny8.PublishingRecord }
	p.api.call(token, "GET", r.base+"/publishing-records", nil, 200, &recs)
	if len(recs.Items) != len(contents) {
		t.Errorf("%d publishing records, want %d", len(recs.Items), len(contents))
	}
	for _, rec := range recs.Items {
		if rec.Status != igny8.PublishPublished || rec.RemoteID == "" || rec.IntegrationID != hook.ID || rec.Attempts != 1 {
			t.Errorf("record %+v", rec)
		}
	}

	// A piece goes back to draft: the next link run takes every link and
	// related entry to it out, and the site, published again, no longer
	// links to it, with no other piece left an orphan.
	gone := contents[0]
	var gonePage struct{ Path string }
	json.Unmarshal(gone.Page, &gonePage)
	p.api.call(token, "POST", fmt.Sprintf("%s/contents/%d/status", r.base, gone.ID), map[string]string{"status": igny8.ContentDraft}, 200, nil)
	relinked := result[pipeline.LinkResult](t, r.job(igny8.JobLink, map[string]any{}))
	if relinked.Removed == 0 {
		t.Errorf("relinking after %s went back to draft removed no link: %+v", gonePage.Path, relinked)
	}
	p.api.call(token, "GET", r.base+"/links", nil, 200, &links)
	for _, l := range links.Items {
		if l.TargetID == gone.ID {
			t.Errorf("a %s link to the draft %s remains: %+v", l.Type, gonePage.Path, l)
		}
	}
	var rest []int64
	for _, c := range contents[1:] {
		rest = append(rest, c.ID)
	}
	pub2 := result[pipeline.PublishResult](t, r.job(igny8.JobPublish, map[string]any{"content_ids": rest}))
	p.waitLive(token, r.site.ID, igny8.Deployment{ID: pub2.DeploymentID})
	inbound = map[int64]int{}
	for path, id := range paths {
		if id == gone.ID {
			continue
		}
		body, _ := p.edge(host, path)
		text, related := mainLinks(t, body)
		for _, href := range append(text, related...) {
			if href == gonePage.Path {
				t.Errorf("%s still links to the draft %s", path, gonePage.Path)
			}
			if to, ok := paths[href]; ok && to != id {
				inbound[to]++
			}
		}
	}
	for path, id := range paths {
		if id != gone.ID && inbound[id] == 0 {
			t.Errorf("%s is an orphan on the site after %s went back to draft", path, gonePage.Path)
		}
	}
}

// imageSource finds the src of the first <img> whose src contains part.
func imageSource(html, part string) string {
	for _, chunk := range strings.Split(html, "<img ")[1:] {
		i := strings.Index(chunk, "src=")
		if i < 0 {
			continue
		}
		src := chunk[i+4:]
		src = strings.TrimPrefix(src, `"`)
		if j := strings.IndexAny(src, "\" >"); j >= 0 {
			src = src[:j]
		}
		if strings.Contains(src, part) {
			return src
		}
	}
	return ""
}

// igny8 pipeline, as the README shows it, against a running platform: it
// runs every step, says what each did, and ends with the site live; a bad
// keyword file stops it before anything is charged.
func TestPipelineCommand(t *testing.T) {
	p := startPlatform(t, nil)
	token := p.account("cli")
	var acc igny8.Account
	p.api.call(token, "GET", "/v1/account", nil, 200, &acc)
	p.api.call(p.system, "POST", fmt.Sprintf("/v1/accounts/%d/credits", acc.ID), igny8.CreditChange{Kind: igny8.CreditTopUp, Amount: 3000, Reason: "e2e"}, 201, nil)
	var site igny8.Site
	p.api.call(token, "POST", "/v1/sites", map[string]any{"slug": "cli-shop", "name": "CLI Shop"}, 201, &site)
	p.deploy(token, site.ID, e2eBlueprint("Welcome"))

	dir := t.TempDir()
	good, bad := dir+"/keywords.csv", dir+"/bad.csv"
	os.WriteFile(good, keywordCSV(t), 0o644)
	os.WriteFile(bad, []byte("keyword,volume\nrye bread,lots\n"), 0o644)
	vars := map[string]string{"IGNY8_API_URL": p.api.base, "IGNY8_TOKEN": token}
	cmd := func(args ...string) (int, string, string) {
		var out, errb syncBuffer
		code := run(context.Background(), args, &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }})
		return code, out.String(), errb.String()
	}

	code, out, errOut := cmd("pipeline", "--site", "cli-shop", bad)
	if code == 0 || !strings.Contains(out+errOut, "line 2") || !strings.Contains(out+errOut, "lots") {
		t.Errorf("a bad file: exit %d, want the line and value named:\n%s%s", code, out, errOut)
	}
	var credits igny8.CreditSummary
	p.api.call(token, "GET", "/v1/credits", nil, 200, &credits)
	if credits.Balance != 3000 {
		t.Errorf("a refused file changed the balance to %d", credits.Balance)
	}

	code, out, errOut = cmd("pipeline", "--site", "cli-shop", "--content", "4", "--images", "0", good)
	if code != 0 {
		t.Fatalf("igny8 pipeline: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"keywords     50 added", "cluster      succeeded", "content      4 pieces", "images       succeeded", "is live"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	var list struct{ Items []*igny8.Content }
	p.api.call(token, "GET", fmt.Sprintf("/v1/sites/%d/contents?status=published", site.ID), nil, 200, &list)
	if len(list.Items) != 4 {
		t.Fatalf("%d published pieces, want 4", len(list.Items))
	}
	var page struct{ Path string }
	json.Unmarshal(list.Items[0].Page, &page)
	p.edgeShows("cli-shop.localhost", page.Path, 200, list.Items[0].Title)
}

// mainLinks returns the hrefs of the links in a page's main element: those
// in its related blocks (an element of class "related") and the others.
func mainLinks(t *testing.T, body string) (text, related []string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node, inMain, inRelated bool)
	walk = func(n *html.Node, inMain, inRelated bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch {
				case a.Key == "id" && a.Val == "main" && n.Data == "main":
					inMain = true
				case a.Key == "class" && slices.Contains(strings.Fields(a.Val), "related"):
					inRelated = true
				}
			}
			if n.Data == "a" && inMain {
				for _, a := range n.Attr {
					if a.Key == "href" {
						if inRelated {
							related = append(related, a.Val)
						} else {
							text = append(text, a.Val)
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inMain, inRelated)
		}
	}
	walk(doc, false, false)
	return text, related
}

const hookSecret = "whsec_e2e_0123456789"

// hookReceiver is a customer's endpoint for the custom API: it checks the
// signature and keeps one object per idempotency key.
type hookReceiver struct {
	url, host string
	mu        sync.Mutex
	byKey     map[string]string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{byKey: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := custom.Verify([]byte(hookSecret), r.Header, body, time.Now(), 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		key := r.Header.Get("Idempotency-Key")
		if rc.byKey[key] == "" {
			rc.byKey[key] = fmt.Sprint(len(rc.byKey) + 1)
		}
		json.NewEncoder(w).Encode(map[string]string{"id": rc.byKey[key], "url": "https://cms.example/" + rc.byKey[key]})
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	rc.url, rc.host = srv.URL+"/igny8", u.Host
	return rc
}

func (rc *hookReceiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.byKey)
}
