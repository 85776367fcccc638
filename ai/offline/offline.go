// Package offline is an ai.Provider that needs no network and no API key:
// it generates demonstration content from each prompt's input with
// phrase banks in English, German, French and Spanish (chosen by the
// site locale's primary subtag; English for any other), and draws
// abstract illustrations as PNG images.
//
// It is deterministic: the same input gives the same bytes, and a hash of
// the input varies the phrasing so that pages do not all read alike.
// Every answer is marked Offline, so what it makes is labelled as
// demonstration content. It has no embeddings; callers fall back to
// lexical methods.
package offline

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/igny8/igny8/ai"
)

// Model is the model name the offline provider reports.
const Model = "igny8-offline-1"

// Provider is the offline provider. The zero value is ready to use and
// safe for concurrent use.
type Provider struct{}

var _ ai.Provider = (*Provider)(nil)

// New returns an offline provider.
func New() *Provider { return &Provider{} }

// Name returns "offline".
func (*Provider) Name() string { return "offline" }

// generators makes each prompt's Output from its Input.
var generators = map[string]func(in json.RawMessage, r *rng) (any, error){
	ai.PromptClusterNames:  decodeAnd(clusterNames),
	ai.PromptIdeas:         decodeAnd(ideas),
	ai.PromptContent:       decodeAnd(content),
	ai.PromptImagePrompts:  decodeAnd(imagePrompts),
	ai.PromptSiteStructure: decodeAnd(siteStructure),
	ai.PromptSitePage:      decodeAnd(sitePage),
	ai.PromptOptimize:      decodeAnd(optimize),
}

func decodeAnd[In, Out any](gen func(*In, *rng) *Out) func(json.RawMessage, *rng) (any, error) {
	return func(raw json.RawMessage, r *rng) (any, error) {
		in := new(In)
		if err := json.Unmarshal(raw, in); err != nil {
			return nil, err
		}
		return gen(in, r), nil
	}
}

// Chat generates the answer to req.Prompt from req.Input; the messages
// are not read (an account's prompt override changes nothing offline).
func (*Provider) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	gen, ok := generators[req.Prompt]
	if !ok {
		return nil, &ai.Error{Kind: ai.BadRequest,
			Message: fmt.Sprintf("The offline AI provider cannot answer the %q prompt.", req.Prompt),
			Detail:  "offline: no generator for prompt " + req.Prompt}
	}
	out, err := gen(req.Input, newRNG(req.Prompt, string(req.Input)))
	if err != nil {
		return nil, &ai.Error{Kind: ai.BadRequest,
			Message: fmt.Sprintf("The input of the %s prompt is not valid.", req.Prompt),
			Detail:  fmt.Sprintf("offline: decode %s input: %v", req.Prompt, err)}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("offline: encode %s answer: %w", req.Prompt, err)
	}
	in := 0
	for _, m := range req.Messages {
		in += countWords(m.Content)
	}
	if in == 0 {
		in = countWords(string(req.Input))
	}
	return &ai.ChatResponse{
		Content: string(b),
		Model:   Model,
		Usage:   ai.Usage{In: in, Out: countWords(string(b))},
		Offline: true,
	}, nil
}

// Embed is not supported offline: the error wraps ai.ErrUnsupported.
func (*Provider) Embed(ctx context.Context, _ ai.EmbedRequest) (*ai.EmbedResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("offline provider: embeddings: %w", ai.ErrUnsupported)
}
