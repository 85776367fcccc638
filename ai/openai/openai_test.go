package openai

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/aitest"
	"github.com/igny8/igny8/ai/offline"
)

// answerFor is the offline provider's answer to prompt's sample input: a
// valid answer for the schema.
func answerFor(t testing.TB, prompt string) string {
	t.Helper()
	in, _ := json.Marshal(aitest.Inputs("en")[prompt])
	resp, err := offline.New().Chat(context.Background(), ai.ChatRequest{Prompt: prompt, Input: in})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Content
}

func ideasCall() ai.Call {
	return ai.Call{Prompt: ai.PromptIdeas, Input: aitest.Inputs("en")[ai.PromptIdeas]}
}

func TestChat(t *testing.T) {
	answer := answerFor(t, ai.PromptIdeas)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		writeJSON(w, 200, completion(answer))
	})
	p := s.provider(t, Config{})
	rec := &aitest.Recorder{}
	c := &ai.Client{Provider: p, Recorder: rec}
	var out ai.IdeasOutput
	prov, err := c.Generate(t.Context(), ideasCall(), &out)
	if err != nil {
		t.Fatal(err)
	}
	if prov.Provider != "openai" || prov.Model != "gpt-test-2025-01-01" || prov.Offline {
		t.Errorf("provenance %+v: want provider openai and the model the response names", prov)
	}
	if len(out.Ideas) != 5 {
		t.Errorf("%d ideas decoded, want 5", len(out.Ideas))
	}
	reqs := s.received()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	req := reqs[0]
	if req.Method != http.MethodPost || req.Path != "/v1/chat/completions" {
		t.Errorf("request %s %s, want POST /v1/chat/completions", req.Method, req.Path)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization %q, want the bearer key", got)
	}
	if req.Body["model"] != "gpt-test" {
		t.Errorf("model %v, want gpt-test", req.Body["model"])
	}
	msgs := req.Body["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" || msgs[1].(map[string]any)["role"] != "user" ||
		!strings.Contains(msgs[1].(map[string]any)["content"].(string), "hiking boots") {
		t.Errorf("messages %v: want the rendered system and user messages", msgs)
	}
	// Structured output: json_schema, strict, with the prompt's schema.
	rf := req.Body["response_format"].(map[string]any)
	js, _ := rf["json_schema"].(map[string]any)
	if rf["type"] != "json_schema" || js["name"] != ai.PromptIdeas || js["strict"] != true {
		t.Errorf("response_format %v: want json_schema named %s, strict", rf, ai.PromptIdeas)
	}
	prompt, _ := ai.PromptByName(ai.PromptIdeas)
	var want any
	_ = json.Unmarshal(prompt.Schema, &want)
	if got, _ := json.Marshal(js["schema"]); !jsonEqual(got, prompt.Schema) {
		t.Errorf("the schema sent is not the prompt's:\n%s", got)
	}
	if _, ok := req.Body["max_tokens"]; ok {
		t.Error("max_tokens was sent without being asked for")
	}
	// Tokens and model from the response are recorded.
	calls := rec.Calls()
	if len(calls) != 1 || calls[0].TokensIn != 321 || calls[0].TokensOut != 123 || calls[0].Model != "gpt-test-2025-01-01" || calls[0].Outcome != igny8.CallOK || calls[0].Provider != "openai" {
		t.Errorf("calls recorded %+v: want one ok call with 321 tokens in, 123 out", calls)
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// A malformed answer is repaired once, through ai.Client; two are an
// InvalidOutput error. Each answer is one HTTP request and one record.
func TestChatRepair(t *testing.T) {
	good := answerFor(t, ai.PromptIdeas)
	for _, tt := range []struct {
		name    string
		answers []string
		wantErr bool
	}{
		{"RepairedOnce", []string{`{"ideas": [{"title": "Broken`, good}, false},
		{"BothInvalid", []string{`{"ideas": "none"}`, "Sure! Here are your ideas."}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
				writeJSON(w, 200, completion(tt.answers[min(n, len(tt.answers)-1)]))
				n++
			})
			rec := &aitest.Recorder{}
			c := &ai.Client{Provider: s.provider(t, Config{}), Recorder: rec}
			_, err := c.Generate(t.Context(), ideasCall(), &ai.IdeasOutput{})
			if tt.wantErr {
				if e, ok := ai.AsError(err); !ok || e.Kind != ai.InvalidOutput {
					t.Fatalf("err = %v, want InvalidOutput", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			reqs := s.received()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want 2", len(reqs))
			}
			repair := reqs[1].Body["messages"].([]any)
			if len(repair) != 4 || repair[2].(map[string]any)["role"] != "assistant" || repair[2].(map[string]any)["content"] != tt.answers[0] {
				t.Errorf("the repair request's messages %v do not carry the first answer back", repair)
			}
			calls := rec.Calls()
			if len(calls) != 2 || calls[0].Outcome != igny8.CallInvalid || calls[0].TokensIn != 321 {
				t.Errorf("calls %+v: want 2 records, the first invalid with its tokens", calls)
			}
		})
	}
}

// Without JSON Schema support, the schema goes in the system message and
// the answer is asked for as a JSON object; fences around it are removed.
func TestChatJSONObjectMode(t *testing.T) {
	answer := answerFor(t, ai.PromptIdeas)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		writeJSON(w, 200, completion("```json\n"+answer+"\n```"))
	})
	c := &ai.Client{Provider: s.provider(t, Config{Flavor: FlavorOllama, JSONMode: JSONObject, ChatModel: "llama3.1"})}
	if _, err := c.Generate(t.Context(), ideasCall(), &ai.IdeasOutput{}); err != nil {
		t.Fatal(err)
	}
	req := s.received()[0]
	rf := req.Body["response_format"].(map[string]any)
	if rf["type"] != "json_object" || rf["json_schema"] != nil {
		t.Errorf("response_format %v, want json_object", rf)
	}
	system := req.Body["messages"].([]any)[0].(map[string]any)["content"].(string)
	if !strings.Contains(system, "matches this JSON Schema") || !strings.Contains(system, `"estimated_words"`) {
		t.Errorf("the system message does not carry the schema:\n%s", system)
	}
	if h := req.Header.Get("Authorization"); h != "" {
		t.Errorf("Ollama without a key sent Authorization %q", h)
	}
}

