package deployer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// DefaultGrace is the grace period of a Retention that sets none.
const DefaultGrace = 24 * time.Hour

// MinGrace is the shortest grace period Prune accepts: one deploy lease
// and its margin, the longest a deploy in progress can go without proving
// it is alive. The leases (lease.go) already keep a deploy's blobs; the
// grace period is a second guard, independent of them, for the blobs a
// deploy has just uploaded.
const MinGrace = DeployLeaseTTL + LeaseMargin

// Retention says which deploys Prune keeps. The live deploy and the one it
// replaced (the undo target) are always kept, and so is every deploy younger
// than Grace.
type Retention struct {
	KeepLast int // the newest KeepLast deploys
	KeepDays int // every deploy of the last KeepDays days
	// Grace: blobs written more recently are never deleted. At least
	// MinGrace; 0 means DefaultGrace.
	Grace time.Duration
	// Wait is how long Prune waits for the deploys in progress to end
	// before it gives up with ErrDeploysInProgress; 0 gives up at once.
	// It waits without holding new deploys back.
	Wait time.Duration
}

// PruneStats counts what Prune removed.
type PruneStats struct {
	DeploysKept    int
	DeploysDeleted int
	BlobsDeleted   int
	BytesDeleted   int64
	LeasesExpired  int // leases of crashed deploys deleted
}

// Prune deletes the manifests of the deploys r does not keep, then sweeps the
// blobs no kept manifest references and older than r.Grace.
//
// It holds the site's GC lease while it works (lease.go): it starts only
// once no deploy of the site is in progress, and deploys that start
// meanwhile wait for it to end, so no deploy relies on a blob it deletes.
// While deploys are in progress it waits up to r.Wait without the lease,
// so they and new ones go ahead, then fails with ErrDeploysInProgress,
// having deleted nothing. A Prune already running makes it fail with
// ErrGCInProgress.
//
// A deploy made live while Prune runs is safe too: Prune writes back a
// deleted manifest it then finds live (or as the undo target), and a
// promote that finds its deploy deleted after the swap backs out.
func (d *Deployer) Prune(ctx context.Context, siteID string, r Retention) (PruneStats, error) {
	var st PruneStats
	b, err := bucket(siteID)
	if err != nil {
		return st, err
	}
	if r.Grace == 0 {
		r.Grace = DefaultGrace
	}
	if r.Grace < MinGrace || r.KeepLast < 0 || r.KeepDays < 0 || r.Wait < 0 {
		return st, igny8.Errorf(igny8.EInvalid, "Invalid retention: the grace period must be at least %s (a deploy lease and its margin).", MinGrace)
	}
	lease, expired, err := d.acquireGC(ctx, b, r.Wait)
	st.LeasesExpired = expired
	if err != nil {
		return st, fmt.Errorf("prune %s: %w", siteID, err)
	} else if lease == nil {
		return st, nil // no bucket
	}
	defer lease.release(ctx)
	start := d.now()
	live, _, err := d.readLive(ctx, b)
	if err != nil {
		return st, fmt.Errorf("prune %s: %w", siteID, err)
	}
	ids, err := d.deployIDs(ctx, b)
	if err != nil {
		return st, fmt.Errorf("prune %s: %w", siteID, err)
	}
	marked := map[string]bool{}
	for i, id := range ids {
		_, t, _ := ParseDeployID(id)
		age := start.Sub(t)
		keep := id == live.DeployID || id == live.Previous || i >= len(ids)-r.KeepLast ||
			age < r.Grace || (r.KeepDays > 0 && age < time.Duration(r.KeepDays)*24*time.Hour)
		if !keep {
			continue
		}
		m, err := d.readManifest(ctx, b, id)
		if igny8.ErrorCode(err) == igny8.ENotFound {
			continue
		} else if err != nil {
			return st, fmt.Errorf("prune %s: %w", siteID, err)
		}
		mark(marked, m)
		st.DeploysKept++
		ids[i] = "" // kept
	}
	deleted, err := d.deleteDeploys(ctx, lease, ids, &st)
	if err != nil {
		return st, fmt.Errorf("prune %s: %w", siteID, err)
	}
	if err := d.restoreLive(ctx, b, deleted, marked, &st); err != nil {
		return st, fmt.Errorf("prune %s: %w", siteID, err)
	}
	if err := d.sweep(ctx, lease, marked, r.Grace, &st); err != nil {
		return st, fmt.Errorf("prune %s: %w", siteID, err)
	}
	d.logger.InfoContext(ctx, "site pruned", "storage_id", siteID, "deploys_deleted", st.DeploysDeleted, "blobs_deleted", st.BlobsDeleted)
	return st, nil
}

