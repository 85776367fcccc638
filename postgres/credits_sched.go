package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// workAccounts lists, as WorkerRole, the accounts a query finds (its
// first column).
func (db *DB) workAccounts(ctx context.Context, sql string, args ...any) ([]int64, error) {
	var ids []int64
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return ids, err
}

// ReplenishAll grants every active account with a plan its plan's monthly
// credits for period (YYYY-MM), once: an account already replenished for
// period is skipped, and the ledger refuses a second grant even if two
// schedulers race. It returns how many accounts it granted.
func (db *DB) ReplenishAll(ctx context.Context, period string) (int, error) {
	ids, err := db.workAccounts(ctx, `SELECT a.id FROM accounts a WHERE a.plan_id IS NOT NULL AND a.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM credit_transactions t WHERE t.account_id = a.id AND t.kind = 'replenish' AND t.period = $1)
		ORDER BY a.id`, period)
	if err != nil {
		return 0, fmt.Errorf("replenish: list accounts: %w", err)
	}
	n := 0
	for _, id := range ids {
		granted, err := db.Replenish(ctx, id, period)
		if err != nil {
			return n, err
		}
		if granted {
			n++
		}
	}
	return n, nil
}

// Replenish grants account id its plan's monthly credits for period,
// unless it had them already; it reports whether it granted.
func (db *DB) Replenish(ctx context.Context, id int64, period string) (bool, error) {
	var status string
	err := db.tx(ctx, scope{accountID: id}, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT status FROM credits_replenish($1)`, period).Scan(&status)
	})
	if err != nil {
		return false, fmt.Errorf("replenish account %d for %s: %w", id, period, err)
	}
	return status == "granted", nil
}

// ExpireHolds ends the holds past their expiry, in every account (jobs
// that died between reserve and capture), and gives their credits back.
// It returns how many it ended.
func (db *DB) ExpireHolds(ctx context.Context) (int, error) {
	ids, err := db.workAccounts(ctx, `SELECT DISTINCT account_id FROM credit_holds WHERE state = 'held' AND expires_at < now() ORDER BY 1`)
	if err != nil {
		return 0, fmt.Errorf("expire holds: list accounts: %w", err)
	}
	const batch = 1000
	total := 0
	for _, id := range ids {
		for {
			var n int
			err := db.tx(ctx, scope{accountID: id}, func(tx pgx.Tx) error {
				return tx.QueryRow(ctx, `SELECT credits_expire($1)`, batch).Scan(&n)
			})
			if err != nil {
				return total, fmt.Errorf("expire holds of account %d: %w", id, err)
			}
			total += n
			if n < batch {
				break
			}
		}
	}
	return total, nil
}

// maxDeliveries is how often a low-credit event is tried before it is
// given up.
const maxDeliveries = 10

// DeliverLowCreditEvents hands each pending low-credit event, with its
// account's webhook URL, to send, and marks it delivered when send
// succeeds. An event of an account without a webhook is marked handled
// without sending. A failure is counted and retried on the next call, up
// to 10 attempts. It returns how many it sent.
func (db *DB) DeliverLowCreditEvents(ctx context.Context, send func(ctx context.Context, url string, ev igny8.CreditEvent) error) (int, error) {
	ids, err := db.workAccounts(ctx, `SELECT DISTINCT account_id FROM credit_events WHERE delivered_at IS NULL AND attempts < $1 ORDER BY 1`, maxDeliveries)
	if err != nil {
		return 0, fmt.Errorf("deliver credit events: list accounts: %w", err)
	}
	sent := 0
	for _, id := range ids {
		err := db.tx(ctx, scope{accountID: id}, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT `+creditEventColumns+` FROM credit_events
				WHERE account_id = $1 AND delivered_at IS NULL AND attempts < $2 ORDER BY id FOR UPDATE SKIP LOCKED`, id, maxDeliveries)
			if err != nil {
				return err
			}
			evs, err := pgx.CollectRows(rows, scanCreditEvent)
			if err != nil || len(evs) == 0 {
				return err
			}
			var url *string
			if err := tx.QueryRow(ctx, `SELECT webhook_url FROM credit_balances WHERE account_id = $1`, id).Scan(&url); err != nil && err != pgx.ErrNoRows {
				return err
			}
			for _, ev := range evs {
				if url == nil {
					_, err = tx.Exec(ctx, `UPDATE credit_events SET delivered_at = now(), last_error = 'no webhook configured' WHERE id = $1`, ev.ID)
				} else if serr := send(ctx, *url, ev); serr != nil {
					_, err = tx.Exec(ctx, `UPDATE credit_events SET attempts = attempts + 1, last_error = left($2, 500) WHERE id = $1`, ev.ID, serr.Error())
				} else {
					sent++
					_, err = tx.Exec(ctx, `UPDATE credit_events SET delivered_at = now(), attempts = attempts + 1, last_error = '' WHERE id = $1`, ev.ID)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return sent, fmt.Errorf("deliver credit events of account %d: %w", id, err)
		}
	}
	return sent, nil
}
