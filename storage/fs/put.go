package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/igny8/igny8/storage"
)

// Put implements storage.Store: see the package doc for how it stays atomic.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	if err := opts.Validate(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	if err := s.checkBucket(bucket); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	info := storage.ObjectInfo{Key: key, ContentType: opts.ContentType, Generation: newGeneration()}
	if info.ContentType == "" {
		info.ContentType = storage.DefaultContentType
	}
	tmp, err := s.writeTemp(ctx, r, size, header{Generation: info.Generation, ContentType: info.ContentType}, &info)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	defer os.Remove(tmp) // fails harmlessly once renamed

	unlock, err := s.lock(ctx, bucket)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	defer unlock()
	if err := s.commit(bucket, key, tmp, opts); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	return info, nil
}

// writeTemp writes the header and exactly size bytes of r (all of r when size
// is -1) to a new temporary file, fsyncs it and returns its path. It fills in
// info's Size and ModTime.
func (s *Store) writeTemp(ctx context.Context, r io.Reader, size int64, h header, info *storage.ObjectInfo) (path string, err error) {
	f, err := os.CreateTemp(filepath.Join(s.root, ".tmp"), "put-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(h.encode()); err != nil {
		return "", err
	}
	// Checking ctx between reads lets a long Put be canceled.
	src := io.Reader(readerFunc(func(p []byte) (int, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return r.Read(p)
	}))
	if size >= 0 {
		src = io.LimitReader(src, size)
	}
	n, err := io.Copy(f, src)
	if err != nil {
		return "", err
	}
	if size >= 0 && n != size {
		return "", fmt.Errorf("read %d bytes, want %d: %w", n, size, io.ErrUnexpectedEOF)
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	info.Size, info.ModTime = n, fi.ModTime()
	return f.Name(), nil
}

// commit checks the Put's condition and renames tmp into place. The bucket's
// lock must be held.
func (s *Store) commit(bucket, key, tmp string, opts storage.PutOptions) error {
	if err := s.checkBucket(bucket); err != nil { // deleted while we wrote
		return err
	}
	path := s.objectPath(bucket, key)
	if opts.IfNotExist || opts.IfGenerationMatch != "" {
		f, cur, _, err := s.openObject(bucket, key)
		if err == nil {
			f.Close()
		}
		switch {
		case errors.Is(err, storage.ErrNotFound):
			if opts.IfGenerationMatch != "" {
				return storage.ErrPrecondition
			}
		case err != nil:
			return err
		case opts.IfNotExist || cur.Generation != opts.IfGenerationMatch:
			return storage.ErrPrecondition
		}
	}
	dir := filepath.Dir(path)
	if err := s.mkdirs(s.bucketDir(bucket), dir); err != nil {
		return conflict(key, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return conflict(key, err)
	}
	return syncDir(dir)
}

// conflict explains the errors of a key that cannot be a file here, like
// "a/b" when "a" is an object or "a" when "a/b" is.
func conflict(key string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR),
		errors.Is(err, syscall.EEXIST), errors.Is(err, syscall.ENOTEMPTY):
		return fmt.Errorf("key %q clashes with another key: the fs store cannot hold both a key and keys below it: %w", key, storage.ErrInvalid)
	case errors.Is(err, syscall.ENAMETOOLONG):
		return fmt.Errorf("key %q: a segment is longer than the file system allows: %w", key, storage.ErrInvalid)
	}
	return err
}

// mkdirs creates dir and any missing parents up to base, fsyncing the parent
// of each folder it creates so the new entries are durable.
func (s *Store) mkdirs(base, dir string) error {
	if dir == base {
		return nil
	}
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return &os.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if err := s.mkdirs(base, parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// Delete implements storage.Store. It also removes the folders the key
// leaves empty, so that their names can become keys again.
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	return s.delete(ctx, bucket, key, "")
}

// DeleteIfGeneration implements storage.ConditionalDeleter: the check and
// the delete happen under the bucket's lock, which every writer takes.
func (s *Store) DeleteIfGeneration(ctx context.Context, bucket, key, generation string) error {
	if generation == "" {
		return fmt.Errorf("delete %q: %w: no generation given", key, storage.ErrInvalid)
	}
	return s.delete(ctx, bucket, key, generation)
}

// delete removes an object; with a generation, only if it still has it.
func (s *Store) delete(ctx context.Context, bucket, key, generation string) error {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := s.checkBucket(bucket); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	unlock, err := s.lock(ctx, bucket)
	if err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	defer unlock()

	path := s.objectPath(bucket, key)
	if fi, err := os.Lstat(path); err != nil || fi.IsDir() {
		if err := s.notFound(bucket, err); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("delete %q: %w", key, err)
		}
		return nil // a folder is not an object; nothing to delete
	}
	if generation != "" {
		info, err := s.Stat(ctx, bucket, key)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		} else if err != nil {
			return fmt.Errorf("delete %q: %w", key, err)
		} else if info.Generation != generation {
			return fmt.Errorf("delete %q: %w", key, storage.ErrPrecondition)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	base, dir := s.bucketDir(bucket), filepath.Dir(path)
	for dir != base && os.Remove(dir) == nil {
		dir = filepath.Dir(dir)
	}
	return syncDir(dir)
}

type readerFunc func(p []byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
