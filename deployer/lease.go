package deployer

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// The lease protocol and the argument for its safety are in the package
// documentation (layout.go), under "Leases".

// LeaseMargin is the slack of the lease protocol: the most that two
// machines' clocks may disagree plus the longest one store request may
// take. A holder acts under its lease only while the lease is valid for
// more than LeaseMargin.
const LeaseMargin = 10 * time.Second

// Lease durations. Every lease is renewed by its holder while it works, so
// a lease outlives a killed holder by at most its TTL.
const (
	// DeployLeaseTTL is how long a deploy's lease lasts after its last
	// renewal: how long a killed deploy holds Prune back.
	DeployLeaseTTL = 30 * time.Second
	// DefaultGCLease is the default of Config.GCLease.
	DefaultGCLease = 30 * time.Second
	// DefaultLeaseRenew is the default of Config.LeaseRenew.
	DefaultLeaseRenew = 5 * time.Second
	// DefaultLeasePoll is the default of Config.LeasePoll.
	DefaultLeasePoll = time.Second
)

// ErrGCInProgress means a deploy waited longer than MaxDeployDuration for
// a Prune of its site to end, or a Prune found another one running.
var ErrGCInProgress = &igny8.Error{Code: igny8.EConflict, Message: "A garbage collection of the site is in progress."}

// ErrDeploysInProgress means Prune found deploys of the site in progress
// and did not delete anything; run it again later, or with Retention.Wait.
var ErrDeploysInProgress = &igny8.Error{Code: igny8.EConflict, Message: "Deploys of the site are in progress."}

// leaseDoc is the content of a lease object.
type leaseDoc struct {
	Holder    string    `json:"holder"` // the deploy id, or a Prune's random id
	ExpiresAt time.Time `json:"expires_at"`
	// Renewals counts the writes of the lease, so that each one has
	// distinct bytes (and so a distinct S3 ETag) even when the clock
	// stands still.
	Renewals int64 `json:"renewals,omitempty"`
}

func (d *Deployer) readLease(ctx context.Context, b, key string) (leaseDoc, string, error) {
	data, info, err := d.get(ctx, b, key)
	if err != nil {
		return leaseDoc{}, "", err
	}
	var l leaseDoc
	if err := json.Unmarshal(data, &l); err != nil {
		return leaseDoc{}, "", fmt.Errorf("decode lease %s: %w", key, err)
	}
	return l, info.Generation, nil
}

func (d *Deployer) putLease(ctx context.Context, b, key string, l leaseDoc, opts storage.PutOptions) (storage.ObjectInfo, error) {
	data, err := json.Marshal(l)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("encode lease: %w", err)
	}
	opts.ContentType = "application/json"
	return d.store.Put(ctx, b, key, bytes.NewReader(data), int64(len(data)), opts)
}

// lease is a lease this process holds: a deploy's, or a Prune's GC lease.
// Once taken, a heartbeat renews it every Config.LeaseRenew until release.
// Once lost (not renewed in time, past its deadline, or rewritten or
// deleted by someone else), it stays lost.
type lease struct {
	d        *Deployer
	b, key   string
	ttl      time.Duration
	deadline time.Time // it is lost at this time; zero: never
	// shared is set for the GC lease, whose key every Prune writes: it is
	// deleted only while this holder still holds it. A deploy's lease key
	// is its own.
	shared bool

	stop, done chan struct{} // of the heartbeat; nil before it starts

	mu  sync.Mutex
	doc leaseDoc
	gen string
	err error // why the lease was lost; nil while held
}

// held returns nil while the holder may act under the lease: it was never
// lost, and is valid for more than LeaseMargin.
func (l *lease) held() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.heldLocked()
}

func (l *lease) heldLocked() error {
	if l.err != nil {
		return l.err
	}
	now := l.d.now()
	switch {
	case !l.deadline.IsZero() && !now.Before(l.deadline):
		l.err = fmt.Errorf("lease %s: past its deadline, %s", l.key, l.deadline.Format(time.RFC3339))
	case !now.Before(l.doc.ExpiresAt.Add(-LeaseMargin)):
		l.err = fmt.Errorf("lease %s: not renewed in time (it expires at %s)", l.key, l.doc.ExpiresAt.Format(time.RFC3339))
	}
	return l.err
}

