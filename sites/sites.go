// Package sites owns the one sequence that puts a site on the web:
//
//	build → deploy (upload) → route → promote → announce → purge
//
// used alike by the CLI (igny8 deploy), the API (rollback, promote) and the
// jobs (the build-and-deploy task), so that every door makes the same
// deploy, records it in the history when there is one, and changes the
// live site in the same order. And it ends a site: delete (tombstone,
// routes removed, edges told) and, after a grace period, destroy.
//
// The order after a swap of the live pointer is fixed: first the edges are
// told (so they reload the site), then the CDN is purged. Purging first
// would let the CDN fetch the old page again from an edge that had not
// switched yet and cache it anew.
//
// A site's objects live under its storage id (igny8.Site.StorageID), never
// under its slug: slugs are freed when a site is deleted, storage ids are
// never reused.
package sites

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/builder"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/domains"
	"github.com/igny8/igny8/storage"
)

// Announcer tells every edge that a site's live deploy changed, or a host's
// route did (livebus.Bus is one).
type Announcer interface {
	Publish(ctx context.Context, storageID string) error
	PublishHost(ctx context.Context, host string) error
}

// Purger invalidates a CDN in front of the edges after a swap of a site's
// live pointer, and says how many paths it asked to purge.
type Purger interface {
	Purge(ctx context.Context, storageID string, ref deployer.LiveRef) (paths int, err error)
}

// History records deploys and swaps in the control plane (*postgres.DB is
// one). Methods act for the actor in ctx.
type History interface {
	// BeginDeployment records a new build of the site, building.
	BeginDeployment(ctx context.Context, siteID int64) (*igny8.Deployment, error)
	DeploymentProgress(ctx context.Context, id int64, c igny8.DeployCounts) error
	RecordDeploy(ctx context.Context, id int64, deployID, previewURL string, c igny8.DeployCounts) (*igny8.Deployment, error)
	MarkDeploymentLive(ctx context.Context, id int64) (*igny8.Deployment, error)
	FailDeployment(ctx context.Context, id int64, msg string) (*igny8.Deployment, error)
	// RecordLiveSwap records a rollback or promote (typ) to deployID.
	RecordLiveSwap(ctx context.Context, siteID int64, typ, deployID string) (*igny8.Deployment, error)
}

// AssetStore lists a site's asset library (*postgres.DB is one).
type AssetStore interface {
	PutAsset(ctx context.Context, a *igny8.Asset) (created bool, err error)
	Assets(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Asset, error)
}

// Config wires a Service. Store and SitesDomain are required.
type Config struct {
	Store    storage.Store
	Deployer deployer.Config
	Builder  *builder.Builder // nil: a builder with the service's logger
	// History, when set, records every deploy and swap; without it (the
	// CLI with no DATABASE_URL) nothing is recorded.
	History History
	// Assets, when set, gives blueprint builds their site's asset library.
	Assets AssetStore
	// Announcer is optional: without it, edges notice a change within
	// their poll interval.
	Announcer Announcer
	// Purger is optional: without it, no CDN is purged.
	Purger Purger
	// SitesDomain: every site answers at <slug>.<SitesDomain>.
	SitesDomain string
	// URL turns a host into the URL people visit; https://<host>/ when nil.
	URL func(host string) string
	// Authoritative says the caller's control plane decides which site a
	// host belongs to (a database), so a site's deploy takes its
	// <slug> host whatever it routed to before (a deleted site). Without
	// it (the CLI alone), the first site to route a host keeps it.
	Authoritative bool
	// Retention is what Prune keeps; KeepLast 10, KeepDays 30 and
	// deployer.DefaultGrace when zero.
	Retention deployer.Retention
	Logger    *slog.Logger
}

