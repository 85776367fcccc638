package deployer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// The three tests below force each interleaving of a deploy that reuses an
// old blob with a Prune that would delete it.

// TestPruneListedBeforeFreshen: Prune lists the blob as old, then the deploy
// freshens it before Prune deletes.
func TestPruneListedBeforeFreshen(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		old := map[string]string{"index.html": "a", "x.txt": "reused"}
		oldSite(t, tb, old)
		var once sync.Once
		hs := &hookStore{Store: tb.store}
		hs.afterList = func(prefix string) {
			if prefix == deployer.BlobPrefix {
				once.Do(func() { mustDeploy(t, tb.d, tb.site, map[string]string{"y.txt": "reused"}, deployer.DeployOptions{}) })
			}
		}
		pruner := deployer.New(hs, deployer.Config{Now: tb.clock.Now})
		if _, err := pruner.Prune(t.Context(), tb.site, keepOne); err != nil {
			t.Fatal(err)
		}
		checkBlobs(t, tb.d, s, tb.site)
	})
}

// TestPruneBetweenStatAndFreshen: the deploy sees the old blob, a whole
// Prune deletes it, then the deploy's freshening write stores it again.
func TestPruneBetweenStatAndFreshen(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		var once sync.Once
		hs := &hookStore{Store: tb.store}
		hs.afterStat = func(key string) {
			if key == deployer.BlobKey(sum("reused"), "") {
				once.Do(func() {
					st, err := tb.d.Prune(t.Context(), tb.site, keepOne)
					if err != nil || st.BlobsDeleted == 0 {
						t.Errorf("Prune = %+v, %v, want the old blobs deleted", st, err)
					}
				})
			}
		}
		d := deployer.New(hs, deployer.Config{Now: tb.clock.Now})
		if _, _, err := d.Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused"}), deployer.DeployOptions{}); err != nil {
			t.Fatal(err)
		}
		checkBlobs(t, tb.d, s, tb.site)
	})
}

// TestPruneDeleteAfterFreshen: a Prune that checked the blob just before the
// deploy freshened it deletes it anyway; the deploy's final check stores it
// again.
func TestPruneDeleteAfterFreshen(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		big := strings.Repeat("body{margin:0}", 100) // with a gzip variant
		oldSite(t, tb, map[string]string{"index.html": "a", "x.css": big})
		var once sync.Once
		hs := &hookStore{Store: tb.store}
		hs.afterPut = func(key string) {
			if strings.HasPrefix(key, deployer.DeployPrefix) {
				once.Do(func() {
					for _, enc := range []string{"", deployer.EncodingGzip} {
						if err := s.Delete(t.Context(), storage.SiteBucket(tb.site), deployer.BlobKey(sum(big), enc)); err != nil {
							t.Error(err)
						}
					}
				})
			}
		}
		d := deployer.New(hs, deployer.Config{Now: tb.clock.Now})
		if _, _, err := d.Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.css": big}), deployer.DeployOptions{}); err != nil {
			t.Fatal(err)
		}
		checkBlobs(t, tb.d, s, tb.site)
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
			if _, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil && !errors.Is(err, context.Canceled) {
				t.Error(err)
			}
		})
		wg.Wait()
		checkBlobs(t, tb.d, tb.store, tb.site)
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
			_, err := deployer.New(hs, deployer.Config{Now: tb.clock.Now}).Rollback(t.Context(), tb.site, a.DeployID)
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
			st, err := deployer.New(hs, deployer.Config{Now: tb.clock.Now}).Prune(t.Context(), tb.site, keepOne)
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

// TestPruneDuringDelta: a delta deploy on an old base runs between Prune's
// choice of deploys (which drops the base) and its sweep; the blobs the
// delta takes over from the base survive.
func TestPruneDuringDelta(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		a, _, _ := oldSite(t, tb, map[string]string{"index.html": "a", "kept.txt": "from the base", "big.css": strings.Repeat("p{margin:0}", 100)})
		var once sync.Once
		hs := &hookStore{Store: tb.store}
		hs.afterList = func(prefix string) {
			if prefix == deployer.DeployPrefix {
				once.Do(func() {
					mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "d"}, deployer.DeployOptions{Base: a.DeployID})
				})
			}
		}
		st, err := deployer.New(hs, deployer.Config{Now: tb.clock.Now}).Prune(t.Context(), tb.site, keepOne)
		if err != nil || st.DeploysDeleted != 1 {
			t.Errorf("Prune = %+v, %v, want the base deleted", st, err)
		}
		checkBlobs(t, tb.d, s, tb.site)
	})
}
