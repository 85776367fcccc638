package edge

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8/deployer"
)

// Cache-Control values.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRevalid   = "public, max-age=0, must-revalidate"
)

// serve answers one request; ServeHTTP wraps it with logging and metrics.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.setSecurityHeaders(w, r)
	if !validHostName(hostName(r.Host)) {
		// No route could hold it: a clean 400, with no store request.
		plain(w, http.StatusBadRequest, "bad host")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plain(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	// Every preview host has "--" in it; the check spares the others a
	// parse.
	if strings.Contains(r.Host, "--") {
		if id, slug, ok := deployer.ParsePreviewHost(r.Host, s.cfg.SitesDomain); ok {
			s.servePreview(w, r, id, slug)
			return
		}
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
		s.log.LogAttrs(ctx, slog.LevelError, "load live deploy", slog.String("storage_id", siteID), slog.Any("error", err))
		plain(w, http.StatusServiceUnavailable, "service unavailable")
		return
	}
	if v.live == nil {
		plain(w, http.StatusNotFound, "site not found")
		return
	}
	s.serveDeploy(w, r, v.live, v)
}

// serveDeploy answers a request from one deploy: the live one, with the
// retired deploys of skew as the fallback for assets of replaced deploys
// the live one lacks, or a preview's (skew nil).
func (s *Server) serveDeploy(w http.ResponseWriter, r *http.Request, d *deploy, skew *view) {
	setSiteHeaders(w, d)
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
	// Rules match the escaped path, as the site wrote them.
	esc := r.URL.EscapedPath()
	if d.headers != nil && d.headers.Len() > 0 {
		if hs := d.headers.Headers(esc); len(hs) > 0 {
			w = newSiteWriter(w, hs)
		}
	}
	t := resolve(d.m, p)
	// An asset of a retired deploy shadows the rules as a file would, so
	// a catch-all rewrite (an SPA's /* /index.html 200) does not answer a
	// page of the old deploy asking for its script.
	var old *deploy
	var oldFile *entry
	if skew != nil && t.file == "" && t.redirect == "" {
		old, oldFile, _ = skew.skewFile(p[1:], s.now())
	}
	rt := t
	if oldFile != nil {
		rt.file = oldFile.name
	}
	if s.redirect(w, r, d, esc, rt) {
		return
	}
	switch {
	case t.redirect != "":
		w.Header().Set("Cache-Control", cacheRevalid)
		http.Redirect(w, r, location(t.redirect, r.URL.RawQuery), http.StatusMovedPermanently)
	case t.file != "":
		s.serveFile(w, r, d, d.files[t.file])
	case oldFile != nil:
		s.metrics.skewHits.Add(1)
		setSiteHeaders(w, old)
		s.serveFile(w, r, old, oldFile)
	default:
		s.serveNotFound(w, r, d, p)
	}
}

// setSiteHeaders sets the headers naming the site and deploy of a response.
func setSiteHeaders(w http.ResponseWriter, d *deploy) {
	h := w.Header()
	h["X-Deploy-Id"] = d.deployHdr
	h["Surrogate-Key"] = d.surrogateHdr
}

// setSecurityHeaders sets the default security headers of every response.
// A site's _headers may replace each of them (applySiteHeaders).
func (s *Server) setSecurityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["X-Content-Type-Options"] = hdrNosniff
	h["Referrer-Policy"] = hdrReferrer
	h["X-Frame-Options"] = hdrFrame
	h["Permissions-Policy"] = hdrPermissions
	// HSTS only on https: sent over http it would be ignored anyway, and a
	// site still reached over plain http (a fresh custom domain before its
	// certificate) must not be pinned by a proxy that forwards it.
	if r.TLS != nil || (s.cfg.TrustForwardedProto && r.Header.Get("X-Forwarded-Proto") == "https") {
		h["Strict-Transport-Security"] = hdrHSTS
	}
}

