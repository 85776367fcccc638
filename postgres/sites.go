package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const siteColumns = `id, account_id, slug, storage_id, name, site_type, hosting_type, created_at, updated_at`

func scanSite(row pgx.Row) (*igny8.Site, error) {
	var s igny8.Site
	err := row.Scan(&s.ID, &s.AccountID, &s.Slug, &s.StorageID, &s.Name, &s.SiteType, &s.HostingType, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateSite inserts s under the actor's account and fills in its id,
// storage id and times. The slug is global: another account's site may
// hold it. The storage id is new (igny8.NewStorageID) unless s has one.
func (db *DB) CreateSite(ctx context.Context, s *igny8.Site) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := igny8.CheckSiteSlug(s.Slug); err != nil {
		return err
	}
	if s.StorageID == "" {
		s.StorageID = igny8.NewStorageID()
	}
	if s.SiteType == "" {
		s.SiteType = igny8.SiteTypeNew
	}
	if s.HostingType == "" {
		s.HostingType = igny8.HostingIgny8Sites
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		got, err := scanSite(tx.QueryRow(ctx, `INSERT INTO sites (account_id, slug, storage_id, name, site_type, hosting_type)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+siteColumns, a.AccountID, s.Slug, s.StorageID, s.Name, s.SiteType, s.HostingType))
		if err != nil {
			return err
		}
		*s = *got
		return audit(ctx, tx, "site.create", "site", got.ID, map[string]any{"slug": got.Slug})
	})
}

// Site returns the actor's site with id id.
func (db *DB) Site(ctx context.Context, id int64) (*igny8.Site, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var s *igny8.Site
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		s, err = scanSite(tx.QueryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE account_id = $1 AND id = $2`, a.AccountID, id))
		return err
	})
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil, igny8.Errorf(igny8.ENotFound, "Site %d not found.", id)
	}
	return s, err
}

// Sites lists the actor's sites with ids after `after`, at most limit.
func (db *DB) Sites(ctx context.Context, after int64, limit int) ([]*igny8.Site, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Site
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+siteColumns+` FROM sites WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3`, a.AccountID, after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Site, error) { return scanSite(r) })
		return err
	})
	return out, err
}

// SiteUpdate is igny8.SiteUpdate.
type SiteUpdate = igny8.SiteUpdate

// UpdateSite changes the actor's site id and returns it.
func (db *DB) UpdateSite(ctx context.Context, id int64, u SiteUpdate) (*igny8.Site, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var s *igny8.Site
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		s, err = scanSite(tx.QueryRow(ctx, `UPDATE sites SET name = coalesce($3, name), site_type = coalesce($4, site_type),
			hosting_type = coalesce($5, hosting_type), updated_at = now()
			WHERE account_id = $1 AND id = $2 RETURNING `+siteColumns, a.AccountID, id, u.Name, u.SiteType, u.HostingType))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "site.update", "site", id, nil)
	})
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil, igny8.Errorf(igny8.ENotFound, "Site %d not found.", id)
	}
	return s, err
}

// lockSite checks the actor's site id exists and locks it against
// concurrent deletion for the rest of tx.
func lockSite(ctx context.Context, tx pgx.Tx, accountID, siteID int64) error {
	return lockSiteRow(ctx, tx, accountID, siteID, "FOR SHARE")
}

// lockSiteForUpdate checks the actor's site id exists and locks it against
// any concurrent change for the rest of tx (it serializes, for instance,
// the versions of its deployments).
func lockSiteForUpdate(ctx context.Context, tx pgx.Tx, accountID, siteID int64) error {
	return lockSiteRow(ctx, tx, accountID, siteID, "FOR UPDATE")
}

func lockSiteRow(ctx context.Context, tx pgx.Tx, accountID, siteID int64, mode string) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM sites WHERE account_id = $1 AND id = $2 `+mode, accountID, siteID).Scan(&id)
	if err == pgx.ErrNoRows {
		return igny8.Errorf(igny8.ENotFound, "Site %d not found.", siteID)
	}
	return err
}

// FindSiteBySlug returns the site with slug, whatever its account. It reads
// as WorkerRole: only the operator's CLI uses it, to record deploys it makes
// in the history of the site they belong to.
func (db *DB) FindSiteBySlug(ctx context.Context, slug string) (*igny8.Site, error) {
	var s *igny8.Site
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		var err error
		s, err = scanSite(tx.QueryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE slug = $1`, slug))
		return err
	})
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil, igny8.Errorf(igny8.ENotFound, "No site has the slug %q.", slug)
	}
	return s, err
}

// SystemAccountID returns the id of the system account (igny8 bootstrap
// makes it), reading as WorkerRole.
func (db *DB) SystemAccountID(ctx context.Context) (int64, error) {
	var id int64
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT id FROM accounts WHERE is_system`).Scan(&id)
	})
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return 0, igny8.Errorf(igny8.ENotFound, "There is no system account yet: run `igny8 bootstrap --email YOU`.")
	}
	return id, err
}
