package fs

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/igny8/igny8/storage"
)

// magic starts every object file; the version lets the format change later.
const magic = "igny8-object-v1 "

// maxHeader bounds the header line; content types are at most 256 bytes.
const maxHeader = 1024

// header is the metadata line at the top of an object file.
type header struct {
	Generation  string `json:"generation"`
	ContentType string `json:"content_type"`
}

// encode returns the header line, newline included. JSON escapes control
// characters, so the line holds no other newline.
func (h header) encode() []byte {
	b, _ := json.Marshal(h) // two strings cannot fail to marshal
	return append(append([]byte(magic), b...), '\n')
}

// newGeneration returns a random token: unique per write with overwhelming
// probability, without any state to keep.
func newGeneration() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// openObject opens the object file of key and parses its header. It returns
// the open file, the object's info and the offset of its first byte.
func (s *Store) openObject(bucket, key string) (*os.File, storage.ObjectInfo, int64, error) {
	f, err := os.Open(s.objectPath(bucket, key))
	if err != nil {
		return nil, storage.ObjectInfo{}, 0, s.notFound(bucket, err)
	}
	info, off, err := readInfo(f, key)
	if err != nil {
		f.Close()
		return nil, storage.ObjectInfo{}, 0, s.notFound(bucket, err)
	}
	return f, info, off, nil
}

// notFound translates the errors of opening a key's file: a missing file, or
// a folder where the file would be, is storage.ErrNotFound, or
// storage.ErrBucketNotFound when the bucket itself is gone.
func (s *Store) notFound(bucket string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR):
		if berr := s.checkBucket(bucket); berr != nil {
			return berr
		}
		return storage.ErrNotFound
	case errors.Is(err, syscall.ENAMETOOLONG):
		return fmt.Errorf("a key segment is longer than the file system allows: %w", storage.ErrInvalid)
	}
	return err
}

// readInfo reads the header of an object file.
func readInfo(f *os.File, key string) (storage.ObjectInfo, int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return storage.ObjectInfo{}, 0, err
	}
	if fi.IsDir() {
		return storage.ObjectInfo{}, 0, &os.PathError{Op: "read", Path: f.Name(), Err: syscall.EISDIR}
	}
	buf := make([]byte, maxHeader)
	n, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return storage.ObjectInfo{}, 0, err
	}
	line, _, ok := bytes.Cut(buf[:n], []byte{'\n'})
	rest, hasMagic := bytes.CutPrefix(line, []byte(magic))
	var h header
	if !ok || !hasMagic || json.Unmarshal(rest, &h) != nil || h.Generation == "" {
		return storage.ObjectInfo{}, 0, fmt.Errorf("%s: not an igny8 object file", f.Name())
	}
	off := int64(len(line) + 1)
	return storage.ObjectInfo{
		Key:         key,
		Size:        fi.Size() - off,
		ContentType: h.ContentType,
		Generation:  h.Generation,
		ModTime:     fi.ModTime(),
	}, off, nil
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, bucket, key string, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: %w", key, err)
	}
	f, info, off, err := s.openObject(bucket, key)
	if err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: %w", key, err)
	}
	n := info.Size
	if opts.Range != nil {
		var roff int64
		if roff, n, err = opts.Range.Bounds(info.Size); err != nil {
			f.Close()
			return nil, storage.ObjectInfo{}, fmt.Errorf("get %q: %w", key, err)
		}
		off += roff
	}
	return readCloser{io.NewSectionReader(f, off, n), f}, info, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	if err := storage.ValidateObject(ctx, bucket, key); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	f, info, _, err := s.openObject(bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	f.Close()
	return info, nil
}
