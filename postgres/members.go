package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

func scanMember(row pgx.Row) (*igny8.Member, error) {
	var m igny8.Member
	err := row.Scan(&m.AccountID, &m.Role, &m.CreatedAt, &m.User.ID, &m.User.Email, &m.User.Name, &m.User.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

const memberSelect = `SELECT m.account_id, m.role, m.created_at, u.id, u.email, u.name, u.created_at
	FROM memberships m JOIN users u ON u.id = m.user_id`

// Members lists the actor's account's members.
func (db *DB) Members(ctx context.Context, after int64, limit int) ([]*igny8.Member, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Member
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, memberSelect+` WHERE m.account_id = $1 AND u.id > $2 ORDER BY u.id LIMIT $3`, a.AccountID, after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Member, error) { return scanMember(r) })
		return err
	})
	return out, err
}

// AddMember adds the user with email (created when new, with password if
// given) to the actor's account with role.
func (db *DB) AddMember(ctx context.Context, email, name, password string, role igny8.Role) (*igny8.Member, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, igny8.Errorf(igny8.EInvalid, "role %q is not one of owner, admin, editor, viewer.", role)
	}
	email = strings.ToLower(strings.TrimSpace(email))
	var m *igny8.Member
	err = db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, email: email}, func(tx pgx.Tx) error {
		userID, err := ensureUser(ctx, tx, email, name, password)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, $3)`, a.AccountID, userID, role); err != nil {
			return err
		}
		m, err = scanMember(tx.QueryRow(ctx, memberSelect+` WHERE m.account_id = $1 AND m.user_id = $2`, a.AccountID, userID))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "member.add", "user", userID, map[string]any{"role": role})
	})
	return m, err
}

// SetMemberRole changes a member's role. The last owner stays an owner.
func (db *DB) SetMemberRole(ctx context.Context, userID int64, role igny8.Role) (*igny8.Member, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, igny8.Errorf(igny8.EInvalid, "role %q is not one of owner, admin, editor, viewer.", role)
	}
	var m *igny8.Member
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if role != igny8.RoleOwner {
			if err := keepAnOwner(ctx, tx, a.AccountID, userID); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE memberships SET role = $3 WHERE account_id = $1 AND user_id = $2`, a.AccountID, userID, role)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return igny8.Errorf(igny8.ENotFound, "Member %d not found.", userID)
		}
		m, err = scanMember(tx.QueryRow(ctx, memberSelect+` WHERE m.account_id = $1 AND m.user_id = $2`, a.AccountID, userID))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "member.role", "user", userID, map[string]any{"role": role})
	})
	return m, err
}

// RemoveMember removes a member (and their tokens) from the account.
func (db *DB) RemoveMember(ctx context.Context, userID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		if err := keepAnOwner(ctx, tx, a.AccountID, userID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM memberships WHERE account_id = $1 AND user_id = $2`, a.AccountID, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return igny8.Errorf(igny8.ENotFound, "Member %d not found.", userID)
		}
		return audit(ctx, tx, "member.remove", "user", userID, nil)
	})
}

// keepAnOwner fails if userID is the account's only owner. It locks the
// owners' rows so two concurrent demotions cannot both pass.
func keepAnOwner(ctx context.Context, tx pgx.Tx, accountID, userID int64) error {
	rows, err := tx.Query(ctx, `SELECT user_id FROM memberships WHERE account_id = $1 AND role = 'owner' FOR UPDATE`, accountID)
	if err != nil {
		return err
	}
	owners, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(owners) == 1 && owners[0] == userID {
		return igny8.Errorf(igny8.EConflict, "This is the account's only owner: make another member owner first.")
	}
	return nil
}
