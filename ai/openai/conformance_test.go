package openai

import (
	"net/http"
	"strings"
	"testing"

	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/aitest"
)

// scripted answers like an OpenAI server would: each chat with a valid
// answer for the schema it names (made for aitest's sample input),
// embeddings and images.
func scripted(t *testing.T) *server {
	answers := map[string]string{}
	for _, p := range ai.Prompts() {
		answers[p.Name] = answerFor(t, p.Name)
	}
	return newServer(t, func(w http.ResponseWriter, r *http.Request, req request) {
		switch {
		case strings.HasSuffix(req.Path, "/chat/completions"):
			rf, _ := req.Body["response_format"].(map[string]any)
			js, _ := rf["json_schema"].(map[string]any)
			name, _ := js["name"].(string)
			answer, ok := answers[name]
			if !ok {
				writeJSON(w, 400, apiErrorBody("unknown schema "+name, "invalid_request_error", ""))
				return
			}
			writeJSON(w, 200, completion(answer))
		case strings.HasSuffix(req.Path, "/embeddings"):
			writeJSON(w, 200, embeddings(req))
		case strings.HasSuffix(req.Path, "/images/generations"):
			writeJSON(w, 200, images(req, pngOf(sizeOf(req.Body["size"].(string)))))
		default:
			writeJSON(w, 404, apiErrorBody("no route", "invalid_request_error", ""))
		}
	})
}

func TestConformance(t *testing.T) {
	s := scripted(t)
	for _, flavor := range []string{FlavorOpenAI, FlavorAzure, FlavorOllama} {
		t.Run(flavor, func(t *testing.T) {
			p := s.provider(t, Config{Flavor: flavor, EmbeddingModel: "text-embedding-3-small", ImageModel: "gpt-image-1"})
			aitest.Run(t, func(t *testing.T) ai.Provider { return p })
		})
	}
	// Without embedding and image models, those operations are
	// unsupported, which the suite accepts.
	t.Run("ChatOnly", func(t *testing.T) {
		p := s.provider(t, Config{})
		aitest.Run(t, func(t *testing.T) ai.Provider { return p })
	})
}
