package sites

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"path"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// MediaPrefix starts the keys of a site's asset library in its storage:
// media/sha256/<aa>/<sha256>, one object per content whatever its paths.
// Garbage collection of deploys never touches it.
const MediaPrefix = "media/sha256/"

// MaxAssetSize is the largest asset a site may upload.
const MaxAssetSize = 50 << 20

// MediaKey returns the key of an asset's bytes.
func MediaKey(sha string) string { return MediaPrefix + sha[:2] + "/" + sha }

// PutAsset stores the bytes of r as the site's asset at p and records it
// in the library (AssetStore), replacing what was at p. The bytes are
// stored once per content. contentType "" is guessed from the extension.
func (s *Service) PutAsset(ctx context.Context, site *igny8.Site, p, contentType string, r io.Reader) (*igny8.Asset, bool, error) {
	if s.cfg.Assets == nil {
		return nil, false, errors.New("sites: no asset store configured")
	}
	if err := igny8.CheckAssetPath(p); err != nil {
		return nil, false, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxAssetSize+1))
	if err != nil {
		return nil, false, fmt.Errorf("read asset: %w", err)
	}
	if len(data) > MaxAssetSize {
		return nil, false, igny8.Errorf(igny8.EInvalid, "The asset is larger than %d MiB; make it smaller (images: resize or compress them).", MaxAssetSize>>20)
	}
	if len(data) == 0 {
		return nil, false, igny8.Errorf(igny8.EInvalid, "The asset is empty: send its bytes as the request body.")
	}
	if contentType == "" {
		contentType = mime.TypeByExtension(path.Ext(p))
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	b := storage.SiteBucket(site.StorageID)
	if err := s.store.CreateBucket(ctx, b); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		return nil, false, fmt.Errorf("asset bucket: %w", err)
	}
	_, err = s.store.Put(ctx, b, MediaKey(sha), bytes.NewReader(data), int64(len(data)),
		storage.PutOptions{IfNotExist: true, ContentType: contentType})
	if err != nil && !errors.Is(err, storage.ErrPrecondition) {
		return nil, false, fmt.Errorf("store asset: %w", err)
	}
	a := &igny8.Asset{SiteID: site.ID, Path: p, SHA256: sha, Size: int64(len(data)), ContentType: contentType}
	created, err := s.cfg.Assets.PutAsset(ctx, a)
	return a, created, err
}

// OpenAsset returns the bytes of one of the site's assets.
func (s *Service) OpenAsset(ctx context.Context, site *igny8.Site, a *igny8.Asset) (io.ReadCloser, error) {
	rc, _, err := s.store.Get(ctx, storage.SiteBucket(site.StorageID), MediaKey(a.SHA256), storage.GetOptions{})
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		return nil, igny8.Errorf(igny8.ENotFound, "The bytes of asset %q are missing from the site's storage; upload it again.", a.Path)
	}
	return rc, err
}

// AssetFS returns the site's asset library as a file system, the files a
// stored blueprint's asset paths are relative to. Without an AssetStore it
// is empty.
func (s *Service) AssetFS(ctx context.Context, site *igny8.Site) (fs.FS, error) {
	lib := &assetFS{ctx: ctx, s: s, site: site, files: map[string]*igny8.Asset{}}
	if s.cfg.Assets == nil || site.ID == 0 {
		return lib, nil
	}
	list, err := s.cfg.Assets.Assets(ctx, site.ID, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("list assets: %w", err)
	}
	for _, a := range list {
		lib.files[a.Path] = a
	}
	return lib, nil
}

// assetFS is a read-only fs.FS over a site's asset library: each file is
// read from storage when opened. It holds a context because fs.FS has no
// place for one; it lives no longer than the build it serves.
type assetFS struct {
	ctx   context.Context
	s     *Service
	site  *igny8.Site
	files map[string]*igny8.Asset
}

func (l *assetFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	a, ok := l.files[name]
	if !ok {
		if l.isDir(name) {
			return &assetDir{name: name}, nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	rc, err := l.s.OpenAsset(l.ctx, l.site, a)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxAssetSize+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return &assetFile{info: assetInfo{name: path.Base(name), size: int64(len(data)), mod: a.UpdatedAt}, r: bytes.NewReader(data)}, nil
}

// Stat implements fs.StatFS without reading the asset's bytes.
func (l *assetFS) Stat(name string) (fs.FileInfo, error) {
	if a, ok := l.files[name]; ok {
		return assetInfo{name: path.Base(name), size: a.Size, mod: a.UpdatedAt}, nil
	}
	if fs.ValidPath(name) && l.isDir(name) {
		return assetInfo{name: path.Base(name), dir: true}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// isDir reports whether name is "." or a folder some asset is in.
func (l *assetFS) isDir(name string) bool {
	if name == "." {
		return true
	}
	for p := range l.files {
		if strings.HasPrefix(p, name+"/") {
			return true
		}
	}
	return false
}

type assetFile struct {
	info assetInfo
	r    *bytes.Reader
}

func (f *assetFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *assetFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *assetFile) Close() error               { return nil }

type assetDir struct{ name string }

func (d *assetDir) Stat() (fs.FileInfo, error) {
	return assetInfo{name: path.Base(d.name), dir: true}, nil
}
func (d *assetDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: fs.ErrInvalid}
}
func (d *assetDir) Close() error { return nil }

type assetInfo struct {
	name string
	size int64
	mod  time.Time
	dir  bool
}

func (i assetInfo) Name() string { return i.name }
func (i assetInfo) Size() int64  { return i.size }
func (i assetInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i assetInfo) ModTime() time.Time { return i.mod }
func (i assetInfo) IsDir() bool        { return i.dir }
func (i assetInfo) Sys() any           { return nil }
