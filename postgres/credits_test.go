package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// The ledger and the scheduler's store are what package credits needs.
var (
	_ credits.Ledger = (*postgres.Ledger)(nil)
	_ credits.Store  = (*postgres.DB)(nil)
)

// creditBundle is a database with a plan and accounts on it, and the
// owner's connection to look behind the application's back.
type creditBundle struct {
	db    *postgres.DB
	l     *postgres.Ledger
	url   string
	owner *pgx.Conn
	plan  int64
}

func setupCredits(t *testing.T, monthly int) *creditBundle {
	t.Helper()
	db, url := pgtest.Open(t)
	b := &creditBundle{db: db, l: postgres.NewLedger(db, postgres.LedgerConfig{}), url: url, owner: ownerConn(t, url)}
	err := b.owner.QueryRow(context.Background(), `INSERT INTO plans (slug, name, monthly_credits) VALUES ('pro', 'Pro', $1) RETURNING id`, monthly).Scan(&b.plan)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// account creates an account on the plan and returns its actor's context.
func (b *creditBundle) account(t *testing.T, slug string) (context.Context, int64) {
	t.Helper()
	var id int64
	err := b.owner.QueryRow(context.Background(), `INSERT INTO accounts (slug, name, plan_id) VALUES ($1, $1, $2) RETURNING id`, slug, b.plan).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return igny8.WithActor(context.Background(), igny8.Actor{AccountID: id, Role: igny8.RoleOwner}), id
}

// state reads an account's balance and reserved credits as the owner.
func (b *creditBundle) state(t *testing.T, account int64) (balance, reserved int64) {
	t.Helper()
	err := b.owner.QueryRow(context.Background(), `SELECT balance, reserved FROM credit_balances WHERE account_id = $1`, account).Scan(&balance, &reserved)
	if err != nil {
		t.Fatal(err)
	}
	return balance, reserved
}

func (b *creditBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.owner.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestCreditsReserveCaptureRelease(t *testing.T) {
	b := setupCredits(t, 1000)
	ctx, acc := b.account(t, "alpha")
	if _, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "k0", Operation: igny8.OpContent, Credits: 1}); !isInsufficient(err, 1, 0) {
		t.Fatalf("Reserve before any credits: %v, want insufficient (needs 1, 0 available)", err)
	}
	if granted, err := b.db.Replenish(ctx, acc, "2026-11"); err != nil || !granted {
		t.Fatalf("Replenish: %v, %v", granted, err)
	}

	r, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "k1", Operation: igny8.OpContent, Credits: 50})
	if err != nil {
		t.Fatal(err)
	}
	if r.State != igny8.HoldHeld || r.Reused || r.Balance != 1000 || r.Reserved != 50 {
		t.Errorf("Reserve = %+v, want held, new, balance 1000, reserved 50", r)
	}
	again, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "k1", Operation: igny8.OpContent, Credits: 70})
	if err != nil {
		t.Fatal(err)
	}
	if again.HoldID != r.HoldID || !again.Reused || again.Amount != 50 || again.Reserved != 50 {
		t.Errorf("second Reserve of k1 = %+v, want the same hold of 50, nothing more reserved", again)
	}

	c, err := b.l.Capture(ctx, "k1", 32, igny8.UsageDetail{ObjectType: "content", ObjectID: "7", Metadata: map[string]any{"words": 3150}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Charged != 32 || c.Returned != 18 || c.Already || c.Balance != 968 || c.Reserved != 0 {
		t.Errorf("Capture = %+v, want 32 charged, 18 returned, balance 968", c)
	}
	c2, err := b.l.Capture(ctx, "k1", 32, igny8.UsageDetail{})
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Already || c2.Charged != 32 || c2.Balance != 968 {
		t.Errorf("second Capture = %+v, want already, 32, balance unchanged", c2)
	}
	if r, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "k1", Operation: igny8.OpContent, Credits: 50}); err != nil || r.State != igny8.HoldCaptured {
		t.Errorf("Reserve of a captured key = %+v, %v; want state captured", r, err)
	}

	// A failed operation's hold goes back.
	if _, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "k2", Operation: igny8.OpImage, Credits: 30}); err != nil {
		t.Fatal(err)
	}
	if err := b.l.Release(ctx, "k2"); err != nil {
		t.Fatal(err)
	}
	if err := b.l.Release(ctx, "k2"); err != nil {
		t.Errorf("second Release: %v, want nil", err)
	}
	if bal, res := b.state(t, acc); bal != 968 || res != 0 {
		t.Errorf("after release: balance %d reserved %d, want 968 and 0", bal, res)
	}

	// More than available: 402 material, with the numbers.
	if _, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "k3", Operation: igny8.OpSiteStructure, Credits: 969}); !isInsufficient(err, 969, 968) {
		t.Errorf("Reserve of 969: %v, want insufficient (969 needed, 968 available)", err)
	}
	if _, err := b.l.Capture(ctx, "nope", 1, igny8.UsageDetail{}); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("Capture of an unknown key: %v, want not_found", err)
	}
	if n := b.count(t, `SELECT count(*) FROM credit_usage WHERE account_id = $1 AND credits = 32 AND metadata->>'words' = '3150'`, acc); n != 1 {
		t.Errorf("%d usage rows for k1, want 1", n)
	}

	// Another account sees nothing of this one's holds.
	other, _ := b.account(t, "beta")
	if _, err := b.l.Capture(other, "k1", 1, igny8.UsageDetail{}); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("beta capturing alpha's key: %v, want not_found", err)
	}
}

