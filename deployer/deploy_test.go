package deployer_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/storage"
)

// testBundle is what most tests need: a deployer on a store whose object
// times follow a fake clock, and a fresh site.
type testBundle struct {
	d     *deployer.Deployer
	store *clockStore
	clock *clock
	site  string
}

func setup(t *testing.T, s storage.Store) *testBundle {
	t.Helper()
	c := newClock()
	cs := newClockStore(s, c)
	return &testBundle{
		d:     deployer.New(cs, testConfig(c)),
		store: cs,
		clock: c,
		site:  newSite(t, s),
	}
}

// testConfig is the Config of the tests' deployers: the fake clock, and a
// short lease poll, since a waiting deploy or Prune polls in real time.
func testConfig(c *clock) deployer.Config {
	return deployer.Config{Now: c.Now, Concurrency: 4, LeasePoll: time.Millisecond}
}

// on returns a deployer like tb.d on another store (a wrapper of tb.store).
func (tb *testBundle) on(s storage.Store) *deployer.Deployer {
	return deployer.New(s, testConfig(tb.clock))
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestDeploy(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		html := "<!doctype html><title>Home</title>" + strings.Repeat("<p>hello world</p>", 200)
		css := "body{color:red}" + strings.Repeat(".a{margin:0}", 50)
		cssPath := "css/site." + sum(css) + ".css"
		files := map[string]string{
			"index.html":       html,
			"copy/index.html":  html, // same bytes: one blob
			cssPath:            css,
			"img/logo.png":     "\x89PNG not really",
			"404.html":         "<p>not found</p>",
			"notes/plain.html": "x", // too small to gain from gzip
		}
		opts := deployer.DeployOptions{
			NotFound:  "404.html",
			URLPolicy: deployer.URLPolicy{TrailingSlash: "always"},
			Redirects: []rules.Redirect{{From: "/old", To: "/", Status: 301}},
			Build:     map[string]any{"pages": 3},
		}
		m, st := mustDeploy(t, tb.d, tb.site, files, opts)

		if got, want := m.DeployID[:17], "20261124T192501Z-"; got != want {
			t.Errorf("DeployID = %q, want prefix %q", m.DeployID, want)
		}
		if got, want := len(m.Files), len(files); got != want {
			t.Fatalf("len(Files) = %d, want %d", got, want)
		}
		idx := m.Files["index.html"]
		if got, want := idx.SHA256, sum(html); got != want {
			t.Errorf("index sha256 = %s, want %s", got, want)
		}
		if got, want := idx.ContentType, "text/html; charset=utf-8"; got != want {
			t.Errorf("index content type = %q, want %q", got, want)
		}
		if got, want := strings.Join(idx.Encodings, ","), "br,gzip"; got != want {
			t.Errorf("index encodings = %q, want %q", got, want)
		}
		if idx.Immutable {
			t.Error("index.html is immutable, want not")
		}
		if f := m.Files[cssPath]; !f.Immutable || f.ContentType != "text/css; charset=utf-8" {
			t.Errorf("css entry = %+v, want immutable text/css", f)
		}
		if f := m.Files["img/logo.png"]; len(f.Encodings) != 0 || f.ContentType != "image/png" {
			t.Errorf("png entry = %+v, want image/png without encodings", f)
		}
		if f := m.Files["notes/plain.html"]; len(f.Encodings) != 0 {
			t.Errorf("tiny file encodings = %v, want none", f.Encodings)
		}
		// 5 distinct contents + brotli and gzip of html and css.
		if got, want := st.BlobsUploaded, 9; got != want {
			t.Errorf("BlobsUploaded = %d, want %d", got, want)
		}
		if got, want := st.Files, 6; got != want {
			t.Errorf("Files = %d, want %d", got, want)
		}

		if got := read(t, s, tb.site, deployer.BlobKey(sum(html), "")); string(got) != html {
			t.Errorf("identity blob differs")
		}
		zr, err := gzip.NewReader(bytes.NewReader(read(t, s, tb.site, deployer.BlobKey(sum(html), deployer.EncodingGzip))))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := io.ReadAll(zr); string(got) != html {
			t.Errorf("gzip blob does not decompress to the file")
		}
		br := brotli.NewReader(bytes.NewReader(read(t, s, tb.site, deployer.BlobKey(sum(html), deployer.EncodingBrotli))))
		if got, _ := io.ReadAll(br); string(got) != html {
			t.Errorf("brotli blob does not decompress to the file")
		}
		got, err := tb.d.ReadManifest(t.Context(), tb.site, m.DeployID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NotFound != "404.html" || len(got.Redirects) != 1 || got.URLPolicy.TrailingSlash != "always" {
			t.Errorf("stored manifest = %+v, want the options kept", got)
		}

		// The same files again upload nothing.
		_, st = mustDeploy(t, tb.d, tb.site, files, opts)
		if st.BlobsUploaded != 0 || st.BlobsSkipped != 9 {
			t.Errorf("redeploy stats = %+v, want 0 uploaded, 9 skipped", st)
		}
	})
}

