package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// The content pipeline's store methods live in the pipeline_*.go files.
// Every one acts for the actor's account and finds only that account's
// rows in the site it names: another account's (or site's) id is
// not_found. The methods that write what a job made are idempotent (see
// pipeline.Store).

var jobKinds = []string{igny8.JobKeywordImport, igny8.JobCluster, igny8.JobIdeas, igny8.JobWrite,
	igny8.JobImagePrompts, igny8.JobImages, igny8.JobPublish, igny8.JobGenerateSite, igny8.JobLink, igny8.JobOptimize, igny8.JobDistribute, igny8.JobSync, igny8.JobImport}

const jobColumns = `id, account_id, site_id, kind, status, step, done, total, input, result, error, cancel, attempts,
	created_by, created_at, started_at, ended_at`

func scanJob(row pgx.Row) (*igny8.Job, error) {
	var j igny8.Job
	err := row.Scan(&j.ID, &j.AccountID, &j.SiteID, &j.Kind, &j.Status, &j.Step, &j.Done, &j.Total, &j.Input, &j.Result,
		&j.Error, &j.Cancel, &j.Attempts, &j.CreatedBy, &j.CreatedAt, &j.StartedAt, &j.EndedAt)
	if err != nil {
		return nil, err
	}
	return &j, nil
}

func collectJobs(rows pgx.Rows, err error) ([]*igny8.Job, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Job, error) { return scanJob(r) })
}

// limitArg is a LIMIT parameter: limit 0 (or less) lists everything.
func limitArg(limit int) any {
	if limit <= 0 {
		return nil // LIMIT NULL: no limit
	}
	return limit
}

// jsonArg is a jsonb parameter: an empty document is SQL NULL.
func jsonArg(doc json.RawMessage) any {
	if len(doc) == 0 {
		return nil
	}
	return []byte(doc)
}

// userArg is the actor's user id, or NULL for a token without a user.
func userArg(a igny8.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	return &a.UserID
}

func noJob(id int64) error {
	return igny8.Errorf(igny8.ENotFound, "There is no job %d.", id)
}

// CreateJob inserts a queued job of j.Kind for the actor's site j.SiteID
// with j.Input, and in the same transaction writes the outbox message work
// returns for it (the task that runs it), so the row and the request for
// work commit or vanish together. j is filled in from the row.
func (db *DB) CreateJob(ctx context.Context, j *igny8.Job, work func(*igny8.Job) OutboxMessage) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(jobKinds, j.Kind) {
		return igny8.Errorf(igny8.EInvalid, "%q is not a kind of job; the kinds are %s.", j.Kind, strings.Join(jobKinds, ", "))
	}
	input := j.Input
	if len(input) == 0 {
		input = json.RawMessage(`{}`)
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		// The site must exist in the account, and stay while the job is made.
		if err := lockSite(ctx, tx, a.AccountID, j.SiteID); err != nil {
			return err
		}
		got, err := scanJob(tx.QueryRow(ctx, `INSERT INTO ai_jobs (account_id, site_id, kind, input, total, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+jobColumns, a.AccountID, j.SiteID, j.Kind, []byte(input), max(j.Total, 0), userArg(a)))
		if err != nil {
			return err
		}
		*j = *got
		if work != nil {
			if _, err := Enqueue(ctx, tx, work(got)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, "job.create", "job", got.ID, map[string]any{"site_id": got.SiteID, "kind": got.Kind})
	})
}

// Job returns the actor's job id.
func (db *DB) Job(ctx context.Context, id int64) (*igny8.Job, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var j *igny8.Job
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM ai_jobs WHERE account_id = $1 AND id = $2`, a.AccountID, id))
		if err == pgx.ErrNoRows {
			return noJob(id)
		}
		return err
	})
	return j, err
}

// Jobs lists the jobs of the actor's site with ids after `after`, oldest
// first, at most limit (0: all).
func (db *DB) Jobs(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Job, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Job
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		out, err = collectJobs(tx.Query(ctx, `SELECT `+jobColumns+` FROM ai_jobs
			WHERE account_id = $1 AND site_id = $2 AND id > $3 ORDER BY id LIMIT $4`, a.AccountID, siteID, after, limitArg(limit)))
		return err
	})
	return out, err
}

