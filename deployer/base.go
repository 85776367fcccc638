package deployer

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/igny8/igny8/storage"
)

// keepBase makes sure the blobs a delta deploy takes over from its base
// (the entries of m not among the changed files) are stored and young:
// one older than the freshen age is copied onto itself, so a concurrent
// Prune, which only deletes blobs older than its grace period, leaves it
// alone until the manifest that references it exists. A blob the base lost
// fails the deploy.
func (d *Deployer) keepBase(ctx context.Context, u *uploader, m *Manifest, changed map[string]bool) error {
	keys := map[string]bool{}
	for p, f := range m.Files {
		if changed[p] {
			continue
		}
		keys[BlobKey(f.SHA256, "")] = true
		for _, enc := range f.Encodings {
			keys[BlobKey(f.SHA256, enc)] = true
		}
	}
	return forEach(ctx, d.concurrency, maps.Keys(keys), u.keep)
}

// keep freshens one base blob if it is old.
func (u *uploader) keep(ctx context.Context, key string) error {
	info, err := u.d.store.Stat(ctx, u.bucket, key)
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("base blob %s is missing: deploy in full", key)
	} else if err != nil {
		return fmt.Errorf("stat %s: %w", key, err)
	}
	if u.d.now().Sub(info.ModTime) < u.d.freshenAge {
		u.skipped.Add(1)
		return nil
	}
	rc, info, err := u.d.store.Get(ctx, u.bucket, key, storage.GetOptions{})
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("base blob %s is missing: deploy in full", key)
	} else if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	defer rc.Close()
	if _, err := u.d.store.Put(ctx, u.bucket, key, rc, info.Size, storage.PutOptions{}); err != nil {
		return fmt.Errorf("freshen %s: %w", key, err)
	}
	u.freshened.Add(1)
	return nil
}
