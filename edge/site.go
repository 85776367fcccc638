package edge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/storage"
)

// Size limits of what the edge reads whole into memory.
const (
	maxLiveRefBytes  = 64 << 10
	maxManifestBytes = 64 << 20
)

// reloadTimeout bounds one read of refs/live and a manifest.
const reloadTimeout = 10 * time.Second

// deploy is a loaded manifest. A retired deploy keeps only its assets
// (isAsset) and is served, for skew protection, until retireAt.
type deploy struct {
	id        string
	bucket    string // the site's bucket
	m         *deployer.Manifest
	files     map[string]*entry    // m.Files, prepared for serving
	redirects *rules.RedirectTable // compiled once, when the manifest loads
	headers   *rules.HeaderTable
	retireAt  time.Time
	// X-Deploy-Id and Surrogate-Key of every response from this deploy.
	deployHdr, surrogateHdr []string
}

// newDeploy returns deploy id of siteID, with every file of m prepared
// for serving. Its rules are left for the caller to compile.
func newDeploy(siteID, id string, m *deployer.Manifest) *deploy {
	d := &deploy{
		id: id, bucket: storage.SiteBucket(siteID), m: m,
		files:        make(map[string]*entry, len(m.Files)),
		deployHdr:    []string{id},
		surrogateHdr: []string{"site-" + siteID + " deploy-" + id},
	}
	for p, e := range m.Files {
		d.files[p] = newEntry(p, e, m.CreatedAt)
	}
	return d
}

// view is what one request sees of a site: the live deploy (nil when the
// site has none) and the retired ones, newest first. Views are never
// modified once published, so they need no lock.
type view struct {
	live    *deploy
	retired []*deploy
	// deleted: the live pointer is a deleted site's tombstone; not even
	// its previews are served.
	deleted bool
}

// site holds one site's view and refreshes it.
type site struct {
	id     string
	bucket string

	loadMu sync.Mutex // held while refs/live is being read

	mu      sync.Mutex
	view    *view
	checked time.Time // when refs/live was last read
	// wanted counts Invalidate calls; done is the count the view was
	// read after. A reload that started before an Invalidate does not
	// satisfy it.
	wanted, done uint64
	// err is the failure of the last reload of a site with no view yet,
	// returned until checked+poll so an outage is not retried per request.
	err error
}

func (st *site) invalidate() {
	st.mu.Lock()
	st.wanted++
	st.mu.Unlock()
}

// snapshot returns the current view, whether it is fresh at now, and the
// invalidation count a reload starting now satisfies.
func (st *site) snapshot(now time.Time, poll time.Duration) (v *view, fresh bool, wanted uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.view, st.view != nil && st.done == st.wanted && now.Sub(st.checked) < poll, st.wanted
}

// recentErr returns the error of a failed first load younger than poll
// (and not since invalidated).
func (st *site) recentErr(now time.Time, poll time.Duration) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.view == nil && st.err != nil && st.done == st.wanted && now.Sub(st.checked) < poll {
		return st.err
	}
	return nil
}

// current returns the site's view, re-reading refs/live when it is older
// than the poll interval. While one request refreshes, the others keep
// serving the previous view rather than queue behind it.
func (s *Server) current(ctx context.Context, st *site) (*view, error) {
	v, fresh, _ := st.snapshot(s.now(), s.cfg.PollInterval)
	if fresh {
		return v, nil
	}
	if err := st.recentErr(s.now(), s.cfg.PollInterval); err != nil {
		return nil, err
	}
	if v != nil {
		if !st.loadMu.TryLock() {
			return v, nil
		}
	} else {
		st.loadMu.Lock()
	}
	defer st.loadMu.Unlock()
	now := s.now()
	v, fresh, wanted := st.snapshot(now, s.cfg.PollInterval)
	if fresh {
		return v, nil
	}
	if err := st.recentErr(now, s.cfg.PollInterval); err != nil {
		return nil, err
	}
	// The reload serves every request of the site, not just this one: a
	// client hanging up must not abort it.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	nv, err := s.reload(rctx, st, v, now)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err != nil {
		s.metrics.storeErrors.Add(1)
		if v == nil {
			st.err, st.checked, st.done = err, now, wanted
			return nil, err
		}
		// Keep serving what we have; retry after the next interval.
		s.log.LogAttrs(ctx, slog.LevelWarn, "reload live deploy",
			slog.String("storage_id", st.id), slog.Any("error", err))
		st.checked, st.done = now, wanted
		return v, nil
	}
	st.view, st.checked, st.done, st.err = nv, now, wanted, nil
	return nv, nil
}

