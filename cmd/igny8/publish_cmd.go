package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/publishing"
)

// runPublish publishes a site's content to one of its integrations
// through the API: a distribute job, with its progress and outcome.
func runPublish(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "publish", "--site SLUG --integration ID [--content ID,ID…]",
		"Publishes a site's content to one of its integrations through the API (IGNY8_API_URL, IGNY8_TOKEN):\n"+
			"the pieces given, or every approved and published piece. Each piece is sent once per version;\n"+
			"pieces already there in their current version are left alone. WordPress sites (with WooCommerce for\n"+
			"products) and custom APIs receive content.")
	f := integrationFlags(e, fs, "to publish to")
	content := fs.String("content", "", "content ids, comma-separated; default every approved and published piece")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := f.client(ctx, e)
	if err != nil {
		return err
	}
	slug, integration := f.slug, f.integration
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
	if res.Relinked > 0 {
		fmt.Fprintf(e.stdout, "relinked      %d written again, now that pages they link to are there\n", res.Relinked)
	}
	for _, f := range res.Failed {
		fmt.Fprintf(e.stdout, "  content %d: %s\n", f.ID, f.Message)
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("%d of %d pieces were not published (see above; GET /v1/sites/%d/publishing-records keeps why)", len(res.Failed), len(ids), c.site.ID)
	}
	return nil
}

// runSync syncs a site's integration through the API: a sync job (or an
// import job, with --import), with what it found.
func runSync(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "sync", "--site SLUG --integration ID [--import]",
		"Syncs a site's integration through the API (IGNY8_API_URL, IGNY8_TOKEN): edits made there since the\n"+
			"last sync come back as new revisions, edits on both sides become conflicts (resolve them with\n"+
			"POST /v1/sites/{id}/publishing-records/{record}/resolve), deletions there are marked. With --import,\n"+
			"it imports instead: every post and page there that IGNY8 does not have becomes a draft.")
	f := integrationFlags(e, fs, "to sync")
	importing := fs.Bool("import", false, "import what the platform holds instead of syncing")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := f.client(ctx, e)
	if err != nil {
		return err
	}
	integration := f.integration
	kind := igny8.JobSync
	if *importing {
		kind = igny8.JobImport
	}
	j, err := c.job(ctx, kind, pipeline.IntegrationInput{IntegrationID: *integration}, false)
	if err != nil {
		return err
	}
	if *importing {
		var res publishing.ImportResult
		if err := json.Unmarshal(j.Result, &res); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "imported      %d new drafts, %d already in IGNY8, %d skipped\n", len(res.Imported), res.Known, len(res.Skipped))
		for _, s := range res.Skipped {
			fmt.Fprintf(e.stdout, "  remote %s: %s\n", s.RemoteID, s.Reason)
		}
		return nil
	}
	var res publishing.SyncResult
	if err := json.Unmarshal(j.Result, &res); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "synced        %d changed there, %d brought back, %d conflicts, %d deleted there\n",
		res.Checked, len(res.Pulled), len(res.Conflicts), len(res.Deleted))
	if n := len(res.Conflicts) + len(res.Deleted); n > 0 {
		fmt.Fprintf(e.stdout, "  GET /v1/sites/%d/conflicts lists them; resolve each with POST /v1/sites/%d/publishing-records/{id}/resolve {\"keep\": \"igny8\"|\"remote\"}\n", c.site.ID, c.site.ID)
	}
	return nil
}

// integrationCmd is the flags of a command on one integration of a site,
// through the API.
type integrationCmd struct {
	slug          *string
	integration   *int64
	apiURL, token *string
}

// integrationFlags defines them on fs; what says what the command does
// with the integration ("to sync").
func integrationFlags(e *env, fs *flag.FlagSet, what string) *integrationCmd {
	return &integrationCmd{
		slug:        fs.String("site", "", "site slug (required)"),
		integration: fs.Int64("integration", 0, "the integration "+what+" (GET /v1/sites/{id}/integrations lists them; required)"),
		apiURL:      fs.String("api", envOr(e, "IGNY8_API_URL", "http://localhost:8080"), "the API's base URL (IGNY8_API_URL)"),
		token:       fs.String("token", e.getenv("IGNY8_TOKEN"), "an editor's API token (IGNY8_TOKEN)"),
	}
}

// client checks the flags and returns an API client on the site.
func (f *integrationCmd) client(ctx context.Context, e *env) (*pipelineClient, error) {
	switch {
	case *f.slug == "":
		return nil, usagef("--site is required")
	case *f.integration <= 0:
		return nil, usagef("--integration is required: the id of one of the site's integrations")
	case *f.token == "":
		return nil, usagef("set IGNY8_TOKEN (or --token) to an editor's API token; `igny8 dev` prints one")
	}
	c := &pipelineClient{base: strings.TrimRight(*f.apiURL, "/"), token: *f.token, out: e.stdout, http: &http.Client{Timeout: time.Minute}}
	if err := c.findSite(ctx, *f.slug); err != nil {
		return nil, err
	}
	return c, nil
}
