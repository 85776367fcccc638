package pipeline

import (
	"context"
	"encoding/json"

	"github.com/igny8/igny8"
)

// Store is the control plane as the pipeline uses it (*postgres.DB
// implements it). Every method acts for the account of the actor in ctx
// and finds only that account's rows: another account's id is not_found.
// Methods that write what a job made are idempotent, so a redelivered job
// that repeats a write finds the first one instead of adding a second.
type Store interface {
	Site(ctx context.Context, id int64) (*igny8.Site, error)
	// ActiveBlueprintJSON returns the site's active blueprint and version.
	ActiveBlueprintJSON(ctx context.Context, siteID int64) ([]byte, int, error)

	// Job returns one job of the actor's account.
	Job(ctx context.Context, id int64) (*igny8.Job, error)
	// StartJob moves a queued or running job to running and counts the
	// attempt; a finished job is returned unchanged.
	StartJob(ctx context.Context, id int64) (*igny8.Job, error)
	// JobProgress records where a running job is.
	JobProgress(ctx context.Context, id int64, step string, done, total int) error
	// FinishJob ends a job (succeeded, failed or cancelled) with its result
	// or error message, once: a finished job is returned unchanged.
	FinishJob(ctx context.Context, id int64, status string, result json.RawMessage, msg string) (*igny8.Job, error)
	// JobCancelled reports whether the job's cancellation was asked for.
	JobCancelled(ctx context.Context, id int64) (bool, error)

	// AddKeywords inserts keywords (SiteID, SectorID, Keyword, Normalized
	// and the metrics set by the caller), skipping those whose normalized
	// text the site's sector already has (or that repeat in the list).
	// Added keywords get their ID and CreatedAt; added + duplicates ==
	// len(kws).
	AddKeywords(ctx context.Context, siteID int64, kws []*igny8.Keyword) (added, duplicates int, err error)
	Keywords(ctx context.Context, siteID int64, f igny8.KeywordFilter) ([]*igny8.Keyword, error)

	// SaveClusters writes the clusters of one clustering request, named by
	// batchKey, and assigns members[i] (keyword ids) to clusters[i]. When
	// the site already has clusters of batchKey it returns them and
	// changes nothing. A keyword already in a cluster is left where it is.
	SaveClusters(ctx context.Context, siteID int64, batchKey string, clusters []*igny8.Cluster, members [][]int64) ([]*igny8.Cluster, error)
	Cluster(ctx context.Context, siteID, id int64) (*igny8.Cluster, error)
	Clusters(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Cluster, error)

	// SaveIdeas writes a cluster's ideas, once: when the cluster has ideas
	// already it returns them and changes nothing.
	SaveIdeas(ctx context.Context, siteID, clusterID int64, ideas []*igny8.Idea) ([]*igny8.Idea, error)
	Idea(ctx context.Context, siteID, id int64) (*igny8.Idea, error)
	Ideas(ctx context.Context, siteID int64, clusterID *int64, status string, after int64, limit int) ([]*igny8.Idea, error)
	// Integration returns one integration of the site (not_found if the
	// site has no such integration).
	Integration(ctx context.Context, siteID, id int64) (*igny8.Integration, error)
	// ContentKeywords returns the target keyword of every content piece
	// of the site, by content id.
	ContentKeywords(ctx context.Context, siteID int64) (map[int64]string, error)
	// ContentTopics returns the plan of every content piece of the site
	// that was written from a task, by content id, in one read.
	ContentTopics(ctx context.Context, siteID int64) (map[int64]igny8.ContentTopic, error)
	// ApproveIdea approves an idea and makes its writing task (wordTarget
	// words, 0 for the idea's estimate); approving it again returns the
	// same task.
	ApproveIdea(ctx context.Context, siteID, id int64, wordTarget int) (*igny8.Idea, *igny8.Task, error)

	Task(ctx context.Context, siteID, id int64) (*igny8.Task, error)
	// SetTaskStatus moves a task to writing or failed (with msg).
	SetTaskStatus(ctx context.Context, siteID, id int64, status, msg string) error
	// SaveTaskContent writes the content a task produced, its first
	// revision (source "ai"), and marks the task done, once: when the task
	// has content already it returns that with created false. A slug the
	// site already uses gets -2, -3… appended.
	SaveTaskContent(ctx context.Context, siteID, taskID int64, c *igny8.Content) (*igny8.Content, bool, error)
	Content(ctx context.Context, siteID, id int64) (*igny8.Content, error)
	Contents(ctx context.Context, siteID int64, f igny8.ContentFilter) ([]*igny8.Content, error)
	// ReviseContent replaces a content's page and the facts derived from it
	// (title, meta, excerpt, word count…) as a new revision from source.
	// expect, when not 0, is the revision the change was made on: another
	// revision since is a conflict.
	ReviseContent(ctx context.Context, siteID, id int64, c *igny8.Content, source string, expect int) (*igny8.Content, error)
	// SetContentStatus moves a content along draft → review → approved →
	// published (or back to draft); published also sets published_at.
	SetContentStatus(ctx context.Context, siteID, id int64, status string) (*igny8.Content, error)

	// SaveImagePrompts writes a content's image rows (prompted, not
	// generated), once: when the content has images already it returns
	// them and changes nothing.
	SaveImagePrompts(ctx context.Context, siteID, contentID int64, imgs []*igny8.ContentImage) ([]*igny8.ContentImage, error)
	ContentImages(ctx context.Context, siteID, contentID int64) ([]*igny8.ContentImage, error)
	// SetImageGenerated records where a generated image is stored.
	SetImageGenerated(ctx context.Context, siteID int64, img *igny8.ContentImage) error

	// PutPage creates or replaces a page of the site's active blueprint
	// (the page JSON's id names it); check validates the whole blueprint.
	PutPage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check func(doc []byte) error) (*igny8.PageBlueprint, bool, error)
	// PutPages puts several pages at once, checking the whole blueprint
	// once.
	PutPages(ctx context.Context, siteID int64, pages []json.RawMessage, check func(doc []byte) error) error

	// PutBlueprintAssets adds or replaces entries of the active blueprint's
	// "assets" object (asset id → the asset JSON, e.g. {"path": "…",
	// "alt": "…"}), checking the whole blueprint with check.
	PutBlueprintAssets(ctx context.Context, siteID int64, assets map[string]json.RawMessage, check func(doc []byte) error) error
	// SaveGeneratedBlueprint saves doc (a valid blueprint) as the site's
	// active blueprint for the site-generation job jobID, once: a job that
	// saved one already gets that version back.
	SaveGeneratedBlueprint(ctx context.Context, siteID, jobID int64, doc []byte) (*igny8.SiteBlueprint, error)

	// The linker's and optimizer's records (see package postgres).
	PipelineSettings(ctx context.Context, siteID int64) (*igny8.PipelineSettings, error)
	Links(ctx context.Context, siteID int64, sourceID *int64) ([]*igny8.ContentLink, error)
	ApplyLinks(ctx context.Context, siteID, sourceID int64, page *igny8.Content, expect int, links []*igny8.ContentLink) (*igny8.Content, error)
	ApplyOptimization(ctx context.Context, o *igny8.Optimization, key string, improved *igny8.Content) (*igny8.Optimization, bool, error)
	Optimization(ctx context.Context, siteID, id int64) (*igny8.Optimization, error)
	RevertOptimization(ctx context.Context, siteID, id int64, before *igny8.Content) (*igny8.Optimization, *igny8.Content, error)
}
