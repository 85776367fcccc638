package main

import (
	"log/slog"
	"strings"

	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/ai/openai"
)

// newAIProvider picks the content pipeline's AI provider from
// IGNY8_AI_PROVIDER: "offline" (deterministic demonstration content, no
// network) or "openai" (any OpenAI-compatible API, configured by the
// IGNY8_AI_* variables; see package ai/openai). Unset, it is openai when
// any of those variables is set, else offline. A real provider never falls
// back to the offline one: its failures fail the job.
func newAIProvider(getenv func(string) string) (ai.Provider, error) {
	name := strings.ToLower(strings.TrimSpace(getenv("IGNY8_AI_PROVIDER")))
	if name == "" {
		name = "offline"
		if openai.Configured(getenv) {
			name = "openai"
		}
	}
	switch name {
	case "offline":
		return offline.New(), nil
	case "openai":
		return newOpenAI(getenv)
	}
	return nil, usagef("IGNY8_AI_PROVIDER=%q: want offline or openai (any OpenAI-compatible API)", name)
}

func newOpenAI(getenv func(string) string) (ai.Provider, error) {
	cfg, err := openai.FromEnv(getenv)
	if err != nil {
		return nil, usageError{err}
	}
	p, err := openai.New(cfg)
	if err != nil {
		return nil, usageError{err}
	}
	return p, nil
}

// logAIProvider says which provider makes the pipeline's content, loudly
// when it is the offline one.
func logAIProvider(logger *slog.Logger, p ai.Provider) {
	if p.Name() == "offline" {
		logger.Warn("AI provider: offline — the content pipeline makes deterministic demonstration content; set IGNY8_AI_API_KEY (see docs/pipeline.md) for a real model",
			slog.String("ai_provider", p.Name()))
		return
	}
	logger.Info("AI provider", slog.String("ai_provider", p.Name()))
}
