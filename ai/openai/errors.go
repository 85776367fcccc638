package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	oai "github.com/openai/openai-go/v3"

	"github.com/igny8/igny8/ai"
)

// classify turns a failed request into an *ai.Error, once, at the edge of
// the package. raw is the HTTP response, when there was one. The caller's
// own cancellation or deadline passes through unclassified.
func (p *Provider) classify(ctx context.Context, op string, err error, raw *http.Response) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%s %s: %w", p.Name(), op, cerr)
	}
	status, header, body := 0, http.Header(nil), []byte(nil)
	var apiErr *oai.Error
	if errors.As(err, &apiErr) {
		status = apiErr.StatusCode
		if apiErr.Response != nil {
			header = apiErr.Response.Header
		}
	}
	if raw != nil && raw.StatusCode >= 400 {
		status, header = raw.StatusCode, raw.Header
		if raw.Body != nil {
			// The library put the error body back for us to read.
			body, _ = io.ReadAll(io.LimitReader(raw.Body, 64<<10))
		}
	}
	if status == 0 {
		return p.transportError(op, err)
	}
	if len(body) == 0 && apiErr != nil {
		body = []byte(`{"error":` + orJSON(apiErr.RawJSON()) + `}`)
	}
	return p.statusError(op, status, header, body, time.Now())
}

func orJSON(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// transportError classifies a request that got no HTTP answer.
func (p *Provider) transportError(op string, err error) error {
	var uerr *url.Error
	var nerr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout():
		return &ai.Error{Kind: ai.Unavailable,
			Message: fmt.Sprintf("The AI provider did not answer within %s; the job will try again.", p.cfg.Timeout),
			Detail:  fmt.Sprintf("%s %s: timeout after %s: %v", p.Name(), op, p.cfg.Timeout, err)}
	case errors.As(err, &uerr) || errors.As(err, &nerr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return &ai.Error{Kind: ai.Unavailable,
			Message: "The AI provider could not be reached; the job will try again.",
			Detail:  fmt.Sprintf("%s %s at %s: %v", p.Name(), op, p.cfg.BaseURL, err)}
	}
	// Anything else failed before a request went out (a bad setting, a
	// body the library could not encode): retrying cannot help.
	return &ai.Error{Kind: ai.BadRequest,
		Message: "The request to the AI provider could not be made; an operator needs to check the AI settings.",
		Detail:  fmt.Sprintf("%s %s: %v", p.Name(), op, err)}
}

// apiError is an error body, in any of the shapes OpenAI-compatible
// servers send: {"error": {...}}, {"error": "text"}, {"message": "text"},
// {"detail": ...}, or plain text.
type apiError struct {
	Message, Type, Code, Param, Inner string
}

func parseError(body []byte) apiError {
	var env struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &env) != nil {
		return apiError{Message: strings.TrimSpace(string(body))}
	}
	var e apiError
	var obj struct {
		Message    string `json:"message"`
		Type       string `json:"type"`
		Code       any    `json:"code"`
		Param      any    `json:"param"`
		InnerError struct {
			Code string `json:"code"`
		} `json:"innererror"`
	}
	var text string
	switch {
	case len(env.Error) > 0 && json.Unmarshal(env.Error, &obj) == nil:
		e = apiError{Message: obj.Message, Type: obj.Type, Code: scalar(obj.Code), Param: scalar(obj.Param), Inner: obj.InnerError.Code}
	case len(env.Error) > 0 && json.Unmarshal(env.Error, &text) == nil:
		e.Message = text
	case env.Message != "":
		e.Message = env.Message
	case len(env.Detail) > 0:
		if json.Unmarshal(env.Detail, &text) == nil {
			e.Message = text
		} else {
			e.Message = string(env.Detail)
		}
	default:
		e.Message = strings.TrimSpace(string(body))
	}
	return e
}

