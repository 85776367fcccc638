package edge

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8/deployer"
)

// DiskCache is a folder of blobs bounded by their total size, the tier
// between the memory cache and the store (Config.DiskCache). It is safe
// for concurrent use; a folder must be used by one process at a time. Blobs are content-addressed, so
// an entry is never stale: it is written once, atomically (a temporary
// file, synced, renamed into place), and only ever evicted, least recently
// used first. Its index lives in memory and is rebuilt from the folder at
// start. Files are named after their blob keys, <aa>/<sha256>[.br|.gz].
type DiskCache struct {
	dir string
	max int64

	mu      sync.Mutex
	used    int64
	order   *list.List               // of *diskItem, most recently used first
	items   map[string]*list.Element // by blob key
	writing map[string]bool          // keys being written
}

type diskItem struct {
	key  string
	size int64
}

// diskTmpPrefix starts the names of files being written.
const diskTmpPrefix = ".tmp-"

// OpenDiskCache opens (creating it) the cache in dir, holding at most max
// bytes: blobs left by an earlier run are indexed, oldest first, and
// evicted past max; unfinished writes are removed.
func OpenDiskCache(dir string, max int64) (*DiskCache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("disk cache: %w", err)
	}
	c := &DiskCache{dir: dir, max: max, order: list.New(), items: map[string]*list.Element{}, writing: map[string]bool{}}
	type found struct {
		key  string
		size int64
		mod  time.Time
	}
	var files []found
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), diskTmpPrefix) {
			return os.Remove(p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		key := deployer.BlobPrefix + filepath.ToSlash(rel)
		if !validBlobKey(key) {
			return nil // not ours: leave it alone
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, found{key, info.Size(), info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("disk cache: index %s: %w", dir, err)
	}
	slices.SortFunc(files, func(a, b found) int { return a.mod.Compare(b.mod) })
	for _, f := range files {
		c.items[f.key] = c.order.PushFront(&diskItem{key: f.key, size: f.size})
		c.used += f.size
	}
	c.mu.Lock()
	c.evictLocked(0)
	c.mu.Unlock()
	return c, nil
}

// validBlobKey reports whether key is a blob key deployer.BlobKey makes.
func validBlobKey(key string) bool {
	rest, ok := strings.CutPrefix(key, deployer.BlobPrefix)
	if !ok || len(rest) < 3 || rest[2] != '/' {
		return false
	}
	name := rest[3:]
	sha, _, _ := strings.Cut(name, ".")
	return isSHA256(sha) && rest[:2] == sha[:2] && deployer.BlobKey(sha, encodingOfKey(key)) == key
}

// encodingOfKey returns the encoding a blob key stores.
func encodingOfKey(key string) string {
	switch {
	case strings.HasSuffix(key, ".br"):
		return deployer.EncodingBrotli
	case strings.HasSuffix(key, ".gz"):
		return deployer.EncodingGzip
	}
	return ""
}

func (c *DiskCache) path(key string) string {
	return filepath.Join(c.dir, filepath.FromSlash(strings.TrimPrefix(key, deployer.BlobPrefix)))
}

// open returns the cached blob of key, open for reading, and its size.
func (c *DiskCache) open(key string) (*os.File, int64, bool) {
	var want int64
	c.mu.Lock()
	el, ok := c.items[key]
	if ok {
		c.order.MoveToFront(el)
		want = el.Value.(*diskItem).size
	}
	c.mu.Unlock()
	if !ok {
		return nil, 0, false
	}
	f, err := os.Open(c.path(key))
	if err != nil {
		c.drop(key) // removed behind our back
		return nil, 0, false
	}
	info, err := f.Stat()
	if err != nil || info.Size() != want {
		f.Close()
		c.drop(key)
		return nil, 0, false
	}
	return f, info.Size(), true
}

// read returns the whole cached blob of key, at most limit bytes. The
// identity bytes of a blob are checked against its name.
func (c *DiskCache) read(key string, limit int64) ([]byte, bool) {
	f, size, ok := c.open(key)
	if !ok {
		return nil, false
	}
	defer f.Close()
	if size > limit {
		return nil, false
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, false
	}
	if encodingOfKey(key) == "" {
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != key[strings.LastIndexByte(key, '/')+1:] {
			c.drop(key)
			return nil, false
		}
	}
	return data, true
}

// drop forgets key and removes its file.
func (c *DiskCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.removeLocked(el)
	}
}

func (c *DiskCache) removeLocked(el *list.Element) {
	it := el.Value.(*diskItem)
	c.order.Remove(el)
	delete(c.items, it.key)
	c.used -= it.size
	os.Remove(c.path(it.key))
}

// evictLocked removes least recently used blobs until n more bytes fit.
func (c *DiskCache) evictLocked(n int64) {
	for c.used+n > c.max && c.order.Len() > 0 {
		c.removeLocked(c.order.Back())
	}
}

// diskWriter writes one blob into the cache; commit makes it visible.
type diskWriter struct {
	c    *DiskCache
	key  string
	f    *os.File
	n    int64
	done bool
}

// create starts writing the blob of key, size bytes long, or returns nil
// when it is cached already, being written, or larger than the cache.
func (c *DiskCache) create(key string, size int64) *diskWriter {
	if size > c.max || !validBlobKey(key) {
		return nil
	}
	c.mu.Lock()
	_, cached := c.items[key]
	busy := c.writing[key]
	if !cached && !busy {
		c.writing[key] = true
	}
	c.mu.Unlock()
	if cached || busy {
		return nil
	}
	p := c.path(key)
	f, err := func() (*os.File, error) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		return os.CreateTemp(filepath.Dir(p), diskTmpPrefix+"*")
	}()
	if err != nil {
		c.mu.Lock()
		delete(c.writing, key)
		c.mu.Unlock()
		return nil
	}
	return &diskWriter{c: c, key: key, f: f}
}

func (w *diskWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.n += int64(n)
	return n, err
}

// commit syncs and renames the file into place, if it holds size bytes,
// and indexes it, evicting older blobs to stay within the bound.
func (w *diskWriter) commit(size int64) error {
	if w.done {
		return nil
	}
	w.done = true
	c := w.c
	defer func() {
		c.mu.Lock()
		delete(c.writing, w.key)
		c.mu.Unlock()
	}()
	name := w.f.Name()
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil && w.n != size {
		err = fmt.Errorf("wrote %d bytes of %d", w.n, size)
	}
	if err == nil {
		c.mu.Lock()
		c.evictLocked(size)
		err = os.Rename(name, c.path(w.key))
		if err == nil {
			c.items[w.key] = c.order.PushFront(&diskItem{key: w.key, size: size})
			c.used += size
		}
		c.mu.Unlock()
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("disk cache: write %s: %w", w.key, err)
	}
	return nil
}

// abort drops an unfinished write.
func (w *diskWriter) abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
	w.c.mu.Lock()
	delete(w.c.writing, w.key)
	w.c.mu.Unlock()
}

// put writes data as the blob of key.
func (c *DiskCache) put(key string, data []byte) error {
	w := c.create(key, int64(len(data)))
	if w == nil {
		return nil
	}
	if _, err := w.Write(data); err != nil {
		w.abort()
		return fmt.Errorf("disk cache: write %s: %w", key, err)
	}
	return w.commit(int64(len(data)))
}

// Size returns the bytes held and the number of blobs.
func (c *DiskCache) Size() (int64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used, len(c.items)
}
