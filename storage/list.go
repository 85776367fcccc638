package storage

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
)

// All ranges over every object of bucket whose key starts with prefix, in key
// order, fetching one List page at a time: memory stays bounded by a page
// however many keys there are. An error ends the sequence as its last
// element.
//
//	for obj, err := range storage.All(ctx, s, bucket, "deploys/") {
//		if err != nil {
//			return err
//		}
//		…
//	}
func All(ctx context.Context, s Store, bucket, prefix string) iter.Seq2[ObjectInfo, error] {
	return func(yield func(ObjectInfo, error) bool) {
		opts := ListOptions{Prefix: prefix}
		for {
			page, err := s.List(ctx, bucket, opts)
			if err != nil {
				yield(ObjectInfo{}, err)
				return
			}
			for _, obj := range page.Objects {
				if !yield(obj, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			opts.StartAfter = page.Next
		}
	}
}

// emptyWorkers bounds the deletes EmptyBucket runs at once.
const emptyWorkers = 8

// EmptyBucket deletes every object of bucket, a page at a time with a few
// deletes in flight, so that DeleteBucket can follow. Objects written while
// it runs may survive it.
func EmptyBucket(ctx context.Context, s Store, bucket string) error {
	opts := ListOptions{}
	for {
		page, err := s.List(ctx, bucket, opts)
		if err != nil {
			return fmt.Errorf("empty bucket %s: %w", bucket, err)
		}
		if err := deleteAll(ctx, s, bucket, page.Objects); err != nil {
			return fmt.Errorf("empty bucket %s: %w", bucket, err)
		}
		if page.Next == "" {
			return nil
		}
		// Later keys sort after the deleted ones, so paging on is safe.
		opts.StartAfter = page.Next
	}
}

func deleteAll(ctx context.Context, s Store, bucket string, objs []ObjectInfo) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, emptyWorkers)
	)
	for _, obj := range objs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := s.Delete(ctx, bucket, obj.Key); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
