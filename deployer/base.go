package deployer

import (
	"context"
	"fmt"

	"github.com/igny8/igny8"
)

// applyBase adds to m the entries of a delta deploy's base that it keeps
// (all but the changed and removed paths), and tells u that every blob the
// base names is stored. It runs under the deploy's lease, after the check
// for a Prune (lease.go): a base manifest read then either names only
// stored blobs, which stay stored until the new manifest exists, or is gone,
// and the deploy fails. So none of the base's blobs is looked at.
func (d *Deployer) applyBase(ctx context.Context, u *uploader, m *Manifest, files []File, opts DeployOptions) error {
	base, err := d.readManifest(ctx, u.bucket, opts.Base)
	if err != nil {
		return fmt.Errorf("read base: %w", err)
	}
	changed := make(map[string]bool, len(files))
	for _, f := range files {
		changed[f.Path] = true
	}
	for p, f := range base.Files {
		u.stored[BlobKey(f.SHA256, "")] = true
		for _, enc := range f.Encodings {
			u.stored[BlobKey(f.SHA256, enc)] = true
		}
		if !changed[p] {
			m.Files[p] = f
		}
	}
	for _, p := range opts.Removed {
		delete(m.Files, p)
	}
	if _, ok := m.Files[m.NotFound]; m.NotFound != "" && !ok && !changed[m.NotFound] {
		return igny8.Errorf(igny8.EInvalid, "The 404 page %q is not a file of the deploy.", m.NotFound)
	}
	return nil
}