// Each failure is classified, and answered by exactly one HTTP request:
// the library's own retries are off.
func TestChatErrors(t *testing.T) {
	date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	for _, tt := range []struct {
		name      string
		status    int
		header    map[string]string
		body      any
		kind      ai.Kind
		retry     time.Duration // exact, unless approx
		approx    bool
		inMessage string
	}{
		{"RateLimited", 429, map[string]string{"Retry-After": "7"}, apiErrorBody("Rate limit reached for gpt-test on requests per min (RPM): Limit 3, Used 3.", "requests", "rate_limit_exceeded"), ai.RateLimited, 7 * time.Second, false, "limiting"},
		{"RateLimitedMillis", 429, map[string]string{"Retry-After-Ms": "1500", "Retry-After": "2"}, apiErrorBody("Rate limit reached", "tokens", "rate_limit_exceeded"), ai.RateLimited, 1500 * time.Millisecond, false, ""},
		{"RateLimitedDate", 429, map[string]string{"Retry-After": date}, apiErrorBody("Rate limit reached", "requests", "rate_limit_exceeded"), ai.RateLimited, 30 * time.Second, true, ""},
		{"RateLimitedReset", 429, map[string]string{"X-Ratelimit-Reset-Requests": "1s", "X-Ratelimit-Reset-Tokens": "6m0s"}, apiErrorBody("Rate limit reached", "tokens", "rate_limit_exceeded"), ai.RateLimited, 6 * time.Minute, false, ""},
		{"QuotaExhausted", 429, nil, apiErrorBody("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota"), ai.QuotaExhausted, 0, false, "quota"},
		{"OpenRouterCredits", 402, nil, map[string]any{"error": map[string]any{"code": 402, "message": "Insufficient credits. Add more using https://openrouter.ai/settings/credits"}}, ai.QuotaExhausted, 0, false, "credit"},
		{"ServerError", 500, nil, apiErrorBody("The server had an error while processing your request.", "server_error", ""), ai.Unavailable, 0, false, "temporary"},
		{"Overloaded", 503, map[string]string{"Retry-After": "3"}, apiErrorBody("The engine is currently overloaded.", "server_error", ""), ai.Unavailable, 3 * time.Second, false, ""},
		{"BadGatewayText", 502, nil, "<html>bad gateway</html>", ai.Unavailable, 0, false, ""},
		{"InvalidRequest", 400, nil, apiErrorBody("Invalid value for 'temperature'.", "invalid_request_error", "invalid_value"), ai.BadRequest, 0, false, "invalid"},
		{"TooLong", 400, nil, apiErrorBody("This model's maximum context length is 128000 tokens.", "invalid_request_error", "context_length_exceeded"), ai.BadRequest, 0, false, "too long"},
		{"NoJSONSchema", 400, nil, map[string]any{"error": "this model does not support response_format json_schema"}, ai.BadRequest, 0, false, "JSON object mode"},
		{"AzureContentFilter", 400, nil, map[string]any{"error": map[string]any{"message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", "type": nil, "param": "prompt", "code": "content_filter", "status": 400,
			"innererror": map[string]any{"code": "ResponsibleAIPolicyViolation", "content_filter_result": map[string]any{"hate": map[string]any{"filtered": true, "severity": "high"}}}}}, ai.Refused, 0, false, "content policy"},
		{"ContentPolicy", 400, nil, apiErrorBody("Your request was rejected as a result of our safety system.", "invalid_request_error", "content_policy_violation"), ai.Refused, 0, false, "content policy"},
		{"BadKey", 401, nil, apiErrorBody("Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"), ai.BadRequest, 0, false, "API key"},
		{"Forbidden", 403, nil, apiErrorBody("Project does not have access to model gpt-test", "invalid_request_error", "model_not_found"), ai.BadRequest, 0, false, "API key"},
		{"NoModel", 404, nil, apiErrorBody("The model `gpt-test` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"), ai.BadRequest, 0, false, "model"},
		{"Unprocessable", 422, nil, map[string]any{"detail": []any{map[string]any{"loc": []any{"body", "messages"}, "msg": "field required"}}}, ai.BadRequest, 0, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				if text, ok := tt.body.(string); ok {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(text))
					return
				}
				writeJSON(w, tt.status, tt.body)
			})
			rec := &aitest.Recorder{}
			c := &ai.Client{Provider: s.provider(t, Config{}), Recorder: rec}
			_, err := c.Generate(t.Context(), ideasCall(), &ai.IdeasOutput{})
			e, ok := ai.AsError(err)
			if !ok {
				t.Fatalf("err = %v (%T), want an *ai.Error", err, err)
			}
			if e.Kind != tt.kind || e.Status != tt.status {
				t.Errorf("kind %s status %d, want %s %d (%v)", e.Kind, e.Status, tt.kind, tt.status, e)
			}
			if tt.approx {
				if e.RetryAfter < tt.retry-3*time.Second || e.RetryAfter > tt.retry {
					t.Errorf("RetryAfter %s, want about %s", e.RetryAfter, tt.retry)
				}
			} else if e.RetryAfter != tt.retry {
				t.Errorf("RetryAfter %s, want %s", e.RetryAfter, tt.retry)
			}
			if !strings.Contains(e.Message, tt.inMessage) {
				t.Errorf("message %q does not say %q", e.Message, tt.inMessage)
			}
			if !strings.Contains(e.Detail, "HTTP") {
				t.Errorf("detail %q does not give the HTTP status for operators", e.Detail)
			}
			if got := len(s.received()); got != 1 {
				t.Errorf("%d HTTP requests, want exactly 1: the library must not retry", got)
			}
			if retry, _ := ai.Retryable(err); retry != (tt.kind == ai.RateLimited || tt.kind == ai.Unavailable) {
				t.Errorf("Retryable = %v for %s", retry, tt.kind)
			}
			if calls := rec.Calls(); len(calls) != 1 || calls[0].Outcome != string(tt.kind) {
				t.Errorf("recorded %+v, want one %s call", calls, tt.kind)
			}
		})
	}
}