// serveFile serves one file of d. A small file asked for without Range,
// If-Match or If-Unmodified-Since, nearly every request, is answered here
// from the precomputed headers and the cached bytes, in one write;
// anything else goes through http.ServeContent, which these answers match.
// The file's Last-Modified is its deploy's creation time.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, d *deploy, e *entry) {
	h := w.Header()
	enc := ""
	rangeReq := r.Header.Get("Range")
	if len(e.Encodings) > 0 {
		addVary(h, hdrVaryEncoding)
		// A range of an encoded variant would be a range of other bytes
		// than the identity's: Range requests always get identity.
		if rangeReq == "" {
			enc = negotiate(r.Header.Get("Accept-Encoding"), e.Encodings)
		}
	}
	rep := repIndex(enc)
	h["Content-Type"] = e.ctype
	if sw, ok := w.(*siteWriter); ok && sw.ctype != nil {
		h["Content-Type"] = sw.ctype
	}
	h["Cache-Control"] = e.cache
	if e.lastMod != nil {
		h["Last-Modified"] = e.lastMod
	}
	if rep != repIdentity {
		h["Content-Encoding"] = hdrEncoding[rep]
	}
	h["Etag"] = e.etags[rep]
	small := e.Size <= s.cfg.CacheMaxObject
	if small && rangeReq == "" && r.Header.Get("If-Match") == "" && r.Header.Get("If-Unmodified-Since") == "" && !s.slowPath {
		s.serveSmall(w, r, d, e, rep)
		return
	}
	br := &blobReader{
		ctx:    r.Context(),
		s:      s,
		bucket: d.bucket,
		key:    e.keys[rep],
		size:   -1,
		small:  small,
		eager:  r.Method == http.MethodGet,
	}
	if rep == repIdentity {
		br.size = e.Size
	} else {
		// ServeContent leaves Content-Length out when Content-Encoding is
		// set; the variant's size is known once it is opened.
		br.onSize = func(n int64) { h.Set("Content-Length", strconv.FormatInt(n, 10)) }
	}
	defer br.Close()
	http.ServeContent(w, r, "", e.modtime, br)
}

