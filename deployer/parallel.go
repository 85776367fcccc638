package deployer

import (
	"context"
	"iter"
	"sync"
)

// forEach calls fn for every item, at most n at a time. The first error
// cancels the context the other calls see, stops new calls, and is
// returned once the running ones end.
func forEach[T any](ctx context.Context, n int, items iter.Seq[T], fn func(context.Context, T) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	sem := make(chan struct{}, n)
	for item := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(ctx, item); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
