package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// DefaultHoldTTL is how long a hold outlives a job that stopped reporting:
// after it, the sweeper (ExpireHolds) gives its credits back.
const DefaultHoldTTL = 15 * time.Minute

// LedgerConfig tunes a Ledger.
type LedgerConfig struct {
	// MaxInFlight is how many batches of moves may be in flight at once
	// (default 4). Moves that arrive while all are busy wait and go
	// together in the next batch.
	MaxInFlight int
	// MaxBatch caps the moves in one batch (default 64).
	MaxBatch int
	// Timeout bounds one batch's round trip (default 30s).
	Timeout time.Duration
}

// Ledger reserves, captures and releases credits: the hot path of
// metering. Each move is one call of a ledger function (0002_credits.sql)
// preceded by the set_config that scopes row-level security to the
// mover's account, and moves are sent as pgx batches: one round trip and
// one implicit transaction for a whole batch, so one commit (one WAL
// flush) for all its moves.
//
// A move never waits for a timer. When a batch slot is free it goes at
// once, alone; when every slot is busy it queues, and the queue leaves as
// one batch when a slot frees. So batches grow only under load, which is
// when one commit for many moves pays, above all on a hot account, whose
// balance row lock every move needs until its transaction commits.
//
// Every move is idempotent by its key, so a batch that fails is retried
// move by move: one bad move cannot fail its neighbours, and a batch
// whose commit was lost with its connection is safe to repeat. Moves in a
// batch run in account order, and every ledger function locks the
// account's balance row before its holds, so batches cannot deadlock.
type Ledger struct {
	db  *DB
	cfg LedgerConfig

	mu       sync.Mutex
	queue    []*move
	inflight int
	busy     map[int64]bool // accounts a running batch moves
}

// NewLedger returns the Ledger of db. Make one per process and share it:
// batching happens among the moves of one Ledger.
func NewLedger(db *DB, cfg LedgerConfig) *Ledger {
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 4
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 64
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Ledger{db: db, cfg: cfg, busy: map[int64]bool{}}
}

// move is one ledger function call waiting for its batch.
type move struct {
	actor igny8.Actor
	sql   string
	args  []any
	dest  []any
	err   error
	done  chan struct{}
	lead  chan struct{} // this move's caller is to run the next batch
	// leading is set (under Ledger.mu) when lead is sent, so that a move
	// is handed a slot at most once.
	leading bool
}

// do runs m in a batch and returns its error. The caller's ctx does not
// cancel a queued move: once queued, it runs (it is idempotent; a caller
// that gave up retries with the same key).
func (l *Ledger) do(m *move) error {
	m.done = make(chan struct{})
	m.lead = make(chan struct{}, 1)
	l.mu.Lock()
	l.queue = append(l.queue, m)
	leader := l.inflight < l.cfg.MaxInFlight && !l.busy[m.actor.AccountID]
	if leader {
		l.inflight++
	}
	l.mu.Unlock()
	if leader {
		l.runBatch()
	}
	for {
		select {
		case <-m.done:
			// Another batch may have taken m after m was handed a slot
			// (the hand-off happened first, under mu): run that slot's
			// batch, or the slot would be lost.
			select {
			case <-m.lead:
				l.runBatch()
			default:
			}
			return m.err
		case <-m.lead:
			l.runBatch()
		}
	}
}

// runBatch runs queued moves as one batch: in queue order, up to
// MaxBatch, skipping accounts that another batch is moving (it holds
// their balance rows until it commits, so a second batch would only wait
// for it). Then it hands its slot to the first move that can go, or frees
// it. The caller holds a slot.
func (l *Ledger) runBatch() {
	l.mu.Lock()
	var batch []*move
	rest := l.queue[:0]
	for _, m := range l.queue {
		if len(batch) < l.cfg.MaxBatch && !l.busy[m.actor.AccountID] {
			batch = append(batch, m)
			continue
		}
		rest = append(rest, m)
	}
	clear(l.queue[len(rest):])
	l.queue = rest
	for _, m := range batch {
		l.busy[m.actor.AccountID] = true
	}
	l.mu.Unlock()

	if len(batch) > 0 {
		l.run(batch)
	}

	l.mu.Lock()
	for _, m := range batch {
		delete(l.busy, m.actor.AccountID)
	}
	i := slices.IndexFunc(l.queue, func(m *move) bool { return !m.leading && !l.busy[m.actor.AccountID] })
	if i >= 0 {
		l.queue[i].leading = true
		l.queue[i].lead <- struct{}{}
	} else {
		l.inflight--
	}
	l.mu.Unlock()
}

