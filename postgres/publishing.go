package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const recordColumns = `id, account_id, site_id, content_id, integration_id, status, remote_id, remote_url, content_hash,
	sync_status, attempts, last_error, published_at, remote_hash, remote_modified, remote_version, synced_at, created_at, updated_at`

func scanRecord(row pgx.Row) (*igny8.PublishingRecord, error) {
	var r igny8.PublishingRecord
	var version []byte
	err := row.Scan(&r.ID, &r.AccountID, &r.SiteID, &r.ContentID, &r.IntegrationID, &r.Status, &r.RemoteID, &r.RemoteURL,
		&r.ContentHash, &r.SyncStatus, &r.Attempts, &r.LastError, &r.PublishedAt, &r.RemoteHash, &r.RemoteModified, &version,
		&r.SyncedAt, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if version != nil {
		r.RemoteVersion = new(igny8.RemoteVersion)
		if err := json.Unmarshal(version, r.RemoteVersion); err != nil {
			return nil, err
		}
	}
	return &r, nil
}

// PublishingRecord returns the record of a content piece on an
// integration of the site, creating a pending one (no attempt yet) the
// first time: what the publisher reads before it writes anywhere.
func (db *DB) PublishingRecord(ctx context.Context, siteID, contentID, integrationID int64) (*igny8.PublishingRecord, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.PublishingRecord
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := contentExists(ctx, tx, a.AccountID, siteID, contentID); err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM site_integrations WHERE account_id = $1 AND site_id = $2 AND id = $3)`,
			a.AccountID, siteID, integrationID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return noIntegration(siteID, integrationID)
		}
		out, err = scanRecord(tx.QueryRow(ctx, `INSERT INTO publishing_records (account_id, site_id, content_id, integration_id)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (content_id, integration_id) DO UPDATE SET content_id = excluded.content_id
			RETURNING `+recordColumns, a.AccountID, siteID, contentID, integrationID))
		return err
	})
	return out, err
}

// RecordPublish records an attempt to publish: r's Status, RemoteID,
// RemoteURL, ContentHash, RemoteHash, RemoteModified and LastError as the
// attempt left them (a success also sets published_at and makes the
// record in sync, ending any conflict); attempts counts up by one. r is
// filled in from the row.
func (db *DB) RecordPublish(ctx context.Context, r *igny8.PublishingRecord) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		got, err := scanRecord(tx.QueryRow(ctx, `UPDATE publishing_records SET status = $3, remote_id = $4, remote_url = $5,
				content_hash = $6, last_error = $7, remote_hash = $8, remote_modified = $9, attempts = attempts + 1,
				published_at = CASE WHEN $3 = 'published' THEN now() ELSE published_at END,
				sync_status = CASE WHEN $3 = 'published' THEN 'in_sync' ELSE sync_status END,
				remote_version = CASE WHEN $3 = 'published' THEN NULL ELSE remote_version END,
				updated_at = now()
			WHERE account_id = $1 AND id = $2 RETURNING `+recordColumns,
			a.AccountID, r.ID, r.Status, r.RemoteID, r.RemoteURL, r.ContentHash, r.LastError, r.RemoteHash, r.RemoteModified))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no publishing record %d.", r.ID)
		}
		if err != nil {
			return err
		}
		*r = *got
		return nil
	})
}

// PublishingRecords lists a site's records, for one content piece when
// contentID is not nil.
func (db *DB) PublishingRecords(ctx context.Context, siteID int64, contentID *int64) ([]*igny8.PublishingRecord, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.PublishingRecord
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+recordColumns+` FROM publishing_records
			WHERE account_id = $1 AND site_id = $2 AND ($3::bigint IS NULL OR content_id = $3) ORDER BY id`, a.AccountID, siteID, contentID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.PublishingRecord, error) { return scanRecord(r) })
		return err
	})
	return out, err
}