// renew extends the lease by its TTL, with a compare-and-swap on its
// generation, so a lease deleted or taken over is never brought back. The
// renewal counts only if its answer came while the lease it replaces was
// still held: a later write may have landed after a reader found the lease
// expired.
func (l *lease) renew(ctx context.Context) error {
	l.mu.Lock()
	if err := l.heldLocked(); err != nil {
		l.mu.Unlock()
		return err
	}
	next, gen := l.doc, l.gen
	l.mu.Unlock()
	next.ExpiresAt = l.d.now().Add(l.ttl)
	next.Renewals++
	info, err := l.d.putLease(ctx, l.b, l.key, next, storage.PutOptions{IfGenerationMatch: gen})
	l.mu.Lock()
	defer l.mu.Unlock()
	if herr := l.heldLocked(); herr != nil {
		return herr
	}
	if errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrNotFound) {
		l.err = fmt.Errorf("lease %s: lost: %w", l.key, err)
		return l.err
	} else if err != nil {
		return fmt.Errorf("renew lease %s: %w", l.key, err)
	}
	l.doc, l.gen = next, info.Generation
	return nil
}

// keepAlive starts the heartbeat. A renewal that fails is tried again at
// the next beat while the lease holds; lost is called (if not nil) once the
// lease is lost.
func (l *lease) keepAlive(ctx context.Context, lost func(error)) {
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	ctx = context.WithoutCancel(ctx) // release stops it
	go func() {
		defer close(l.done)
		t := time.NewTicker(l.d.leaseRenew)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
			}
			rctx, cancel := context.WithTimeout(ctx, l.ttl)
			err := l.renew(rctx)
			cancel()
			if err == nil {
				continue
			}
			if herr := l.held(); herr != nil {
				l.d.logger.WarnContext(ctx, "lease lost", "bucket", l.b, "key", l.key, "error", herr)
				if lost != nil {
					lost(herr)
				}
				return
			}
			l.d.logger.WarnContext(ctx, "lease not renewed: trying again", "bucket", l.b, "key", l.key, "error", err)
		}
	}()
}

