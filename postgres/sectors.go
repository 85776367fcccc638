package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const sectorColumns = `id, account_id, site_id, slug, name, created_at, updated_at`

func scanSector(row pgx.Row) (*igny8.Sector, error) {
	var s igny8.Sector
	if err := row.Scan(&s.ID, &s.AccountID, &s.SiteID, &s.Slug, &s.Name, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateSector adds a sector to the actor's site s.SiteID.
func (db *DB) CreateSector(ctx context.Context, s *igny8.Sector) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, s.SiteID); err != nil {
			return err
		}
		got, err := scanSector(tx.QueryRow(ctx, `INSERT INTO sectors (account_id, site_id, slug, name) VALUES ($1, $2, $3, $4) RETURNING `+sectorColumns,
			a.AccountID, s.SiteID, s.Slug, s.Name))
		if err != nil {
			return err
		}
		*s = *got
		return audit(ctx, tx, "sector.create", "sector", got.ID, nil)
	})
}

// Sectors lists the sectors of the actor's site.
func (db *DB) Sectors(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Sector, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Sector
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+sectorColumns+` FROM sectors WHERE account_id = $1 AND site_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
			a.AccountID, siteID, after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Sector, error) { return scanSector(r) })
		return err
	})
	return out, err
}

// Sector returns one sector of the actor's site.
func (db *DB) Sector(ctx context.Context, siteID, id int64) (*igny8.Sector, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var s *igny8.Sector
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		s, err = scanSector(tx.QueryRow(ctx, `SELECT `+sectorColumns+` FROM sectors WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Sector %d not found in site %d.", id, siteID)
		}
		return err
	})
	return s, err
}

// UpdateSector renames a sector.
func (db *DB) UpdateSector(ctx context.Context, siteID, id int64, name string) (*igny8.Sector, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var s *igny8.Sector
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		s, err = scanSector(tx.QueryRow(ctx, `UPDATE sectors SET name = $4, updated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING `+sectorColumns, a.AccountID, siteID, id, name))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Sector %d not found in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, "sector.update", "sector", id, nil)
	})
	return s, err
}

// DeleteSector deletes a sector.
func (db *DB) DeleteSector(ctx context.Context, siteID, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sectors WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return igny8.Errorf(igny8.ENotFound, "Sector %d not found in site %d.", id, siteID)
		}
		return audit(ctx, tx, "sector.delete", "sector", id, nil)
	})
}
