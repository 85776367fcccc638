package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8/storage"
)

var _ storage.Store = (*Memory)(nil)

// Memory is an in-memory storage.Store for tests. It passes Run, so code
// tested against it behaves the same on fs and S3. Every write gets a new
// generation, even of identical bytes. The zero value is not usable; call
// NewMemory.
type Memory struct {
	mu      sync.Mutex
	buckets map[string]map[string]memObject
	gen     uint64
}

type memObject struct {
	data []byte // never modified once stored
	info storage.ObjectInfo
}

// NewMemory returns an empty Memory store.
func NewMemory() *Memory {
	return &Memory{buckets: map[string]map[string]memObject{}}
}

// lookup returns the bucket's objects; m.mu must be held.
func (m *Memory) lookup(bucket string) (map[string]memObject, error) {
	objs, ok := m.buckets[bucket]
	if !ok {
		return nil, fmt.Errorf("bucket %s: %w", bucket, storage.ErrBucketNotFound)
	}
	return objs, nil
}

// find returns the object at key.
func (m *Memory) find(ctx context.Context, bucket, key string) (memObject, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return memObject{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	objs, err := m.lookup(bucket)
	if err != nil {
		return memObject{}, err
	}
	obj, ok := objs[key]
	if !ok {
		return memObject{}, storage.ErrNotFound
	}
	return obj, nil
}

// Get implements storage.Store.
func (m *Memory) Get(ctx context.Context, bucket, key string, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	obj, err := m.find(ctx, bucket, key)
	if err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: %w", key, err)
	}
	data := obj.data
	if opts.Range != nil {
		off, n, err := opts.Range.Bounds(int64(len(data)))
		if err != nil {
			return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: %w", key, err)
		}
		data = data[off : off+n]
	}
	return io.NopCloser(bytes.NewReader(data)), obj.info, nil
}

// Put implements storage.Store.
func (m *Memory) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	if err := opts.Validate(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	if size >= 0 {
		r = io.LimitReader(r, size)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	if size >= 0 && int64(len(data)) != size {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: read %d bytes, want %d: %w", key, len(data), size, io.ErrUnexpectedEOF)
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	objs, err := m.lookup(bucket)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	old, exists := objs[key]
	if opts.IfNotExist && exists || opts.IfGenerationMatch != "" && (!exists || old.info.Generation != opts.IfGenerationMatch) {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, storage.ErrPrecondition)
	}
	ct := opts.ContentType
	if ct == "" {
		ct = storage.DefaultContentType
	}
	m.gen++
	info := storage.ObjectInfo{
		Key:         key,
		Size:        int64(len(data)),
		ContentType: ct,
		Generation:  "m" + strconv.FormatUint(m.gen, 10),
		ModTime:     time.Now(),
	}
	objs[key] = memObject{data: data, info: info}
	return info, nil
}

// Stat implements storage.Store.
func (m *Memory) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	obj, err := m.find(ctx, bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	return obj.info, nil
}

// Delete implements storage.Store.
func (m *Memory) Delete(ctx context.Context, bucket, key string) error {
	return m.delete(ctx, bucket, key, "")
}

// DeleteIfGeneration implements storage.ConditionalDeleter.
func (m *Memory) DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error {
	if generation == "" {
		return fmt.Errorf("delete %q: %w: no generation given", key, storage.ErrInvalid)
	}
	return m.delete(ctx, bucket, key, generation)
}

func (m *Memory) delete(ctx context.Context, bucket, key, generation string) error {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	objs, err := m.lookup(bucket)
	if err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if o, ok := objs[key]; ok && generation != "" && o.info.Generation != generation {
		return fmt.Errorf("delete %q: %w", key, storage.ErrPrecondition)
	}
	delete(objs, key)
	return nil
}

// List implements storage.Store. It sorts the bucket's keys on every call,
// which is fine for a test fake.
func (m *Memory) List(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	if err := storage.ValidateList(ctx, bucket, opts); err != nil {
		return storage.ListPage{}, fmt.Errorf("list: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	objs, err := m.lookup(bucket)
	if err != nil {
		return storage.ListPage{}, fmt.Errorf("list: %w", err)
	}
	var ks []string
	for k := range objs {
		if strings.HasPrefix(k, opts.Prefix) && k > opts.StartAfter {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	var page storage.ListPage
	if limit := opts.PageLimit(); len(ks) > limit {
		ks = ks[:limit]
		page.Next = ks[limit-1]
	}
	for _, k := range ks {
		info := objs[k].info
		info.ContentType = ""
		page.Objects = append(page.Objects, info)
	}
	return page, nil
}

// CreateBucket implements storage.Store.
func (m *Memory) CreateBucket(ctx context.Context, bucket string) error {
	if err := storage.ValidateBucket(bucket); err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.buckets[bucket]; ok {
		return fmt.Errorf("create bucket %s: %w", bucket, storage.ErrBucketExists)
	}
	m.buckets[bucket] = map[string]memObject{}
	return nil
}

// DeleteBucket implements storage.Store.
func (m *Memory) DeleteBucket(ctx context.Context, bucket string) error {
	if err := storage.ValidateBucket(bucket); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	objs, err := m.lookup(bucket)
	if err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	if len(objs) > 0 {
		return fmt.Errorf("delete bucket %s: %w", bucket, storage.ErrBucketNotEmpty)
	}
	delete(m.buckets, bucket)
	return nil
}