// release stops the heartbeat and deletes the lease object, even when ctx
// is done; a lease left behind only holds others back until it expires. A
// GC lease that was lost is left to expire: another Prune may hold it now.
func (l *lease) release(ctx context.Context) {
	if l.stop != nil {
		close(l.stop)
		<-l.done
		l.stop = nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var err error
	if !l.shared {
		err = l.d.store.Delete(ctx, l.b, l.key)
	} else if l.held() == nil {
		l.mu.Lock()
		gen := l.gen
		l.mu.Unlock()
		err = l.d.deleteObject(ctx, l.b, l.key, gen)
		if errors.Is(err, storage.ErrPrecondition) {
			err = nil
		}
	}
	if err != nil {
		l.d.logger.WarnContext(ctx, "lease not released: it will expire", "bucket", l.b, "key", l.key, "error", err)
	}
}

// acquireDeploy takes a deploy's lease, waiting while a Prune holds the
// site (see the protocol in layout.go), and starts its heartbeat, which
// calls lost if the lease is lost. The lease is lost MaxDeployDuration
// after it was taken.
func (d *Deployer) acquireDeploy(ctx context.Context, b, deployID string, lost func(error)) (*lease, error) {
	giveUp := d.now().Add(d.maxDeploy)
	for try := 1; ; try++ {
		now := d.now()
		l := &lease{d: d, b: b, key: DeployLeaseKey(deployID, try), ttl: DeployLeaseTTL, deadline: now.Add(d.maxDeploy),
			doc: leaseDoc{Holder: deployID, ExpiresAt: now.Add(DeployLeaseTTL)}}
		info, err := d.putLease(ctx, b, l.key, l.doc, storage.PutOptions{IfNotExist: true}) // D1
		if err != nil {
			return nil, fmt.Errorf("take deploy lease: %w", err)
		}
		l.gen = info.Generation
		gc, _, err := d.readLease(ctx, b, GCLeaseKey) // D2
		if errors.Is(err, storage.ErrNotFound) || err == nil && !d.now().Before(gc.ExpiresAt) {
			l.keepAlive(ctx, lost)
			return l, nil
		}
		l.release(ctx)
		if err != nil {
			return nil, fmt.Errorf("read gc lease: %w", err)
		}
		if d.now().After(giveUp) {
			return nil, fmt.Errorf("waited %s for a garbage collection: %w", d.maxDeploy, ErrGCInProgress)
		}
		d.logger.InfoContext(ctx, "deploy waits for a garbage collection of the site", "bucket", b, "deploy_id", deployID)
		if err := d.sleep(ctx); err != nil {
			return nil, err
		}
	}
}

// acquireGC takes the site's GC lease once no deploy of the site holds a
// valid lease, waiting up to wait for that, and returns it with its
// heartbeat running and the number of expired deploy leases it deleted.
// It returns a nil lease and no error when the site has no bucket.
//
// While deploys hold leases it waits without the GC lease, so new deploys
// go ahead meanwhile: a Prune that cannot run holds no deploy back.
func (d *Deployer) acquireGC(ctx context.Context, b string, wait time.Duration) (*lease, int, error) {
	until := d.now().Add(wait)
	expired := 0
	for {
		held, _, err := d.deployLeases(ctx, b, nil)
		if errors.Is(err, storage.ErrBucketNotFound) {
			return nil, expired, nil
		} else if err != nil {
			return nil, expired, err
		}
		if held == 0 {
			g, err := d.takeGC(ctx, b) // P1
			if err != nil || g == nil {
				return nil, expired, err
			}
			n, exp, err := d.deployLeases(ctx, b, g) // P2
			expired += exp
			if err == nil && n == 0 {
				return g, expired, nil
			}
			// A deploy started since the first look: let it run.
			g.release(ctx)
			if err != nil {
				return nil, expired, err
			}
			held = n
		}
		if !d.now().Before(until) {
			return nil, expired, fmt.Errorf("%d deploys hold leases: %w", held, ErrDeploysInProgress)
		}
		if err := d.sleep(ctx); err != nil {
			return nil, expired, err
		}
	}
}

// takeGC creates the site's GC lease, or takes over an expired one, and
// starts its heartbeat. It returns nil and no error when the site has no
// bucket.
func (d *Deployer) takeGC(ctx context.Context, b string) (*lease, error) {
	var id [8]byte
	if _, err := io.ReadFull(d.random, id[:]); err != nil {
		return nil, fmt.Errorf("gc lease id: %w", err)
	}
	g := &lease{d: d, b: b, key: GCLeaseKey, ttl: d.gcLease, shared: true,
		doc: leaseDoc{Holder: hex.EncodeToString(id[:]), ExpiresAt: d.now().Add(d.gcLease)}}
	info, err := d.putLease(ctx, b, GCLeaseKey, g.doc, storage.PutOptions{IfNotExist: true})
	if errors.Is(err, storage.ErrBucketNotFound) {
		return nil, nil
	} else if errors.Is(err, storage.ErrPrecondition) {
		old, gen, rerr := d.readLease(ctx, b, GCLeaseKey)
		switch {
		case errors.Is(rerr, storage.ErrNotFound): // released meanwhile
			info, err = d.putLease(ctx, b, GCLeaseKey, g.doc, storage.PutOptions{IfNotExist: true})
		case rerr != nil:
			return nil, fmt.Errorf("read gc lease: %w", rerr)
		case d.now().Before(old.ExpiresAt):
			return nil, ErrGCInProgress
		default:
			d.logger.WarnContext(ctx, "expired gc lease taken over", "bucket", b, "holder", old.Holder)
			info, err = d.putLease(ctx, b, GCLeaseKey, g.doc, storage.PutOptions{IfGenerationMatch: gen})
		}
	}
	if errors.Is(err, storage.ErrPrecondition) {
		return nil, ErrGCInProgress // another Prune was faster
	} else if err != nil {
		return nil, fmt.Errorf("take gc lease: %w", err)
	}
	g.gen = info.Generation
	g.keepAlive(ctx, nil)
	return g, nil
}

// deployLeases lists the site's deploy leases and counts the valid ones.
// Under the GC lease g (not nil) it also deletes the expired ones, whose
// deploys never write a manifest, and counts them.
func (d *Deployer) deployLeases(ctx context.Context, b string, g *lease) (held, expired int, err error) {
	for obj, err := range storage.All(ctx, d.store, b, DeployLeasePrefix) {
		if err != nil {
			return held, expired, fmt.Errorf("list deploy leases: %w", err)
		}
		l, gen, err := d.readLease(ctx, b, obj.Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue // released meanwhile
		} else if err != nil {
			return held, expired, err
		}
		if d.now().Before(l.ExpiresAt) {
			held++
			continue
		}
		if g == nil {
			continue
		}
		if err := g.held(); err != nil {
			return held, expired, err
		}
		if err := d.deleteObject(ctx, b, obj.Key, gen); err != nil && !errors.Is(err, storage.ErrPrecondition) {
			return held, expired, fmt.Errorf("delete expired lease %s: %w", obj.Key, err)
		}
		d.logger.WarnContext(ctx, "expired deploy lease deleted", "bucket", b, "deploy_id", l.Holder)
		expired++
	}
	return held, expired, nil
}

// sleep waits one lease poll interval.
func (d *Deployer) sleep(ctx context.Context) error {
	t := time.NewTimer(d.leasePoll)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deleteObject deletes key, only while it has generation gen where the
// store can check that atomically.
func (d *Deployer) deleteObject(ctx context.Context, b, key, gen string) error {
	if cd, ok := d.store.(storage.ConditionalDeleter); ok {
		err := cd.DeleteIfGeneration(ctx, b, key, gen)
		if !errors.Is(err, errors.ErrUnsupported) {
			return err
		}
	}
	return d.store.Delete(ctx, b, key)
}