// updateJob runs one conditional UPDATE of the actor's job id and returns
// the row after it; when the condition does not hold, the row unchanged.
func (db *DB) updateJob(ctx context.Context, id int64, set, where string, args ...any) (j *igny8.Job, changed bool, err error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		all := append([]any{a.AccountID, id}, args...)
		j, err = scanJob(tx.QueryRow(ctx, `UPDATE ai_jobs SET `+set+` WHERE account_id = $1 AND id = $2 AND (`+where+`)
			RETURNING `+jobColumns, all...))
		if err == nil {
			changed = true
			return nil
		} else if err != pgx.ErrNoRows {
			return err
		}
		j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM ai_jobs WHERE account_id = $1 AND id = $2`, a.AccountID, id))
		if err == pgx.ErrNoRows {
			return noJob(id)
		}
		return err
	})
	return j, changed, err
}

// StartJob moves a queued or running job (running again after a crash) to
// running and counts the attempt; started_at keeps the first start. A
// finished job is returned unchanged.
func (db *DB) StartJob(ctx context.Context, id int64) (*igny8.Job, error) {
	j, _, err := db.updateJob(ctx, id, `status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now())`,
		`status IN ('queued', 'running')`)
	return j, err
}

// JobProgress records the step a running job is at and its counts. It
// changes nothing once the job has finished.
func (db *DB) JobProgress(ctx context.Context, id int64, step string, done, total int) error {
	if done < 0 || total < 0 {
		return igny8.Errorf(igny8.EInvalid, "Job progress counts cannot be negative (done %d, total %d).", done, total)
	}
	_, _, err := db.updateJob(ctx, id, `step = $3, done = $4, total = $5`, `status = 'running'`, step, done, total)
	return err
}

// FinishJob ends a job that has not ended yet with status (succeeded,
// failed or cancelled), its result and error message. A finished job is
// returned unchanged: the first ending stands.
func (db *DB) FinishJob(ctx context.Context, id int64, status string, result json.RawMessage, msg string) (*igny8.Job, error) {
	switch status {
	case igny8.JobSucceeded, igny8.JobFailed, igny8.JobCancelled:
	default:
		return nil, igny8.Errorf(igny8.EInvalid, "A job ends succeeded, failed or cancelled, not %q.", status)
	}
	j, _, err := db.updateJob(ctx, id, `status = $3, result = $4, error = $5, ended_at = now()`,
		`status IN ('queued', 'running')`, status, jsonArg(result), msg)
	return j, err
}

// CancelJob asks for the cancellation of job id of the actor's site: a
// queued job is cancelled at once, a running one when its worker next
// checks (JobCancelled). Cancelling a job again changes nothing; a
// finished job is a conflict.
func (db *DB) CancelJob(ctx context.Context, siteID, id int64) (*igny8.Job, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var j *igny8.Job
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM ai_jobs WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`,
			a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no job %d in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		if j.Finished() {
			return igny8.Errorf(igny8.EConflict, "Job %d already finished (%s).", id, j.Status)
		}
		if j.Cancel {
			return nil
		}
		j, err = scanJob(tx.QueryRow(ctx, `UPDATE ai_jobs SET cancel = true,
			status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
			ended_at = CASE WHEN status = 'queued' THEN now() ELSE ended_at END
			WHERE account_id = $1 AND id = $2 RETURNING `+jobColumns, a.AccountID, id))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "job.cancel", "job", id, map[string]any{"site_id": siteID, "status": j.Status})
	})
	return j, err
}

// JobCancelled reports whether the cancellation of the actor's job id was
// asked for; a worker polls it between steps.
func (db *DB) JobCancelled(ctx context.Context, id int64) (bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return false, err
	}
	var cancel bool
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT cancel OR status = 'cancelled' FROM ai_jobs WHERE account_id = $1 AND id = $2`, a.AccountID, id).Scan(&cancel)
		if err == pgx.ErrNoRows {
			return noJob(id)
		}
		return err
	})
	return cancel, err
}
