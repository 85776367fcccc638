package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

// op is one logical AI operation of the property test.
type op struct {
	ctx      context.Context
	account  int64
	key      string
	estimate int64
	cost     int64 // what it costs when it succeeds (may exceed the estimate)
	fails    int   // attempts that fail before one succeeds
	doomed   bool  // every attempt fails
	crash    bool  // the first delivery dies between reserve and capture
}

// observed is what the workers saw of one key's captures.
type observed struct {
	mu       sync.Mutex
	charges  int     // captures that charged (Already false)
	reported []int64 // Charged of every successful capture
}

// Many workers reserve, capture and release for a few accounts at once,
// with random failures, retries, duplicate deliveries, crashes between
// reserve and capture and a sweeper running alongside. Afterwards every
// balance equals its grants minus its captures, no balance or
// reservation ever went negative, and no key was charged twice.
func TestCreditsConcurrencyProperty(t *testing.T) {
	const grant = 1500 // scarce: some reservations and captures are refused
	b := setupCredits(t, grant)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))

	const accounts, ops, workers = 4, 240, 12
	var ctxs []context.Context
	var ids []int64
	for i := 0; i < accounts; i++ {
		ctx, id := b.account(t, fmt.Sprintf("acct-%d", i))
		if granted, err := b.db.Replenish(ctx, id, "2026-11"); err != nil || !granted {
			t.Fatalf("grant: %v %v", granted, err)
		}
		ctxs, ids = append(ctxs, ctx), append(ids, id)
	}

	var all []*op
	var deliveries []*op
	for i := 0; i < ops; i++ {
		a := rng.IntN(accounts)
		o := &op{ctx: ctxs[a], account: ids[a], key: fmt.Sprintf("op-%d", i),
			estimate: 5 + rng.Int64N(60), fails: rng.IntN(3), doomed: rng.IntN(10) == 0, crash: rng.IntN(8) == 0}
		o.cost = o.estimate - 5 + rng.Int64N(15) // sometimes above the estimate
		all = append(all, o)
		deliveries = append(deliveries, o)
		if rng.IntN(4) == 0 { // duplicate delivery
			deliveries = append(deliveries, o)
		}
		if o.crash && rng.IntN(2) == 0 { // the redelivery after the crash, for half of them
			deliveries = append(deliveries, o)
		}
	}
	rng.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })

	obs := map[string]*observed{}
	for _, o := range all {
		obs[o.key] = &observed{}
	}
	var crashed sync.Map // key → true once its crash happened
	var negative sync.Map
	check := func(where string, balance, reserved int64) {
		if balance < 0 || reserved < 0 || balance-reserved < 0 {
			negative.Store(fmt.Sprintf("%s: balance %d reserved %d", where, balance, reserved), true)
		}
	}

	var wg sync.WaitGroup
	work := make(chan *op)
	errs := make(chan error, len(deliveries))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				if err := deliver(b, o, obs[o.key], &crashed, check); err != nil {
					errs <- fmt.Errorf("%s: %w", o.key, err)
				}
			}
		}()
	}
	stop := make(chan struct{})
	swept := make(chan error, 1)
	go func() { // the sweeper, running alongside
		for {
			select {
			case <-stop:
				swept <- nil
				return
			default:
			}
			if _, err := b.db.ExpireHolds(context.Background()); err != nil {
				swept <- err
				return
			}
		}
	}()
	for _, d := range deliveries {
		work <- d
	}
	close(work)
	wg.Wait()
	close(stop)
	if err := <-swept; err != nil {
		t.Fatalf("sweeper: %v", err)
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Holds of crashes that no redelivery revived expire now.
	if _, err := b.db.ExpireHolds(context.Background()); err != nil {
		t.Fatal(err)
	}

	negative.Range(func(k, _ any) bool { t.Errorf("went negative: %s", k); return true })
	for _, o := range all {
		ob := obs[o.key]
		if ob.charges > 1 {
			t.Errorf("%s was charged %d times", o.key, ob.charges)
		}
		for _, c := range ob.reported {
			if c != o.cost {
				t.Errorf("%s: a capture reported %d charged, want %d", o.key, c, o.cost)
			}
		}
	}
	charged := map[int64]int64{}
	for _, o := range all {
		charged[o.account] += int64(obs[o.key].charges) * o.cost
	}
	for _, id := range ids {
		bal, res := b.state(t, id)
		if want := grant - charged[id]; bal != want {
			t.Errorf("account %d: balance %d, want grants %d - captures %d = %d", id, bal, grant, charged[id], want)
		}
		if res != 0 {
			t.Errorf("account %d: %d credits still reserved after every job ended and the sweep", id, res)
		}
		var captured int64
		if err := b.owner.QueryRow(context.Background(), `SELECT coalesce(sum(captured), 0) FROM credit_holds WHERE account_id = $1 AND state = 'captured'`, id).Scan(&captured); err != nil {
			t.Fatal(err)
		}
		if captured != charged[id] {
			t.Errorf("account %d: holds captured %d credits, the workers saw %d charged", id, captured, charged[id])
		}
		checkChain(t, b, id)
	}
	if n := b.count(t, `SELECT count(*) FROM (SELECT hold_id FROM credit_transactions WHERE kind = 'usage' GROUP BY hold_id HAVING count(*) > 1) x`); n != 0 {
		t.Errorf("%d holds have more than one usage transaction", n)
	}
	if n := b.count(t, `SELECT count(*) FROM credit_usage u JOIN credit_holds h ON h.id = u.hold_id WHERE u.credits <> h.captured OR h.state <> 'captured'`); n != 0 {
		t.Errorf("%d usage rows disagree with their hold", n)
	}
	if n := b.count(t, `SELECT count(*) FROM credit_holds`); n == 0 {
		t.Error("no holds were made")
	}
	t.Logf("%d deliveries of %d operations; holds by state: %s", len(deliveries), ops, holdStates(t, b))
}

