package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8/edge"
	"github.com/igny8/igny8/livebus"
)

func runEdge(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "edge", "", "Serves every site's live deploy by host name (<slug>.<IGNY8_SITES_DOMAIN>) from\nIGNY8_STORAGE on IGNY8_EDGE_ADDR, with health and Prometheus metrics on\nIGNY8_EDGE_ADMIN_ADDR. Promotes and rollbacks are picked up within 2 seconds.\nWith IGNY8_EDGE_DISK_CACHE (or -disk-cache), blobs are kept in that folder too,\nup to IGNY8_EDGE_DISK_CACHE_MB (10240) MiB. IGNY8_EDGE_COUNTRY_HEADER names the\nheader in which the CDN in front sends the visitor's country (Country= rules).")
	diskDir := fs.String("disk-cache", "", "folder of the blob disk cache (default IGNY8_EDGE_DISK_CACHE; none when both are empty)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, store, err := openStore(e)
	if err != nil {
		return err
	}
	logger := cfg.logger(e.stderr)
	disk, err := cfg.openEdgeDiskCache(*diskDir)
	if err != nil {
		return err
	}
	country, err := edgeCountryHeader(e.getenv)
	if err != nil {
		return err
	}
	srv := edge.New(edge.Config{Store: store, SitesDomain: cfg.SitesDomain, Logger: logger, DiskCache: disk, CountryHeader: country})
	public := edge.NewHTTPServer(cfg.EdgeAddr, srv, logger)
	admin := &http.Server{Addr: cfg.EdgeAdminAddr, Handler: srv.AdminHandler(), ReadHeaderTimeout: 5 * time.Second}

	ln, err := net.Listen("tcp", cfg.EdgeAddr)
	if err != nil {
		return usageError{err}
	}
	aln, err := net.Listen("tcp", cfg.EdgeAdminAddr)
	if err != nil {
		ln.Close()
		return usageError{err}
	}
	fmt.Fprintf(e.stdout, "Edge serving %s on http://%s (sites at http://<slug>.%s%s/), admin on http://%s/metrics\n",
		cfg.Storage, ln.Addr(), cfg.SitesDomain, portSuffix(ln.Addr()), aln.Addr())
	if disk != nil {
		n, items := disk.Size()
		fmt.Fprintf(e.stdout, "Disk cache: %d blobs, %d MiB\n", items, n>>20)
	}
	if cfg.RedisURL != "" {
		bus, err := livebus.Open(cfg.RedisURL, logger)
		if err != nil {
			return err
		}
		defer bus.Close()
		go func() {
			// Subscribe reconnects by itself; messages lost while Redis is
			// away are made up for by polling.
			err := bus.Subscribe(ctx, srv, func() {
				logger.Info("listening for promotes on Redis", slog.String("channel", livebus.Channel))
			})
			if err != nil {
				logger.Warn("live bus stopped; promotes arrive by polling only", slog.Any("error", err))
			}
		}()
	}
	errc := make(chan error, 2)
	go func() { errc <- public.Serve(edge.NewListener(ln)) }()
	go func() { errc <- admin.Serve(aln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// In-flight requests finish; new ones are refused.
	serr := errors.Join(public.Shutdown(shut), admin.Shutdown(shut))
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return serr
}

// edgeCountryHeader reads IGNY8_EDGE_COUNTRY_HEADER: the request header in
// which the CDN in front of the edge names the visitor's country, for the
// Country= conditions of redirect rules (CloudFront-Viewer-Country,
// CF-IPCountry, ...). It is read here, not in the shared config, because
// only the edge uses it. "" leaves Country conditions unmatched.
func edgeCountryHeader(getenv func(string) string) (string, error) {
	h := strings.TrimSpace(getenv("IGNY8_EDGE_COUNTRY_HEADER"))
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return "", usageError{fmt.Errorf("IGNY8_EDGE_COUNTRY_HEADER=%q: want a header name, such as CloudFront-Viewer-Country or CF-IPCountry", h)}
		}
	}
	return http.CanonicalHeaderKey(h), nil
}

func portSuffix(a net.Addr) string {
	_, port, err := net.SplitHostPort(a.String())
	if err != nil || port == "80" {
		return ""
	}
	return ":" + port
}

// edgeDiskCacheBytes is IGNY8_EDGE_DISK_CACHE_MB in bytes.
func (c config) edgeDiskCacheBytes() (int64, error) {
	mb, err := strconv.ParseInt(c.EdgeDiskCacheMB, 10, 64)
	if err != nil || mb <= 0 || mb > 1<<30 {
		return 0, fmt.Errorf("IGNY8_EDGE_DISK_CACHE_MB=%q: want a positive number of MiB", c.EdgeDiskCacheMB)
	}
	return mb << 20, nil
}

// openEdgeDiskCache opens the edge's disk cache in dir, else in
// IGNY8_EDGE_DISK_CACHE; nil when both are empty.
func (c config) openEdgeDiskCache(dir string) (*edge.DiskCache, error) {
	if dir == "" {
		dir = c.EdgeDiskCache
	}
	if dir == "" {
		return nil, nil
	}
	max, err := c.edgeDiskCacheBytes()
	if err != nil {
		return nil, usageError{err}
	}
	return edge.OpenDiskCache(dir, max)
}