func isInsufficient(err error, needed, available int64) bool {
	var e *igny8.InsufficientCreditsError
	return errors.As(err, &e) && e.Needed == needed && e.Available == available &&
		igny8.ErrorCode(err) == igny8.EInsufficientCredits
}

// A hold that needs more at capture than it held takes the excess from
// the available credits, or fails and stays held.
func TestCreditsCaptureAboveEstimate(t *testing.T) {
	b := setupCredits(t, 100)
	ctx, acc := b.account(t, "alpha")
	b.db.Replenish(ctx, acc, "2026-11")
	if _, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "k", Operation: igny8.OpContent, Credits: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.l.Capture(ctx, "k", 101, igny8.UsageDetail{}); !isInsufficient(err, 101, 100) {
		t.Errorf("Capture of 101 with 100 credits (10 of them held for it): %v, want insufficient, 100 available", err)
	}
	c, err := b.l.Capture(ctx, "k", 25, igny8.UsageDetail{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Charged != 25 || c.Returned != 0 || c.Balance != 75 || c.Reserved != 0 {
		t.Errorf("Capture of 25 on a hold of 10 = %+v, want balance 75", c)
	}
}

// Row-level security stays on in the one-round-trip path: a batch scoped
// to one account cannot touch another's balance.
func TestCreditsFastPathIsScoped(t *testing.T) {
	b := setupCredits(t, 100)
	actx, a := b.account(t, "alpha")
	_, beta := b.account(t, "beta")
	b.db.Replenish(actx, a, "2026-11")
	b.db.Replenish(actx, beta, "2026-11")
	if _, err := b.l.Reserve(actx, igny8.HoldRequest{Key: "x", Operation: igny8.OpImage, Credits: 5}); err != nil {
		t.Fatal(err)
	}
	var visible int
	err := b.db.Tx(actx, func(tx pgx.Tx) error {
		return tx.QueryRow(actx, `SELECT count(*) FROM credit_balances`).Scan(&visible)
	})
	if err != nil || visible != 1 {
		t.Errorf("alpha sees %d balances (%v), want its own 1", visible, err)
	}
	if bal, res := b.state(t, beta); bal != 100 || res != 0 {
		t.Errorf("beta: balance %d reserved %d, want 100 and 0", bal, res)
	}
	// Settings of the batch die with it: a plain pooled query afterwards
	// runs with no account.
	for i := 0; i < 4; i++ {
		var setting *string
		if err := b.db.Pool.QueryRow(context.Background(), `SELECT nullif(current_setting('app.account_id', true), '')`).Scan(&setting); err != nil {
			t.Fatal(err)
		}
		if setting != nil {
			t.Fatalf("a pooled connection kept app.account_id = %s after a ledger call", *setting)
		}
	}
}

func TestCreditsReplenishOncePerPeriod(t *testing.T) {
	b := setupCredits(t, 500)
	ctx, acc := b.account(t, "alpha")
	_, acc2 := b.account(t, "beta")
	if _, err := b.owner.Exec(context.Background(), `INSERT INTO accounts (slug, name) VALUES ('noplan', 'No plan')`); err != nil {
		t.Fatal(err)
	}
	// Two schedulers firing at once, then a third time.
	errs := make(chan error, 2)
	counts := make(chan int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			n, err := b.db.ReplenishAll(context.Background(), "2026-11")
			errs <- err
			counts <- n
		}()
	}
	total := 0
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		total += <-counts
	}
	if total != 2 {
		t.Errorf("two concurrent ReplenishAll granted %d accounts in all, want 2 (each account once)", total)
	}
	if n, err := b.db.ReplenishAll(context.Background(), "2026-11"); err != nil || n != 0 {
		t.Errorf("ReplenishAll again: %d, %v; want 0", n, err)
	}
	if granted, err := b.db.Replenish(ctx, acc, "2026-11"); err != nil || granted {
		t.Errorf("Replenish of a replenished period: %v, %v; want not granted", granted, err)
	}
	for _, id := range []int64{acc, acc2} {
		if bal, _ := b.state(t, id); bal != 500 {
			t.Errorf("account %d: balance %d after replenishing one period, want 500", id, bal)
		}
	}
	if n, err := b.db.ReplenishAll(context.Background(), "2026-12"); err != nil || n != 2 {
		t.Errorf("ReplenishAll of the next period: %d, %v; want 2", n, err)
	}
	if bal, _ := b.state(t, acc); bal != 1000 {
		t.Errorf("balance %d after two periods, want 1000", bal)
	}
	if n := b.count(t, `SELECT count(*) FROM credit_transactions WHERE kind = 'replenish'`); n != 4 {
		t.Errorf("%d replenish transactions, want 4", n)
	}
}

