package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const deploymentColumns = `id, account_id, site_id, version, coalesce(deploy_id, ''), type, status, blueprint_version,
	files, bytes, uploaded_files, uploaded_bytes, preview_url, preview, ai_job_id, error, created_by, created_at, updated_at, deployed_at`

func scanDeployment(row pgx.Row) (*igny8.Deployment, error) {
	var d igny8.Deployment
	err := row.Scan(&d.ID, &d.AccountID, &d.SiteID, &d.Version, &d.DeployID, &d.Type, &d.Status, &d.BlueprintVersion,
		&d.Files, &d.Bytes, &d.UploadedFiles, &d.UploadedBytes, &d.PreviewURL, &d.Preview, &d.JobID, &d.Error, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt, &d.DeployedAt)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateDeployment inserts d as the next version of its site's history,
// queued, and in the same transaction writes the outbox message that work
// returns for it (the job that carries it out), so the row and the request
// for work commit or vanish together. d.SiteID and d.Type are required;
// d.CreatedBy defaults to the actor's user. d is filled in from the row.
// With d.JobID set, a deployment the job requested before is returned
// instead (the site row's lock orders the check and the insert).
func (db *DB) CreateDeployment(ctx context.Context, d *igny8.Deployment, work func(*igny8.Deployment) OutboxMessage) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if d.Type == "" {
		d.Type = igny8.DeploymentBuild
	}
	if d.CreatedBy == nil && a.UserID != 0 {
		d.CreatedBy = &a.UserID
	}
	deployID := (*string)(nil)
	if d.DeployID != "" {
		deployID = &d.DeployID
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		// Versions are per site: the lock on the site row serializes them
		// (and keeps the site from being deleted under the new row).
		if err := lockSiteForUpdate(ctx, tx, a.AccountID, d.SiteID); err != nil {
			return err
		}
		if d.JobID != nil {
			// A pipeline job requests its deployment once.
			got, err := scanDeployment(tx.QueryRow(ctx, `SELECT `+deploymentColumns+` FROM deployments
				WHERE account_id = $1 AND ai_job_id = $2`, a.AccountID, *d.JobID))
			if err == nil {
				*d = *got
				return nil
			} else if err != pgx.ErrNoRows {
				return err
			}
		}
		got, err := scanDeployment(tx.QueryRow(ctx, `INSERT INTO deployments (account_id, site_id, version, type, deploy_id, blueprint_version, created_by, preview, ai_job_id)
			VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM deployments WHERE account_id = $1 AND site_id = $2), $3, $4, $5, $6, $7, $8)
			RETURNING `+deploymentColumns, a.AccountID, d.SiteID, d.Type, deployID, d.BlueprintVersion, d.CreatedBy, d.Preview, d.JobID))
		if err != nil {
			return err
		}
		*d = *got
		if work != nil {
			if _, err := Enqueue(ctx, tx, work(got)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, "deployment.create", "deployment", got.ID, map[string]any{"site_id": got.SiteID, "type": got.Type, "version": got.Version})
	})
}

// Deployment returns the actor's deployment with id id.
func (db *DB) Deployment(ctx context.Context, id int64) (*igny8.Deployment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var d *igny8.Deployment
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		d, err = scanDeployment(tx.QueryRow(ctx, `SELECT `+deploymentColumns+` FROM deployments WHERE account_id = $1 AND id = $2`, a.AccountID, id))
		return err
	})
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil, igny8.Errorf(igny8.ENotFound, "Deployment %d not found.", id)
	}
	return d, err
}

// Deployments lists a site's deployments newest first, those with ids
// below before (0: from the newest), at most limit (1–100; default 20).
// The last id returned is the cursor of the next page.
func (db *DB) Deployments(ctx context.Context, siteID, before int64, limit int) ([]*igny8.Deployment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 1000)
	if before <= 0 {
		before = 1<<63 - 1
	}
	var list []*igny8.Deployment
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		// An unknown site is not found, not an empty history.
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+deploymentColumns+` FROM deployments
			WHERE account_id = $1 AND site_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4`, a.AccountID, siteID, before, limit)
		if err != nil {
			return err
		}
		list, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (*igny8.Deployment, error) { return scanDeployment(row) })
		return err
	})
	return list, err
}

// updateDeployment runs one conditional UPDATE of the actor's deployment
// id and returns the row after it. When the condition does not hold, the
// row is returned unchanged with changed false.
func (db *DB) updateDeployment(ctx context.Context, id int64, set, where string, args ...any) (d *igny8.Deployment, changed bool, err error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		all := append([]any{a.AccountID, id}, args...)
		d, err = scanDeployment(tx.QueryRow(ctx, `UPDATE deployments SET `+set+`, updated_at = now()
			WHERE account_id = $1 AND id = $2 AND (`+where+`) RETURNING `+deploymentColumns, all...))
		if err == nil {
			changed = true
			return nil
		}
		if err != pgx.ErrNoRows {
			return err
		}
		d, err = scanDeployment(tx.QueryRow(ctx, `SELECT `+deploymentColumns+` FROM deployments WHERE account_id = $1 AND id = $2`, a.AccountID, id))
		return err
	})
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil, false, igny8.Errorf(igny8.ENotFound, "Deployment %d not found.", id)
	}
	return d, changed, err
}

// StartDeployment moves a build that has not recorded a deploy yet to
// building (again, after a crash), with the blueprint version it builds.
// A finished build (ready, live, failed) is left alone: changed is false.
func (db *DB) StartDeployment(ctx context.Context, id int64, blueprintVersion int) (d *igny8.Deployment, changed bool, err error) {
	return db.updateDeployment(ctx, id,
		`status = 'building', blueprint_version = nullif($3, 0), error = '', files = 0, bytes = 0, uploaded_files = 0, uploaded_bytes = 0`,
		`status IN ('queued', 'building', 'uploading') AND deploy_id IS NULL`, blueprintVersion)
}

