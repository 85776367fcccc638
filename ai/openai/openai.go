// Package openai is the ai.Provider for OpenAI's API and the APIs that
// copy it: Azure OpenAI, OpenRouter, Ollama, vLLM and LM Studio (Config
// Flavor). It uses the official github.com/openai/openai-go library with
// its retries off, since the job system owns retries: one logical call is
// one HTTP request.
//
// Chat asks for structured output: response_format json_schema with the
// prompt's schema, strict (or, for models without JSON Schema support,
// json_object with the schema in the system message; Config.JSONMode).
// Failures become *ai.Error values whose Kind says whether to retry:
// rate limits (with the provider's Retry-After), exhausted quota, bad
// requests and bad keys, content-filter refusals, and unavailability
// (5xx, timeouts, broken connections). The caller's own cancellation
// passes through as context.Canceled.
package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/igny8/igny8/ai"
)

// Provider talks to one OpenAI-compatible API. It is safe for concurrent
// use.
type Provider struct {
	cfg    Config
	chat   oai.ChatCompletionService
	embed  oai.EmbeddingService
	images oai.ImageService
}

var _ ai.Provider = (*Provider)(nil)

// New returns a provider for cfg, with its defaults set, or an error
// saying what in cfg is wrong.
func New(cfg Config) (*Provider, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	// The services are built without the library's client defaults, which
	// read OPENAI_* environment variables: this provider is configured by
	// Config alone.
	opts := []option.RequestOption{
		option.WithHTTPClient(hc),
		option.WithRequestTimeout(cfg.Timeout),
	}
	switch cfg.Flavor {
	case FlavorAzure:
		opts = append(opts, azure.WithEndpoint(cfg.BaseURL, cfg.AzureAPIVersion), azure.WithAPIKey(cfg.APIKey))
		if u, _ := url.Parse(cfg.BaseURL); u.Scheme == "http" {
			// Validate allows plain HTTP on loopback only, for development.
			opts = append(opts, azure.WithUnsafeAllowHTTP())
		}
	default:
		opts = append(opts, option.WithBaseURL(cfg.BaseURL+"/"))
		if cfg.APIKey != "" {
			opts = append(opts, option.WithAPIKey(cfg.APIKey))
		}
	}
	if cfg.Flavor == FlavorOpenRouter {
		if cfg.AppURL != "" {
			opts = append(opts, option.WithHeader("HTTP-Referer", cfg.AppURL))
		}
		opts = append(opts, option.WithHeader("X-Title", cfg.AppName))
	}
	// Last, so nothing above can turn retries back on.
	opts = append(opts, option.WithMaxRetries(0))
	return &Provider{
		cfg:    cfg,
		chat:   oai.NewChatCompletionService(opts...),
		embed:  oai.NewEmbeddingService(opts...),
		images: oai.NewImageService(opts...),
	}, nil
}

// Name reports the flavor: "openai", "azure", "openrouter", "ollama",
// "vllm" or "lmstudio".
func (p *Provider) Name() string { return p.cfg.Flavor }

// Config returns the provider's configuration, with defaults set.
func (p *Provider) Config() Config { return p.cfg }