// Service runs the sequence. It is safe for concurrent use, and meant to be
// made once per process: its deployer keeps compressors and its builder
// bounds the builds at once.
type Service struct {
	cfg      Config
	store    storage.Store
	deployer *deployer.Deployer
	builder  *builder.Builder
	routes   *domains.Routes
	logger   *slog.Logger
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Deployer.Logger == nil {
		cfg.Deployer.Logger = cfg.Logger
	}
	if cfg.Builder == nil {
		cfg.Builder = builder.New(builder.Config{Logger: cfg.Logger})
	}
	if cfg.URL == nil {
		cfg.URL = func(host string) string { return "https://" + host + "/" }
	}
	if cfg.Retention.KeepLast == 0 && cfg.Retention.KeepDays == 0 {
		cfg.Retention.KeepLast, cfg.Retention.KeepDays = 10, 30
	}
	if cfg.Retention.Grace == 0 {
		cfg.Retention.Grace = deployer.DefaultGrace
	}
	return &Service{
		cfg:      cfg,
		store:    cfg.Store,
		deployer: deployer.New(cfg.Store, cfg.Deployer),
		builder:  cfg.Builder,
		routes:   domains.NewRoutes(cfg.Store),
		logger:   cfg.Logger,
	}
}

// Deployer is the service's deployer, for reading deploys (lists,
// manifests) and for garbage collection.
func (s *Service) Deployer() *deployer.Deployer { return s.deployer }

// Host is the host a site answers at: <slug>.<sites domain>.
func (s *Service) Host(site *igny8.Site) string { return site.Slug + "." + s.cfg.SitesDomain }

// SiteURL is where a site is served.
func (s *Service) SiteURL(site *igny8.Site) string { return s.cfg.URL(s.Host(site)) }

// PreviewURL is where one deploy of a site can be seen, live or not.
func (s *Service) PreviewURL(site *igny8.Site, deployID string) string {
	return s.cfg.URL(deployer.PreviewHost(deployID, site.Slug, s.cfg.SitesDomain))
}

// Live returns the id of the site's live deploy, "" when none is live
// (never deployed, or a first promote that backed out). A deleted site is
// an error: deployer.ErrSiteDeleted.
func (s *Service) Live(ctx context.Context, site *igny8.Site) (string, error) {
	ref, err := s.deployer.Live(ctx, site.StorageID)
	switch {
	case errors.Is(err, deployer.ErrSiteDeleted):
		return "", err
	case igny8.ErrorCode(err) == igny8.ENotFound:
		return "", nil
	case err != nil:
		return "", err
	}
	return ref.DeployID, nil
}

// Swap is a change of a site's live deploy.
type Swap struct {
	Ref deployer.LiveRef
	// Record is the history row of the swap; nil without History, or when
	// the caller records it (a build going live).
	Record *igny8.Deployment
	// PurgedPaths is how many paths the CDN was asked to purge; PurgeErr
	// why it could not be (a warning: the swap stands).
	PurgedPaths int
	PurgeErr    error
}

// Promote makes deployID the site's live deploy if expected is live now
// ("" when none is), then tells the edges and purges the CDN. Promoting
// the live deploy changes nothing and tells no one.
func (s *Service) Promote(ctx context.Context, site *igny8.Site, deployID, expected string) (*Swap, error) {
	ref, err := s.deployer.Promote(ctx, site.StorageID, deployID, expected)
	if err != nil {
		return nil, err
	}
	return s.afterSwap(ctx, site, ref), nil
}

// Rollback makes an earlier ready deploy live (toDeployID, or the one live
// before when ""), tells the edges, purges the CDN, and records the swap in
// the history when there is one.
func (s *Service) Rollback(ctx context.Context, site *igny8.Site, toDeployID string) (*Swap, error) {
	ref, err := s.deployer.Rollback(ctx, site.StorageID, toDeployID)
	if err != nil {
		return nil, swapError(err, toDeployID)
	}
	sw := s.afterSwap(ctx, site, ref)
	return sw, s.record(ctx, site, igny8.DeploymentRollback, sw)
}

