package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const integrationColumns = `id, account_id, site_id, platform, platform_type, name, url, config, credentials_fingerprint,
	active, sync_enabled, last_sync_at, sync_status, last_error, created_at, updated_at`

func scanIntegration(row pgx.Row) (*igny8.Integration, error) {
	var in igny8.Integration
	err := row.Scan(&in.ID, &in.AccountID, &in.SiteID, &in.Platform, &in.PlatformType, &in.Name, &in.URL, &in.Config,
		&in.CredentialsFingerprint, &in.Active, &in.SyncEnabled, &in.LastSyncAt, &in.SyncStatus, &in.LastError,
		&in.CreatedAt, &in.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &in, nil
}

func noIntegration(siteID, id int64) error {
	return igny8.Errorf(igny8.ENotFound, "There is no integration %d in site %d.", id, siteID)
}

// CreateIntegration adds an integration to a site; seal, when not nil,
// seals its credentials for the new row, in the same transaction. in is
// filled in from the row.
func (db *DB) CreateIntegration(ctx context.Context, in *igny8.Integration, seal igny8.Sealer) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if len(in.Config) == 0 {
		in.Config = json.RawMessage(`{}`)
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, in.SiteID); err != nil {
			return err
		}
		row := tx.QueryRow(ctx, `INSERT INTO site_integrations (account_id, site_id, platform, platform_type, name, url, config, active, sync_enabled)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+integrationColumns,
			a.AccountID, in.SiteID, in.Platform, in.PlatformType, in.Name, in.URL, in.Config, in.Active, in.SyncEnabled)
		got, err := scanIntegration(row)
		if err != nil {
			return err
		}
		if seal != nil {
			if got, err = setCredentials(ctx, tx, got, seal); err != nil {
				return err
			}
		}
		*in = *got
		if err := followHosting(ctx, tx, a.AccountID, in.SiteID); err != nil {
			return err
		}
		return audit(ctx, tx, "integration.create", "integration", in.ID, map[string]any{"site_id": in.SiteID, "platform": in.Platform, "url": in.URL})
	})
}

// setCredentials seals and stores an integration's credentials.
func setCredentials(ctx context.Context, tx pgx.Tx, in *igny8.Integration, seal igny8.Sealer) (*igny8.Integration, error) {
	sc, err := seal(in.AccountID, in.ID)
	if err != nil {
		return nil, err
	}
	return scanIntegration(tx.QueryRow(ctx, `UPDATE site_integrations SET credentials = $2, credentials_key_id = $3,
			credentials_fingerprint = $4, updated_at = now()
		WHERE id = $1 RETURNING `+integrationColumns, in.ID, sc.Ciphertext, int64(sc.KeyID), sc.Fingerprint))
}

// Integrations lists a site's integrations, oldest first.
func (db *DB) Integrations(ctx context.Context, siteID int64) ([]*igny8.Integration, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Integration
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+integrationColumns+` FROM site_integrations
			WHERE account_id = $1 AND site_id = $2 ORDER BY id`, a.AccountID, siteID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Integration, error) { return scanIntegration(r) })
		return err
	})
	return out, err
}

// Integration returns one integration of a site.
func (db *DB) Integration(ctx context.Context, siteID, id int64) (*igny8.Integration, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.Integration
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = scanIntegration(tx.QueryRow(ctx, `SELECT `+integrationColumns+` FROM site_integrations
			WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return noIntegration(siteID, id)
		}
		return err
	})
	return out, err
}

// UpdateIntegration changes an integration's settings, and, when seal is
// not nil, replaces its credentials (sealed for it).
func (db *DB) UpdateIntegration(ctx context.Context, siteID, id int64, u igny8.IntegrationUpdate, seal igny8.Sealer) (*igny8.Integration, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.Integration
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		var cfg any
		if len(u.Config) > 0 {
			cfg = u.Config
		}
		out, err = scanIntegration(tx.QueryRow(ctx, `UPDATE site_integrations SET
				name = coalesce($4, name), config = coalesce($5::jsonb, config), active = coalesce($6, active),
				sync_enabled = coalesce($7, sync_enabled), updated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING `+integrationColumns,
			a.AccountID, siteID, id, u.Name, cfg, u.Active, u.SyncEnabled))
		if err == pgx.ErrNoRows {
			return noIntegration(siteID, id)
		}
		if err != nil {
			return err
		}
		if seal != nil {
			if out, err = setCredentials(ctx, tx, out, seal); err != nil {
				return err
			}
		}
		if err := followHosting(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		return audit(ctx, tx, "integration.update", "integration", id, map[string]any{"site_id": siteID, "credentials": seal != nil})
	})
	return out, err
}

// DeleteIntegration removes an integration and its credentials.
func (db *DB) DeleteIntegration(ctx context.Context, siteID, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM site_integrations WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return noIntegration(siteID, id)
		}
		if err := followHosting(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		return audit(ctx, tx, "integration.delete", "integration", id, map[string]any{"site_id": siteID})
	})
}

