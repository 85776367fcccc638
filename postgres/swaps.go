package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// RecordLiveSwap records that deployID became the site's live deploy by a
// rollback or promote (typ), as a new history row that is live at once;
// the row that was live before goes back to ready.
func (db *DB) RecordLiveSwap(ctx context.Context, siteID int64, typ, deployID string) (*igny8.Deployment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if typ != igny8.DeploymentRollback && typ != igny8.DeploymentPromote {
		return nil, igny8.Errorf(igny8.EInvalid, "a live swap is a rollback or a promote, not %q", typ)
	}
	var createdBy *int64
	if a.UserID != 0 {
		createdBy = &a.UserID
	}
	var d *igny8.Deployment
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSiteForUpdate(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE deployments SET status = 'ready', updated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND status = 'live'`, a.AccountID, siteID); err != nil {
			return err
		}
		// A swap uploads nothing; it shows the size of the deploy it made
		// live, as recorded by that deploy's build.
		d, err = scanDeployment(tx.QueryRow(ctx, `INSERT INTO deployments (account_id, site_id, version, type, status, deploy_id, created_by, deployed_at,
				blueprint_version, files, bytes, preview_url)
			SELECT $1, $2, (SELECT coalesce(max(version), 0) + 1 FROM deployments WHERE account_id = $1 AND site_id = $2), $3, 'live', $4, $5, now(),
				b.blueprint_version, coalesce(b.files, 0), coalesce(b.bytes, 0), coalesce(b.preview_url, '')
			FROM (SELECT 1) one LEFT JOIN deployments b ON b.account_id = $1 AND b.site_id = $2 AND b.deploy_id = $4 AND b.type = 'build'
			RETURNING `+deploymentColumns, a.AccountID, siteID, typ, deployID, createdBy))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "deployment."+typ, "deployment", d.ID, map[string]any{"site_id": siteID, "deploy_id": deployID})
	})
	return d, err
}