// A refusal or a filtered answer in a 200 response is Refused; a
// truncated one is InvalidOutput.
func TestChatRefusals(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(choice map[string]any)
		kind   ai.Kind
	}{
		{"Refusal", func(c map[string]any) {
			c["message"] = map[string]any{"role": "assistant", "content": nil, "refusal": "I'm sorry, I can't help with that request."}
		}, ai.Refused},
		{"ContentFilter", func(c map[string]any) { c["finish_reason"] = "content_filter" }, ai.Refused},
		{"Length", func(c map[string]any) { c["finish_reason"] = "length" }, ai.InvalidOutput},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
				body := completion(`{"ideas": [`)
				tt.mutate(body["choices"].([]any)[0].(map[string]any))
				writeJSON(w, 200, body)
			})
			_, err := s.provider(t, Config{}).Chat(t.Context(), ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: "x"}}, Schema: ai.Schema{Name: "x", Schema: []byte(`{"type":"object"}`)}})
			if e, ok := ai.AsError(err); !ok || e.Kind != tt.kind || e.Retryable() {
				t.Errorf("err = %v, want a %s error", err, tt.kind)
			}
		})
	}
}

func TestChatTimeout(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		waitOrTimeout(r, 5*time.Second)
	})
	p := s.provider(t, Config{Timeout: 150 * time.Millisecond})
	start := time.Now()
	_, err := (&ai.Client{Provider: p}).Generate(t.Context(), ideasCall(), &ai.IdeasOutput{})
	e, ok := ai.AsError(err)
	if !ok || e.Kind != ai.Unavailable || !strings.Contains(e.Message, "did not answer within 150ms") {
		t.Fatalf("err = %v, want Unavailable after the timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the call took %s; the timeout is 150ms", d)
	}
	if n := len(s.received()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// The caller's cancellation passes through as context.Canceled.
func TestChatCanceled(t *testing.T) {
	arrived := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		close(arrived)
		waitOrTimeout(r, 5*time.Second)
	})
	p := s.provider(t, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-arrived; cancel() }()
	_, err := (&ai.Client{Provider: p}).Generate(ctx, ideasCall(), &ai.IdeasOutput{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, ok := ai.AsError(err); ok {
		t.Errorf("a cancellation was classified: %v", err)
	}
}

func TestChatUnreachable(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {})
	p := s.provider(t, Config{})
	s.Close()
	_, err := (&ai.Client{Provider: p}).Generate(t.Context(), ideasCall(), &ai.IdeasOutput{})
	if e, ok := ai.AsError(err); !ok || e.Kind != ai.Unavailable || !strings.Contains(e.Message, "could not be reached") {
		t.Errorf("err = %v, want Unavailable", err)
	}
}

