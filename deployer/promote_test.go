package deployer_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

func TestPromote(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		ctx := t.Context()
		if _, err := tb.d.Live(ctx, tb.site); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Live before any promote: error %v, want ErrNotFound", err)
		}
		a, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "a"}, deployer.DeployOptions{})
		tb.clock.Add(time.Second)
		b, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "b"}, deployer.DeployOptions{})

		ref, err := tb.d.Promote(ctx, tb.site, a.DeployID, "")
		if err != nil {
			t.Fatal(err)
		}
		if ref.DeployID != a.DeployID || ref.Generation != 1 || ref.Previous != "" {
			t.Errorf("first promote = %+v, want %s at generation 1", ref, a.DeployID)
		}
		// Stale expected: nothing was live when the caller looked.
		_, err = tb.d.Promote(ctx, tb.site, b.DeployID, "")
		if !errors.Is(err, deployer.ErrLiveChanged) || igny8.ErrorCode(err) != igny8.EConflict {
			t.Errorf("stale promote: error %v, want ErrLiveChanged (conflict)", err)
		}
		if _, err := tb.d.Promote(ctx, tb.site, "20261124T192501Z-00000000", a.DeployID); igny8.ErrorCode(err) != igny8.ENotFound {
			t.Errorf("promote of a missing deploy: error %v, want not_found", err)
		}
		ref, err = tb.d.Promote(ctx, tb.site, b.DeployID, a.DeployID)
		if err != nil {
			t.Fatal(err)
		}
		if ref.DeployID != b.DeployID || ref.Generation != 2 || ref.Previous != a.DeployID {
			t.Errorf("second promote = %+v, want %s at generation 2 after %s", ref, b.DeployID, a.DeployID)
		}
		// Promoting the live deploy again is a no-op.
		if again, err := tb.d.Promote(ctx, tb.site, b.DeployID, b.DeployID); err != nil || again != ref {
			t.Errorf("promote of the live deploy = %+v, %v, want %+v", again, err, ref)
		}
		live, err := tb.d.Live(ctx, tb.site)
		if err != nil || live.DeployID != b.DeployID {
			t.Errorf("Live = %+v, %v, want %s", live, err, b.DeployID)
		}
		list, err := tb.d.Deploys(ctx, tb.site)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != b.DeployID || !list[0].Live || list[1].ID != a.DeployID || list[1].Live {
			t.Errorf("Deploys = %+v, want %s (live) then %s", list, b.DeployID, a.DeployID)
		}
	})
}

// TestPromoteRace has several promotes from the same live deploy race:
// exactly one wins, the others get conflicts.
func TestPromoteRace(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		base, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "base"}, deployer.DeployOptions{})
		if _, err := tb.d.Promote(t.Context(), tb.site, base.DeployID, ""); err != nil {
			t.Fatal(err)
		}
		const n = 8
		ids := make([]string, n)
		for i := range ids {
			m, _, err := tb.d.Deploy(t.Context(), tb.site, toFiles(map[string]string{"index.html": string(rune('a' + i))}), deployer.DeployOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = m.DeployID
		}
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			winners   []string
			conflicts int
		)
		for _, id := range ids {
			wg.Go(func() {
				_, err := tb.d.Promote(t.Context(), tb.site, id, base.DeployID)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, id)
				case errors.Is(err, deployer.ErrLiveChanged):
					conflicts++
				default:
					t.Errorf("promote %s: %v", id, err)
				}
			})
		}
		wg.Wait()
		if len(winners) != 1 || conflicts != n-1 {
			t.Fatalf("winners %v, conflicts %d; want 1 winner, %d conflicts", winners, conflicts, n-1)
		}
		live, err := tb.d.Live(t.Context(), tb.site)
		if err != nil || live.DeployID != winners[0] || live.Previous != base.DeployID {
			t.Errorf("Live = %+v, %v, want %s after %s", live, err, winners[0], base.DeployID)
		}
	})
}

