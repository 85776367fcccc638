package pipeline_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/planner"
)

// The Service refuses bad input before anything is written, spent or
// queued, with a message that says what to fix.
func TestServiceRefuses(t *testing.T) {
	t.Parallel()
	d := openDB(t)

	t.Run("binary file", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 0)
		before := tn.state(t)
		file := []byte("\x00\x01\x02\x03keyword\xff\xfe\x00\x00\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
		rep, j, err := tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, file, nil)
		want := "The file is not a CSV file (it holds binary data); export the keywords as CSV UTF-8."
		if igny8.ErrorCode(err) != igny8.EInvalid || igny8.ErrorMessage(err) != want || rep != nil || j != nil {
			t.Errorf("ImportKeywords(binary) = %+v, %+v, %v; want invalid %q", rep, j, err, want)
		}
		tn.unchanged(t, "a binary file", before)
	})

	t.Run("bad lines", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 0)
		before := tn.state(t)
		file := "Keyword,Volume,Intent\n" + // line 1
			"hiking boots,1200,commercial\n" + // 2
			"tent repair,lots,informational\n" + // 3: a bad volume
			"trail running,300,\n" + // 4
			"camping stove,90,curious\n" + // 5: a bad intent
			"rain jacket,450,transactional\n" // 6
		rep, j, err := tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, []byte(file), nil)
		var ie *pipeline.ImportError
		if !errors.As(err, &ie) || j != nil {
			t.Fatalf("ImportKeywords = %+v, %+v, %v; want an ImportError", rep, j, err)
		}
		var lines []string
		for _, l := range ie.Lines() {
			lines = append(lines, fmt.Sprintf("%d %s %s", l.Line, l.Field, l.Keyword))
		}
		if diff := cmp.Diff([]string{"3 volume tent repair", "5 intent camping stove"}, lines); diff != "" {
			t.Errorf("rejected lines (-want +got):\n%s", diff)
		}
		if rep == nil || len(rep.Rejected) != 2 || rep.Added != 0 {
			t.Errorf("report = %+v, want the 2 rejected lines and nothing added", rep)
		}
		want := `Nothing was imported: 2 line(s) cannot be imported (line 3: volume "lots" is not a number; ` +
			`line 5: intent "curious" is not one of informational, commercial, transactional or navigational). Fix them and import the file again.`
		if got := igny8.ErrorMessage(err); igny8.ErrorCode(err) != igny8.EInvalid || got != want {
			t.Errorf("message = %q, want invalid %q", got, want)
		}
		tn.unchanged(t, "a file with bad lines", before) // not even the good lines

		// API items are numbered as lines are.
		neg, hard := int64(-5), 101
		items := []igny8.KeywordInput{{Keyword: "hiking boots"}, {Keyword: "tent repair", Volume: &neg}, {Keyword: "trail running"}, {Keyword: "stoves", Difficulty: &hard}}
		_, _, err = tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, nil, items)
		want = "Nothing was imported: 2 line(s) cannot be imported (line 2: volume cannot be negative.; line 4: difficulty 101 is not between 0 and 100.). Fix them and import the file again."
		if got := igny8.ErrorMessage(err); igny8.ErrorCode(err) != igny8.EInvalid || got != want {
			t.Errorf("ImportKeywords(items) = %v; want invalid %q", err, want)
		}
		tn.unchanged(t, "items with bad lines", before)
	})

	t.Run("too many rows", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 0)
		before := tn.state(t)
		var file strings.Builder
		items := make([]igny8.KeywordInput, planner.MaxImportRows+1)
		for i := range items {
			items[i].Keyword = fmt.Sprintf("keyword %d", i)
			fmt.Fprintf(&file, "keyword %d\n", i)
		}
		_, j, err := tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, []byte(file.String()), nil)
		if want := "The file has more than 50000 keyword rows; split it into files of at most 50000 rows."; igny8.ErrorCode(err) != igny8.EInvalid || igny8.ErrorMessage(err) != want || j != nil {
			t.Errorf("ImportKeywords(file of %d rows) = %+v, %v; want invalid %q", len(items), j, err, want)
		}
		_, j, err = tn.svc.ImportKeywords(tn.ctx, tn.site.ID, nil, nil, items)
		if want := "An import takes at most 50000 keywords, not 50001; split the file."; igny8.ErrorCode(err) != igny8.EInvalid || igny8.ErrorMessage(err) != want || j != nil {
			t.Errorf("ImportKeywords(%d items) = %+v, %v; want invalid %q", len(items), j, err, want)
		}
		tn.unchanged(t, "too large an import", before)
	})

	t.Run("another account's objects", func(t *testing.T) {
		t.Parallel()
		alpha, beta := d.newTenant(t, 100), d.newTenant(t, 100)
		task := alpha.tasks(t, 1, 400)[0]
		idea, err := alpha.db.Idea(alpha.ctx, alpha.site.ID, task.IdeaID)
		if err != nil {
			t.Fatal(err)
		}
		alphaBefore, betaBefore := alpha.state(t), beta.state(t)
		for _, siteID := range []int64{beta.site.ID, alpha.site.ID} {
			if _, _, err := beta.db.ApproveIdea(beta.ctx, siteID, idea.ID, 0); igny8.ErrorCode(err) != igny8.ENotFound {
				t.Errorf("approve alpha's idea in site %d as beta: %v, want not_found", siteID, err)
			}
			for _, j := range []struct {
				kind  string
				input string
			}{
				{igny8.JobWrite, fmt.Sprintf(`{"task_ids": [%d]}`, task.ID)},
				{igny8.JobIdeas, fmt.Sprintf(`{"cluster_ids": [%d]}`, idea.ClusterID)},
			} {
				if _, err := beta.svc.StartJob(beta.ctx, siteID, j.kind, json.RawMessage(j.input)); igny8.ErrorCode(err) != igny8.ENotFound {
					t.Errorf("StartJob(%s %s) in site %d as beta: %v, want not_found", j.kind, j.input, siteID, err)
				}
			}
		}
		alpha.unchanged(t, "beta's requests", alphaBefore)
		beta.unchanged(t, "beta's requests", betaBefore)

		// A job row naming alpha's task (the Service would refuse it) finds
		// nothing to write and charges nothing.
		j := &igny8.Job{SiteID: beta.site.ID, Kind: igny8.JobWrite, Input: json.RawMessage(fmt.Sprintf(`{"task_ids": [%d]}`, task.ID))}
		if err := beta.db.CreateJob(beta.ctx, j, nil); err != nil {
			t.Fatal(err)
		}
		got, _ := beta.process(t, beta.handler(t, offline.New(), nil), j.ID)
		if want := fmt.Sprintf("There is no task %d in site %d.", task.ID, beta.site.ID); got.Status != igny8.JobFailed || got.Error != want {
			t.Errorf("job = %s %q, want failed %q", got.Status, got.Error, want)
		}
		if got := alpha.task(t, task.ID); got.Status != igny8.TaskQueued || got.ContentID != nil {
			t.Errorf("alpha's task = %s, content %v; want queued, untouched", got.Status, got.ContentID)
		}
		alpha.unchanged(t, "beta's job", alphaBefore)
		betaBefore.Rows["ai_jobs"]++
		beta.unchanged(t, "beta's job", betaBefore)
	})

	t.Run("job inputs", func(t *testing.T) {
		t.Parallel()
		tn := d.newTenant(t, 1000)
		task := tn.tasks(t, 1, 400)[0]
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = fmt.Sprint(task.ID)
		}
		before := tn.state(t)
		tests := []struct {
			name, kind, input, want string
		}{
			{"unknown kind", "mine_bitcoin", `{}`, `Unknown job kind "mine_bitcoin"; the kinds are cluster, ideas, write, image_prompts, images, link, optimize, publish and generate_site.`},
			{"import as a job", igny8.JobKeywordImport, `{"keywords": [{"keyword": "boots"}]}`, "Import keywords with POST"},
			{"unknown field", igny8.JobWrite, fmt.Sprintf(`{"task_ids": [%d], "words": 900}`, task.ID), `The job's input cannot be read: json: unknown field "words".`},
			{"wrong type", igny8.JobIdeas, `{"count": "four"}`, "The job's input cannot be read: "},
			{"no tasks", igny8.JobWrite, `{"task_ids": []}`, "/task_ids must list 1 to 100 tasks."},
			{"101 tasks", igny8.JobWrite, `{"task_ids": [` + strings.Join(ids, ",") + `]}`, "/task_ids must list 1 to 100 tasks."},
			{"21 ideas", igny8.JobIdeas, `{"count": 21}`, "/count must be 1 to 20 ideas per cluster, not 21."},
			{"negative ideas", igny8.JobIdeas, `{"count": -1}`, "/count must be 1 to 20 ideas per cluster, not -1."},
			{"unknown entity type", igny8.JobIdeas, `{"entity_types": ["podcast"]}`, `/entity_types: "podcast" is not one of post, page, product, service, taxonomy.`},
			{"6 images", igny8.JobImagePrompts, `{"content_ids": [1], "max": 6}`, "/max must be 0 to 5 in-content images, not 6."},
			{"no contents", igny8.JobImages, `{"content_ids": []}`, "/content_ids must list 1 to 100 content pieces."},
			{"incomplete brief", igny8.JobGenerateSite, `{"brief": {"name": "Trailhead"}}`, "The brief needs /brief/industry (what the business does), /brief/offer (what it sells or provides)."},
			{"13 pages", igny8.JobGenerateSite, `{"brief": {"name": "T", "industry": "gear", "offer": "boots", "pages": ["1","2","3","4","5","6","7","8","9","10","11","12","13"]}}`,
				"/brief/pages asks for 13 pages; a generated site has at most 12 (add more pages later)."},
		}
		for _, tt := range tests {
			j, err := tn.svc.StartJob(tn.ctx, tn.site.ID, tt.kind, json.RawMessage(tt.input))
			if igny8.ErrorCode(err) != igny8.EInvalid || !strings.HasPrefix(igny8.ErrorMessage(err), tt.want) {
				t.Errorf("%s: StartJob = %+v, %v; want invalid %q", tt.name, j, err, tt.want)
			}
		}
		tn.unchanged(t, "refused jobs", before) // no job, no outbox row
	})

	t.Run("prompt override", func(t *testing.T) {
		t.Parallel()
		svc := &pipeline.Service{}
		if err := svc.CheckPromptOverride(ai.PromptContent, "You write for {{.Site.Name}}.", "Write {{.Title}} for {{.TargetKeyword}}."); err != nil {
			t.Errorf("an override using the input's fields: %v", err)
		}
		err := svc.CheckPromptOverride(ai.PromptContent, "You write for {{.Site.Name}}.", "Write about {{.Topic}} in {{.WordTarget}} words.")
		msg := igny8.ErrorMessage(err)
		if igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(msg, "/user: ") || !strings.Contains(msg, "can't evaluate field Topic") || strings.Contains(msg, "/system") {
			t.Errorf("an override using a field the input lacks: %v; want invalid, naming /user and Topic only", err)
		}
		if !strings.Contains(msg, "{{.TargetKeyword}}") {
			t.Errorf("message %q does not list the input's fields", msg)
		}
	})
}