func TestDeployDelta(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		base, _ := mustDeploy(t, tb.d, tb.site, map[string]string{
			"index.html": "home v1", "about.html": "about", "old.html": "old",
		}, deployer.DeployOptions{})

		cs := &countingStore{Store: tb.store}
		d := deployer.New(cs, deployer.Config{Now: tb.clock.Now})
		m, st, err := d.Deploy(t.Context(), tb.site, toFiles(map[string]string{
			"index.html": "home v2", "new.html": "about", // new.html reuses a blob
		}), deployer.DeployOptions{Base: base.DeployID, Removed: []string{"old.html"}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.Base, base.DeployID; got != want {
			t.Errorf("Base = %q, want %q", got, want)
		}
		want := map[string]string{"index.html": "home v2", "about.html": "about", "new.html": "about"}
		if got := len(m.Files); got != len(want) {
			t.Errorf("len(Files) = %d, want %d: %v", got, len(want), m.Files)
		}
		for p, c := range want {
			if got := m.Files[p].SHA256; got != sum(c) {
				t.Errorf("%s sha256 = %s, want %s", p, got, sum(c))
			}
		}
		// The base's blobs are trusted, not looked at: the one skip is
		// new.html's blob, known from the base.
		if st.BlobsUploaded != 1 || st.BlobsSkipped != 1 || st.BlobsFreshened != 0 {
			t.Errorf("stats = %+v, want 1 uploaded, 1 skipped", st)
		}
		if got, want := cs.puts.Load(), int64(3); got != want { // the lease, one blob, the manifest
			t.Errorf("puts = %d, want %d", got, want)
		}
		if got := cs.stats.Load(); got != 0 {
			t.Errorf("stats of blobs = %d, want none", got)
		}
		checkBlobs(t, tb.d, s, tb.site)

		// Hours later the base's blobs are old; they are still not looked
		// at or rewritten.
		tb.clock.Add(2 * time.Hour)
		m2, st := mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "home v3"}, deployer.DeployOptions{Base: m.DeployID})
		if st.BlobsUploaded != 1 || st.BlobsFreshened != 0 || len(m2.Files) != 3 {
			t.Errorf("late delta: stats %+v, %d files; want 1 uploaded, 3 files", st, len(m2.Files))
		}
		checkBlobs(t, tb.d, s, tb.site)
		// A base that is gone cannot be built on.
		if err := s.Delete(t.Context(), storage.SiteBucket(tb.site), deployer.DeployKey(m2.DeployID)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := tb.d.Deploy(t.Context(), tb.site, nil, deployer.DeployOptions{Base: m2.DeployID}); igny8.ErrorCode(err) != igny8.ENotFound {
			t.Errorf("delta on a deleted base: error %v, want not_found", err)
		}
		leasesGone(t, s, tb.site)
	})
}

