package publishing

import (
	"context"
	mrand "math/rand/v2"
	"time"
)

// Backoff is the wait after the given attempt (1 for the first) of a
// request to a destination: base doubled for each attempt before it, at
// most limit, then shortened at random by up to half ("equal jitter":
// never less than half the nominal wait), so that many workers retrying
// at once do not all come back together.
func Backoff(base, limit time.Duration, attempt int) time.Duration {
	wait := base
	for i := 1; i < attempt && wait < limit; i++ {
		wait *= 2
	}
	wait = min(wait, limit)
	return wait - mrand.N(wait/2+1)
}

// Sleep waits d, or until ctx ends (its error then).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