// serveSmall answers a GET or HEAD without Range, If-Match or
// If-Unmodified-Since for a blob of at most CacheMaxObject bytes, with the
// headers serveFile set. The preconditions left are If-None-Match and,
// only without it, If-Modified-Since (RFC 9110 §13.2.2), as in
// ServeContent.
func (s *Server) serveSmall(w http.ResponseWriter, r *http.Request, d *deploy, e *entry, rep int) {
	h := w.Header()
	if notModified(r, e.etags[rep][0], e.modtime) {
		// A 304 never reads the blob. It keeps the ETag, so it drops
		// Last-Modified, as ServeContent's does.
		delete(h, "Content-Type")
		delete(h, "Content-Length")
		delete(h, "Content-Encoding")
		delete(h, "Last-Modified")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var data []byte
	clen := e.length
	if rep != repIdentity || r.Method != http.MethodHead {
		// A HEAD of the identity bytes knows their size from the manifest
		// and reads no blob.
		it, err := s.blob(r.Context(), d.bucket, e.keys[rep])
		if err == nil {
			data, clen = it.data, it.clen
			if rep == repIdentity && int64(len(data)) != e.Size {
				err = fmt.Errorf("read blob %s: %d bytes, manifest says %d", e.keys[rep], len(data), e.Size)
			}
		}
		if err != nil {
			s.blobError(r.Context(), d.bucket, err)
			// ServeContent writes the very 500 a failed blob gets there.
			http.ServeContent(w, r, "", time.Time{}, failedBlob{})
			return
		}
	}
	h["Accept-Ranges"] = hdrAcceptRanges
	h["Content-Length"] = clen
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	// Headers and body leave in one write when the connection allows it
	// (NewListener); without this, net/http's 4 KiB buffer splits any
	// response larger than that into two.
	cc := requestConn(r)
	if cc != nil && len(data) > heldMin {
		cc.hold()
		defer cc.release()
	}
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	if cc != nil && len(data) > heldMin {
		http.NewResponseController(w).Flush()
	}
}

// heldMin is the body size above which a response is held: below it,
// headers and body fit net/http's connection buffer and leave in one write
// anyway.
const heldMin = 2 << 10

// failedBlob is a blob that could not be read, for ServeContent to answer.
type failedBlob struct{}

func (failedBlob) Read([]byte) (int, error)       { return 0, errBlobUnavailable }
func (failedBlob) Seek(int64, int) (int64, error) { return 0, errBlobUnavailable }

// serveNotFound answers 404 with the nearest 404 page of the deploy (see
// notFoundPage), or a short text when the deploy has none. The page is sent
// as identity bytes with no ETag, so a 404 is never turned into a 304 and
// never cached as the file's representation.
func (s *Server) serveNotFound(w http.ResponseWriter, r *http.Request, d *deploy, p string) {
	page := notFoundPage(d.m, p)
	if page == "" {
		plain(w, http.StatusNotFound, "not found")
		return
	}
	s.serveStatusPage(w, r, d, page, http.StatusNotFound)
}

// serveStatusPage serves a small page of the deploy with an error status
// (a 404 page, or a 404/410 redirect rule's target).
func (s *Server) serveStatusPage(w http.ResponseWriter, r *http.Request, d *deploy, page string, status int) {
	e := d.files[page]
	if e.Size > s.cfg.CacheMaxObject {
		// An error page is a small HTML page; refuse to stream a huge one.
		plain(w, status, http.StatusText(status))
		return
	}
	data, err := s.blobBytes(r.Context(), d.bucket, e.keys[repIdentity])
	if err != nil {
		s.blobError(r.Context(), d.bucket, err)
		plain(w, status, http.StatusText(status))
		return
	}
	h := w.Header()
	h["Content-Type"] = e.ctype
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h["Cache-Control"] = hdrCacheRevalid
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
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

// notModified reports whether a GET or HEAD of a file with the strong
// ETag etag, last modified at modtime (zero: unknown), is answered 304:
// If-None-Match matches; or, when there is no If-None-Match, the file is
// not newer than a valid If-Modified-Since (RFC 9110 §13.1.3, §13.2.2).
func notModified(r *http.Request, etag string, modtime time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return noneMatch(inm, etag)
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || modtime.IsZero() {
		return false
	}
	t, err := http.ParseTime(ims)
	return err == nil && !modtime.After(t)
}

// siteWriter gives a response the site's _headers for its path when its
// status is written, so they apply whatever the edge set before:
// applySiteHeaders. Content-Type is the exception: serveFile takes it
// (ctype), as it is the type of the file, not of a redirect or an error
// page. A 5xx gets none of them: it is the edge's failure, not the site's
// answer, and a site's long Cache-Control must not make a CDN keep it.
type siteWriter struct {
	http.ResponseWriter
	headers [][2]string
	ctype   []string // the site's Content-Type values; nil: none
	wrote   bool
}

func newSiteWriter(w http.ResponseWriter, hs [][2]string) *siteWriter {
	return &siteWriter{ResponseWriter: w, headers: hs, ctype: siteContentType(hs)}
}

func (sw *siteWriter) WriteHeader(code int) {
	if !sw.wrote {
		sw.wrote = true
		if code < 500 {
			applySiteHeaders(sw.Header(), sw.headers)
		}
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *siteWriter) Write(b []byte) (int, error) {
	if !sw.wrote {
		sw.WriteHeader(http.StatusOK)
	}
	return sw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (sw *siteWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// applySiteHeaders sets a site's headers (canonical names, from
// rules.HeaderTable) on h. A site's header replaces the edge's of the same
// name, so a site may set its own Cache-Control, X-Frame-Options,
// Referrer-Policy and the like; names the edge must own never get here
// (the rules parser refuses them). Two names add to the edge's values
// instead, as a list: Vary, where the edge's Accept-Encoding must stay or
// caches would hand brotli to clients that cannot read it, and
// X-Robots-Tag, where a preview's noindex must stay. Content-Type is left
// out: see siteWriter. The edge's shared values are never written into.
func applySiteHeaders(h http.Header, hs [][2]string) {
	for i, kv := range hs {
		name := kv[0]
		if name == "Content-Type" {
			continue
		}
		switch name {
		case "Vary":
			addVary(h, []string{kv[1]})
			continue
		case "X-Robots-Tag":
			v := h[name]
			h[name] = append(v[:len(v):len(v)], kv[1])
			continue
		}
		if !slices.ContainsFunc(hs[:i], func(prev [2]string) bool { return prev[0] == name }) {
			delete(h, name) // the first of the site's values replaces the edge's
		}
		v := h[name]
		h[name] = append(v[:len(v):len(v)], kv[1])
	}
}

// siteContentType returns the Content-Type values among a site's headers,
// or nil.
func siteContentType(hs [][2]string) []string {
	var ct []string
	for _, kv := range hs {
		if kv[0] == "Content-Type" {
			ct = append(ct, kv[1])
		}
	}
	return ct
}

// addVary adds the field names of vals to h's Vary, each once (compared
// case-insensitively), keeping the values already there and never writing
// into a shared slice.
func addVary(h http.Header, vals []string) {
	v := h["Vary"]
	if len(v) == 0 {
		h["Vary"] = vals
		return
	}
	for _, name := range vals {
		if !slices.ContainsFunc(v, func(have string) bool { return strings.EqualFold(have, name) }) {
			v = append(v[:len(v):len(v)], name)
		}
	}
	h["Vary"] = v
}
