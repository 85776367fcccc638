package deployer_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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
			{"after listing the deploy leases under the GC lease", func(hs *hookStore, run func()) {
				var taken atomic.Bool
				hs.afterPut = func(key string) {
					if key == deployer.GCLeaseKey {
						taken.Store(true)
					}
				}
				hs.afterList = func(prefix string) {
					if prefix == deployer.DeployLeasePrefix && taken.Load() {
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
				// Recorded as the delete is sent: the deploy may see the
				// lease gone before an after hook would run.
				hsP.beforeDelete = func(key string) {
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
		var taken atomic.Bool
		hs := &hookStore{Store: tb.store}
		hs.afterPut = func(key string) {
			if key == deployer.GCLeaseKey {
				taken.Store(true)
			}
		}
		hs.afterList = func(prefix string) {
			if prefix == deployer.DeployLeasePrefix && taken.Load() {
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
// deploys back until the lease expires (one GCLease after its last
// renewal); then a deploy goes ahead and the next Prune takes the lease
// over.
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
		// The deploy is stopped after it found the GC lease valid and
		// withdrew its own, until the clock has moved: a deploy lease
		// taken before the jump would not outlive it.
		seen, moved := make(chan struct{}), make(chan struct{})
		seenOnce := signal(seen)
		hsD := &hookStore{Store: tb.store}
		hsD.afterDelete = func(key string) {
			if strings.HasPrefix(key, deployer.DeployLeasePrefix) {
				seenOnce()
				<-moved
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
		close(moved)
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
// Prune back until it expires, one DeployLeaseTTL after it was last
// renewed; then Prune deletes it.
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
		tb.clock.Add(deployer.DeployLeaseTTL - time.Second)
		if _, err := tb.d.Prune(t.Context(), tb.site, keepOne); !errors.Is(err, deployer.ErrDeploysInProgress) {
			t.Errorf("Prune a second before the lease expires: %v, want %v", err, deployer.ErrDeploysInProgress)
		}
		tb.clock.Add(time.Second)
		if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil || st.LeasesExpired != 1 || st.DeploysDeleted != 1 {
			t.Errorf("Prune after the lease expired = %+v, %v, want the lease and A deleted", st, err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestSlowDeploy: a deploy that outlives its lease (here the clock jumps
// past it between two renewals), which a Prune then deletes before
// sweeping the blob the deploy found, does not write its manifest.
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
					tb.clock.Add(deployer.DeployLeaseTTL)
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

// TestPruneLease: a Prune's heartbeat renews its lease while it deletes,
// and the Prune stops deleting once its lease was not renewed in time.
func TestPruneLease(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		t.Run("renewed", func(t *testing.T) {
			tb := setup(t, s)
			oldSite(t, tb, map[string]string{"index.html": "a", "1.txt": "only a 1", "2.txt": "only a 2", "3.txt": "only a 3"})
			var renewals atomic.Int64
			hs := &hookStore{Store: tb.store}
			hs.afterPut = func(key string) {
				if key == deployer.GCLeaseKey {
					renewals.Add(1)
				}
			}
			// At each delete of a blob the clock jumps to just short of
			// the lease's margin, then the heartbeat renews it: four
			// jumps outlast the lease three times over.
			hs.afterDelete = func(key string) {
				if strings.HasPrefix(key, deployer.BlobPrefix) {
					tb.clock.Add(deployer.DefaultGCLease - deployer.LeaseMargin - time.Second)
					// The first renewal seen may have been computed
					// before the jump; the second was not.
					for n, guard := renewals.Load()+2, time.Now().Add(time.Minute); renewals.Load() < n; {
						if time.Now().After(guard) {
							t.Error("the heartbeat stopped renewing the lease")
							return
						}
						time.Sleep(time.Millisecond)
					}
				}
			}
			cfg := testConfig(tb.clock)
			cfg.LeaseRenew = time.Millisecond
			st, err := deployer.New(hs, cfg).Prune(t.Context(), tb.site, keepOne)
			if err != nil || st.BlobsDeleted != 4 {
				t.Errorf("Prune = %+v, %v; want 4 blobs deleted", st, err)
			}
			checkBlobs(t, tb.d, s, tb.site)
			leasesGone(t, s, tb.site)
		})
		t.Run("not renewed in time", func(t *testing.T) {
			tb := setup(t, s)
			oldSite(t, tb, map[string]string{"index.html": "a", "1.txt": "only a 1", "2.txt": "only a 2", "3.txt": "only a 3"})
			var once sync.Once
			hs := &hookStore{Store: tb.store}
			hs.afterDelete = func(key string) {
				if strings.HasPrefix(key, deployer.BlobPrefix) {
					once.Do(func() { tb.clock.Add(deployer.DefaultGCLease - deployer.LeaseMargin) })
				}
			}
			st, err := tb.on(hs).Prune(t.Context(), tb.site, keepOne)
			if err == nil || st.BlobsDeleted != 1 {
				t.Errorf("Prune = %+v, %v, want an error after one blob", st, err)
			}
			// The lease is left to expire; the next Prune takes it over.
			tb.clock.Add(deployer.LeaseMargin)
			if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil || st.BlobsDeleted != 3 {
				t.Errorf("next Prune = %+v, %v, want the 3 other blobs deleted", st, err)
			}
			checkBlobs(t, tb.d, s, tb.site)
			leasesGone(t, s, tb.site)
		})
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

// TestKilledDeployHoldsNoDeployBack: a deploy killed mid-upload leaves its
// lease behind, renewed no more. A Prune then finds it valid: without
// Retention.Wait it gives up at once; with it, it waits without taking the
// GC lease. Either way a new deploy meanwhile never meets a GC lease: it
// takes its lease at the first try and reads the GC lease once. Once the
// dead lease expires (one DeployLeaseTTL), the waiting Prune goes ahead.
func TestKilledDeployHoldsNoDeployBack(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})

		// The killed deploy: its writes stop after its lease and one blob,
		// and its lease is never deleted.
		dead := &failingStore{Store: &hookStore{Store: tb.store, drop: func(key string) bool { return strings.HasPrefix(key, deployer.DeployLeasePrefix) }}}
		dead.left.Store(2)
		if _, _, err := tb.on(dead).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "killed mid-upload", "z.txt": "never stored"}), deployer.DeployOptions{}); !errors.Is(err, errKilled) {
			t.Fatalf("killed deploy: error %v, want %v", err, errKilled)
		}

		var gcPuts atomic.Int64
		polls := make(chan struct{}, 1)
		hsP := &hookStore{Store: tb.store}
		hsP.afterPut = func(key string) {
			if key == deployer.GCLeaseKey {
				gcPuts.Add(1)
			}
		}
		hsP.afterList = func(prefix string) {
			if prefix == deployer.DeployLeasePrefix {
				select {
				case polls <- struct{}{}:
				default:
				}
			}
		}
		if st, err := tb.on(hsP).Prune(t.Context(), tb.site, keepOne); !errors.Is(err, deployer.ErrDeploysInProgress) || st.DeploysDeleted+st.BlobsDeleted != 0 {
			t.Errorf("Prune without Wait = %+v, %v; want %v, nothing deleted", st, err, deployer.ErrDeploysInProgress)
		}
		select {
		case <-polls:
		default:
		}
		type result struct {
			st  deployer.PruneStats
			err error
		}
		pruned := make(chan result, 1)
		go func() {
			r := keepOne
			r.Wait = time.Hour // on the fake clock: until the dead lease expires
			st, err := tb.on(hsP).Prune(t.Context(), tb.site, r)
			pruned <- result{st, err}
		}()
		<-polls
		<-polls // the Prune is waiting

		var gcReads atomic.Int64
		var leaseKeys events
		hsD := &hookStore{Store: tb.store}
		hsD.afterGet = func(key string) {
			if key == deployer.GCLeaseKey {
				gcReads.Add(1)
			}
		}
		hsD.afterPut = func(key string) {
			if strings.HasPrefix(key, deployer.DeployLeasePrefix) {
				leaseKeys.add(key)
			}
		}
		m, _, err := tb.on(hsD).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused", "w.txt": "new"}), deployer.DeployOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := gcReads.Load(), int64(1); got != want {
			t.Errorf("the new deploy read the GC lease %d times, want %d: it waited for the GC", got, want)
		}
		if got, want := strings.Join(leaseKeys.list, " "), deployer.DeployLeaseKey(m.DeployID, 1); got != want {
			t.Errorf("the new deploy's leases = %s, want only its first try %s", got, want)
		}
		if got := gcPuts.Load(); got != 0 {
			t.Errorf("the waiting Prune wrote the GC lease %d times, want never", got)
		}

		tb.clock.Add(deployer.DeployLeaseTTL)
		if r := <-pruned; r.err != nil || r.st.LeasesExpired != 1 || r.st.DeploysDeleted != 1 {
			t.Errorf("Prune once the dead lease expired = %+v, %v; want it and A deleted", r.st, r.err)
		}
		if _, err := tb.d.ReadManifest(t.Context(), tb.site, m.DeployID); err != nil {
			t.Errorf("the new deploy: %v", err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestPruneWithdraws: a deploy that starts after a Prune found no deploy in
// progress, but before it took the GC lease, goes ahead; the Prune finds
// its lease under the GC lease, withdraws that, and waits for the deploy
// without holding anything, then keeps the deploy's blobs.
func TestPruneWithdraws(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		var ev events
		holding, release := make(chan struct{}), make(chan struct{})
		holdingOnce := signal(holding)
		var gcReads atomic.Int64
		hsD := &hookStore{Store: tb.store}
		hsD.afterGet = func(key string) {
			if key == deployer.GCLeaseKey {
				gcReads.Add(1)
			}
		}
		hsD.afterList = func(prefix string) {
			if prefix == deployer.BlobPrefix {
				holdingOnce()
				<-release
			}
		}
		hsD.afterPut = func(key string) {
			if strings.HasPrefix(key, deployer.DeployPrefix) {
				ev.add("deploy done") // before it deletes its lease
			}
		}
		releaseOnce := signal(release)
		done := make(chan error, 1)
		var once sync.Once
		var polled atomic.Int64
		hsP := &hookStore{Store: tb.store}
		hsP.afterList = func(prefix string) {
			if prefix != deployer.DeployLeasePrefix {
				return
			}
			polled.Add(1)
			once.Do(func() { // after the first look, before P1
				go func() {
					_, _, err := tb.on(hsD).Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused"}), deployer.DeployOptions{})
					done <- err
				}()
				<-holding // the deploy holds its lease and found the reused blob
			})
		}
		hsP.afterPut = func(key string) {
			if key == deployer.GCLeaseKey {
				ev.add("gc lease taken")
			}
		}
		hsP.afterDelete = func(key string) {
			if key == deployer.GCLeaseKey {
				ev.add("gc lease released")
				// Withdrawn: the Prune now waits for the deploy.
				if polled.Load() == 2 {
					releaseOnce()
				}
			}
		}
		r := keepOne
		r.Wait = time.Hour // on the fake clock: until the deploy ends
		st, err := tb.on(hsP).Prune(t.Context(), tb.site, r)
		if err != nil || st.DeploysDeleted != 1 {
			t.Errorf("Prune = %+v, %v, want A deleted", st, err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(ev.list, ", "), "gc lease taken, gc lease released, deploy done, gc lease taken, gc lease released"; got != want {
			t.Errorf("events: %s, want %s", got, want)
		}
		if got, want := gcReads.Load(), int64(1); got != want {
			t.Errorf("the deploy read the GC lease %d times, want %d", got, want)
		}
		if _, err := s.Stat(t.Context(), storage.SiteBucket(tb.site), reusedKey); err != nil {
			t.Errorf("reused blob: %v", err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}
