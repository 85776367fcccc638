package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/igny8/igny8"
)

// PipelineStore reads and changes the content pipeline's objects
// (*postgres.DB implements it). Every method acts for the actor's account;
// another account's ids are not_found.
type PipelineStore interface {
	Keywords(ctx context.Context, siteID int64, f igny8.KeywordFilter) ([]*igny8.Keyword, error)
	DeleteKeyword(ctx context.Context, siteID, id int64) error
	Clusters(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Cluster, error)
	Cluster(ctx context.Context, siteID, id int64) (*igny8.Cluster, error)
	Ideas(ctx context.Context, siteID int64, clusterID *int64, status string, after int64, limit int) ([]*igny8.Idea, error)
	Idea(ctx context.Context, siteID, id int64) (*igny8.Idea, error)
	ApproveIdea(ctx context.Context, siteID, id int64, wordTarget int) (*igny8.Idea, *igny8.Task, error)
	RejectIdea(ctx context.Context, siteID, id int64) (*igny8.Idea, error)
	Tasks(ctx context.Context, siteID int64, status string, after int64, limit int) ([]*igny8.Task, error)
	Task(ctx context.Context, siteID, id int64) (*igny8.Task, error)
	Contents(ctx context.Context, siteID int64, f igny8.ContentFilter) ([]*igny8.Content, error)
	Content(ctx context.Context, siteID, id int64) (*igny8.Content, error)
	SetContentStatus(ctx context.Context, siteID, id int64, status string) (*igny8.Content, error)
	ContentRevisions(ctx context.Context, siteID, contentID int64) ([]*igny8.ContentRevision, error)
	ContentImages(ctx context.Context, siteID, contentID int64) ([]*igny8.ContentImage, error)
	Jobs(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Job, error)
	Job(ctx context.Context, id int64) (*igny8.Job, error)
	CancelJob(ctx context.Context, siteID, id int64) (*igny8.Job, error)
	AICalls(ctx context.Context, siteID *int64, after int64, limit int) ([]*igny8.AICall, error)
	AIUsage(ctx context.Context, from, to time.Time) ([]igny8.AIUsage, error)
	PromptOverride(ctx context.Context, name string) (*igny8.PromptOverride, error)
	PutPromptOverride(ctx context.Context, o *igny8.PromptOverride) error
	DeletePromptOverrides(ctx context.Context, name string) (int, error)
	Links(ctx context.Context, siteID int64, sourceID *int64) ([]*igny8.ContentLink, error)
	Optimizations(ctx context.Context, siteID, contentID int64) ([]*igny8.Optimization, error)
	PipelineSettings(ctx context.Context, siteID int64) (*igny8.PipelineSettings, error)
	PutPipelineSettings(ctx context.Context, s *igny8.PipelineSettings) error
}

// Pipeline is the content pipeline's logic the API calls (*pipeline.Service
// implements it): imports, jobs started only when the account has the
// credits, content edits validated like the build validates them.
type Pipeline interface {
	ImportKeywords(ctx context.Context, siteID int64, sectorID *int64, csv []byte, items []igny8.KeywordInput) (*igny8.KeywordImport, *igny8.Job, error)
	StartJob(ctx context.Context, siteID int64, kind string, input json.RawMessage) (*igny8.Job, error)
	EditContent(ctx context.Context, siteID, id int64, page json.RawMessage, expect int) (*igny8.Content, error)
	Prompts() []igny8.PromptInfo
	CheckPromptOverride(name, system, user string) error
	// Analyze analyzes content id (or page, an unsaved version of its
	// page) for keyword (or its target keyword).
	Analyze(ctx context.Context, siteID, id int64, keyword string, page json.RawMessage) (*igny8.SEOAnalysis, error)
	RevertOptimization(ctx context.Context, siteID, id int64) (*igny8.Content, error)
	LinkReport(ctx context.Context, siteID int64) (*igny8.LinkReport, error)
}

// pipelineRoutes are the content pipeline's routes; on a server without
// the pipeline each answers 501.
func (s *server) pipelineRoutes() []*route {
	rs := slices.Concat(s.keywordRoutes(), s.plannerRoutes(), s.contentRoutes(), s.jobRoutes(), s.seoRoutes(), s.aiRoutes())
	return unless(rs, func() bool { return s.cfg.Pipeline != nil && s.cfg.PipelineStore != nil }, "The content pipeline is not configured on this server.")
}

// unless makes routes answer 501 with msg while configured says the
// server lacks what they need.
func unless(rs []*route, configured func() bool, msg string) []*route {
	for _, rt := range rs {
		serve := rt.serve
		rt.serve = func(w http.ResponseWriter, r *http.Request) (int, any, error) {
			if !configured() {
				return 0, nil, problem(CodeNotImplemented, msg)
			}
			return serve(w, r)
		}
	}
	return rs
}