func TestCreditsAdminChanges(t *testing.T) {
	f := newFixture(t)
	alpha, _ := igny8.ActorFrom(f.alpha)
	tr, err := f.db.ChangeCredits(f.system, alpha.AccountID, igny8.CreditChange{Kind: igny8.CreditTopUp, Amount: 300, Reason: "invoice 17"})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Amount != 300 || tr.BalanceAfter != 300 || tr.Kind != "topup" || tr.AccountID != alpha.AccountID {
		t.Errorf("top-up transaction = %+v", tr)
	}
	if _, err := f.db.ChangeCredits(f.system, alpha.AccountID, igny8.CreditChange{Kind: igny8.CreditAdjust, Amount: -301, Reason: "too much"}); !isInsufficient(err, 301, 300) {
		t.Errorf("adjusting below zero: %v, want insufficient", err)
	}
	if _, err := f.db.ChangeCredits(f.alpha, alpha.AccountID, igny8.CreditChange{Kind: igny8.CreditTopUp, Amount: 1, Reason: "me"}); igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("a tenant topping itself up: %v, want forbidden", err)
	}
	if _, err := f.db.ChangeCredits(f.system, 999999, igny8.CreditChange{Kind: igny8.CreditTopUp, Amount: 1, Reason: "x"}); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("topping up a missing account: %v, want not_found", err)
	}
	entries, err := f.db.Audit(f.alpha, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || e.Action == "credits.topup"
	}
	if !found {
		t.Errorf("alpha's audit log has no credits.topup entry: %+v", entries)
	}
	sys, err := f.db.Audit(f.system, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(sys) == 0 || sys[0].Action != "credits.topup" {
		t.Errorf("the system account's newest audit entry = %+v, want credits.topup", sys)
	}
	s, err := f.db.CreditSummary(f.alpha)
	if err != nil {
		t.Fatal(err)
	}
	if s.Balance != 300 || s.Available != 300 {
		t.Errorf("summary = %+v, want balance 300", s)
	}
	txs, err := f.db.CreditTransactions(f.alpha, 0, 10)
	if err != nil || len(txs) != 1 || txs[0].Reason != "invoice 17" {
		t.Errorf("transactions = %+v, %v", txs, err)
	}
	if txs, _ := f.db.CreditTransactions(f.beta, 0, 10); len(txs) != 0 {
		t.Errorf("beta sees %d of alpha's transactions", len(txs))
	}
}

