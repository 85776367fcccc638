// Package postgres is the control plane's store: a pgx pool whose every
// connection runs as the igny8_app role, transactions that carry the
// acting tenant into row-level security, migrations, and one store method
// per operation the API and workers need.
//
// Isolation is enforced twice. Each method filters by the actor's account,
// and every transaction sets app.account_id (set_config(…, true), so the
// setting dies with the transaction and never leaks to the next user of a
// pooled connection) for the forced row-level security policies.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/igny8/igny8"
)

// AppRole is the role application work runs as: it owns no table and
// cannot bypass row-level security.
const AppRole = "igny8_app"

// WorkerRole is the role the outbox relay and the scheduler switch to, in
// their own transactions, to read across accounts (see 0001_core.sql).
const WorkerRole = "igny8_worker"

// DB is the control plane database.
type DB struct {
	Pool *pgxpool.Pool
	now  func() time.Time
}

// Open connects to url and checks the schema is migrated. Every pooled
// connection switches to AppRole before first use, and Open refuses a
// connection whose role could bypass row-level security.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "DATABASE_URL: %v", err)
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		if _, err := c.Exec(ctx, "SET ROLE "+AppRole); err != nil {
			return fmt.Errorf("switch to role %s (run `igny8 migrate` first; the connecting user must be a member): %w", AppRole, err)
		}
		var super, bypass bool
		err := c.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass)
		if err != nil {
			return fmt.Errorf("check role: %w", err)
		}
		if super || bypass {
			return fmt.Errorf("role %s may bypass row-level security; refusing to use it", AppRole)
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := &DB{Pool: pool, now: time.Now}
	if err := db.checkSchema(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks the database answers (readiness).
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

func (db *DB) checkSchema(ctx context.Context) error {
	want, err := latestVersion()
	if err != nil {
		return err
	}
	var have int
	err = db.Pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have)
	if err != nil {
		return fmt.Errorf("read schema version (run `igny8 migrate`): %w", err)
	}
	if have < want {
		return igny8.Errorf(igny8.EInvalid, "the database schema is at version %d, this binary needs %d: run `igny8 migrate`", have, want)
	}
	return nil
}

// scope is what a transaction may see; it becomes the app.* settings.
type scope struct {
	accountID int64
	userID    int64
	system    bool
	email     string
	tokenHash string // hex
	worker    bool
}

// Tx runs fn in a transaction scoped to the actor in ctx: row-level
// security admits only that account's rows. Without an actor it fails.
func (db *DB) Tx(ctx context.Context, fn func(pgx.Tx) error) error {
	a, ok := igny8.ActorFrom(ctx)
	if !ok || a.AccountID == 0 {
		return fmt.Errorf("postgres: no account in context")
	}
	return db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: a.System}, fn)
}

// WorkerTx runs fn as WorkerRole, which sees every account's outbox and
// sites (for the relay and the scheduler) and nothing else.
func (db *DB) WorkerTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.tx(ctx, scope{worker: true}, fn)
}

func (db *DB) tx(ctx context.Context, s scope, fn func(pgx.Tx) error) (err error) {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return translate(err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if s.worker {
		if _, err = tx.Exec(ctx, "SET LOCAL ROLE "+WorkerRole); err != nil {
			return translate(err)
		}
	}
	_, err = tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true), set_config('app.user_id', $2, true),
		set_config('app.system', $3, true), set_config('app.email', $4, true), set_config('app.token_hash', $5, true)`,
		idSetting(s.accountID), idSetting(s.userID), onOff(s.system), s.email, s.tokenHash)
	if err != nil {
		return translate(err)
	}
	if err = fn(tx); err != nil {
		return translate(err)
	}
	return translate(tx.Commit(ctx))
}

func idSetting(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// actor returns the actor in ctx or an error that says it is missing.
func actor(ctx context.Context) (igny8.Actor, error) {
	a, ok := igny8.ActorFrom(ctx)
	if !ok || a.AccountID == 0 {
		return igny8.Actor{}, errors.New("postgres: no account in context")
	}
	return a, nil
}
