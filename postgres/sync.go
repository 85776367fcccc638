package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// integrationRow checks integration id of the site exists, locking it
// (a sync or import of it waits for another to end).
func integrationRow(ctx context.Context, tx pgx.Tx, accountID, siteID, id int64) (int64, error) {
	var got int64
	err := tx.QueryRow(ctx, `SELECT id FROM site_integrations WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR NO KEY UPDATE`,
		accountID, siteID, id).Scan(&got)
	if err == pgx.ErrNoRows {
		return 0, noIntegration(siteID, id)
	}
	return got, err
}

// SyncedRecords lists the records of an integration of the site that name
// a remote object, by id.
func (db *DB) SyncedRecords(ctx context.Context, siteID, integrationID int64) ([]*igny8.PublishingRecord, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.PublishingRecord
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := integrationRow(ctx, tx, a.AccountID, siteID, integrationID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+recordColumns+` FROM publishing_records
			WHERE account_id = $1 AND site_id = $2 AND integration_id = $3 AND remote_id <> '' ORDER BY id`,
			a.AccountID, siteID, integrationID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.PublishingRecord, error) { return scanRecord(r) })
		return err
	})
	return out, err
}

// SyncRecord returns record id of the site.
func (db *DB) SyncRecord(ctx context.Context, siteID, id int64) (*igny8.PublishingRecord, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.PublishingRecord
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = scanRecord(tx.QueryRow(ctx, `SELECT `+recordColumns+` FROM publishing_records
			WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no publishing record %d in site %d.", id, siteID)
		}
		return err
	})
	return out, err
}

// SetSyncState writes what a sync learnt of a record: its remote id and
// URL, content and remote hashes, remote modified time, sync status and
// the remote version of a conflict (kept only while the status is
// conflict); synced_at becomes now.
func (db *DB) SetSyncState(ctx context.Context, r *igny8.PublishingRecord) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		return setSyncState(ctx, tx, a.AccountID, r)
	})
}

func setSyncState(ctx context.Context, tx pgx.Tx, accountID int64, r *igny8.PublishingRecord) error {
	var version []byte
	if r.SyncStatus == igny8.RecordConflict {
		if r.RemoteVersion == nil {
			return igny8.Errorf(igny8.EInvalid, "A conflict needs the remote version.")
		}
		b, err := json.Marshal(r.RemoteVersion)
		if err != nil {
			return err
		}
		version = b
	}
	got, err := scanRecord(tx.QueryRow(ctx, `UPDATE publishing_records SET remote_id = $3, remote_url = $4, content_hash = $5,
			remote_hash = $6, remote_modified = $7, sync_status = $8, remote_version = $9, synced_at = now(), updated_at = now()
		WHERE account_id = $1 AND id = $2 RETURNING `+recordColumns,
		accountID, r.ID, r.RemoteID, r.RemoteURL, r.ContentHash, r.RemoteHash, r.RemoteModified, r.SyncStatus, version))
	if err == pgx.ErrNoRows {
		return igny8.Errorf(igny8.ENotFound, "There is no publishing record %d.", r.ID)
	}
	if err != nil {
		return err
	}
	*r = *got
	return nil
}

// PullRemote brings a destination's version of a piece back: c's title,
// excerpt, SEO fields and page become the content's next revision (from
// source "sync"; expect as in ReviseContent), and the record r becomes in
// sync with it (content hash of the new revision by hash, remote hash and
// modified time as r has them). One transaction: both or neither.
func (db *DB) PullRemote(ctx context.Context, r *igny8.PublishingRecord, c *igny8.Content, expect int, hash func(*igny8.Content) (string, error)) (*igny8.Content, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkPageJSON(c); err != nil {
		return nil, err
	}
	var out *igny8.Content
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = reviseContent(ctx, tx, a, r.SiteID, r.ContentID, c, "sync", expect)
		if err != nil {
			return err
		}
		if r.ContentHash, err = hash(out); err != nil {
			return err
		}
		r.SyncStatus, r.RemoteVersion = igny8.RecordInSync, nil
		return setSyncState(ctx, tx, a.AccountID, r)
	})
	return out, err
}

// ImportContent makes c (a piece read from integration integrationID of
// the site, as remote object remote) the site's content, with a record
// saying it is published there in this very version, so publishing it
// unchanged writes nothing. It does so once per remote object: a second
// import of it returns the content made the first time, with created
// false. A slug the site has already gets -2, -3… appended.
func (db *DB) ImportContent(ctx context.Context, siteID, integrationID int64, c *igny8.Content, remote igny8.PublishingRecord, hash func(*igny8.Content) (string, error)) (*igny8.Content, bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := checkContent(c); err != nil {
		return nil, false, err
	}
	var out *igny8.Content
	created := false
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSiteForUpdate(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		if _, err := integrationRow(ctx, tx, a.AccountID, siteID, integrationID); err != nil {
			return err
		}
		var have int64
		err := tx.QueryRow(ctx, `SELECT content_id FROM publishing_records WHERE account_id = $1 AND integration_id = $2 AND remote_id = $3`,
			a.AccountID, integrationID, remote.RemoteID).Scan(&have)
		if err == nil {
			out, err = lockContent(ctx, tx, a.AccountID, siteID, have)
			return err
		} else if err != pgx.ErrNoRows {
			return err
		}
		slug, page, err := placeContent(ctx, tx, a.AccountID, siteID, c)
		if err != nil {
			return err
		}
		status := c.Status
		if status == "" {
			status = igny8.ContentDraft
		}
		out, err = scanContent(tx.QueryRow(ctx, `INSERT INTO contents (account_id, site_id, entity_type, title, slug,
				meta_title, meta_description, excerpt, target_keyword, word_count, page, status,
				published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $12 = 'published' THEN now() END) RETURNING `+contentColumns,
			a.AccountID, siteID, c.EntityType, c.Title, slug, c.MetaTitle, c.MetaDescription, c.Excerpt, c.TargetKeyword,
			c.WordCount, []byte(page), status))
		if err != nil {
			return err
		}
		if err := addRevision(ctx, tx, a, out, "import"); err != nil {
			return err
		}
		h, err := hash(out)
		if err != nil {
			return err
		}
		now := time.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO publishing_records (account_id, site_id, content_id, integration_id, status,
				remote_id, remote_url, content_hash, remote_hash, remote_modified, sync_status, attempts, published_at, synced_at)
			VALUES ($1, $2, $3, $4, 'published', $5, $6, $7, $8, $9, 'in_sync', 0, $10, $10)`,
			a.AccountID, siteID, out.ID, integrationID, remote.RemoteID, remote.RemoteURL, h, remote.RemoteHash,
			remote.RemoteModified, now); err != nil {
			return err
		}
		created = true
		return audit(ctx, tx, "content.import", "content", out.ID, map[string]any{"site_id": siteID,
			"integration_id": integrationID, "remote_id": remote.RemoteID, "slug": slug})
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// SetIntegrationSync records how a sync of an integration went: its
// status (igny8.SyncOK, SyncError, SyncSyncing), when it ran (at, for
// OK), and the error in words ("" when none).
func (db *DB) SetIntegrationSync(ctx context.Context, siteID, id int64, status string, at *time.Time, lastError string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE site_integrations SET sync_status = $4, last_sync_at = coalesce($5, last_sync_at),
				last_error = $6, updated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id, status, at, lastError)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return noIntegration(siteID, id)
		}
		return nil
	})
}

