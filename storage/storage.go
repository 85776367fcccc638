// Package storage is IGNY8's object-storage layer: a small, context-aware
// Store interface that the deployer and the edge consume, plus helpers shared
// by every implementation (name validation, sentinel errors, listing
// iterators and a prefix-mode wrapper).
//
// Implementations live in subpackages: storage/fs (a local folder, the
// embedded default), storage/s3 (MinIO or AWS S3 through minio-go) and
// storagetest.Memory (an in-memory fake). storagetest.Run is the conformance
// suite all of them pass; storage/backend opens one from a URL.
//
// # Layout
//
// By default every site gets its own bucket, named by SiteBucket. In prefix
// mode (PrefixStore) each of those "buckets" is a key prefix inside one real
// bucket instead, behind the same interface.
//
// # Generations and compare-and-swap
//
// Every object carries a Generation, an opaque token. It changes whenever the
// object's bytes change; whether rewriting identical bytes changes it is up to
// the backend (S3's ETag is the MD5 of the body, so it does not; fs and the
// memory fake mint a new token on every write). A caller that needs every
// write to be distinguishable puts a counter in the content (DESIGN.md's
// refs/live pointer carries one). PutOptions.IfGenerationMatch turns Put into a
// compare-and-swap and PutOptions.IfNotExist into a create-only write; both
// are atomic with respect to every other writer of the bucket.
package storage

import (
	"context"
	"io"
	"time"
)

// Store is an object store made of buckets of keyed, immutable-per-write
// objects. Implementations are safe for concurrent use.
//
// Errors wrap the sentinels in errors.go, so callers test them with errors.Is
// and igny8.ErrorCode maps them to application codes.
type Store interface {
	// Get opens an object for reading, or only opts.Range of it. The
	// returned ObjectInfo describes the whole object. The caller closes the
	// reader.
	Get(ctx context.Context, bucket, key string, opts GetOptions) (io.ReadCloser, ObjectInfo, error)

	// Put writes an object from r, replacing any existing one unless a
	// condition in opts says otherwise. It reads exactly size bytes from r,
	// or all of r when size is -1 (pass the size when known: S3 then streams
	// instead of buffering); if r ends sooner the Put fails and leaves the
	// old object in place. It returns the written object's Key, Size,
	// ContentType and Generation (ModTime when the backend reports it).
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error)

	// Stat describes an object without reading it.
	Stat(ctx context.Context, bucket, key string) (ObjectInfo, error)

	// Delete removes an object. Deleting a key that does not exist is not an
	// error (S3 semantics: a HEAD first would be racy anyway).
	Delete(ctx context.Context, bucket, key string) error

	// List returns one page of the objects whose keys start with
	// opts.Prefix, sorted by key (byte-wise). Use All to range over every
	// page. Listed objects have an empty ContentType.
	List(ctx context.Context, bucket string, opts ListOptions) (ListPage, error)

	// CreateBucket creates an empty bucket; it fails with ErrBucketExists if
	// the bucket is already there.
	CreateBucket(ctx context.Context, bucket string) error

	// DeleteBucket removes an empty bucket; it fails with ErrBucketNotEmpty
	// while objects remain (see EmptyBucket).
	DeleteBucket(ctx context.Context, bucket string) error
}

// ConditionalDeleter is implemented by stores that can delete an object
// only while it still has a given generation, checking and deleting in one
// atomic step. It returns ErrPrecondition when the object was rewritten and
// nil when it was deleted or is already gone. Garbage collection uses it so
// that a blob rewritten by a concurrent deploy is never deleted. (S3's ETag
// does not change when identical bytes are rewritten, and minio-go has no
// conditional delete, so storage/s3 does not implement it.)
type ConditionalDeleter interface {
	DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key         string
	Size        int64     // of the whole object, also when a range was read
	ContentType string    // DefaultContentType when none was given
	Generation  string    // opaque; see the package doc
	ModTime     time.Time // time of the last write
}

// DefaultContentType is what a Put without a content type stores.
const DefaultContentType = "application/octet-stream"

// GetOptions tune Get.
type GetOptions struct {
	// Range, if set, restricts the read to a byte range.
	Range *Range
}

// Range is a byte range of an object: Length bytes from Offset, or to the end
// when Length is 0. A range that runs past the end is cut short; one that
// starts at or past the end (including any range of an empty object) fails
// with ErrInvalidRange, like S3 and HTTP 416.
type Range struct {
	Offset int64
	Length int64
}

// PutOptions tune Put. IfNotExist and IfGenerationMatch are exclusive.
type PutOptions struct {
	// ContentType is stored with the object; empty means DefaultContentType.
	ContentType string

	// IfNotExist makes Put create-only: it fails with ErrPrecondition if the
	// key already holds an object.
	IfNotExist bool

	// IfGenerationMatch, if set, makes Put a compare-and-swap: it fails with
	// ErrPrecondition unless the key holds an object of this generation.
	IfGenerationMatch string
}

// ListOptions select a page of List.
type ListOptions struct {
	// Prefix keeps the keys that start with it; it need not end with "/".
	Prefix string
	// StartAfter keeps the keys sorted after it: pass the previous page's
	// Next.
	StartAfter string
	// Limit caps the page size; 0 or more than MaxListLimit means
	// MaxListLimit.
	Limit int
}

// MaxListLimit is the largest page List returns (S3's own maximum).
const MaxListLimit = 1000

// ListPage is one page of List.
type ListPage struct {
	Objects []ObjectInfo
	// Next is the StartAfter of the following page, or "" on the last page.
	Next string
}
