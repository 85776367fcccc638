package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// OutboxMessage is work requested in the same transaction as the change
// that needs it. The relay hands it to the job queue once the transaction
// has committed; a rolled-back change requests nothing.
type OutboxMessage struct {
	Kind    string // the task type, e.g. "deployment:build"
	Queue   string // critical, default or low; "" means default
	Payload []byte // a JSON object; nil means {}
}

// OutboxEntry is a pending outbox row, as the relay sees it.
type OutboxEntry struct {
	ID        int64
	AccountID int64
	Kind      string
	Queue     string
	Payload   []byte
	Attempts  int
	CreatedAt time.Time
}

// Enqueue writes m into the outbox of the actor's account inside tx, the
// caller's transaction, and returns the row's id (the task id the job
// will carry).
func Enqueue(ctx context.Context, tx pgx.Tx, m OutboxMessage) (int64, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if m.Kind == "" {
		return 0, igny8.Errorf(igny8.EInvalid, "An outbox message needs a kind.")
	}
	if m.Queue == "" {
		m.Queue = "default"
	}
	if m.Payload == nil {
		m.Payload = []byte("{}")
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO outbox (account_id, kind, queue, payload) VALUES ($1, $2, $3, $4) RETURNING id`,
		a.AccountID, m.Kind, m.Queue, m.Payload).Scan(&id)
	if err != nil {
		return 0, translate(err)
	}
	return id, nil
}

// Enqueue requests m on its own, in a transaction of its own. Prefer the
// package-level Enqueue inside the transaction that makes the change.
func (db *DB) Enqueue(ctx context.Context, m OutboxMessage) (int64, error) {
	var id int64
	err := db.Tx(ctx, func(tx pgx.Tx) (err error) {
		id, err = Enqueue(ctx, tx, m)
		return err
	})
	return id, err
}

// RelayOutbox claims up to limit pending rows, oldest first, and calls
// send for each. A nil error marks the row relayed; an error counts an
// attempt and is kept in last_error, and the row stays pending. Rows are
// claimed with FOR UPDATE SKIP LOCKED, so relays on several machines share
// the work without blocking each other or sending a row twice at once.
// send must be idempotent per row id: a crash after send and before the
// commit sends the row again (the job queue rejects a task id it already
// has). It returns the number of rows relayed.
func (db *DB) RelayOutbox(ctx context.Context, limit int, send func(context.Context, OutboxEntry) error) (int, error) {
	if limit <= 0 {
		limit = 100
	}
	relayed := 0
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, account_id, kind, queue, payload, attempts, created_at FROM outbox
			WHERE relayed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
		if err != nil {
			return err
		}
		entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OutboxEntry, error) {
			var e OutboxEntry
			err := row.Scan(&e.ID, &e.AccountID, &e.Kind, &e.Queue, &e.Payload, &e.Attempts, &e.CreatedAt)
			return e, err
		})
		if err != nil {
			return err
		}
		for _, e := range entries {
			if serr := send(ctx, e); serr != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				msg := serr.Error()
				if len(msg) > 1000 {
					msg = msg[:1000]
				}
				if _, err := tx.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, e.ID, msg); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE outbox SET relayed_at = now(), attempts = attempts + 1, last_error = '' WHERE id = $1`, e.ID); err != nil {
				return err
			}
			relayed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("relay outbox: %w", err)
	}
	return relayed, nil
}

// RelayedSince returns up to limit rows relayed after since with ids
// above afterID, oldest first: the sweeper checks each still has its task in the job queue, and
// sends again (Unrelay) those a Redis restart or flush lost.
func (db *DB) RelayedSince(ctx context.Context, since time.Time, afterID int64, limit int) ([]OutboxEntry, error) {
	var entries []OutboxEntry
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, account_id, kind, queue, payload, attempts, created_at FROM outbox
			WHERE relayed_at > $1 AND id > $2 ORDER BY id LIMIT $3`, since, afterID, limit)
		if err != nil {
			return err
		}
		entries, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (OutboxEntry, error) {
			var e OutboxEntry
			err := row.Scan(&e.ID, &e.AccountID, &e.Kind, &e.Queue, &e.Payload, &e.Attempts, &e.CreatedAt)
			return e, err
		})
		return err
	})
	return entries, err
}

// Unrelay makes rows pending again, for the relay to send once more, and
// returns how many it changed.
func (db *DB) Unrelay(ctx context.Context, ids []int64) (int, error) {
	var n int64
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE outbox SET relayed_at = NULL, last_error = 'the job queue lost the task; sent again'
			WHERE id = ANY($1) AND relayed_at IS NOT NULL`, ids)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}

// WorkSites returns every site of every account, for periodic work such
// as garbage collection; it runs as WorkerRole, which may read sites and
// nothing else of the tenants'.
func (db *DB) WorkSites(ctx context.Context) ([]*igny8.Site, error) {
	var sites []*igny8.Site
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+siteColumns+` FROM sites ORDER BY id`)
		if err != nil {
			return err
		}
		sites, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (*igny8.Site, error) { return scanSite(row) })
		return err
	})
	return sites, err
}

// Leader is a held leadership: a session advisory lock on a connection of
// its own, taken out of the pool. Postgres drops the lock when that
// connection ends, so a leader that dies or loses its network stops
// leading at once, and another may take over.
type Leader struct {
	conn *pgx.Conn
	key  int64
}

// TryLead takes the advisory lock key if nobody holds it. It returns nil
// and no error when another session leads.
func (db *DB) TryLead(ctx context.Context, key int64) (*Leader, error) {
	pc, err := db.Pool.Acquire(ctx)
	if err != nil {
		return nil, translate(err)
	}
	var got bool
	if err := pc.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		pc.Release()
		return nil, translate(err)
	}
	if !got {
		pc.Release()
		return nil, nil
	}
	// The lock belongs to the session: the connection must never go back
	// to the pool, where another user would inherit it.
	return &Leader{conn: pc.Hijack(), key: key}, nil
}

// Check returns an error if leadership may have been lost (the
// connection holding the lock no longer answers, or the lock is gone).
func (l *Leader) Check(ctx context.Context) error {
	var held bool
	err := l.conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
		AND granted AND objid = ($1::bigint & x'ffffffff'::bigint)::oid AND classid = ($1::bigint >> 32)::oid)`, l.key).Scan(&held)
	if err != nil {
		return fmt.Errorf("leader lock: %w", err)
	}
	if !held {
		return errors.New("leader lock: no longer held")
	}
	return nil
}

// Release gives leadership up: it unlocks (so that another may lead at
// once, not when the server notices the closed connection) and closes the
// connection.
func (l *Leader) Release(ctx context.Context) error {
	_, err := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
	return errors.Join(err, l.conn.Close(ctx))
}

// DeleteRelayedOutbox deletes outbox rows relayed longer ago than age,
// across accounts (a periodic task), and returns how many. Keep age well
// above the job queue's task retention: SweepLost re-sends rows relayed
// within it whose task went missing.
func (db *DB) DeleteRelayedOutbox(ctx context.Context, age time.Duration) (int64, error) {
	var n int64
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM outbox WHERE relayed_at < now() - make_interval(secs => $1)`, age.Seconds())
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
