package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/pipeline"
)

// runPipeline runs the whole content pipeline for a site through the API:
// keywords from a CSV file → clusters → ideas → tasks → content → images →
// published pages, deployed. It is what a site owner would click through
// in the dashboard, in one command, showing each job's progress.
func runPipeline(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "pipeline", "--site SLUG KEYWORDS.csv",
		"Runs the content pipeline for a site through the API (IGNY8_API_URL, IGNY8_TOKEN; `igny8 dev` prints both):\n"+
			"imports the keywords, clusters them, proposes ideas, approves up to --content of them, writes them,\n"+
			"generates their images, publishes them as pages of the site and waits until the site is live.")
	slug := fs.String("site", "", "site slug (required)")
	apiURL := fs.String("api", envOr(e, "IGNY8_API_URL", "http://localhost:8080"), "the API's base URL (IGNY8_API_URL)")
	token := fs.String("token", e.getenv("IGNY8_TOKEN"), "an editor's API token (IGNY8_TOKEN)")
	content := fs.Int("content", 10, "how many ideas to approve and write (1–100)")
	ideas := fs.Int("ideas", 4, "ideas per cluster (1–20)")
	images := fs.Int("images", 1, "in-content images per piece, besides the featured one (0–5)")
	types := fs.String("types", strings.Join(defaultTypes, ","), "entity types of the ideas: post, page, product, service, taxonomy")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one keyword CSV file (igny8 pipeline --site SLUG keywords.csv)")
	}
	if *slug == "" {
		return usagef("--site is required")
	}
	if *token == "" {
		return usagef("set IGNY8_TOKEN (or --token) to an editor's API token; `igny8 dev` prints one")
	}
	if *content < 1 || *content > 100 || *ideas < 1 || *ideas > 20 || *images < 0 || *images > 5 {
		return usagef("--content must be 1–100, --ideas 1–20, --images 0–5")
	}
	csv, err := os.ReadFile(pos[0])
	if err != nil {
		return usagef("read %s: %v", pos[0], err)
	}
	c := &pipelineClient{base: strings.TrimRight(*apiURL, "/"), token: *token, out: e.stdout, http: &http.Client{Timeout: time.Minute}}
	opts := pipelineOptions{content: *content, ideas: *ideas, images: *images}
	for _, t := range strings.Split(*types, ",") {
		if t = strings.TrimSpace(t); t != "" {
			if !slices.Contains(igny8.EntityTypes, t) {
				return usagef("--types: %q is not one of %s", t, strings.Join(igny8.EntityTypes, ", "))
			}
			opts.types = append(opts.types, t)
		}
	}
	return c.run(ctx, *slug, csv, opts)
}

// defaultTypes are the entity types igny8 pipeline asks ideas for.
var defaultTypes = []string{igny8.EntityPost, igny8.EntityPage, igny8.EntityProduct, igny8.EntityService}

// pipelineOptions are igny8 pipeline's choices.
type pipelineOptions struct {
	content, ideas, images int
	types                  []string
}

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// pipelineClient drives the pipeline through the API.
type pipelineClient struct {
	base, token string
	out         io.Writer
	http        *http.Client
	site        igny8.Site
}

