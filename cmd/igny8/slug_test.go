package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres/pgtest"
	"github.com/igny8/igny8/storage/s3/s3test"
)

// limitSlug returns a new slug of exactly igny8.MaxSiteSlugLen characters
// (MinIO's routes bucket outlives test runs, so each run takes new ones).
func limitSlug(t *testing.T) string {
	b := make([]byte, igny8.MaxSiteSlugLen/2)
	rand.Read(b)
	s := "s" + hex.EncodeToString(b)
	return s[:igny8.MaxSiteSlugLen]
}

// The one slug rule holds at its limit on the real S3 backend, through
// every door: a slug of MaxSiteSlugLen characters deploys from the CLI and
// through the API's job into MinIO (a bucket per site), and the edge
// serves it at its host and at its preview host, whose first label is then
// exactly 63 characters long; one character more is refused by both doors
// before anything is stored.
func TestSlugAtTheLimitOnS3(t *testing.T) {
	s3 := s3test.Config(t)
	vars := map[string]string{
		"IGNY8_STORAGE": "s3://", "IGNY8_S3_ENDPOINT": s3.Endpoint, "IGNY8_S3_ACCESS_KEY": s3.AccessKey,
		"IGNY8_S3_SECRET_KEY": s3.SecretKey, "IGNY8_S3_REGION": s3.Region,
	}
	p := startPlatform(t, vars)

	// The CLI alone (no database): the site's storage is named after it.
	cliSlug := limitSlug(t)
	cliVars := map[string]string{}
	for k, v := range vars {
		cliVars[k] = v
	}
	cliVars["IGNY8_EDGE_ADDR"] = p.vars["IGNY8_EDGE_ADDR"]
	code, stdout, stderr := runEnv(t, cliVars, "deploy", fixture, "--site", cliSlug)
	if code != exitOK {
		t.Fatalf("igny8 deploy --site %s: exit %d\n%s%s", cliSlug, code, stdout, stderr)
	}
	cliDeploy := regexp.MustCompile(`Deploy (\S+):`).FindStringSubmatch(stdout)[1]
	p.edgeShows(cliSlug+".localhost", "/blocks/", 200, "")
	preview := strings.ToLower(cliDeploy) + "--" + cliSlug
	if len(preview) != 63 {
		t.Fatalf("preview label %q is %d characters, want 63 (a DNS label's limit)", preview, len(preview))
	}
	p.edgeShows(preview+".localhost", "/blocks/", 200, "")

	// Through the API and the build job.
	tok := p.account("limits")
	apiSlug := limitSlug(t)
	var site igny8.Site
	p.api.call(tok, "POST", "/v1/sites", map[string]any{"slug": apiSlug, "name": "At the limit"}, 201, &site)
	d := p.deploy(tok, site.ID, e2eBlueprint("At the limit"))
	p.edgeShows(apiSlug+".localhost", "/", 200, "At the limit")
	p.edgeShows(strings.ToLower(d.DeployID)+"--"+apiSlug+".localhost", "/", 200, "At the limit")

	// One more character: refused at each door.
	long := apiSlug + "x"
	p.api.call(tok, "POST", "/v1/sites", map[string]any{"slug": long, "name": "Too long"}, 400, nil)
	code, _, stderr = runEnv(t, cliVars, "deploy", fixture, "--site", long)
	if code != exitUsage || !strings.Contains(stderr, fmt.Sprintf("1 to %d lowercase letters", igny8.MaxSiteSlugLen)) {
		t.Errorf("igny8 deploy --site <%d characters>: exit %d, %q; want a usage error giving the rule", len(long), code, stderr)
	}
}

// deploys and rollback of a site that does not exist fail, whether or
// not a database knows the sites.
func TestUnknownSiteIsAnError(t *testing.T) {
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + t.TempDir()}
	for _, args := range [][]string{{"deploys", "--site", "nosuch"}, {"rollback", "--site", "nosuch"}} {
		code, stdout, stderr := runEnv(t, vars, args...)
		if code != exitFailure || !strings.Contains(stderr, `There is no site "nosuch"`) {
			t.Errorf("igny8 %s without a database: exit %d, %q %q; want exit 1 saying there is no such site", args[0], code, stdout, stderr)
		}
	}
	vars["DATABASE_URL"] = pgtest.URL(t)
	code, stdout, stderr := runEnv(t, vars, "deploys", "--site", "nosuch")
	if code != exitFailure || !strings.Contains(stderr, `No site has the slug "nosuch"`) {
		t.Errorf("igny8 deploys with a database: exit %d, %q %q; want exit 1 saying no site has the slug", code, stdout, stderr)
	}
}
