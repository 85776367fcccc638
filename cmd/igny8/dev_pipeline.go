package main

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"time"

	"github.com/igny8/igny8"
)

// demoKeywords is the keyword file of the content pipeline demo.
//
//go:embed demo_keywords.csv
var demoKeywords []byte

// demoSite is the example site the demo pipeline writes for.
const demoSite = "bakery"

// demoPipeline runs the content pipeline for the demo's bakery site through
// the API, as `igny8 pipeline` does, unless the site has content already
// (a restart does not write it again).
func demoPipeline(ctx context.Context, e *env, svc *services, dm *demo, apiAddr string) error {
	var site *igny8.Site
	for _, s := range dm.sites {
		if s.Slug == demoSite {
			site = s
		}
	}
	if site == nil {
		return nil
	}
	have, err := svc.db.Contents(dm.ctx, site.ID, igny8.ContentFilter{Limit: 1})
	if err != nil {
		return err
	}
	if len(have) > 0 {
		fmt.Fprintf(e.stdout, "%s has %s content from the pipeline already (GET /v1/sites/%d/contents).\n", site.Slug, have[0].Provider, site.ID)
		return nil
	}
	fmt.Fprintf(e.stdout, "Running the content pipeline for %s with the %s AI provider (igny8 pipeline --site %s does the same):\n", site.Slug, svc.ai.Name(), site.Slug)
	c := &pipelineClient{base: "http://" + displayAddr(apiAddr), token: dm.token, out: e.stdout, http: &http.Client{Timeout: time.Minute}}
	if err := c.run(ctx, site.Slug, demoKeywords, pipelineOptions{content: 6, ideas: 3, images: 1, types: defaultTypes}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "  see %s\n", svc.sites.SiteURL(site))
	return nil
}