func (c *pipelineClient) run(ctx context.Context, slug string, csv []byte, o pipelineOptions) error {
	if err := c.findSite(ctx, slug); err != nil {
		return err
	}
	p := fmt.Sprintf("/v1/sites/%d", c.site.ID)
	fmt.Fprintf(c.out, "site %s (%d)\n", c.site.Slug, c.site.ID)

	// Keywords.
	var rep igny8.KeywordImport
	status, body, err := c.call(ctx, "POST", p+"/keywords/import", csv, "text/csv")
	if err != nil {
		return err
	}
	switch status {
	case http.StatusCreated:
		if err := json.Unmarshal(body, &rep); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "keywords     %d added, %d already there\n", rep.Added, rep.Duplicates)
	case http.StatusAccepted:
		var j igny8.Job
		if err := json.Unmarshal(body, &j); err != nil {
			return err
		}
		if _, err := c.wait(ctx, &j); err != nil {
			return err
		}
	default:
		return apiError(status, body)
	}

	// Clusters and ideas: a step with nothing left to do says so and the
	// run goes on.
	if _, err := c.job(ctx, igny8.JobCluster, map[string]any{}, true); err != nil {
		return err
	}
	if _, err := c.job(ctx, igny8.JobIdeas, map[string]any{"count": o.ideas, "entity_types": o.types}, true); err != nil {
		return err
	}

	// Approve up to content new ideas, spreading over entity types.
	var list struct{ Items []*igny8.Idea }
	if err := c.get(ctx, p+"/ideas?status=new&limit=200", &list); err != nil {
		return err
	}
	chosen := pickIdeas(list.Items, o.content)
	var taskIDs []int64
	for _, idea := range chosen {
		var a struct{ Task *igny8.Task }
		if err := c.post(ctx, fmt.Sprintf("%s/ideas/%d/approve", p, idea.ID), map[string]any{}, &a); err != nil {
			return err
		}
		taskIDs = append(taskIDs, a.Task.ID)
	}
	fmt.Fprintf(c.out, "ideas        %d approved of %d new\n", len(taskIDs), len(list.Items))
	if len(taskIDs) == 0 {
		fmt.Fprintln(c.out, "nothing new to write")
		return nil
	}

	// Content.
	j, err := c.job(ctx, igny8.JobWrite, map[string]any{"task_ids": taskIDs}, false)
	if err != nil {
		return err
	}
	var written pipeline.WriteResult
	if err := json.Unmarshal(j.Result, &written); err != nil {
		return err
	}
	for _, f := range written.Failed {
		fmt.Fprintf(c.out, "  task %d failed: %s\n", f.ID, f.Message)
	}
	for _, id := range written.Contents {
		for _, st := range []string{igny8.ContentReview, igny8.ContentApproved} {
			if err := c.post(ctx, fmt.Sprintf("%s/contents/%d/status", p, id), map[string]string{"status": st}, nil); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(c.out, "content      %d pieces, %d words, approved\n", len(written.Contents), written.Words)

	// Internal links across the site, then SEO optimization.
	if _, err := c.job(ctx, igny8.JobLink, map[string]any{}, false); err != nil {
		return err
	}
	j, err = c.job(ctx, igny8.JobOptimize, map[string]any{"content_ids": written.Contents}, false)
	if err != nil {
		return err
	}
	var opt pipeline.OptimizeResult
	if err := json.Unmarshal(j.Result, &opt); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "optimize     %d of %d pieces scored higher and were kept\n", opt.Kept, len(opt.Optimizations))

	// Images.
	if _, err := c.job(ctx, igny8.JobImagePrompts, map[string]any{"content_ids": written.Contents, "max": o.images}, false); err != nil {
		return err
	}
	if _, err := c.job(ctx, igny8.JobImages, map[string]any{"content_ids": written.Contents}, false); err != nil {
		return err
	}

	// Publish and deploy.
	j, err = c.job(ctx, igny8.JobPublish, map[string]any{"content_ids": written.Contents}, false)
	if err != nil {
		return err
	}
	var pub pipeline.PublishResult
	if err := json.Unmarshal(j.Result, &pub); err != nil {
		return err
	}
	d, err := c.waitDeploy(ctx, pub.DeploymentID)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "deployed     %s is live (%d files); pages: %s\n", d.DeployID, d.Files, strings.Join(pub.Pages, ", "))
	var credits igny8.CreditSummary
	if err := c.get(ctx, "/v1/credits", &credits); err == nil {
		fmt.Fprintf(c.out, "credits      %d available\n", credits.Available)
	}
	return nil
}

