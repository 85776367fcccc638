package credits

import (
	"context"
	"errors"
	"fmt"

	"github.com/igny8/igny8"
)

// Ledger is what metering needs of the credit store (postgres.DB). Each
// method acts on the account of the actor in ctx.
type Ledger interface {
	// Reserve holds credits for the operation keyed req.Key, or returns
	// the key's existing hold. It fails with *igny8.InsufficientCreditsError.
	Reserve(ctx context.Context, req igny8.HoldRequest) (*igny8.Reservation, error)
	// Capture charges actual credits for key, once; a repeat returns the
	// first capture with Already set.
	Capture(ctx context.Context, key string, actual int64, d igny8.UsageDetail) (*igny8.Capture, error)
	// Release gives back what key holds, if it still holds it.
	Release(ctx context.Context, key string) error
}

// Meter runs operations under a Ledger.
type Meter struct {
	Ledger Ledger
}

// Outcome is what an operation reports on success: the units it actually
// used (words, images…), priced with Cost, and what the usage log records.
type Outcome struct {
	Units  int64
	Detail igny8.UsageDetail
}

// Run reserves the estimate of req, runs op, and captures the cost of what
// op reports, or releases the hold when op fails. When the key was already
// captured (a retry after success) op still runs, so the caller can finish
// what the crash interrupted, but nothing is charged again.
func (m *Meter) Run(ctx context.Context, req igny8.HoldRequest, op func(ctx context.Context) (Outcome, error)) (*igny8.Capture, error) {
	if _, ok := RateOf(req.Operation); !ok {
		return nil, igny8.Errorf(igny8.EInvalid, "Unknown operation %q.", req.Operation)
	}
	if _, err := m.Ledger.Reserve(ctx, req); err != nil {
		return nil, err
	}
	out, err := op(ctx)
	if err != nil {
		if rerr := m.Ledger.Release(context.WithoutCancel(ctx), req.Key); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("release credits of %s: %w", req.Key, rerr))
		}
		return nil, err
	}
	cost, err := Cost(req.Operation, out.Units)
	if err != nil {
		return nil, err
	}
	return m.Ledger.Capture(context.WithoutCancel(ctx), req.Key, cost, out.Detail)
}
