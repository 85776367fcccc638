package edge

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"

	"github.com/igny8/igny8/storage"
)

// blobCache is an LRU of blob bytes bounded by their total size. Blobs are
// content-addressed, so an entry is never stale and needs no expiry.
type blobCache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	order *list.List // of *blobItem, most recently used first
	items map[string]*list.Element
}

type blobItem struct {
	key  string
	data []byte
	clen []string // Content-Length of data, formatted once
}

func newBlobItem(key string, data []byte) *blobItem {
	return &blobItem{key: key, data: data, clen: []string{strconv.Itoa(len(data))}}
}

func newBlobCache(max int64) *blobCache {
	return &blobCache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *blobCache) get(key string) (*blobItem, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*blobItem), true
}

func (c *blobCache) add(it *blobItem) {
	n := int64(len(it.data))
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > c.max {
		return
	}
	if _, ok := c.items[it.key]; ok {
		return
	}
	for c.used+n > c.max {
		last := c.order.Back()
		old := last.Value.(*blobItem)
		c.order.Remove(last)
		delete(c.items, old.key)
		c.used -= int64(len(old.data))
	}
	c.items[it.key] = c.order.PushFront(it)
	c.used += n
}

// size returns the bytes held and the number of blobs.
func (c *blobCache) size() (int64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used, len(c.items)
}

// blobReader is the io.ReadSeeker handed to http.ServeContent. It touches
// the store only when it must: ServeContent checks preconditions first, and
// when the size is known from the manifest (identity bytes) seeking is
// arithmetic, so a 304 or a HEAD reads no blob. A GET loads a small blob
// before ServeContent writes the status line. Small blobs are read whole
// through the caches; large ones are read from the disk cache when it has
// them, else streamed with ranged Gets, and a read of a whole large blob
// from the start also fills the disk cache.
type blobReader struct {
	ctx    context.Context
	s      *Server
	bucket string
	key    string // object key, also the cache key
	size   int64  // -1 until known
	small  bool   // read whole and cache
	eager  bool   // a GET: load a small blob on the first Seek, before the headers go
	onSize func(int64)

	mem []byte // small blobs, once loaded
	off int64  // the reading position

	// Large blobs: the disk cache's file, or the open ranged read (at rcOff)
	// and, while it reads the blob from its start, the disk cache's copy.
	triedDisk bool
	file      *os.File
	rc        io.ReadCloser
	rcOff     int64
	fill      *diskWriter
}

// learnSize opens the blob when its size is not known yet.
func (b *blobReader) learnSize() error {
	if b.size >= 0 {
		return nil
	}
	if b.small {
		if err := b.loadSmall(); err != nil {
			return err
		}
		b.size = int64(len(b.mem))
	} else if !b.openDisk() {
		rc, info, err := b.s.store.Get(b.ctx, b.bucket, b.key, storage.GetOptions{})
		if err != nil {
			return b.fail(fmt.Errorf("read blob %s: %w", b.key, err))
		}
		b.size = info.Size
		b.startRead(rc, 0)
	}
	if b.onSize != nil {
		b.onSize(b.size)
	}
	return nil
}

// openDisk opens the large blob from the disk cache, once, and reports
// whether it did.
func (b *blobReader) openDisk() bool {
	if b.triedDisk || b.s.disk == nil {
		return b.file != nil
	}
	b.triedDisk = true
	f, size, ok := b.s.disk.open(b.key)
	if !ok || b.size >= 0 && size != b.size {
		if ok {
			f.Close()
		}
		b.s.metrics.diskMisses.Add(1)
		return false
	}
	b.s.metrics.diskHits.Add(1)
	b.file, b.size = f, size
	return true
}

// startRead takes rc, a read of the blob from off; one from the start
// copies the blob into the disk cache as it goes.
func (b *blobReader) startRead(rc io.ReadCloser, off int64) {
	b.rc, b.rcOff = rc, off
	if off == 0 && b.s.disk != nil && b.fill == nil {
		b.fill = b.s.disk.create(b.key, b.size)
	}
}

func (b *blobReader) loadSmall() error {
	if b.mem != nil {
		return nil
	}
	data, err := b.s.blobBytes(b.ctx, b.bucket, b.key)
	if err != nil {
		return b.fail(err)
	}
	b.mem = data
	return nil
}

