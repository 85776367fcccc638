package edge

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// blobCountingStore counts the Gets of blobs.
type blobCountingStore struct {
	storage.Store
	gets atomic.Int64
}

func (c *blobCountingStore) Get(ctx context.Context, bucket, key string, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	if strings.HasPrefix(key, deployer.BlobPrefix) {
		c.gets.Add(1)
	}
	return c.Store.Get(ctx, bucket, key, opts)
}

func openDisk(t *testing.T, dir string, max int64) *DiskCache {
	t.Helper()
	dc, err := OpenDiskCache(dir, max)
	if err != nil {
		t.Fatal(err)
	}
	return dc
}

// diskFiles lists the files in dir, relative, with slashes.
func diskFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	return out
}

// TestDiskCacheWarmHitMakesNoStoreRequest fills a disk cache from one
// server, then serves the same files from a second one, cold in memory,
// over the reopened folder: no blob comes from the store, small or large,
// whole or ranged.
func TestDiskCacheWarmHitMakesNoStoreRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := setup(t, func(c *Config) {
		c.DiskCache = openDisk(t, dir, 1<<20)
		c.CacheMaxObject = 8 // data.txt (10 bytes) and its gzip variant (9) are streamed
	})
	requests := []struct {
		path, header, body string
	}{
		{"/", "Accept-Encoding: br", "BR:home"},
		{"/", "", "<h1>home</h1>"},
		{"/about/", "", "<h1>about</h1>"},
		{"/data.txt", "", "0123456789"},
		{"/data.txt", "Accept-Encoding: gzip", "GZ:digits"},
	}
	for _, rq := range requests {
		if got := body(t, do(t, b.srv, "GET", origin+rq.path, rq.header)); got != rq.body {
			t.Fatalf("filling: GET %s: %q, want %q", rq.path, got, rq.body)
		}
	}
	if n, items := b.srv.disk.Size(); items != len(requests) {
		t.Fatalf("disk cache holds %d blobs (%d bytes), want %d", items, n, len(requests))
	}

	store := &blobCountingStore{Store: b.f.store}
	cold := New(Config{Store: store, Now: b.clock.Now, Logger: testLogger(t), CacheMaxObject: 8, DiskCache: openDisk(t, dir, 1<<20)})
	for _, rq := range requests {
		res := do(t, cold, "GET", origin+rq.path, rq.header)
		if got := body(t, res); res.StatusCode != 200 || got != rq.body {
			t.Errorf("from disk: GET %s: %d %q, want 200 %q", rq.path, res.StatusCode, got, rq.body)
		}
	}
	res := do(t, cold, "GET", origin+"/data.txt", "Range: bytes=2-4")
	if got := body(t, res); res.StatusCode != 206 || got != "234" {
		t.Errorf("range from disk: %d %q", res.StatusCode, got)
	}
	if got := store.gets.Load(); got != 0 {
		t.Errorf("a server with a warm disk cache read %d blobs from the store, want 0", got)
	}
	if got := cold.metrics.diskHits.Load(); got == 0 {
		t.Errorf("no disk cache hits counted")
	}
}

// TestDiskCacheSizeBound keeps the cache within its bytes, least recently
// used out first, also when reopened smaller.
func TestDiskCacheSizeBound(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dc := openDisk(t, dir, 100)
	var keys []string
	for i := range 5 {
		data := strings.Repeat(string(rune('a'+i)), 30)
		key := deployer.BlobKey(sum(data), "")
		keys = append(keys, key)
		if err := dc.put(key, []byte(data)); err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			dc.read(keys[2], 100) // 2 is now used more recently than 3
		}
		if n, _ := dc.Size(); n > 100 {
			t.Fatalf("after %d puts the cache holds %d bytes, over its 100", i+1, n)
		}
	}
	// 90 bytes: 2, 3 and 4 fit; 0 and 1 went first.
	for i, want := range []bool{false, false, true, true, true} {
		if _, ok := dc.read(keys[i], 100); ok != want {
			t.Errorf("blob %d cached = %v, want %v", i, ok, want)
		}
	}
	if got := len(diskFiles(t, dir)); got != 3 {
		t.Errorf("%d files on disk, want 3: %q", got, diskFiles(t, dir))
	}
	if err := dc.put(deployer.BlobKey(sum("huge"), ""), make([]byte, 101)); err != nil {
		t.Fatal(err)
	}
	if n, items := dc.Size(); n != 90 || items != 3 {
		t.Errorf("a blob above the bound was cached: %d bytes, %d blobs", n, items)
	}

	// Reopened with room for one: the newest file stays; leftovers of an
	// unfinished write go, files that are not blobs stay.
	now := time.Now()
	for i, k := range keys[2:] {
		at := now.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(dc.path(k), at, at); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, diskTmpPrefix+"123"), []byte("partial"), 0o644)
	os.WriteFile(filepath.Join(dir, "README"), []byte("not a blob"), 0o644)
	dc = openDisk(t, dir, 40)
	if n, items := dc.Size(); n != 30 || items != 1 {
		t.Errorf("reopened with 40 bytes: %d bytes, %d blobs; want 30, 1", n, items)
	}
	if _, ok := dc.read(keys[4], 100); !ok {
		t.Errorf("the newest blob was evicted")
	}
	want := []string{strings.TrimPrefix(keys[4], deployer.BlobPrefix), "README"}
	got := diskFiles(t, dir)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
}

// TestDiskCacheOnlyWholeBlobs: a ranged read of a large blob, or one cut
// short, leaves nothing in the cache, not even a temporary file.
func TestDiskCacheOnlyWholeBlobs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := setup(t, func(c *Config) { c.DiskCache = openDisk(t, dir, 1<<20); c.CacheMaxObject = 4 })
	for _, rng := range []string{"bytes=0-3", "bytes=5-"} {
		if res := do(t, b.srv, "GET", origin+"/data.txt", "Range: "+rng); res.StatusCode != 206 {
			t.Fatalf("%s: status %d", rng, res.StatusCode)
		}
	}
	if res := do(t, b.srv, "HEAD", origin+"/data.txt", "Accept-Encoding: gzip"); res.StatusCode != 200 {
		t.Fatalf("HEAD: status %d", res.StatusCode)
	}
	if got := diskFiles(t, dir); len(got) != 0 {
		t.Errorf("partial reads left files: %q", got)
	}
	do(t, b.srv, "GET", origin+"/data.txt")
	if got := diskFiles(t, dir); len(got) != 1 {
		t.Errorf("a whole read left %q, want the blob", got)
	}
}

// TestDiskCacheCorruptBlobNotServed: identity bytes read whole are checked
// against their name; a damaged file is dropped and the store answers.
func TestDiskCacheCorruptBlobNotServed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := setup(t, func(c *Config) { c.DiskCache = openDisk(t, dir, 1<<20) })
	do(t, b.srv, "GET", origin+"/about/")
	key := deployer.BlobKey(sum("<h1>about</h1>"), "")
	if err := os.WriteFile(b.srv.disk.path(key), []byte("<h1>ABOUT</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	cold := New(Config{Store: b.f.store, Now: b.clock.Now, DiskCache: b.srv.disk})
	if got := body(t, do(t, cold, "GET", origin+"/about/")); got != "<h1>about</h1>" {
		t.Errorf("body = %q, want the stored bytes", got)
	}
}
