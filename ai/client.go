package ai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/igny8/igny8"
)

// Recorder stores call records (postgres.DB implements it). It acts for
// the account of the actor in ctx.
type Recorder interface {
	RecordAICall(ctx context.Context, c *igny8.AICall) error
}

// Overrides finds an account's override of a prompt (postgres.DB
// implements it): the newest one, or an error with code not_found.
type Overrides interface {
	PromptOverride(ctx context.Context, name string) (*igny8.PromptOverride, error)
}

// Client runs prompts against a Provider.
type Client struct {
	Provider  Provider
	Recorder  Recorder  // optional
	Overrides Overrides // optional
	Logger    *slog.Logger
	Now       func() time.Time
}

// Call is one prompt to run.
type Call struct {
	Prompt string // a Prompt* name
	Input  any    // the prompt's Input type
	SiteID int64  // for the record; 0 = none
	JobID  int64  // for the record; 0 = none
	// Check is the caller's own check of a schema-valid answer (the
	// blueprint validator, say). Its error's text is fed back to the model
	// in the repair round, so it should say what is wrong and where.
	Check func(raw []byte) error
}

// Generate renders the prompt (the account's override, if it has one),
// asks the provider, and decodes the answer into out. An answer that is not
// JSON, does not match the schema or fails call.Check gets one repair
// round: the answer and its problems are sent back and the model asked to
// fix them. A second bad answer is an *Error of kind InvalidOutput. Every
// provider request is recorded.
func (c *Client) Generate(ctx context.Context, call Call, out any) (igny8.Provenance, error) {
	p, err := PromptByName(call.Prompt)
	if err != nil {
		return igny8.Provenance{}, err
	}
	prov := igny8.Provenance{Provider: c.Provider.Name(), Prompt: p.Name, PromptVersion: p.Version}
	system, user := p.System, p.User
	if c.Overrides != nil {
		o, err := c.Overrides.PromptOverride(ctx, p.Name)
		switch {
		case err == nil:
			system, user = o.System, o.User
			prov.PromptVersion = fmt.Sprintf("%s+account.%d", p.Version, o.Version)
		case igny8.ErrorCode(err) != igny8.ENotFound:
			return prov, fmt.Errorf("find override of prompt %s: %w", p.Name, err)
		}
	}
	input, err := json.Marshal(call.Input)
	if err != nil {
		return prov, fmt.Errorf("encode input of prompt %s: %w", p.Name, err)
	}
	sysText, err := render("system", system, call.Input)
	if err != nil {
		return prov, igny8.Errorf(igny8.EInvalid, "The %s prompt (%s) does not render: %s.", p.Name, prov.PromptVersion, templateError(err))
	}
	userText, err := render("user", user, call.Input)
	if err != nil {
		return prov, igny8.Errorf(igny8.EInvalid, "The %s prompt (%s) does not render: %s.", p.Name, prov.PromptVersion, templateError(err))
	}
	req := ChatRequest{
		Prompt: p.Name,
		Input:  input,
		Messages: []Message{
			{Role: "system", Content: sysText},
			{Role: "user", Content: userText},
		},
		Schema: Schema{Name: p.Name, Schema: p.Schema, Strict: true},
	}
	var problems string
	for attempt := 0; attempt < 2; attempt++ {
		resp, latency, err := c.chat(ctx, call, p, prov.PromptVersion, req)
		if err != nil {
			return prov, err
		}
		prov.Model, prov.Offline = resp.Model, resp.Offline
		problems = c.check(p, call, resp.Content, out)
		if problems == "" {
			c.record(ctx, call, "chat", p.Name, prov.PromptVersion, resp.Model, resp.Usage, latency, igny8.CallOK, "")
			return prov, nil
		}
		// One record per provider request: this one was answered (and
		// its tokens spent), but the answer was unusable.
		c.record(ctx, call, "chat", p.Name, prov.PromptVersion, resp.Model, resp.Usage, latency, igny8.CallInvalid, problems)
		c.logger().WarnContext(ctx, "AI answer rejected", slog.String("prompt", p.Name), slog.String("provider", prov.Provider),
			slog.String("model", resp.Model), slog.Int("attempt", attempt+1), slog.String("problems", problems))
		req.Messages = append(req.Messages[:2:2],
			Message{Role: "assistant", Content: resp.Content},
			Message{Role: "user", Content: "Your answer cannot be used: " + problems +
				"\nAnswer again with the whole corrected JSON object, matching the schema, and nothing else."})
	}
	return prov, &Error{Kind: InvalidOutput,
		Message: fmt.Sprintf("The AI model's answer to the %s prompt was still unusable after one repair: %s", p.Name, problems),
		Detail:  problems}
}

// chat sends req. A failed request is recorded here; an answered one is
// recorded by the caller once it knows whether the answer was usable.
func (c *Client) chat(ctx context.Context, call Call, p *Prompt, version string, req ChatRequest) (*ChatResponse, time.Duration, error) {
	start := c.now()
	resp, err := c.Provider.Chat(ctx, req)
	latency := c.now().Sub(start)
	if err != nil {
		c.record(ctx, call, "chat", p.Name, version, "", Usage{}, latency, outcome(err), err.Error())
		return nil, latency, err
	}
	return resp, latency, nil
}