// reload reads refs/live and, when it names another deploy, that deploy's
// manifest, and returns the new view. old may be nil.
func (s *Server) reload(ctx context.Context, st *site, old *view, now time.Time) (*view, error) {
	var ref deployer.LiveRef
	err := s.readJSON(ctx, st.bucket, deployer.LiveKey, maxLiveRefBytes, &ref)
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		// Never deployed, or deleted: nothing of the site is served, not
		// even the assets of its last deploys.
		return &view{}, nil
	}
	if err != nil {
		return nil, err
	}
	if ref.Deleted || ref.DeployID == "" {
		// A deleted site's tombstone, or the pointer to nothing a first
		// promote that backed out leaves: as above.
		return &view{deleted: ref.Deleted}, nil
	}
	if old != nil && old.live != nil && old.live.id == ref.DeployID {
		return &view{live: old.live, retired: prune(old, nil, old.live.id, now, s.cfg.SkewDeploys)}, nil
	}
	live, err := s.loadDeploy(ctx, st.id, ref.DeployID)
	if err != nil {
		return nil, err
	}
	s.metrics.manifestLoads.Add(1)
	var gone *deploy
	if old != nil && old.live != nil {
		gone = retire(old.live, now.Add(s.cfg.SkewWindow))
	} else if ref.Previous != "" && ref.Previous != ref.DeployID {
		// A cold start right after a promote: the previous deploy's
		// assets may still be requested by pages loaded before it.
		if until := ref.UpdatedAt.Add(s.cfg.SkewWindow); now.Before(until) {
			if prev, err := s.loadDeploy(ctx, st.id, ref.Previous); err == nil {
				gone = retire(prev, until)
			}
		}
	}
	v := &view{live: live, retired: prune(old, gone, live.id, now, s.cfg.SkewDeploys)}
	return v, nil
}

// loadDeploy reads and checks one manifest of siteID.
func (s *Server) loadDeploy(ctx context.Context, siteID, id string) (*deploy, error) {
	bucket := storage.SiteBucket(siteID)
	if id == "" || storage.ValidateKey(deployer.DeployKey(id)) != nil {
		return nil, fmt.Errorf("live pointer names a malformed deploy id %q", id)
	}
	m := new(deployer.Manifest)
	if err := s.readJSON(ctx, bucket, deployer.DeployKey(id), maxManifestBytes, m); err != nil {
		return nil, err
	}
	if m.DeployID != "" && m.DeployID != id {
		return nil, fmt.Errorf("manifest %q holds deploy %q", id, m.DeployID)
	}
	for p, e := range m.Files {
		if !isSHA256(e.SHA256) || e.Size < 0 {
			return nil, fmt.Errorf("manifest %q: file %q: malformed sha256 or size", id, p)
		}
	}
	d := newDeploy(siteID, id, m)
	var err error
	if d.redirects, err = rules.CompileRedirects(m.Redirects); err != nil {
		return nil, fmt.Errorf("manifest %q: redirects: %w", id, err)
	}
	if d.headers, err = rules.CompileHeaders(m.Headers); err != nil {
		return nil, fmt.Errorf("manifest %q: headers: %w", id, err)
	}
	return d, nil
}

