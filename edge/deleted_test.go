package edge

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// A deleted site (its live pointer a tombstone) answers 404 at its own
// host, a custom domain and every preview host within one poll interval,
// with no announcement and its routes still in the edge's host cache; and
// nothing of it is served, not even the assets skew protection keeps.
func TestDeletedSiteStopsWithinThePollInterval(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.HostTTL = time.Hour })
	b.f.route("site1.sites.test", "site1")
	const older = "20261124T110000Z-0a1b2c3d"
	b.f.deploy("site1", older, map[string]file{"index.html": {body: "older", ctype: "text/html; charset=utf-8"}}, nil)
	preview := "http://" + deployer.PreviewHost(older, "site1", "sites.test") + "/"
	for _, target := range []string{origin + "/", "http://site1.sites.test/", preview, origin + "/css/site.abc123.css"} {
		if res := do(t, b.srv, "GET", target); res.StatusCode != 200 {
			t.Fatalf("before the delete, GET %s = %d", target, res.StatusCode)
		}
	}

	// The site service's tombstone, written as the deployer writes it.
	ref, _ := json.Marshal(deployer.LiveRef{Generation: 9, Previous: "d1", UpdatedAt: b.clock.Now(), Deleted: true})
	b.f.put(storage.SiteBucket("site1"), deployer.LiveKey, ref)

	b.clock.Advance(2 * time.Second) // one poll interval; the hosts stay cached
	for _, target := range []string{origin + "/", "http://site1.sites.test/", preview, origin + "/css/site.abc123.css", origin + "/about/"} {
		if res := do(t, b.srv, "GET", target); res.StatusCode != 404 {
			t.Errorf("a poll interval after the delete, GET %s = %d, want 404", target, res.StatusCode)
		}
	}
}
