package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const aiCallColumns = `id, account_id, site_id, job_id, operation, prompt, prompt_version, provider, model,
	tokens_in, tokens_out, latency_ms, outcome, error, created_at`

func scanAICall(row pgx.Row) (*igny8.AICall, error) {
	var c igny8.AICall
	err := row.Scan(&c.ID, &c.AccountID, &c.SiteID, &c.JobID, &c.Operation, &c.Prompt, &c.PromptVersion, &c.Provider, &c.Model,
		&c.TokensIn, &c.TokensOut, &c.LatencyMS, &c.Outcome, &c.Error, &c.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// RecordAICall stores c, one request to an AI provider, for the actor's
// account (it implements ai.Recorder). c is filled in from the row.
func (db *DB) RecordAICall(ctx context.Context, c *igny8.AICall) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if c.Provider == "" || c.Outcome == "" {
		return igny8.Errorf(igny8.EInvalid, "An AI call record needs its provider and outcome.")
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		got, err := scanAICall(tx.QueryRow(ctx, `INSERT INTO ai_calls (account_id, site_id, job_id, operation, prompt, prompt_version,
				provider, model, tokens_in, tokens_out, latency_ms, outcome, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING `+aiCallColumns,
			a.AccountID, c.SiteID, c.JobID, c.Operation, c.Prompt, c.PromptVersion, c.Provider, c.Model,
			max(c.TokensIn, 0), max(c.TokensOut, 0), max(c.LatencyMS, 0), c.Outcome, truncate(c.Error, 2000)))
		if err != nil {
			return err
		}
		*c = *got
		return nil
	})
}

// AICalls lists the actor's account's AI calls, of one site when siteID
// is set, with ids after `after`, at most limit (0: all).
func (db *DB) AICalls(ctx context.Context, siteID *int64, after int64, limit int) ([]*igny8.AICall, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.AICall
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+aiCallColumns+` FROM ai_calls WHERE account_id = $1 AND id > $2
			AND ($3::bigint IS NULL OR site_id = $3) ORDER BY id LIMIT $4`, a.AccountID, after, siteID, limitArg(limit))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.AICall, error) { return scanAICall(r) })
		return err
	})
	return out, err
}

// AIUsage sums the actor's account's AI calls made from `from` until
// (before) `to` by provider and model; a zero time leaves that end open.
// Failed counts the calls whose outcome is not ok.
func (db *DB) AIUsage(ctx context.Context, from, to time.Time) ([]igny8.AIUsage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var lo, hi *time.Time
	if !from.IsZero() {
		lo = &from
	}
	if !to.IsZero() {
		hi = &to
	}
	var out []igny8.AIUsage
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT provider, model, count(*), count(*) FILTER (WHERE outcome <> 'ok'),
				coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0)
			FROM ai_calls WHERE account_id = $1
				AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
			GROUP BY provider, model ORDER BY provider, model`, a.AccountID, lo, hi)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (igny8.AIUsage, error) {
			var u igny8.AIUsage
			err := r.Scan(&u.Provider, &u.Model, &u.Calls, &u.Failed, &u.TokensIn, &u.TokensOut)
			return u, err
		})
		return err
	})
	return out, err
}

const promptOverrideColumns = `id, account_id, name, version, system, "user", created_by, created_at`

func scanPromptOverride(row pgx.Row) (*igny8.PromptOverride, error) {
	var o igny8.PromptOverride
	if err := row.Scan(&o.ID, &o.AccountID, &o.Name, &o.Version, &o.System, &o.User, &o.CreatedBy, &o.CreatedAt); err != nil {
		return nil, err
	}
	return &o, nil
}

// PromptOverride returns the newest version of the actor's account's
// override of prompt name, or not_found when it has none (the embedded
// prompt applies).
func (db *DB) PromptOverride(ctx context.Context, name string) (*igny8.PromptOverride, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var o *igny8.PromptOverride
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		o, err = scanPromptOverride(tx.QueryRow(ctx, `SELECT `+promptOverrideColumns+` FROM prompt_overrides
			WHERE account_id = $1 AND name = $2 ORDER BY version DESC LIMIT 1`, a.AccountID, name))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "The account has no override of prompt %q.", name)
		}
		return err
	})
	return o, err
}

// PutPromptOverride stores o.System and o.User as the newest version of
// the actor's account's override of prompt o.Name (the caller checks the
// name and texts). o is filled in from the row.
func (db *DB) PutPromptOverride(ctx context.Context, o *igny8.PromptOverride) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if o.Name == "" || o.User == "" {
		return igny8.Errorf(igny8.EInvalid, "A prompt override needs the prompt's name and a user text.")
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		// Two puts of one prompt take versions one after the other.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('prompt_overrides:' || $2, $1))`,
			a.AccountID, o.Name); err != nil {
			return err
		}
		got, err := scanPromptOverride(tx.QueryRow(ctx, `INSERT INTO prompt_overrides (account_id, name, version, system, "user", created_by)
			VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM prompt_overrides WHERE account_id = $1 AND name = $2), $3, $4, $5)
			RETURNING `+promptOverrideColumns, a.AccountID, o.Name, o.System, o.User, userArg(a)))
		if err != nil {
			return err
		}
		*o = *got
		return audit(ctx, tx, "prompt.override", "prompt_override", got.ID, map[string]any{"name": got.Name, "version": got.Version})
	})
}

// PromptOverrides lists the newest version of each of the actor's
// account's prompt overrides, by name.
func (db *DB) PromptOverrides(ctx context.Context) ([]*igny8.PromptOverride, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.PromptOverride
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT ON (name) `+promptOverrideColumns+` FROM prompt_overrides
			WHERE account_id = $1 ORDER BY name, version DESC`, a.AccountID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.PromptOverride, error) { return scanPromptOverride(r) })
		return err
	})
	return out, err
}

// DeletePromptOverrides deletes every version of the actor's account's
// override of prompt name, so that the embedded prompt applies again, and
// returns how many it deleted.
func (db *DB) DeletePromptOverrides(ctx context.Context, name string) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM prompt_overrides WHERE account_id = $1 AND name = $2`, a.AccountID, name)
		if err != nil {
			return err
		}
		if n = tag.RowsAffected(); n == 0 {
			return nil
		}
		return audit(ctx, tx, "prompt.reset", "prompt_override", 0, map[string]any{"name": name, "versions": n})
	})
	return int(n), err
}
