package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const accountColumns = `id, slug, name, plan_id, is_system, status, created_at, updated_at`

func scanAccount(row pgx.Row) (*igny8.Account, error) {
	var a igny8.Account
	err := row.Scan(&a.ID, &a.Slug, &a.Name, &a.PlanID, &a.IsSystem, &a.Status, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Account returns the actor's account.
func (db *DB) Account(ctx context.Context) (*igny8.Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var acc *igny8.Account
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		acc, err = scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, a.AccountID))
		return err
	})
	return acc, err
}

// RenameAccount changes the actor's account's name.
func (db *DB) RenameAccount(ctx context.Context, name string) (*igny8.Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var acc *igny8.Account
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		acc, err = scanAccount(tx.QueryRow(ctx, `UPDATE accounts SET name = $2, updated_at = now() WHERE id = $1 RETURNING `+accountColumns, a.AccountID, name))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "account.update", "account", a.AccountID, nil)
	})
	return acc, err
}

// NewAccount is igny8.NewAccount.
type NewAccount = igny8.NewAccount

// CreateAccount creates an account and its owner (an existing user with
// that email, or a new one). Only the system account's superusers may.
func (db *DB) CreateAccount(ctx context.Context, na NewAccount) (*igny8.Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may create accounts.")
	}
	var acc *igny8.Account
	err = db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: true, email: strings.ToLower(na.OwnerEmail)}, func(tx pgx.Tx) error {
		acc, _, err = createAccount(ctx, tx, na, false)
		if err != nil {
			return err
		}
		// Back to the administrator's own account for its audit trail.
		if _, err := tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true)`, strconv.FormatInt(a.AccountID, 10)); err != nil {
			return err
		}
		return audit(ctx, tx, "account.create", "account", acc.ID, map[string]any{"slug": acc.Slug})
	})
	return acc, err
}

// createAccount creates the account and its owner in tx, and returns both.
func createAccount(ctx context.Context, tx pgx.Tx, na NewAccount, system bool) (*igny8.Account, int64, error) {
	email := strings.ToLower(strings.TrimSpace(na.OwnerEmail))
	acc, err := scanAccount(tx.QueryRow(ctx, `INSERT INTO accounts (slug, name, plan_id, is_system) VALUES ($1, $2, $3, $4) RETURNING `+accountColumns,
		na.Slug, na.Name, na.PlanID, system))
	if err != nil {
		return nil, 0, err
	}
	// Act within the new account from here on.
	if _, err := tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true), set_config('app.email', $2, true)`,
		strconv.FormatInt(acc.ID, 10), email); err != nil {
		return nil, 0, err
	}
	userID, err := ensureUser(ctx, tx, email, na.OwnerName, na.Password)
	if err != nil {
		return nil, 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, 'owner')`, acc.ID, userID); err != nil {
		return nil, 0, err
	}
	return acc, userID, nil
}

// ensureUser returns the id of the user with email, creating it when
// missing. The transaction's app.email must be email.
func ensureUser(ctx context.Context, tx pgx.Tx, email, name, password string) (int64, error) {
	if !strings.Contains(email, "@") {
		return 0, igny8.Errorf(igny8.EInvalid, "%q is not an email address.", email)
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id)
	if err == nil {
		return id, nil
	} else if err != pgx.ErrNoRows {
		return 0, err
	}
	hash := ""
	if password != "" {
		if hash, err = HashPassword(password); err != nil {
			return 0, err
		}
	}
	err = tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`, email, name, hash).Scan(&id)
	return id, err
}

// Accounts lists every account (system superusers only).
func (db *DB) Accounts(ctx context.Context, after int64, limit int) ([]*igny8.Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may list accounts.")
	}
	var out []*igny8.Account
	err = db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: true}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Account, error) { return scanAccount(r) })
		return err
	})
	return out, err
}

// AccountUpdate is igny8.AccountUpdate.
type AccountUpdate = igny8.AccountUpdate

// UpdateAccount changes account id (system superusers only).
func (db *DB) UpdateAccount(ctx context.Context, id int64, u AccountUpdate) (*igny8.Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may change accounts.")
	}
	var acc *igny8.Account
	err = db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: true}, func(tx pgx.Tx) error {
		acc, err = scanAccount(tx.QueryRow(ctx, `UPDATE accounts SET name = coalesce($2, name), plan_id = coalesce($3, plan_id),
			status = coalesce($4, status), updated_at = now() WHERE id = $1 RETURNING `+accountColumns, id, u.Name, u.PlanID, u.Status))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Account %d not found.", id)
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, "account.update", "account", id, nil)
	})
	return acc, err
}

