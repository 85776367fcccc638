package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

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

	// ReservedHosts (IGNY8_RESERVED_HOSTS, comma-separated) are the
	// platform's own host names: no account may claim them or names under
	// them as a custom domain.
	ReservedHosts []string
	// SitePurgeGrace (IGNY8_SITE_PURGE_GRACE, default 7 days) is how long
	// a deleted site's objects are kept before they are deleted.
	SitePurgeGrace time.Duration
	purgeGrace     string
	// SyncEvery (IGNY8_SYNC_EVERY, default 15 minutes) is how often the
	// scheduler syncs each integration whose sync_enabled is set.
	SyncEvery time.Duration
	syncEvery string
	// Signup is who may sign up for an account (IGNY8_SIGNUP,
	// IGNY8_SIGNUP_PLAN; see signup.go).
	Signup signupConfig
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
	for _, h := range strings.Split(getenv("IGNY8_RESERVED_HOSTS"), ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			c.ReservedHosts = append(c.ReservedHosts, h)
		}
	}
	c.purgeGrace = or("IGNY8_SITE_PURGE_GRACE", "168h")
	c.syncEvery = or("IGNY8_SYNC_EVERY", "15m")
	signup, serr := loadSignupConfig(getenv)
	c.Signup = signup
	err := c.validate()
	if serr != nil {
		err = usageError{errors.Join(err, serr)}
	}
	return c, err
}

// validate returns every problem at once, each saying what to set, and
// fills in the parsed values.
func (c *config) validate() error {
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
	if d, err := time.ParseDuration(c.purgeGrace); err == nil && d >= 0 {
		c.SitePurgeGrace = d
	} else {
		errs = append(errs, fmt.Errorf("IGNY8_SITE_PURGE_GRACE=%q: want a duration such as 168h (7 days), or 0s to delete a deleted site's files at once", c.purgeGrace))
	}
	if d, err := time.ParseDuration(c.syncEvery); err == nil && d >= time.Minute {
		c.SyncEvery = d
	} else {
		errs = append(errs, fmt.Errorf("IGNY8_SYNC_EVERY=%q: want a duration of a minute or more, such as 15m", c.syncEvery))
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

func (c config) logger(w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// edgeURL is where a host is served by this platform's edge.
func (c config) edgeURL(host string) string {
	_, port, _ := net.SplitHostPort(c.EdgeAddr)
	if port == "80" {
		return "http://" + host + "/"
	}
	return "http://" + host + ":" + port + "/"
}
