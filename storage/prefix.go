package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

var _ Store = (*PrefixStore)(nil)

// PrefixStore is prefix mode: it implements Store inside one real bucket of
// another Store, where every logical bucket is a key prefix.
//
//	igny8-site-<id>   →  sites/<id>/<key>
//	any other bucket  →  buckets/<name>/<key>
//	(bucket markers)  →  meta/buckets/<name>
//
// A logical bucket exists while its marker object does; CreateBucket and
// DeleteBucket write and remove it. To keep reads as cheap as in
// bucket-per-site mode, the marker is consulted only on the write paths and
// when a read misses (to tell ErrBucketNotFound from ErrNotFound). The
// emptiness check of DeleteBucket is not atomic with a concurrent Put into
// the same logical bucket.
//
// The real bucket must already exist.
type PrefixStore struct {
	inner  Store
	bucket string
}

// NewPrefixStore returns a PrefixStore that keeps every logical bucket in
// bucket of inner.
func NewPrefixStore(inner Store, bucket string) (*PrefixStore, error) {
	if err := ValidateBucket(bucket); err != nil {
		return nil, fmt.Errorf("prefix store: %w", err)
	}
	return &PrefixStore{inner: inner, bucket: bucket}, nil
}

// Prefix returns the key prefix that holds the logical bucket.
func (p *PrefixStore) Prefix(bucket string) string {
	if id, ok := strings.CutPrefix(bucket, SiteBucketPrefix); ok {
		return "sites/" + id + "/"
	}
	return "buckets/" + bucket + "/"
}

func markerKey(bucket string) string { return "meta/buckets/" + bucket }

// key validates a logical bucket and key and returns the real key.
func (p *PrefixStore) key(bucket, key string) (string, error) {
	if err := ValidateBucket(bucket); err != nil {
		return "", err
	}
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	return p.Prefix(bucket) + key, nil
}

// checkBucket returns ErrBucketNotFound if the logical bucket has no marker.
func (p *PrefixStore) checkBucket(ctx context.Context, bucket string) error {
	_, err := p.inner.Stat(ctx, p.bucket, markerKey(bucket))
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("bucket %s: %w", bucket, ErrBucketNotFound)
	}
	return err
}

// refine turns a read's ErrNotFound into ErrBucketNotFound when the logical
// bucket itself is missing.
func (p *PrefixStore) refine(ctx context.Context, bucket string, err error) error {
	if errors.Is(err, ErrNotFound) {
		if berr := p.checkBucket(ctx, bucket); berr != nil {
			return berr
		}
	}
	return err
}

// Get implements Store.
func (p *PrefixStore) Get(ctx context.Context, bucket, key string, opts GetOptions) (io.ReadCloser, ObjectInfo, error) {
	full, err := p.key(bucket, key)
	if err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("get %q: %w", key, err)
	}
	rc, info, err := p.inner.Get(ctx, p.bucket, full, opts)
	if err != nil {
		return nil, ObjectInfo{}, p.refine(ctx, bucket, err)
	}
	info.Key = key
	return rc, info, nil
}

// Put implements Store.
func (p *PrefixStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error) {
	full, err := p.key(bucket, key)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	if err := p.checkBucket(ctx, bucket); err != nil {
		return ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	info, err := p.inner.Put(ctx, p.bucket, full, r, size, opts)
	if err != nil {
		return ObjectInfo{}, err
	}
	info.Key = key
	return info, nil
}

// Stat implements Store.
func (p *PrefixStore) Stat(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	full, err := p.key(bucket, key)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	info, err := p.inner.Stat(ctx, p.bucket, full)
	if err != nil {
		return ObjectInfo{}, p.refine(ctx, bucket, err)
	}
	info.Key = key
	return info, nil
}

// Delete implements Store.
func (p *PrefixStore) Delete(ctx context.Context, bucket, key string) error {
	full, err := p.key(bucket, key)
	if err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := p.checkBucket(ctx, bucket); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	return p.inner.Delete(ctx, p.bucket, full)
}

// DeleteIfGeneration implements ConditionalDeleter when the inner store
// does; otherwise it fails with errors.ErrUnsupported.
func (p *PrefixStore) DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error {
	cd, ok := p.inner.(ConditionalDeleter)
	if !ok {
		return fmt.Errorf("delete %q: %w", key, errors.ErrUnsupported)
	}
	full, err := p.key(bucket, key)
	if err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := p.checkBucket(ctx, bucket); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	return cd.DeleteIfGeneration(ctx, p.bucket, full, generation)
}

// List implements Store.
func (p *PrefixStore) List(ctx context.Context, bucket string, opts ListOptions) (ListPage, error) {
	if err := ValidateList(ctx, bucket, opts); err != nil {
		return ListPage{}, fmt.Errorf("list: %w", err)
	}
	pfx := p.Prefix(bucket)
	inner := ListOptions{Prefix: pfx + opts.Prefix, Limit: opts.Limit}
	if opts.StartAfter != "" {
		inner.StartAfter = pfx + opts.StartAfter
	}
	page, err := p.inner.List(ctx, p.bucket, inner)
	if err != nil {
		return ListPage{}, err
	}
	if len(page.Objects) == 0 {
		if err := p.checkBucket(ctx, bucket); err != nil {
			return ListPage{}, fmt.Errorf("list: %w", err)
		}
	}
	for i := range page.Objects {
		page.Objects[i].Key = strings.TrimPrefix(page.Objects[i].Key, pfx)
	}
	page.Next = strings.TrimPrefix(page.Next, pfx)
	return page, nil
}

// CreateBucket implements Store by writing the bucket's marker, create-only.
func (p *PrefixStore) CreateBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	_, err := p.inner.Put(ctx, p.bucket, markerKey(bucket), bytes.NewReader(nil), 0, PutOptions{IfNotExist: true})
	if errors.Is(err, ErrPrecondition) {
		return fmt.Errorf("create bucket %s: %w", bucket, ErrBucketExists)
	} else if err != nil {
		return fmt.Errorf("create bucket %s in %s: %w", bucket, p.bucket, err)
	}
	return nil
}

// DeleteBucket implements Store by removing the marker of an empty bucket.
func (p *PrefixStore) DeleteBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucket(bucket); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	if err := p.checkBucket(ctx, bucket); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	page, err := p.inner.List(ctx, p.bucket, ListOptions{Prefix: p.Prefix(bucket), Limit: 1})
	if err != nil {
		return fmt.Errorf("delete bucket %s: %w", bucket, err)
	}
	if len(page.Objects) > 0 {
		return fmt.Errorf("delete bucket %s: %w", bucket, ErrBucketNotEmpty)
	}
	return p.inner.Delete(ctx, p.bucket, markerKey(bucket))
}
