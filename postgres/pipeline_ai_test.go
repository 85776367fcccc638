package postgres_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

func TestAICallsAndUsage(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	job := int64(7)
	calls := []*igny8.AICall{
		{Operation: "chat", Prompt: "cluster", PromptVersion: "1", Provider: "openai", Model: "gpt-a", TokensIn: 100, TokensOut: 50, LatencyMS: 900, Outcome: igny8.CallOK, SiteID: &p.site.ID, JobID: &job},
		{Operation: "chat", Prompt: "ideas", Provider: "openai", Model: "gpt-a", TokensIn: 10, TokensOut: 0, Outcome: igny8.CallRateLimited, Error: "429", SiteID: &p.site.ID},
		{Operation: "image", Provider: "openai", Model: "gpt-image", TokensOut: 1, Outcome: igny8.CallOK},
		{Operation: "chat", Provider: "offline", Model: "offline-1", TokensIn: 5, TokensOut: 5, Outcome: igny8.CallOK},
	}
	for _, c := range calls {
		if err := p.db.RecordAICall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	alpha, _ := igny8.ActorFrom(ctx)
	if c := calls[0]; c.ID == 0 || c.AccountID != alpha.AccountID || c.CreatedAt.IsZero() || *c.JobID != 7 || c.LatencyMS != 900 {
		t.Errorf("recorded call = %+v", c)
	}
	usage, err := p.db.AIUsage(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []igny8.AIUsage{
		{Provider: "offline", Model: "offline-1", Calls: 1, TokensIn: 5, TokensOut: 5},
		{Provider: "openai", Model: "gpt-a", Calls: 2, Failed: 1, TokensIn: 110, TokensOut: 50},
		{Provider: "openai", Model: "gpt-image", Calls: 1, TokensOut: 1},
	}
	if !slices.Equal(usage, want) {
		t.Errorf("usage:\n got %+v\nwant %+v", usage, want)
	}
	if later, _ := p.db.AIUsage(ctx, time.Now().Add(time.Hour), time.Time{}); len(later) != 0 {
		t.Errorf("usage from an hour on: %+v", later)
	}
	if earlier, _ := p.db.AIUsage(ctx, time.Time{}, time.Now().Add(-time.Hour)); len(earlier) != 0 {
		t.Errorf("usage until an hour ago: %+v", earlier)
	}
	if all, _ := p.db.AIUsage(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)); len(all) != 3 {
		t.Errorf("usage within the hour: %+v", all)
	}

	site, err := p.db.AICalls(ctx, &p.site.ID, 0, 0)
	if err != nil || len(site) != 2 || site[0].ID != calls[0].ID {
		t.Errorf("the site's calls: %v, %v", site, err)
	}
	if page, _ := p.db.AICalls(ctx, nil, calls[0].ID, 2); len(page) != 2 || page[0].ID != calls[1].ID || page[1].ID != calls[2].ID {
		t.Errorf("calls after the first, limit 2: %v", page)
	}
	// Beta's usage is its own.
	if err := p.db.RecordAICall(p.beta, &igny8.AICall{Operation: "chat", Provider: "openai", Model: "gpt-a", TokensIn: 1000, Outcome: igny8.CallOK}); err != nil {
		t.Fatal(err)
	}
	if again, _ := p.db.AIUsage(ctx, time.Time{}, time.Time{}); !slices.Equal(again, want) {
		t.Errorf("alpha's usage after beta's call: %+v", again)
	}
	wantCode(t, "a call with no outcome", p.db.RecordAICall(ctx, &igny8.AICall{Operation: "chat", Provider: "x"}), igny8.EInvalid)
	wantCode(t, "an unknown operation", p.db.RecordAICall(ctx, &igny8.AICall{Operation: "dance", Provider: "x", Outcome: igny8.CallOK}), igny8.EInvalid)
}

func TestPromptOverrides(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	_, err := p.db.PromptOverride(ctx, "ideas")
	wantMessage(t, "no override", err, igny8.ENotFound, `The account has no override of prompt "ideas".`)

	alpha, _ := igny8.ActorFrom(ctx)
	for i, user := range []string{"v1 {{.Cluster}}", "v2 {{.Cluster}}", "v3 {{.Cluster}}"} {
		o := &igny8.PromptOverride{Name: "ideas", System: "sys", User: user}
		if err := p.db.PutPromptOverride(ctx, o); err != nil {
			t.Fatal(err)
		}
		if o.Version != i+1 || o.ID == 0 || o.CreatedBy == nil || *o.CreatedBy != alpha.UserID || o.AccountID != alpha.AccountID {
			t.Errorf("put %d = %+v", i+1, o)
		}
	}
	w := &igny8.PromptOverride{Name: "write", User: "write it"}
	if err := p.db.PutPromptOverride(ctx, w); err != nil || w.Version != 1 {
		t.Fatalf("put write: %+v, %v", w, err)
	}
	got, err := p.db.PromptOverride(ctx, "ideas")
	if err != nil || got.Version != 3 || got.User != "v3 {{.Cluster}}" || got.System != "sys" {
		t.Errorf("newest ideas override = %+v, %v", got, err)
	}
	list, err := p.db.PromptOverrides(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range list {
		names = append(names, fmt.Sprintf("%s@%d", o.Name, o.Version))
	}
	if !slices.Equal(names, []string{"ideas@3", "write@1"}) {
		t.Errorf("overrides: %v", names)
	}

	// Beta has none of alpha's, and cannot delete them.
	_, err = p.db.PromptOverride(p.beta, "ideas")
	wantCode(t, "beta's override", err, igny8.ENotFound)
	if n, err := p.db.DeletePromptOverrides(p.beta, "ideas"); n != 0 || err != nil {
		t.Errorf("beta deleted %d, %v", n, err)
	}
	if err := p.db.PutPromptOverride(p.beta, &igny8.PromptOverride{Name: "ideas", User: "beta's"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.db.PromptOverride(ctx, "ideas"); got.Version != 3 {
		t.Errorf("alpha's ideas override after beta's put: %+v", got)
	}

	n, err := p.db.DeletePromptOverrides(ctx, "ideas")
	if err != nil || n != 3 {
		t.Errorf("delete: %d, %v", n, err)
	}
	_, err = p.db.PromptOverride(ctx, "ideas")
	wantCode(t, "after the reset", err, igny8.ENotFound)
	// The next override starts again at 1.
	o := &igny8.PromptOverride{Name: "ideas", User: "fresh"}
	if err := p.db.PutPromptOverride(ctx, o); err != nil || o.Version != 1 {
		t.Errorf("put after reset: %+v, %v", o, err)
	}
	wantCode(t, "an empty user text", p.db.PutPromptOverride(ctx, &igny8.PromptOverride{Name: "ideas"}), igny8.EInvalid)
}