// IntegrationCredentials returns an integration's sealed credentials, for
// the adapter that opens them; not_found when it has none.
func (db *DB) IntegrationCredentials(ctx context.Context, siteID, id int64) (*igny8.SealedCredentials, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var sc igny8.SealedCredentials
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		var keyID *int64
		err := tx.QueryRow(ctx, `SELECT credentials, credentials_key_id, credentials_fingerprint FROM site_integrations
			WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id).Scan(&sc.Ciphertext, &keyID, &sc.Fingerprint)
		if err == pgx.ErrNoRows {
			return noIntegration(siteID, id)
		}
		if err != nil {
			return err
		}
		if keyID == nil {
			return igny8.Errorf(igny8.ENotFound, "Integration %d has no credentials: set them with PUT …/integrations/%d.", id, id)
		}
		sc.KeyID = uint32(*keyID)
		return nil
	})
	return &sc, err
}

// SetIntegrationError records the outcome of a connection check or sync:
// the problem in words, or "" when it went well.
func (db *DB) SetIntegrationError(ctx context.Context, siteID, id int64, problem string) (*igny8.Integration, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.Integration
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = scanIntegration(tx.QueryRow(ctx, `UPDATE site_integrations SET last_error = $4, updated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING `+integrationColumns, a.AccountID, siteID, id, problem))
		if err == pgx.ErrNoRows {
			return noIntegration(siteID, id)
		}
		return err
	})
	return out, err
}

// Reseal is how a key rotation re-encrypts one integration's credentials:
// it returns the new ciphertext and key id, and whether they changed.
type Reseal func(accountID, integrationID int64, ct []byte) (out []byte, keyID uint32, changed bool, err error)

// RotateCredentials re-encrypts, in batches of batch rows, the
// credentials of every integration of every account that are not sealed
// with the key primary, and returns how many were re-encrypted. Each batch
// is one transaction per account; a row that fails to re-encrypt stops
// the rotation with its error (rows done so far stay done).
func (db *DB) RotateCredentials(ctx context.Context, primary uint32, batch int, reseal Reseal) (int, error) {
	if batch <= 0 {
		batch = 100
	}
	var accounts []int64
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT account_id FROM sites ORDER BY 1`)
		if err != nil {
			return err
		}
		accounts, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return 0, err
	}
	done := 0
	for _, acc := range accounts {
		actx := igny8.WithActor(ctx, igny8.Actor{AccountID: acc, Role: igny8.RoleOwner})
		for more := true; more; {
			err := db.Tx(actx, func(tx pgx.Tx) error {
				rows, err := tx.Query(actx, `SELECT id, credentials FROM site_integrations
					WHERE account_id = $1 AND credentials IS NOT NULL AND credentials_key_id <> $2
					ORDER BY id LIMIT $3 FOR UPDATE`, acc, int64(primary), batch)
				if err != nil {
					return err
				}
				var ids []int64
				var cts [][]byte
				var id int64
				var ct []byte
				if _, err := pgx.ForEachRow(rows, []any{&id, &ct}, func() error {
					ids, cts = append(ids, id), append(cts, ct)
					return nil
				}); err != nil {
					return err
				}
				for i, id := range ids {
					out, keyID, _, err := reseal(acc, id, cts[i])
					if err != nil {
						return err
					}
					if keyID != primary {
						return igny8.Errorf(igny8.EInternal, "Key rotation re-encrypted integration %d under key %d, not the primary key %d.", id, keyID, primary)
					}
					if _, err := tx.Exec(actx, `UPDATE site_integrations SET credentials = $2, credentials_key_id = $3 WHERE id = $1`,
						id, out, int64(keyID)); err != nil {
						return err
					}
				}
				done += len(ids)
				more = len(ids) == batch
				return nil
			})
			if err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

// followHosting sets a site's hosting type from its active integrations,
// as the site's type says: a site built by IGNY8 (new) or one without
// integrations is hosted by IGNY8 Sites; an existing site lives on its
// one platform (wordpress, shopify, custom); more than one platform, or
// a hybrid site with any, is multi.
func followHosting(ctx context.Context, tx pgx.Tx, accountID, siteID int64) error {
	_, err := tx.Exec(ctx, `UPDATE sites s SET hosting_type = CASE
			WHEN s.site_type = 'new' OR p.n = 0 THEN 'igny8_sites'
			WHEN s.site_type = 'existing' AND p.n = 1 THEN p.one
			ELSE 'multi' END,
			updated_at = now()
		FROM (SELECT count(DISTINCT platform) AS n, min(platform) AS one FROM site_integrations
			WHERE account_id = $1 AND site_id = $2 AND active) p
		WHERE s.account_id = $1 AND s.id = $2`, accountID, siteID)
	return err
}
