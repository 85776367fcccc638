package igny8

import (
	"encoding/json"
	"strings"
	"time"
	"unicode"
)

// The content pipeline's objects: a site's keywords are grouped into
// clusters, each cluster proposes ideas, an approved idea becomes a writing
// task, a task writes one Content (a blueprint page made of blocks), and
// the content's images are generated and stored as site assets. Every
// generated object records what made it (Provenance).

// Entity types: what a piece of content is, which decides its structure
// and the page type it is published as.
const (
	EntityPost     = "post"
	EntityPage     = "page"
	EntityProduct  = "product"
	EntityService  = "service"
	EntityTaxonomy = "taxonomy"
)

// EntityTypes lists the entity types.
var EntityTypes = []string{EntityPost, EntityPage, EntityProduct, EntityService, EntityTaxonomy}

// Search intents of a keyword or idea.
const (
	IntentInformational = "informational"
	IntentCommercial    = "commercial"
	IntentTransactional = "transactional"
	IntentNavigational  = "navigational"
)

// Intents lists the search intents.
var Intents = []string{IntentInformational, IntentCommercial, IntentTransactional, IntentNavigational}

// Provenance says what generated an object: the provider ("openai",
// "offline"…), its model, and the prompt and version used. Offline is set
// for everything the offline provider made (demonstration content).
type Provenance struct {
	Provider      string `json:"provider"`
	Model         string `json:"model"`
	Prompt        string `json:"prompt"`
	PromptVersion string `json:"prompt_version"`
	Offline       bool   `json:"offline"`
}

