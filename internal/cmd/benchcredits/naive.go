package main

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
)

// naiveLedger is the straightforward implementation the ledger is
// measured against: the same tables, the same checks and rows, written
// the usual way in Go: a transaction scoped like every store method
// (postgres.DB.Tx), SELECT … FOR UPDATE of the balance, the checks in Go,
// then one statement per row written.
type naiveLedger struct{ db *postgres.DB }

var errInsufficient = errors.New("insufficient credits")

func (n naiveLedger) Reserve(ctx context.Context, req igny8.HoldRequest) error {
	a, _ := igny8.ActorFrom(ctx)
	return n.db.Tx(ctx, func(tx pgx.Tx) error {
		var balance, reserved int64
		if err := tx.QueryRow(ctx, `SELECT balance, reserved FROM credit_balances WHERE account_id = $1 FOR UPDATE`, a.AccountID).Scan(&balance, &reserved); err != nil {
			return err
		}
		var state string
		err := tx.QueryRow(ctx, `SELECT state FROM credit_holds WHERE account_id = $1 AND idempotency_key = $2`, a.AccountID, req.Key).Scan(&state)
		if err == nil {
			return nil // a retry: the key has its hold
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if balance-reserved < req.Credits {
			return errInsufficient
		}
		if _, err := tx.Exec(ctx, `UPDATE credit_balances SET reserved = reserved + $2, updated_at = now() WHERE account_id = $1`, a.AccountID, req.Credits); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO credit_holds (account_id, idempotency_key, operation, amount, expires_at) VALUES ($1, $2, $3, $4, now() + $5::interval)`,
			a.AccountID, req.Key, string(req.Operation), req.Credits, postgres.DefaultHoldTTL)
		return err
	})
}

func (n naiveLedger) Capture(ctx context.Context, key string, actual int64, d igny8.UsageDetail) error {
	a, _ := igny8.ActorFrom(ctx)
	return n.db.Tx(ctx, func(tx pgx.Tx) error {
		var id, amount int64
		var state, operation string
		err := tx.QueryRow(ctx, `SELECT id, amount, state, operation FROM credit_holds WHERE account_id = $1 AND idempotency_key = $2 FOR UPDATE`,
			a.AccountID, key).Scan(&id, &amount, &state, &operation)
		if err != nil {
			return err
		}
		if state == igny8.HoldCaptured {
			return nil
		}
		held := int64(0)
		if state == igny8.HoldHeld {
			held = amount
		}
		var balance, reserved int64
		if err := tx.QueryRow(ctx, `SELECT balance, reserved FROM credit_balances WHERE account_id = $1 FOR UPDATE`, a.AccountID).Scan(&balance, &reserved); err != nil {
			return err
		}
		if balance-actual < reserved-held {
			return errInsufficient
		}
		balance, reserved = balance-actual, reserved-held
		if _, err := tx.Exec(ctx, `UPDATE credit_balances SET balance = $2, reserved = $3, updated_at = now() WHERE account_id = $1`, a.AccountID, balance, reserved); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE credit_holds SET state = 'captured', captured = $2, settled_at = now() WHERE id = $1`, id, actual); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO credit_transactions (account_id, kind, amount, balance_after, hold_id) VALUES ($1, 'usage', $2, $3, $4)`,
			a.AccountID, -actual, balance, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO credit_usage (account_id, operation, credits, object_type, object_id, metadata, hold_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			a.AccountID, operation, actual, d.ObjectType, d.ObjectID, d.Metadata, id)
		return err
	})
}
