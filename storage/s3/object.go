package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/igny8/igny8/storage"
)

func objectInfo(key string, oi minio.ObjectInfo) storage.ObjectInfo {
	ct := oi.ContentType
	if ct == "" {
		ct = storage.DefaultContentType
	}
	return storage.ObjectInfo{Key: key, Size: oi.Size, ContentType: ct, Generation: oi.ETag, ModTime: oi.LastModified}
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, bucket, key string, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: %w", key, err)
	}
	var gopts minio.GetObjectOptions
	if r := opts.Range; r != nil {
		if r.Offset < 0 || r.Length < 0 {
			return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: range offset %d length %d: negative: %w", key, r.Offset, r.Length, storage.ErrInvalid)
		}
		// SetRange cannot say "bytes=0-", so write the header directly.
		rng := fmt.Sprintf("bytes=%d-", r.Offset)
		if r.Length > 0 {
			rng += strconv.FormatInt(r.Offset+r.Length-1, 10)
		}
		gopts.Set("Range", rng)
	}
	body, oi, hdr, err := minio.Core{Client: s.client}.GetObject(ctx, bucket, key, gopts)
	if err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: %w", key, translate(err))
	}
	info := objectInfo(key, oi)
	if opts.Range != nil {
		// Content-Length is the range's; "bytes a-b/size" has the object's.
		_, total, ok := strings.Cut(hdr.Get("Content-Range"), "/")
		size, err := strconv.ParseInt(total, 10, 64)
		if !ok || err != nil {
			body.Close()
			return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: bad Content-Range %q", key, hdr.Get("Content-Range"))
		}
		info.Size = size
	}
	return body, info, nil
}

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	if err := opts.Validate(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	popts := minio.PutObjectOptions{ContentType: opts.ContentType}
	if popts.ContentType == "" {
		popts.ContentType = storage.DefaultContentType
	}
	switch {
	case opts.IfNotExist:
		popts.SetMatchETagExcept("*")
	case opts.IfGenerationMatch != "":
		popts.SetMatchETag(opts.IfGenerationMatch)
	}
	if opts.IfNotExist || opts.IfGenerationMatch != "" {
		popts.DisableMultipart = true
		if size < 0 {
			data, err := io.ReadAll(r)
			if err != nil {
				return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
			}
			r, size = bytes.NewReader(data), int64(len(data))
		}
	}
	if size >= 0 {
		var err error
		if r, err = sized(r, size); err != nil {
			return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
		}
	}
	ui, err := s.client.PutObject(ctx, bucket, key, r, size, popts)
	if err != nil {
		err = translate(err)
		if opts.IfGenerationMatch != "" && errors.Is(err, storage.ErrNotFound) {
			err = storage.ErrPrecondition // AWS answers If-Match on a missing key with 404
		}
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	return storage.ObjectInfo{Key: key, Size: ui.Size, ContentType: popts.ContentType, Generation: ui.ETag, ModTime: ui.LastModified}, nil
}

// sized makes a reader that ends before size bytes an error, rather than
// depend on how each minio-go upload path notices. A seekable reader is
// measured up front and passed on as it is, because minio-go retries a failed
// request only when it can seek the body back; any other is wrapped.
func sized(r io.Reader, size int64) (io.Reader, error) {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return &exactReader{r: r, left: size}, nil
	}
	cur, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if _, err := rs.Seek(cur, io.SeekStart); err != nil {
		return nil, err
	}
	if end-cur < size {
		return nil, fmt.Errorf("reader holds %d bytes, want %d: %w", end-cur, size, io.ErrUnexpectedEOF)
	}
	return r, nil
}

// exactReader yields at most left bytes and fails if r ends sooner.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	oi, err := s.client.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, s.notFound(ctx, bucket, translate(err)))
	}
	return objectInfo(key, oi), nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := s.client.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("delete %q: %w", key, translate(err))
	}
	return nil
}

// List implements storage.Store with one ListObjectsV2 request per page
// (asking for one key more than the page, to know whether another follows).
func (s *Store) List(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	if err := storage.ValidateList(ctx, bucket, opts); err != nil {
		return storage.ListPage{}, fmt.Errorf("list: %w", err)
	}
	limit := opts.PageLimit()
	fetchOwner := false
	lopts := minio.ListObjectsOptions{
		Prefix:     opts.Prefix,
		StartAfter: opts.StartAfter,
		Recursive:  true,
		MaxKeys:    limit + 1,
		FetchOwner: &fetchOwner,
	}
	var page storage.ListPage
	for oi := range s.client.ListObjectsIter(ctx, bucket, lopts) {
		if oi.Err != nil {
			return storage.ListPage{}, fmt.Errorf("list %s/%s: %w", bucket, opts.Prefix, translate(oi.Err))
		}
		if len(page.Objects) == limit {
			page.Next = page.Objects[limit-1].Key
			break
		}
		info := objectInfo(oi.Key, oi)
		info.ContentType = "" // listings do not carry it
		page.Objects = append(page.Objects, info)
	}
	// The iterator ends quietly when ctx is canceled.
	if err := ctx.Err(); err != nil {
		return storage.ListPage{}, fmt.Errorf("list: %w", err)
	}
	return page, nil
}
