package deployer_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// The tests below force the interleavings of the lease protocol (lease.go):
// a deploy D puts its lease (D1) and then reads the GC lease (D2); a Prune
// P puts the GC lease (P1) and then lists the deploy leases (P2). Each
// deploy reuses an old blob ("reused") of deploy A, which the Prune drops,
// so a Prune that deleted it under a deploy would leave a ready deploy
// without its blob, which checkBlobs catches.

// events records, in order, steps taken by concurrent actors.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

// first returns the index of the first event that starts with prefix, or -1.
func (e *events) first(prefix string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, s := range e.list {
		if strings.HasPrefix(s, prefix) {
			return i
		}
	}
	return -1
}

var reusedKey = deployer.BlobKey(sum("reused"), "")

// signal returns a function that closes ch once.
func signal(ch chan struct{}) func() {
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

// TestPruneWhileDeploying: D2 before P1. A whole Prune runs at each point of
// a deploy after its check of the GC lease: it must delete nothing.
func TestPruneWhileDeploying(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		points := []struct {
			name string
			hook func(hs *hookStore, run func())
		}{
			{"after the GC lease check", func(hs *hookStore, run func()) {
				hs.afterGet = func(key string) {
					if key == deployer.GCLeaseKey {
						run()
					}
				}
			}},
			{"after finding the reused blob listed", func(hs *hookStore, run func()) {
				hs.afterList = func(prefix string) {
					if prefix == deployer.BlobPrefix {
						run()
					}
				}
			}},
			{"after uploading a blob", func(hs *hookStore, run func()) {
				hs.afterPut = func(key string) {
					if strings.HasPrefix(key, deployer.BlobPrefix) {
						run()
					}
				}
			}},
		}
		for _, pt := range points {
			t.Run(pt.name, func(t *testing.T) {
				tb := setup(t, s)
				oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
				var once sync.Once
				hs := &hookStore{Store: tb.store}
				pt.hook(hs, func() {
					once.Do(func() {
						st, err := tb.d.Prune(t.Context(), tb.site, keepOne)
						if !errors.Is(err, deployer.ErrDeploysInProgress) || st.DeploysDeleted+st.BlobsDeleted != 0 {
							t.Errorf("Prune = %+v, %v, want %v and nothing deleted", st, err, deployer.ErrDeploysInProgress)
						}
					})
				})
				m, _, err := tb.on(hs).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused", "z.txt": "new"}), deployer.DeployOptions{})
				if err != nil {
					t.Fatal(err)
				}
				// Once the deploy is done, Prune drops A but keeps its blob.
				if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil || st.DeploysDeleted != 1 {
					t.Errorf("Prune after the deploy = %+v, %v, want A deleted", st, err)
				}
				if _, err := tb.d.ReadManifest(t.Context(), tb.site, m.DeployID); err != nil {
					t.Error(err)
				}
				checkBlobs(t, tb.d, s, tb.site)
				leasesGone(t, s, tb.site)
			})
		}
	})
}

// TestDeployWaitsForPrune: D2 after P1. A deploy starts at each point of a
// Prune after it took the GC lease: the deploy must look at no blob until
// the Prune is over, then store again the blob it deleted.
func TestDeployWaitsForPrune(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		points := []struct {
			name string
			hook func(hs *hookStore, run func())
		}{
			{"after listing the deploy leases", func(hs *hookStore, run func()) {
				hs.afterList = func(prefix string) {
					if prefix == deployer.DeployLeasePrefix {
						run()
					}
				}
			}},
			{"between checking a blob and deleting it", func(hs *hookStore, run func()) {
				hs.afterStat = func(key string) {
					if key == reusedKey {
						run()
					}
				}
			}},
		}
		for _, pt := range points {
			t.Run(pt.name, func(t *testing.T) {
				tb := setup(t, s)
				oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
				var ev events
				type result struct {
					st  deployer.DeployStats
					err error
				}
				done := make(chan result, 1)
				seen := make(chan struct{})
				seenOnce := signal(seen)
				hsD := &hookStore{Store: tb.store}
				hsD.afterGet = func(key string) {
					if key == deployer.GCLeaseKey {
						seenOnce()
					}
				}
				hsD.afterStat = func(key string) { ev.add("deploy looks at " + key) }
				hsD.afterList = func(prefix string) { ev.add("deploy lists " + prefix) }
				hsD.afterPut = func(key string) {
					if strings.HasPrefix(key, deployer.BlobPrefix) {
						ev.add("deploy puts " + key)
					}
				}
				var once sync.Once
				hsP := &hookStore{Store: tb.store}
				pt.hook(hsP, func() {
					once.Do(func() {
						go func() {
							_, st, err := tb.on(hsD).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused"}), deployer.DeployOptions{})
							done <- result{st, err}
						}()
						<-seen // the deploy found the GC lease
					})
				})
				hsP.afterDelete = func(key string) {
					if key == deployer.GCLeaseKey {
						ev.add("gc lease released")
					}
				}
				st, err := tb.on(hsP).Prune(t.Context(), tb.site, keepOne)
				if err != nil || st.BlobsDeleted == 0 {
					t.Errorf("Prune = %+v, %v, want the old blobs deleted", st, err)
				}
				r := <-done
				if r.err != nil || r.st.BlobsUploaded != 1 {
					t.Errorf("Deploy = %+v, %v, want the reused blob stored again", r.st, r.err)
				}
				released := ev.first("gc lease released")
				for _, step := range []string{"deploy lists", "deploy looks", "deploy puts"} {
					if i := ev.first(step); i >= 0 && i < released {
						t.Errorf("%q before the Prune ended: %q", step, ev.list)
					}
				}
				checkBlobs(t, tb.d, s, tb.site)
				leasesGone(t, s, tb.site)
			})
		}
	})
}