// Bootstrap makes sure the system account exists with an owner, for a new
// installation. It is for trusted callers (igny8 dev, tests), not the API.
// It returns the system account and a new token for its owner. A password
// is set for an owner who has none; one they have is never replaced.
func (db *DB) Bootstrap(ctx context.Context, ownerEmail, password string) (*igny8.Account, *NewToken, error) {
	var acc *igny8.Account
	var nt *NewToken
	email := strings.ToLower(ownerEmail)
	err := db.tx(ctx, scope{system: true, email: email}, func(tx pgx.Tx) error {
		var err error
		var userID int64
		acc, err = scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE is_system`))
		switch {
		case err == pgx.ErrNoRows:
			// A new system account, with email as its owner.
			acc, userID, err = createAccount(ctx, tx, NewAccount{Slug: "system", Name: "System", OwnerEmail: email, Password: password}, true)
		case err == nil:
			// An existing one: make email an owner too.
			if _, err = tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true)`, strconv.FormatInt(acc.ID, 10)); err != nil {
				return err
			}
			if userID, err = ensureUser(ctx, tx, email, "", password); err == nil {
				_, err = tx.Exec(ctx, `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, 'owner')
					ON CONFLICT (account_id, user_id) DO UPDATE SET role = 'owner'`, acc.ID, userID)
			}
			if err == nil && password != "" {
				err = setPasswordIfNone(ctx, tx, userID, password)
			}
		}
		if err != nil {
			return err
		}
		nt, err = insertToken(ctx, tx, acc.ID, userID, TokenSpec{Name: "bootstrap", Role: igny8.RoleOwner})
		return err
	})
	return acc, nt, err
}

const planColumns = `id, slug, name, monthly_credits, support_level, billing_cycle, price_cents, currency, features, created_at, updated_at`

func scanPlan(row pgx.Row) (*igny8.Plan, error) {
	var p igny8.Plan
	err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.MonthlyCredits, &p.SupportLevel, &p.BillingCycle, &p.PriceCents, &p.Currency, &p.Features, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Plans lists the plans (anyone may read them).
func (db *DB) Plans(ctx context.Context) ([]*igny8.Plan, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Plan
	err = db.tx(ctx, scope{accountID: a.AccountID}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+planColumns+` FROM plans ORDER BY id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Plan, error) { return scanPlan(r) })
		return err
	})
	return out, err
}

// PutPlan creates the plan p.Slug or replaces its fields (system
// superusers only).
func (db *DB) PutPlan(ctx context.Context, p *igny8.Plan) (*igny8.Plan, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may change plans.")
	}
	features := p.Features
	if len(features) == 0 {
		features = json.RawMessage(`{}`)
	}
	var out *igny8.Plan
	err = db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: true}, func(tx pgx.Tx) error {
		out, err = scanPlan(tx.QueryRow(ctx, `INSERT INTO plans (slug, name, monthly_credits, support_level, billing_cycle, price_cents, currency, features)
			VALUES ($1, $2, $3, coalesce(nullif($4, ''), 'basic'), coalesce(nullif($5, ''), 'monthly'), $6, coalesce(nullif($7, ''), 'USD'), $8)
			ON CONFLICT (slug) DO UPDATE SET name = excluded.name, monthly_credits = excluded.monthly_credits,
				support_level = excluded.support_level, billing_cycle = excluded.billing_cycle, price_cents = excluded.price_cents,
				currency = excluded.currency, features = excluded.features, updated_at = now()
			RETURNING `+planColumns, p.Slug, p.Name, p.MonthlyCredits, p.SupportLevel, p.BillingCycle, p.PriceCents, p.Currency, []byte(features)))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "plan.put", "plan", out.ID, map[string]any{"slug": out.Slug})
	})
	return out, err
}

// setPasswordIfNone gives user id the password, unless they have one.
func setPasswordIfNone(ctx context.Context, tx pgx.Tx, id int64, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	// Only the user may change their row (policy update_self).
	if _, err := tx.Exec(ctx, `SELECT set_config('app.user_id', $1, true)`, strconv.FormatInt(id, 10)); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 AND password_hash = ''`, id, hash)
	return err
}