// deliver is one delivery of o to a worker: reserve, then attempts until
// success, a permanent failure or a crash.
func deliver(b *creditBundle, o *op, ob *observed, crashed *sync.Map, check func(string, int64, int64)) error {
	for attempt := 0; ; attempt++ {
		req := igny8.HoldRequest{Key: o.key, Operation: igny8.OpContent, Credits: o.estimate}
		crash := false
		if o.crash {
			if _, done := crashed.LoadOrStore(o.key, true); !done {
				crash, req.TTL = true, -time.Second // expired at once: the sweeper may take it
			}
		}
		r, err := b.l.Reserve(o.ctx, req)
		if igny8.ErrorCode(err) == igny8.EInsufficientCredits {
			return nil // refused up front: nothing to charge
		} else if err != nil {
			return fmt.Errorf("reserve: %w", err)
		}
		check("reserve", r.Balance, r.Reserved)
		if crash {
			return nil // killed between reserve and capture
		}
		if o.doomed || attempt < o.fails {
			if err := b.l.Release(o.ctx, o.key); err != nil {
				return fmt.Errorf("release: %w", err)
			}
			if o.doomed || attempt > 3 {
				return nil
			}
			continue // the job's retry
		}
		c, err := b.l.Capture(o.ctx, o.key, o.cost, igny8.UsageDetail{ObjectType: "test", ObjectID: o.key})
		if igny8.ErrorCode(err) == igny8.EInsufficientCredits {
			return b.l.Release(o.ctx, o.key)
		} else if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		check("capture", c.Balance, c.Reserved)
		ob.mu.Lock()
		ob.reported = append(ob.reported, c.Charged)
		if !c.Already {
			ob.charges++
		}
		ob.mu.Unlock()
		return nil
	}
}

// checkChain replays an account's transactions in id order (the order
// the balance row's lock gave them): each balance_after follows from the
// one before, and none is negative.
func checkChain(t *testing.T, b *creditBundle, account int64) {
	t.Helper()
	rows, err := b.owner.Query(context.Background(), `SELECT id, amount, balance_after FROM credit_transactions WHERE account_id = $1 ORDER BY id`, account)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var prev int64
	for rows.Next() {
		var id, amount, after int64
		if err := rows.Scan(&id, &amount, &after); err != nil {
			t.Fatal(err)
		}
		if after != prev+amount || after < 0 {
			t.Errorf("account %d transaction %d: %d + %d gives balance_after %d", account, id, prev, amount, after)
		}
		prev = after
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if bal, _ := b.state(t, account); bal != prev {
		t.Errorf("account %d: balance %d, the transactions add up to %d", account, bal, prev)
	}
}

func holdStates(t *testing.T, b *creditBundle) string {
	rows, err := b.owner.Query(context.Background(), `SELECT state, count(*) FROM credit_holds GROUP BY 1 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	s := ""
	for rows.Next() {
		var st string
		var n int
		rows.Scan(&st, &n)
		s += fmt.Sprintf("%s=%d ", st, n)
	}
	return s
}
