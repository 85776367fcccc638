package deployer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// Promote makes a ready deploy the site's live one, provided the live deploy
// is still expected ("" when none is live yet). The swap is a conditional
// write of refs/live on its storage generation, so of two promotes based on
// the same live deploy exactly one wins; the loser, like a stale expected,
// gets a conflict error wrapping ErrLiveChanged. Promoting the deploy that
// is already live changes nothing.
func (d *Deployer) Promote(ctx context.Context, siteID, deployID, expected string) (LiveRef, error) {
	ref, err := d.swap(ctx, siteID, deployID, func(cur LiveRef) error {
		if cur.DeployID != expected {
			return fmt.Errorf("live deploy is %q, not %q: %w", cur.DeployID, expected, ErrLiveChanged)
		}
		return nil
	})
	if err != nil {
		return LiveRef{}, fmt.Errorf("promote %s to %s: %w", siteID, deployID, err)
	}
	return ref, nil
}

// Rollback makes any ready deploy live whatever is live now; toDeployID ""
// undoes the last swap (goes back to LiveRef.Previous). It is still a
// compare-and-swap: a concurrent swap makes it fail with ErrLiveChanged
// rather than be lost.
func (d *Deployer) Rollback(ctx context.Context, siteID, toDeployID string) (LiveRef, error) {
	ref, err := d.swap(ctx, siteID, toDeployID, nil)
	if err != nil {
		return LiveRef{}, fmt.Errorf("rollback %s: %w", siteID, err)
	}
	return ref, nil
}

// swap points refs/live at deployID (or, when "", at the previous deploy)
// if check accepts the current pointer.
func (d *Deployer) swap(ctx context.Context, siteID, deployID string, check func(LiveRef) error) (LiveRef, error) {
	b, err := bucket(siteID)
	if err != nil {
		return LiveRef{}, err
	}
	cur, gen, err := d.readLive(ctx, b)
	if err != nil {
		return LiveRef{}, err
	}
	if cur.Deleted {
		return LiveRef{}, ErrSiteDeleted
	}
	if check != nil {
		if err := check(cur); err != nil {
			return LiveRef{}, err
		}
	}
	if deployID == "" {
		if cur.Previous == "" {
			return LiveRef{}, igny8.Errorf(igny8.EInvalid, "There is no previous deploy to go back to.")
		}
		deployID = cur.Previous
	}
	id, _, err := ParseDeployID(deployID)
	if err != nil {
		return LiveRef{}, err
	}
	if gen != "" && cur.DeployID == id {
		return cur, nil
	}
	// Only a ready deploy, one whose manifest exists, may go live.
	if _, err := d.store.Stat(ctx, b, DeployKey(id)); errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		return LiveRef{}, igny8.Errorf(igny8.ENotFound, "Deploy %s not found.", id)
	} else if err != nil {
		return LiveRef{}, fmt.Errorf("stat deploy %s: %w", id, err)
	}
	next := LiveRef{DeployID: id, Generation: cur.Generation + 1, Previous: cur.DeployID, UpdatedAt: d.now().UTC()}
	newGen, err := d.writeLive(ctx, b, next, gen)
	if err != nil {
		return LiveRef{}, err
	}
	// A Prune may have deleted the deploy between the check and the swap;
	// if so, back out (Prune restores a manifest it finds live).
	if _, err := d.store.Stat(ctx, b, DeployKey(id)); errors.Is(err, storage.ErrNotFound) {
		back := LiveRef{DeployID: cur.DeployID, Generation: next.Generation + 1, Previous: cur.Previous, UpdatedAt: d.now().UTC()}
		if _, err := d.writeLive(ctx, b, back, newGen); err != nil {
			return LiveRef{}, fmt.Errorf("back out of deleted deploy %s: %w", id, err)
		}
		return LiveRef{}, igny8.Errorf(igny8.ENotFound, "Deploy %s was deleted while it was made live.", id)
	} else if err != nil {
		return LiveRef{}, fmt.Errorf("stat deploy %s: %w", id, err)
	}
	d.logger.InfoContext(ctx, "deploy promoted", "storage_id", siteID, "deploy_id", id, "previous", cur.DeployID)
	return next, nil
}

// DeployInfo describes one ready deploy of a site.
type DeployInfo struct {
	ID        string
	CreatedAt time.Time // from the id, to the second
	Live      bool
}

// Deploys lists a site's ready deploys, newest first, and marks the live
// one.
func (d *Deployer) Deploys(ctx context.Context, siteID string) ([]DeployInfo, error) {
	b, err := bucket(siteID)
	if err != nil {
		return nil, err
	}
	live, _, err := d.readLive(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("list deploys %s: %w", siteID, err)
	}
	ids, err := d.deployIDs(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("list deploys %s: %w", siteID, err)
	}
	list := make([]DeployInfo, 0, len(ids))
	for _, id := range slices.Backward(ids) {
		_, t, _ := ParseDeployID(id)
		list = append(list, DeployInfo{ID: id, CreatedAt: t, Live: id == live.DeployID})
	}
	return list, nil
}

// deployIDs returns the ids of the manifests in bucket b, oldest first.
// Keys that are not manifests are ignored; a missing bucket has none.
func (d *Deployer) deployIDs(ctx context.Context, b string) ([]string, error) {
	var ids []string
	for obj, err := range storage.All(ctx, d.store, b, DeployPrefix) {
		if errors.Is(err, storage.ErrBucketNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		name, ok := strings.CutSuffix(strings.TrimPrefix(obj.Key, DeployPrefix), ".json")
		if id, _, err := ParseDeployID(name); ok && err == nil && id == name {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