// Azure: deployment URLs with the api-version query and the api-key
// header, for chat and embeddings.
func TestAzure(t *testing.T) {
	answer := answerFor(t, ai.PromptIdeas)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		switch {
		case strings.HasSuffix(req.Path, "/chat/completions"):
			writeJSON(w, 200, completion(answer))
		case strings.HasSuffix(req.Path, "/embeddings"):
			writeJSON(w, 200, embeddings(req))
		default:
			writeJSON(w, 404, map[string]any{"error": map[string]any{"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist."}})
		}
	})
	p := s.provider(t, Config{Flavor: FlavorAzure, APIKey: "azure-key", ChatModel: "content-writer", EmbeddingModel: "embedder", AzureAPIVersion: "2025-01-01-preview"})
	if p.Name() != "azure" {
		t.Errorf("Name() = %q, want azure", p.Name())
	}
	if _, err := (&ai.Client{Provider: p}).Generate(t.Context(), ideasCall(), &ai.IdeasOutput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Embed(t.Context(), ai.EmbedRequest{Inputs: []string{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	reqs := s.received()
	for i, want := range []string{"/openai/deployments/content-writer/chat/completions", "/openai/deployments/embedder/embeddings"} {
		req := reqs[i]
		if req.Path != want {
			t.Errorf("request %d path %q, want %q", i, req.Path, want)
		}
		if got := req.Query.Get("api-version"); got != "2025-01-01-preview" {
			t.Errorf("request %d api-version %q, want 2025-01-01-preview", i, got)
		}
		if got := req.Header.Get("Api-Key"); got != "azure-key" {
			t.Errorf("request %d api-key %q, want azure-key", i, got)
		}
		if got := req.Header.Get("Authorization"); got != "" {
			t.Errorf("request %d sent Authorization %q to Azure", i, got)
		}
	}

	// A missing deployment names the deployment, not the model.
	p = s.provider(t, Config{Flavor: FlavorAzure, APIKey: "azure-key", ChatModel: "content-writer", ImageModel: "nope"})
	_, err := p.Image(t.Context(), ai.ImageRequest{Prompt: "x"})
	if e, ok := ai.AsError(err); !ok || e.Kind != ai.BadRequest || !strings.Contains(e.Message, "deployment") {
		t.Errorf("err = %v, want BadRequest about the deployment", err)
	}
	if got := s.received()[2].Query.Get("api-version"); got != DefaultAzureAPIVersion {
		t.Errorf("api-version %q by default, want %s", got, DefaultAzureAPIVersion)
	}
}

// OpenRouter gets attribution headers, models named vendor/model, and
// routing to providers that honour response_format.
func TestOpenRouter(t *testing.T) {
	answer := answerFor(t, ai.PromptIdeas)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		writeJSON(w, 200, completion(answer))
	})
	p := s.provider(t, Config{Flavor: FlavorOpenRouter, ChatModel: "anthropic/claude-sonnet-4", AppURL: "https://sites.example"})
	if _, err := (&ai.Client{Provider: p}).Generate(t.Context(), ideasCall(), &ai.IdeasOutput{}); err != nil {
		t.Fatal(err)
	}
	req := s.received()[0]
	if req.Header.Get("HTTP-Referer") != "https://sites.example" || req.Header.Get("X-Title") != "IGNY8 Sites" {
		t.Errorf("headers %v: want HTTP-Referer and X-Title", req.Header)
	}
	if req.Body["model"] != "anthropic/claude-sonnet-4" {
		t.Errorf("model %v", req.Body["model"])
	}
	if prov, _ := req.Body["provider"].(map[string]any); prov["require_parameters"] != true {
		t.Errorf("provider preferences %v, want require_parameters", req.Body["provider"])
	}
}

// Output limits go as max_completion_tokens to OpenAI and Azure, as
// max_tokens elsewhere; the temperature only when set.
func TestChatLimits(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) { writeJSON(w, 200, completion(`{}`)) })
	temp := 0.2
	req := ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: "x"}}, Schema: ai.Schema{Name: "x", Schema: []byte(`{"type":"object"}`)}, MaxTokens: 900, Temperature: &temp}
	for flavor, field := range map[string]string{FlavorOpenAI: "max_completion_tokens", FlavorVLLM: "max_tokens", FlavorLMStudio: "max_tokens"} {
		before := len(s.received())
		if _, err := s.provider(t, Config{Flavor: flavor}).Chat(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		body := s.received()[before].Body
		if body[field] != 900.0 || body["temperature"] != 0.2 {
			t.Errorf("%s: body %v, want %s 900 and temperature 0.2", flavor, body, field)
		}
	}
}

