package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/igny8/igny8/postgres/pgtest"
)

// Retention deletes only what is old enough: relayed outbox rows past the
// age (pending ones never), and idempotency keys past theirs.
func TestRetention(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	a, _ := seedTwoAccounts(t, owner)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := owner.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO outbox (account_id, kind, relayed_at) VALUES ($1, 'old', now() - interval '8 days'), ($1, 'new', now() - interval '1 hour')`, a)
	exec(`INSERT INTO outbox (account_id, kind, created_at) VALUES ($1, 'pending', now() - interval '30 days')`, a)
	exec(`INSERT INTO idempotency_keys (account_id, token_id, key, request_hash, created_at) VALUES ($1, 1, 'old', '\x00', now() - interval '2 days')`, a)

	n, err := db.DeleteRelayedOutbox(ctx, 7*24*time.Hour)
	if err != nil || n != 1 {
		t.Errorf("DeleteRelayedOutbox: %d rows, %v; want the 1 old relayed row", n, err)
	}
	var kinds []string
	rows, _ := owner.Query(ctx, `SELECT kind FROM outbox WHERE kind IN ('old', 'new', 'pending') ORDER BY kind`)
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kinds = append(kinds, k)
	}
	if len(kinds) != 2 || kinds[0] != "new" || kinds[1] != "pending" {
		t.Errorf("outbox kinds left: %v, want [new pending]", kinds)
	}
	n, err = db.ExpireIdempotencyKeys(ctx, 24*time.Hour)
	if err != nil || n != 1 {
		t.Errorf("ExpireIdempotencyKeys: %d, %v; want the 1 old key (the seed's key is new)", n, err)
	}
}
