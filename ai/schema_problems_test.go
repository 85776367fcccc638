package ai

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// enumProvider answers every chat with ideas whose entity type is not in
// the schema's enum.
type enumProvider struct{ requests []ChatRequest }

func (p *enumProvider) Name() string { return "enum" }
func (p *enumProvider) Chat(_ context.Context, req ChatRequest) (*ChatResponse, error) {
	p.requests = append(p.requests, req)
	out := IdeasOutput{Ideas: []IdeaOutput{{Title: "T", Angle: "A", Outline: []string{"a", "b"}, TargetKeyword: "k",
		SecondaryKeywords: []string{}, Intent: "informational", EntityType: "novel", EstimatedWords: 800}}}
	b, _ := json.Marshal(out)
	return &ChatResponse{Content: string(b), Model: "m"}, nil
}
func (p *enumProvider) Embed(context.Context, EmbedRequest) (*EmbedResponse, error) {
	return nil, ErrUnsupported
}
func (p *enumProvider) Image(context.Context, ImageRequest) (*ImageResponse, error) {
	return nil, ErrUnsupported
}

// A value outside an enum is reported in words (it once panicked on a nil
// printer), sent back in the repair round, and fails the call after it.
func TestEnumViolationIsRepairedThenRefused(t *testing.T) {
	p := &enumProvider{}
	c := &Client{Provider: p}
	var out IdeasOutput
	_, err := c.Generate(context.Background(), Call{Prompt: PromptIdeas, Input: &IdeasInput{Count: 1}}, &out)
	e, ok := AsError(err)
	if !ok || e.Kind != InvalidOutput {
		t.Fatalf("err = %v, want an InvalidOutput *Error", err)
	}
	if len(p.requests) != 2 {
		t.Fatalf("%d requests, want 2 (one repair)", len(p.requests))
	}
	repair := p.requests[1].Messages[len(p.requests[1].Messages)-1].Content
	if !strings.Contains(repair, "/ideas/0/entity_type") {
		t.Errorf("the repair message does not point at the bad field: %s", repair)
	}
}
