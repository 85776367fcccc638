package deployer_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// leaseStore counts the renewals of deploy leases (every Put of one but
// the first of its key) and fails them with fail while it is set.
type leaseStore struct {
	storage.Store
	started, renewed atomic.Int64 // renewals sent, and answered
	fail             atomic.Pointer[error]
	taken            atomic.Pointer[string] // the key of the last lease taken
}

func (s *leaseStore) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if !strings.HasPrefix(key, deployer.DeployLeasePrefix) {
		return s.Store.Put(ctx, bucket, key, r, size, opts)
	}
	if opts.IfNotExist {
		s.taken.Store(&key)
		return s.Store.Put(ctx, bucket, key, r, size, opts)
	}
	s.started.Add(1)
	defer s.renewed.Add(1)
	if err := s.fail.Load(); err != nil {
		return storage.ObjectInfo{}, *err
	}
	return s.Store.Put(ctx, bucket, key, r, size, opts)
}

// DeleteIfGeneration passes the inner store's conditional delete through.
func (s *leaseStore) DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error {
	cd, ok := s.Store.(storage.ConditionalDeleter)
	if !ok {
		return errors.ErrUnsupported
	}
	return cd.DeleteIfGeneration(ctx, bucket, key, generation)
}

// waitRenewals waits until the n-th renewal sent from now on was answered.
// Renewals are made one after the other, so the first may have been under
// way already; the second was sent, and its expiry computed, after the
// call.
func (s *leaseStore) waitRenewals(t *testing.T, n int64) {
	t.Helper()
	want := s.started.Load() + n
	for guard := time.Now().Add(time.Minute); s.renewed.Load() < want; time.Sleep(time.Millisecond) {
		if time.Now().After(guard) {
			t.Fatal("the heartbeat stopped renewing the lease")
		}
	}
}

// pauseStore stops a deploy once it listed the blobs (it holds its lease
// then), until resume is closed or its context is done.
type pauseStore struct {
	storage.Store
	paused, resume, cancelled chan struct{}
	pausedOnce, cancelledOnce func()
}

func (s *pauseStore) List(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	page, err := s.Store.List(ctx, bucket, opts)
	if opts.Prefix == deployer.BlobPrefix {
		s.pausedOnce()
		select {
		case <-s.resume:
		case <-ctx.Done():
			s.cancelledOnce()
		}
	}
	return page, err
}

// heldDeploy starts a deploy on tb whose heartbeat beats every
// millisecond, and returns once the deploy holds its lease and listed the
// blobs, stopped there: it goes on when goOn is called, or when the lease
// is lost (cancelled is closed then). Its result comes on done.
func heldDeploy(t *testing.T, tb *testBundle, ls *leaseStore) (goOn func(), cancelled <-chan struct{}, done <-chan error) {
	t.Helper()
	ps := &pauseStore{Store: ls, paused: make(chan struct{}), resume: make(chan struct{}), cancelled: make(chan struct{})}
	ps.pausedOnce, ps.cancelledOnce = signal(ps.paused), signal(ps.cancelled)
	cfg := testConfig(tb.clock)
	cfg.LeaseRenew = time.Millisecond
	d := deployer.New(ps, cfg)
	ch := make(chan error, 1)
	go func() {
		_, _, err := d.Deploy(t.Context(), tb.site, toFiles(map[string]string{"y.txt": "reused", "z.txt": "new"}), deployer.DeployOptions{})
		ch <- err
	}()
	<-ps.paused
	return signal(ps.resume), ps.cancelled, ch
}

