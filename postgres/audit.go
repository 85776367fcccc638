package postgres

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// audit appends an entry for the actor in ctx to the audit log, inside tx.
func audit(ctx context.Context, tx pgx.Tx, action, objectType string, objectID int64, data map[string]any) error {
	a, _ := igny8.ActorFrom(ctx)
	if data == nil {
		data = map[string]any{}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var user, token *int64
	if a.UserID != 0 {
		user = &a.UserID
	}
	if a.TokenID != 0 {
		token = &a.TokenID
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (account_id, user_id, token_id, action, object_type, object_id, data, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.AccountID, user, token, action, objectType, strconv.FormatInt(objectID, 10), b, a.RequestID)
	return err
}

// Audit lists the actor's account's audit log, newest first, with ids
// below `before` (0: from the newest), at most limit.
func (db *DB) Audit(ctx context.Context, before int64, limit int) ([]igny8.AuditEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []igny8.AuditEntry
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, user_id, token_id, action, object_type, object_id, data, request_id, created_at
			FROM audit_log WHERE account_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`, a.AccountID, before, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (igny8.AuditEntry, error) {
			var e igny8.AuditEntry
			err := r.Scan(&e.ID, &e.UserID, &e.TokenID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Data, &e.RequestID, &e.CreatedAt)
			return e, err
		})
		return err
	})
	return out, err
}
