package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const assetColumns = `id, account_id, site_id, path, sha256, size, content_type, created_by, created_at, updated_at`

func scanAsset(row pgx.Row) (*igny8.Asset, error) {
	var a igny8.Asset
	err := row.Scan(&a.ID, &a.AccountID, &a.SiteID, &a.Path, &a.SHA256, &a.Size, &a.ContentType, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// PutAsset records that the actor's site has the asset at a.Path with
// a.SHA256, a.Size and a.ContentType (whose bytes the caller has stored),
// replacing what was at that path; created says the path is new. a is
// filled in from the row. Putting the same bytes and type again changes
// nothing (so igny8 dev's upload of the examples at every start is free).
func (db *DB) PutAsset(ctx context.Context, a *igny8.Asset) (created bool, err error) {
	act, err := actor(ctx)
	if err != nil {
		return false, err
	}
	if err := igny8.CheckAssetPath(a.Path); err != nil {
		return false, err
	}
	var createdBy *int64
	if act.UserID != 0 {
		createdBy = &act.UserID
	}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, act.AccountID, a.SiteID); err != nil {
			return err
		}
		var inserted bool
		dest := []any{&a.ID, &a.AccountID, &a.SiteID, &a.Path, &a.SHA256, &a.Size, &a.ContentType, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt}
		err := tx.QueryRow(ctx, `INSERT INTO site_assets (account_id, site_id, path, sha256, size, content_type, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (site_id, path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,
				content_type = excluded.content_type, created_by = excluded.created_by, updated_at = now()
			WHERE (site_assets.sha256, site_assets.content_type) IS DISTINCT FROM (excluded.sha256, excluded.content_type)
			RETURNING `+assetColumns+`, (xmax = 0)`, act.AccountID, a.SiteID, a.Path, a.SHA256, a.Size, a.ContentType, createdBy).
			Scan(append(dest, &inserted)...)
		if err == pgx.ErrNoRows {
			// The same bytes and type again: nothing changes, nothing to audit.
			return tx.QueryRow(ctx, `SELECT `+assetColumns+` FROM site_assets WHERE account_id = $1 AND site_id = $2 AND path = $3`,
				act.AccountID, a.SiteID, a.Path).Scan(dest...)
		} else if err != nil {
			return err
		}
		created = inserted
		return audit(ctx, tx, "asset.put", "asset", a.ID, map[string]any{"site_id": a.SiteID, "path": a.Path, "sha256": a.SHA256})
	})
	return created, err
}

// Assets lists the assets of the actor's site with ids after `after`, at
// most limit; limit 0 lists them all.
func (db *DB) Assets(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Asset, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Asset
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		lim := any(limit)
		if limit <= 0 {
			lim = nil // LIMIT NULL: no limit
		}
		rows, err := tx.Query(ctx, `SELECT `+assetColumns+` FROM site_assets WHERE account_id = $1 AND site_id = $2 AND id > $3
			ORDER BY id LIMIT $4`, a.AccountID, siteID, after, lim)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Asset, error) { return scanAsset(r) })
		return err
	})
	return out, err
}

// AssetByID returns asset id of the actor's site.
func (db *DB) AssetByID(ctx context.Context, siteID, id int64) (*igny8.Asset, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.Asset
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = scanAsset(tx.QueryRow(ctx, `SELECT `+assetColumns+` FROM site_assets WHERE account_id = $1 AND site_id = $2 AND id = $3`,
			a.AccountID, siteID, id))
		return err
	})
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil, igny8.Errorf(igny8.ENotFound, "Asset %d not found in site %d.", id, siteID)
	}
	return out, err
}

// DeleteAssetByID removes asset id from the actor's site's library. Its
// bytes stay in the site's storage until the site is deleted: another path
// may share them, and a build may be reading them.
func (db *DB) DeleteAssetByID(ctx context.Context, siteID, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		var path string
		err := tx.QueryRow(ctx, `DELETE FROM site_assets WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING path`,
			a.AccountID, siteID, id).Scan(&path)
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Asset %d not found in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, "asset.delete", "asset", id, map[string]any{"site_id": siteID, "path": path})
	})
}
