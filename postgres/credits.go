package postgres

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// CreditSummary returns the actor's account's balance, reservations, plan,
// current period and this period's low-credit event.
func (db *DB) CreditSummary(ctx context.Context) (*igny8.CreditSummary, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	s := &igny8.CreditSummary{Period: igny8.PeriodOf(db.now())}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		var url *string
		err := tx.QueryRow(ctx, `SELECT balance, reserved, webhook_url FROM credit_balances WHERE account_id = $1`, a.AccountID).
			Scan(&s.Balance, &s.Reserved, &url)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if url != nil {
			s.WebhookURL = *url
		}
		s.Available = s.Balance - s.Reserved
		s.Plan, err = scanPlan(tx.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE id = (SELECT plan_id FROM accounts WHERE id = $1)`, a.AccountID))
		if errors.Is(err, pgx.ErrNoRows) {
			s.Plan, err = nil, nil
		}
		if err != nil {
			return err
		}
		evs, err := creditEvents(ctx, tx, a.AccountID, s.Period.Key)
		if len(evs) > 0 {
			s.LowCredits = &evs[0]
		}
		return err
	})
	return s, err
}

const creditEventColumns = `id, account_id, kind, period, available, threshold, created_at, delivered_at`

func creditEvents(ctx context.Context, tx pgx.Tx, accountID int64, period string) ([]igny8.CreditEvent, error) {
	rows, err := tx.Query(ctx, `SELECT `+creditEventColumns+` FROM credit_events WHERE account_id = $1 AND ($2 = '' OR period = $2) ORDER BY id DESC`, accountID, period)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCreditEvent)
}

func scanCreditEvent(r pgx.CollectableRow) (igny8.CreditEvent, error) {
	var e igny8.CreditEvent
	err := r.Scan(&e.ID, &e.AccountID, &e.Kind, &e.Period, &e.Available, &e.Threshold, &e.CreatedAt, &e.DeliveredAt)
	return e, err
}

// CreditEvents lists the actor's account's low-credit events, newest first.
func (db *DB) CreditEvents(ctx context.Context) ([]igny8.CreditEvent, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []igny8.CreditEvent
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = creditEvents(ctx, tx, a.AccountID, "")
		return err
	})
	return out, err
}

// CreditTransactions lists the actor's account's credit transactions,
// newest first, with ids below before (0: from the newest), at most limit.
func (db *DB) CreditTransactions(ctx context.Context, before int64, limit int) ([]*igny8.CreditTransaction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.CreditTransaction
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, account_id, kind, amount, balance_after, hold_id, period, reason, created_by, created_at
			FROM credit_transactions WHERE account_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`, a.AccountID, before, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.CreditTransaction, error) {
			var t igny8.CreditTransaction
			err := r.Scan(&t.ID, &t.AccountID, &t.Kind, &t.Amount, &t.BalanceAfter, &t.HoldID, &t.Period, &t.Reason, &t.CreatedBy, &t.CreatedAt)
			return &t, err
		})
		return err
	})
	return out, err
}

