package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/api"
	"github.com/igny8/igny8/cdn"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/livebus"
	"github.com/igny8/igny8/postgres"
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
	d := deployer.New(svc.store, deployer.Config{Logger: svc.logger})
	deploys := &platformDeploys{db: svc.db, d: d, bus: svc.bus, cdn: svc.cdn, log: svc.logger}
	return newAPI(svc.db, svc.rdb, deploys, svc.logger)
}

// newAPI wires the API to the database, Redis (for rate limits; nil: no
// limits) and the deploy machinery.
func newAPI(db *postgres.DB, rdb *redis.Client, deploys api.Deploys, logger *slog.Logger) http.Handler {
	var limiter, login api.Limiter
	if rdb != nil {
		limiter = &api.RedisLimiter{Client: rdb, Limit: 600, Window: time.Minute}
		login = &api.RedisLimiter{Client: rdb, Limit: 10, Window: time.Minute, Prefix: "igny8:rl:login:"}
	}
	return api.New(api.Config{
		Auth:         db,
		Accounts:     db,
		Members:      db,
		Tokens:       db,
		Sites:        db,
		Sectors:      db,
		Domains:      db,
		Blueprints:   db,
		Pages:        db,
		Deployments:  db,
		Admin:        db,
		Idempotency:  db,
		Credits:      db,
		Deploys:      deploys,
		Limiter:      limiter,
		LoginLimiter: login,
		Logger:       logger,
		Version:      version,
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

// platformDeploys implements api.Deploys: builds are queued through the
// outbox for the workers; rollbacks and promotes are one pointer swap,
// done at once and recorded in the history.
type platformDeploys struct {
	db  *postgres.DB
	d   *deployer.Deployer
	bus *livebus.Bus // nil: edges notice within their poll interval
	cdn *cdn.Hook    // nil: no CDN to purge
	log *slog.Logger
}

var _ api.Deploys = (*platformDeploys)(nil)

func (p *platformDeploys) Request(ctx context.Context, site *igny8.Site) (*igny8.Deployment, error) {
	return jobstore.New(p.db).QueueBuild(ctx, site.ID)
}

func (p *platformDeploys) Rollback(ctx context.Context, site *igny8.Site, to string) (*igny8.Deployment, error) {
	ref, err := p.d.Rollback(ctx, site.Slug, to)
	if err != nil {
		return nil, swapError(err, to)
	}
	p.afterSwap(ctx, site, ref)
	return p.db.RecordLiveSwap(ctx, site.ID, igny8.DeploymentRollback, ref.DeployID)
}

func (p *platformDeploys) Promote(ctx context.Context, site *igny8.Site, d *igny8.Deployment) (*igny8.Deployment, error) {
	if d.DeployID == "" || (d.Status != igny8.DeploymentReady && d.Status != igny8.DeploymentLive) {
		return nil, igny8.Errorf(igny8.EConflict, "Deploy %d is %s: only a ready deploy can go live.", d.ID, d.Status)
	}
	cur, err := p.d.Live(ctx, site.Slug)
	if err != nil && igny8.ErrorCode(err) != igny8.ENotFound {
		return nil, err
	}
	if cur.DeployID == d.DeployID {
		return d, nil
	}
	ref, err := p.d.Promote(ctx, site.Slug, d.DeployID, cur.DeployID)
	if err != nil {
		return nil, swapError(err, d.DeployID)
	}
	p.afterSwap(ctx, site, ref)
	if d.Type == igny8.DeploymentBuild {
		return p.db.MarkDeploymentLive(ctx, d.ID)
	}
	return p.db.RecordLiveSwap(ctx, site.ID, igny8.DeploymentPromote, ref.DeployID)
}

// afterSwap tells the edges and purges the CDN; neither undoes the swap.
func (p *platformDeploys) afterSwap(ctx context.Context, site *igny8.Site, ref deployer.LiveRef) {
	if p.bus != nil {
		if err := p.bus.Publish(ctx, site.Slug); err != nil {
			p.log.WarnContext(ctx, "edges will pick up the change within their poll interval, not at once", "site", site.Slug, "err", err)
		}
	}
	purgeLogged(ctx, p.cdn, p.log, site.Slug, ref)
}

// swapError keeps the deployer's user-facing errors and says what a
// missing deploy means.
func swapError(err error, deployID string) error {
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return igny8.Errorf(igny8.ENotFound, "Deploy %q is not a ready deploy of this site.", deployID)
	}
	return err
}
