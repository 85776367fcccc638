package deployer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// ErrSiteDeleted is the error of a promote, rollback or deploy of a site
// whose live pointer is a tombstone.
var ErrSiteDeleted = &igny8.Error{Code: igny8.ENotFound, Message: "The site was deleted."}

// Tombstone replaces a site's live pointer with a tombstone (LiveRef.Deleted):
// from then on nothing of the site is live, the edge serves none of it, and
// no deploy can be promoted or rolled back to. It is a compare-and-swap
// like a promote, retried when a concurrent swap wins, and tombstoning a
// tombstone changes nothing. The deploys and blobs stay until Destroy.
func (d *Deployer) Tombstone(ctx context.Context, siteID string) error {
	b, err := bucket(siteID)
	if err != nil {
		return err
	}
	for range 10 {
		cur, gen, err := d.readLive(ctx, b)
		if err != nil {
			return fmt.Errorf("tombstone %s: %w", siteID, err)
		}
		if gen != "" && cur.Deleted {
			return nil
		}
		next := LiveRef{Generation: cur.Generation + 1, Previous: cur.DeployID, UpdatedAt: d.now().UTC(), Deleted: true}
		_, err = d.writeLive(ctx, b, next, gen)
		if errors.Is(err, storage.ErrBucketNotFound) {
			return nil // never deployed: nothing to hide
		}
		if !errors.Is(err, ErrLiveChanged) {
			if err != nil {
				return fmt.Errorf("tombstone %s: %w", siteID, err)
			}
			d.logger.InfoContext(ctx, "site tombstoned", "storage_id", siteID, "was_live", cur.DeployID)
			return nil
		}
	}
	return fmt.Errorf("tombstone %s: the live pointer kept changing: %w", siteID, ErrLiveChanged)
}

// Destroy deletes every object of a site and then its bucket: the end of a
// deleted site, after its grace period. It returns how many objects it
// deleted; a site with no bucket has none. Run it only on a tombstoned
// site: a deploy running meanwhile could leave objects behind.
func (d *Deployer) Destroy(ctx context.Context, siteID string) (int, error) {
	b, err := bucket(siteID)
	if err != nil {
		return 0, err
	}
	n := 0
	// Keys are collected page by page and deleted after each listing, so
	// a listing never walks a range it is deleting under itself.
	for {
		page, err := d.store.List(ctx, b, storage.ListOptions{Limit: 1000})
		if errors.Is(err, storage.ErrBucketNotFound) {
			return n, nil
		} else if err != nil {
			return n, fmt.Errorf("destroy %s: %w", siteID, err)
		}
		if len(page.Objects) == 0 {
			break
		}
		err = forEach(ctx, d.concurrency, slices.Values(page.Objects), func(ctx context.Context, o storage.ObjectInfo) error {
			if err := d.store.Delete(ctx, b, o.Key); err != nil && !errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("delete %s: %w", o.Key, err)
			}
			return nil
		})
		n += len(page.Objects)
		if err != nil {
			return n, fmt.Errorf("destroy %s: %w", siteID, err)
		}
	}
	if err := d.store.DeleteBucket(ctx, b); err != nil && !errors.Is(err, storage.ErrBucketNotFound) {
		return n, fmt.Errorf("destroy %s: delete bucket: %w", siteID, err)
	}
	d.logger.InfoContext(ctx, "site destroyed", "storage_id", siteID, "objects", n)
	return n, nil
}
