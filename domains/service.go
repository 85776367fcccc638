package domains

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"

	"github.com/igny8/igny8"
)

// Store is the control plane as domains use it (*postgres.DB implements
// it). Methods act for the actor in ctx.
type Store interface {
	Site(ctx context.Context, id int64) (*igny8.Site, error)
	CreateDomain(ctx context.Context, siteID int64, hostname string) (*igny8.Domain, error)
	Domain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	// MarkDomainVerified marks the domain verified, taking the host from
	// any other site that had verified it (moved).
	MarkDomainVerified(ctx context.Context, siteID, id int64) (d *igny8.Domain, moved bool, err error)
	// DeleteDomain deletes the claim and returns it as it was.
	DeleteDomain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
}

// Announcer tells the edges that a host's route changed, so they stop
// using what they cached for it.
type Announcer interface {
	PublishHost(ctx context.Context, host string) error
}

// LookupTXT returns the TXT records of a DNS name.
type LookupTXT func(ctx context.Context, name string) ([]string, error)

// Config wires a Service.
type Config struct {
	Store  Store
	Routes *Routes
	Policy Policy
	// LookupTXT finds verification records; the system resolver when nil.
	LookupTXT LookupTXT
	// Announcer is optional: without it, edges notice a removed route
	// when their cached host entry expires.
	Announcer Announcer
	Logger    *slog.Logger
}

// Service claims, verifies and removes custom domains, keeping the routing
// entries in step with the control plane.
type Service struct {
	cfg Config
}

// NewService returns a Service.
func NewService(cfg Config) *Service {
	if cfg.LookupTXT == nil {
		cfg.LookupTXT = net.DefaultResolver.LookupTXT
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg}
}

// Claim records that the site wants to serve host. The claim is unverified
// and reserves nothing: other sites may claim the same name, and the first
// to prove it serves it.
func (s *Service) Claim(ctx context.Context, siteID int64, host string) (*igny8.Domain, error) {
	h, err := s.cfg.Policy.Check(host)
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.CreateDomain(ctx, siteID, h)
}

// Verify looks for the claim's token in the TXT records of TXTName(host);
// found, the domain is verified (taken from any site that held it) and
// routed to the site. Verifying a verified domain makes sure its route is
// in place, so a verify repeated after a storage outage repairs it.
func (s *Service) Verify(ctx context.Context, siteID, id int64) (*igny8.Domain, error) {
	d, err := s.cfg.Store.Domain(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	site, err := s.cfg.Store.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if !d.Verified {
		records, err := s.cfg.LookupTXT(ctx, TXTName(d.Hostname))
		if err != nil || !slices.Contains(records, d.VerificationToken) {
			return nil, igny8.Errorf(igny8.EConflict, "No TXT record %q found at %s yet: publish it, wait for DNS to update (minutes, sometimes hours), and verify again.", d.VerificationToken, TXTName(d.Hostname))
		}
		var moved bool
		if d, moved, err = s.cfg.Store.MarkDomainVerified(ctx, siteID, id); err != nil {
			return nil, err
		}
		if moved {
			s.cfg.Logger.InfoContext(ctx, "verified domain moved to another site", slog.String("host", d.Hostname),
				slog.Int64("site_id", siteID))
		}
	}
	if err := s.cfg.Routes.Set(ctx, d.Hostname, site.StorageID); err != nil {
		return nil, fmt.Errorf("verify %s: %w", d.Hostname, err)
	}
	s.announce(ctx, d.Hostname)
	return d, nil
}

// Remove releases a domain. Its route goes first, so that once Remove
// returns the edges no longer serve the site at that host; a failure after
// that leaves the claim in place, to be removed again.
func (s *Service) Remove(ctx context.Context, siteID, id int64) error {
	d, err := s.cfg.Store.Domain(ctx, siteID, id)
	if err != nil {
		return err
	}
	if d.Verified {
		site, err := s.cfg.Store.Site(ctx, siteID)
		if err != nil {
			return err
		}
		if err := s.cfg.Routes.Remove(ctx, d.Hostname, site.StorageID); err != nil {
			return fmt.Errorf("remove %s: %w", d.Hostname, err)
		}
		s.announce(ctx, d.Hostname)
	}
	_, err = s.cfg.Store.DeleteDomain(ctx, siteID, id)
	return err
}

// Reconcile makes every route of want (the verified domains, as the
// control plane has them) point where it says, restoring any a storage
// failure lost or left stale, and tells the edges of each it changed. It
// returns how many it changed.
func (s *Service) Reconcile(ctx context.Context, want []igny8.Route) (int, error) {
	changed := 0
	var errs []error
	for _, rt := range want {
		cur, err := s.cfg.Routes.Lookup(ctx, rt.Host)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if cur == rt.StorageID {
			continue
		}
		if err := s.cfg.Routes.Set(ctx, rt.Host, rt.StorageID); err != nil {
			errs = append(errs, err)
			continue
		}
		changed++
		s.cfg.Logger.InfoContext(ctx, "route restored", slog.String("host", rt.Host), slog.String("storage_id", rt.StorageID))
		s.announce(ctx, rt.Host)
	}
	return changed, errors.Join(errs...)
}

func (s *Service) announce(ctx context.Context, host string) {
	if s.cfg.Announcer == nil {
		return
	}
	if err := s.cfg.Announcer.PublishHost(ctx, host); err != nil {
		s.cfg.Logger.WarnContext(ctx, "edges will notice the route change when their cached entry expires", slog.String("host", host), slog.Any("error", err))
	}
}
