package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

// A keyword file with bad lines imports nothing and says, line by line,
// what is wrong; a good one imports, and importing it again adds nothing.
func TestKeywordImportReportsEveryBadLine(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("kw")
	ed := tn.tokens[igny8.RoleEditor]
	base := fmt.Sprintf("/v1/sites/%d/keywords", tn.site.ID)
	count := func() int {
		var l List[igny8.Keyword]
		h.must(200, ed, "GET", base+"?limit=200", nil, &l)
		return len(l.Items)
	}
	n := count()

	bad := "keyword,volume,intent\nrye bread,120,informational\nspelt bread,lots,informational\nbaguette,40,shopping\n"
	r := h.do(ed, "POST", base+"/import", []byte(bad))
	p := r.problem(t)
	if r.status != 422 || p.Code != CodeValidation {
		t.Fatalf("bad file: %d %s", r.status, r.body)
	}
	lines := map[string]string{}
	for _, f := range p.Errors {
		lines[f.Pointer] = f.Detail
	}
	if !strings.Contains(lines["/line/3"], "lots") || !strings.Contains(lines["/line/4"], "shopping") || len(lines) != 2 {
		t.Errorf("the report does not name line 3's volume and line 4's intent: %+v", p.Errors)
	}
	if got := count(); got != n {
		t.Errorf("a refused file imported %d keywords", got-n)
	}
	if r := h.do(ed, "POST", base+"/import", []byte("\x00\x01\x02\xff\xfe binary")); r.status != 400 && r.status != 422 {
		t.Errorf("a binary file: %d %s", r.status, r.body)
	}

	good := "\ufeffKeyword;Search Volume\nRye  Bread;1.200\nspelt bread;90\nrye bread;5\n"
	var rep igny8.KeywordImport
	h.must(201, ed, "POST", base+"/import", []byte(good), &rep)
	// "Rye  Bread" and "rye bread" are one keyword after normalisation.
	if rep.Added != 2 || rep.Duplicates != 1 {
		t.Errorf("import report %+v, want 2 added and 1 duplicate", rep)
	}
	h.must(201, ed, "POST", base+"/import", []byte(good), &rep)
	if rep.Added != 0 || rep.Duplicates != 3 {
		t.Errorf("importing the same file again: %+v, want nothing added", rep)
	}
	if got := count(); got != n+2 {
		t.Errorf("%d keywords after the imports, want %d", got, n+2)
	}
}

// A step the account cannot pay for is refused with 402 before it starts,
// saying what it needs and what is available; no job is created.
func TestJobWithoutCreditsIs402(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("poor")
	ed := tn.tokens[igny8.RoleEditor]
	base := fmt.Sprintf("/v1/sites/%d", tn.site.ID)
	var before List[igny8.Job]
	h.must(200, ed, "GET", base+"/jobs", nil, &before)
	// A cluster without ideas: proposing them costs 15 credits.
	var acc igny8.Account
	h.must(200, ed, "GET", "/v1/account", nil, &acc)
	ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc.ID})
	cs, err := h.db.SaveClusters(ctx, tn.site.ID, "test:2", []*igny8.Cluster{{SiteID: tn.site.ID, Name: "Rye", Provenance: igny8.Provenance{Provider: "offline"}}}, [][]int64{{}})
	if err != nil {
		t.Fatal(err)
	}
	r := h.do(ed, "POST", base+"/jobs", jobRequest{Kind: igny8.JobIdeas, Input: json.RawMessage(fmt.Sprintf(`{"cluster_ids": [%d]}`, cs[0].ID))})
	p := r.problem(t)
	if r.status != 402 || p.Code != igny8.EInsufficientCredits || p.Needed == nil || *p.Needed != 15 || p.Available == nil || *p.Available != 0 {
		t.Fatalf("ideas without credits: %d %s", r.status, r.body)
	}
	// Writing a task that has its content already costs nothing.
	var j igny8.Job
	h.must(202, ed, "POST", base+"/jobs", jobRequest{Kind: igny8.JobWrite, Input: json.RawMessage(fmt.Sprintf(`{"task_ids": [%d]}`, tn.task.ID))}, &j)
	if j.Total != 1 {
		t.Errorf("the job's total is %d, want 1 task", j.Total)
	}
	before.Items = append(before.Items, j)
	r = h.do(ed, "POST", base+"/generate", generateRequest{Brief: igny8.Brief{Name: "Crumb", Industry: "bakery", Offer: "bread"}})
	if p := r.problem(t); r.status != 402 || *p.Needed != 50+20*5 {
		t.Fatalf("generate without credits: %d %s", r.status, r.body)
	}
	var after List[igny8.Job]
	h.must(200, ed, "GET", base+"/jobs", nil, &after)
	if len(after.Items) != len(before.Items) {
		t.Errorf("a refused step left a job: %d → %d", len(before.Items), len(after.Items))
	}
}

