package credits

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/igny8/igny8"
)

// Store is what the scheduler's credit work needs of the ledger
// (postgres.DB). Each method finds the accounts with work across accounts
// and does the work inside each account's own scope.
type Store interface {
	// ReplenishAll grants every active account with a plan its monthly
	// credits for period, once per account and period, and returns how
	// many accounts it granted.
	ReplenishAll(ctx context.Context, period string) (int, error)
	// ExpireHolds ends holds past their expiry (jobs that crashed between
	// reserve and capture) and returns how many it ended.
	ExpireHolds(ctx context.Context) (int, error)
	// DeliverLowCreditEvents hands each undelivered low-credit event with
	// its account's webhook URL to send, marks it delivered when send
	// succeeds (or when there is no URL), and returns how many it sent.
	DeliverLowCreditEvents(ctx context.Context, send func(ctx context.Context, url string, ev igny8.CreditEvent) error) (int, error)
}

// Maintenance is the scheduler leader's periodic credit work. Every step
// is idempotent: running it twice, or on two schedulers, changes nothing
// more than running it once.
type Maintenance struct {
	Store    Store
	Notifier *Notifier // nil: events are recorded, not sent
	Now      func() time.Time
	Logger   *slog.Logger
}

func (m *Maintenance) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Replenish grants the current period's monthly credits.
func (m *Maintenance) Replenish(ctx context.Context) (int, error) {
	return m.Store.ReplenishAll(ctx, igny8.PeriodOf(m.now()).Key)
}

// Sweep expires the holds of crashed jobs.
func (m *Maintenance) Sweep(ctx context.Context) (int, error) { return m.Store.ExpireHolds(ctx) }

// Notify sends pending low-credit events to their webhooks.
func (m *Maintenance) Notify(ctx context.Context) (int, error) {
	if m.Notifier == nil {
		return 0, nil
	}
	return m.Store.DeliverLowCreditEvents(ctx, m.Notifier.Send)
}

// Run does every step once; the scheduler leader calls it every minute or
// so.
func (m *Maintenance) Run(ctx context.Context) error {
	log := m.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	for _, step := range []struct {
		name string
		fn   func(context.Context) (int, error)
	}{{"replenish", m.Replenish}, {"sweep", m.Sweep}, {"notify", m.Notify}} {
		n, err := step.fn(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("credits %s: %w", step.name, err))
			continue
		}
		if n > 0 {
			log.InfoContext(ctx, "credits: "+step.name, slog.Int("count", n))
		}
	}
	return errors.Join(errs...)
}