// usageKeys are the expressions usage can be grouped by.
var usageKeys = map[string]string{
	"operation": `operation`,
	"site":      `coalesce(site_id::text, '')`,
	"user":      `coalesce(user_id::text, '')`,
	"day":       `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
}

// CreditUsage sums the actor's account's usage in [q.From, q.To) by
// operation, site, user or (UTC) day.
func (db *DB) CreditUsage(ctx context.Context, q igny8.UsageQuery) (*igny8.UsageReport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	key, ok := usageKeys[q.GroupBy]
	if !ok {
		return nil, igny8.Errorf(igny8.EInvalid, "group_by must be operation, site, user or day, not %q.", q.GroupBy)
	}
	rep := &igny8.UsageReport{GroupBy: q.GroupBy, From: q.From, To: q.To, Groups: []igny8.UsageGroup{}}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+key+` AS k, sum(credits)::bigint, count(*) FROM credit_usage
			WHERE account_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY k ORDER BY k`, a.AccountID, q.From, q.To)
		if err != nil {
			return err
		}
		rep.Groups, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (igny8.UsageGroup, error) {
			var g igny8.UsageGroup
			err := r.Scan(&g.Key, &g.Credits, &g.Operations)
			return g, err
		})
		return err
	})
	for _, g := range rep.Groups {
		rep.Total += g.Credits
	}
	return rep, err
}

// ChangeCredits tops up, grants, refunds or adjusts account accountID's
// credits (system superusers only). It is audited in both the target
// account and the administrator's.
func (db *DB) ChangeCredits(ctx context.Context, accountID int64, c igny8.CreditChange) (*igny8.CreditTransaction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may change credits.")
	}
	switch c.Kind {
	case igny8.CreditTopUp, igny8.CreditGrant, igny8.CreditRefund:
		if c.Amount <= 0 {
			return nil, igny8.Errorf(igny8.EInvalid, "A %s adds credits: amount must be positive.", c.Kind)
		}
	case igny8.CreditAdjust:
		if c.Amount == 0 {
			return nil, igny8.Errorf(igny8.EInvalid, "An adjustment of 0 credits changes nothing.")
		}
	default:
		return nil, igny8.Errorf(igny8.EInvalid, "kind must be topup, grant, refund or adjust, not %q.", c.Kind)
	}
	if c.Reason == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "Say why (reason): it goes into both accounts' audit logs.")
	}
	var t *igny8.CreditTransaction
	err = db.tx(ctx, scope{accountID: accountID, userID: a.UserID, system: true}, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1)`, accountID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return igny8.Errorf(igny8.ENotFound, "Account %d not found.", accountID)
		}
		var status string
		var id *int64
		var balance, reserved int64
		err := tx.QueryRow(ctx, `SELECT status, transaction_id, balance, reserved FROM credits_change($1, $2, $3, $4)`,
			c.Kind, c.Amount, c.Reason, nullID(a.UserID)).Scan(&status, &id, &balance, &reserved)
		if err != nil {
			return err
		}
		if status == "insufficient" {
			return &igny8.InsufficientCreditsError{Needed: -c.Amount, Available: balance - reserved}
		}
		t = &igny8.CreditTransaction{}
		err = tx.QueryRow(ctx, `SELECT id, account_id, kind, amount, balance_after, hold_id, period, reason, created_by, created_at
			FROM credit_transactions WHERE id = $1`, *id).Scan(&t.ID, &t.AccountID, &t.Kind, &t.Amount, &t.BalanceAfter, &t.HoldID, &t.Period, &t.Reason, &t.CreatedBy, &t.CreatedAt)
		if err != nil {
			return err
		}
		data := map[string]any{"kind": c.Kind, "amount": c.Amount, "reason": c.Reason, "balance_after": t.BalanceAfter, "transaction_id": t.ID}
		// In the target account's log, by the administrator…
		target := a
		target.AccountID = accountID
		if err := audit(igny8.WithActor(ctx, target), tx, "credits."+c.Kind, "credit_transaction", t.ID, data); err != nil {
			return err
		}
		// …and in the administrator's own.
		if _, err := tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true)`, strconv.FormatInt(a.AccountID, 10)); err != nil {
			return err
		}
		data["account_id"] = accountID
		return audit(ctx, tx, "credits."+c.Kind, "account", accountID, data)
	})
	return t, err
}

// SetCreditWebhook sets (or with "" clears) the URL the actor's account's
// low-credit events are POSTed to.
func (db *DB) SetCreditWebhook(ctx context.Context, url string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	var u *string
	if url != "" {
		u = &url
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO credit_balances (account_id, webhook_url) VALUES ($1, $2)
			ON CONFLICT (account_id) DO UPDATE SET webhook_url = excluded.webhook_url, updated_at = now()`, a.AccountID, u)
		if err != nil {
			return err
		}
		return audit(ctx, tx, "credits.webhook", "account", a.AccountID, map[string]any{"set": url != ""})
	})
}