// scalar renders a JSON string or number ("429" from OpenRouter's numeric
// codes); anything else is "".
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// has reports whether any of the error's codes is one of codes.
func (e apiError) has(codes ...string) bool {
	for _, c := range codes {
		for _, got := range []string{e.Code, e.Type, e.Inner} {
			if strings.EqualFold(got, c) {
				return true
			}
		}
	}
	return false
}

// refused reports whether the error is a content filter's decision.
func (e apiError) refused() bool {
	if e.has("content_filter", "content_policy_violation", "moderation_blocked", "ResponsibleAIPolicyViolation", "image_generation_user_error") {
		return true
	}
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "content management policy") || strings.Contains(m, "safety system") || strings.Contains(m, "content policy")
}

// statusError classifies an HTTP error answer.
func (p *Provider) statusError(op string, status int, header http.Header, body []byte, now time.Time) error {
	e := parseError(body)
	detail := fmt.Sprintf("%s %s: HTTP %d", p.Name(), op, status)
	for _, s := range []string{e.Code, e.Type, e.Inner} {
		if s != "" {
			detail += " " + s
		}
	}
	if e.Message != "" {
		detail += ": " + truncate(e.Message, 500)
	}
	out := &ai.Error{Status: status, Detail: detail}
	switch {
	case e.has("insufficient_quota", "billing_hard_limit_reached", "billing_not_active") || status == http.StatusPaymentRequired:
		out.Kind = ai.QuotaExhausted
		out.Message = "The AI provider account has run out of quota or credits; an operator needs to add credit or raise the limit."
	case status == http.StatusTooManyRequests:
		out.Kind = ai.RateLimited
		out.Message = "The AI provider is limiting how fast requests may be made; the job will try again shortly."
		out.RetryAfter = retryAfter(header, now)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		out.Kind = ai.BadRequest
		out.Message = "The AI provider refused the platform's API key; an operator needs to check the key and its access to the model."
		out.Detail += fmt.Sprintf(" (check %s / Config.APIKey)", EnvAPIKey)
	case e.refused():
		out.Kind = ai.Refused
		out.Message = "The AI provider declined this request under its content policy; rephrase the topic or its wording and try again."
	case status == http.StatusRequestTimeout || status == http.StatusConflict || status >= 500:
		out.Kind = ai.Unavailable
		out.Message = "The AI provider had a temporary problem; the job will try again."
		out.RetryAfter = retryAfter(header, now)
	case status == http.StatusNotFound:
		out.Kind = ai.BadRequest
		what := "model"
		if p.cfg.Flavor == FlavorAzure {
			what = "deployment"
		}
		out.Message = fmt.Sprintf("The AI provider does not know the %s this request uses; an operator needs to check the configured %s.", what, what)
	case e.has("context_length_exceeded", "string_above_max_length"):
		out.Kind = ai.BadRequest
		out.Message = "The request is too long for the AI model; shorten the input or choose a model with a larger context."
	default:
		out.Kind = ai.BadRequest
		out.Message = "The AI provider rejected the request as invalid."
		if m := strings.ToLower(e.Message + " " + e.Param); strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") {
			out.Message += " The model may not support JSON Schema outputs; an operator can switch to JSON object mode."
			out.Detail += fmt.Sprintf(" (try %s=%s)", EnvJSONMode, JSONObject)
		}
	}
	return out
}

// retryAfter reads how long the provider asked to wait: retry-after-ms,
// then Retry-After in seconds or as an HTTP date, then OpenAI's rate
// limit reset headers.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	if ms, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After-Ms")), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	if s := strings.TrimSpace(h.Get("Retry-After")); s != "" {
		if secs, err := strconv.ParseFloat(s, 64); err == nil && secs >= 0 {
			return time.Duration(secs * float64(time.Second))
		}
		if t, err := http.ParseTime(s); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	var longest time.Duration
	for _, k := range []string{"X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens"} {
		if d, err := time.ParseDuration(strings.TrimSpace(h.Get(k))); err == nil && d > longest {
			longest = d
		}
	}
	return longest
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
