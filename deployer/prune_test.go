package deployer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

var keepOne = deployer.Retention{KeepLast: 1, Grace: 3 * time.Hour}

// hookStore calls its after hooks after the matching call returns, and
// beforeDelete before a delete is sent; drop makes Delete of a key do
// nothing, like a process killed before it.
type hookStore struct {
	storage.Store
	afterList    func(prefix string)
	afterStat    func(key string)
	afterPut     func(key string)
	afterGet     func(key string)
	beforeDelete func(key string)
	afterDelete  func(key string)
	drop         func(key string) bool
}

func (s *hookStore) List(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	page, err := s.Store.List(ctx, bucket, opts)
	if s.afterList != nil {
		s.afterList(opts.Prefix)
	}
	return page, err
}

func (s *hookStore) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, err := s.Store.Stat(ctx, bucket, key)
	if s.afterStat != nil {
		s.afterStat(key)
	}
	return info, err
}

func (s *hookStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	info, err := s.Store.Put(ctx, bucket, key, r, size, opts)
	if s.afterPut != nil {
		s.afterPut(key)
	}
	return info, err
}

func (s *hookStore) Get(ctx context.Context, bucket, key string, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	rc, info, err := s.Store.Get(ctx, bucket, key, opts)
	if s.afterGet != nil {
		s.afterGet(key)
	}
	return rc, info, err
}

func (s *hookStore) Delete(ctx context.Context, bucket, key string) error {
	if s.drop != nil && s.drop(key) {
		return nil
	}
	if s.beforeDelete != nil {
		s.beforeDelete(key)
	}
	err := s.Store.Delete(ctx, bucket, key)
	if s.afterDelete != nil {
		s.afterDelete(key)
	}
	return err
}

// DeleteIfGeneration goes through Delete's hooks; embedding alone would
// hide the inner store's conditional delete.
func (s *hookStore) DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error {
	cd, ok := s.Store.(storage.ConditionalDeleter)
	if !ok {
		return errors.ErrUnsupported
	}
	if s.drop != nil && s.drop(key) {
		return nil
	}
	if s.beforeDelete != nil {
		s.beforeDelete(key)
	}
	err := cd.DeleteIfGeneration(ctx, bucket, key, generation)
	if s.afterDelete != nil && !errors.Is(err, errors.ErrUnsupported) {
		s.afterDelete(key)
	}
	return err
}

// oldSite deploys A (files of old) at the clock's start, then, ten hours
// later, B and C, promoting each: A is then neither live, nor the undo
// target, nor the newest, so keepOne prunes it.
func oldSite(t *testing.T, tb *testBundle, old map[string]string) (a, b, c *deployer.Manifest) {
	t.Helper()
	a, _ = mustDeploy(t, tb.d, tb.site, old, deployer.DeployOptions{})
	tb.clock.Add(10 * time.Hour)
	b, _ = mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "b", "shared.css": "shared"}, deployer.DeployOptions{})
	tb.clock.Add(time.Second)
	c, _ = mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": "c"}, deployer.DeployOptions{})
	for _, m := range []*deployer.Manifest{a, b, c} {
		if _, err := tb.d.Rollback(t.Context(), tb.site, m.DeployID); err != nil {
			t.Fatal(err)
		}
	}
	return a, b, c
}

func TestPrune(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		ctx := t.Context()
		bucket := storage.SiteBucket(tb.site)
		if err := s.CreateBucket(ctx, bucket); err != nil {
			t.Fatal(err)
		}
		orphan := func(content string) string {
			key := deployer.BlobKey(sum(content), "")
			if _, err := tb.store.Put(ctx, bucket, key, strings.NewReader(content), -1, storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			return key
		}
		oldOrphan := orphan("left by a killed upload")
		a, _, c := oldSite(t, tb, map[string]string{"index.html": "a", "shared.css": "shared", "a.txt": "only a"})
		tb.clock.Add(10 * time.Hour)
		newOrphan := orphan("an upload in flight")
		young, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"young.html": "young"}, deployer.DeployOptions{})

		st, err := tb.d.Prune(ctx, tb.site, keepOne)
		if err != nil {
			t.Fatal(err)
		}
		want := deployer.PruneStats{DeploysKept: 3, DeploysDeleted: 1, BlobsDeleted: 3, BytesDeleted: int64(len("a") + len("only a") + len("left by a killed upload"))}
		if st != want {
			t.Errorf("Prune = %+v, want %+v", st, want)
		}
		list, err := tb.d.Deploys(ctx, tb.site)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, di := range list {
			ids = append(ids, di.ID)
		}
		if got := strings.Join(ids, " "); strings.Contains(got, a.DeployID) || !strings.Contains(got, c.DeployID) || !strings.Contains(got, young.DeployID) {
			t.Errorf("deploys after prune = %s, want all but %s", got, a.DeployID)
		}
		for key, want := range map[string]bool{oldOrphan: false, newOrphan: true, deployer.BlobKey(sum("only a"), ""): false, deployer.BlobKey(sum("shared"), ""): true} {
			_, err := s.Stat(ctx, bucket, key)
			if got := err == nil; got != want {
				t.Errorf("%s kept = %v (%v), want %v", key, got, err, want)
			}
		}
		checkBlobs(t, tb.d, s, tb.site)

		// Nothing left to do the second time.
		if st, err := tb.d.Prune(ctx, tb.site, keepOne); err != nil || st.DeploysDeleted+st.BlobsDeleted != 0 {
			t.Errorf("second Prune = %+v, %v, want nothing deleted", st, err)
		}
	})
}

func TestPruneInvalid(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	for _, r := range []deployer.Retention{{Grace: deployer.MinGrace - time.Second}, {Grace: -time.Hour}, {KeepLast: -1}, {KeepDays: -1}, {Wait: -1}} {
		if _, err := tb.d.Prune(t.Context(), tb.site, r); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("Prune(%+v): error %v, want invalid", r, err)
		}
	}
	for _, r := range []deployer.Retention{{}, {Grace: deployer.MinGrace}} {
		if st, err := tb.d.Prune(t.Context(), tb.site, r); err != nil || st != (deployer.PruneStats{}) {
			t.Errorf("Prune(%+v) of an empty site = %+v, %v, want nothing", r, st, err)
		}
	}
}

// TestPruneKeepDays keeps every deploy of the last days.
func TestPruneKeepDays(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	for i := range 4 {
		mustDeploy(t, tb.d, tb.site, map[string]string{"index.html": fmt.Sprint(i)}, deployer.DeployOptions{})
		tb.clock.Add(24 * time.Hour)
	}
	// The deploys are 4, 3, 2 and 1 days old; KeepDays 3 keeps those
	// younger than 3 days.
	st, err := tb.d.Prune(t.Context(), tb.site, deployer.Retention{KeepDays: 3})
	if err != nil {
		t.Fatal(err)
	}
	if st.DeploysKept != 2 || st.DeploysDeleted != 2 || st.BlobsDeleted != 2 {
		t.Errorf("Prune = %+v, want 2 kept, 2 deleted with their blobs", st)
	}
}