// DeploymentProgress records an upload's counts and moves the build to
// uploading. It changes nothing once the build has a deploy or failed.
func (db *DB) DeploymentProgress(ctx context.Context, id int64, c igny8.DeployCounts) error {
	_, _, err := db.updateDeployment(ctx, id,
		`status = 'uploading', files = $3, bytes = $4, uploaded_files = $5, uploaded_bytes = $6`,
		`status IN ('building', 'uploading') AND deploy_id IS NULL`, c.Files, c.Bytes, c.UploadedFiles, c.UploadedBytes)
	return err
}

// RecordDeploy records that build id produced the deploy deployID, now
// complete in the object store, and marks it ready. It is idempotent: a
// repeat with the same deploy changes nothing. A build records one deploy
// only: when the row already names another deploy (a retried job that
// built again after a crash), the first one stands and RecordDeploy
// returns a conflict; the caller should use the recorded deploy and leave
// its own to garbage collection. The index deployments_build_once keeps a
// deploy from being recorded by two rows.
func (db *DB) RecordDeploy(ctx context.Context, id int64, deployID, previewURL string, c igny8.DeployCounts) (*igny8.Deployment, error) {
	if deployID == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "A deploy id is required.")
	}
	d, changed, err := db.updateDeployment(ctx, id,
		`status = 'ready', deploy_id = $3, preview_url = $4, files = $5, bytes = $6, uploaded_files = $7, uploaded_bytes = $8, error = ''`,
		`type = 'build' AND status IN ('queued', 'building', 'uploading') AND deploy_id IS NULL`,
		deployID, previewURL, c.Files, c.Bytes, c.UploadedFiles, c.UploadedBytes)
	if err != nil || changed {
		return d, err
	}
	if d.DeployID == deployID {
		return d, nil
	}
	if d.DeployID != "" {
		return d, igny8.Errorf(igny8.EConflict, "Deployment %d already recorded deploy %s.", id, d.DeployID)
	}
	return d, igny8.Errorf(igny8.EConflict, "Deployment %d is %s; it cannot record a deploy.", id, d.Status)
}

// MarkDeploymentLive records that deployment id's deploy is now the live
// one of its site: it becomes live and whatever row was live before goes
// back to ready. Marking a live deployment again changes nothing.
func (db *DB) MarkDeploymentLive(ctx context.Context, id int64) (*igny8.Deployment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var d *igny8.Deployment
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		d, err = scanDeployment(tx.QueryRow(ctx, `SELECT `+deploymentColumns+` FROM deployments WHERE account_id = $1 AND id = $2 FOR UPDATE`, a.AccountID, id))
		if err != nil {
			return err
		}
		switch {
		case d.Status == igny8.DeploymentLive:
			return nil
		case d.DeployID == "" || d.Status != igny8.DeploymentReady:
			return igny8.Errorf(igny8.EConflict, "Deployment %d is %s, not ready; it cannot go live.", id, d.Status)
		}
		if _, err := tx.Exec(ctx, `UPDATE deployments SET status = 'ready', updated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND status = 'live' AND id <> $3`, a.AccountID, d.SiteID, id); err != nil {
			return err
		}
		d, err = scanDeployment(tx.QueryRow(ctx, `UPDATE deployments SET status = 'live', error = '', deployed_at = coalesce(deployed_at, now()), updated_at = now()
			WHERE account_id = $1 AND id = $2 RETURNING `+deploymentColumns, a.AccountID, id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mark deployment %d live: %w", id, err)
	}
	return d, nil
}

// DeployVersion returns the latest version of the site's deployments
// that name deployID (the build that made it, or a later rollback or
// promote to it), 0 when none does. A build compares it with its own
// version to leave a later deployment live rather than overwrite it.
func (db *DB) DeployVersion(ctx context.Context, siteID int64, deployID string) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	var v int
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM deployments
			WHERE account_id = $1 AND site_id = $2 AND deploy_id = $3`, a.AccountID, siteID, deployID).Scan(&v)
	})
	return v, err
}

// NoteDeploymentError records the error of a failed attempt that will be
// retried; the status stays as it is.
func (db *DB) NoteDeploymentError(ctx context.Context, id int64, msg string) error {
	_, _, err := db.updateDeployment(ctx, id, `error = $3`, `status NOT IN ('live', 'failed')`, clip(msg))
	return err
}

// FailDeployment marks a deployment that is not live yet failed, for good,
// with msg (shown to users). A ready deploy stays in the object store for
// a later promote or rollback.
func (db *DB) FailDeployment(ctx context.Context, id int64, msg string) (*igny8.Deployment, error) {
	d, _, err := db.updateDeployment(ctx, id, `status = 'failed', error = $3`, `status NOT IN ('live', 'failed')`, clip(msg))
	return d, err
}

func clip(msg string) string {
	if len(msg) > 2000 {
		return msg[:2000]
	}
	return msg
}

// BeginDeployment records a build of the actor's site made outside the job
// queue (igny8 deploy from the CLI): a new history row, building.
func (db *DB) BeginDeployment(ctx context.Context, siteID int64) (*igny8.Deployment, error) {
	d := &igny8.Deployment{SiteID: siteID, Type: igny8.DeploymentBuild}
	if err := db.CreateDeployment(ctx, d, nil); err != nil {
		return nil, err
	}
	d, _, err := db.StartDeployment(ctx, d.ID, 0)
	return d, err
}