// TestDeltaWaitsForPrune: a delta deploy on a base that a Prune drops starts
// while the Prune holds its lease: it reads its base only after the Prune,
// finds it gone and fails, rather than trust blobs that were deleted.
func TestDeltaWaitsForPrune(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		a, _, _ := oldSite(t, tb, map[string]string{"index.html": "a", "kept.txt": "reused", "big.css": strings.Repeat("p{margin:0}", 100)})
		done := make(chan error, 1)
		seen := make(chan struct{})
		seenOnce := signal(seen)
		hsD := &hookStore{Store: tb.store}
		hsD.afterGet = func(key string) {
			if key == deployer.GCLeaseKey {
				seenOnce()
			}
		}
		var once sync.Once
		hsP := &hookStore{Store: tb.store}
		hsP.afterList = func(prefix string) {
			if prefix == deployer.DeployPrefix {
				once.Do(func() {
					go func() {
						_, _, err := tb.on(hsD).Deploy(t.Context(), tb.site, toFiles(map[string]string{"index.html": "d"}), deployer.DeployOptions{Base: a.DeployID})
						done <- err
					}()
					<-seen
				})
			}
		}
		st, err := tb.on(hsP).Prune(t.Context(), tb.site, keepOne)
		if err != nil || st.DeploysDeleted != 1 || st.BlobsDeleted == 0 {
			t.Errorf("Prune = %+v, %v, want the base and its blobs deleted", st, err)
		}
		if err := <-done; igny8.ErrorCode(err) != igny8.ENotFound {
			t.Errorf("delta on the pruned base: error %v, want not_found", err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestPruneWaitsForDeploys: with Retention.Wait, a Prune that finds a deploy
// in progress waits for it to end, then keeps its blobs.
func TestPruneWaitsForDeploys(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		holding, release := make(chan struct{}), make(chan struct{})
		holdingOnce := signal(holding)
		hsD := &hookStore{Store: tb.store}
		hsD.afterList = func(prefix string) {
			if prefix == deployer.BlobPrefix {
				holdingOnce()
				<-release
			}
		}
		done := make(chan error, 1)
		go func() {
			_, _, err := tb.on(hsD).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused"}), deployer.DeployOptions{})
			done <- err
		}()
		<-holding // the deploy holds its lease and found the reused blob
		polled := make(chan struct{})
		polledOnce := signal(polled)
		hsP := &hookStore{Store: tb.store}
		hsP.afterList = func(prefix string) {
			if prefix == deployer.DeployLeasePrefix {
				polledOnce()
			}
		}
		type result struct {
			st  deployer.PruneStats
			err error
		}
		pruned := make(chan result, 1)
		go func() {
			r := keepOne
			r.Wait = time.Hour // on the fake clock: until the deploy ends
			st, err := tb.on(hsP).Prune(t.Context(), tb.site, r)
			pruned <- result{st, err}
		}()
		<-polled // the Prune found the deploy's lease
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if r := <-pruned; r.err != nil || r.st.DeploysDeleted != 1 {
			t.Errorf("Prune = %+v, %v, want A deleted", r.st, r.err)
		}
		if _, err := s.Stat(t.Context(), storage.SiteBucket(tb.site), reusedKey); err != nil {
			t.Errorf("reused blob: %v", err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestConcurrentPrunes: a Prune that finds another one's lease gives up.
func TestConcurrentPrunes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		var once sync.Once
		hs := &hookStore{Store: tb.store}
		hs.afterList = func(prefix string) {
			if prefix == deployer.DeployLeasePrefix {
				once.Do(func() {
					if _, err := tb.d.Prune(t.Context(), tb.site, keepOne); !errors.Is(err, deployer.ErrGCInProgress) {
						t.Errorf("second Prune: error %v, want %v", err, deployer.ErrGCInProgress)
					}
				})
			}
		}
		if st, err := tb.on(hs).Prune(t.Context(), tb.site, keepOne); err != nil || st.DeploysDeleted != 1 {
			t.Errorf("Prune = %+v, %v, want A deleted", st, err)
		}
		leasesGone(t, s, tb.site)
	})
}

// TestCrashedPrune: a Prune killed before it released its lease holds
// deploys back until the lease expires; then a deploy goes ahead and the
// next Prune takes the lease over.
func TestCrashedPrune(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		crashed := &hookStore{Store: tb.store, drop: func(key string) bool { return key == deployer.GCLeaseKey }}
		if _, err := tb.on(crashed).Prune(t.Context(), tb.site, keepOne); err != nil {
			t.Fatal(err)
		}
		var ev events
		seen := make(chan struct{})
		seenOnce := signal(seen)
		hsD := &hookStore{Store: tb.store}
		hsD.afterGet = func(key string) {
			if key == deployer.GCLeaseKey {
				seenOnce()
			}
		}
		hsD.afterPut = func(key string) { ev.add("deploy puts " + key) }
		done := make(chan error, 1)
		go func() {
			_, _, err := tb.on(hsD).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused"}), deployer.DeployOptions{})
			done <- err
		}()
		<-seen
		ev.add("lease expired")
		tb.clock.Add(deployer.DefaultGCLease)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if i, j := ev.first("lease expired"), ev.first("deploy puts "+deployer.BlobPrefix); j < i {
			t.Errorf("the deploy stored a blob under a valid GC lease: %q", ev.list)
		}
		if _, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil {
			t.Errorf("Prune after a crashed one: %v", err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestCrashedDeploy: the lease of a deploy killed before its manifest holds
// Prune back until it expires; then Prune deletes it.
func TestCrashedDeploy(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		hs := &hookStore{Store: tb.store, drop: func(key string) bool { return strings.HasPrefix(key, deployer.DeployLeasePrefix) }}
		fs := &failingStore{Store: hs}
		fs.left.Store(2) // the lease and the blob; the manifest fails
		if _, _, err := tb.on(fs).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "crashed"}), deployer.DeployOptions{}); !errors.Is(err, errKilled) {
			t.Fatalf("Deploy: error %v, want %v", err, errKilled)
		}
		if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); !errors.Is(err, deployer.ErrDeploysInProgress) || st.DeploysDeleted != 0 {
			t.Errorf("Prune under the crashed deploy's lease = %+v, %v, want %v", st, err, deployer.ErrDeploysInProgress)
		}
		tb.clock.Add(deployer.DefaultMaxDeployDuration + deployer.LeaseMargin)
		if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil || st.LeasesExpired != 1 || st.DeploysDeleted != 1 {
			t.Errorf("Prune after the lease expired = %+v, %v, want the lease and A deleted", st, err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestSlowDeploy: a deploy that outlives its lease, which a Prune then
// deletes before sweeping the blob the deploy found, does not write its
// manifest.
func TestSlowDeploy(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		var once sync.Once
		hs := &hookStore{Store: tb.store}
		hs.afterPut = func(key string) {
			if strings.HasPrefix(key, deployer.BlobPrefix) {
				once.Do(func() {
					tb.clock.Add(deployer.DefaultMaxDeployDuration + deployer.LeaseMargin)
					if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil || st.LeasesExpired != 1 || st.BlobsDeleted == 0 {
						t.Errorf("Prune = %+v, %v, want the expired lease and the old blobs deleted", st, err)
					}
				})
			}
		}
		if _, _, err := tb.on(hs).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused", "z.txt": "new"}), deployer.DeployOptions{}); err == nil {
			t.Error("Deploy past its lease: no error")
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestPruneLease: a Prune renews its lease as it goes, and stops deleting
// once it could no longer renew it in time.
func TestPruneLease(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		for _, tc := range []struct {
			name    string
			advance time.Duration
			lost    bool
		}{
			{"renewed", deployer.DefaultGCLease/2 + time.Second, false},
			{"expired", deployer.DefaultGCLease, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tb := setup(t, s)
				oldSite(t, tb, map[string]string{"index.html": "a", "1.txt": "only a 1", "2.txt": "only a 2", "3.txt": "only a 3"})
				var once sync.Once
				var leasePuts int
				hs := &hookStore{Store: tb.store}
				hs.afterDelete = func(key string) {
					if strings.HasPrefix(key, deployer.BlobPrefix) {
						once.Do(func() { tb.clock.Add(tc.advance) })
					}
				}
				hs.afterPut = func(key string) {
					if key == deployer.GCLeaseKey {
						leasePuts++
					}
				}
				st, err := tb.on(hs).Prune(t.Context(), tb.site, keepOne)
				if tc.lost {
					if err == nil || st.BlobsDeleted != 1 {
						t.Errorf("Prune = %+v, %v, want an error after one blob", st, err)
					}
					// The next Prune takes the expired lease over.
					if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil || st.BlobsDeleted != 3 {
						t.Errorf("next Prune = %+v, %v, want the 3 other blobs deleted", st, err)
					}
				} else if err != nil || st.BlobsDeleted != 4 || leasePuts != 2 {
					t.Errorf("Prune = %+v, %v, lease written %d times; want 4 blobs deleted, the lease renewed once", st, err, leasePuts)
				}
				checkBlobs(t, tb.d, s, tb.site)
				leasesGone(t, s, tb.site)
			})
		}
	})
}

// TestPruneConcurrentDeploys runs deploys that reuse old blobs while Prune
// runs, many times, and checks that every ready deploy keeps its blobs.
func TestPruneConcurrentDeploys(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		tb := setup(t, newMemory())
		old := map[string]string{}
		for i := range 40 {
			old[fmt.Sprintf("f%d.txt", i)] = fmt.Sprintf("old %d %d", round, i)
		}
		oldSite(t, tb, old)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				files := map[string]string{}
				for j := i; j < 40; j += 4 {
					files[fmt.Sprintf("g%d.txt", j)] = old[fmt.Sprintf("f%d.txt", j)]
				}
				if _, _, err := tb.d.Deploy(t.Context(), tb.site, toFiles(files), deployer.DeployOptions{}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Go(func() {
			r := keepOne
			r.Wait = time.Hour // on the fake clock: until the deploys end
			if _, err := tb.d.Prune(t.Context(), tb.site, r); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		checkBlobs(t, tb.d, tb.store, tb.site)
		leasesGone(t, tb.store, tb.site)
	}
}

// TestRollbackWhilePruning forces both orders of a rollback to a deploy
// that a concurrent Prune deletes: the site never ends up serving a deploy
// whose manifest or blobs are gone.
func TestRollbackWhilePruning(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		t.Run("prune deletes after the rollback's check", func(t *testing.T) {
			tb := setup(t, s)
			a, _, c := oldSite(t, tb, map[string]string{"index.html": "a", "a.txt": "only a"})
			var once sync.Once
			hs := &hookStore{Store: tb.store}
			hs.afterStat = func(key string) {
				if key == deployer.DeployKey(a.DeployID) {
					once.Do(func() {
						if _, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil {
							t.Error(err)
						}
					})
				}
			}
			_, err := tb.on(hs).Rollback(t.Context(), tb.site, a.DeployID)
			if got, want := igny8.ErrorCode(err), igny8.ENotFound; got != want {
				t.Errorf("Rollback: error %v, code %q, want %q", err, got, want)
			}
			if live, err := tb.d.Live(t.Context(), tb.site); err != nil || live.DeployID != c.DeployID {
				t.Errorf("Live = %+v, %v, want %s", live, err, c.DeployID)
			}
			checkBlobs(t, tb.d, s, tb.site)
		})
		t.Run("rollback completes after prune read the live pointer", func(t *testing.T) {
			tb := setup(t, s)
			a, _, _ := oldSite(t, tb, map[string]string{"index.html": "a", "a.txt": "only a"})
			var once sync.Once
			hs := &hookStore{Store: tb.store}
			hs.afterList = func(prefix string) {
				if prefix == deployer.DeployPrefix {
					once.Do(func() {
						if _, err := tb.d.Rollback(t.Context(), tb.site, a.DeployID); err != nil {
							t.Error(err)
						}
					})
				}
			}
			st, err := tb.on(hs).Prune(t.Context(), tb.site, keepOne)
			if err != nil || st.DeploysDeleted != 0 || st.BlobsDeleted != 0 {
				t.Errorf("Prune = %+v, %v, want the live deploy restored, nothing deleted", st, err)
			}
			if live, err := tb.d.Live(t.Context(), tb.site); err != nil || live.DeployID != a.DeployID {
				t.Errorf("Live = %+v, %v, want %s", live, err, a.DeployID)
			}
			checkBlobs(t, tb.d, s, tb.site)
			if _, err := tb.d.ReadManifest(t.Context(), tb.site, a.DeployID); err != nil {
				t.Errorf("live manifest: %v", err)
			}
		})
	})
}
