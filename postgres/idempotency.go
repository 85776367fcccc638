package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// StoredResponse is igny8.StoredResponse.
type StoredResponse = igny8.StoredResponse

// BeginIdempotent claims key for the actor's token and request (its hash).
// It returns the stored response when the same request already completed;
// nil when the caller holds the key now and must call FinishIdempotent (or
// AbandonIdempotent on failure). The same key with another request, or a
// request still running, is a conflict.
func (db *DB) BeginIdempotent(ctx context.Context, key string, requestHash []byte) (*StoredResponse, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *StoredResponse
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (account_id, token_id, key, request_hash) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, a.AccountID, a.TokenID, key, requestHash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		var hash, body, header []byte
		var status int
		err = tx.QueryRow(ctx, `SELECT request_hash, status, headers, body FROM idempotency_keys
			WHERE account_id = $1 AND token_id = $2 AND key = $3`, a.AccountID, a.TokenID, key).Scan(&hash, &status, &header, &body)
		if err != nil {
			return err
		}
		if !bytes.Equal(hash, requestHash) {
			return igny8.Errorf(igny8.EConflict, "This Idempotency-Key was used for a different request: use a new key for a new request.")
		}
		if status == 0 {
			return igny8.Errorf(igny8.EConflict, "A request with this Idempotency-Key is still running: retry in a moment.")
		}
		out = &StoredResponse{Status: status, Header: map[string][]string{}, Body: body}
		return json.Unmarshal(header, &out.Header)
	})
	return out, err
}

// FinishIdempotent stores the response to the request holding key.
func (db *DB) FinishIdempotent(ctx context.Context, key string, r StoredResponse) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	h, err := json.Marshal(r.Header)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status = $4, headers = $5, body = $6
			WHERE account_id = $1 AND token_id = $2 AND key = $3`, a.AccountID, a.TokenID, key, r.Status, h, r.Body)
		return err
	})
}

// AbandonIdempotent releases key after a failure that had no effect, so
// the client may retry with it.
func (db *DB) AbandonIdempotent(ctx context.Context, key string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE account_id = $1 AND token_id = $2 AND key = $3 AND status = 0`,
			a.AccountID, a.TokenID, key)
		return err
	})
}

// ExpireIdempotencyKeys deletes keys older than age, across accounts (a
// periodic task).
func (db *DB) ExpireIdempotencyKeys(ctx context.Context, age time.Duration) (int64, error) {
	var n int64
	err := db.WorkerTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)`, age.Seconds())
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
