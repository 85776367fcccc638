package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/livebus"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/backend"
	"github.com/igny8/igny8/storage/s3"
)

// config is the environment of the platform commands, read once.
type config struct {
	Storage       string // IGNY8_STORAGE
	S3            s3.Config
	SitesDomain   string // IGNY8_SITES_DOMAIN
	EdgeAddr      string // IGNY8_EDGE_ADDR
	EdgeAdminAddr string // IGNY8_EDGE_ADMIN_ADDR
	LogFormat     string // IGNY8_LOG_FORMAT: text or json
	RedisURL      string // REDIS_URL: optional; promotes reach edges at once
	DatabaseURL   string // DATABASE_URL: the control plane (api, worker, scheduler, migrate)
	APIAddr       string // IGNY8_API_ADDR

	EdgeDiskCache   string // IGNY8_EDGE_DISK_CACHE: folder of the edge's blob disk cache; empty: off
	EdgeDiskCacheMB string // IGNY8_EDGE_DISK_CACHE_MB: its bound in MiB (10240)
}

func loadConfig(getenv func(string) string) (config, error) {
	or := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	c := config{
		Storage: or("IGNY8_STORAGE", "fs://./data/objects"),
		S3: s3.Config{
			Endpoint:  getenv("IGNY8_S3_ENDPOINT"),
			AccessKey: getenv("IGNY8_S3_ACCESS_KEY"),
			SecretKey: getenv("IGNY8_S3_SECRET_KEY"),
			Region:    getenv("IGNY8_S3_REGION"),
		},
		SitesDomain:   strings.ToLower(or("IGNY8_SITES_DOMAIN", "localhost")),
		EdgeAddr:      or("IGNY8_EDGE_ADDR", ":8081"),
		EdgeAdminAddr: or("IGNY8_EDGE_ADMIN_ADDR", "127.0.0.1:9091"),
		LogFormat:     or("IGNY8_LOG_FORMAT", "text"),
		RedisURL:      getenv("REDIS_URL"),
		DatabaseURL:   getenv("DATABASE_URL"),
		APIAddr:       or("IGNY8_API_ADDR", ":8080"),

		EdgeDiskCache:   getenv("IGNY8_EDGE_DISK_CACHE"),
		EdgeDiskCacheMB: or("IGNY8_EDGE_DISK_CACHE_MB", "10240"),
	}
	return c, c.validate()
}

// validate returns every problem at once, each saying what to set.
func (c config) validate() error {
	var errs []error
	switch {
	case strings.HasPrefix(c.Storage, "fs://"):
	case strings.HasPrefix(c.Storage, "s3://"):
		if c.S3.Endpoint == "" || c.S3.AccessKey == "" || c.S3.SecretKey == "" {
			errs = append(errs, errors.New("IGNY8_STORAGE is s3://, so set IGNY8_S3_ENDPOINT, IGNY8_S3_ACCESS_KEY and IGNY8_S3_SECRET_KEY"))
		}
	default:
		errs = append(errs, fmt.Errorf("IGNY8_STORAGE=%q: want fs://PATH (a local folder), s3:// (a bucket per site) or s3://BUCKET (one bucket, a prefix per site)", c.Storage))
	}
	for _, a := range []struct{ name, val string }{{"IGNY8_EDGE_ADDR", c.EdgeAddr}, {"IGNY8_EDGE_ADMIN_ADDR", c.EdgeAdminAddr}, {"IGNY8_API_ADDR", c.APIAddr}} {
		if _, _, err := net.SplitHostPort(a.val); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want HOST:PORT or :PORT", a.name, a.val))
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("IGNY8_LOG_FORMAT=%q: want text or json", c.LogFormat))
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		errs = append(errs, fmt.Errorf("REDIS_URL=%q: want redis://HOST:PORT/DB (or rediss:// for TLS)", c.RedisURL))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, fmt.Errorf("DATABASE_URL: want postgres://USER@HOST:PORT/DB"))
	}
	if c.SitesDomain == "" || strings.ContainsAny(c.SitesDomain, "/: ") {
		errs = append(errs, fmt.Errorf("IGNY8_SITES_DOMAIN=%q: want a domain such as sites.example.com", c.SitesDomain))
	}
	if _, err := c.edgeDiskCacheBytes(); err != nil {
		errs = append(errs, err)
	}
	return usageError{errors.Join(errs...)}.orNil()
}

func (e usageError) orNil() error {
	if e.err == nil {
		return nil
	}
	return e
}

// openStore reads the environment and opens the store it names.
func openStore(e *env) (config, storage.Store, error) {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return cfg, nil, err
	}
	store, err := backend.Open(cfg.Storage, backend.Config{S3: cfg.S3})
	return cfg, store, err
}

// announce tells the edges that a site's live deploy changed, when Redis is
// configured. Failing is only worth a warning: edges poll as well.
func (c config) announce(ctx context.Context, e *env, siteID string) {
	if c.RedisURL == "" {
		return
	}
	bus, err := livebus.Open(c.RedisURL, nil)
	if err == nil {
		defer bus.Close()
		err = bus.Publish(ctx, siteID)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "warning: edges will pick up the change within 2 s, not at once: %v\n", err)
	}
}

func (c config) logger(w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// siteHost is the host a site answers at: <slug>.<sites domain>.
func (c config) siteHost(slug string) string { return slug + "." + c.SitesDomain }

// siteURL is where a site is served by a local edge.
func (c config) siteURL(slug string) string { return c.edgeURL(c.siteHost(slug)) }

// previewURL is where one deploy of a site can be seen before (or after)
// it is live.
func (c config) previewURL(deployID, slug string) string {
	return c.edgeURL(deployer.PreviewHost(deployID, slug, c.SitesDomain))
}

func (c config) edgeURL(host string) string {
	_, port, _ := net.SplitHostPort(c.EdgeAddr)
	if port == "80" {
		return "http://" + host + "/"
	}
	return "http://" + host + ":" + port + "/"
}
