package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/cdn"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/livebus"
	"github.com/igny8/igny8/postgres"
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
	jc := svc.jobsConfig(nil)
	jc.Concurrency, jc.SiteLimit = *concurrency, *siteLimit
	svc.logger.Info("worker running", slog.Int("concurrency", jc.Concurrency), slog.Int("site_limit", jc.SiteLimit))
	return jobs.NewWorker(jc).Run(ctx)
}

// services are the connections of the platform roles.
type services struct {
	cfg    config
	db     *postgres.DB
	rdb    *redis.Client
	bus    *livebus.Bus
	cdn    *cdn.Hook // nil without IGNY8_CDN
	store  storage.Store
	logger *slog.Logger
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
	// Builds that go live purge the CDN as `igny8 deploy` does.
	hook, err := newCDNHook(ctx, e, deployer.New(store, deployer.Config{Logger: logger}), logger)
	if err != nil {
		bus.Close()
		db.Close()
		return nil, err
	}
	return &services{cfg: cfg, db: db, rdb: redis.NewClient(opts), bus: bus, cdn: hook, store: store, logger: logger}, nil
}

func (s *services) Close() {
	s.bus.Close()
	s.rdb.Close()
	s.db.Close()
}

// jobsConfig wires the real store, builder and deployer into jobs. wrap,
// when set, wraps the object store the deployer writes to (tests use it to
// stop a worker mid-upload).
func (s *services) jobsConfig(wrap func(storage.Store) storage.Store) jobs.Config {
	p := &platform{cfg: s.cfg, store: s.store, wrap: wrap, logger: s.logger,
		builder: builder.New(builder.Config{Logger: s.logger}), bus: s.bus, cdn: s.cdn}
	// The scheduler leader also keeps the credit ledger: monthly
	// replenishment, expiry of crashed jobs' holds, low-credit webhooks.
	ledger := &credits.Maintenance{Store: s.db, Notifier: &credits.Notifier{Client: credits.NewWebhookClient(10 * time.Second)}, Logger: s.logger}
	return jobs.Config{Redis: s.rdb, Store: jobstore.New(s.db), Builder: p, Deployer: p, Notifier: p, Logger: s.logger,
		Periodic: []jobs.Periodic{
			{Name: "credits", Every: time.Minute, Run: ledger.Run},
			{Name: "retention", Every: time.Hour, Run: s.retention},
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

// platform is the builder, deployer and edge bus as jobs sees them. A
// site's storage id is its slug: slugs are unique and never change, and
// the edge, the routes bucket and the CLI already name sites by them.
type platform struct {
	cfg     config
	store   storage.Store
	wrap    func(storage.Store) storage.Store
	builder *builder.Builder
	bus     *livebus.Bus
	cdn     *cdn.Hook
	logger  *slog.Logger
}

var (
	_ jobs.Builder  = (*platform)(nil)
	_ jobs.Deployer = (*platform)(nil)
	_ jobs.Notifier = (*platform)(nil)
)

// siteBuild is a built site: its files and the options of its deploy.
type siteBuild struct {
	files []deployer.File
	opts  deployer.DeployOptions
	bytes int64
}

func (b *siteBuild) Files() int   { return len(b.files) }
func (b *siteBuild) Bytes() int64 { return b.bytes }

// siteAssets returns the files a site's blueprint assets are relative to.
// Until sites have an asset library, a site named after an example gets
// the example's assets (igny8 dev deploys them) and others get none.
func siteAssets(site *igny8.Site) fs.FS {
	if slices.Contains(examples.Names(), site.Slug) {
		if sub, err := fs.Sub(examples.FS(), site.Slug); err == nil {
			return sub
		}
	}
	return emptyFS{}
}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// Build implements jobs.Builder: validate, build with Hugo, and compile
// the blueprint's redirects.
func (p *platform) Build(ctx context.Context, site *igny8.Site, doc []byte) (jobs.Build, error) {
	assets := siteAssets(site)
	bp, err := blueprints.Load(doc, blueprints.Options{Assets: assets})
	if err != nil {
		var ps blueprints.Problems
		if errors.As(err, &ps) {
			return nil, igny8.Errorf(igny8.EInvalid, "The blueprint is invalid: %s", ps.Error())
		}
		return nil, err
	}
	redirects, err := rules.MergeRedirects(nil, blueprintRedirects(bp, "blueprint"))
	if err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "The blueprint's redirects are invalid: %v", err)
	}
	out, err := p.builder.Build(ctx, builder.Input{Blueprint: bp, Assets: assets})
	if err != nil {
		return nil, err
	}
	b := &siteBuild{opts: deployer.DeployOptions{
		URLPolicy: deployer.URLPolicy{TrailingSlash: "always"},
		Redirects: redirects,
		Build:     map[string]any{"pages": out.Pages, "duration_ms": out.Duration.Milliseconds(), "site_id": site.ID},
	}}
	for _, f := range out.Files {
		b.files = append(b.files, deployer.File{Path: f.Path, Data: f.Data, SHA256: f.SHA256, Size: f.Size})
		b.bytes += f.Size
		if f.Path == "404.html" {
			b.opts.NotFound = "404.html"
		}
	}
	return b, nil
}

func (p *platform) deployer(store storage.Store) *deployer.Deployer {
	return deployer.New(store, deployer.Config{Logger: p.logger})
}

// Deploy implements jobs.Deployer. Upload progress is counted from the
// blob writes the deployer makes.
func (p *platform) Deploy(ctx context.Context, site *igny8.Site, b jobs.Build, progress func(jobs.Counts)) (string, jobs.Counts, error) {
	sb, ok := b.(*siteBuild)
	if !ok {
		return "", jobs.Counts{}, fmt.Errorf("deploy: not a build of this platform: %T", b)
	}
	var mu sync.Mutex
	c := jobs.Counts{Files: sb.Files(), Bytes: sb.bytes}
	var store storage.Store = &countingStore{Store: p.store, blob: func(size int64) {
		mu.Lock()
		c.UploadedFiles++
		c.UploadedBytes += size
		cur := c
		mu.Unlock()
		progress(cur)
	}}
	if p.wrap != nil {
		store = p.wrap(store)
	}
	m, st, err := p.deployer(store).Deploy(ctx, site.Slug, sb.files, sb.opts)
	if err != nil {
		return "", jobs.Counts{}, err
	}
	if err := ensureRoute(ctx, p.store, p.cfg.siteHost(site.Slug), site.Slug); err != nil {
		return "", jobs.Counts{}, err
	}
	mu.Lock()
	defer mu.Unlock()
	// Files and bytes written, as counted above: the deployer's own stats
	// count precompressed variants too.
	return m.DeployID, jobs.Counts{Files: st.Files, Bytes: st.Bytes, UploadedFiles: c.UploadedFiles, UploadedBytes: c.UploadedBytes}, nil
}

// Live implements jobs.Deployer.
func (p *platform) Live(ctx context.Context, site *igny8.Site) (string, error) {
	ref, err := p.deployer(p.store).Live(ctx, site.Slug)
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return "", nil
	}
	return ref.DeployID, err
}

