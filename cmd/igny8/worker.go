package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/cdn"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/domains"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/livebus"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/safehttp"
	"github.com/igny8/igny8/secrets"
	"github.com/igny8/igny8/sites"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/backend"
)

func runWorker(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "worker", "", "Runs background jobs from Redis (REDIS_URL): builds and deploys, garbage collection;\nand relays the outbox of DATABASE_URL to Redis. Run as many as you like.")
	concurrency := fs.Int("concurrency", jobs.DefaultConcurrency, "jobs run at once by this process")
	siteLimit := fs.Int("site-limit", jobs.DefaultSiteLimit, "jobs run at once per site, across every worker")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, err := openServices(ctx, e)
	if err != nil {
		return err
	}
	defer svc.Close()
	jc := svc.jobsConfig()
	jc.Concurrency, jc.SiteLimit = *concurrency, *siteLimit
	svc.logger.Info("worker running", slog.Int("concurrency", jc.Concurrency), slog.Int("site_limit", jc.SiteLimit))
	return jobs.NewWorker(jc).Run(ctx)
}

// services are the connections of the platform roles, and the one site
// service they share.
type services struct {
	cfg    config
	db     *postgres.DB
	rdb    *redis.Client
	bus    *livebus.Bus
	cdn    *cdn.Hook // nil without IGNY8_CDN
	store  storage.Store
	sites  *sites.Service
	logger *slog.Logger
	ai     ai.Provider // the content pipeline's AI provider
	// limitPrefix goes before the API's rate-limit keys: tests that share
	// one Redis give each platform its own, as token ids repeat across
	// their databases.
	limitPrefix string
	// lookupTXT replaces DNS for domain verification when set (tests).
	lookupTXT domains.LookupTXT
	// ring seals integrations' credentials; nil without one configured.
	ring *secrets.Ring
	// integrationHTTP is the SSRF-safe client integrations connect with.
	integrationHTTP *safehttp.Client
	// integrationClient, when set, is the HTTP client of integrations'
	// requests instead of integrationHTTP's (tests wrap it).
	integrationClient *http.Client
	// integrationLimits paces requests to each integration (one per
	// process: the API's checks and the worker's jobs share it).
	integrationLimits integrationLimits
}

// openServices connects to Postgres, Redis and object storage as the
// environment says; all three are required.
func openServices(ctx context.Context, e *env) (*services, error) {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return nil, err
	}
	var missing []string
	if cfg.DatabaseURL == "" {
		missing = append(missing, "DATABASE_URL")
	}
	if cfg.RedisURL == "" {
		missing = append(missing, "REDIS_URL")
	}
	if len(missing) > 0 {
		return nil, usagef("set %s (or run `igny8 dev`, which starts its own)", strings.Join(missing, " and "))
	}
	store, err := backend.Open(cfg.Storage, backend.Config{S3: cfg.S3})
	if err != nil {
		return nil, err
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, usagef("REDIS_URL: %v", err)
	}
	logger := cfg.logger(e.stderr)
	bus, err := livebus.Open(cfg.RedisURL, logger)
	if err != nil {
		return nil, err
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		bus.Close()
		return nil, err
	}
	hook, err := newCDNHook(ctx, e, deployer.New(store, deployer.Config{Logger: logger}), logger)
	if err != nil {
		bus.Close()
		db.Close()
		return nil, err
	}
	provider, err := newAIProvider(e.getenv)
	if err != nil {
		bus.Close()
		db.Close()
		return nil, err
	}
	logAIProvider(logger, provider)
	ring, err := loadKeyRing(e.getenv)
	if err != nil {
		bus.Close()
		db.Close()
		return nil, err
	}
	svc := &services{cfg: cfg, db: db, rdb: redis.NewClient(opts), bus: bus, cdn: hook, store: store, logger: logger, ai: provider,
		ring: ring, integrationHTTP: integrationHTTP(e.getenv)}
	svc.sites = newSites(cfg, svc.siteDeps())
	return svc, nil
}

func (s *services) siteDeps() siteDeps {
	return siteDeps{store: s.store, db: s.db, bus: s.bus, cdn: s.cdn, logger: s.logger}
}

func (s *services) Close() {
	s.bus.Close()
	s.rdb.Close()
	s.db.Close()
}

// jobsConfig wires the store and the site service into jobs, with the
// scheduler leader's periodic work.
func (s *services) jobsConfig() jobs.Config {
	// The scheduler leader also keeps the credit ledger: monthly
	// replenishment, expiry of crashed jobs' holds, low-credit webhooks.
	ledger := &credits.Maintenance{Store: s.db, Notifier: &credits.Notifier{Client: credits.NewWebhookClient(10 * time.Second)}, Logger: s.logger}
	return jobs.Config{Redis: s.rdb, Store: jobstore.New(s.db), Sites: jobSites{s.sites}, Logger: s.logger,
		AI: aiJobs{DB: s.db, runner: s.pipelineRunner()},
		Periodic: []jobs.Periodic{
			{Name: "credits", Every: time.Minute, Run: ledger.Run},
			{Name: "retention", Every: time.Hour, Run: s.retention},
			{Name: "site-deletions", Every: time.Minute, Run: s.finishDeletions},
			{Name: "routes", Every: 10 * time.Minute, Run: s.reconcileRoutes},
			{Name: "integration-sync", Every: time.Minute, Run: s.syncIntegrations},
		}}
}

// retention deletes outbox rows relayed a week ago (long after the job
// queue dropped their tasks) and idempotency keys older than a day.
func (s *services) retention(ctx context.Context) error {
	n, err := s.db.DeleteRelayedOutbox(ctx, 7*24*time.Hour)
	k, err2 := s.db.ExpireIdempotencyKeys(ctx, 24*time.Hour)
	if n+k > 0 {
		s.logger.InfoContext(ctx, "retention", slog.Int64("outbox_rows", n), slog.Int64("idempotency_keys", k))
	}
	return errors.Join(err, err2)
}

// finishDeletions unpublishes deleted sites whose routes a storage outage
// kept, and destroys those whose grace period is over.
func (s *services) finishDeletions(ctx context.Context) error {
	n, err := s.sites.FinishDeletions(ctx, s.db)
	if n > 0 {
		s.logger.InfoContext(ctx, "site deletions", slog.Int("finished", n))
	}
	return err
}

// reconcileRoutes makes sure every verified domain routes to its site, so
// a route lost to a storage failure comes back without anyone verifying
// again.
func (s *services) reconcileRoutes(ctx context.Context) error {
	routes, err := s.db.VerifiedRoutes(ctx)
	if err != nil {
		return err
	}
	_, err = newDomains(s.cfg, s.siteDeps(), nil).Reconcile(ctx, routes)
	return err
}