// The library's own OPENAI_* environment variables change nothing.
func TestIgnoresLibraryEnvironment(t *testing.T) {
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_ORG_ID", "org-env")
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) { writeJSON(w, 200, completion(`{}`)) })
	if _, err := s.provider(t, Config{Flavor: FlavorVLLM}).Chat(t.Context(), ai.ChatRequest{Schema: ai.Schema{Name: "x", Schema: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	req := s.received()[0]
	if req.Header.Get("Authorization") != "" || req.Header.Get("OpenAI-Organization") != "" {
		t.Errorf("headers from the environment leaked in: %v", req.Header)
	}
}

func TestEmbed(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) { writeJSON(w, 200, embeddings(req)) })
	p := s.provider(t, Config{EmbeddingModel: "text-embedding-3-small"})
	inputs := make([]string, embedBatch+3)
	for i := range inputs {
		inputs[i] = strings.Repeat("k", i%5+1)
	}
	resp, err := p.Embed(t.Context(), ai.EmbedRequest{Inputs: inputs})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Vectors) != len(inputs) || resp.Model != "text-embedding-test" || resp.Usage.In != 2*len(inputs) {
		t.Fatalf("%d vectors, model %q, usage %+v", len(resp.Vectors), resp.Model, resp.Usage)
	}
	// The server lists vectors in reverse; the index puts them in order.
	if resp.Vectors[1][0] != 1 || resp.Vectors[embedBatch+2][0] != 2 {
		t.Errorf("vectors out of order: %v, %v", resp.Vectors[1], resp.Vectors[embedBatch+2])
	}
	reqs := s.received()
	if len(reqs) != 2 || reqs[0].Path != "/v1/embeddings" || reqs[0].Body["model"] != "text-embedding-3-small" || reqs[0].Body["encoding_format"] != "float" {
		t.Errorf("requests %d, first %s %v", len(reqs), reqs[0].Path, reqs[0].Body["encoding_format"])
	}

	none := s.provider(t, Config{})
	if _, err := none.Embed(t.Context(), ai.EmbedRequest{Inputs: []string{"a"}}); !errors.Is(err, ai.ErrUnsupported) {
		t.Errorf("without an embedding model: %v, want ai.ErrUnsupported", err)
	}
	if len(s.received()) != 2 {
		t.Error("a request went out without an embedding model")
	}
}

