package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/igny8/igny8"
)

// promptOverrideRequest is the body of PUT /v1/prompts/{name}.
type promptOverrideRequest struct {
	System string `json:"system"`
	User   string `json:"user"`
}

// aiRoutes show the AI prompts (and let admins override them) and the
// record of AI calls.
func (s *server) aiRoutes() []*route {
	v, a := igny8.RoleViewer, igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/prompts", id: "listPrompts", tag: "ai", summary: "The AI prompts, each with the account's override when it has one", role: v, out: igny8.PromptInfo{}, list: true, whole: true, status: 200, serve: s.listPrompts},
		{method: "GET", pattern: "/v1/prompts/{name}", id: "getPrompt", tag: "ai", summary: "One AI prompt", role: v, out: igny8.PromptInfo{}, status: 200, serve: s.getPrompt},
		{method: "PUT", pattern: "/v1/prompts/{name}", id: "overridePrompt", tag: "ai",
			summary: "Use the account's own text for a prompt (Go templates over the prompt's input; the answer's schema stays the same); each override is a new version", role: a, in: promptOverrideRequest{}, out: igny8.PromptOverride{}, status: 200, serve: s.overridePrompt},
		{method: "DELETE", pattern: "/v1/prompts/{name}", id: "resetPrompt", tag: "ai", summary: "Go back to the embedded prompt", role: a, status: 204, serve: s.resetPrompt},
		{method: "GET", pattern: "/v1/ai/calls", id: "listAICalls", tag: "ai", summary: "The account's AI provider calls, newest first: operation, model, prompt version, tokens, latency, outcome", role: v,
			query: []queryParam{{name: "site_id", description: "only calls made for this site"}}, out: igny8.AICall{}, list: true, status: 200, serve: s.listAICalls},
		{method: "GET", pattern: "/v1/ai/usage", id: "getAIUsage", tag: "ai", summary: "AI calls and tokens by provider and model between ?from= and ?to= (default: the current credit period)", role: v,
			query: []queryParam{{name: "from", description: "start, inclusive: RFC 3339 or YYYY-MM-DD"}, {name: "to", description: "end, exclusive: RFC 3339 or YYYY-MM-DD"}},
			out:   igny8.AIUsage{}, list: true, whole: true, status: 200, serve: s.getAIUsage},
	}
}

func (s *server) prompt(r *http.Request) (igny8.PromptInfo, error) {
	name := chi.URLParam(r, "name")
	for _, p := range s.cfg.Pipeline.Prompts() {
		if p.Name == name {
			o, err := s.cfg.PipelineStore.PromptOverride(r.Context(), name)
			switch {
			case err == nil:
				p.Override = o
			case igny8.ErrorCode(err) != igny8.ENotFound:
				return p, err
			}
			return p, nil
		}
	}
	var names []string
	for _, p := range s.cfg.Pipeline.Prompts() {
		names = append(names, p.Name)
	}
	return igny8.PromptInfo{}, igny8.Errorf(igny8.ENotFound, "There is no prompt %q; the prompts are %v.", name, names)
}

func (s *server) listPrompts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var out []igny8.PromptInfo
	for _, p := range s.cfg.Pipeline.Prompts() {
		o, err := s.cfg.PipelineStore.PromptOverride(r.Context(), p.Name)
		switch {
		case err == nil:
			p.Override = o
		case igny8.ErrorCode(err) != igny8.ENotFound:
			return 0, nil, err
		}
		out = append(out, p)
	}
	return http.StatusOK, List[igny8.PromptInfo]{Items: nonNil(out)}, nil
}

func (s *server) getPrompt(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := s.prompt(r)
	return http.StatusOK, p, err
}

func (s *server) overridePrompt(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := s.prompt(r)
	if err != nil {
		return 0, nil, err
	}
	var req promptOverrideRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := required("/user", req.User, "the user message template"); err != nil {
		return 0, nil, err
	}
	if err := s.cfg.Pipeline.CheckPromptOverride(p.Name, req.System, req.User); err != nil {
		return 0, nil, err
	}
	o := &igny8.PromptOverride{Name: p.Name, System: req.System, User: req.User}
	return http.StatusOK, o, s.cfg.PipelineStore.PutPromptOverride(r.Context(), o)
}

func (s *server) resetPrompt(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := s.prompt(r)
	if err != nil {
		return 0, nil, err
	}
	_, err = s.cfg.PipelineStore.DeletePromptOverrides(r.Context(), p.Name)
	return http.StatusNoContent, nil, err
}

func (s *server) listAICalls(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := optionalID(r, "site_id")
	if err != nil {
		return 0, nil, err
	}
	return paged(r, func(ctx context.Context, cursor int64, limit int) ([]*igny8.AICall, error) {
		return s.cfg.PipelineStore.AICalls(ctx, site, cursor, limit)
	}, func(c *igny8.AICall) int64 { return c.ID })
}

func (s *server) getAIUsage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	period := igny8.PeriodOf(time.Now())
	from, to := period.Start, period.End
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(p.name); v != "" {
			t, err := parseDateTime(v)
			if err != nil {
				return 0, nil, invalidParam(p.name, fmt.Sprintf("%s must be an RFC 3339 time or a YYYY-MM-DD date, not %q.", p.name, v))
			}
			*p.dst = t
		}
	}
	if !to.After(from) {
		return 0, nil, invalidParam("to", "to must come after from.")
	}
	u, err := s.cfg.PipelineStore.AIUsage(r.Context(), from, to)
	return http.StatusOK, List[igny8.AIUsage]{Items: nonNil(u)}, err
}