// Bad job requests and prompt overrides are refused with the field at
// fault.
func TestPipelineRequestsAreChecked(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("chk")
	ed, adm := tn.tokens[igny8.RoleEditor], tn.tokens[igny8.RoleAdmin]
	base := fmt.Sprintf("/v1/sites/%d", tn.site.ID)
	for _, c := range []struct {
		name string
		body jobRequest
		want string
	}{
		{"unknown kind", jobRequest{Kind: "translate"}, "/kind"},
		{"unknown field", jobRequest{Kind: igny8.JobIdeas, Input: json.RawMessage(`{"clusters": [1]}`)}, "clusters"},
		{"too many ideas", jobRequest{Kind: igny8.JobIdeas, Input: json.RawMessage(`{"count": 99}`)}, "/count"},
		{"draft content", jobRequest{Kind: igny8.JobImagePrompts, Input: json.RawMessage(`{"content_ids": [], "max": 9}`)}, "/max"},
		{"distribute without an integration", jobRequest{Kind: igny8.JobDistribute, Input: json.RawMessage(`{"content_ids": [1]}`)}, "/input/integration_id"},
		{"distribute nothing", jobRequest{Kind: igny8.JobDistribute, Input: json.RawMessage(`{"integration_id": 1}`)}, "/input/content_ids"},
	} {
		r := h.do(ed, "POST", base+"/jobs", c.body)
		if r.status != 400 || !strings.Contains(string(r.body), c.want) {
			t.Errorf("%s: %d %s, want 400 naming %s", c.name, r.status, r.body, c.want)
		}
	}
	// Another site's integration is not found.
	r0 := h.do(ed, "POST", base+"/jobs", jobRequest{Kind: igny8.JobDistribute, Input: json.RawMessage(fmt.Sprintf(`{"integration_id": 999999, "content_ids": [%d]}`, tn.content.ID))})
	if r0.status != 404 {
		t.Errorf("distributing to an unknown integration: %d %s", r0.status, r0.body)
	}
	// Another site's task, in the same account or not, is not found.
	r := h.do(ed, "POST", base+"/jobs", jobRequest{Kind: igny8.JobWrite, Input: json.RawMessage(`{"task_ids": [999999]}`)})
	if r.status != 404 {
		t.Errorf("an unknown task: %d %s", r.status, r.body)
	}

	// The linker's rules: a bad one is a 400 naming it; a partial body
	// keeps the defaults of the rest, and the settings read back.
	if r := h.do(ed, "PUT", base+"/pipeline", map[string]any{"max_per_target": 9, "related": 13}); r.status != 400 ||
		!strings.Contains(string(r.body), "/max_per_target") || !strings.Contains(string(r.body), "/related") {
		t.Errorf("bad linker rules: %d %s", r.status, r.body)
	}
	var st igny8.PipelineSettings
	h.must(200, ed, "PUT", base+"/pipeline", map[string]any{"max_per_target": 2, "prefer_pillar": false, "auto_link": true}, &st)
	h.must(200, ed, "GET", base+"/pipeline", nil, &st)
	if st.MaxPerTarget != 2 || st.PreferPillar || !st.VaryAnchors || !st.AutoLink || st.WordsPerLink != 150 || st.Related != 3 {
		t.Errorf("settings read back as %+v", st)
	}

	r = h.do(adm, "PUT", "/v1/prompts/content", promptOverrideRequest{User: "Write about {{.Topic}}."})
	if r.status != 400 || !strings.Contains(string(r.body), "Topic") {
		t.Errorf("an override using a field the input lacks: %d %s", r.status, r.body)
	}
	var o igny8.PromptOverride
	h.must(200, adm, "PUT", "/v1/prompts/content", promptOverrideRequest{System: "You write for {{.Site.Name}}.", User: "Write {{.Title}} in {{.WordTarget}} words."}, &o)
	var info igny8.PromptInfo
	h.must(200, ed, "GET", "/v1/prompts/content", nil, &info)
	if info.Override == nil || info.Override.Version != 1 || info.Version == "" {
		t.Errorf("the prompt does not show its override: %+v", info)
	}
	if r := h.do(ed, "PUT", "/v1/prompts/content", promptOverrideRequest{User: "x"}); r.status != 403 {
		t.Errorf("an editor overriding a prompt: %d", r.status)
	}
	h.must(204, adm, "DELETE", "/v1/prompts/content", nil, nil)
	h.must(200, ed, "GET", "/v1/prompts/content", nil, &info)
	if info.Override != nil {
		t.Errorf("the override outlived its reset: %+v", info.Override)
	}
}

// A content edit is validated like the build validates it and kept as a
// new revision; a stale revision is a conflict.
func TestContentEdits(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("edit")
	ed := tn.tokens[igny8.RoleEditor]
	p := fmt.Sprintf("/v1/sites/%d/contents/%d", tn.site.ID, tn.content.ID)
	good := `{"id": "starter-guide", "path": "/starter-guide/", "type": "page", "title": "Starter guide, revised",
		"blocks": [{"id": "s1", "type": "richtext", "v": 1, "props": {"markdown": "Feed it twice a day, and keep it warm."}}]}`
	var c igny8.Content
	h.must(200, ed, "PUT", p+"/page", pageEdit{Page: json.RawMessage(good), Revision: tn.content.Revision}, &c)
	if c.Revision != tn.content.Revision+1 || c.Title != "Starter guide, revised" || c.WordCount != 9 {
		t.Errorf("after the edit: revision %d, title %q, words %d", c.Revision, c.Title, c.WordCount)
	}
	r := h.do(ed, "PUT", p+"/page", pageEdit{Page: json.RawMessage(good), Revision: tn.content.Revision})
	if r.status != 409 {
		t.Errorf("an edit of a stale revision: %d %s", r.status, r.body)
	}
	bad := strings.Replace(good, "keep it warm.", "[keep it warm](javascript:alert(1)).", 1)
	r = h.do(ed, "PUT", p+"/page", pageEdit{Page: json.RawMessage(bad)})
	if r.status != 400 || !strings.Contains(string(r.body), "javascript") {
		t.Errorf("a page with a javascript: link: %d %s", r.status, r.body)
	}
	var revs List[igny8.ContentRevision]
	h.must(200, ed, "GET", p+"/revisions", nil, &revs)
	if len(revs.Items) != 2 {
		t.Errorf("%d revisions, want 2 (written, edited)", len(revs.Items))
	}
}
