package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/pipeline"
)

// runPublish publishes a site's content to one of its integrations
// through the API: a distribute job, with its progress and outcome.
func runPublish(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "publish", "--site SLUG --integration ID [--content ID,ID…]",
		"Publishes a site's content to one of its integrations through the API (IGNY8_API_URL, IGNY8_TOKEN):\n"+
			"the pieces given, or every approved and published piece. Each piece is sent once per version;\n"+
			"pieces already there in their current version are left alone. Today only custom APIs receive content.")
	slug := fs.String("site", "", "site slug (required)")
	integration := fs.Int64("integration", 0, "the integration to publish to (GET /v1/sites/{id}/integrations lists them; required)")
	content := fs.String("content", "", "content ids, comma-separated; default every approved and published piece")
	apiURL := fs.String("api", envOr(e, "IGNY8_API_URL", "http://localhost:8080"), "the API's base URL (IGNY8_API_URL)")
	token := fs.String("token", e.getenv("IGNY8_TOKEN"), "an editor's API token (IGNY8_TOKEN)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *slug == "":
		return usagef("--site is required")
	case *integration <= 0:
		return usagef("--integration is required: the id of one of the site's integrations")
	case *token == "":
		return usagef("set IGNY8_TOKEN (or --token) to an editor's API token; `igny8 dev` prints one")
	}
	var ids []int64
	for _, s := range strings.Split(*content, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return usagef("--content: %q is not a content id", s)
		}
		ids = append(ids, id)
	}
	c := &pipelineClient{base: strings.TrimRight(*apiURL, "/"), token: *token, out: e.stdout, http: &http.Client{Timeout: time.Minute}}
	if err := c.findSite(ctx, *slug); err != nil {
		return err
	}
	if len(ids) == 0 {
		for _, st := range []string{igny8.ContentApproved, igny8.ContentPublished} {
			var page struct{ Items []igny8.Content }
			if err := c.get(ctx, fmt.Sprintf("/v1/sites/%d/contents?status=%s&limit=200", c.site.ID, st), &page); err != nil {
				return err
			}
			for _, ct := range page.Items {
				ids = append(ids, ct.ID)
			}
		}
		slices.Sort(ids)
		if len(ids) == 0 {
			return usagef("site %s has no approved or published content to publish", *slug)
		}
	}
	j, err := c.job(ctx, igny8.JobDistribute, pipeline.DistributeInput{IntegrationID: *integration, ContentIDs: ids}, false)
	if err != nil {
		return err
	}
	var res pipeline.DistributeResult
	if err := json.Unmarshal(j.Result, &res); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "published     %d new, %d updated, %d unchanged, %d failed\n", res.Created, res.Updated, res.Unchanged, len(res.Failed))
	for _, f := range res.Failed {
		fmt.Fprintf(e.stdout, "  content %d: %s\n", f.ID, f.Message)
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("%d of %d pieces were not published (see above; GET /v1/sites/%d/publishing-records keeps why)", len(res.Failed), len(ids), c.site.ID)
	}
	return nil
}
