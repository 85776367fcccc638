package edge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
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

// TestTortureConcurrentPromotes serves a site through a real HTTP server
// while a driver makes 50 promotes and rollbacks with the real deployer.
// Clients load pages and then every hashed asset they reference, named
// with the whole sha256 or with a short hash as Vite and webpack write
// them; each response must be 2xx (no asset 404 across a swap) and come
// from the page's own deploy (skew protection), with immutable caching
// only for the sha256 names, and every deploy must reach the clients.
func TestTortureConcurrentPromotes(t *testing.T) {
	if testing.Short() {
		t.Skip("torture test: skipped with -short")
	}
	for _, tc := range []struct {
		name string
		open func(t *testing.T) storage.Store
	}{
		{"memory", func(t *testing.T) storage.Store { return storagetest.NewMemory() }},
		{"fs", func(t *testing.T) storage.Store {
			s, err := fs.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"s3", func(t *testing.T) storage.Store { return s3test.Open(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) { runTorture(t, tc.name, tc.open(t)) })
	}
}

const (
	tortureSiteID   = "torture" // prefix of each run's site id
	tortureDeploys  = 6
	tortureUpfront  = 4 // deploys made before serving; the rest by the driver, while serving
	tortureSwaps    = 50
	tortureClients  = 6
	tortureBudget   = 45 * time.Second // per store: the driver must be done by then (about 10 s on an idle machine)
	tortureMaxDelay = 3 * time.Second  // longest a swap may take to reach a client
)

func runTorture(t *testing.T, name string, store storage.Store) {
	ctx, cancel := context.WithTimeout(t.Context(), tortureBudget+5*time.Second)
	defer cancel()
	started := time.Now()

	// A fresh site on every run: MinIO outlives the test, so its bucket
	// and route are removed after it.
	siteID := fmt.Sprintf("%s-%012x", tortureSiteID, rand.Uint64()>>16)
	host := siteID + ".sites.test"
	t.Cleanup(func() {
		ctx := context.Background()
		store.Delete(ctx, deployer.RoutesBucket, deployer.HostKey(host))
		if err := storage.EmptyBucket(ctx, store, storage.SiteBucket(siteID)); err == nil {
			store.DeleteBucket(ctx, storage.SiteBucket(siteID))
		}
	})

	// Routing and the site bucket.
	if err := store.CreateBucket(ctx, deployer.RoutesBucket); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		t.Fatal(err)
	}
	route := []byte(siteID)
	if _, err := store.Put(ctx, deployer.RoutesBucket, deployer.HostKey(host), bytes.NewReader(route), int64(len(route)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateBucket(ctx, storage.SiteBucket(siteID)); err != nil {
		t.Fatal(err)
	}

	dep := deployer.New(store, deployer.Config{Logger: tortureLogger(t)})
	var (
		idsMu sync.Mutex
		ids   = map[int]string{} // deploy number → deploy id
		nums  = map[string]int{} // deploy id → number
		sites = map[int]*tortureSite{}
	)
	numOf := func(id string) (int, bool) {
		idsMu.Lock()
		defer idsMu.Unlock()
		n, ok := nums[id]
		return n, ok
	}
	makeDeploy := func(n int) string {
		s := newTortureSite(n)
		m, _, err := dep.Deploy(ctx, siteID, s.files, deployer.DeployOptions{NotFound: "404.html"})
		if err != nil {
			t.Fatalf("deploy %d: %v", n, err)
		}
		for p, kind := range s.assets {
			// Only a name carrying the file's whole sha256 proves its
			// bytes; a short hash does not.
			if e := m.Files[p[1:]]; e.Immutable != (kind == hashFull) {
				t.Fatalf("deploy %d: asset %s (%s hash): immutable %v", n, p, kind, e.Immutable)
			}
		}
		idsMu.Lock()
		ids[n], nums[m.DeployID], sites[n] = m.DeployID, n, s
		idsMu.Unlock()
		return m.DeployID
	}
	for n := 1; n <= tortureUpfront; n++ {
		makeDeploy(n)
	}
	ref, err := dep.Promote(ctx, siteID, ids[1], "")
	if err != nil {
		t.Fatal(err)
	}

	srv := New(Config{
		Store:          store,
		SitesDomain:    "sites.test",
		Logger:         tortureLogger(t),
		PollInterval:   20 * time.Millisecond,
		CacheMaxObject: 8 << 10, // the 20 KiB photo is streamed with ranged reads
		SkewWindow:     time.Hour,
		SkewDeploys:    tortureDeploys + 2,
	})
	// Count the assets served from a retired deploy, by kind of name: a
	// response whose X-Deploy-Id is not the live deploy of the view the
	// request was served with (the same view before and after it).
	st := srv.site(siteID)
	viewNow := func() *view {
		st.mu.Lock()
		defer st.mu.Unlock()
		return st.view
	}
	var skewFull, skewShort atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		before := viewNow()
		srv.ServeHTTP(w, r)
		if before == nil || before.live == nil || viewNow() != before {
			return
		}
		if id := w.Header().Get("X-Deploy-Id"); id != "" && id != before.live.id {
			if fullHashRE.MatchString(r.URL.Path) {
				skewFull.Add(1)
			} else {
				skewShort.Add(1)
			}
		}
	}))
	defer hs.Close()
	client := &http.Client{
		Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4 * tortureClients},
		Timeout:   5 * time.Second,
	}
	defer client.CloseIdleConnections()

	var (
		fails                      = newTortureLog()
		requests, pages, assetReqs atomic.Int64
		stragglerPages             atomic.Int64
		stragglerAcross            atomic.Int64 // straggler pages whose assets were fetched after a swap
		observedMu                 sync.Mutex
		observed                   = map[string]int{} // deploy id → pages served live from it
	)
	swaps := newSwapState(ref.DeployID)

	// get fetches one URL, a page or an asset (what), and returns the
	// decoded body, X-Deploy-Id and Cache-Control, or records a failure.
	get := func(rctx context.Context, what, path, acceptEncoding string) ([]byte, string, string, bool) {
		requests.Add(1)
		req, err := http.NewRequestWithContext(rctx, "GET", hs.URL+path, nil)
		if err != nil {
			t.Error(err)
			return nil, "", "", false
		}
		req.Host = host
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		res, err := client.Do(req)
		if err != nil {
			if rctx.Err() == nil {
				fails.add("transport error", "GET %s: %v", path, err)
			}
			return nil, "", "", false
		}
		defer res.Body.Close()
		ce := res.Header.Get("Content-Encoding")
		body, err := decodeBody(res.Body, ce)
		if err != nil {
			fails.add("body error", "GET %s (AE %q, CE %q): %v", path, acceptEncoding, ce, err)
			return nil, "", "", false
		}
		if res.StatusCode < 200 || res.StatusCode > 299 {
			fails.add(what+" non-2xx", "GET %s: status %d, X-Deploy-Id %q, body %.80q", path, res.StatusCode, res.Header.Get("X-Deploy-Id"), body)
			return nil, "", "", false
		}
		if ce != "" && !strings.Contains(acceptEncoding, ce) {
			fails.add("bad encoding", "GET %s: Content-Encoding %q not accepted by %q", path, ce, acceptEncoding)
		}
		return body, res.Header.Get("X-Deploy-Id"), res.Header.Get("Cache-Control"), true
	}

	// checkBody checks a response's marker against its X-Deploy-Id.
	checkBody := func(path string, body []byte, deployID string) (int, bool) {
		n, err := marker(body)
		if err != nil {
			fails.add("bad marker", "GET %s: %v", path, err)
			return 0, false
		}
		if want, ok := numOf(deployID); !ok || want != n {
			fails.add("X-Deploy-Id mismatch", "GET %s: body of deploy=%d but X-Deploy-Id %q (deploy=%d, known %v)", path, n, deployID, want, ok)
			return n, false
		}
		return n, true
	}

	// loadPage loads one page and all its assets; beforeAssets, when set,
	// runs between the page and its assets.
	loadPage := func(rctx context.Context, page, ae string, beforeAssets func()) bool {
		epoch, _, _ := swaps.get()
		body, pageDeploy, _, ok := get(rctx, "page", page, ae)
		if !ok {
			return false
		}
		pages.Add(1)
		swaps.saw(epoch, pageDeploy)
		observedMu.Lock()
		observed[pageDeploy]++
		observedMu.Unlock()
		n, ok := checkBody(page, body, pageDeploy)
		if !ok {
			return false
		}
		refs := assetRefRE.FindAllSubmatch(body, -1)
		if len(refs) != tortureAssetsPerPage {
			fails.add("bad page", "GET %s: %d asset references, want %d", page, len(refs), tortureAssetsPerPage)
			return false
		}
		if beforeAssets != nil {
			beforeAssets()
		}
		for _, m := range refs {
			a := string(m[1])
			abody, aDeploy, cache, ok := get(rctx, "asset", a, ae)
			if !ok {
				continue
			}
			assetReqs.Add(1)
			an, _ := checkBody(a, abody, aDeploy)
			if an != n || aDeploy != pageDeploy {
				fails.add("mixed page", "page %s of deploy=%d (%s) got asset %s of deploy=%d (X-Deploy-Id %s)", page, n, pageDeploy, a, an, aDeploy)
			}
			if !nameMatches(a, abody) {
				fails.add("corrupt asset", "GET %s: body sha256 %s does not match its name (%d bytes)", a, hexSHA(abody), len(abody))
			}
			wantCache := cacheRevalid
			if fullHashRE.MatchString(a) {
				wantCache = cacheImmutable
			}
			if cache != wantCache {
				fails.add("bad Cache-Control", "GET %s (X-Deploy-Id %s): Cache-Control %q, want %q", a, aDeploy, cache, wantCache)
			}
		}
		return true
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	encodings := []string{"br", "gzip", "", "br, gzip", "gzip;q=1, br;q=0", "identity"}
	for i := range tortureClients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			ae := encodings[i%len(encodings)]
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				loadPage(ctx, torturePages[rng.IntN(len(torturePages))].url, ae, nil)
			}
		})
	}
	// The straggler holds each page until the driver has swapped the live
	// deploy at least once (sometimes twice) before fetching its assets:
	// every one of its pages exercises skew protection.
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(99, 7))
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			default:
			}
			waitSwaps := 1 + k%2
			across := false
			stragglerPages.Add(1)
			loadPage(ctx, torturePages[rng.IntN(len(torturePages))].url, encodings[k%len(encodings)], func() {
				for range waitSwaps {
					_, _, changed := swaps.get()
					select {
					case <-changed:
						across = true
					case <-stop:
						return
					case <-ctx.Done():
						return
					}
				}
				// Let the edge pick the swap up (Invalidate or polling).
				time.Sleep(30 * time.Millisecond)
			})
			if across {
				stragglerAcross.Add(1)
			}
		}
	})

	// The driver: promotes, undos and rollbacks to older deploys.
	type swapRecord struct {
		op         string
		to         string
		invalidate bool
		delay      time.Duration
	}
	var history []swapRecord
	driverErr := func() error {
		defer close(stop)
		rng := rand.New(rand.NewPCG(2026, 11))
		live, prev := ref.DeployID, ref.Previous
		nextNew := 2 // the next deploy number never made live yet
		deadline := time.Now().Add(tortureBudget)
		for k := 1; k <= tortureSwaps; k++ {
			if time.Now().After(deadline) {
				return fmt.Errorf("driver: only %d of %d swaps within %s", k-1, tortureSwaps, tortureBudget)
			}
			// Deploys 5 and 6 are made while the edge serves.
			if nextNew > tortureUpfront && ids[nextNew] == "" && nextNew <= tortureDeploys {
				makeDeploy(nextNew)
			}
			var (
				op  string
				res deployer.LiveRef
				err error
			)
			ready := func() []string {
				idsMu.Lock()
				defer idsMu.Unlock()
				var out []string
				for n := 1; n < nextNew; n++ {
					if ids[n] != live {
						out = append(out, ids[n])
					}
				}
				return out
			}()
			switch r := rng.IntN(10); {
			case nextNew <= tortureDeploys && (k%5 == 1 || len(ready) == 0):
				op = fmt.Sprintf("promote new deploy=%d", nextNew)
				res, err = dep.Promote(ctx, siteID, ids[nextNew], live)
				nextNew++
			case r < 3 && prev != "" && prev != live:
				op = "rollback undo"
				res, err = dep.Rollback(ctx, siteID, "")
			case r < 6:
				to := ready[rng.IntN(len(ready))]
				op = "rollback to older"
				res, err = dep.Rollback(ctx, siteID, to)
			default:
				to := ready[rng.IntN(len(ready))]
				op = "promote ready"
				res, err = dep.Promote(ctx, siteID, to, live)
			}
			if err != nil {
				return fmt.Errorf("swap %d (%s): %w", k, op, err)
			}
			if res.DeployID == live || res.Previous != live {
				return fmt.Errorf("swap %d (%s): live %s → %+v", k, op, live, res)
			}
			live, prev = res.DeployID, res.Previous
			epoch := swaps.swapped(live)
			invalidate := k%3 != 0
			if invalidate {
				srv.Invalidate(siteID)
			}
			// Wait for a client to load a page of the new deploy.
			waitUntil := time.Now().Add(tortureMaxDelay)
			for {
				if _, ok := swaps.delay(epoch); ok {
					break
				}
				if time.Now().After(waitUntil) {
					n, _ := numOf(live)
					return fmt.Errorf("swap %d (%s) to deploy=%d %s (invalidate %v) not seen by any client within %s",
						k, op, n, live, invalidate, tortureMaxDelay)
				}
				time.Sleep(time.Millisecond)
			}
			d, _ := swaps.delay(epoch)
			history = append(history, swapRecord{op: op, to: live, invalidate: invalidate, delay: d})
			time.Sleep(time.Duration(5+rng.IntN(30)) * time.Millisecond)
		}
		return nil
	}()
	wg.Wait()
	elapsed := time.Since(started)
	if driverErr != nil {
		t.Error(driverErr)
	}
	fails.report(t)

	// The final state is what every client sees.
	srv.Invalidate(siteID)
	final, err := dep.Live(ctx, siteID)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, _, ok := get(ctx, "page", "/", "br"); !ok || got != final.DeployID {
		t.Errorf("after the swaps: X-Deploy-Id = %q, want the live %q", got, final.DeployID)
	}

	// Counts.
	if got, min := pages.Load(), int64(100); got < min {
		t.Errorf("pages loaded = %d, want at least %d", got, min)
	}
	if got, min := requests.Load(), int64(500); got < min {
		t.Errorf("requests = %d, want at least %d", got, min)
	}
	if got, min := stragglerAcross.Load(), int64(10); got < min {
		t.Errorf("straggler pages whose assets were fetched after a swap = %d, want at least %d", got, min)
	}
	skew := srv.Metrics().skewHits.Load()
	if skewFull.Load() == 0 || skewShort.Load() == 0 {
		t.Errorf("assets served from a retired deploy: %d with sha256 names, %d with short hashes; want both: the test did not test skew protection",
			skewFull.Load(), skewShort.Load())
	}
	observedMu.Lock()
	for n := 1; n <= tortureDeploys; n++ {
		if observed[ids[n]] == 0 {
			t.Errorf("deploy=%d (%s) was never served live to a client", n, ids[n])
		}
	}
	observedMu.Unlock()
	if len(history) != tortureSwaps && driverErr == nil {
		t.Errorf("swaps made = %d, want %d", len(history), tortureSwaps)
	}

	var invDelays, pollDelays []time.Duration
	ops := map[string]int{}
	for _, h := range history {
		ops[strings.Fields(h.op)[0]+" "+strings.Fields(h.op)[1]]++
		if h.invalidate {
			invDelays = append(invDelays, h.delay)
		} else {
			pollDelays = append(pollDelays, h.delay)
		}
	}
	t.Logf("%s in %s: %d requests (%d pages, %d assets), %d straggler pages (%d across a swap), %d skew hits "+
		"(%d sha256 names, %d short hashes), %d page and %d asset non-2xx, %d mixed pages, %d swaps %v; "+
		"delay to first client: invalidate max %s, poll max %s",
		name, elapsed.Round(time.Millisecond), requests.Load(), pages.Load(), assetReqs.Load(),
		stragglerPages.Load(), stragglerAcross.Load(), skew, skewFull.Load(), skewShort.Load(),
		fails.count("page non-2xx"), fails.count("asset non-2xx"), fails.count("mixed page"),
		len(history), ops, maxDur(invDelays), maxDur(pollDelays))
	if fails.count("mixed page") > 0 || fails.count("page non-2xx") > 0 || fails.count("asset non-2xx") > 0 {
		t.Logf("swap history: %v", history)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("the test ran out of its time budget")
	}
}

func maxDur(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return slices.Max(ds).Round(100 * time.Microsecond)
}
