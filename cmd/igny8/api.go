package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/api"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/sites"
)

// runAPI serves the HTTP API.
func runAPI(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "api", "", "Serves the HTTP API at IGNY8_API_ADDR (default :8080), backed by DATABASE_URL,\nREDIS_URL (rate limits, live-deploy announcements) and IGNY8_STORAGE.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, err := openServices(ctx, e)
	if err != nil {
		return err
	}
	defer svc.Close()
	return serveHTTP(ctx, e, svc.cfg.APIAddr, "api", svc.apiHandler(), svc.logger)
}

// apiHandler is the API wired to the services.
func (svc *services) apiHandler() http.Handler {
	return newAPI(svc)
}

// newAPI wires the API to the services.
func newAPI(svc *services) http.Handler {
	db, rdb := svc.db, svc.rdb
	var limiter, login api.Limiter
	if rdb != nil {
		limiter = &api.RedisLimiter{Client: rdb, Limit: 600, Window: time.Minute, Prefix: svc.limitPrefix + "igny8:rl:"}
		login = &api.RedisLimiter{Client: rdb, Limit: 10, Window: time.Minute, Prefix: svc.limitPrefix + "igny8:rl:login:"}
	}
	var integrations api.IntegrationStore
	var conn api.Connector
	var resolver api.Resolver
	var hooks api.HookTarget
	if d := svc.distributor(); d != nil {
		integrations, conn, resolver, hooks = db, d.conn, &syncService{db: db, dist: d}, &hookTarget{db: db, conn: d.conn}
	}
	return api.New(api.Config{
		Integrations:  integrations,
		Connector:     conn,
		Resolver:      resolver,
		Hooks:         hooks,
		Auth:          db,
		Accounts:      db,
		Members:       db,
		Tokens:        db,
		Sites:         db,
		SiteDeleter:   &siteDeleter{db: db, sites: svc.sites, grace: svc.cfg.SitePurgeGrace, logger: svc.logger},
		Assets:        &apiAssets{db: db, sites: svc.sites},
		Sectors:       db,
		Domains:       db,
		DomainService: newDomains(svc.cfg, svc.siteDeps(), svc.lookupTXT),
		Blueprints:    db,
		Pages:         db,
		Deployments:   db,
		Admin:         db,
		Idempotency:   db,
		Credits:       db,
		Deploys:       &apiDeploys{db: db, sites: svc.sites},
		PipelineStore: db,
		Pipeline:      svc.pipelineService(),
		Limiter:       limiter,
		LoginLimiter:  login,
		SignupMode:    svc.cfg.Signup.Mode,
		SignupPlan:    svc.cfg.Signup.Plan,
		Signups:       db,
		SignupLimiter: signupLimiter(rdb),
		Invites:       db,
		Logger:        svc.logger,
		Version:       version,
		Ready: func(ctx context.Context) error {
			if err := db.Ping(ctx); err != nil {
				return fmt.Errorf("postgres: %w", err)
			}
			if rdb != nil {
				if err := rdb.Ping(ctx).Err(); err != nil {
					return fmt.Errorf("redis: %w", err)
				}
			}
			return nil
		},
	})
}

// serveHTTP serves h at addr until ctx ends, then shuts down gracefully.
func serveHTTP(ctx context.Context, e *env, addr, name string, h http.Handler, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: listen on %s: %w", name, addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	fmt.Fprintf(e.stdout, "%s listening on http://%s\n", name, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// apiDeploys implements api.Deploys: builds are queued through the
// outbox for the workers; rollbacks and promotes go through the site
// service at once, which records them.
type apiDeploys struct {
	db    *postgres.DB
	sites *sites.Service
}

func (p *apiDeploys) Request(ctx context.Context, site *igny8.Site) (*igny8.Deployment, error) {
	return jobstore.New(p.db).QueueBuild(ctx, site.ID)
}

func (p *apiDeploys) Rollback(ctx context.Context, site *igny8.Site, to string) (*igny8.Deployment, error) {
	sw, err := p.sites.Rollback(ctx, site, to)
	if err != nil {
		return nil, err
	}
	return sw.Record, nil
}

func (p *apiDeploys) Promote(ctx context.Context, site *igny8.Site, d *igny8.Deployment) (*igny8.Deployment, error) {
	sw, err := p.sites.PromoteDeployment(ctx, site, d)
	if err != nil {
		return nil, err
	}
	return sw.Record, nil
}

// siteDeleter deletes a site's rows with a record of what is left, then
// takes it off the web at once; the scheduler finishes what a storage
// outage interrupted, and deletes the files after the grace period.
type siteDeleter struct {
	db     *postgres.DB
	sites  *sites.Service
	grace  time.Duration
	logger *slog.Logger
}

func (d *siteDeleter) DeleteSite(ctx context.Context, id int64) error {
	del, err := d.db.DeleteSite(ctx, id, d.grace)
	if err != nil {
		return err
	}
	if err := d.sites.Finish(ctx, d.db, del); err != nil {
		// The rows are gone; the scheduler retries within a minute.
		d.logger.WarnContext(ctx, "deleted site still to be unpublished", slog.String("site", del.Slug), slog.Any("error", err))
		if ferr := d.db.DeletionFailed(ctx, del.ID, err.Error()); ferr != nil {
			d.logger.ErrorContext(ctx, "record deletion failure", slog.Any("error", ferr))
		}
	}
	return nil
}

// apiAssets implements api.Assets: rows in the database, bytes in the
// site's storage.
type apiAssets struct {
	db    *postgres.DB
	sites *sites.Service
}

func (a *apiAssets) PutAsset(ctx context.Context, siteID int64, path, contentType string, body io.Reader) (*igny8.Asset, bool, error) {
	site, err := a.db.Site(ctx, siteID)
	if err != nil {
		return nil, false, err
	}
	return a.sites.PutAsset(ctx, site, path, contentType, body)
}

func (a *apiAssets) Assets(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Asset, error) {
	return a.db.Assets(ctx, siteID, after, limit)
}

func (a *apiAssets) AssetByID(ctx context.Context, siteID, id int64) (*igny8.Asset, error) {
	return a.db.AssetByID(ctx, siteID, id)
}

func (a *apiAssets) OpenAsset(ctx context.Context, siteID int64, as *igny8.Asset) (io.ReadCloser, error) {
	site, err := a.db.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return a.sites.OpenAsset(ctx, site, as)
}

func (a *apiAssets) DeleteAssetByID(ctx context.Context, siteID, id int64) error {
	return a.db.DeleteAssetByID(ctx, siteID, id)
}