// Keyword is a search term a site wants to rank for.
type Keyword struct {
	ID         int64     `json:"id"`
	AccountID  int64     `json:"account_id"`
	SiteID     int64     `json:"site_id"`
	SectorID   *int64    `json:"sector_id"`
	Keyword    string    `json:"keyword"`
	Normalized string    `json:"normalized"` // NormalizeKeyword(Keyword): the de-duplication key
	Volume     *int64    `json:"volume"`
	Difficulty *int      `json:"difficulty"` // 0–100
	Intent     string    `json:"intent"`     // "" or one of Intents
	CPC        *float64  `json:"cpc"`
	ClusterID  *int64    `json:"cluster_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// NormalizeKeyword is the key keywords are de-duplicated by: Unicode NFC
// (done by the caller that has x/text; the root is stdlib only, so
// planner.Normalize wraps this), lower case, inner whitespace collapsed to
// one space, outer whitespace trimmed.
func NormalizeKeyword(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), " ")
}

// KeywordFilter selects keywords to list.
type KeywordFilter struct {
	SectorID  *int64
	ClusterID *int64
	Clustered *bool  // nil: both
	Search    string // substring of the normalized keyword
	Intent    string
	After     int64
	Limit     int
}

// KeywordInput is one keyword to add, as a CSV line or an API item gives
// it.
type KeywordInput struct {
	Keyword    string   `json:"keyword"`
	Volume     *int64   `json:"volume,omitempty"`
	Difficulty *int     `json:"difficulty,omitempty"`
	Intent     string   `json:"intent,omitempty"`
	CPC        *float64 `json:"cpc,omitempty"`
}

// KeywordImport is the outcome of importing keywords: how many rows were
// added, how many were already there (after normalisation) and each bad
// line with its reason.
type KeywordImport struct {
	Added      int            `json:"added"`
	Duplicates int            `json:"duplicates"`
	Rejected   []KeywordError `json:"rejected"`
	Keywords   []*Keyword     `json:"keywords,omitempty"`
}

// KeywordError is one line (or item) of an import that was refused.
type KeywordError struct {
	Line    int    `json:"line"` // 1-based line of the CSV, or item index + 1
	Keyword string `json:"keyword,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Cluster is a topic: keywords grouped by similarity, named by the AI,
// with one pillar keyword.
type Cluster struct {
	ID              int64  `json:"id"`
	AccountID       int64  `json:"account_id"`
	SiteID          int64  `json:"site_id"`
	SectorID        *int64 `json:"sector_id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	PillarKeywordID *int64 `json:"pillar_keyword_id"`
	Pillar          string `json:"pillar"` // the pillar keyword's text
	Keywords        int    `json:"keywords"`
	Ideas           int    `json:"ideas"`
	// Batch is the idempotency key of the clustering request that made
	// the cluster.
	Batch      string `json:"batch"`
	Provenance `json:"provenance"`
	CreatedAt  time.Time `json:"created_at"`
}

// Idea statuses.
const (
	IdeaNew      = "new"
	IdeaApproved = "approved"
	IdeaRejected = "rejected"
)

// Idea is a proposed piece of content for a cluster.
type Idea struct {
	ID                int64    `json:"id"`
	AccountID         int64    `json:"account_id"`
	SiteID            int64    `json:"site_id"`
	ClusterID         int64    `json:"cluster_id"`
	Title             string   `json:"title"`
	Angle             string   `json:"angle"`
	Outline           []string `json:"outline"`
	TargetKeyword     string   `json:"target_keyword"`
	SecondaryKeywords []string `json:"secondary_keywords"`
	Intent            string   `json:"intent"`
	EntityType        string   `json:"entity_type"`
	EstimatedWords    int      `json:"estimated_words"`
	Status            string   `json:"status"`
	TaskID            *int64   `json:"task_id"`
	Provenance        `json:"provenance"`
	CreatedAt         time.Time `json:"created_at"`
}

// Task statuses.
const (
	TaskQueued  = "queued"
	TaskWriting = "writing"
	TaskDone    = "done"
	TaskFailed  = "failed"
)

// Task is the writing of one approved idea.
type Task struct {
	ID         int64     `json:"id"`
	AccountID  int64     `json:"account_id"`
	SiteID     int64     `json:"site_id"`
	IdeaID     int64     `json:"idea_id"`
	Title      string    `json:"title"`
	EntityType string    `json:"entity_type"`
	WordTarget int       `json:"word_target"`
	Status     string    `json:"status"`
	ContentID  *int64    `json:"content_id"`
	Error      string    `json:"error"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Content statuses, in order.
const (
	ContentDraft     = "draft"
	ContentReview    = "review"
	ContentApproved  = "approved"
	ContentPublished = "published"
)

// Content is a written piece: a blueprint page (Page, the blueprint
// format's page object with its blocks) plus the facts the pipeline and
// the publishers need. Every edit makes a new revision.
type Content struct {
	ID              int64           `json:"id"`
	AccountID       int64           `json:"account_id"`
	SiteID          int64           `json:"site_id"`
	TaskID          *int64          `json:"task_id"`
	EntityType      string          `json:"entity_type"`
	Title           string          `json:"title"`
	Slug            string          `json:"slug"` // the page id and last path segment
	MetaTitle       string          `json:"meta_title"`
	MetaDescription string          `json:"meta_description"`
	Excerpt         string          `json:"excerpt"`
	TargetKeyword   string          `json:"target_keyword"`
	WordCount       int             `json:"word_count"`
	Status          string          `json:"status"`
	Page            json.RawMessage `json:"page"`
	Revision        int             `json:"revision"`
	Provenance      `json:"provenance"`
	PublishedAt     *time.Time `json:"published_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// ContentRevision is one saved version of a content's page.
type ContentRevision struct {
	ID        int64           `json:"id"`
	AccountID int64           `json:"account_id"`
	ContentID int64           `json:"content_id"`
	Revision  int             `json:"revision"`
	Source    string          `json:"source"` // ai, edit, optimizer, sync…
	Page      json.RawMessage `json:"page"`
	CreatedBy *int64          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
}

// ContentFilter selects content to list.
type ContentFilter struct {
	Status     string
	EntityType string
	After      int64
	Limit      int
}

// ContentImage is one image of a content piece: Position 0 is the
// featured image, 1–5 are in-content images. It is prompted first, then
// generated and stored as a site asset at AssetPath.
type ContentImage struct {
	ID          int64  `json:"id"`
	AccountID   int64  `json:"account_id"`
	SiteID      int64  `json:"site_id"`
	ContentID   int64  `json:"content_id"`
	Position    int    `json:"position"`
	Prompt      string `json:"prompt"`
	Alt         string `json:"alt"`
	Section     int    `json:"section"` // the content section it follows; 0 for featured
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	AssetPath   string `json:"asset_path"` // "" until generated
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type"`
	Provenance  `json:"provenance"`
	CreatedAt   time.Time `json:"created_at"`
}

// AI call outcomes.
const (
	CallOK          = "ok"
	CallRateLimited = "rate_limited"
	CallQuota       = "quota_exhausted"
	CallRefused     = "refused"
	CallBadRequest  = "bad_request"
	CallUnavailable = "unavailable"
	CallInvalid     = "invalid_output"
	CallCancelled   = "cancelled"
)

// AICall records one request to an AI provider, for cost reporting per
// account and model.
type AICall struct {
	ID            int64     `json:"id"`
	AccountID     int64     `json:"account_id"`
	SiteID        *int64    `json:"site_id"`
	JobID         *int64    `json:"job_id"`
	Operation     string    `json:"operation"` // chat, embedding, image
	Prompt        string    `json:"prompt"`
	PromptVersion string    `json:"prompt_version"`
	Provider      string    `json:"provider"`
	Model         string    `json:"model"`
	TokensIn      int       `json:"tokens_in"`
	TokensOut     int       `json:"tokens_out"`
	LatencyMS     int       `json:"latency_ms"`
	Outcome       string    `json:"outcome"`
	Error         string    `json:"error"`
	CreatedAt     time.Time `json:"created_at"`
}

// AIUsage is the AI calls of an account summed by provider and model.
type AIUsage struct {
	Provider  string `json:"provider"`
	Model     string `json:"model"`
	Calls     int64  `json:"calls"`
	Failed    int64  `json:"failed"`
	TokensIn  int64  `json:"tokens_in"`
	TokensOut int64  `json:"tokens_out"`
}

// PromptOverride is an account's own text for one of the embedded prompts.
// The newest version is the one in use; Version counts the account's
// overrides of that prompt.
type PromptOverride struct {
	ID        int64     `json:"id"`
	AccountID int64     `json:"account_id"`
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	System    string    `json:"system"`
	User      string    `json:"user"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// PromptInfo is an embedded prompt as the API shows it, with the
// account's override when it has one.
type PromptInfo struct {
	Name     string          `json:"name"`
	Version  string          `json:"version"`
	System   string          `json:"system"`
	User     string          `json:"user"`
	Schema   json.RawMessage `json:"schema"`
	Override *PromptOverride `json:"override"`
}

// Pipeline job kinds: each is one background step of the pipeline.
const (
	JobKeywordImport = "keyword_import"
	JobCluster       = "cluster"
	JobIdeas         = "ideas"
	JobWrite         = "write"
	JobImagePrompts  = "image_prompts"
	JobImages        = "images"
	JobPublish       = "publish"
	JobGenerateSite  = "generate_site"
)

// Pipeline job statuses.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// Job is one background step of the content pipeline, as the API shows
// it: its kind, what it was asked (Input), where it is (Step, Done of
// Total), and how it ended (Result or Error).
type Job struct {
	ID        int64           `json:"id"`
	AccountID int64           `json:"account_id"`
	SiteID    int64           `json:"site_id"`
	Kind      string          `json:"kind"`
	Status    string          `json:"status"`
	Step      string          `json:"step"`
	Done      int             `json:"done"`
	Total     int             `json:"total"`
	Input     json.RawMessage `json:"input"`
	Result    json.RawMessage `json:"result"`
	Error     string          `json:"error"`
	Cancel    bool            `json:"cancel_requested"`
	Attempts  int             `json:"attempts"`
	CreatedBy *int64          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	StartedAt *time.Time      `json:"started_at"`
	EndedAt   *time.Time      `json:"ended_at"`
}

// Finished reports whether the job has ended.
func (j *Job) Finished() bool {
	return j.Status == JobSucceeded || j.Status == JobFailed || j.Status == JobCancelled
}

// Brief is a business brief that site generation turns into a site.
type Brief struct {
	Name     string   `json:"name"`
	Industry string   `json:"industry"`
	Audience string   `json:"audience"`
	Offer    string   `json:"offer"`
	Tone     string   `json:"tone"`
	Locale   string   `json:"locale"`
	Pages    []string `json:"pages"` // page kinds or titles wanted; empty: a sensible set
}