// pickIdeas takes up to n ideas, one of each entity type in turn.
func pickIdeas(ideas []*igny8.Idea, n int) []*igny8.Idea {
	byType := map[string][]*igny8.Idea{}
	for _, i := range ideas {
		byType[i.EntityType] = append(byType[i.EntityType], i)
	}
	var out []*igny8.Idea
	for len(out) < n {
		added := false
		for _, t := range igny8.EntityTypes {
			if len(byType[t]) > 0 && len(out) < n {
				out = append(out, byType[t][0])
				byType[t] = byType[t][1:]
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

func (c *pipelineClient) findSite(ctx context.Context, slug string) error {
	cursor := ""
	for {
		var page struct {
			Items      []igny8.Site
			NextCursor string `json:"next_cursor"`
		}
		if err := c.get(ctx, "/v1/sites?limit=200"+cursor, &page); err != nil {
			return err
		}
		for _, s := range page.Items {
			if s.Slug == slug {
				c.site = s
				return nil
			}
		}
		if page.NextCursor == "" {
			return usagef("the account has no site %q", slug)
		}
		cursor = "&cursor=" + page.NextCursor
	}
}

// job starts a job and waits for it. With optional, a step refused
// because there is nothing to do is reported and skipped.
func (c *pipelineClient) job(ctx context.Context, kind string, input any, optional bool) (*igny8.Job, error) {
	in, _ := json.Marshal(input)
	body, _ := json.Marshal(map[string]any{"kind": kind, "input": json.RawMessage(in)})
	status, resp, err := c.call(ctx, "POST", fmt.Sprintf("/v1/sites/%d/jobs", c.site.ID), body, "application/json")
	if err != nil {
		return nil, err
	}
	if status == http.StatusBadRequest && optional {
		fmt.Fprintf(c.out, "%-12s skipped: %s\n", kind, problemDetail(resp))
		return nil, nil
	}
	if status != http.StatusAccepted {
		return nil, apiError(status, resp)
	}
	var j igny8.Job
	if err := json.Unmarshal(resp, &j); err != nil {
		return nil, err
	}
	return c.wait(ctx, &j)
}

// wait polls a job until it ends, printing its progress as it changes.
func (c *pipelineClient) wait(ctx context.Context, j *igny8.Job) (*igny8.Job, error) {
	last := ""
	for {
		line := fmt.Sprintf("%-12s %-9s %s %d/%d", j.Kind, j.Status, j.Step, j.Done, j.Total)
		if line != last {
			fmt.Fprintln(c.out, line)
			last = line
		}
		switch j.Status {
		case igny8.JobSucceeded:
			return j, nil
		case igny8.JobFailed, igny8.JobCancelled:
			return nil, fmt.Errorf("%s job %d %s: %s", j.Kind, j.ID, j.Status, j.Error)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		if err := c.get(ctx, fmt.Sprintf("/v1/sites/%d/jobs/%d", c.site.ID, j.ID), j); err != nil {
			return nil, err
		}
	}
}

func (c *pipelineClient) waitDeploy(ctx context.Context, id int64) (*igny8.Deployment, error) {
	var d igny8.Deployment
	for {
		if err := c.get(ctx, fmt.Sprintf("/v1/sites/%d/deploys/%d", c.site.ID, id), &d); err != nil {
			return nil, err
		}
		switch d.Status {
		case igny8.DeploymentLive:
			return &d, nil
		case igny8.DeploymentFailed:
			return nil, fmt.Errorf("deploy %d failed: %s", d.ID, d.Error)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func (c *pipelineClient) get(ctx context.Context, path string, out any) error {
	status, body, err := c.call(ctx, "GET", path, nil, "")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return apiError(status, body)
	}
	return json.Unmarshal(body, out)
}

func (c *pipelineClient) post(ctx context.Context, path string, in, out any) error {
	b, _ := json.Marshal(in)
	status, body, err := c.call(ctx, "POST", path, b, "application/json")
	if err != nil {
		return err
	}
	if status >= 300 {
		return apiError(status, body)
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

func (c *pipelineClient) call(ctx context.Context, method, path string, body []byte, contentType string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("the API at %s does not answer (is `igny8 dev` running?): %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func problemDetail(body []byte) string {
	var p struct {
		Detail string `json:"detail"`
		Errors []struct {
			Pointer, Detail string
		} `json:"errors"`
	}
	if json.Unmarshal(body, &p) != nil || p.Detail == "" {
		return strings.TrimSpace(string(body))
	}
	s := p.Detail
	for i, e := range p.Errors {
		if i == 10 {
			s += fmt.Sprintf("\n  … and %d more", len(p.Errors)-10)
			break
		}
		s += "\n  " + e.Pointer + ": " + e.Detail
	}
	return s
}

func apiError(status int, body []byte) error {
	return fmt.Errorf("the API answered %d: %s", status, problemDetail(body))
}
