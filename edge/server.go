// Package edge is the public HTTP server of IGNY8 Sites. It is stateless: it
// reads only the object store, through storage.Store, and the deployer's
// layout and manifest types.
//
// A request goes Host → site id (the routes bucket, cached for HostTTL) →
// the site's live manifest (held in memory and re-read from refs/live at
// most every PollInterval, lazily by the first request after it, or at once
// after Invalidate) → the file entry → its bytes (a bounded in-memory LRU
// keyed by sha256 and encoding, then the optional DiskCache, else the
// store). A warm request makes no store request at all; a 304 never reads
// the blob.
//
// # HTTP semantics
//
// Serving follows caddy's fileserver: GET and HEAD only (405 with Allow
// otherwise), the manifest's Content-Type, then http.ServeContent for
// If-None-Match (304), If-Range and Range (206, 416). The common case, a
// cached file asked for without Range or If-Match, skips ServeContent: its
// headers are prepared once per manifest and it is answered as
// ServeContent would answer it (tests compare the two), in one write on
// a NewListener connection. A plain GET of such a file on such a
// connection is answered from a header block built once per file and
// representation (raw.go), again as ServeContent would. Multi-range requests
// are answered by ServeContent as multipart/byteranges (or 200 in full when
// the ranges add up to more than the file). The ETag is the strong
// `"<sha256>"` of the identity bytes, so it survives deploys that do not
// change the file; a precompressed variant is another representation and
// gets `"<sha256>-br"` or `"<sha256>-gzip"`, so a resumed download never
// mixes bytes of two codings. Variants are chosen br > gzip > identity by
// Accept-Encoding (q=0 honoured), with Vary: Accept-Encoding, and never for
// a Range request. Cache-Control is immutable for a file whose name carries
// its own sha256 (FileEntry.Immutable), else max-age=0, must-revalidate:
// a short content hash (Vite's, webpack's) does not prove the bytes.
//
// Every response carries nosniff, Referrer-Policy, X-Frame-Options and
// Permissions-Policy headers; Strict-Transport-Security only when the
// request came over TLS (or X-Forwarded-Proto https from a trusted proxy,
// Config.TrustForwardedProto). Every GET or HEAD response of a live site
// carries X-Deploy-Id and Surrogate-Key: site-<site id> deploy-<deploy id>.
//
// # Paths
//
// The manifest is the only namespace: a URL path is cleaned (a non-canonical
// path is redirected to its clean form; encoded slashes, backslashes,
// control bytes and invalid UTF-8 are 400; overlong paths 414) and looked up
// as a key of Manifest.Files under the URL policy. A miss falls back to the
// assets (scripts, stylesheets, fonts, images, media, source maps; never a
// page) of recently replaced deploys, whatever their names (skew
// protection, for pages loaded before a promote; before non-forced
// redirect rules, as a file would), then to the nearest 404.html up the
// directory tree, then Manifest.NotFound, answered with status 404. A site
// whose live pointer is gone or a tombstone serves nothing.
//
// A deploy's _redirects and _headers rules (compiled into the manifest)
// are applied as Netlify does; see Server.redirect.
//
// # Operation
//
// NewHTTPServer returns a plain *http.Server with the edge's timeouts, to
// be served on a NewListener; starting it, and shutting it down gracefully
// with Shutdown(ctx) on a signal, is the caller's job. AdminHandler serves
// /healthz and /metrics for a private port.
package edge

import (
	"cmp"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/igny8/igny8/storage"
)

// Config holds the Server's dependencies and knobs. Zero knobs take the
// defaults of WithDefaults.
type Config struct {
	// Store is the object store holding the routes bucket and every site's
	// bucket. Required.
	Store storage.Store
	// SitesDomain is the platform's own domain (<slug>.<SitesDomain>).
	// Requests for the bare domain are answered 404 without a store lookup.
	SitesDomain string
	// Logger receives access logs and store errors; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// PollInterval is the longest a site's live manifest is served before
	// refs/live is read again (2s).
	PollInterval time.Duration
	// HostTTL is how long a host → site mapping is cached (30s); its
	// absence is cached for at most PollInterval.
	HostTTL time.Duration
	// MaxHosts bounds the host cache; when full it is emptied (100,000).
	MaxHosts int

	// CacheBytes bounds the in-memory blob cache (256 MiB).
	CacheBytes int64
	// CacheMaxObject is the largest blob kept in the cache (4 MiB); larger
	// ones are streamed from the store with ranged reads.
	CacheMaxObject int64
	// DiskCache, if set, is a tier between the memory cache and the store:
	// blobs read from the store are kept there too, and served from there
	// when memory no longer holds them, large ones included. Off when nil.
	DiskCache *DiskCache

	// SkewWindow is how long the assets of a replaced deploy stay
	// servable, at paths the live deploy lacks, after a promote (10m).
	SkewWindow time.Duration
	// SkewDeploys is how many replaced deploys are kept for that (3).
	SkewDeploys int

	// TrustForwardedProto makes "X-Forwarded-Proto: https" count as an
	// https request (for Strict-Transport-Security). Set it only behind a
	// proxy that overwrites the header.
	TrustForwardedProto bool

	// CountryHeader names the request header holding the visitor's
	// country as an ISO 3166 code, set by the CDN in front of the edge
	// (CloudFront-Viewer-Country, CF-IPCountry, ...), for the Country=
	// conditions of redirect rules. Empty: the country is unknown and no
	// Country condition matches. Set it only behind a CDN that overwrites
	// the header, or visitors can choose their country.
	CountryHeader string
}

