package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/pipeline"
)

// rewriter answers every prompt like the offline provider, except the
// optimize prompt: its answers come from script, one per request (the
// last one again when they run out), each given the request's input.
type rewriter struct {
	offline.Provider
	script []func(in *ai.OptimizeInput) ai.OptimizeOutput
	mu     sync.Mutex
	n      int
}

func (r *rewriter) Name() string { return "scripted" }

func (r *rewriter) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	if req.Prompt != ai.PromptOptimize {
		return r.Provider.Chat(ctx, req)
	}
	var in ai.OptimizeInput
	if err := json.Unmarshal(req.Input, &in); err != nil {
		return nil, err
	}
	r.mu.Lock()
	answer := r.script[min(r.n, len(r.script)-1)]
	r.n++
	r.mu.Unlock()
	out, err := json.Marshal(answer(&in))
	if err != nil {
		return nil, err
	}
	return &ai.ChatResponse{Content: string(out), Model: "scripted-1"}, nil
}

// firstText is the first richtext block of the input's page and its text.
func firstText(t *testing.T, in *ai.OptimizeInput) (id, md string) {
	var page struct {
		Blocks []struct {
			ID, Type string
			Props    map[string]any
		}
	}
	if err := json.Unmarshal(in.Page, &page); err != nil {
		t.Error(err)
	}
	for _, b := range page.Blocks {
		if s, ok := b.Props["markdown"].(string); ok && b.Type == "richtext" {
			return b.ID, s
		}
	}
	t.Error("the page has no richtext block")
	return "", ""
}

// The AI model rewrites the texts the failing checks name; its edits are
// applied to the blocks the page has, checked, and kept when the page
// scores higher. An answer that does not apply gets a repair round; two
// bad answers leave the rule-based fixes.
func TestOptimizeAIRewrite(t *testing.T) {
	t.Parallel()
	d := openDB(t)
	const sentence = "Our editors tested every pair on long days in the hills."
	good := func(in *ai.OptimizeInput) ai.OptimizeOutput {
		id, md := firstText(t, in)
		meta := fmt.Sprintf("%s: what to look for, how to try them on and how to care for them, from the people who test them on the trail.", strings.ToUpper(in.Keyword[:1])+in.Keyword[1:])
		return ai.OptimizeOutput{MetaDescription: meta, Edits: []ai.TextEdit{{Block: id, Prop: "/markdown", Text: md + "\n\n" + sentence}}}
	}
	noBlock := func(in *ai.OptimizeInput) ai.OptimizeOutput {
		return ai.OptimizeOutput{Edits: []ai.TextEdit{{Block: "nope", Prop: "/markdown", Text: "x"}}}
	}
	newLink := func(in *ai.OptimizeInput) ai.OptimizeOutput {
		id, md := firstText(t, in)
		return ai.OptimizeOutput{Edits: []ai.TextEdit{{Block: id, Prop: "/markdown", Text: md + " See [this](page:elsewhere)."}}}
	}
	for _, tt := range []struct {
		name     string
		script   []func(*ai.OptimizeInput) ai.OptimizeOutput
		provider string   // of the optimization kept
		outcomes []string // of the job's optimize calls
		rewrite  bool     // the page has the model's sentence
	}{
		{"rewrite kept", []func(*ai.OptimizeInput) ai.OptimizeOutput{good}, "scripted", []string{igny8.CallOK}, true},
		{"repaired", []func(*ai.OptimizeInput) ai.OptimizeOutput{noBlock, good}, "scripted", []string{igny8.CallInvalid, igny8.CallOK}, true},
		{"unusable: rules only", []func(*ai.OptimizeInput) ai.OptimizeOutput{newLink}, "rules", []string{igny8.CallInvalid, igny8.CallInvalid}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := d.newTenant(t, 1000)
			p := &rewriter{script: tt.script}
			h := tn.handler(t, p, nil)
			var wr pipeline.WriteResult
			tn.mustSucceed(t, h, tn.startJob(t, igny8.JobWrite, pipeline.WriteInput{TaskIDs: taskIDs(tn.tasks(t, 1, 600))}).ID, &wr)
			j := tn.startJob(t, igny8.JobOptimize, pipeline.OptimizeInput{ContentIDs: wr.Contents})
			var res pipeline.OptimizeResult
			tn.mustSucceed(t, h, j.ID, &res)
			if len(res.Optimizations) != 1 {
				t.Fatalf("optimize result %+v", res)
			}
			o, err := tn.db.Optimization(tn.ctx, tn.site.ID, res.Optimizations[0])
			if err != nil {
				t.Fatal(err)
			}
			if o.Provider != tt.provider || !o.Kept || o.ScoreAfter <= o.ScoreBefore {
				t.Errorf("optimization by %q, kept %v, %d → %d; want %q, kept, higher", o.Provider, o.Kept, o.ScoreBefore, o.ScoreAfter, tt.provider)
			}
			var outcomes []string
			for _, c := range tn.calls(t, j.ID) {
				if c.Prompt == ai.PromptOptimize {
					outcomes = append(outcomes, c.Outcome)
				}
			}
			if fmt.Sprint(outcomes) != fmt.Sprint(tt.outcomes) {
				t.Errorf("optimize calls %v, want %v", outcomes, tt.outcomes)
			}
			c, err := tn.db.Content(tn.ctx, tn.site.ID, wr.Contents[0])
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(c.Page), sentence); got != tt.rewrite {
				t.Errorf("the content has the model's sentence: %v, want %v", got, tt.rewrite)
			}
			if strings.Contains(string(c.Page), "page:elsewhere") {
				t.Error("the model's new link reached the content")
			}
			var before, after struct{ Blocks []struct{ ID, Type string } }
			json.Unmarshal(o.PageBefore, &before)
			json.Unmarshal(o.PageAfter, &after)
			if fmt.Sprint(before.Blocks) != fmt.Sprint(after.Blocks) {
				t.Errorf("the blocks changed: %v → %v", before.Blocks, after.Blocks)
			}
		})
	}
}
