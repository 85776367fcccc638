package deployer

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// The lease protocol and the argument for its safety are in the package
// documentation (layout.go), under "Leases".

// LeaseMargin is the slack of the lease protocol: the most that two
// machines' clocks may disagree plus the longest one store request may
// take. A lease holder stops acting under its lease this long before it
// expires.
const LeaseMargin = time.Minute

// Defaults of the lease settings of Config.
const (
	DefaultGCLease   = 5 * time.Minute
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
	// Renewals counts the writes of the GC lease, so that each one has
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

// deployLease is a deploy's hold on its site's blobs.
type deployLease struct {
	key   string
	start time.Time // when it was taken: the deploy's deadline counts from it
}

// acquireDeploy takes a deploy's lease, waiting while a Prune holds the
// site (see the protocol above).
func (d *Deployer) acquireDeploy(ctx context.Context, b, deployID string) (*deployLease, error) {
	l := &deployLease{}
	giveUp := d.now().Add(d.maxDeploy)
	for try := 1; ; try++ {
		l.key, l.start = DeployLeaseKey(deployID, try), d.now()
		doc := leaseDoc{Holder: deployID, ExpiresAt: l.start.Add(d.maxDeploy + LeaseMargin)}
		if _, err := d.putLease(ctx, b, l.key, doc, storage.PutOptions{IfNotExist: true}); err != nil { // D1
			return nil, fmt.Errorf("take deploy lease: %w", err)
		}
		gc, _, err := d.readLease(ctx, b, GCLeaseKey) // D2
		if errors.Is(err, storage.ErrNotFound) || err == nil && !d.now().Before(gc.ExpiresAt) {
			return l, nil
		}
		d.releaseDeploy(ctx, b, l)
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

// releaseDeploy deletes a deploy's lease, even when ctx is done; a lease
// left behind only delays Prune until it expires.
func (d *Deployer) releaseDeploy(ctx context.Context, b string, l *deployLease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := d.store.Delete(ctx, b, l.key); err != nil {
		d.logger.WarnContext(ctx, "deploy lease not released: it will expire", "key", l.key, "error", err)
	}
}

// gcLease is a Prune's hold on its site.
type gcLease struct {
	d   *Deployer
	b   string
	doc leaseDoc
	gen string
}

// acquireGC takes the site's GC lease, or takes over an expired one. It
// returns nil and no error when the site has no bucket.
func (d *Deployer) acquireGC(ctx context.Context, b string) (*gcLease, error) {
	var id [8]byte
	if _, err := io.ReadFull(d.random, id[:]); err != nil {
		return nil, fmt.Errorf("gc lease id: %w", err)
	}
	g := &gcLease{d: d, b: b, doc: leaseDoc{Holder: hex.EncodeToString(id[:]), ExpiresAt: d.now().Add(d.gcLease)}}
	info, err := d.putLease(ctx, b, GCLeaseKey, g.doc, storage.PutOptions{IfNotExist: true}) // P1
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
	return g, nil
}

// check returns an error unless the lease is valid for more than
// LeaseMargin, renewing it when half of it has passed. Prune calls it
// before every delete.
func (g *gcLease) check(ctx context.Context) error {
	now := g.d.now()
	if !now.Before(g.doc.ExpiresAt.Add(-LeaseMargin)) {
		return fmt.Errorf("gc lease expired at %s: stopped, run it again", g.doc.ExpiresAt.Format(time.RFC3339))
	}
	if g.doc.ExpiresAt.Sub(now) > g.d.gcLease/2 {
		return nil
	}
	next := g.doc
	next.ExpiresAt = now.Add(g.d.gcLease)
	next.Renewals++
	info, err := g.d.putLease(ctx, g.b, GCLeaseKey, next, storage.PutOptions{IfGenerationMatch: g.gen})
	if err != nil {
		return fmt.Errorf("renew gc lease: %w", err)
	}
	g.doc, g.gen = next, info.Generation
	return nil
}

// release deletes the lease if it is still this Prune's; past its margin it
// is left to expire, since another Prune may have taken it over.
func (g *gcLease) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if !g.d.now().Before(g.doc.ExpiresAt.Add(-LeaseMargin)) {
		return
	}
	if err := g.d.deleteObject(ctx, g.b, GCLeaseKey, g.gen); err != nil && !errors.Is(err, storage.ErrPrecondition) {
		g.d.logger.WarnContext(ctx, "gc lease not released: it will expire", "bucket", g.b, "error", err)
	}
}

// waitDeploys waits, up to wait, until no deploy of the site holds a valid
// lease, deleting expired ones (their deploys never write a manifest).
func (d *Deployer) waitDeploys(ctx context.Context, g *gcLease, wait time.Duration) (expired int, err error) {
	until := d.now().Add(wait)
	for {
		var held int
		for obj, err := range storage.All(ctx, d.store, g.b, DeployLeasePrefix) { // P2
			if err != nil {
				return expired, fmt.Errorf("list deploy leases: %w", err)
			}
			l, gen, err := d.readLease(ctx, g.b, obj.Key)
			if errors.Is(err, storage.ErrNotFound) {
				continue // released meanwhile
			} else if err != nil {
				return expired, err
			}
			if d.now().Before(l.ExpiresAt) {
				held++
				continue
			}
			if err := g.check(ctx); err != nil {
				return expired, err
			}
			if err := d.deleteObject(ctx, g.b, obj.Key, gen); err != nil && !errors.Is(err, storage.ErrPrecondition) {
				return expired, fmt.Errorf("delete expired lease %s: %w", obj.Key, err)
			}
			d.logger.WarnContext(ctx, "expired deploy lease deleted", "bucket", g.b, "deploy_id", l.Holder)
			expired++
		}
		if held == 0 {
			return expired, nil
		}
		if !d.now().Before(until) {
			return expired, fmt.Errorf("%d deploys hold leases: %w", held, ErrDeploysInProgress)
		}
		if err := d.sleep(ctx); err != nil {
			return expired, err
		}
		if err := g.check(ctx); err != nil {
			return expired, err
		}
	}
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
