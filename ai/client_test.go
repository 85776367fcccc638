package ai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/aitest"
	"github.com/igny8/igny8/ai/offline"
)

// fakeProvider answers chats with ChatFunc and remembers the requests.
type fakeProvider struct {
	ChatFunc  func(n int, req ai.ChatRequest) (*ai.ChatResponse, error)
	EmbedFunc func(req ai.EmbedRequest) (*ai.EmbedResponse, error)
	ImageFunc func(req ai.ImageRequest) (*ai.ImageResponse, error)

	mu       sync.Mutex
	requests []ai.ChatRequest
}

func (p *fakeProvider) Name() string { return "fake" }

func (p *fakeProvider) Chat(_ context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	p.mu.Lock()
	p.requests = append(p.requests, req)
	n := len(p.requests)
	p.mu.Unlock()
	return p.ChatFunc(n, req)
}

func (p *fakeProvider) Embed(_ context.Context, req ai.EmbedRequest) (*ai.EmbedResponse, error) {
	if p.EmbedFunc == nil {
		return nil, ai.ErrUnsupported
	}
	return p.EmbedFunc(req)
}

func (p *fakeProvider) Image(_ context.Context, req ai.ImageRequest) (*ai.ImageResponse, error) {
	return p.ImageFunc(req)
}

// answers returns a ChatFunc that answers the given contents in turn.
func answers(contents ...string) func(int, ai.ChatRequest) (*ai.ChatResponse, error) {
	return func(n int, _ ai.ChatRequest) (*ai.ChatResponse, error) {
		return &ai.ChatResponse{Content: contents[min(n, len(contents))-1], Model: "fake-1", Usage: ai.Usage{In: 100 * n, Out: 10 * n}}, nil
	}
}

// validAnswer is the offline provider's answer to prompt's sample input.
func validAnswer(t *testing.T, prompt string) string {
	t.Helper()
	in, _ := json.Marshal(aitest.Inputs("en")[prompt])
	resp, err := offline.New().Chat(t.Context(), ai.ChatRequest{Prompt: prompt, Input: in})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Content
}

type fakeOverrides struct {
	o   *igny8.PromptOverride
	err error
}

func (f fakeOverrides) PromptOverride(context.Context, string) (*igny8.PromptOverride, error) {
	return f.o, f.err
}

func clusterCall() ai.Call {
	return ai.Call{Prompt: ai.PromptClusterNames, Input: aitest.Inputs("en")[ai.PromptClusterNames], SiteID: 7, JobID: 9}
}

func TestGenerateRecordsTheCall(t *testing.T) {
	p := &fakeProvider{ChatFunc: answers(validAnswer(t, ai.PromptClusterNames))}
	rec := &aitest.Recorder{}
	c := &ai.Client{Provider: p, Recorder: rec}
	var out ai.ClusterNamesOutput
	prov, err := c.Generate(t.Context(), clusterCall(), &out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(igny8.Provenance{Provider: "fake", Model: "fake-1", Prompt: ai.PromptClusterNames, PromptVersion: "v1"}, prov); diff != "" {
		t.Errorf("provenance (-want +got):\n%s", diff)
	}
	if len(out.Clusters) != 3 {
		t.Errorf("decoded %d clusters, want 3", len(out.Clusters))
	}
	calls := rec.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d calls recorded, want 1", len(calls))
	}
	got := calls[0]
	if got.Operation != "chat" || got.Prompt != ai.PromptClusterNames || got.PromptVersion != "v1" || got.Provider != "fake" ||
		got.Model != "fake-1" || got.TokensIn != 100 || got.TokensOut != 10 || got.Outcome != igny8.CallOK ||
		got.SiteID == nil || *got.SiteID != 7 || got.JobID == nil || *got.JobID != 9 {
		t.Errorf("call recorded as %+v", got)
	}
	req := p.requests[0]
	if req.Schema.Name != ai.PromptClusterNames || !req.Schema.Strict || len(req.Schema.Schema) == 0 {
		t.Errorf("the request's schema is %+v, want the prompt's, strict", req.Schema)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Errorf("messages %+v, want system then user", req.Messages)
	}
	if !strings.Contains(req.Messages[1].Content, "hiking boots") {
		t.Errorf("the user message does not carry the keywords: %s", req.Messages[1].Content)
	}
	var in ai.ClusterNamesInput
	if err := json.Unmarshal(req.Input, &in); err != nil || len(in.Groups) != 3 || req.Prompt != ai.PromptClusterNames {
		t.Errorf("the request carries prompt %q and input %s (%v)", req.Prompt, req.Input, err)
	}
}

