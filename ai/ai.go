// Package ai is what the content pipeline knows of AI providers: a narrow
// Provider interface (chat with a JSON Schema structured output,
// embeddings, images), the error classes that decide whether a job retries,
// the embedded versioned prompts, and Client, which renders a prompt,
// calls the provider, checks the answer against the prompt's schema (and
// the caller's own check) with one repair round, and records every call.
//
// Operations never see HTTP: ai/openai adapts OpenAI-compatible APIs and
// ai/offline generates deterministic demonstration content without a
// network.
package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Provider is an AI backend. Implementations are safe for concurrent use
// and never retry on their own: the job system owns retries, so one
// logical operation is never silently sent twice.
type Provider interface {
	// Name names the provider for records and logs: "openai", "azure",
	// "openrouter", "offline"…
	Name() string
	// Chat asks for one completion whose content is JSON matching
	// req.Schema.
	Chat(ctx context.Context, req ChatRequest) (*ChatResponse, error)
	// Embed returns one vector per input, or an error wrapping
	// ErrUnsupported when the provider has no embeddings.
	Embed(ctx context.Context, req EmbedRequest) (*EmbedResponse, error)
	// Image generates one image.
	Image(ctx context.Context, req ImageRequest) (*ImageResponse, error)
}

// ErrUnsupported is wrapped by errors of operations a provider does not
// offer (the offline provider has no embeddings).
var ErrUnsupported = errors.New("not supported by this provider")

// Message is one chat message.
type Message struct {
	Role    string `json:"role"` // system, user, assistant
	Content string `json:"content"`
}

// Schema is a JSON Schema for a structured output.
type Schema struct {
	Name   string          // [a-zA-Z0-9_-], at most 64 characters
	Schema json.RawMessage // the JSON Schema document
	// Strict asks the provider to enforce the schema exactly (OpenAI's
	// strict mode); the schema must then meet strict mode's rules.
	Strict bool
}

// ChatRequest is one chat completion.
type ChatRequest struct {
	// Prompt names the prompt the messages were rendered from, and Input
	// is the prompt's input as JSON: the offline provider generates from
	// it instead of reading the messages.
	Prompt      string
	Input       json.RawMessage
	Messages    []Message
	Schema      Schema
	MaxTokens   int      // 0: the provider's default
	Temperature *float64 // nil: the provider's default
}

// Usage counts tokens.
type Usage struct {
	In  int `json:"in"`
	Out int `json:"out"`
}

// ChatResponse is a completion.
type ChatResponse struct {
	Content string // the JSON text
	Model   string // the model that answered, as the provider reports it
	Usage   Usage
	// Offline is set when the content is demonstration content made
	// without a model.
	Offline bool
}

// EmbedRequest asks for embeddings of Inputs.
type EmbedRequest struct {
	Inputs []string
}

// EmbedResponse holds one vector per input, in order.
type EmbedResponse struct {
	Vectors [][]float32
	Model   string
	Usage   Usage
}

// ImageRequest asks for one image.
type ImageRequest struct {
	Prompt string
	Width  int
	Height int
}

// ImageResponse is a generated image.
type ImageResponse struct {
	Data        []byte
	ContentType string // image/png, image/webp, image/jpeg
	Width       int
	Height      int
	Model       string
	Offline     bool
}

// Kind classifies a provider failure by what should happen next.
type Kind string

// Kinds of failure.
const (
	// RateLimited: retry later, after RetryAfter when the provider said.
	RateLimited Kind = "rate_limited"
	// Unavailable: a 5xx, a timeout or a broken connection; retry with
	// backoff.
	Unavailable Kind = "unavailable"
	// QuotaExhausted: the provider account has no quota left; retrying
	// cannot help until an operator acts.
	QuotaExhausted Kind = "quota_exhausted"
	// BadRequest: the provider refused the request as malformed (a wrong
	// model name, a bad key, a schema it cannot use).
	BadRequest Kind = "bad_request"
	// Refused: the model or its content filter declined the content.
	Refused Kind = "refused"
	// InvalidOutput: the answer was not JSON matching the schema, even
	// after the repair round.
	InvalidOutput Kind = "invalid_output"
)

// Error is a classified provider failure. Message is safe to show a site
// owner; Detail is for operators (logs and call records).
type Error struct {
	Kind       Kind
	Message    string
	Detail     string
	Status     int           // HTTP status, when there was one
	RetryAfter time.Duration // from Retry-After, when the provider sent it
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Kind, e.Message, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

// Retryable reports whether trying the same call again later may succeed.
func (e *Error) Retryable() bool { return e.Kind == RateLimited || e.Kind == Unavailable }

// AsError returns err's *Error, if it has one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Retryable reports whether err is a provider failure worth retrying, and
// after how long at least (0: the job system's own backoff).
func Retryable(err error) (bool, time.Duration) {
	if e, ok := AsError(err); ok {
		return e.Retryable(), e.RetryAfter
	}
	return false, 0
}

// RetryDelay is how long the provider asked to wait before a retry (its
// Retry-After), 0 when it did not say.
func (e *Error) RetryDelay() time.Duration { return e.RetryAfter }

// UserMessage is the sentence a site owner sees.
func (e *Error) UserMessage() string { return e.Message }