// sweep deletes the unmarked blobs older than grace, while the lease holds.
func (d *Deployer) sweep(ctx context.Context, lease *lease, marked map[string]bool, grace time.Duration, st *PruneStats) error {
	b := lease.b
	for obj, err := range storage.All(ctx, d.store, b, BlobPrefix) {
		if errors.Is(err, storage.ErrBucketNotFound) {
			return nil
		} else if err != nil {
			return fmt.Errorf("list blobs: %w", err)
		}
		sha, _, _ := strings.Cut(path.Base(obj.Key), ".")
		if marked[sha] || d.now().Sub(obj.ModTime) < grace {
			continue
		}
		// Neither is needed while every deploy takes its lease; both guard
		// against a deployer that does not (one from before leases).
		info, err := d.store.Stat(ctx, b, obj.Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		} else if err != nil {
			return fmt.Errorf("stat %s: %w", obj.Key, err)
		} else if d.now().Sub(info.ModTime) < grace {
			continue
		}
		if err := lease.held(); err != nil {
			return err
		}
		if err := d.deleteObject(ctx, b, obj.Key, info.Generation); errors.Is(err, storage.ErrPrecondition) {
			continue
		} else if err != nil {
			return fmt.Errorf("delete %s: %w", obj.Key, err)
		}
		st.BlobsDeleted++
		st.BytesDeleted += info.Size
	}
	return nil
}

func mark(marked map[string]bool, m *Manifest) {
	for _, f := range m.Files {
		marked[f.SHA256] = true
	}
}

// deleteDeploys deletes the manifests of ids ("" entries skipped) and
// returns their bytes by id, for restoreLive.
func (d *Deployer) deleteDeploys(ctx context.Context, lease *lease, ids []string, st *PruneStats) (map[string][]byte, error) {
	b := lease.b
	deleted := map[string][]byte{}
	for _, id := range ids {
		if id == "" {
			continue
		}
		data, _, err := d.get(ctx, b, DeployKey(id))
		if errors.Is(err, storage.ErrNotFound) {
			continue
		} else if err != nil {
			return deleted, fmt.Errorf("read deploy %s: %w", id, err)
		}
		if err := lease.held(); err != nil {
			return deleted, err
		}
		if err := d.store.Delete(ctx, b, DeployKey(id)); err != nil {
			return deleted, fmt.Errorf("delete deploy %s: %w", id, err)
		}
		deleted[id] = data
		st.DeploysDeleted++
	}
	return deleted, nil
}

// restoreLive writes back a deleted manifest that became live (or the undo
// target) while Prune ran, a rollback having checked it before the delete,
// and keeps its blobs. A promote checks again after its swap, so either it
// sees the manifest gone and backs out, or this sees the new pointer.
func (d *Deployer) restoreLive(ctx context.Context, b string, deleted map[string][]byte, marked map[string]bool, st *PruneStats) error {
	if len(deleted) == 0 {
		return nil
	}
	live, _, err := d.readLive(ctx, b)
	if err != nil {
		return err
	}
	for _, id := range []string{live.DeployID, live.Previous} {
		data, ok := deleted[id]
		if !ok {
			continue
		}
		var m Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("decode manifest %s: %w", id, err)
		}
		_, err := d.store.Put(ctx, b, DeployKey(id), bytes.NewReader(data), int64(len(data)),
			storage.PutOptions{ContentType: "application/json", IfNotExist: true})
		if err != nil && !errors.Is(err, storage.ErrPrecondition) {
			return fmt.Errorf("restore deploy %s: %w", id, err)
		}
		mark(marked, &m)
		delete(deleted, id)
		st.DeploysDeleted--
		st.DeploysKept++
		d.logger.WarnContext(ctx, "deploy made live while pruned: restored", "deploy_id", id)
	}
	return nil
}
