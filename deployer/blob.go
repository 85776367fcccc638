package deployer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/igny8/igny8/storage"
)

// DeployStats counts what a deploy stored. Blobs include the precompressed
// variants.
type DeployStats struct {
	Files          int   // files in the deploy
	Bytes          int64 // their total size
	BlobsUploaded  int   // blobs written because they were missing
	BytesUploaded  int64 // bytes of those blobs
	BlobsSkipped   int   // blobs already stored
	BlobsFreshened int   // old blobs rewritten to keep Prune off them (see Config.FreshenAge)
}

// minCompressSize: smaller files gain too little from a variant.
const minCompressSize = 256

// uploader stores the blobs of one deploy, each distinct content once.
type uploader struct {
	d      *Deployer
	bucket string

	uploaded, skipped, freshened atomic.Int64
	bytesUploaded                atomic.Int64

	mu       sync.Mutex
	blobs    map[string]*blobResult // by sha256
	existing []existingBlob         // blobs found stored, checked again by verify
}

// existingBlob is a blob a deploy found already stored, with the file to
// store it again from.
type existingBlob struct {
	key      string
	file     File
	encoding string
}

// blobResult is the outcome of storing one content and its variants.
type blobResult struct {
	done      chan struct{}
	encodings []string
	err       error
}

func (u *uploader) stats() DeployStats {
	return DeployStats{
		BlobsUploaded:  int(u.uploaded.Load()),
		BytesUploaded:  u.bytesUploaded.Load(),
		BlobsSkipped:   int(u.skipped.Load()),
		BlobsFreshened: int(u.freshened.Load()),
	}
}

// store stores data (whose sha256 is sha) and, for compressible types, its
// smaller variants, and returns the encodings stored. Concurrent calls for
// the same content wait for the first.
func (u *uploader) store(ctx context.Context, f File, sha string, data []byte, compress bool) ([]string, error) {
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
	r.encodings, r.err = u.storeVariants(ctx, f, sha, data, compress)
	return r.encodings, r.err
}

func (u *uploader) storeVariants(ctx context.Context, f File, sha string, data []byte, compress bool) ([]string, error) {
	identity := func() ([]byte, error) { return data, nil }
	if _, err := u.ensure(ctx, f, "", BlobKey(sha, ""), identity); err != nil {
		return nil, err
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
		stored, err := u.ensure(ctx, f, e.Name, BlobKey(sha, e.Name), variant)
		if err != nil {
			return nil, fmt.Errorf("store %s variant of %s: %w", e.Name, sha, err)
		} else if stored {
			encodings = append(encodings, e.Name)
		}
	}
	return encodings, nil
}

// ensure makes sure key holds the bytes data returns: it writes a missing
// blob create-only (losing that race means another deploy stored the same
// bytes) and rewrites one older than the freshen age. data is called only
// when a write is needed; when it returns nil, nothing is stored and ensure
// returns false. A variant that exists was stored because it was smaller,
// so a redeploy does not compress again.
func (u *uploader) ensure(ctx context.Context, f File, encoding, key string, data func() ([]byte, error)) (bool, error) {
	info, err := u.d.store.Stat(ctx, u.bucket, key)
	opts := storage.PutOptions{IfNotExist: true}
	switch {
	case errors.Is(err, storage.ErrNotFound):
	case err != nil:
		return false, fmt.Errorf("stat %s: %w", key, err)
	case u.d.now().Sub(info.ModTime) < u.d.freshenAge:
		u.skipped.Add(1)
		u.found(f, encoding, key)
		return true, nil
	default:
		opts = storage.PutOptions{} // same bytes: only the time changes
		u.found(f, encoding, key)
	}
	b, err := data()
	if err != nil || b == nil {
		return false, err
	}
	_, err = u.d.store.Put(ctx, u.bucket, key, bytes.NewReader(b), int64(len(b)), opts)
	if errors.Is(err, storage.ErrPrecondition) {
		u.skipped.Add(1)
		u.found(f, encoding, key)
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("put %s: %w", key, err)
	}
	if opts.IfNotExist {
		u.uploaded.Add(1)
		u.bytesUploaded.Add(int64(len(b)))
	} else {
		u.freshened.Add(1)
	}
	return true, nil
}

func (u *uploader) found(f File, encoding, key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.existing = append(u.existing, existingBlob{key: key, file: f, encoding: encoding})
}

// verify checks, once the manifest is written, that the blobs the deploy
// found stored are still there, and stores again any a concurrent Prune
// deleted in the instant between its last check and its delete.
func (u *uploader) verify(ctx context.Context) (repaired int, err error) {
	for _, e := range u.existing {
		_, err := u.d.store.Stat(ctx, u.bucket, e.key)
		if err == nil {
			continue
		} else if !errors.Is(err, storage.ErrNotFound) {
			return repaired, fmt.Errorf("verify %s: %w", e.key, err)
		}
		data, _, err := e.file.load()
		if err != nil {
			return repaired, fmt.Errorf("repair %s: %w", e.key, err)
		}
		for _, enc := range u.d.encoders {
			if enc.Name == e.encoding {
				if data, err = encode(enc, data); err != nil {
					return repaired, fmt.Errorf("repair %s: %w", e.key, err)
				}
			}
		}
		if _, err := u.d.store.Put(ctx, u.bucket, e.key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
			return repaired, fmt.Errorf("repair %s: %w", e.key, err)
		}
		repaired++
	}
	return repaired, nil
}