// PromoteDeployment makes the ready deploy of history row d live, whatever
// is live now, and records it: the row itself goes live when it is the
// build that made the deploy, else a promote row is added.
func (s *Service) PromoteDeployment(ctx context.Context, site *igny8.Site, d *igny8.Deployment) (*Swap, error) {
	if d.DeployID == "" || (d.Status != igny8.DeploymentReady && d.Status != igny8.DeploymentLive) {
		return nil, igny8.Errorf(igny8.EConflict, "Deploy %d is %s: only a ready deploy can go live.", d.ID, d.Status)
	}
	cur, err := s.Live(ctx, site)
	if err != nil {
		return nil, err
	}
	if cur == d.DeployID {
		return &Swap{Record: d}, nil
	}
	sw, err := s.Promote(ctx, site, d.DeployID, cur)
	if err != nil {
		return nil, swapError(err, d.DeployID)
	}
	if s.cfg.History == nil {
		return sw, nil
	}
	if d.Type == igny8.DeploymentBuild {
		sw.Record, err = s.cfg.History.MarkDeploymentLive(ctx, d.ID)
		return sw, err
	}
	return sw, s.record(ctx, site, igny8.DeploymentPromote, sw)
}

func (s *Service) record(ctx context.Context, site *igny8.Site, typ string, sw *Swap) error {
	if s.cfg.History == nil || site.ID == 0 {
		return nil
	}
	var err error
	sw.Record, err = s.cfg.History.RecordLiveSwap(ctx, site.ID, typ, sw.Ref.DeployID)
	return err
}

// afterSwap tells the edges, then purges the CDN (see the package doc for
// why in that order). Neither undoes the swap: failures are warnings.
func (s *Service) afterSwap(ctx context.Context, site *igny8.Site, ref deployer.LiveRef) *Swap {
	sw := &Swap{Ref: ref}
	s.announce(ctx, site)
	if s.cfg.Purger != nil {
		sw.PurgedPaths, sw.PurgeErr = s.cfg.Purger.Purge(ctx, site.StorageID, ref)
		if sw.PurgeErr != nil {
			s.logger.WarnContext(ctx, "CDN purge failed; the CDN may serve the previous deploy until its cache expires",
				slog.String("site", site.Slug), slog.String("storage_id", site.StorageID), slog.Any("error", sw.PurgeErr))
		}
	}
	return sw
}

func (s *Service) announce(ctx context.Context, site *igny8.Site) {
	if s.cfg.Announcer == nil {
		return
	}
	if err := s.cfg.Announcer.Publish(ctx, site.StorageID); err != nil {
		s.logger.WarnContext(ctx, "edges will pick up the change within their poll interval, not at once",
			slog.String("site", site.Slug), slog.Any("error", err))
	}
}

// swapError says what a missing deploy means to the person who named it.
func swapError(err error, deployID string) error {
	if igny8.ErrorCode(err) == igny8.ENotFound && !errors.Is(err, deployer.ErrSiteDeleted) && deployID != "" {
		return igny8.Errorf(igny8.ENotFound, "Deploy %q is not a ready deploy of this site: see its deploy list for the deploy_id values.", deployID)
	}
	return err
}

// Prune deletes the site's old deploys and the blobs no kept deploy uses,
// with the service's retention.
func (s *Service) Prune(ctx context.Context, site *igny8.Site) error {
	st, err := s.deployer.Prune(ctx, site.StorageID, s.cfg.Retention)
	if err != nil {
		return fmt.Errorf("gc %s: %w", site.Slug, err)
	}
	s.logger.InfoContext(ctx, "gc", slog.String("site", site.Slug), slog.String("storage_id", site.StorageID),
		slog.Int("deploys_kept", st.DeploysKept), slog.Int("deploys_deleted", st.DeploysDeleted), slog.Int("blobs_deleted", st.BlobsDeleted))
	return nil
}

// now is the service's clock.
func (s *Service) now() time.Time {
	if s.cfg.Deployer.Now != nil {
		return s.cfg.Deployer.Now()
	}
	return time.Now()
}
