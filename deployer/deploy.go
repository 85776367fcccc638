package deployer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer/rules"
	"github.com/igny8/igny8/storage"
)

// DeployOptions describe a deploy beyond its files. They describe the whole
// new deploy: nothing but Files is taken from the base of a delta deploy.
type DeployOptions struct {
	// Base makes a delta deploy: the files passed are the changed ones and
	// Removed lists the base's paths to drop; every other file of the base
	// is kept. The base manifest is trusted: none of its blobs is looked
	// at (the deploy's lease keeps them stored; see lease.go). A base that
	// is gone fails the deploy with not_found.
	Base    string
	Removed []string

	NotFound  string // path of the 404 page; it must be one of the files
	URLPolicy URLPolicy
	Redirects []rules.Redirect
	Headers   []rules.HeaderRule
	Build     map[string]any
	Preview   *PreviewOptions

	// OnUpload, when set, hears the size of each file's bytes as they are
	// written (not of their precompressed variants, nor of bytes already
	// stored), possibly from several goroutines at once: upload progress.
	OnUpload func(size int64)
}

// Deploy stores files as a new deploy of a site and returns its manifest.
// Only missing blobs are uploaded, and the manifest is written last, once:
// a deploy that fails or is killed leaves at most orphan blobs and never
// touches the live site. Deploy does not promote.
//
// The deploy holds a lease on the site's bucket from before it looks at any
// blob until its manifest is written (lease.go), waiting first for a Prune
// of the site to end: that is what lets it trust a blob it found stored,
// and a delta deploy trust its base, without looking again.
func (d *Deployer) Deploy(ctx context.Context, siteID string, files []File, opts DeployOptions) (*Manifest, DeployStats, error) {
	start := d.now()
	b, err := bucket(siteID)
	if err != nil {
		return nil, DeployStats{}, err
	}
	id, err := newDeployID(start, d.random)
	if err != nil {
		return nil, DeployStats{}, err
	}
	m, err := d.newManifest(id, siteID, start, files, opts)
	if err != nil {
		return nil, DeployStats{}, fmt.Errorf("deploy %s: %w", siteID, err)
	}
	if err := d.ensureBucket(ctx, b); err != nil {
		return nil, DeployStats{}, fmt.Errorf("deploy %s: %w", siteID, err)
	}
	// A lost lease stops the upload: its manifest could not be written.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lease, err := d.acquireDeploy(ctx, b, id, cancel)
	if err != nil {
		return nil, DeployStats{}, fmt.Errorf("deploy %s: %w", siteID, err)
	}
	defer lease.release(ctx)
	u := newUploader(d, b)
	u.onUpload = opts.OnUpload
	if opts.Base != "" {
		if err := d.applyBase(ctx, u, m, files, opts); err != nil {
			return nil, DeployStats{}, fmt.Errorf("deploy %s: %w", siteID, err)
		}
	}
	if err := u.list(ctx, len(files)*(1+len(d.encoders))); err != nil {
		return nil, DeployStats{}, fmt.Errorf("deploy %s: %w", siteID, err)
	}
	if err := d.uploadAll(ctx, u, files, m); err != nil {
		if lerr := lease.held(); lerr != nil {
			err = lerr
		}
		return nil, u.stats(), fmt.Errorf("deploy %s: %w", siteID, err)
	}
	stats := u.stats()
	stats.Files = len(m.Files)
	for _, f := range m.Files {
		stats.Bytes += f.Size
	}
	// Only under a lease held from before the write until its answer
	// (lease.go): a Prune that took the lease for expired may have
	// deleted blobs the manifest names.
	if err := lease.held(); err != nil {
		return nil, stats, fmt.Errorf("deploy %s: manifest not written: %w", siteID, err)
	}
	err = d.putManifest(ctx, b, m)
	if lerr := lease.held(); lerr != nil {
		d.deleteManifest(ctx, b, m.DeployID) // it may have landed
		return nil, stats, fmt.Errorf("deploy %s: manifest withdrawn: %w", siteID, lerr)
	} else if err != nil {
		return nil, stats, fmt.Errorf("deploy %s: %w", siteID, err)
	}
	d.logger.InfoContext(ctx, "deploy stored", "storage_id", siteID, "deploy_id", id,
		"files", stats.Files, "blobs_uploaded", stats.BlobsUploaded, "blobs_skipped", stats.BlobsSkipped)
	return m, stats, nil
}

