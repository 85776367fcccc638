package edge

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/storagetest"
)

// fixture is an in-memory store with helpers that write the deploy layout
// directly (the deployer is not used, only its committed contract).
type fixture struct {
	tb    testing.TB
	store *storagetest.Memory
	gen   int64
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := &fixture{tb: tb, store: storagetest.NewMemory()}
	if err := f.store.CreateBucket(context.Background(), deployer.RoutesBucket); err != nil {
		tb.Fatal(err)
	}
	return f
}

func (f *fixture) put(bucket, key string, data []byte) {
	f.tb.Helper()
	ctx := context.Background()
	if err := f.store.CreateBucket(ctx, bucket); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		f.tb.Fatal(err)
	}
	if _, err := f.store.Put(ctx, bucket, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
		f.tb.Fatal(err)
	}
}

// route routes host to siteID.
func (f *fixture) route(host, siteID string) {
	f.put(deployer.RoutesBucket, deployer.HostKey(host), []byte(siteID))
	f.put(storage.SiteBucket(siteID), ".keep", nil)
}

// file describes one file of a test deploy.
type file struct {
	body      string
	ctype     string
	immutable bool
	encoded   map[string]string // encoding → stored variant bytes
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// deploy writes the blobs and manifest of a deploy; edit may adjust the
// manifest before it is written.
func (f *fixture) deploy(siteID, deployID string, files map[string]file, edit func(*deployer.Manifest)) *deployer.Manifest {
	f.tb.Helper()
	bucket := storage.SiteBucket(siteID)
	m := &deployer.Manifest{
		Version: deployer.ManifestVersion, DeployID: deployID, SiteID: siteID,
		Files: map[string]deployer.FileEntry{}, URLPolicy: deployer.URLPolicy{TrailingSlash: "always"},
	}
	for p, fl := range files {
		sha := sum(fl.body)
		f.put(bucket, deployer.BlobKey(sha, ""), []byte(fl.body))
		e := deployer.FileEntry{SHA256: sha, Size: int64(len(fl.body)), ContentType: fl.ctype, Immutable: fl.immutable}
		for _, enc := range []string{deployer.EncodingBrotli, deployer.EncodingGzip} {
			if v, ok := fl.encoded[enc]; ok {
				f.put(bucket, deployer.BlobKey(sha, enc), []byte(v))
				e.Encodings = append(e.Encodings, enc)
			}
		}
		m.Files[p] = e
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		f.tb.Fatal(err)
	}
	f.put(bucket, deployer.DeployKey(deployID), b)
	return m
}

// promote points the site's refs/live at deployID.
func (f *fixture) promote(siteID, deployID, previous string, at time.Time) {
	f.tb.Helper()
	f.gen++
	b, _ := json.Marshal(deployer.LiveRef{DeployID: deployID, Generation: f.gen, Previous: previous, UpdatedAt: at})
	f.put(storage.SiteBucket(siteID), deployer.LiveKey, b)
}

// clock is a settable Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// countingStore counts the calls made to a Store and can be made to fail.
type countingStore struct {
	storage.Store
	calls atomic.Int64
	fail  atomic.Bool
}

func (c *countingStore) Get(ctx context.Context, bucket, key string, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	c.calls.Add(1)
	if c.fail.Load() {
		return nil, storage.ObjectInfo{}, errors.New("store down")
	}
	return c.Store.Get(ctx, bucket, key, opts)
}

func (c *countingStore) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	c.calls.Add(1)
	return c.Store.Stat(ctx, bucket, key)
}

func (c *countingStore) List(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	c.calls.Add(1)
	return c.Store.List(ctx, bucket, opts)
}

// testBundle is a server over a fixture with one site, "site1" at
// "a.example.com", serving deploy "d1".
type testBundle struct {
	f     *fixture
	store *countingStore
	clock *clock
	srv   *Server
}

// basicFiles is the content of deploy d1.
func basicFiles() map[string]file {
	return map[string]file{
		"index.html":          {body: "<h1>home</h1>", ctype: "text/html; charset=utf-8", encoded: map[string]string{"br": "BR:home", "gzip": "GZ:home"}},
		"about/index.html":    {body: "<h1>about</h1>", ctype: "text/html; charset=utf-8"},
		"404.html":            {body: "root 404", ctype: "text/html; charset=utf-8"},
		"blog/404.html":       {body: "blog 404", ctype: "text/html; charset=utf-8"},
		"blog/post.html":      {body: "post", ctype: "text/html; charset=utf-8"},
		"css/site.abc123.css": {body: "body{}", ctype: "text/css; charset=utf-8", immutable: true},
		"data.txt":            {body: "0123456789", ctype: "text/plain; charset=utf-8", encoded: map[string]string{"gzip": "GZ:digits"}},
		"raw":                 {body: "no type"},
	}
}

func setup(tb testing.TB, edit func(*Config)) *testBundle {
	tb.Helper()
	f := newFixture(tb)
	f.route("a.example.com", "site1")
	f.deploy("site1", "d1", basicFiles(), nil)
	c := newClock()
	f.promote("site1", "d1", "", c.Now())
	cs := &countingStore{Store: f.store}
	cfg := Config{Store: cs, SitesDomain: "sites.test", Logger: testLogger(tb), Now: c.Now, PollInterval: 2 * time.Second}
	if edit != nil {
		edit(&cfg)
	}
	return &testBundle{f: f, store: cs, clock: c, srv: New(cfg)}
}

// do sends a request to h; header is "Name: value" lines.
func do(tb testing.TB, h http.Handler, method, target string, header ...string) *http.Response {
	tb.Helper()
	r := httptest.NewRequest(method, target, nil)
	for _, kv := range header {
		k, v, _ := strings.Cut(kv, ":")
		r.Header.Set(k, strings.TrimSpace(v))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(tb testing.TB, res *http.Response) string {
	tb.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// testLogger returns a logger writing to tb.Log.
func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// slogTo returns a text logger writing to w.
func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// newRawRequest builds a GET for origin with a raw request target, as a
// server would parse it off the wire.
func newRawRequest(tb testing.TB, target string) *http.Request {
	tb.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: a.example.com\r\n\r\n")))
	if err != nil {
		tb.Fatalf("parse %q: %v", target, err)
	}
	return r
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
