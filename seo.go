package igny8

import (
	"encoding/json"
	"time"
)

// Pipeline job kinds of internal linking and SEO optimization.
const (
	JobLink     = "link"
	JobOptimize = "optimize"
)

// PipelineSettings are a site's choices for its content pipeline: whether
// writing is followed by linking and optimization, and the linker's rules.
type PipelineSettings struct {
	SiteID       int64 `json:"site_id"`
	AutoLink     bool  `json:"auto_link"`
	AutoOptimize bool  `json:"auto_optimize"`
	// WordsPerLink bounds the linker's density: at most one link per this
	// many words of a page.
	WordsPerLink int `json:"words_per_link"`
	// MinLinks and MaxLinks are the report's bounds of a page's links
	// (fewer is "too few", more "too many").
	MinLinks int `json:"min_links"`
	MaxLinks int `json:"max_links"`
	// Related is how many other pages the linker lists in each piece's
	// related block (0: no related blocks).
	Related int `json:"related"`
	// MaxPerTarget is how many links a page may carry to one other page.
	MaxPerTarget int `json:"max_per_target"`
	// PreferPillar links each page to its cluster's pillar page first.
	PreferPillar bool `json:"prefer_pillar"`
	// VaryAnchors has the linker take, of the words a page could link to
	// a target with, those the site uses least for it.
	VaryAnchors bool      `json:"vary_anchors"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// DefaultPipelineSettings are the settings of a site that has chosen none.
func DefaultPipelineSettings(siteID int64) PipelineSettings {
	return PipelineSettings{SiteID: siteID, WordsPerLink: 150, MinLinks: 2, MaxLinks: 15, Related: 3,
		MaxPerTarget: 1, PreferPillar: true, VaryAnchors: true}
}

// Link types.
const (
	LinkContextual = "contextual"
	LinkRelated    = "related"
	LinkPillar     = "pillar"
)

// ContentLink is an internal link the linker placed in a content's blocks:
// Anchor, in the Field of block Block, at byte Offset, to Target's page.
type ContentLink struct {
	ID            int64     `json:"id"`
	AccountID     int64     `json:"account_id"`
	SiteID        int64     `json:"site_id"`
	SourceID      int64     `json:"source_id"`
	TargetID      int64     `json:"target_id"`
	TargetPage    string    `json:"target_page"`
	Anchor        string    `json:"anchor"`
	Block         string    `json:"block"`
	Field         string    `json:"field"`
	Offset        int       `json:"offset"`
	Type          string    `json:"type"`
	LinkerVersion string    `json:"linker_version"`
	CreatedAt     time.Time `json:"created_at"`
}

// LinkReport is a site's internal links at a glance.
type LinkReport struct {
	Pages   []PageLinks `json:"pages"`
	Orphans int         `json:"orphans"`
	TooFew  int         `json:"too_few"`
	TooMany int         `json:"too_many"`
}

// PageLinks is one page's links in a LinkReport.
type PageLinks struct {
	ContentID int64   `json:"content_id"`
	Page      string  `json:"page"`
	Title     string  `json:"title"`
	Inbound   int     `json:"inbound"`
	Outbound  int     `json:"outbound"`
	Orphan    bool    `json:"orphan"`
	TooFew    bool    `json:"too_few"`
	TooMany   bool    `json:"too_many"`
	Related   []int64 `json:"related"` // content ids, most related first
}

// SEO check verdicts.
const (
	VerdictGood    = "good"
	VerdictImprove = "improve"
	VerdictProblem = "problem"
)

// SEOAnalysis is a content piece's analysis for its focus keyword.
type SEOAnalysis struct {
	Keyword string     `json:"keyword"`
	Locale  string     `json:"locale"`
	Score   int        `json:"score"` // 0–100
	Checks  []SEOCheck `json:"checks"`
}

// SEOCheck is one check of an analysis.
type SEOCheck struct {
	ID      string         `json:"id"`
	Group   string         `json:"group"` // seo or readability
	Verdict string         `json:"verdict"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// CheckChange is a check whose verdict an optimization changed.
type CheckChange struct {
	ID     string `json:"id"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Optimization is one optimization of a content piece: its scores and
// pages before and after, the checks that changed, and whether the result
// was kept (only a higher score is) or later reverted.
type Optimization struct {
	ID             int64           `json:"id"`
	AccountID      int64           `json:"account_id"`
	SiteID         int64           `json:"site_id"`
	ContentID      int64           `json:"content_id"`
	JobID          *int64          `json:"job_id"`
	Keyword        string          `json:"keyword"`
	ScoreBefore    int             `json:"score_before"`
	ScoreAfter     int             `json:"score_after"`
	Kept           bool            `json:"kept"`
	Checks         []CheckChange   `json:"checks"`
	PageBefore     json.RawMessage `json:"page_before"`
	PageAfter      json.RawMessage `json:"page_after"`
	RevisionBefore int             `json:"revision_before"`
	RevisionAfter  *int            `json:"revision_after"`
	Provenance     `json:"provenance"`
	RevertedAt     *time.Time `json:"reverted_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

// ContentTopic is where a content piece written from a task sits in the
// plan: its idea's secondary keywords, and its cluster with the cluster's
// pillar keyword ("" when none). The linker reads these for every piece.
type ContentTopic struct {
	ContentID         int64
	ClusterID         int64
	Pillar            string
	SecondaryKeywords []string
}