// Chat asks for one completion whose content is JSON for req.Schema.
func (p *Provider) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	msgs := req.Messages
	var format oai.ChatCompletionNewParamsResponseFormatUnion
	var extra []option.RequestOption
	if p.cfg.JSONMode == JSONObject {
		msgs = withSchemaInstruction(msgs, req.Schema)
		format.OfJSONObject = &shared.ResponseFormatJSONObjectParam{}
	} else {
		format.OfJSONSchema = &shared.ResponseFormatJSONSchemaParam{JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
			Name:   req.Schema.Name,
			Schema: json.RawMessage(req.Schema.Schema),
			Strict: oai.Bool(req.Schema.Strict),
		}}
		if p.cfg.Flavor == FlavorOpenRouter {
			// Route only to upstream providers that honour response_format.
			extra = append(extra, option.WithJSONSet("provider.require_parameters", true))
		}
	}
	params := oai.ChatCompletionNewParams{Model: p.cfg.ChatModel, Messages: toParams(msgs), ResponseFormat: format}
	if req.MaxTokens > 0 {
		if p.cfg.Flavor == FlavorOpenAI || p.cfg.Flavor == FlavorAzure {
			// OpenAI's newer models take only max_completion_tokens.
			params.MaxCompletionTokens = oai.Int(int64(req.MaxTokens))
		} else {
			params.MaxTokens = oai.Int(int64(req.MaxTokens))
		}
	}
	if req.Temperature != nil {
		params.Temperature = oai.Float(*req.Temperature)
	}
	var raw *http.Response
	resp, err := p.chat.New(ctx, params, append(extra, option.WithResponseInto(&raw))...)
	if err != nil {
		return nil, p.classify(ctx, "chat", err, raw)
	}
	if len(resp.Choices) == 0 {
		return nil, &ai.Error{Kind: ai.Unavailable, Message: "The AI provider answered without a completion; the job will try again.",
			Detail: fmt.Sprintf("%s chat: no choices in the response (model %q)", p.Name(), resp.Model)}
	}
	choice := resp.Choices[0]
	switch {
	case choice.Message.Refusal != "":
		return nil, &ai.Error{Kind: ai.Refused,
			Message: "The AI model declined to write this content; rephrase the topic or its wording and try again.",
			Detail:  fmt.Sprintf("%s chat: refusal: %s", p.Name(), truncate(choice.Message.Refusal, 500))}
	case choice.FinishReason == "content_filter":
		return nil, &ai.Error{Kind: ai.Refused,
			Message: "The AI provider's content filter stopped this answer; rephrase the topic or its wording and try again.",
			Detail:  fmt.Sprintf("%s chat: finish_reason content_filter", p.Name())}
	case choice.FinishReason == "length":
		return nil, &ai.Error{Kind: ai.InvalidOutput,
			Message: "The AI model's answer was cut off at its length limit; ask for less, or an operator can choose a model with a larger output limit.",
			Detail:  fmt.Sprintf("%s chat: finish_reason length after %d output tokens", p.Name(), resp.Usage.CompletionTokens)}
	}
	model := resp.Model
	if model == "" {
		model = p.cfg.ChatModel
	}
	return &ai.ChatResponse{
		Content: cleanJSON(choice.Message.Content),
		Model:   model,
		Usage:   ai.Usage{In: int(resp.Usage.PromptTokens), Out: int(resp.Usage.CompletionTokens)},
	}, nil
}

func toParams(msgs []ai.Message) []oai.ChatCompletionMessageParamUnion {
	out := make([]oai.ChatCompletionMessageParamUnion, 0, len(msgs))
	for _, m := range msgs {
		switch m.Role {
		case "system":
			out = append(out, oai.SystemMessage(m.Content))
		case "assistant":
			out = append(out, oai.AssistantMessage(m.Content))
		default:
			out = append(out, oai.UserMessage(m.Content))
		}
	}
	return out
}

// withSchemaInstruction adds the schema to the system message, for JSON
// object mode, where the provider does not see it otherwise.
func withSchemaInstruction(msgs []ai.Message, s ai.Schema) []ai.Message {
	note := "Answer with one JSON object, and nothing else, that matches this JSON Schema:\n" + string(s.Schema)
	out := append([]ai.Message(nil), msgs...)
	for i, m := range out {
		if m.Role == "system" {
			out[i].Content = m.Content + "\n\n" + note
			return out
		}
	}
	return append([]ai.Message{{Role: "system", Content: note}}, out...)
}

// cleanJSON removes what models put around JSON even when asked not to:
// a reasoning block (<think>…</think>) and Markdown code fences.
func cleanJSON(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<think>") {
		if i := strings.Index(s, "</think>"); i >= 0 {
			s = strings.TrimSpace(s[i+len("</think>"):])
		}
	}
	if strings.HasPrefix(s, "```") {
		if nl := strings.IndexByte(s, '\n'); nl >= 0 {
			s = s[nl+1:]
		}
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "```"))
	}
	return s
}