// check returns what is wrong with an answer, "" when it decoded into out.
func (c *Client) check(p *Prompt, call Call, content string, out any) string {
	content = strings.TrimSpace(content)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(content))
	if err != nil {
		return fmt.Sprintf("it is not valid JSON (%v)", err)
	}
	if err := p.schema.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return "it does not match the schema: " + schemaProblems(ve)
		}
		return "it does not match the schema: " + err.Error()
	}
	// Decode into a fresh value, so that out is only ever set to an answer
	// that passed every check.
	dst := out
	rv := reflect.ValueOf(out)
	fresh := rv.Kind() == reflect.Pointer && !rv.IsNil()
	if fresh {
		dst = reflect.New(rv.Elem().Type()).Interface()
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(content)))
	if err := dec.Decode(dst); err != nil {
		return fmt.Sprintf("it does not decode (%v)", err)
	}
	if call.Check != nil {
		if err := call.Check([]byte(content)); err != nil {
			return err.Error()
		}
	}
	if fresh {
		rv.Elem().Set(reflect.ValueOf(dst).Elem())
	}
	return ""
}

// english prints schema errors (a nil printer panics on some kinds).
var english = message.NewPrinter(language.English)

// schemaProblems lists the leaf problems of a validation error, with
// their JSON pointers.
func schemaProblems(ve *jsonschema.ValidationError) string {
	var list []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			list = append(list, "/"+strings.Join(e.InstanceLocation, "/")+": "+e.ErrorKind.LocalizedString(english))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	if len(list) > 10 {
		list = append(list[:10], fmt.Sprintf("and %d more", len(list)-10))
	}
	return strings.Join(list, "; ")
}

// EmbedCall asks for embeddings.
type EmbedCall struct {
	Inputs []string
	SiteID int64
	JobID  int64
}

// Embed returns one vector per input. Providers without embeddings return
// an error wrapping ErrUnsupported, which is not recorded as a failure.
func (c *Client) Embed(ctx context.Context, call EmbedCall) ([][]float32, string, error) {
	start := c.now()
	resp, err := c.Provider.Embed(ctx, EmbedRequest{Inputs: call.Inputs})
	latency := c.now().Sub(start)
	rec := Call{SiteID: call.SiteID, JobID: call.JobID}
	if errors.Is(err, ErrUnsupported) {
		return nil, "", err
	}
	if err != nil {
		c.record(ctx, rec, "embedding", "", "", "", Usage{}, latency, outcome(err), err.Error())
		return nil, "", err
	}
	if len(resp.Vectors) != len(call.Inputs) {
		msg := fmt.Sprintf("asked for %d embeddings, got %d", len(call.Inputs), len(resp.Vectors))
		c.record(ctx, rec, "embedding", "", "", resp.Model, resp.Usage, latency, igny8.CallInvalid, msg)
		return nil, resp.Model, &Error{Kind: InvalidOutput, Message: "The AI provider returned the wrong number of embeddings.", Detail: msg}
	}
	c.record(ctx, rec, "embedding", "", "", resp.Model, resp.Usage, latency, igny8.CallOK, "")
	return resp.Vectors, resp.Model, nil
}

// ImageCall asks for one image.
type ImageCall struct {
	Prompt string
	Width  int
	Height int
	SiteID int64
	JobID  int64
}

// Image generates one image and records the call. Providers without
// images return an error wrapping ErrUnsupported, which is not recorded
// as a failure.
func (c *Client) Image(ctx context.Context, call ImageCall) (*ImageResponse, igny8.Provenance, error) {
	prov := igny8.Provenance{Provider: c.Provider.Name(), Prompt: "image"}
	start := c.now()
	resp, err := c.Provider.Image(ctx, ImageRequest{Prompt: call.Prompt, Width: call.Width, Height: call.Height})
	latency := c.now().Sub(start)
	rec := Call{SiteID: call.SiteID, JobID: call.JobID}
	if errors.Is(err, ErrUnsupported) {
		return nil, prov, err
	}
	if err != nil {
		c.record(ctx, rec, "image", "image", "", "", Usage{}, latency, outcome(err), err.Error())
		return nil, prov, err
	}
	if len(resp.Data) == 0 {
		c.record(ctx, rec, "image", "image", "", resp.Model, Usage{}, latency, igny8.CallInvalid, "empty image")
		return nil, prov, &Error{Kind: InvalidOutput, Message: "The AI provider returned an empty image."}
	}
	prov.Model, prov.Offline = resp.Model, resp.Offline
	c.record(ctx, rec, "image", "image", "", resp.Model, Usage{Out: 1}, latency, igny8.CallOK, "")
	return resp, prov, nil
}

func (c *Client) record(ctx context.Context, call Call, op, prompt, version, model string, u Usage, latency time.Duration, result, detail string) {
	if c.Recorder == nil {
		return
	}
	rec := &igny8.AICall{
		Operation: op, Prompt: prompt, PromptVersion: version, Provider: c.Provider.Name(), Model: model,
		TokensIn: u.In, TokensOut: u.Out, LatencyMS: int(latency / time.Millisecond), Outcome: result, Error: truncate(detail, 2000),
	}
	if call.SiteID != 0 {
		rec.SiteID = &call.SiteID
	}
	if call.JobID != 0 {
		rec.JobID = &call.JobID
	}
	// Record even when the job's context is cancelled: the call happened.
	if err := c.Recorder.RecordAICall(context.WithoutCancel(ctx), rec); err != nil {
		c.logger().ErrorContext(ctx, "record AI call", slog.Any("error", err))
	}
}

// outcome maps an error to a call outcome.
func outcome(err error) string {
	if errors.Is(err, context.Canceled) {
		return igny8.CallCancelled
	}
	if e, ok := AsError(err); ok {
		switch e.Kind {
		case RateLimited:
			return igny8.CallRateLimited
		case QuotaExhausted:
			return igny8.CallQuota
		case Refused:
			return igny8.CallRefused
		case BadRequest:
			return igny8.CallBadRequest
		case InvalidOutput:
			return igny8.CallInvalid
		}
	}
	return igny8.CallUnavailable
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}