// WithDefaults returns c with every zero knob set to its default.
func (c Config) WithDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.PollInterval = cmp.Or(c.PollInterval, 2*time.Second)
	c.HostTTL = cmp.Or(c.HostTTL, 30*time.Second)
	c.MaxHosts = cmp.Or(c.MaxHosts, 100_000)
	c.CacheBytes = cmp.Or(c.CacheBytes, 256<<20)
	c.CacheMaxObject = cmp.Or(c.CacheMaxObject, 4<<20)
	c.SkewWindow = cmp.Or(c.SkewWindow, 10*time.Minute)
	c.SkewDeploys = cmp.Or(c.SkewDeploys, 3)
	return c
}

// Server is the edge's http.Handler. It is safe for concurrent use.
type Server struct {
	cfg Config
	// sitesDomain is cfg.SitesDomain as hostName returns it.
	sitesDomain string
	store       storage.Store
	log         *slog.Logger
	now         func() time.Time
	hosts       *hostCache
	blobs       *blobCache
	disk        *DiskCache // nil: no disk tier
	dates       dateCache  // the raw path's Date line
	metrics     *Metrics

	mu       sync.Mutex
	sites    map[string]*site // by site id; one entry per site served since start
	previews previews

	// slowPath sends every file through http.ServeContent, for tests
	// that compare the fast path with it.
	slowPath bool
}

// New returns a Server for cfg. It panics if cfg.Store is nil, a wiring
// mistake.
func New(cfg Config) *Server {
	if cfg.Store == nil {
		panic("edge: Config.Store is nil")
	}
	cfg = cfg.WithDefaults()
	s := &Server{
		cfg:         cfg,
		sitesDomain: hostName(cfg.SitesDomain),
		store:       cfg.Store,
		log:         cfg.Logger,
		now:         cfg.Now,
		hosts:       newHostCache(cfg.MaxHosts),
		blobs:       newBlobCache(cfg.CacheBytes),
		disk:        cfg.DiskCache,
		metrics:     newMetrics(),
		sites:       map[string]*site{},
	}
	s.metrics.cacheSize = s.blobs.size
	if s.disk != nil {
		s.metrics.diskSize = s.disk.Size
	}
	return s
}

// Metrics returns the server's counters, for an admin handler.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Invalidate makes the next request for siteID re-read its live pointer
// instead of waiting for PollInterval. A Redis pub/sub subscriber calls it
// when a promote or rollback is announced. Unknown sites are ignored.
func (s *Server) Invalidate(siteID string) {
	s.mu.Lock()
	st := s.sites[siteID]
	s.mu.Unlock()
	if st != nil {
		st.invalidate()
	}
}

// InvalidateHost drops the cached routing of host (a domain added, moved or
// removed), so the next request for it reads the routes bucket.
func (s *Server) InvalidateHost(host string) { s.hosts.delete(hostName(host)) }

// site returns the state of siteID, creating it empty.
func (s *Server) site(siteID string) *site {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.sites[siteID]
	if st == nil {
		st = &site{id: siteID, bucket: storage.SiteBucket(siteID)}
		s.sites[siteID] = st
	}
	return st
}

// ServeHTTP serves one request and logs it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if d, status, n, ok := s.serveRaw(w, r, start); ok {
		s.observe(r, status, int64(n), d.id, time.Since(start))
		return
	}
	rec := &recorder{ResponseWriter: w}
	s.serve(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	s.observe(r, rec.status, rec.bytes, w.Header().Get("X-Deploy-Id"), time.Since(start))
}

// observe counts and logs a finished request.
func (s *Server) observe(r *http.Request, status int, bytes int64, deployID string, d time.Duration) {
	s.metrics.observe(status, bytes, d)
	if !s.log.Enabled(r.Context(), slog.LevelInfo) {
		return
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("host", r.Host),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Int64("bytes", bytes),
		slog.Duration("duration", d),
		slog.String("deploy_id", deployID),
	)
}

// recorder remembers the status and body size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
