package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// A rolled-back change requests no work.
func TestEnqueueIsPartOfTheTransaction(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, _ := newSite(t, owner, "tx")
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := postgres.Enqueue(ctx, tx, postgres.OutboxMessage{Kind: "k"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx: %v", err)
	}
	id, err := db.Enqueue(ctx, postgres.OutboxMessage{Kind: "k"})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var queue string
	if err := owner.QueryRow(context.Background(), `SELECT count(*), min(queue) FROM outbox`).Scan(&n, &queue); err != nil {
		t.Fatal(err)
	}
	if n != 1 || queue != "default" {
		t.Errorf("outbox has %d rows on queue %q, want the committed one (id %d) on default", n, queue, id)
	}
}

// Relays running at once send every row exactly once between them; a
// failed send leaves its row pending with the error, for the next pass.
func TestRelayOutboxSendsEachRowOnce(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	a, _ := newSite(t, owner, "a")
	b, _ := newSite(t, owner, "b")
	want := map[int64]int64{} // outbox id → account
	for i := range 40 {
		ctx := a
		if i%2 == 1 {
			ctx = b
		}
		id, err := db.Enqueue(ctx, postgres.OutboxMessage{Kind: "k", Queue: "low", Payload: []byte(`{"n":1}`)})
		if err != nil {
			t.Fatal(err)
		}
		act, _ := igny8.ActorFrom(ctx)
		want[id] = act.AccountID
	}
	var mu sync.Mutex
	sent := map[int64]int{}
	failOnce := map[int64]bool{}
	for id := range want {
		if id%5 == 0 {
			failOnce[id] = true
		}
	}
	send := func(_ context.Context, e postgres.OutboxEntry) error {
		mu.Lock()
		defer mu.Unlock()
		if e.AccountID != want[e.ID] || e.Kind != "k" || e.Queue != "low" {
			t.Errorf("entry %+v does not match what was enqueued (account %d)", e, want[e.ID])
		}
		if failOnce[e.ID] {
			delete(failOnce, e.ID)
			return errors.New("redis down")
		}
		sent[e.ID]++
		return nil
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := db.RelayOutbox(context.Background(), 3, send)
				if err != nil {
					t.Error(err)
					return
				}
				var pending int
				err = db.WorkerTx(context.Background(), func(tx pgx.Tx) error {
					return tx.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`).Scan(&pending)
				})
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 && pending == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(sent) != len(want) {
		t.Errorf("%d rows sent, want %d", len(sent), len(want))
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("row %d sent %d times", id, n)
		}
	}
	var retried int
	if err := owner.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE attempts = 2 AND last_error = ''`).Scan(&retried); err != nil {
		t.Fatal(err)
	}
	if wantRetried := countMultiples(want, 5); retried != wantRetried {
		t.Errorf("%d rows relayed on their second attempt, want %d", retried, wantRetried)
	}
}

func countMultiples(ids map[int64]int64, k int64) int {
	n := 0
	for id := range ids {
		if id%k == 0 {
			n++
		}
	}
	return n
}

// The relay's role sees the outbox but no tenant's other rows.
func TestWorkerRoleSeesSitesAndOutboxOnly(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	seedTwoAccounts(t, owner)
	sites, err := db.WorkSites(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 2 {
		t.Errorf("WorkSites: %d sites, want both accounts' 2", len(sites))
	}
	err = db.WorkerTx(context.Background(), func(tx pgx.Tx) error {
		var n int
		return tx.QueryRow(context.Background(), `SELECT count(*) FROM deployments`).Scan(&n)
	})
	if igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("the worker role reading deployments: %v, want forbidden", err)
	}
}

func TestTryLeadHasOneLeader(t *testing.T) {
	db, _ := pgtest.Open(t)
	ctx := context.Background()
	const key = 4242
	l1, err := db.TryLead(ctx, key)
	if err != nil || l1 == nil {
		t.Fatalf("first TryLead: %v, %v; want the lead", l1, err)
	}
	if err := l1.Check(ctx); err != nil {
		t.Errorf("Check of the leader: %v", err)
	}
	l2, err := db.TryLead(ctx, key)
	if err != nil || l2 != nil {
		t.Fatalf("second TryLead: %v, %v; want no lead while the first holds it", l2, err)
	}
	if err := l1.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l1.Check(ctx); err == nil {
		t.Error("Check after Release: nil, want an error")
	}
	l3, err := db.TryLead(ctx, key)
	if err != nil || l3 == nil {
		t.Fatalf("TryLead after release: %v, %v; want the lead", l3, err)
	}
	l3.Release(ctx)
}