// newManifest checks files and opts and returns the manifest without any
// file entries yet.
func (d *Deployer) newManifest(id, siteID string, now time.Time, files []File, opts DeployOptions) (*Manifest, error) {
	m := &Manifest{
		Version: ManifestVersion, DeployID: id, SiteID: siteID, CreatedAt: now.UTC(), Base: opts.Base,
		Files: map[string]FileEntry{}, NotFound: opts.NotFound, URLPolicy: opts.URLPolicy,
		Redirects: opts.Redirects, Headers: opts.Headers, Build: opts.Build,
	}
	if opts.Base != "" {
		if _, _, err := ParseDeployID(opts.Base); err != nil {
			return nil, err
		}
	} else if len(opts.Removed) > 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "Removed paths need a base deploy.")
	}
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if !validPath(f.Path) {
			return nil, igny8.Errorf(igny8.EInvalid, "Invalid file path %q.", f.Path)
		} else if seen[f.Path] {
			return nil, igny8.Errorf(igny8.EInvalid, "File %q is listed twice.", f.Path)
		}
		seen[f.Path] = true
	}
	if m.NotFound != "" && opts.Base == "" && !seen[m.NotFound] {
		return nil, igny8.Errorf(igny8.EInvalid, "The 404 page %q is not a file of the deploy.", m.NotFound)
	}
	if opts.Preview != nil {
		p, err := opts.Preview.preview()
		if err != nil {
			return nil, err
		}
		m.Preview = p
	}
	return m, nil
}

// uploadAll stores every file's blobs and adds its entry to m. The first
// error cancels the rest. Config.Concurrency bounds the requests in flight
// (see uploader.request); a few more files than that are worked on at once,
// so that hashing and compressing overlap the requests instead of holding
// their slots.
func (d *Deployer) uploadAll(ctx context.Context, u *uploader, files []File, m *Manifest) error {
	var mu sync.Mutex
	return forEach(ctx, d.concurrency+runtime.GOMAXPROCS(0), slices.Values(files), func(ctx context.Context, f File) error {
		e, err := u.file(ctx, f)
		if err != nil {
			return err
		}
		mu.Lock()
		m.Files[f.Path] = e
		mu.Unlock()
		return nil
	})
}

// file stores one file's blobs and returns its entry.
func (u *uploader) file(ctx context.Context, f File) (FileEntry, error) {
	data, sha, err := f.load()
	if err != nil {
		return FileEntry{}, err
	}
	ct := ContentType(f.Path)
	enc, err := u.store(ctx, sha, data, compressible(ct))
	if err != nil {
		return FileEntry{}, fmt.Errorf("store %s: %w", f.Path, err)
	}
	return FileEntry{SHA256: sha, Size: int64(len(data)), ContentType: ct, Encodings: enc, Immutable: immutable(f.Path, sha)}, nil
}

// deleteManifest withdraws a manifest written too late, even when ctx is
// done.
func (d *Deployer) deleteManifest(ctx context.Context, b, deployID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := d.store.Delete(ctx, b, DeployKey(deployID)); err != nil {
		d.logger.ErrorContext(ctx, "manifest written after its lease ran out not deleted", "bucket", b, "deploy_id", deployID, "error", err)
	}
}

// putManifest writes m create-only: from then on the deploy is ready.
func (d *Deployer) putManifest(ctx context.Context, b string, m *Manifest) error {
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	_, err = d.store.Put(ctx, b, DeployKey(m.DeployID), bytes.NewReader(data), int64(len(data)),
		storage.PutOptions{ContentType: "application/json", IfNotExist: true})
	if err != nil {
		return fmt.Errorf("put manifest %s: %w", m.DeployID, err)
	}
	return nil
}