// TestDeployRenewsLease: a deploy that takes many times its lease's TTL
// keeps its lease, renewed by its heartbeat: Prune meanwhile finds it
// valid, and the deploy writes its manifest. Renewals that fail for a
// while are tried again.
func TestDeployRenewsLease(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
		ls := &leaseStore{Store: tb.store}
		goOn, _, done := heldDeploy(t, tb, ls)
		step := deployer.DeployLeaseTTL - deployer.LeaseMargin - time.Second
		for i := range 4 {
			if i == 2 {
				// A store outage shorter than the lease's margin.
				outage := errors.New("store unavailable")
				ls.fail.Store(&outage)
				tb.clock.Add(step / 2)
				ls.waitRenewals(t, 2)
				ls.fail.Store(nil)
			} else {
				tb.clock.Add(step)
			}
			ls.waitRenewals(t, 2)
		}
		if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); !errors.Is(err, deployer.ErrDeploysInProgress) || st.BlobsDeleted != 0 {
			t.Errorf("Prune during the deploy = %+v, %v; want %v", st, err, deployer.ErrDeploysInProgress)
		}
		goOn()
		if err := <-done; err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		if st, err := tb.d.Prune(t.Context(), tb.site, keepOne); err != nil || st.DeploysDeleted != 1 {
			t.Errorf("Prune after the deploy = %+v, %v; want A deleted", st, err)
		}
		checkBlobs(t, tb.d, s, tb.site)
		leasesGone(t, s, tb.site)
	})
}

// TestDeployLosesLease: a deploy whose lease is lost writes no manifest,
// whether its renewals fall behind the clock, or a renewal finds the lease
// gone (a Prune took it for expired and deleted it).
func TestDeployLosesLease(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		for _, tc := range []struct {
			name string
			lose func(t *testing.T, tb *testBundle, ls *leaseStore)
		}{
			{"renewals fail until the margin", func(t *testing.T, tb *testBundle, ls *leaseStore) {
				outage := errors.New("store unavailable")
				ls.fail.Store(&outage)
				step := (deployer.DeployLeaseTTL - deployer.LeaseMargin) / 2
				tb.clock.Add(step)
				ls.waitRenewals(t, 2)
				tb.clock.Add(step)
			}},
			{"the lease is deleted", func(t *testing.T, tb *testBundle, ls *leaseStore) {
				if err := tb.store.Delete(t.Context(), storage.SiteBucket(tb.site), *ls.taken.Load()); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tb := setup(t, s)
				oldSite(t, tb, map[string]string{"index.html": "a", "x.txt": "reused"})
				before, err := tb.d.Deploys(t.Context(), tb.site)
				if err != nil {
					t.Fatal(err)
				}
				ls := &leaseStore{Store: tb.store}
				_, cancelled, done := heldDeploy(t, tb, ls)
				tc.lose(t, tb, ls)
				// The heartbeat finds the lease lost and stops the upload.
				select {
				case <-cancelled:
				case <-time.After(time.Minute):
					t.Fatal("the deploy went on without its lease")
				}
				ls.fail.Store(nil)
				if err := <-done; err == nil {
					t.Error("Deploy without its lease: no error")
				}
				after, err := tb.d.Deploys(t.Context(), tb.site)
				if err != nil {
					t.Fatal(err)
				}
				if len(after) != len(before) {
					t.Errorf("deploys: %d after, %d before; want no new one", len(after), len(before))
				}
				leasesGone(t, s, tb.site)
			})
		}
	})
}

// TestLateManifestWithdrawn: a manifest whose write answers after the
// deploy's lease ran out may have landed after a Prune found the lease
// expired; the deploy deletes it and fails.
func TestLateManifestWithdrawn(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storage.Store) {
		tb := setup(t, s)
		hs := &hookStore{Store: tb.store}
		var id atomic.Pointer[string]
		hs.afterPut = func(key string) {
			if strings.HasPrefix(key, deployer.DeployPrefix) {
				id.Store(&key)
				tb.clock.Add(deployer.DeployLeaseTTL)
			}
		}
		_, _, err := tb.on(hs).Deploy(t.Context(), tb.site, toFiles(map[string]string{"index.html": "late"}), deployer.DeployOptions{})
		if err == nil {
			t.Fatal("Deploy: no error")
		}
		key := id.Load()
		if key == nil {
			t.Fatalf("no manifest written: %v", err)
		}
		deployID := strings.TrimSuffix(strings.TrimPrefix(*key, deployer.DeployPrefix), ".json")
		if _, err := tb.d.ReadManifest(t.Context(), tb.site, deployID); igny8.ErrorCode(err) != igny8.ENotFound {
			t.Errorf("the late manifest: %v, want not_found", err)
		}
		leasesGone(t, s, tb.site)
	})
}
