package openai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// request is what the test server received.
type request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   map[string]any
	raw    []byte
}

// server is an httptest server speaking the OpenAI wire format: handle
// answers each request, and every request is kept.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

func newServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, req request)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		req := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), raw: raw}
		_ = json.Unmarshal(raw, &req.Body)
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
		handle(w, r, req)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) received() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

// provider returns a provider for the server: cfg with the server's URL
// and client, a key and a model unless cfg sets its own.
func (s *server) provider(t *testing.T, cfg Config) *Provider {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = s.URL + "/v1"
		if cfg.Flavor == FlavorAzure {
			cfg.BaseURL = s.URL
		}
	}
	if cfg.APIKey == "" && cfg.Flavor != FlavorOllama && cfg.Flavor != FlavorVLLM && cfg.Flavor != FlavorLMStudio {
		cfg.APIKey = "sk-test"
	}
	if cfg.ChatModel == "" {
		cfg.ChatModel = "gpt-test"
	}
	cfg.HTTPClient = s.Client()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// completion is a chat completion body as OpenAI sends it.
func completion(content string) map[string]any {
	return map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1760000000, "model": "gpt-test-2025-01-01",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop", "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": content, "refusal": nil},
		}},
		"usage":              map[string]any{"prompt_tokens": 321, "completion_tokens": 123, "total_tokens": 444},
		"system_fingerprint": "fp_test",
	}
}

// apiErrorBody is an error body as OpenAI sends it.
func apiErrorBody(message, typ, code string) map[string]any {
	return map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": code}}
}

// embeddings answers an embeddings request with a 3-dimensional vector per
// input, listed in reverse order (the index says which is which).
func embeddings(req request) map[string]any {
	inputs, _ := req.Body["input"].([]any)
	var data []any
	for i := len(inputs) - 1; i >= 0; i-- {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": []float64{float64(i), 0.5, -1}})
	}
	return map[string]any{"object": "list", "data": data, "model": "text-embedding-test",
		"usage": map[string]any{"prompt_tokens": 2 * len(inputs), "total_tokens": 2 * len(inputs)}}
}

// pngOf encodes a w×h PNG.
func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// images answers an images request with a PNG of the size asked for.
func images(req request, data []byte) map[string]any {
	return map[string]any{"created": 1760000000, "data": []any{map[string]any{"b64_json": data}},
		"usage": map[string]any{"input_tokens": 50, "output_tokens": 4000, "total_tokens": 4050, "input_tokens_details": map[string]any{"text_tokens": 50, "image_tokens": 0}}}
}

// sizeOf parses "WxH".
func sizeOf(s string) (w, h int) {
	fmt.Sscanf(s, "%dx%d", &w, &h)
	return w, h
}

// waitOrTimeout blocks until the request is abandoned or d passes.
func waitOrTimeout(r *http.Request, d time.Duration) {
	select {
	case <-r.Context().Done():
	case <-time.After(d):
	}
}
