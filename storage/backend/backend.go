// Package backend opens the storage.Store that a URL names, so cmd/igny8
// can turn IGNY8_STORAGE into a Store in one call. It is the one package
// that knows every implementation; the rest of IGNY8 sees storage.Store only.
package backend

import (
	"fmt"
	"strings"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/fs"
	"github.com/igny8/igny8/storage/s3"
)

// Config holds what a URL cannot carry. The caller fills it (from the
// environment, in cmd/igny8); this package reads no environment.
type Config struct {
	// S3 is used by s3:// URLs.
	S3 s3.Config
}

// Open returns the Store that rawURL names:
//
//	fs://PATH     a local folder (fs://./data/objects, fs:///var/lib/igny8);
//	              a bucket per site, each a subfolder
//	s3://         MinIO or S3 at cfg.S3, a bucket per site
//	s3://BUCKET   prefix mode: every site a prefix of the one bucket BUCKET,
//	              which must exist
//
// Open makes no network request; a bad address or credentials surface on
// first use.
func Open(rawURL string, cfg Config) (storage.Store, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("open storage %q: want fs://PATH, s3:// or s3://BUCKET", rawURL)
	}
	switch scheme {
	case "fs":
		if rest == "" {
			return nil, fmt.Errorf("open storage %q: no folder after fs://", rawURL)
		}
		s, err := fs.Open(rest)
		if err != nil {
			return nil, fmt.Errorf("open storage %q: %w", rawURL, err)
		}
		return s, nil
	case "s3":
		s, err := s3.New(cfg.S3)
		if err != nil {
			return nil, fmt.Errorf("open storage %q: %w", rawURL, err)
		}
		bucket := strings.TrimSuffix(rest, "/")
		if bucket == "" {
			return s, nil
		}
		p, err := storage.NewPrefixStore(s, bucket)
		if err != nil {
			return nil, fmt.Errorf("open storage %q: %w", rawURL, err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("open storage %q: unknown scheme %q (want fs or s3)", rawURL, scheme)
}