func TestGenerateUsesTheAccountsOverride(t *testing.T) {
	p := &fakeProvider{ChatFunc: answers(validAnswer(t, ai.PromptClusterNames))}
	rec := &aitest.Recorder{}
	c := &ai.Client{Provider: p, Recorder: rec, Overrides: fakeOverrides{o: &igny8.PromptOverride{
		Name: ai.PromptClusterNames, Version: 3,
		System: "You name clusters for {{.Site.Name}}. Answer in JSON.",
		User:   `{{range .Groups}}[{{.Index}}] {{join .Keywords " | "}}{{"\n"}}{{end}}`,
	}}}
	prov, err := c.Generate(t.Context(), clusterCall(), &ai.ClusterNamesOutput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := prov.PromptVersion, "v1+account.3"; got != want {
		t.Errorf("prompt version %q, want %q", got, want)
	}
	if got := rec.Calls()[0].PromptVersion; got != "v1+account.3" {
		t.Errorf("call recorded with prompt version %q, want v1+account.3", got)
	}
	msgs := p.requests[0].Messages
	if got, want := msgs[0].Content, "You name clusters for Trailhead Outfitters. Answer in JSON."; got != want {
		t.Errorf("system message %q, want %q", got, want)
	}
	if !strings.HasPrefix(msgs[1].Content, "[0] hiking boots | best hiking boots") {
		t.Errorf("user message %q does not come from the override", msgs[1].Content)
	}
}

func TestGenerateWithoutOverride(t *testing.T) {
	p := &fakeProvider{ChatFunc: answers(validAnswer(t, ai.PromptClusterNames))}
	c := &ai.Client{Provider: p, Overrides: fakeOverrides{err: igny8.Errorf(igny8.ENotFound, "none")}}
	prov, err := c.Generate(t.Context(), clusterCall(), &ai.ClusterNamesOutput{})
	if err != nil || prov.PromptVersion != "v1" {
		t.Fatalf("Generate = %+v, %v; want the embedded prompt v1", prov, err)
	}

	// Any other error finding the override stops the call.
	c.Overrides = fakeOverrides{err: errors.New("database down")}
	_, err = c.Generate(t.Context(), clusterCall(), &ai.ClusterNamesOutput{})
	if err == nil || !strings.Contains(err.Error(), "database down") {
		t.Errorf("err = %v, want the store's error", err)
	}
	if len(p.requests) != 1 {
		t.Errorf("%d requests, want none after the store failed", len(p.requests)-1)
	}
}

// A first answer that is not JSON gets one repair round; each request is
// recorded once, the first as invalid output.
func TestGenerateRepairsOnce(t *testing.T) {
	bad := `{"clusters": [{"index": 0, "name": "Hiking`
	p := &fakeProvider{ChatFunc: answers(bad, validAnswer(t, ai.PromptClusterNames))}
	rec := &aitest.Recorder{}
	c := &ai.Client{Provider: p, Recorder: rec}
	var out ai.ClusterNamesOutput
	if _, err := c.Generate(t.Context(), clusterCall(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Clusters) != 3 {
		t.Errorf("decoded %d clusters, want the repaired answer's 3", len(out.Clusters))
	}
	calls := rec.Calls()
	if len(calls) != 2 {
		t.Fatalf("%d calls recorded, want 2 (one per request)", len(calls))
	}
	if calls[0].Outcome != igny8.CallInvalid || !strings.Contains(calls[0].Error, "not valid JSON") || calls[0].TokensIn != 100 {
		t.Errorf("first call recorded as %+v, want invalid output with its tokens", calls[0])
	}
	if calls[1].Outcome != igny8.CallOK || calls[1].TokensIn != 200 {
		t.Errorf("second call recorded as %+v, want ok with its tokens", calls[1])
	}
	repair := p.requests[1].Messages
	if len(repair) != 4 || repair[2].Role != "assistant" || repair[2].Content != bad || repair[3].Role != "user" ||
		!strings.Contains(repair[3].Content, "not valid JSON") {
		t.Errorf("repair messages %+v: want the first two, the bad answer, and what is wrong with it", repair)
	}
}

// The caller's Check error is fed back in the repair round.
func TestGenerateFeedsBackCheckErrors(t *testing.T) {
	answer := validAnswer(t, ai.PromptClusterNames)
	p := &fakeProvider{ChatFunc: answers(answer, answer)}
	checks := 0
	call := clusterCall()
	call.Check = func(raw []byte) error {
		checks++
		if checks == 1 {
			return errors.New(`/clusters/1/name: "Tent Repair" is already a cluster of this site; choose another name`)
		}
		return nil
	}
	c := &ai.Client{Provider: p}
	if _, err := c.Generate(t.Context(), call, &ai.ClusterNamesOutput{}); err != nil {
		t.Fatal(err)
	}
	last := p.requests[1].Messages[3].Content
	if !strings.Contains(last, `"Tent Repair" is already a cluster of this site`) {
		t.Errorf("the repair message does not carry the check's error: %s", last)
	}
}

// Two bad answers fail with InvalidOutput, and out is left untouched.
func TestGenerateGivesUpAfterOneRepair(t *testing.T) {
	wrongShape := `{"clusters": [{"index": 0, "name": "X", "description": "Y", "pillar": "hiking boots", "extra": 1}]}`
	p := &fakeProvider{ChatFunc: answers(wrongShape, `not json`)}
	rec := &aitest.Recorder{}
	c := &ai.Client{Provider: p, Recorder: rec}
	out := ai.ClusterNamesOutput{Clusters: []ai.ClusterName{{Name: "before"}}}
	_, err := c.Generate(t.Context(), clusterCall(), &out)
	e, ok := ai.AsError(err)
	if !ok || e.Kind != ai.InvalidOutput || e.Retryable() {
		t.Fatalf("err = %v, want a non-retryable InvalidOutput *ai.Error", err)
	}
	if !strings.Contains(e.Message, "cluster_names") || !strings.Contains(e.Detail, "not valid JSON") {
		t.Errorf("error %q / %q does not name the prompt and the last problem", e.Message, e.Detail)
	}
	if !strings.Contains(p.requests[1].Messages[3].Content, "/clusters/0") {
		t.Errorf("the repair message does not point at the schema problem: %s", p.requests[1].Messages[3].Content)
	}
	if len(p.requests) != 2 || len(rec.Calls()) != 2 {
		t.Errorf("%d requests and %d records, want 2 and 2", len(p.requests), len(rec.Calls()))
	}
	if len(out.Clusters) != 1 || out.Clusters[0].Name != "before" {
		t.Errorf("out was changed by rejected answers: %+v", out)
	}
}

// A provider error ends the call at once, recorded by its class.
func TestGenerateRecordsFailures(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&ai.Error{Kind: ai.RateLimited, Message: "slow down", RetryAfter: time.Second}, igny8.CallRateLimited},
		{&ai.Error{Kind: ai.QuotaExhausted, Message: "pay"}, igny8.CallQuota},
		{&ai.Error{Kind: ai.Refused, Message: "no"}, igny8.CallRefused},
		{&ai.Error{Kind: ai.BadRequest, Message: "bad"}, igny8.CallBadRequest},
		{&ai.Error{Kind: ai.Unavailable, Message: "down"}, igny8.CallUnavailable},
		{context.Canceled, igny8.CallCancelled},
		{errors.New("boom"), igny8.CallUnavailable},
	} {
		p := &fakeProvider{ChatFunc: func(int, ai.ChatRequest) (*ai.ChatResponse, error) { return nil, tt.err }}
		rec := &aitest.Recorder{}
		c := &ai.Client{Provider: p, Recorder: rec}
		_, err := c.Generate(t.Context(), clusterCall(), &ai.ClusterNamesOutput{})
		if !errors.Is(err, tt.err) {
			t.Errorf("err = %v, want %v passed through", err, tt.err)
		}
		if calls := rec.Calls(); len(calls) != 1 || calls[0].Outcome != tt.want || calls[0].Error == "" {
			t.Errorf("%v recorded as %+v, want one %s call", tt.err, calls, tt.want)
		}
		if len(p.requests) != 1 {
			t.Errorf("%v: %d requests, want 1 (no repair round for a failure)", tt.err, len(p.requests))
		}
	}
}