func (b *blobReader) Read(p []byte) (int, error) {
	if err := b.learnSize(); err != nil {
		return 0, err
	}
	if b.off >= b.size {
		return 0, io.EOF
	}
	if b.small {
		if err := b.loadSmall(); err != nil {
			return 0, err
		}
		if b.off >= int64(len(b.mem)) {
			return 0, io.ErrUnexpectedEOF // shorter than its manifest entry
		}
		n := copy(p, b.mem[b.off:])
		b.off += int64(n)
		return n, nil
	}
	if b.openDisk() {
		p = p[:min(int64(len(p)), b.size-b.off)]
		n, err := b.file.ReadAt(p, b.off)
		b.off += int64(n)
		if err == io.EOF && n == len(p) {
			err = nil
		}
		return n, err
	}
	if b.rc != nil && b.rcOff != b.off {
		b.closeRead() // ServeContent sought elsewhere
	}
	if b.rc == nil {
		rc, _, err := b.s.store.Get(b.ctx, b.bucket, b.key, storage.GetOptions{Range: &storage.Range{Offset: b.off}})
		if err != nil {
			return 0, b.fail(fmt.Errorf("read blob %s at %d: %w", b.key, b.off, err))
		}
		b.startRead(rc, b.off)
	}
	n, err := b.rc.Read(p)
	b.off += int64(n)
	b.rcOff = b.off
	if b.fill != nil {
		if _, werr := b.fill.Write(p[:n]); werr != nil {
			b.fill.abort()
			b.fill = nil
		} else if b.off == b.size {
			if err := b.fill.commit(b.size); err != nil {
				b.s.log.LogAttrs(b.ctx, slog.LevelWarn, "disk cache", slog.Any("error", err))
			}
			b.fill = nil
		}
	}
	return n, err
}

func (b *blobReader) Seek(offset int64, whence int) (int64, error) {
	if err := b.learnSize(); err != nil {
		return 0, err
	}
	if b.eager && b.small {
		// A missing or unreadable blob is then a 500, not a 200 cut short.
		if err := b.loadSmall(); err != nil {
			return 0, err
		}
	}
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = b.off + offset
	case io.SeekEnd:
		abs = b.size + offset
	default:
		return 0, errors.New("blob seek: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("blob seek: negative position")
	}
	// An open read is closed only if the next Read is elsewhere: ServeContent
	// seeks to the end and back to learn the size.
	b.off = abs
	return abs, nil
}

// closeRead ends the open ranged read and drops an unfinished disk copy.
func (b *blobReader) closeRead() error {
	var err error
	if b.rc != nil {
		err = b.rc.Close()
		b.rc = nil
	}
	if b.fill != nil {
		b.fill.abort()
		b.fill = nil
	}
	return err
}

// errBlobUnavailable is what ServeContent may show a client (as a 500) when
// a blob cannot be read; the real error goes to the log.
var errBlobUnavailable = errors.New("content unavailable")

// fail logs err and returns errBlobUnavailable.
func (b *blobReader) fail(err error) error {
	b.s.blobError(b.ctx, b.bucket, err)
	return errBlobUnavailable
}

// blobError counts and logs a failed blob read.
func (s *Server) blobError(ctx context.Context, bucket string, err error) {
	s.metrics.storeErrors.Add(1)
	s.log.LogAttrs(ctx, slog.LevelError, "read blob", slog.String("bucket", bucket), slog.Any("error", err))
}

// Close releases an open ranged read or disk cache file.
func (b *blobReader) Close() error {
	err := b.closeRead()
	if b.file != nil {
		b.file.Close()
		b.file = nil
	}
	return err
}

// blobBytes returns a whole blob from the cache or the store, caching it.
func (s *Server) blobBytes(ctx context.Context, bucket, key string) ([]byte, error) {
	it, err := s.blob(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	return it.data, nil
}

// blob returns a whole blob from the cache or the store, caching it.
func (s *Server) blob(ctx context.Context, bucket, key string) (*blobItem, error) {
	if it, ok := s.blobs.get(key); ok {
		s.metrics.cacheHits.Add(1)
		return it, nil
	}
	s.metrics.cacheMisses.Add(1)
	// Callers ask for blobs whose identity is at most CacheMaxObject; a
	// precompressed variant may be a little larger, so allow twice that
	// but cache only what fits the per-object bound.
	limit := 2 * s.cfg.CacheMaxObject
	if s.disk != nil {
		if data, ok := s.disk.read(key, limit); ok {
			s.metrics.diskHits.Add(1)
			it := newBlobItem(key, data)
			if int64(len(data)) <= s.cfg.CacheMaxObject {
				s.blobs.add(it)
			}
			return it, nil
		}
		s.metrics.diskMisses.Add(1)
	}
	rc, _, err := s.store.Get(ctx, bucket, key, storage.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", key, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read blob %s: larger than its manifest entry says", key)
	}
	it := newBlobItem(key, data)
	if int64(len(data)) <= s.cfg.CacheMaxObject {
		s.blobs.add(it)
	}
	if s.disk != nil {
		if err := s.disk.put(key, data); err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "disk cache", slog.Any("error", err))
		}
	}
	return it, nil
}