// Promote implements jobs.Deployer, and purges the CDN of what changed.
func (p *platform) Promote(ctx context.Context, site *igny8.Site, deployID, expected string) error {
	ref, err := p.deployer(p.store).Promote(ctx, site.Slug, deployID, expected)
	if err != nil {
		return err
	}
	purgeLogged(ctx, p.cdn, p.logger, site.Slug, ref)
	return nil
}

// PreviewURL implements jobs.Deployer.
func (p *platform) PreviewURL(site *igny8.Site, deployID string) string {
	return p.cfg.previewURL(deployID, site.Slug)
}

// Prune implements jobs.Deployer with the retention of `igny8 gc`.
func (p *platform) Prune(ctx context.Context, site *igny8.Site) error {
	st, err := p.deployer(p.store).Prune(ctx, site.Slug, deployer.Retention{KeepLast: 10, KeepDays: 30, Grace: deployer.DefaultGrace})
	if err != nil {
		return fmt.Errorf("gc %s: %w", site.Slug, err)
	}
	p.logger.InfoContext(ctx, "gc", slog.String("site", site.Slug), slog.Int("deploys_kept", st.DeploysKept),
		slog.Int("deploys_deleted", st.DeploysDeleted), slog.Int("blobs_deleted", st.BlobsDeleted))
	return nil
}

// Announce implements jobs.Notifier over the live bus.
func (p *platform) Announce(ctx context.Context, site *igny8.Site) error {
	return p.bus.Publish(ctx, site.Slug)
}

// countingStore reports each blob the deployer writes (precompressed
// variants are not counted as files).
type countingStore struct {
	storage.Store
	blob func(size int64)
}

func (c *countingStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	info, err := c.Store.Put(ctx, bucket, key, r, size, opts)
	if err == nil && strings.HasPrefix(key, deployer.BlobPrefix) && !strings.HasSuffix(key, ".br") && !strings.HasSuffix(key, ".gz") {
		c.blob(size)
	}
	return info, err
}

// DeleteIfGeneration keeps the underlying store's conditional delete.
func (c *countingStore) DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error {
	if cd, ok := c.Store.(storage.ConditionalDeleter); ok {
		return cd.DeleteIfGeneration(ctx, bucket, key, generation)
	}
	return errors.ErrUnsupported
}
