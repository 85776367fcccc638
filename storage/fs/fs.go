// Package fs is a storage.Store in a local folder, the embedded default
// (fs://./data/objects). Several processes may share the folder.
//
// # Layout
//
//	<root>/<bucket>/<key>   one file per object: a header line, then the bytes
//	<root>/.tmp/            files being written, renamed into place when done
//	<root>/.locks/<bucket>  flock(2) targets, one per bucket, never deleted
//
// Bucket names cannot start with a dot, so they never clash with .tmp and
// .locks. The header line ("igny8-object-v1 {json}\n") holds the generation
// and content type; keeping them in the object's own file means one rename
// replaces data and metadata together.
//
// # Atomicity and locking
//
// Put writes the bytes to a temporary file and fsyncs it without holding any
// lock, then takes the bucket's lock, checks the condition, renames the file
// into place and fsyncs the folder. Readers never lock: rename(2) is atomic,
// so they see the old object or the new one, never a mix.
//
// The lock is flock(2) on <root>/.locks/<bucket>, taken by every writer
// (Put, Delete, DeleteBucket), so a compare-and-swap is atomic across
// goroutines and processes alike. flock was chosen over O_EXCL or link(2)
// tricks because those give create-only writes but no compare-and-swap (a
// rename replaces whatever is there), and an O_EXCL lock file outlives a
// crashed process while a flock dies with it. Within one process a channel
// per bucket queues the goroutines first, so waiting honours ctx and parks no
// OS thread. flock needs a local file system (not NFS).
//
// # Generations
//
// Each Put mints a random 128-bit generation, so even rewriting identical
// bytes changes it (stricter than S3's ETag; see package storage).
//
// # Limits
//
// A key cannot also be a folder of other keys: "a" and "a/b" cannot both
// exist (Put fails with storage.ErrInvalid), segments are capped at the file
// system's 255 bytes, and on a case-insensitive file system "A" and "a" are
// the same key. IGNY8's layout (blobs/, deploys/, refs/) avoids all three.
package fs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/igny8/igny8/storage"
)

var _ storage.Store = (*Store)(nil)

// Store is a storage.Store in a local folder. It is safe for concurrent use,
// also by several processes on one folder.
type Store struct {
	root string

	mu    sync.Mutex
	queue map[string]chan struct{} // per bucket; see lock
}

// staleTemp is the age after which Open removes a leftover temporary file.
const staleTemp = 24 * time.Hour

// Open returns the Store in folder root, creating the folder if needed. It
// removes temporary files that crashed writers left behind.
func Open(root string) (*Store, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", root, err)
	}
	for _, dir := range []string{abs, filepath.Join(abs, ".tmp"), filepath.Join(abs, ".locks")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open %s: %w", root, err)
		}
	}
	s := &Store{root: abs, queue: map[string]chan struct{}{}}
	s.removeStaleTemp(time.Now().Add(-staleTemp))
	return s, nil
}

// Root returns the store's absolute folder.
func (s *Store) Root() string { return s.root }

func (s *Store) removeStaleTemp(before time.Time) {
	entries, _ := os.ReadDir(filepath.Join(s.root, ".tmp"))
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(before) {
			_ = os.Remove(filepath.Join(s.root, ".tmp", e.Name()))
		}
	}
}

func (s *Store) bucketDir(bucket string) string { return filepath.Join(s.root, bucket) }

// objectPath returns the file of a key that passed storage.ValidateKey, which
// rules out anything that could leave the bucket's folder.
func (s *Store) objectPath(bucket, key string) string {
	return filepath.Join(s.root, bucket, filepath.FromSlash(key))
}

// checkBucket returns storage.ErrBucketNotFound if the bucket is missing.
func (s *Store) checkBucket(bucket string) error {
	fi, err := os.Stat(s.bucketDir(bucket))
	if errors.Is(err, os.ErrNotExist) || err == nil && !fi.IsDir() {
		return fmt.Errorf("bucket %s: %w", bucket, storage.ErrBucketNotFound)
	}
	return err
}

// lock takes the bucket's write lock, first among this process's goroutines
// (honouring ctx), then among processes with flock. Call the returned func to
// release both.
func (s *Store) lock(ctx context.Context, bucket string) (unlock func(), err error) {
	s.mu.Lock()
	q, ok := s.queue[bucket]
	if !ok {
		q = make(chan struct{}, 1)
		s.queue[bucket] = q
	}
	s.mu.Unlock()

	select {
	case q <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	f, err := flock(filepath.Join(s.root, ".locks", bucket))
	if err != nil {
		<-q
		return nil, fmt.Errorf("lock bucket %s: %w", bucket, err)
	}
	return func() {
		f.Close() // releases the flock
		<-q
	}, nil
}

// CreateBucket implements storage.Store.
func (s *Store) CreateBucket(ctx context.Context, bucket string) error {
	if err := storage.ValidateBucket(bucket); err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	err := os.Mkdir(s.bucketDir(bucket), 0o755)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create bucket %s: %w", bucket, storage.ErrBucketExists)
	} else if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	return syncDir(s.root)
}

// DeleteBucket implements storage.Store.
func (s *Store) DeleteBucket(ctx context.Context, bucket string) error {
	if err := storage.ValidateBucket(bucket); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	if err := s.checkBucket(bucket); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	unlock, err := s.lock(ctx, bucket)
	if err != nil {
		return fmt.Errorf("delete bucket %s: %w", bucket, err)
	}
	defer unlock()

	dir := s.bucketDir(bucket)
	err = os.Remove(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("delete bucket: bucket %s: %w", bucket, storage.ErrBucketNotFound)
	case errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST):
		// Empty folders left by a crash do not count as objects.
		page, lerr := s.List(ctx, bucket, storage.ListOptions{Limit: 1})
		if lerr != nil {
			return fmt.Errorf("delete bucket %s: %w", bucket, lerr)
		}
		if len(page.Objects) > 0 {
			return fmt.Errorf("delete bucket %s: %w", bucket, storage.ErrBucketNotEmpty)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("delete bucket %s: %w", bucket, err)
		}
	case err != nil:
		return fmt.Errorf("delete bucket %s: %w", bucket, err)
	}
	return syncDir(s.root)
}

// syncDir fsyncs a folder so that renames and removals in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
