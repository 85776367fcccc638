package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

// edgeWithin waits at most limit for the edge to answer path at host with
// status: what "within the poll interval" means for a change.
func (p *platform) edgeWithin(limit time.Duration, host, path string, status int, want string) {
	p.t.Helper()
	start := time.Now()
	for {
		body, got := p.edge(host, path)
		if got == status && strings.Contains(body, want) {
			return
		}
		if time.Since(start) > limit {
			p.t.Fatalf("%s%s: after %s the edge still answers %d, want %d with %q:\n%.300s", host, path, limit, got, status, want, body)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// pollInterval is the edge's poll interval plus the time of one request:
// the longest a change may take to reach an edge that missed the Redis
// announcement.
const pollInterval = 2*time.Second + 500*time.Millisecond

// A deleted site stops being served at once, at its own host, its custom
// domain and its preview hosts; another account that makes a site with the
// freed slug sees none of the old site's deploys, by rollback, by deploy
// id, by preview host or through the history, and serves only its own.
func TestSiteLifecycleAcrossAccounts(t *testing.T) {
	p := startPlatform(t, map[string]string{"IGNY8_SITE_PURGE_GRACE": "1h"})
	alpha, beta := p.account("alpha"), p.account("beta")

	var old igny8.Site
	p.api.call(alpha, "POST", "/v1/sites", map[string]any{"slug": "shop", "name": "Alpha's shop"}, 201, &old)
	one := p.deploy(alpha, old.ID, e2eBlueprint("Alpha one"))
	two := p.deploy(alpha, old.ID, e2eBlueprint("Alpha two"))
	p.edgeShows("shop.localhost", "/", 200, "Alpha two")
	previewOne := strings.ToLower(one.DeployID) + "--shop.localhost"
	previewTwo := strings.ToLower(two.DeployID) + "--shop.localhost"
	p.edgeShows(previewOne, "/", 200, "Alpha one")

	base := fmt.Sprintf("/v1/sites/%d", old.ID)
	var dom igny8.Domain
	p.api.call(alpha, "POST", base+"/domains", map[string]any{"hostname": "www.alpha-shop.example"}, 201, &dom)
	p.setTXT("_igny8.www.alpha-shop.example", dom.VerificationToken)
	p.api.call(alpha, "POST", fmt.Sprintf("%s/domains/%d/verify", base, dom.ID), nil, 200, &dom)
	p.edgeShows("www.alpha-shop.example", "/", 200, "Alpha two")

	p.api.call(alpha, "DELETE", base, nil, 204, nil)
	for _, host := range []string{"shop.localhost", "www.alpha-shop.example", previewOne, previewTwo} {
		p.edgeWithin(pollInterval, host, "/", 404, "")
	}
	p.api.call(alpha, "GET", base, nil, 404, nil)

	// Beta takes the slug.
	var renewed igny8.Site
	p.api.call(beta, "POST", "/v1/sites", map[string]any{"slug": "shop", "name": "Beta's shop"}, 201, &renewed)
	if renewed.StorageID == old.StorageID {
		t.Fatalf("the new site has the deleted site's storage id %s", old.StorageID)
	}
	nb := fmt.Sprintf("/v1/sites/%d", renewed.ID)
	var hist struct{ Items []igny8.Deployment }
	p.api.call(beta, "GET", nb+"/deploys", nil, 200, &hist)
	if len(hist.Items) != 0 {
		t.Errorf("the new site's history shows %d deploys, want none", len(hist.Items))
	}
	p.api.call(beta, "POST", nb+"/rollback", nil, 400, nil)
	for _, id := range []string{one.DeployID, two.DeployID} {
		p.api.call(beta, "POST", nb+"/rollback", map[string]any{"to": id}, 404, nil)
	}
	p.api.call(beta, "GET", fmt.Sprintf("%s/deploys/%d", nb, one.ID), nil, 404, nil)
	for _, host := range []string{"shop.localhost", previewOne, previewTwo} {
		p.edgeWithin(pollInterval, host, "/", 404, "")
	}

	mine := p.deploy(beta, renewed.ID, e2eBlueprint("Beta one"))
	p.edgeShows("shop.localhost", "/", 200, "Beta one")
	p.edgeShows(strings.ToLower(mine.DeployID)+"--shop.localhost", "/", 200, "Beta one")
	for _, host := range []string{previewOne, previewTwo, "www.alpha-shop.example"} {
		if body, status := p.edge(host, "/"); status != 404 || strings.Contains(body, "Alpha") {
			t.Errorf("%s after beta's deploy: %d %.100q; want 404 and nothing of alpha's", host, status, body)
		}
	}
	p.api.call(beta, "POST", nb+"/rollback", map[string]any{"to": one.DeployID}, 404, nil)
	p.edgeShows("shop.localhost", "/", 200, "Beta one")

	// The deleted site's files wait for the grace period.
	if now, _ := p.db.SiteDeletions(t.Context(), time.Now(), 10); len(now) != 0 {
		t.Errorf("deletions with work left now: %+v; want none (routes removed, purge an hour away)", now)
	}
	later, err := p.db.SiteDeletions(t.Context(), time.Now().Add(2*time.Hour), 10)
	if err != nil || len(later) != 1 || later[0].StorageID != old.StorageID || later[0].RoutesRemovedAt == nil {
		t.Errorf("deletions due after the grace period: %+v, %v; want the old site's, routes removed", later, err)
	}
}

// A custom domain routes only once verified, moves only by a newer
// verification, and stops being served the moment it is removed; names
// under the sites domain and the platform's own, and slugs that could be
// preview hosts, are refused.
func TestCustomDomainEndToEnd(t *testing.T) {
	p := startPlatform(t, map[string]string{"IGNY8_RESERVED_HOSTS": "api.igny8.example"})
	alpha, beta := p.account("alpha"), p.account("beta")
	var sa, sb igny8.Site
	p.api.call(alpha, "POST", "/v1/sites", map[string]any{"slug": "alpha-bakery", "name": "A"}, 201, &sa)
	p.api.call(beta, "POST", "/v1/sites", map[string]any{"slug": "beta-bakery", "name": "B"}, 201, &sb)
	p.deploy(alpha, sa.ID, e2eBlueprint("Alpha bakery"))
	p.deploy(beta, sb.ID, e2eBlueprint("Beta bakery"))
	ab, bb := fmt.Sprintf("/v1/sites/%d", sa.ID), fmt.Sprintf("/v1/sites/%d", sb.ID)

	var da, db igny8.Domain
	p.api.call(alpha, "POST", ab+"/domains", map[string]any{"hostname": "Bakery.Example."}, 201, &da)
	if da.Hostname != "bakery.example" || da.Verified {
		t.Errorf("claim = %+v, want bakery.example unverified", da)
	}
	p.edgeWithin(pollInterval, "bakery.example", "/", 404, "")
	// An unverified claim reserves nothing: beta may claim it too.
	p.api.call(beta, "POST", bb+"/domains", map[string]any{"hostname": "bakery.example"}, 201, &db)
	p.api.call(beta, "POST", fmt.Sprintf("%s/domains/%d/verify", bb, db.ID), nil, 409, nil)
	p.edgeWithin(pollInterval, "bakery.example", "/", 404, "")

	// Whoever controls the DNS decides: beta's token is published first.
	p.setTXT("_igny8.bakery.example", db.VerificationToken)
	p.api.call(alpha, "POST", fmt.Sprintf("%s/domains/%d/verify", ab, da.ID), nil, 409, nil)
	p.api.call(beta, "POST", fmt.Sprintf("%s/domains/%d/verify", bb, db.ID), nil, 200, &db)
	p.edgeShows("bakery.example", "/", 200, "Beta bakery")
	// Then the name changes hands: alpha proves it, and it moves.
	p.setTXT("_igny8.bakery.example", da.VerificationToken)
	p.api.call(alpha, "POST", fmt.Sprintf("%s/domains/%d/verify", ab, da.ID), nil, 200, &da)
	p.edgeWithin(pollInterval, "bakery.example", "/", 200, "Alpha bakery")
	p.api.call(beta, "GET", fmt.Sprintf("%s/domains/%d", bb, db.ID), nil, 200, &db)
	if db.Verified {
		t.Error("beta's claim is still verified after alpha's verification moved the domain")
	}
	// Beta removing its stale claim does not unroute alpha's domain.
	p.api.call(beta, "DELETE", fmt.Sprintf("%s/domains/%d", bb, db.ID), nil, 204, nil)
	p.edgeShows("bakery.example", "/", 200, "Alpha bakery")
	// Alpha removing it stops it at once.
	p.api.call(alpha, "DELETE", fmt.Sprintf("%s/domains/%d", ab, da.ID), nil, 204, nil)
	p.edgeWithin(pollInterval, "bakery.example", "/", 404, "")
	p.edgeShows("alpha-bakery.localhost", "/", 200, "Alpha bakery")

	for _, host := range []string{"evil.localhost", "localhost", "x.y.localhost", "api.igny8.example", "www.api.igny8.example", "http://shop.example/", "10.0.0.1"} {
		p.api.call(alpha, "POST", ab+"/domains", map[string]any{"hostname": host}, 400, nil)
	}
	for _, slug := range []string{"20261202t215542z-515ace17--shop", "a--b", strings.Repeat("s", igny8.MaxSiteSlugLen+1), "www"} {
		p.api.call(alpha, "POST", "/v1/sites", map[string]any{"slug": slug, "name": "N"}, 400, nil)
	}
}
