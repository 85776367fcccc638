// Package cdn purges the cached copies a CDN holds of a site's pages once
// the site's live deploy has changed, so that visitors see the new deploy
// before the CDN's cache times out.
//
// Only what can differ is purged: the paths whose bytes changed between
// the deploy that was live and the one that is live now, with the URLs that
// serve the same page (/a/ and /a/index.html). Immutable files (names that
// carry their own hash) never change and are never purged. When the
// redirect or header rules or the URL policy changed, any path may answer
// differently, and everything ("/*") is purged.
//
// A purge is an afterthought of a promote or rollback: it never fails or
// undoes one. [Hook] reads the two manifests and calls a [Purger], such as
// the CloudFront one in cdn/cloudfront.
package cdn

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
)

// All is the path that purges every cached path.
const All = "/*"

// Purger removes cached copies of paths from a CDN.
type Purger interface {
	// Purge asks the CDN to drop inv.Paths. Purging the same Invalidation
	// again (same Reference) must not start a second purge.
	Purge(ctx context.Context, inv Invalidation) error
}

// Invalidation is the purge that follows one swap of a site's live
// pointer.
type Invalidation struct {
	SiteID     string
	DeployID   string // the deploy made live
	Generation int64  // of the live pointer after the swap
	// Paths are escaped URL paths ("/", "/a/", "/a/index.html", "/caf%C3%A9/"),
	// sorted, or just All.
	Paths []string
}

// Reference names the swap the invalidation follows: site, deploy and live
// pointer generation. A retried purge of the same swap has the same
// reference; a later swap back to the same deploy (a rollback) has a
// higher generation and so a new one.
func (inv Invalidation) Reference() string {
	return fmt.Sprintf("igny8/%s/%s/%d", inv.SiteID, inv.DeployID, inv.Generation)
}

// ChangedPaths returns the URL paths whose response may differ between
// the previous and the next deploy of a site, sorted, or [All] when the rules
// of the whole site changed. A file counts as changed when it was added,
// removed, or its bytes or content type differ; immutable files are left
// out. An index.html is also purged as its folder (/a/index.html and /a/),
// and, when it was added or removed, as /a, whose redirect to /a/ comes
// or goes with it; with PrettyHTML, /a.html is also purged as /a.
func ChangedPaths(prev, next *deployer.Manifest) []string {
	if siteWideChange(prev, next) {
		return []string{All}
	}
	set := map[string]bool{}
	add := func(file string, entry deployer.FileEntry, addedOrRemoved bool) {
		if entry.Immutable {
			return
		}
		p := "/" + file
		set[p] = true
		if dir, ok := strings.CutSuffix(p, "index.html"); ok && strings.HasSuffix(dir, "/") {
			set[dir] = true
			if addedOrRemoved && dir != "/" {
				set[strings.TrimSuffix(dir, "/")] = true
			}
		} else if stem, ok := strings.CutSuffix(p, ".html"); ok && next.URLPolicy.PrettyHTML && stem != "" && !strings.HasSuffix(stem, "/") {
			set[stem] = true
		}
	}
	for file, n := range next.Files {
		o, ok := prev.Files[file]
		switch {
		case !ok:
			add(file, n, true)
		case o.SHA256 != n.SHA256 || o.ContentType != n.ContentType:
			add(file, n, false)
		}
	}
	for file, o := range prev.Files {
		if _, ok := next.Files[file]; !ok {
			add(file, o, true)
		}
	}
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, escapePath(p))
	}
	slices.Sort(paths)
	return paths
}

// siteWideChange reports whether something that applies to every path
// changed: redirect or header rules or the URL policy. A changed 404 page
// is not one: CDNs keep error responses for seconds, not hours.
func siteWideChange(prev, next *deployer.Manifest) bool {
	if prev.URLPolicy != next.URLPolicy {
		return true
	}
	// Source and Line only say where a rule was written.
	sameRedirect := func(a, b rules.Redirect) bool { return a.SameRule(b) }
	sameHeaders := func(a, b rules.HeaderRule) bool {
		return a.Path == b.Path && slices.Equal(a.Headers, b.Headers)
	}
	return !slices.EqualFunc(prev.Redirects, next.Redirects, sameRedirect) ||
		!slices.EqualFunc(prev.Headers, next.Headers, sameHeaders)
}

// escapePath escapes a path as a browser sends it; "*" too, which a CDN
// would otherwise read as a wildcard.
func escapePath(p string) string {
	return strings.ReplaceAll((&url.URL{Path: p}).EscapedPath(), "*", "%2A")
}

// ManifestReader reads the manifest of a deploy; *deployer.Deployer is one.
type ManifestReader interface {
	ReadManifest(ctx context.Context, siteID, deployID string) (*deployer.Manifest, error)
}

// Hook purges a CDN after a site's live pointer changed. The zero Hook
// (no Purger) does nothing.
type Hook struct {
	Purger    Purger
	Manifests ManifestReader
	Logger    *slog.Logger // nil: no logging
}

// AfterSwap purges the paths that changed between ref.Previous and
// ref.DeployID, the swap a promote or rollback returned, and returns what
// it asked the CDN to purge. Nothing is purged when no deploy was live
// before or nothing changed. The caller reports an error; it must not undo
// the swap, which has happened.
func (h *Hook) AfterSwap(ctx context.Context, siteID string, ref deployer.LiveRef) (Invalidation, error) {
	inv := Invalidation{SiteID: siteID, DeployID: ref.DeployID, Generation: ref.Generation}
	if h == nil || h.Purger == nil || ref.Previous == "" || ref.Previous == ref.DeployID {
		return inv, nil
	}
	prev, err := h.Manifests.ReadManifest(ctx, siteID, ref.Previous)
	if err != nil {
		return inv, fmt.Errorf("purge %s: %w", siteID, err)
	}
	next, err := h.Manifests.ReadManifest(ctx, siteID, ref.DeployID)
	if err != nil {
		return inv, fmt.Errorf("purge %s: %w", siteID, err)
	}
	if inv.Paths = ChangedPaths(prev, next); len(inv.Paths) == 0 {
		return inv, nil
	}
	if err := h.Purger.Purge(ctx, inv); err != nil {
		return inv, fmt.Errorf("purge %s: %w", siteID, err)
	}
	if h.Logger != nil {
		h.Logger.InfoContext(ctx, "cdn purged", "storage_id", siteID, "deploy_id", ref.DeployID,
			"previous", ref.Previous, "paths", len(inv.Paths), "reference", inv.Reference())
	}
	return inv, nil
}