func TestImage(t *testing.T) {
	for _, tt := range []struct {
		model          string
		w, h           int
		size           string
		responseFormat any
	}{
		{"gpt-image-1", 1200, 630, "1536x1024", nil},
		{"gpt-image-1", 0, 0, "1536x1024", nil},
		{"dall-e-3", 800, 1200, "1024x1792", "b64_json"},
		{"dall-e-2", 300, 300, "512x512", "b64_json"},
	} {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
			writeJSON(w, 200, images(req, pngOf(sizeOf(req.Body["size"].(string)))))
		})
		p := s.provider(t, Config{ImageModel: tt.model})
		resp, err := p.Image(t.Context(), ai.ImageRequest{Prompt: "a mountain lake", Width: tt.w, Height: tt.h})
		if err != nil {
			t.Fatal(err)
		}
		req := s.received()[0]
		if req.Path != "/v1/images/generations" || req.Body["size"] != tt.size || req.Body["response_format"] != tt.responseFormat || req.Body["model"] != tt.model || req.Body["n"] != 1.0 {
			t.Errorf("%s %dx%d: request %s %v", tt.model, tt.w, tt.h, req.Path, req.Body)
		}
		w, h := sizeOf(tt.size)
		if resp.ContentType != "image/png" || resp.Width != w || resp.Height != h || resp.Model != tt.model || resp.Offline {
			t.Errorf("%s: response %s %dx%d model %s", tt.model, resp.ContentType, resp.Width, resp.Height, resp.Model)
		}
	}
}

func TestImageErrors(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		switch req.Body["prompt"] {
		case "url":
			writeJSON(w, 200, map[string]any{"created": 1, "data": []any{map[string]any{"url": "https://example.com/x.png"}}})
		case "garbage":
			writeJSON(w, 200, map[string]any{"created": 1, "data": []any{map[string]any{"b64_json": []byte("not an image")}}})
		default:
			writeJSON(w, 400, apiErrorBody("Your request was rejected as a result of our safety system.", "image_generation_user_error", "moderation_blocked"))
		}
	})
	p := s.provider(t, Config{ImageModel: "gpt-image-1"})
	for prompt, kind := range map[string]ai.Kind{"url": ai.InvalidOutput, "garbage": ai.InvalidOutput, "blocked": ai.Refused} {
		_, err := p.Image(t.Context(), ai.ImageRequest{Prompt: prompt, Width: 1024, Height: 1024})
		if e, ok := ai.AsError(err); !ok || e.Kind != kind {
			t.Errorf("%s: err = %v, want %s", prompt, err, kind)
		}
	}
	if _, err := s.provider(t, Config{}).Image(t.Context(), ai.ImageRequest{Prompt: "x"}); !errors.Is(err, ai.ErrUnsupported) {
		t.Errorf("without an image model: %v, want ai.ErrUnsupported", err)
	}
}

