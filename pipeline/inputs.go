package pipeline

import "github.com/igny8/igny8"

// The inputs of each job kind (igny8.Job.Input) and their results.

// KeywordRow is one keyword to import.
type KeywordRow = igny8.KeywordInput

// ImportInput imports keywords into a site (and sector).
type ImportInput struct {
	SectorID *int64               `json:"sector_id,omitempty"`
	Keywords []KeywordRow         `json:"keywords"`
	Rejected []igny8.KeywordError `json:"rejected,omitempty"` // lines refused before the job, reported with its result
}

// ClusterInput clusters the site's (or sector's) keywords that are in no
// cluster yet.
type ClusterInput struct {
	SectorID *int64 `json:"sector_id,omitempty"`
}

// ClusterResult is what a clustering job made.
type ClusterResult struct {
	Keywords int     `json:"keywords"` // keywords clustered
	Requests int     `json:"requests"` // metered clustering requests
	Clusters []int64 `json:"clusters"`
	// Lexical is set when keywords were grouped by lexical similarity
	// because the provider has no embeddings.
	Lexical bool `json:"lexical"`
}

// IdeasInput asks for ideas for clusters; no ids: every cluster of the
// site without ideas.
type IdeasInput struct {
	ClusterIDs  []int64  `json:"cluster_ids,omitempty"`
	Count       int      `json:"count,omitempty"` // per cluster; default 4
	EntityTypes []string `json:"entity_types,omitempty"`
}

// IdeasResult lists the ideas made.
type IdeasResult struct {
	Ideas    []int64 `json:"ideas"`
	Clusters int     `json:"clusters"`
}

// WriteInput writes the content of tasks.
type WriteInput struct {
	TaskIDs []int64 `json:"task_ids"`
}

// WriteResult lists the content written and the tasks that failed.
type WriteResult struct {
	Contents []int64       `json:"contents"`
	Words    int           `json:"words"`
	Failed   []ItemFailure `json:"failed,omitempty"`
	// Linked and Optimized are what the steps the site's settings chain
	// after writing did (PipelineSettings.AutoLink, AutoOptimize).
	Linked    *LinkResult     `json:"linked,omitempty"`
	Optimized *OptimizeResult `json:"optimized,omitempty"`
}

// ItemFailure is one item of a job that failed while the others went on.
type ItemFailure struct {
	ID      int64  `json:"id"`
	Message string `json:"message"`
}

// ImagePromptsInput writes image prompts for content.
type ImagePromptsInput struct {
	ContentIDs []int64 `json:"content_ids"`
	// Max is the in-content images per piece, 0–5; default 2.
	Max *int `json:"max,omitempty"`
}

// ImagePromptsResult counts the prompts written.
type ImagePromptsResult struct {
	Images int           `json:"images"`
	Failed []ItemFailure `json:"failed,omitempty"`
}

// ImagesInput generates the prompted images of content.
type ImagesInput struct {
	ContentIDs []int64 `json:"content_ids"`
}

// ImagesResult counts the images generated.
type ImagesResult struct {
	Generated int           `json:"generated"`
	Failed    []ItemFailure `json:"failed,omitempty"`
}

// PublishInput publishes approved content as pages of the site, then
// builds and deploys it.
type PublishInput struct {
	ContentIDs []int64 `json:"content_ids"`
}

// PublishResult lists the pages published and the deployment.
type PublishResult struct {
	Pages        []string `json:"pages"`
	DeploymentID int64    `json:"deployment_id"`
}

// GenerateInput generates a site from a brief.
type GenerateInput struct {
	Brief igny8.Brief `json:"brief"`
	Theme string      `json:"theme,omitempty"`
}

// GenerateResult is the generated blueprint and its preview deployment.
type GenerateResult struct {
	BlueprintVersion int      `json:"blueprint_version"`
	Pages            []string `json:"pages"`
	DeploymentID     int64    `json:"deployment_id"`
}
