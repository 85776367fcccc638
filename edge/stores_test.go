package edge

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/fs"
	"github.com/igny8/igny8/storage/s3/s3test"
	"github.com/igny8/igny8/storage/storagetest"
)

// eachStore runs test against the memory fake, a folder (storage/fs) and
// MinIO (storage/s3) when the environment names one: s3test skips without
// IGNY8_TEST_S3_ENDPOINT, except under CI=true, where it fails.
func eachStore(t *testing.T, test func(t *testing.T, s storage.Store)) {
	t.Helper()
	for _, b := range []struct {
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
		{"s3", func(t *testing.T) storage.Store { return s3test.Open(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b.open(t))
		})
	}
}

// storeSite is one site deployed with the real deployer to a store and
// served by an edge over loopback TCP, through NewHTTPServer and
// NewListener as in production.
type storeSite struct {
	t      *testing.T
	ctx    context.Context
	store  storage.Store
	dep    *deployer.Deployer
	srv    *Server
	id     string // site id, also its slug
	host   string
	base   string
	client *http.Client
}

// newStoreSite routes <id>.sites.test to a fresh site id on store, whose
// bucket and route are removed after the test (MinIO outlives it).
func newStoreSite(t *testing.T, store storage.Store) *storeSite {
	t.Helper()
	ctx := t.Context()
	var rnd [6]byte
	rand.Read(rnd[:])
	id := "e" + hex.EncodeToString(rnd[:])
	s := &storeSite{
		t: t, ctx: ctx, store: store, id: id, host: id + ".sites.test",
		dep: deployer.New(store, deployer.Config{Logger: tortureLogger(t)}),
		// The edge polls once an hour here: every change reaches it by
		// Invalidate, so no test waits on a clock.
		srv: New(Config{
			Store: store, SitesDomain: "sites.test", Logger: tortureLogger(t),
			PollInterval: time.Hour, CacheMaxObject: 8 << 10,
		}),
		client: &http.Client{
			Transport:     &http.Transport{DisableCompression: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	if err := store.CreateBucket(ctx, deployer.RoutesBucket); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		t.Fatal(err)
	}
	key := deployer.HostKey(s.host)
	if _, err := store.Put(ctx, deployer.RoutesBucket, key, strings.NewReader(id), int64(len(id)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.client.CloseIdleConnections()
		ctx := context.Background()
		store.Delete(ctx, deployer.RoutesBucket, key)
		bucket := storage.SiteBucket(id)
		if err := storage.EmptyBucket(ctx, store, bucket); err == nil {
			store.DeleteBucket(ctx, bucket)
		}
	})
	s.base = serveTCP(t, s.srv, NewListener)
	return s
}

// deploy deploys files (path → content) and returns the manifest.
func (s *storeSite) deploy(files map[string]string, opts deployer.DeployOptions) *deployer.Manifest {
	s.t.Helper()
	var fl []deployer.File
	for p, data := range files {
		fl = append(fl, deployer.File{Path: p, Data: []byte(data)})
	}
	m, _, err := s.dep.Deploy(s.ctx, s.id, fl, opts)
	if err != nil {
		s.t.Fatal(err)
	}
	return m
}

// get sends a request for path to host (the site's when ""), header being
// "Name: value" lines, and returns the response with its body read.
func (s *storeSite) get(method, host, path string, header ...string) (*http.Response, []byte) {
	s.t.Helper()
	req, err := http.NewRequestWithContext(s.ctx, method, s.base+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Host = s.host
	if host != "" {
		req.Host = host
	}
	for _, kv := range header {
		k, v, _ := strings.Cut(kv, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return res, b
}

// decode undoes a response's Content-Encoding.
func decode(t *testing.T, res *http.Response, b []byte) string {
	t.Helper()
	var r io.Reader
	switch enc := res.Header.Get("Content-Encoding"); enc {
	case "":
		return string(b)
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// storeFiles is the content of a deploy numbered n: a page worth
// compressing, a hashed stylesheet, a photo larger than the edge's
// CacheMaxObject (read from the store with ranged Gets) and a 404 page.
func storeFiles(n int) (files map[string]string, css string) {
	home := fmt.Sprintf("<!doctype html><title>deploy %d</title>\n", n) + strings.Repeat("<p>lorem ipsum dolor</p>\n", 100)
	style := fmt.Sprintf("/* deploy %d */ body{margin:0}\n", n) + strings.Repeat(".a{color:red}\n", 40)
	css = hashedName("css", "site", "css", []byte(style))
	return map[string]string{
		"index.html":       home,
		"about/index.html": fmt.Sprintf("about %d", n),
		"404.html":         fmt.Sprintf("not found %d", n),
		css:                style,
		"media/photo.png":  string(bigAsset(n, 20<<10)),
	}, "/" + css
}

// TestStoresDeployServe deploys with the real deployer and serves every
// kind of response through the edge, on each store.
func TestStoresDeployServe(t *testing.T) {
	eachStore(t, func(t *testing.T, store storage.Store) {
		s := newStoreSite(t, store)
		files, css := storeFiles(1)
		m := s.deploy(files, deployer.DeployOptions{NotFound: "404.html"})
		if _, err := s.dep.Promote(s.ctx, s.id, m.DeployID, ""); err != nil {
			t.Fatal(err)
		}

		for _, enc := range []string{"br", "gzip", ""} {
			res, b := s.get("GET", "", "/", "Accept-Encoding: "+enc)
			if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != enc || decode(t, res, b) != files["index.html"] {
				t.Errorf("GET / (%q): %d, Content-Encoding %q, %d bytes; want 200, %q and the page", enc, res.StatusCode, res.Header.Get("Content-Encoding"), len(b), enc)
			}
			if got := res.Header.Get("X-Deploy-Id"); got != m.DeployID {
				t.Errorf("X-Deploy-Id = %q, want %s", got, m.DeployID)
			}
			etag := res.Header.Get("ETag")
			if res, _ := s.get("GET", "", "/", "Accept-Encoding: "+enc, "If-None-Match: "+etag); res.StatusCode != http.StatusNotModified {
				t.Errorf("GET / (%q) If-None-Match %s: %d, want 304", enc, etag, res.StatusCode)
			}
		}
		res, b := s.get("GET", "", css)
		if res.StatusCode != 200 || string(b) != files[css[1:]] || res.Header.Get("Cache-Control") != cacheImmutable {
			t.Errorf("GET %s: %d, Cache-Control %q", css, res.StatusCode, res.Header.Get("Cache-Control"))
		}

		photo := files["media/photo.png"]
		if res, b := s.get("GET", "", "/media/photo.png"); res.StatusCode != 200 || string(b) != photo {
			t.Errorf("GET the streamed photo: %d, %d bytes, want 200 and %d", res.StatusCode, len(b), len(photo))
		}
		res, b = s.get("GET", "", "/media/photo.png", "Range: bytes=10000-10099")
		if res.StatusCode != http.StatusPartialContent || string(b) != photo[10000:10100] {
			t.Errorf("range of the streamed photo: %d %q", res.StatusCode, b)
		}
		if res, _ := s.get("GET", "", "/media/photo.png", "Range: bytes=30000-"); res.StatusCode != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("range past the end: %d, want 416", res.StatusCode)
		}
		if res, b := s.get("HEAD", "", "/media/photo.png"); res.StatusCode != 200 || len(b) != 0 || res.ContentLength != int64(len(photo)) {
			t.Errorf("HEAD: %d, Content-Length %d, body %d bytes", res.StatusCode, res.ContentLength, len(b))
		}
		// The deployer's default URL policy serves /about/ at both URLs.
		for _, p := range []string{"/about", "/about/"} {
			if res, b := s.get("GET", "", p); res.StatusCode != 200 || string(b) != "about 1" {
				t.Errorf("GET %s: %d %q, want 200 and the about page", p, res.StatusCode, b)
			}
		}
		if res, _ := s.get("GET", "", "/about/./"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/about/" {
			t.Errorf("GET /about/./: %d to %q, want 301 to /about/", res.StatusCode, res.Header.Get("Location"))
		}
		if res, b := s.get("GET", "", "/nope/x"); res.StatusCode != 404 || string(b) != "not found 1" {
			t.Errorf("GET /nope/x: %d %q, want 404 and the 404 page", res.StatusCode, b)
		}
		if res, _ := s.get("GET", "", "/deploys/"+m.DeployID+".json"); res.StatusCode != 404 {
			t.Errorf("the manifest is reachable: %d", res.StatusCode)
		}
	})
}

// TestStoresRulesRollbackPreview: a deploy's _redirects and _headers, a
// promote and a rollback (with skew protection for the replaced deploy's
// assets) and a password-protected preview, on each store.
func TestStoresRulesRollbackPreview(t *testing.T) {
	eachStore(t, func(t *testing.T, store storage.Store) {
		s := newStoreSite(t, store)
		files1, _ := storeFiles(1)
		first := s.deploy(files1, deployer.DeployOptions{NotFound: "404.html"})
		if _, err := s.dep.Promote(s.ctx, s.id, first.DeployID, ""); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.get("GET", "", "/"); res.Header.Get("X-Deploy-Id") != first.DeployID {
			t.Fatalf("X-Deploy-Id = %q, want %s", res.Header.Get("X-Deploy-Id"), first.DeployID)
		}

		redirects, err := rules.ParseRedirects(strings.NewReader("/old /about/ 301\n/app/* /index.html 200\n"), "_redirects")
		if err != nil {
			t.Fatal(err)
		}
		headers, err := rules.ParseHeaders(strings.NewReader("/*\n  X-Site: golden\n"))
		if err != nil {
			t.Fatal(err)
		}
		files2, css2 := storeFiles(2)
		second := s.deploy(files2, deployer.DeployOptions{NotFound: "404.html", Redirects: redirects, Headers: headers})
		if _, err := s.dep.Promote(s.ctx, s.id, second.DeployID, first.DeployID); err != nil {
			t.Fatal(err)
		}
		s.srv.Invalidate(s.id)

		t.Run("rules", func(t *testing.T) {
			res, _ := s.get("GET", "", "/old?x=1")
			if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/about/?x=1" {
				t.Errorf("GET /old: %d to %q, want 301 to /about/?x=1", res.StatusCode, res.Header.Get("Location"))
			}
			res, b := s.get("GET", "", "/app/deep/link")
			if res.StatusCode != 200 || string(b) != files2["index.html"] {
				t.Errorf("200 rewrite: %d, %d bytes", res.StatusCode, len(b))
			}
			for _, p := range []string{"/", "/old", css2, "/nope"} {
				if res, _ := s.get("GET", "", p); res.Header.Get("X-Site") != "golden" || res.Header.Get("X-Deploy-Id") != second.DeployID {
					t.Errorf("GET %s: X-Site %q, X-Deploy-Id %q", p, res.Header.Get("X-Site"), res.Header.Get("X-Deploy-Id"))
				}
			}
		})

		t.Run("rollback", func(t *testing.T) {
			ref, err := s.dep.Rollback(s.ctx, s.id, "")
			if err != nil {
				t.Fatal(err)
			}
			if ref.DeployID != first.DeployID {
				t.Fatalf("rolled back to %s, want %s", ref.DeployID, first.DeployID)
			}
			s.srv.Invalidate(s.id)
			res, b := s.get("GET", "", "/")
			if res.Header.Get("X-Deploy-Id") != first.DeployID || string(b) != files1["index.html"] {
				t.Errorf("after rollback: X-Deploy-Id %q, want %s", res.Header.Get("X-Deploy-Id"), first.DeployID)
			}
			// The rules went back with the content.
			if res, _ := s.get("GET", "", "/old"); res.StatusCode != 404 || res.Header.Get("X-Site") != "" {
				t.Errorf("after rollback /old: %d, X-Site %q; want 404 and no header rule", res.StatusCode, res.Header.Get("X-Site"))
			}
			// A page of the replaced deploy still gets its hashed assets.
			res, b = s.get("GET", "", css2)
			if res.StatusCode != 200 || string(b) != files2[css2[1:]] || res.Header.Get("X-Deploy-Id") != second.DeployID {
				t.Errorf("skew asset %s: %d, X-Deploy-Id %q", css2, res.StatusCode, res.Header.Get("X-Deploy-Id"))
			}
		})

		t.Run("preview", func(t *testing.T) {
			// Password checks (bcrypt, slow under -race) are the edge's
			// alone and tested in preview_test.go; here the store serves
			// a deploy that is not live.
			files3, _ := storeFiles(3)
			third := s.deploy(files3, deployer.DeployOptions{NotFound: "404.html", Preview: &deployer.PreviewOptions{ExpiresAt: time.Now().Add(time.Hour)}})
			host := deployer.PreviewHost(third.DeployID, s.id, "sites.test")
			res, b := s.get("GET", host, "/")
			if res.StatusCode != 200 || string(b) != files3["index.html"] || res.Header.Get("X-Deploy-Id") != third.DeployID {
				t.Errorf("preview: %d, X-Deploy-Id %q, want 200 from %s", res.StatusCode, res.Header.Get("X-Deploy-Id"), third.DeployID)
			}
			if res, b := s.get("GET", host, "/nope"); res.StatusCode != 404 || string(b) != "not found 3" {
				t.Errorf("preview 404: %d %q, want the preview's 404 page", res.StatusCode, b)
			}
			if got := res.Header.Get("X-Robots-Tag"); got != "noindex, nofollow" {
				t.Errorf("preview X-Robots-Tag = %q", got)
			}
			if res, _ := s.get("GET", "", "/"); res.Header.Get("X-Deploy-Id") != first.DeployID {
				t.Errorf("a preview changed the live site: %q", res.Header.Get("X-Deploy-Id"))
			}
		})
	})
}
