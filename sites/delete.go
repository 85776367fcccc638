package sites

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/igny8/igny8"
)

// DeletionStore is the control plane's record of deleted sites
// (*postgres.DB is one); it works across accounts.
type DeletionStore interface {
	SiteDeletions(ctx context.Context, now time.Time, limit int) ([]*igny8.SiteDeletion, error)
	DeletionRoutesRemoved(ctx context.Context, id int64) error
	DeletionPurged(ctx context.Context, id int64) error
	DeletionFailed(ctx context.Context, id int64, msg string) error
}

// Unpublish takes a deleted site off the web at once: its live pointer
// becomes a tombstone (the edges serve nothing of it, and no deploy of it
// can go live again), the routes of its <slug> host and of hosts (its
// custom domains) are removed where they still point at it, and the edges
// are told. Its deploys and blobs stay until Destroy. It is idempotent.
func (s *Service) Unpublish(ctx context.Context, del *igny8.SiteDeletion) error {
	if err := s.deployer.Tombstone(ctx, del.StorageID); err != nil {
		return err
	}
	if s.cfg.Announcer != nil {
		if err := s.cfg.Announcer.Publish(ctx, del.StorageID); err != nil {
			s.logger.WarnContext(ctx, "edges will stop serving the deleted site within their poll interval", slog.String("site", del.Slug), slog.Any("error", err))
		}
	}
	var errs []error
	for _, h := range append([]string{del.Slug + "." + s.cfg.SitesDomain}, del.Hosts...) {
		if err := s.routes.Remove(ctx, h, del.StorageID); err != nil {
			errs = append(errs, err)
			continue
		}
		if s.cfg.Announcer != nil {
			if err := s.cfg.Announcer.PublishHost(ctx, h); err != nil {
				s.logger.WarnContext(ctx, "edges will notice the removed route when their cached entry expires", slog.String("host", h), slog.Any("error", err))
			}
		}
	}
	return errors.Join(errs...)
}

// Destroy deletes every object of a deleted site: its deploys, blobs,
// previews and asset library. Run it after the deletion's grace period.
func (s *Service) Destroy(ctx context.Context, del *igny8.SiteDeletion) error {
	if err := s.Unpublish(ctx, del); err != nil {
		return err
	}
	n, err := s.deployer.Destroy(ctx, del.StorageID)
	if err != nil {
		return err
	}
	s.logger.InfoContext(ctx, "deleted site purged", slog.String("site", del.Slug), slog.String("storage_id", del.StorageID), slog.Int("objects", n))
	return nil
}

// FinishDeletions does what deleted sites still need: unpublishing those
// whose routes are not yet removed (a storage outage at delete time), and
// destroying those whose grace period is over. It records each outcome, and
// returns how many deletions it finished work on. The scheduler leader runs
// it every minute.
func (s *Service) FinishDeletions(ctx context.Context, store DeletionStore) (int, error) {
	list, err := store.SiteDeletions(ctx, s.now(), 100)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, del := range list {
		err := s.Finish(ctx, store, del)
		if err != nil {
			errs = append(errs, fmt.Errorf("site %s (storage %s): %w", del.Slug, del.StorageID, err))
			if ferr := store.DeletionFailed(ctx, del.ID, err.Error()); ferr != nil {
				errs = append(errs, ferr)
			}
			continue
		}
		done++
	}
	return done, errors.Join(errs...)
}

// Finish does what a deleted site still needs: unpublishing it, unless its
// routes are already removed, and destroying it once its grace period is
// over. Call it right after the deletion (the scheduler retries it if it
// fails).
func (s *Service) Finish(ctx context.Context, store DeletionStore, del *igny8.SiteDeletion) error {
	if del.RoutesRemovedAt == nil {
		if err := s.Unpublish(ctx, del); err != nil {
			return err
		}
		if err := store.DeletionRoutesRemoved(ctx, del.ID); err != nil {
			return err
		}
	}
	if del.PurgedAt == nil && !s.now().Before(del.PurgeAfter) {
		if err := s.Destroy(ctx, del); err != nil {
			return err
		}
		return store.DeletionPurged(ctx, del.ID)
	}
	return nil
}
