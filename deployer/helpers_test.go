package deployer_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/fs"
	"github.com/igny8/igny8/storage/s3/s3test"
	"github.com/igny8/igny8/storage/storagetest"
)

// eachStore runs test against the memory fake, a folder, prefix mode, and
// MinIO when the environment names one (s3test skips otherwise, or fails
// under CI=true).
func eachStore(t *testing.T, test func(t *testing.T, s storage.Store)) {
	t.Helper()
	backends := []struct {
		name string
		open func(t *testing.T) storage.Store
	}{
		{"memory", func(*testing.T) storage.Store { return storagetest.NewMemory() }},
		{"fs", func(t *testing.T) storage.Store {
			s, err := fs.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"prefix", func(t *testing.T) storage.Store {
			// Prefix mode: every site bucket is a prefix of one real bucket.
			m := storagetest.NewMemory()
			if err := m.CreateBucket(t.Context(), "igny8-all"); err != nil {
				t.Fatal(err)
			}
			p, err := storage.NewPrefixStore(m, "igny8-all")
			if err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"s3", func(t *testing.T) storage.Store { return s3test.Open(t) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b.open(t))
		})
	}
}

// newSite returns a fresh site id whose bucket is removed after the test.
func newSite(t *testing.T, s storage.Store) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	site := "t" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		bucket := storage.SiteBucket(site)
		if err := storage.EmptyBucket(ctx, s, bucket); err == nil {
			s.DeleteBucket(ctx, bucket)
		}
	})
	return site
}

// clock is a settable fake time, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 24, 19, 25, 1, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// clockStore reports the fake clock's time of each write as ModTime, so
// tests can age objects without waiting.
type clockStore struct {
	storage.Store
	clock *clock
	mu    sync.Mutex
	times map[string]time.Time
}

func newClockStore(s storage.Store, c *clock) *clockStore {
	return &clockStore{Store: s, clock: c, times: map[string]time.Time{}}
}

func (s *clockStore) fix(bucket string, info *storage.ObjectInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.times[bucket+"/"+info.Key]; ok {
		info.ModTime = t
	}
}

func (s *clockStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	now := s.clock.Now()
	info, err := s.Store.Put(ctx, bucket, key, r, size, opts)
	if err == nil {
		s.mu.Lock()
		s.times[bucket+"/"+key] = now
		s.mu.Unlock()
		info.ModTime = now
	}
	return info, err
}

// DeleteIfGeneration passes the inner store's conditional delete through,
// which embedding alone would hide.
func (s *clockStore) DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error {
	cd, ok := s.Store.(storage.ConditionalDeleter)
	if !ok {
		return errors.ErrUnsupported
	}
	return cd.DeleteIfGeneration(ctx, bucket, key, generation)
}

func (s *clockStore) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, err := s.Store.Stat(ctx, bucket, key)
	s.fix(bucket, &info)
	return info, err
}

func (s *clockStore) List(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	page, err := s.Store.List(ctx, bucket, opts)
	for i := range page.Objects {
		s.fix(bucket, &page.Objects[i])
	}
	return page, err
}

// failingStore fails every Put after the first n, like a killed upload.
type failingStore struct {
	storage.Store
	left atomic.Int64
}

var errKilled = errors.New("killed")

func (s *failingStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if s.left.Add(-1) < 0 {
		return storage.ObjectInfo{}, errKilled
	}
	return s.Store.Put(ctx, bucket, key, r, size, opts)
}

// countingStore counts Puts, and Stats of blobs.
type countingStore struct {
	storage.Store
	puts, stats atomic.Int64
}

func (s *countingStore) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	if strings.HasPrefix(key, deployer.BlobPrefix) {
		s.stats.Add(1)
	}
	return s.Store.Stat(ctx, bucket, key)
}

func (s *countingStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	s.puts.Add(1)
	return s.Store.Put(ctx, bucket, key, r, size, opts)
}

// read returns an object's bytes.
func read(t *testing.T, s storage.Store, site, key string) []byte {
	t.Helper()
	rc, _, err := s.Get(t.Context(), storage.SiteBucket(site), key, storage.GetOptions{})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mustDeploy deploys files given as path → content.
func mustDeploy(t *testing.T, d *deployer.Deployer, site string, files map[string]string, opts deployer.DeployOptions) (*deployer.Manifest, deployer.DeployStats) {
	t.Helper()
	m, st, err := d.Deploy(t.Context(), site, toFiles(files), opts)
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	return m, st
}

func toFiles(files map[string]string) []deployer.File {
	var list []deployer.File
	for p, c := range files {
		list = append(list, deployer.File{Path: p, Data: []byte(c)})
	}
	return list
}

// checkBlobs fails unless every blob of every ready deploy is stored.
func checkBlobs(t *testing.T, d *deployer.Deployer, s storage.Store, site string) {
	t.Helper()
	list, err := d.Deploys(t.Context(), site)
	if err != nil {
		t.Fatal(err)
	}
	for _, di := range list {
		m, err := d.ReadManifest(t.Context(), site, di.ID)
		if err != nil {
			t.Fatal(err)
		}
		for p, f := range m.Files {
			for _, enc := range append([]string{""}, f.Encodings...) {
				if _, err := s.Stat(t.Context(), storage.SiteBucket(site), deployer.BlobKey(f.SHA256, enc)); err != nil {
					t.Errorf("deploy %s file %s encoding %q: %v", di.ID, p, enc, err)
				}
			}
		}
	}
}

// leasesGone fails if a lease object is left in the site's bucket.
func leasesGone(t *testing.T, s storage.Store, site string) {
	t.Helper()
	for obj, err := range storage.All(t.Context(), s, storage.SiteBucket(site), deployer.LeasePrefix) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("lease %s left behind", obj.Key)
	}
}

func newMemory() storage.Store { return storagetest.NewMemory() }
