package edge

import (
	"log/slog"
	"net/http"
	"time"
)

// HTTP server limits of NewHTTPServer.
const (
	ReadHeaderTimeout = 5 * time.Second
	MaxHeaderBytes    = 16 << 10
	IdleTimeout       = 120 * time.Second
)

// NewHTTPServer returns an *http.Server for h on addr with the edge's
// limits: a 5s ReadHeaderTimeout (slowloris), 16 KiB of headers and a 120s
// IdleTimeout. It sets no WriteTimeout, since a large file to a slow client
// may take long. Starting it, and shutting it down gracefully with
// Shutdown(ctx) on a signal, is the caller's job: serve it on a listener
// wrapped by NewListener (hs.Serve(edge.NewListener(ln))) so small files go
// out in one write. When h is the *Server itself, not wrapped in
// middleware, a plain GET of a cached file is answered from a header block
// built once per file (see raw.go). Its ConnContext and ConnState hooks
// are the edge's; replacing them loses only that speed.
func NewHTTPServer(addr string, h http.Handler, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		IdleTimeout:       IdleTimeout,
		ConnContext:       connContext(isServer(h)),
		ConnState:         connState,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// isServer reports whether h is an edge Server, not wrapped in anything.
func isServer(h http.Handler) bool {
	_, ok := h.(*Server)
	return ok
}

// AdminHandler returns the handler of the edge's private admin port:
// GET /healthz answers 200 "ok" while the process serves, and GET /metrics
// the server's metrics in the Prometheus text format.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		plain(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if _, err := s.metrics.WriteTo(w); err != nil {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "write metrics", slog.Any("error", err))
		}
	})
	return mux
}
