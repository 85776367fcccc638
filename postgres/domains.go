package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const domainColumns = `id, account_id, site_id, hostname, verified, is_primary, verification_token, created_at, verified_at`

func scanDomain(row pgx.Row) (*igny8.Domain, error) {
	var d igny8.Domain
	if err := row.Scan(&d.ID, &d.AccountID, &d.SiteID, &d.Hostname, &d.Verified, &d.Primary, &d.VerificationToken, &d.CreatedAt, &d.VerifiedAt); err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateDomain claims a host name for the actor's site. It starts
// unverified, with a token to publish in DNS.
func (db *DB) CreateDomain(ctx context.Context, siteID int64, hostname string) (*igny8.Domain, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	rand.Read(b)
	var d *igny8.Domain
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		d, err = scanDomain(tx.QueryRow(ctx, `INSERT INTO domains (account_id, site_id, hostname, verification_token)
			VALUES ($1, $2, $3, $4) RETURNING `+domainColumns, a.AccountID, siteID, hostname, "igny8-verify="+hex.EncodeToString(b)))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "domain.create", "domain", d.ID, map[string]any{"hostname": hostname})
	})
	return d, err
}

// Domains lists the host names of the actor's site.
func (db *DB) Domains(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Domain, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Domain
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+domainColumns+` FROM domains WHERE account_id = $1 AND site_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
			a.AccountID, siteID, after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Domain, error) { return scanDomain(r) })
		return err
	})
	return out, err
}

// Domain returns one host name of the actor's site.
func (db *DB) Domain(ctx context.Context, siteID, id int64) (*igny8.Domain, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var d *igny8.Domain
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		d, err = scanDomain(tx.QueryRow(ctx, `SELECT `+domainColumns+` FROM domains WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Domain %d not found in site %d.", id, siteID)
		}
		return err
	})
	return d, err
}

// MakePrimaryDomain makes a verified domain the site's primary one.
func (db *DB) MakePrimaryDomain(ctx context.Context, siteID, id int64) (*igny8.Domain, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var d *igny8.Domain
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		d, err = scanDomain(tx.QueryRow(ctx, `SELECT `+domainColumns+` FROM domains WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Domain %d not found in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		if !d.Verified {
			return igny8.Errorf(igny8.EConflict, "%s is not verified yet: publish the TXT record %q and verify it first.", d.Hostname, d.VerificationToken)
		}
		if _, err := tx.Exec(ctx, `UPDATE domains SET is_primary = false WHERE account_id = $1 AND site_id = $2 AND is_primary`, a.AccountID, siteID); err != nil {
			return err
		}
		d, err = scanDomain(tx.QueryRow(ctx, `UPDATE domains SET is_primary = true WHERE id = $1 RETURNING `+domainColumns, id))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "domain.primary", "domain", id, nil)
	})
	return d, err
}

// MarkDomainVerified records that the domain's verification succeeded. A
// verified claim of the same host by another site, of any account, loses
// its verification (and primary flag) in the same transaction: the newest
// proof of control wins, and moved says that happened.
func (db *DB) MarkDomainVerified(ctx context.Context, siteID, id int64) (d *igny8.Domain, moved bool, err error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		d, err = scanDomain(tx.QueryRow(ctx, `SELECT `+domainColumns+` FROM domains WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Domain %d not found in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		if d.Verified {
			return nil
		}
		// The other holder's row is another tenant's: only WorkerRole's
		// transfer policy lets this transaction see and unverify it.
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+WorkerRole); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE domains SET verified = false, is_primary = false, verified_at = NULL
			WHERE hostname = $1 AND verified AND id <> $2`, d.Hostname, id)
		if err != nil {
			return err
		}
		moved = tag.RowsAffected() > 0
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+AppRole); err != nil {
			return err
		}
		d, err = scanDomain(tx.QueryRow(ctx, `UPDATE domains SET verified = true, verified_at = now()
			WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING `+domainColumns, a.AccountID, siteID, id))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "domain.verify", "domain", id, map[string]any{"hostname": d.Hostname, "moved": moved})
	})
	return d, moved, err
}

// DeleteDomain releases a host name and returns the claim as it was.
func (db *DB) DeleteDomain(ctx context.Context, siteID, id int64) (*igny8.Domain, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var d *igny8.Domain
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		d, err = scanDomain(tx.QueryRow(ctx, `DELETE FROM domains WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING `+domainColumns,
			a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Domain %d not found in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, "domain.delete", "domain", id, map[string]any{"hostname": d.Hostname})
	})
	return d, err
}

// VerifiedRoutes lists every verified domain with its site's storage id,
// across accounts (as WorkerRole), so routing entries can be reconciled.
func (db *DB) VerifiedRoutes(ctx context.Context) ([]igny8.Route, error) {
	var out []igny8.Route
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT d.hostname, s.storage_id FROM domains d JOIN sites s ON s.id = d.site_id
			WHERE d.verified ORDER BY d.hostname`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (igny8.Route, error) {
			var rt igny8.Route
			return rt, r.Scan(&rt.Host, &rt.StorageID)
		})
		return err
	})
	return out, err
}
