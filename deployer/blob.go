package deployer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// DeployStats counts what a deploy stored. Its DeployCounts count files:
// all of the deploy's, and those whose bytes had to be written. The Blobs
// counts include the precompressed variants.
type DeployStats struct {
	igny8.DeployCounts
	BlobsUploaded int   // blobs written because they were missing
	BytesUploaded int64 // bytes of those blobs
	// BlobsSkipped counts the blobs of the files passed that were already
	// stored. The blobs a delta deploy takes over from its base are not
	// counted: they are not looked at.
	BlobsSkipped int
	// BlobsFreshened is always 0.
	//
	// Deprecated: deploys no longer rewrite old blobs (see Config.FreshenAge).
	BlobsFreshened int
}

// minCompressSize: smaller files gain too little from a variant.
const minCompressSize = 256

// uploader stores the blobs of one deploy, each distinct content once. It
// runs under the deploy's lease, so no blob it finds stored is deleted
// before the manifest exists (lease.go): one look per blob is enough.
type uploader struct {
	d      *Deployer
	bucket string

	uploaded, skipped atomic.Int64
	bytesUploaded     atomic.Int64
	// files whose identity bytes this deploy wrote, and their size
	filesUploaded, fileBytesUploaded atomic.Int64

	// stored holds keys known to be stored: listed, or named by the base
	// manifest. Every blob key up to listedTo was listed, so one of them
	// missing from stored is not stored. Both are set before the uploads
	// start and only read after.
	stored   map[string]bool
	listedTo string

	slots chan struct{} // one per request in flight: Config.Concurrency

	onUpload func(size int64) // DeployOptions.OnUpload

	mu    sync.Mutex
	blobs map[string]*blobResult // by sha256
}

func newUploader(d *Deployer, b string) *uploader {
	return &uploader{d: d, bucket: b, blobs: map[string]*blobResult{}, stored: map[string]bool{},
		slots: make(chan struct{}, d.concurrency)}
}

// request runs one store request in a slot, so that at most
// Config.Concurrency are in flight whatever the workers do meanwhile.
func (u *uploader) request(ctx context.Context, fn func() error) error {
	select {
	case u.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-u.slots }()
	return fn()
}

// blobResult is the outcome of storing one content and its variants.
type blobResult struct {
	done      chan struct{}
	encodings []string
	err       error
}

func (u *uploader) stats() DeployStats {
	return DeployStats{
		DeployCounts:  igny8.DeployCounts{UploadedFiles: int(u.filesUploaded.Load()), UploadedBytes: u.fileBytesUploaded.Load()},
		BlobsUploaded: int(u.uploaded.Load()),
		BytesUploaded: u.bytesUploaded.Load(),
		BlobsSkipped:  int(u.skipped.Load()),
	}
}

// list learns which blobs are stored from the listing of the bucket's
// blobs, as far as it is worth it: up to about n keys, n being the number
// of blobs the deploy may need. Past that, a Stat per blob costs less than
// listing the rest of a big bucket. A first deploy lists an empty bucket in
// one request and then uploads without asking about each blob.
func (u *uploader) list(ctx context.Context, n int) error {
	after := ""
	for n > 0 {
		page, err := u.d.store.List(ctx, u.bucket, storage.ListOptions{Prefix: BlobPrefix, StartAfter: after, Limit: min(n, storage.MaxListLimit)})
		if err != nil {
			return fmt.Errorf("list blobs: %w", err)
		}
		for _, o := range page.Objects {
			u.stored[o.Key] = true
		}
		n -= len(page.Objects)
		if page.Next == "" {
			u.listedTo = BlobPrefix + "\xff" // the whole prefix
			return nil
		}
		after = page.Next
		u.listedTo = after
	}
	return nil
}

// store stores data (whose sha256 is sha) and, for compressible types, its
// smaller variants, and returns the encodings stored. Concurrent calls for
// the same content wait for the first.
func (u *uploader) store(ctx context.Context, sha string, data []byte, compress bool) ([]string, error) {
	u.mu.Lock()
	r, ok := u.blobs[sha]
	if !ok {
		r = &blobResult{done: make(chan struct{})}
		u.blobs[sha] = r
	}
	u.mu.Unlock()
	if ok {
		select {
		case <-r.done:
			return r.encodings, r.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	defer close(r.done)
	r.encodings, r.err = u.storeVariants(ctx, sha, data, compress)
	return r.encodings, r.err
}

func (u *uploader) storeVariants(ctx context.Context, sha string, data []byte, compress bool) ([]string, error) {
	identity := func() ([]byte, error) { return data, nil }
	if _, wrote, err := u.ensure(ctx, BlobKey(sha, ""), identity); err != nil {
		return nil, err
	} else if wrote {
		u.filesUploaded.Add(1)
		u.fileBytesUploaded.Add(int64(len(data)))
		if u.onUpload != nil {
			u.onUpload(int64(len(data)))
		}
	}
	if !compress || len(data) < minCompressSize {
		return nil, nil
	}
	var encodings []string
	for _, e := range u.d.encoders {
		variant := func() ([]byte, error) {
			z, err := encode(e, data)
			if err != nil || len(z) >= len(data) {
				return nil, err // nil: not worth storing
			}
			return z, nil
		}
		stored, _, err := u.ensure(ctx, BlobKey(sha, e.Name), variant)
		if err != nil {
			return nil, fmt.Errorf("store %s variant of %s: %w", e.Name, sha, err)
		} else if stored {
			encodings = append(encodings, e.Name)
		}
	}
	return encodings, nil
}

// ensure makes sure key holds the bytes data returns, writing it
// create-only when it is not stored (losing that race means another deploy
// stored the same bytes). data is called only when a write is needed; when
// it returns nil, nothing is stored and ensure returns false. A variant that
// exists was stored because it was smaller, so a redeploy does not compress
// again. wrote says this call wrote it.
func (u *uploader) ensure(ctx context.Context, key string, data func() ([]byte, error)) (stored, wrote bool, err error) {
	if u.stored[key] {
		u.skipped.Add(1)
		return true, false, nil
	}
	if key > u.listedTo {
		err := u.request(ctx, func() error {
			_, err := u.d.store.Stat(ctx, u.bucket, key)
			return err
		})
		if err == nil {
			u.skipped.Add(1)
			return true, false, nil
		} else if !errors.Is(err, storage.ErrNotFound) {
			return false, false, fmt.Errorf("stat %s: %w", key, err)
		}
	}
	b, err := data()
	if err != nil || b == nil {
		return false, false, err
	}
	err = u.request(ctx, func() error {
		_, err := u.d.store.Put(ctx, u.bucket, key, bytes.NewReader(b), int64(len(b)), storage.PutOptions{IfNotExist: true})
		return err
	})
	if errors.Is(err, storage.ErrPrecondition) {
		u.skipped.Add(1)
		return true, false, nil
	} else if err != nil {
		return false, false, fmt.Errorf("put %s: %w", key, err)
	}
	u.uploaded.Add(1)
	u.bytesUploaded.Add(int64(len(b)))
	return true, true, nil
}
