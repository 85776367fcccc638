package domains

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// maxRoute bounds a routing entry's body (a storage id).
const maxRoute = 256

// Routes reads and writes the routing entries of the routes bucket.
type Routes struct {
	store storage.Store
}

// NewRoutes returns the routing entries kept in store.
func NewRoutes(store storage.Store) *Routes { return &Routes{store: store} }

// Lookup returns the storage id host routes to, "" when none.
func (r *Routes) Lookup(ctx context.Context, host string) (string, error) {
	id, _, err := r.read(ctx, host)
	return id, err
}

func (r *Routes) read(ctx context.Context, host string) (id, gen string, err error) {
	rc, info, err := r.store.Get(ctx, deployer.RoutesBucket, deployer.HostKey(host), storage.GetOptions{})
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		return "", "", nil
	} else if err != nil {
		return "", "", fmt.Errorf("read route of %s: %w", host, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxRoute+1))
	if err != nil {
		return "", "", fmt.Errorf("read route of %s: %w", host, err)
	}
	return strings.TrimSpace(string(b)), info.Generation, nil
}

// Set routes host to storageID, whatever it routed to before. Use it when
// the control plane has decided the host belongs to the site: a verified
// domain, or the <slug> host of a site the database holds.
func (r *Routes) Set(ctx context.Context, host, storageID string) error {
	if err := r.ensureBucket(ctx); err != nil {
		return err
	}
	_, err := r.store.Put(ctx, deployer.RoutesBucket, deployer.HostKey(host), strings.NewReader(storageID), int64(len(storageID)),
		storage.PutOptions{ContentType: "text/plain"})
	if err != nil {
		return fmt.Errorf("route %s: %w", host, err)
	}
	return nil
}

// Claim routes host to storageID unless it routes to another site: the
// first claim wins. Without a control-plane database (the CLI alone), this
// is what keeps two sites off one host.
func (r *Routes) Claim(ctx context.Context, host, storageID string) error {
	if err := r.ensureBucket(ctx); err != nil {
		return err
	}
	_, err := r.store.Put(ctx, deployer.RoutesBucket, deployer.HostKey(host), strings.NewReader(storageID), int64(len(storageID)),
		storage.PutOptions{IfNotExist: true, ContentType: "text/plain"})
	if !errors.Is(err, storage.ErrPrecondition) {
		if err != nil {
			return fmt.Errorf("route %s: %w", host, err)
		}
		return nil
	}
	owner, err := r.Lookup(ctx, host)
	if err != nil {
		return err
	}
	if owner != storageID {
		return igny8.Errorf(igny8.EConflict, "The host %s already serves another site.", host)
	}
	return nil
}

// Remove stops routing host, if it routes to storageID; a host routed to
// another site (the domain moved) is left alone. Removing a missing route
// is not an error.
func (r *Routes) Remove(ctx context.Context, host, storageID string) error {
	id, gen, err := r.read(ctx, host)
	if err != nil || id != storageID {
		return err
	}
	key := deployer.HostKey(host)
	if cd, ok := r.store.(storage.ConditionalDeleter); ok {
		err = cd.DeleteIfGeneration(ctx, deployer.RoutesBucket, key, gen)
		if errors.Is(err, storage.ErrPrecondition) {
			return nil // rewritten meanwhile: it no longer routes to storageID
		}
	} else {
		err = r.store.Delete(ctx, deployer.RoutesBucket, key)
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("unroute %s: %w", host, err)
	}
	return nil
}

// StorageIDs returns the storage ids that some host routes to, sorted,
// each once.
func (r *Routes) StorageIDs(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	for obj, err := range storage.All(ctx, r.store, deployer.RoutesBucket, deployer.HostPrefix) {
		if errors.Is(err, storage.ErrBucketNotFound) {
			break
		} else if err != nil {
			return nil, err
		}
		id, err := r.Lookup(ctx, strings.TrimPrefix(obj.Key, deployer.HostPrefix))
		if err != nil {
			return nil, err
		}
		if id != "" {
			seen[id] = true
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

func (r *Routes) ensureBucket(ctx context.Context) error {
	if err := r.store.CreateBucket(ctx, deployer.RoutesBucket); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		return fmt.Errorf("routes bucket: %w", err)
	}
	return nil
}
