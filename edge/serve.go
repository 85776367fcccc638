package edge

import (
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// Cache-Control values.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRevalid   = "public, max-age=0, must-revalidate"
)

// serve answers one request; ServeHTTP wraps it with logging and metrics.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.setSecurityHeaders(w, r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plain(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if id, slug, ok := deployer.ParsePreviewHost(r.Host, s.cfg.SitesDomain); ok {
		s.servePreview(w, r, id, slug)
		return
	}
	ctx := r.Context()
	siteID, err := s.lookupHost(ctx, r.Host)
	if err != nil {
		s.metrics.storeErrors.Add(1)
		s.log.LogAttrs(ctx, slog.LevelError, "route host", slog.String("host", r.Host), slog.Any("error", err))
		plain(w, http.StatusServiceUnavailable, "service unavailable")
		return
	}
	if siteID == "" {
		plain(w, http.StatusNotFound, "site not found")
		return
	}
	v, err := s.current(ctx, s.site(siteID))
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "load live deploy", slog.String("site_id", siteID), slog.Any("error", err))
		plain(w, http.StatusServiceUnavailable, "service unavailable")
		return
	}
	if v.live == nil {
		plain(w, http.StatusNotFound, "site not found")
		return
	}
	s.serveDeploy(w, r, siteID, v.live, v.skewFile)
}

// serveDeploy answers a request from one deploy: the live one, with skew
// as the fallback for hashed assets of replaced deploys, or a preview's
// (skew nil).
func (s *Server) serveDeploy(w http.ResponseWriter, r *http.Request, siteID string, d *deploy, skew func(string, time.Time) (*deploy, deployer.FileEntry, bool)) {
	setSiteHeaders(w, siteID, d.id)
	p, status := cleanPath(r.URL)
	switch status {
	case 0:
	case http.StatusMovedPermanently:
		http.Redirect(w, r, location(p, r.URL.RawQuery), status)
		return
	default:
		plain(w, status, http.StatusText(status))
		return
	}
	m := d.m
	for _, kv := range d.headers.Headers(p) {
		w.Header().Add(kv[0], kv[1])
	}
	t := resolve(m, p)
	if s.redirect(w, r, siteID, d, p, t) {
		return
	}
	switch {
	case t.redirect != "":
		w.Header().Set("Cache-Control", cacheRevalid)
		http.Redirect(w, r, location(t.redirect, r.URL.RawQuery), http.StatusMovedPermanently)
	case t.file != "":
		s.serveFile(w, r, siteID, m.Files[t.file], t.file)
	default:
		if skew != nil {
			if old, e, ok := skew(p[1:], s.now()); ok {
				s.metrics.skewHits.Add(1)
				setSiteHeaders(w, siteID, old.id)
				s.serveFile(w, r, siteID, e, p[1:])
				return
			}
		}
		s.serveNotFound(w, r, siteID, m, p)
	}
}

// setSiteHeaders sets the headers naming the site and deploy of a response.
func setSiteHeaders(w http.ResponseWriter, siteID, deployID string) {
	h := w.Header()
	h.Set("X-Deploy-Id", deployID)
	h.Set("Surrogate-Key", "site-"+siteID+" deploy-"+deployID)
}

// setSecurityHeaders sets the default security headers of every response.
func (s *Server) setSecurityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
	// HSTS only on https: sent over http it would be ignored anyway, and a
	// site still reached over plain http (a fresh custom domain before its
	// certificate) must not be pinned by a proxy that forwards it.
	if r.TLS != nil || (s.cfg.TrustForwardedProto && r.Header.Get("X-Forwarded-Proto") == "https") {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// serveFile serves one manifest entry through http.ServeContent.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, siteID string, e deployer.FileEntry, name string) {
	h := w.Header()
	enc := ""
	if len(e.Encodings) > 0 {
		h.Set("Vary", "Accept-Encoding")
		// A range of an encoded variant would be a range of other bytes
		// than the identity's: Range requests always get identity.
		if r.Header.Get("Range") == "" {
			enc = negotiate(r.Header.Get("Accept-Encoding"), e.Encodings)
		}
	}
	h.Set("Content-Type", contentType(e, name))
	if e.Immutable {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheRevalid)
	}
	// Strong ETag of the identity bytes: the same across deploys. An
	// encoded variant is another representation and gets its own strong
	// ETag, so a resumed download can never splice br bytes onto identity.
	etag := `"` + e.SHA256 + `"`
	if enc != "" {
		etag = `"` + e.SHA256 + "-" + enc + `"`
		h.Set("Content-Encoding", enc)
	}
	h.Set("ETag", etag)
	br := &blobReader{
		ctx:    r.Context(),
		s:      s,
		bucket: storage.SiteBucket(siteID),
		key:    deployer.BlobKey(e.SHA256, enc),
		size:   -1,
		small:  e.Size <= s.cfg.CacheMaxObject,
		eager:  r.Method == http.MethodGet,
	}
	if enc == "" {
		br.size = e.Size
	} else {
		// ServeContent leaves Content-Length out when Content-Encoding is
		// set; the variant's size is known once it is opened.
		br.onSize = func(n int64) { h.Set("Content-Length", strconv.FormatInt(n, 10)) }
	}
	defer br.Close()
	http.ServeContent(w, r, "", time.Time{}, br)
}

// serveNotFound answers 404 with the nearest 404 page of the deploy (see
// notFoundPage), or a short text when the deploy has none. The page is sent
// as identity bytes with no ETag, so a 404 is never turned into a 304 and
// never cached as the file's representation.
func (s *Server) serveNotFound(w http.ResponseWriter, r *http.Request, siteID string, m *deployer.Manifest, p string) {
	page := notFoundPage(m, p)
	if page == "" {
		plain(w, http.StatusNotFound, "not found")
		return
	}
	s.serveStatusPage(w, r, siteID, m, page, http.StatusNotFound)
}

// serveStatusPage serves a small page of the deploy with an error status
// (a 404 page, or a 404/410 redirect rule's target).
func (s *Server) serveStatusPage(w http.ResponseWriter, r *http.Request, siteID string, m *deployer.Manifest, page string, status int) {
	e := m.Files[page]
	if e.Size > s.cfg.CacheMaxObject {
		// An error page is a small HTML page; refuse to stream a huge one.
		plain(w, status, http.StatusText(status))
		return
	}
	bucket := storage.SiteBucket(siteID)
	data, err := s.blobBytes(r.Context(), bucket, deployer.BlobKey(e.SHA256, ""))
	if err != nil {
		s.blobError(r.Context(), bucket, err)
		plain(w, status, http.StatusText(status))
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(e, page))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", cacheRevalid)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// contentType is the entry's type, else one guessed from the name.
func contentType(e deployer.FileEntry, name string) string {
	if e.ContentType != "" {
		return e.ContentType
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// plain writes a short text response.
func plain(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(msg)+1))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(msg + "\n"))
}
