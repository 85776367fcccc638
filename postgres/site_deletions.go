package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const deletionColumns = `id, account_id, site_id, slug, storage_id, hosts, deleted_at, purge_after,
	routes_removed_at, purged_at, attempts, last_error`

func scanDeletion(row pgx.Row) (*igny8.SiteDeletion, error) {
	var d igny8.SiteDeletion
	err := row.Scan(&d.ID, &d.AccountID, &d.SiteID, &d.Slug, &d.StorageID, &d.Hosts, &d.DeletedAt, &d.PurgeAfter,
		&d.RoutesRemovedAt, &d.PurgedAt, &d.Attempts, &d.LastError)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DeleteSite deletes the actor's site id with everything that belongs to
// it in the database, and records in the same transaction what remains to
// be done in object storage: the returned deletion names the site's
// storage id and the verified custom domains that routed to it, and its
// objects may be deleted after grace.
func (db *DB) DeleteSite(ctx context.Context, id int64, grace time.Duration) (*igny8.SiteDeletion, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var createdBy *int64
	if a.UserID != 0 {
		createdBy = &a.UserID
	}
	var del *igny8.SiteDeletion
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSiteForUpdate(ctx, tx, a.AccountID, id); err != nil {
			return err
		}
		hosts := []string{}
		err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(hostname ORDER BY hostname), '{}') FROM domains
			WHERE account_id = $1 AND site_id = $2 AND verified`, a.AccountID, id).Scan(&hosts)
		if err != nil {
			return err
		}
		var slug, storageID string
		err = tx.QueryRow(ctx, `DELETE FROM sites WHERE account_id = $1 AND id = $2 RETURNING slug, storage_id`, a.AccountID, id).Scan(&slug, &storageID)
		if err != nil {
			return err
		}
		del, err = scanDeletion(tx.QueryRow(ctx, `INSERT INTO site_deletions (account_id, site_id, slug, storage_id, hosts, deleted_by, purge_after)
			VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7)) RETURNING `+deletionColumns,
			a.AccountID, id, slug, storageID, hosts, createdBy, grace.Seconds()))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "site.delete", "site", id, map[string]any{"slug": slug, "storage_id": storageID})
	})
	return del, err
}

// SiteDeletions lists deletions that still have work: routes not yet
// removed, or objects not yet purged whose grace ended before now. It
// reads across accounts, as WorkerRole (the scheduler finishes them).
func (db *DB) SiteDeletions(ctx context.Context, now time.Time, limit int) ([]*igny8.SiteDeletion, error) {
	var out []*igny8.SiteDeletion
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+deletionColumns+` FROM site_deletions
			WHERE routes_removed_at IS NULL OR (purged_at IS NULL AND purge_after <= $1)
			ORDER BY id LIMIT $2`, now, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.SiteDeletion, error) { return scanDeletion(r) })
		return err
	})
	return out, err
}

// DeletionRoutesRemoved records that a deleted site no longer routes.
func (db *DB) DeletionRoutesRemoved(ctx context.Context, id int64) error {
	return db.updateDeletion(ctx, id, `routes_removed_at = coalesce(routes_removed_at, now()), last_error = ''`)
}

// DeletionPurged records that a deleted site's objects are gone.
func (db *DB) DeletionPurged(ctx context.Context, id int64) error {
	return db.updateDeletion(ctx, id, `purged_at = coalesce(purged_at, now()), last_error = ''`)
}

// DeletionFailed records a failed attempt at a deletion's remaining work.
func (db *DB) DeletionFailed(ctx context.Context, id int64, msg string) error {
	return db.updateDeletion(ctx, id, `attempts = attempts + 1, last_error = $2`, clip(msg))
}

func (db *DB) updateDeletion(ctx context.Context, id int64, set string, args ...any) error {
	return db.WorkerTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE site_deletions SET `+set+` WHERE id = $1`, append([]any{id}, args...)...)
		if err == nil && tag.RowsAffected() == 0 {
			return igny8.Errorf(igny8.ENotFound, "Site deletion %d not found.", id)
		}
		return err
	})
}
