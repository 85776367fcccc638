package main

import (
	"context"
	"log/slog"
	"net"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/cdn"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/domains"
	"github.com/igny8/igny8/livebus"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/sites"
	"github.com/igny8/igny8/storage"
)

// siteDeps are what a process's one site service is wired to; every field
// but store may be nil.
type siteDeps struct {
	store  storage.Store
	db     *postgres.DB // nil: nothing recorded (the CLI without DATABASE_URL)
	bus    *livebus.Bus // nil: edges poll
	cdn    *cdn.Hook    // nil: no CDN
	logger *slog.Logger
}

// newSites returns the site service of a process: the one sequence of
// build, upload, route, promote, announce and purge for the CLI, the API
// and the jobs.
func newSites(cfg config, d siteDeps) *sites.Service {
	sc := sites.Config{
		Store:       d.store,
		SitesDomain: cfg.SitesDomain,
		URL:         cfg.edgeURL,
		Logger:      d.logger,
	}
	if d.db != nil {
		// The database decides which site a host belongs to.
		sc.History, sc.Assets, sc.Authoritative = d.db, d.db, true
	}
	if d.bus != nil {
		sc.Announcer = d.bus
	}
	if d.cdn != nil {
		sc.Purger = cdnPurger{d.cdn}
	}
	return sites.New(sc)
}

// newDomains returns the custom-domain service over the database.
func newDomains(cfg config, d siteDeps, lookup domains.LookupTXT) *domains.Service {
	dc := domains.Config{Store: d.db, Routes: domains.NewRoutes(d.store), Policy: cfg.domainPolicy(), LookupTXT: lookup, Logger: d.logger}
	if d.bus != nil {
		dc.Announcer = d.bus
	}
	return domains.NewService(dc)
}

// domainPolicy: the sites domain and the platform's own host names (the
// API's, IGNY8_RESERVED_HOSTS) cannot be claimed as custom domains.
func (c config) domainPolicy() domains.Policy {
	reserved := append([]string{}, c.ReservedHosts...)
	if host, _, err := net.SplitHostPort(c.APIAddr); err == nil && host != "" && net.ParseIP(host) == nil {
		reserved = append(reserved, host)
	}
	return domains.Policy{SitesDomain: c.SitesDomain, Reserved: reserved}
}

// openDB reads the environment and opens DATABASE_URL's database, for the
// commands that need it and nothing else.
func openDB(ctx context.Context, e *env) (config, *postgres.DB, error) {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return cfg, nil, err
	}
	if cfg.DatabaseURL == "" {
		return cfg, nil, usagef("DATABASE_URL is not set")
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	return cfg, db, err
}

// cdnPurger adapts the CDN hook to sites.Purger.
type cdnPurger struct{ h *cdn.Hook }

func (p cdnPurger) Purge(ctx context.Context, storageID string, ref deployer.LiveRef) (int, error) {
	inv, err := p.h.AfterSwap(ctx, storageID, ref)
	return len(inv.Paths), err
}

// jobSites adapts the site service to the jobs' Sites.
type jobSites struct{ *sites.Service }

func (j jobSites) Promote(ctx context.Context, site *igny8.Site, deployID, expected string) error {
	_, err := j.Service.Promote(ctx, site, deployID, expected)
	return err
}