func TestDeployInvalid(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	tests := []struct {
		name  string
		files []deployer.File
		opts  deployer.DeployOptions
	}{
		{"leading slash", []deployer.File{{Path: "/a.html", Data: []byte("a")}}, deployer.DeployOptions{}},
		{"dot dot", []deployer.File{{Path: "../a.html", Data: []byte("a")}}, deployer.DeployOptions{}},
		{"unclean", []deployer.File{{Path: "a//b.html", Data: []byte("a")}}, deployer.DeployOptions{}},
		{"twice", []deployer.File{{Path: "a", Data: []byte("a")}, {Path: "a", Data: []byte("b")}}, deployer.DeployOptions{}},
		{"bad sha", []deployer.File{{Path: "a", Data: []byte("a"), SHA256: sum("b")}}, deployer.DeployOptions{}},
		{"bad size", []deployer.File{{Path: "a", Data: []byte("a"), Size: 2}}, deployer.DeployOptions{}},
		{"missing 404", []deployer.File{{Path: "a", Data: []byte("a")}}, deployer.DeployOptions{NotFound: "404.html"}},
		{"removed without base", nil, deployer.DeployOptions{Removed: []string{"a"}}},
		{"bad base", nil, deployer.DeployOptions{Base: "nope"}},
	}
	for _, tt := range tests {
		_, _, err := tb.d.Deploy(t.Context(), tb.site, tt.files, tt.opts)
		if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
			t.Errorf("%s: error %v, code %q, want %q", tt.name, err, got, want)
		}
	}
	if _, _, err := tb.d.Deploy(t.Context(), "Bad_Site", nil, deployer.DeployOptions{}); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("bad site id: error %v, want invalid", err)
	}
	_, _, err := tb.d.Deploy(t.Context(), tb.site, nil, deployer.DeployOptions{Base: "20261124T192501Z-00000000"})
	if got, want := igny8.ErrorCode(err), igny8.ENotFound; got != want {
		t.Errorf("missing base: error %v, code %q, want %q", err, got, want)
	}
	// The sha256 given, checked, is accepted in any case; Open is read.
	_, _, err = tb.d.Deploy(t.Context(), tb.site, []deployer.File{{
		Path: "a.txt", SHA256: strings.ToUpper(sum("a")), Size: 1,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("a")), nil },
	}}, deployer.DeployOptions{})
	if err != nil {
		t.Errorf("valid file with Open: %v", err)
	}
	openErr := errors.New("boom")
	_, _, err = tb.d.Deploy(t.Context(), tb.site, []deployer.File{{
		Path: "b.txt", Open: func() (io.ReadCloser, error) { return nil, openErr },
	}}, deployer.DeployOptions{})
	if !errors.Is(err, openErr) {
		t.Errorf("failing Open: error %v, want %v", err, openErr)
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	tests := []struct{ path, want string }{
		{"index.html", "text/html; charset=utf-8"},
		{"a/B.CSS", "text/css; charset=utf-8"},
		{"app.mjs", "text/javascript; charset=utf-8"},
		{"site.webmanifest", "application/manifest+json"},
		{"media/x.svg", "image/svg+xml"},
		{"font.woff2", "font/woff2"},
		{"README", "application/octet-stream"},
		{"data.unknown-ext", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := deployer.ContentType(tt.path); got != tt.want {
			t.Errorf("ContentType(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestImmutable marks only files whose name carries their own full sha256.
func TestImmutable(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	svg := "<svg/>"
	files := map[string]string{
		"media/x." + sum(svg) + ".svg":      svg,
		"media/y." + sum("other") + ".svg":  svg, // someone else's hash
		"media/z." + sum(svg)[:16] + ".svg": svg, // a short hash is not enough
		sum(svg) + "/index.html":            svg, // in a folder name only
	}
	m, _ := mustDeploy(t, tb.d, tb.site, files, deployer.DeployOptions{})
	for p, f := range m.Files {
		if want := p == "media/x."+sum(svg)+".svg"; f.Immutable != want {
			t.Errorf("%s: Immutable = %v, want %v", p, f.Immutable, want)
		}
	}
}

// TestVariants deploys many compressible files at once, so the encoders'
// reused writers serve several files each, and checks every variant
// against its own file.
func TestVariants(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	files := map[string]string{}
	for i := range 50 {
		files[fmt.Sprintf("p%d.html", i)] = strings.Repeat(fmt.Sprintf("<p>page %d, line %d</p>\n", i, i*i), 20+i)
	}
	m, _ := mustDeploy(t, tb.d, tb.site, files, deployer.DeployOptions{})
	for p, content := range files {
		e := m.Files[p]
		if got, want := strings.Join(e.Encodings, ","), "br,gzip"; got != want {
			t.Fatalf("%s encodings = %q, want %q", p, got, want)
		}
		zr, err := gzip.NewReader(bytes.NewReader(read(t, tb.store, tb.site, deployer.BlobKey(e.SHA256, deployer.EncodingGzip))))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(zr); err != nil || string(got) != content {
			t.Errorf("%s: gzip variant decompresses to another file (%v)", p, err)
		}
		br := brotli.NewReader(bytes.NewReader(read(t, tb.store, tb.site, deployer.BlobKey(e.SHA256, deployer.EncodingBrotli))))
		if got, err := io.ReadAll(br); err != nil || string(got) != content {
			t.Errorf("%s: brotli variant decompresses to another file (%v)", p, err)
		}
	}
}

// TestDeployLooksOnce checks how a deploy learns which blobs are stored: a
// first deploy lists the empty bucket and asks about no blob; a deploy into
// a bucket of many more blobs than it needs lists part of it and asks about
// the rest; either way each missing blob is uploaded and no stored one is.
func TestDeployLooksOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		cs := &countingStore{Store: tb.store}
		d := tb.on(cs)
		old := map[string]string{}
		for i := range 40 {
			old[fmt.Sprintf("f%d.txt", i)] = fmt.Sprintf("old %d", i)
		}
		if _, st, err := d.Deploy(t.Context(), tb.site, toFiles(old), deployer.DeployOptions{}); err != nil || st.BlobsUploaded != 40 {
			t.Fatalf("first deploy = %+v, %v, want 40 uploaded", st, err)
		}
		if got := cs.stats.Load(); got != 0 {
			t.Errorf("first deploy: %d Stats of blobs, want none", got)
		}
		for i := range 10 {
			files := map[string]string{"a.txt": fmt.Sprintf("old %d", i*4), "b.txt": fmt.Sprintf("new %d", i)}
			_, st, err := d.Deploy(t.Context(), tb.site, toFiles(files), deployer.DeployOptions{})
			if err != nil || st.BlobsUploaded != 1 || st.BlobsSkipped != 1 {
				t.Errorf("deploy %d = %+v, %v, want 1 uploaded, 1 skipped", i, st, err)
			}
		}
		if got := cs.stats.Load(); got == 0 || got > 20 {
			t.Errorf("small deploys into a big bucket: %d Stats of blobs, want some, at most one per blob", got)
		}
		checkBlobs(t, tb.d, s, tb.site)
	})
}
