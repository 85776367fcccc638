package edge

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// maxPreviews bounds the preview manifests held in memory; past it the
// cache starts over (previews are rare next to live traffic).
const maxPreviews = 256

// previews caches the deploys previews have asked for. Manifests never
// change, so an entry never goes stale.
type previews struct {
	mu sync.Mutex
	m  map[string]*deploy // site id + "/" + deploy id
}

func (c *previews) get(key string) *deploy {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *previews) put(key string, d *deploy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxPreviews {
		c.m = map[string]*deploy{}
	}
	c.m[key] = d
}

// servePreview answers a request to <deploy-id>--<slug>.<sites domain>:
// that deploy, live or not, kept out of search engines, within its expiry
// and behind its password (HTTP Basic; any user name).
func (s *Server) servePreview(w http.ResponseWriter, r *http.Request, deployID, slug string) {
	ctx := r.Context()
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	siteID, err := s.lookupHost(ctx, slug+"."+s.cfg.SitesDomain)
	if err != nil {
		plain(w, http.StatusServiceUnavailable, "service unavailable")
		return
	}
	if siteID == "" {
		plain(w, http.StatusNotFound, "site not found")
		return
	}
	// A deleted site's previews go with it, within the poll interval like
	// its host, whatever the host route cache still says.
	if v, err := s.current(ctx, s.site(siteID)); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "load live deploy", slog.String("storage_id", siteID), slog.Any("error", err))
		plain(w, http.StatusServiceUnavailable, "service unavailable")
		return
	} else if v.deleted {
		plain(w, http.StatusNotFound, "site not found")
		return
	}
	key := siteID + "/" + deployID
	d := s.previews.get(key)
	if d == nil {
		d, err = s.loadDeploy(ctx, siteID, deployID)
		if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
			plain(w, http.StatusNotFound, "preview not found")
			return
		}
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "load preview", slog.String("storage_id", siteID), slog.String("deploy_id", deployID), slog.Any("error", err))
			plain(w, http.StatusServiceUnavailable, "service unavailable")
			return
		}
		s.previews.put(key, d)
	}
	_, password, _ := r.BasicAuth()
	switch err := deployer.CheckPreviewAccess(d.m, s.now(), password); {
	case errors.Is(err, deployer.ErrPreviewExpired):
		plain(w, http.StatusGone, "this preview has expired")
		return
	case errors.Is(err, deployer.ErrPreviewPassword):
		w.Header().Set("WWW-Authenticate", `Basic realm="Preview", charset="UTF-8"`)
		plain(w, http.StatusUnauthorized, "this preview needs its password")
		return
	case err != nil:
		plain(w, http.StatusForbidden, "forbidden")
		return
	}
	if d.m.Preview != nil && d.m.Preview.PasswordHash != "" {
		// A shared cache must never hand a protected page to someone else.
		w = &privateWriter{ResponseWriter: w}
	}
	s.serveDeploy(w, r, d, nil)
}

// privateWriter makes every response uncacheable by shared caches, whatever
// Cache-Control the handler chose.
type privateWriter struct {
	http.ResponseWriter
	wrote bool
}

func (p *privateWriter) WriteHeader(code int) {
	if !p.wrote {
		p.wrote = true
		p.Header().Set("Cache-Control", "private, no-store")
	}
	p.ResponseWriter.WriteHeader(code)
}

func (p *privateWriter) Write(b []byte) (int, error) {
	if !p.wrote {
		p.WriteHeader(http.StatusOK)
	}
	return p.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (p *privateWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