// IntegrationOwner returns the account, site and platform of integration
// id, whatever the account: for a platform's webhook, which names the
// integration and is then verified with its secret. Nothing else of the
// integration is readable this way.
func (db *DB) IntegrationOwner(ctx context.Context, id int64) (accountID, siteID int64, platform string, err error) {
	err = db.WorkerTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT account_id, site_id, platform FROM site_integrations WHERE id = $1`, id).
			Scan(&accountID, &siteID, &platform)
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no integration %d.", id)
		}
		return err
	})
	return accountID, siteID, platform, err
}

// DueSync is an integration the scheduler should sync.
type DueSync struct {
	AccountID, SiteID, IntegrationID int64
}

// DueSyncs lists, across accounts, the active integrations with sync
// enabled (custom APIs aside: IGNY8 cannot read them) that were not
// synced in the last every, and are not syncing (one left syncing for an
// hour is taken for lost), oldest sync first, at most limit.
func (db *DB) DueSyncs(ctx context.Context, every time.Duration, limit int) ([]DueSync, error) {
	var out []DueSync
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT account_id, site_id, id FROM site_integrations
			WHERE active AND sync_enabled AND platform <> 'custom'
			  AND (last_sync_at IS NULL OR last_sync_at < now() - $1::interval)
			  AND (sync_status <> 'syncing' OR updated_at < now() - interval '1 hour')
			ORDER BY last_sync_at NULLS FIRST, id LIMIT $2`, every, limit)
		if err != nil {
			return err
		}
		var d DueSync
		_, err = pgx.ForEachRow(rows, []any{&d.AccountID, &d.SiteID, &d.IntegrationID}, func() error {
			out = append(out, d)
			return nil
		})
		return err
	})
	return out, err
}