func TestImageSize(t *testing.T) {
	for _, tt := range []struct {
		model string
		w, h  int
		want  string
	}{
		{"gpt-image-1", 1200, 630, "1536x1024"},
		{"gpt-image-1", 1000, 1000, "1024x1024"},
		{"gpt-image-1", 1100, 1000, "1024x1024"},
		{"gpt-image-1", 600, 900, "1024x1536"},
		{"gpt-image-1-mini", 1600, 900, "1536x1024"},
		{"chatgpt-image-latest", 1, 2, "1024x1536"},
		{"dall-e-3", 1920, 1080, "1792x1024"},
		{"dall-e-3", 512, 512, "1024x1024"},
		{"DALL-E-3", 400, 800, "1024x1792"},
		{"dall-e-2", 200, 100, "256x256"},
		{"dall-e-2", 2000, 100, "1024x1024"},
		{"stable-diffusion-xl", 1200, 630, "1200x630"},
	} {
		if got := imageSize(tt.model, tt.w, tt.h); got != tt.want {
			t.Errorf("imageSize(%s, %d, %d) = %s, want %s", tt.model, tt.w, tt.h, got, tt.want)
		}
	}
}

func TestCleanJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`:                                 `{"a":1}`,
		"  ```json\n{\"a\":1}\n```  ":             `{"a":1}`,
		"```\n{\"a\":1}\n```":                     `{"a":1}`,
		"<think>\nthe user wants\n</think>\n{}":   `{}`,
		"<think>x</think>```json\n{\"b\":2}\n```": `{"b":2}`,
	} {
		if got := cleanJSON(in); got != want {
			t.Errorf("cleanJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseError(t *testing.T) {
	for body, want := range map[string]apiError{
		`{"error":{"message":"m","type":"t","code":"c","param":"p"}}`:                                            {Message: "m", Type: "t", Code: "c", Param: "p"},
		`{"error":{"message":"m","code":429,"metadata":{"raw":"x"}}}`:                                            {Message: "m", Code: "429"},
		`{"error":{"message":"m","code":"content_filter","innererror":{"code":"ResponsibleAIPolicyViolation"}}}`: {Message: "m", Code: "content_filter", Inner: "ResponsibleAIPolicyViolation"},
		`{"error":"model 'x' not found"}`:                                                                        {Message: "model 'x' not found"},
		`{"message":"Not Found"}`:                                                                                {Message: "Not Found"},
		`{"detail":"Not authenticated"}`:                                                                         {Message: "Not authenticated"},
		`upstream connect error`:                                                                                 {Message: "upstream connect error"},
	} {
		if got := parseError([]byte(body)); got != want {
			t.Errorf("parseError(%s) = %+v, want %+v", body, got, want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tt := range []struct {
		h    http.Header
		want time.Duration
	}{
		{h("Retry-After", "12"), 12 * time.Second},
		{h("Retry-After", "0.5"), 500 * time.Millisecond},
		{h("Retry-After-Ms", "250"), 250 * time.Millisecond},
		{h("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), 90 * time.Second},
		{h("Retry-After", now.Add(-time.Minute).Format(http.TimeFormat)), 0},
		{h("Retry-After", "soon"), 0},
		{h("X-Ratelimit-Reset-Tokens", "1m30s"), 90 * time.Second},
		{nil, 0},
	} {
		if got := retryAfter(tt.h, now); got != tt.want {
			t.Errorf("retryAfter(%v) = %s, want %s", tt.h, got, tt.want)
		}
	}
}