// A move that fails (here: metadata Postgres cannot store) fails alone,
// whatever batch it shared with others.
func TestLedgerBatchIsolatesAFailingMove(t *testing.T) {
	b := setupCredits(t, 10000)
	l := postgres.NewLedger(b.db, postgres.LedgerConfig{MaxInFlight: 1})
	var ctxs []context.Context
	for _, slug := range []string{"alpha", "beta", "gamma"} {
		ctx, id := b.account(t, slug)
		b.db.Replenish(ctx, id, "2026-11")
		ctxs = append(ctxs, ctx)
	}
	const n = 30
	for i := 0; i < n; i++ {
		if _, err := l.Reserve(ctxs[i%3], igny8.HoldRequest{Key: fmt.Sprint("k", i), Operation: igny8.OpImage, Credits: 10}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			meta := map[string]any{"images": 2}
			if i == 17 {
				meta["caption"] = "nul \x00 byte"
			}
			_, errs[i] = l.Capture(ctxs[i%3], fmt.Sprint("k", i), 10, igny8.UsageDetail{Metadata: meta})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 17) {
			t.Errorf("capture %d: %v", i, err)
		}
	}
	if got := b.count(t, `SELECT count(*) FROM credit_holds WHERE state = 'captured'`); got != n-1 {
		t.Errorf("%d holds captured, want %d", got, n-1)
	}
}

// Many callers on few slots: every move completes (no slot is lost in a
// hand-off) and the balances add up.
func TestLedgerManyCallersFewSlots(t *testing.T) {
	b := setupCredits(t, 100000)
	l := postgres.NewLedger(b.db, postgres.LedgerConfig{MaxInFlight: 2, MaxBatch: 5})
	var ctxs []context.Context
	var ids []int64
	for _, slug := range []string{"alpha", "beta", "gamma"} {
		ctx, id := b.account(t, slug)
		b.db.Replenish(ctx, id, "2026-11")
		ctxs, ids = append(ctxs, ctx), append(ids, id)
	}
	const callers, each = 48, 10
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for c := 0; c < callers; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := ctxs[c%3]
			for i := 0; i < each; i++ {
				key := fmt.Sprintf("c%d-%d", c, i)
				if _, err := l.Reserve(ctx, igny8.HoldRequest{Key: key, Operation: igny8.OpLinking, Credits: 8}); err != nil {
					errs <- err
					return
				}
				if i%3 == 0 {
					if err := l.Release(ctx, key); err != nil {
						errs <- err
						return
					}
					continue
				}
				if _, err := l.Capture(ctx, key, 8, igny8.UsageDetail{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Per caller: i = 1, 2, 4, 5, 7, 8 captured (6 of 10).
	for i, id := range ids {
		bal, res := b.state(t, id)
		if want := int64(100000 - callers/3*6*8); bal != want || res != 0 {
			t.Errorf("account %d: balance %d reserved %d, want %d and 0", i, bal, res, want)
		}
	}
}