func TestRollback(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		ctx := t.Context()
		if _, err := tb.d.Rollback(ctx, tb.site, ""); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("undo with nothing live: error %v, want invalid", err)
		}
		var ids []string
		for _, c := range []string{"a", "b", "c"} {
			m, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": c}, deployer.DeployOptions{})
			tb.clock.Add(time.Second)
			ids = append(ids, m.DeployID)
		}
		if _, err := tb.d.Promote(ctx, tb.site, ids[1], ""); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.d.Promote(ctx, tb.site, ids[2], ids[1]); err != nil {
			t.Fatal(err)
		}
		ref, err := tb.d.Rollback(ctx, tb.site, "") // undo: back to b
		if err != nil || ref.DeployID != ids[1] || ref.Previous != ids[2] || ref.Generation != 3 {
			t.Errorf("undo = %+v, %v, want %s after %s at generation 3", ref, err, ids[1], ids[2])
		}
		ref, err = tb.d.Rollback(ctx, tb.site, "") // undo the undo: c again
		if err != nil || ref.DeployID != ids[2] {
			t.Errorf("second undo = %+v, %v, want %s", ref, err, ids[2])
		}
		ref, err = tb.d.Rollback(ctx, tb.site, ids[0]) // a was never live
		if err != nil || ref.DeployID != ids[0] || ref.Previous != ids[2] {
			t.Errorf("rollback to a = %+v, %v, want %s after %s", ref, err, ids[0], ids[2])
		}
		if _, err := tb.d.Rollback(ctx, tb.site, "20261124T192501Z-00000000"); igny8.ErrorCode(err) != igny8.ENotFound {
			t.Errorf("rollback to a missing deploy: error %v, want not_found", err)
		}
	})
}

// TestKilledUpload checks that a deploy dying part way leaves no ready deploy
// and never changes what is live.
func TestKilledUpload(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		live, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "live"}, deployer.DeployOptions{})
		if _, err := tb.d.Promote(t.Context(), tb.site, live.DeployID, ""); err != nil {
			t.Fatal(err)
		}
		const nfiles = 6
		for n := range int64(nfiles + 1) { // the last kill hits the manifest
			files := map[string]string{} // new bytes each time: every blob is missing
			for i := range nfiles {
				files[fmt.Sprintf("f%d.bin", i)] = fmt.Sprintf("new %d %d", i, n)
			}
			fs := &failingStore{Store: tb.store}
			fs.left.Store(n)
			d := deployer.New(fs, deployer.Config{Now: tb.clock.Now, Concurrency: 2})
			if _, _, err := d.Deploy(t.Context(), tb.site, toFiles(files), deployer.DeployOptions{}); !errors.Is(err, errKilled) {
				t.Fatalf("killed after %d puts: error %v, want %v", n, err, errKilled)
			}
			got, err := tb.d.Live(t.Context(), tb.site)
			if err != nil || got.DeployID != live.DeployID {
				t.Errorf("killed after %d puts: live = %+v, %v, want %s", n, got, err, live.DeployID)
			}
			if list, err := tb.d.Deploys(t.Context(), tb.site); err != nil || len(list) != 1 {
				t.Errorf("killed after %d puts: deploys %+v, %v, want only the live one", n, list, err)
			}
		}
		checkBlobs(t, tb.d, s, tb.site)
	})
}

// TestDeploysEmpty lists a site that has no bucket yet.
func TestDeploysEmpty(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	if list, err := tb.d.Deploys(t.Context(), tb.site); err != nil || len(list) != 0 {
		t.Errorf("Deploys = %v, %v, want none", list, err)
	}
	if _, err := tb.d.Live(t.Context(), "Bad Site"); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("Live of a bad site id: error %v, want invalid", err)
	}
	if _, err := tb.d.Promote(t.Context(), tb.site, "not-an-id", ""); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("Promote of a bad deploy id: error %v, want invalid", err)
	}
}