func TestGenerateUnknownPrompt(t *testing.T) {
	c := &ai.Client{Provider: &fakeProvider{}}
	_, err := c.Generate(t.Context(), ai.Call{Prompt: "nope"}, &struct{}{})
	if igny8.ErrorCode(err) != igny8.ENotFound || !strings.Contains(igny8.ErrorMessage(err), "cluster_names") {
		t.Errorf("err = %v, want not_found listing the prompts", err)
	}
}

func TestEmbed(t *testing.T) {
	rec := &aitest.Recorder{}
	p := &fakeProvider{}
	c := &ai.Client{Provider: p, Recorder: rec}
	if _, _, err := c.Embed(t.Context(), ai.EmbedCall{Inputs: []string{"a"}}); !errors.Is(err, ai.ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
	if n := len(rec.Calls()); n != 0 {
		t.Errorf("an unsupported operation was recorded %d times", n)
	}

	p.EmbedFunc = func(req ai.EmbedRequest) (*ai.EmbedResponse, error) {
		return &ai.EmbedResponse{Vectors: [][]float32{{1, 0}}, Model: "emb", Usage: ai.Usage{In: 2}}, nil
	}
	_, _, err := c.Embed(t.Context(), ai.EmbedCall{Inputs: []string{"a", "b"}})
	if e, ok := ai.AsError(err); !ok || e.Kind != ai.InvalidOutput {
		t.Errorf("one vector for two inputs: err = %v, want InvalidOutput", err)
	}
	vs, model, err := c.Embed(t.Context(), ai.EmbedCall{Inputs: []string{"a"}, SiteID: 3})
	if err != nil || len(vs) != 1 || model != "emb" {
		t.Errorf("Embed = %v, %q, %v", vs, model, err)
	}
	calls := rec.Calls()
	if len(calls) != 2 || calls[0].Outcome != igny8.CallInvalid || calls[1].Outcome != igny8.CallOK || calls[1].Operation != "embedding" || *calls[1].SiteID != 3 {
		t.Errorf("calls recorded: %+v", calls)
	}
}

func TestImage(t *testing.T) {
	rec := &aitest.Recorder{}
	p := &fakeProvider{ImageFunc: func(req ai.ImageRequest) (*ai.ImageResponse, error) {
		return &ai.ImageResponse{}, nil
	}}
	c := &ai.Client{Provider: p, Recorder: rec}
	if _, _, err := c.Image(t.Context(), ai.ImageCall{Prompt: "x"}); err == nil {
		t.Error("an empty image was accepted")
	}
	p.ImageFunc = func(ai.ImageRequest) (*ai.ImageResponse, error) {
		return nil, fmt.Errorf("no images: %w", ai.ErrUnsupported)
	}
	if _, _, err := c.Image(t.Context(), ai.ImageCall{Prompt: "x"}); !errors.Is(err, ai.ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
	p.ImageFunc = func(req ai.ImageRequest) (*ai.ImageResponse, error) {
		return &ai.ImageResponse{Data: []byte{1}, ContentType: "image/png", Width: req.Width, Height: req.Height, Model: "img", Offline: true}, nil
	}
	resp, prov, err := c.Image(t.Context(), ai.ImageCall{Prompt: "x", Width: 10, Height: 20})
	if err != nil || resp.Width != 10 || prov.Model != "img" || !prov.Offline || prov.Prompt != "image" {
		t.Errorf("Image = %+v, %+v, %v", resp, prov, err)
	}
	if calls := rec.Calls(); len(calls) != 2 || calls[0].Outcome != igny8.CallInvalid || calls[1].Outcome != igny8.CallOK {
		t.Errorf("calls recorded: %+v", calls)
	}
}

func TestRetryable(t *testing.T) {
	for _, tt := range []struct {
		err   error
		retry bool
		after time.Duration
	}{
		{&ai.Error{Kind: ai.RateLimited, RetryAfter: 3 * time.Second}, true, 3 * time.Second},
		{&ai.Error{Kind: ai.Unavailable}, true, 0},
		{&ai.Error{Kind: ai.QuotaExhausted}, false, 0},
		{&ai.Error{Kind: ai.InvalidOutput}, false, 0},
		{errors.New("x"), false, 0},
	} {
		retry, after := ai.Retryable(tt.err)
		if retry != tt.retry || after != tt.after {
			t.Errorf("Retryable(%v) = %v, %v; want %v, %v", tt.err, retry, after, tt.retry, tt.after)
		}
	}
	e := &ai.Error{Kind: ai.BadRequest, Message: "The model does not exist.", Detail: "HTTP 404"}
	if got, want := e.Error(), "bad_request: The model does not exist. (HTTP 404)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