// isSHA256 reports whether s is 64 lowercase hex digits, as BlobKey needs.
func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// readJSON decodes an object of at most limit bytes into v.
func (s *Server) readJSON(ctx context.Context, bucket, key string, limit int64, v any) error {
	rc, _, err := s.store.Get(ctx, bucket, key, storage.GetOptions{})
	if err != nil {
		return fmt.Errorf("read %s/%s: %w", bucket, key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return fmt.Errorf("read %s/%s: %w", bucket, key, err)
	}
	if int64(len(b)) > limit {
		return fmt.Errorf("read %s/%s: larger than %d bytes", bucket, key, limit)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s/%s: %w", bucket, key, err)
	}
	return nil
}

// retire returns a copy of d holding only its assets, served until until.
// A file whose name carries its sha256 keeps its immutable caching; any
// other is revalidated on every use (max-age=0 and its strong ETag), so no
// cache keeps the old deploy's bytes past the window, or once a later
// deploy has the path again.
func retire(d *deploy, until time.Time) *deploy {
	files := map[string]deployer.FileEntry{}
	entries := map[string]*entry{}
	for p, en := range d.files {
		if !isAsset(p, en.ctype[0]) {
			continue
		}
		files[p] = en.FileEntry
		if !en.Immutable {
			en = newEntry(p, en.FileEntry, d.m.CreatedAt)
			en.cache = hdrCacheRevalid
		}
		entries[p] = en
	}
	r := *d
	r.m = &deployer.Manifest{DeployID: d.id, SiteID: d.m.SiteID, CreatedAt: d.m.CreatedAt, Files: files}
	r.files = entries
	r.redirects, r.headers = nil, nil
	r.retireAt = until
	return &r
}

// isAsset reports whether a file may be served from a retired deploy, for
// skew protection: a subresource a page loads, by its content type (a
// stylesheet, script, WebAssembly module, font, image, audio or video, or
// a source map), whatever its name. Never a page or anything else a
// visitor navigates to or a crawler reads: HTML and XHTML, XML (feeds,
// sitemaps), JSON other than source maps, text, PDF, downloads
// (application/octet-stream), nor a name without an extension or with an
// HTML one, whatever its type says.
func isAsset(name, ctype string) bool {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case "", ".html", ".htm", ".xhtml", ".shtml":
		return false
	}
	mt, _, _ := strings.Cut(ctype, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "text/css", "text/javascript", "application/javascript", "application/x-javascript",
		"text/ecmascript", "application/ecmascript", "application/wasm",
		"application/font-woff", "application/vnd.ms-fontobject":
		return true
	case "application/json":
		return ext == ".map"
	}
	switch kind, _, _ := strings.Cut(mt, "/"); kind {
	case "image", "font", "audio", "video":
		return true
	}
	return false
}

// prune returns gone (if any) followed by old's retired deploys that are
// still within their window, at most keep of them. The live deploy is left
// out before counting: a rollback to a retired deploy makes it live again,
// and it must not take the place of one that is still retired.
func prune(old *view, gone *deploy, liveID string, now time.Time, keep int) []*deploy {
	var out []*deploy
	if gone != nil && gone.id != liveID {
		out = append(out, gone)
	}
	if old != nil {
		for _, d := range old.retired {
			if now.Before(d.retireAt) && d.id != liveID && (gone == nil || d.id != gone.id) {
				out = append(out, d)
			}
		}
	}
	if len(out) > keep {
		out = out[:keep]
	}
	return out
}

// skewFile finds p, a manifest path the live deploy lacks, among the
// assets of the retired deploys still in their window, newest first.
func (v *view) skewFile(p string, now time.Time) (*deploy, *entry, bool) {
	for _, d := range v.retired {
		if e, ok := d.files[p]; ok && now.Before(d.retireAt) {
			return d, e, true
		}
	}
	return nil, nil, false
}