// run sends batch and wakes its moves' callers.
func (l *Ledger) run(batch []*move) {
	// Account order: see the lock order in 0002_credits.sql.
	slices.SortStableFunc(batch, func(a, b *move) int { return cmpInt64(a.actor.AccountID, b.actor.AccountID) })
	if err := l.send(batch); err != nil {
		if len(batch) == 1 {
			batch[0].err = err
		} else {
			for _, m := range batch {
				m.err = l.send([]*move{m})
			}
		}
	}
	for _, m := range batch {
		close(m.done)
	}
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// send runs moves in one round trip: one implicit transaction, in which
// each set_config(…, true) scopes row-level security for the call after
// it, and which ends (settings and all) with the batch.
func (l *Ledger) send(moves []*move) error {
	ctx, cancel := context.WithTimeout(context.Background(), l.cfg.Timeout)
	defer cancel()
	b := &pgx.Batch{}
	for _, m := range moves {
		b.Queue(`SELECT set_config('app.account_id', $1, true), set_config('app.user_id', $2, true)`,
			idSetting(m.actor.AccountID), idSetting(m.actor.UserID))
		b.Queue(m.sql, m.args...)
	}
	br := l.db.Pool.SendBatch(ctx, b)
	var err error
	for _, m := range moves {
		if _, err = br.Exec(); err != nil {
			break
		}
		if err = br.QueryRow().Scan(m.dest...); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return translate(err)
}

// Reserve holds credits for req.Key's operation, or returns the key's
// hold: still held (its expiry pushed back), captured (a retry after
// success: nothing to do), or held again when it had been released or
// expired. It fails with *igny8.InsufficientCreditsError.
func (l *Ledger) Reserve(ctx context.Context, req igny8.HoldRequest) (*igny8.Reservation, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if req.Key == "" || len(req.Key) > 255 {
		return nil, igny8.Errorf(igny8.EInvalid, "A credit hold needs an idempotency key of 1 to 255 characters.")
	}
	if req.Credits <= 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "A credit hold must hold at least 1 credit, not %d.", req.Credits)
	}
	if !validOperation(string(req.Operation)) {
		return nil, igny8.Errorf(igny8.EInvalid, "Unknown operation %q.", req.Operation)
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = DefaultHoldTTL
	}
	user := req.UserID
	if user == 0 {
		user = a.UserID
	}
	var status string
	var holdID *int64
	r := &igny8.Reservation{}
	err = l.do(&move{actor: a,
		sql:  `SELECT status, hold_id, amount, captured, balance, reserved FROM credits_reserve($1, $2, $3, $4, $5, $6)`,
		args: []any{req.Key, string(req.Operation), req.Credits, ttl, nullID(req.SiteID), nullID(user)},
		dest: []any{&status, &holdID, &r.Amount, &r.Captured, &r.Balance, &r.Reserved}})
	if err != nil {
		return nil, fmt.Errorf("reserve credits: %w", err)
	}
	switch status {
	case "insufficient":
		return nil, &igny8.InsufficientCreditsError{Needed: r.Amount, Available: r.Balance - r.Reserved}
	case "reserved":
		r.State = igny8.HoldHeld
	case "held":
		r.State, r.Reused = igny8.HoldHeld, true
	case "captured":
		r.State, r.Reused = igny8.HoldCaptured, true
	default:
		return nil, fmt.Errorf("reserve credits: unexpected status %q", status)
	}
	r.HoldID = *holdID
	return r, nil
}

// validOperation mirrors the operation column's check, so that a bad name
// is refused before it can fail a batch.
func validOperation(op string) bool {
	if len(op) < 1 || len(op) > 40 {
		return false
	}
	for _, c := range op {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// Capture charges actual credits for key's operation, once. A repeat
// returns what the first capture charged, with Already set. A held hold
// gives back what it held beyond actual, or takes the excess from the
// available credits (*igny8.InsufficientCreditsError when they fall
// short; the hold stays held). A hold the sweeper expired (its job was
// presumed dead but finished) is charged from the available credits.
func (l *Ledger) Capture(ctx context.Context, key string, actual int64, d igny8.UsageDetail) (*igny8.Capture, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if actual < 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "Cannot charge %d credits.", actual)
	}
	meta := d.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	var status string
	var holdID *int64
	c := &igny8.Capture{}
	err = l.do(&move{actor: a,
		sql:  `SELECT status, hold_id, charged, returned, coalesce(balance, 0), coalesce(reserved, 0), low FROM credits_capture($1, $2, $3, $4, $5)`,
		args: []any{key, actual, d.ObjectType, d.ObjectID, meta},
		dest: []any{&status, &holdID, &c.Charged, &c.Returned, &c.Balance, &c.Reserved, &c.LowCredits}})
	if err != nil {
		return nil, fmt.Errorf("capture credits: %w", err)
	}
	switch status {
	case "not_found":
		return nil, igny8.Errorf(igny8.ENotFound, "No credit hold has the key %q.", key)
	case "insufficient":
		return nil, &igny8.InsufficientCreditsError{Needed: actual, Available: c.Balance - c.Reserved}
	case "already":
		c.Already = true
	case "captured":
	default:
		return nil, fmt.Errorf("capture credits: unexpected status %q", status)
	}
	c.HoldID = *holdID
	return c, nil
}

// Release gives back what key's hold holds, if it is still held; releasing
// a captured, released, expired or unknown key changes nothing.
func (l *Ledger) Release(ctx context.Context, key string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	var status string
	var balance, reserved *int64
	err = l.do(&move{actor: a, sql: `SELECT status, balance, reserved FROM credits_release($1)`,
		args: []any{key}, dest: []any{&status, &balance, &reserved}})
	if err != nil {
		return fmt.Errorf("release credits: %w", err)
	}
	return nil
}
