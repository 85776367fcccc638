package s3_test

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/s3"
	"github.com/igny8/igny8/storage/s3/s3test"
	"github.com/igny8/igny8/storage/storagetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	s := s3test.Open(t)
	storagetest.Run(t, func(t *testing.T) storage.Store { return s })
}

// TestStorePrefixMode runs the suite on prefix mode inside one real bucket.
func TestStorePrefixMode(t *testing.T) {
	t.Parallel()
	s := s3test.Open(t)
	real := storagetest.NewBucket(t, s)
	p, err := storage.NewPrefixStore(s, real)
	if err != nil {
		t.Fatal(err)
	}
	storagetest.Run(t, func(t *testing.T) storage.Store { return p })
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg     s3.Config
		wantErr bool
	}{
		{s3.Config{Endpoint: "http://127.0.0.1:9000", AccessKey: "a", SecretKey: "b"}, false},
		{s3.Config{Endpoint: "https://s3.eu-west-1.amazonaws.com", Region: "eu-west-1"}, false},
		{s3.Config{Endpoint: "minio.internal:9000", AccessKey: "a", SecretKey: "b"}, false},
		{s3.Config{}, true},
		{s3.Config{Endpoint: "ftp://host"}, true},
		{s3.Config{Endpoint: "http://host/path"}, true},
		{s3.Config{Endpoint: "http://host", AccessKey: "only-one"}, true},
	}
	for _, tt := range tests {
		_, err := s3.New(tt.cfg)
		if got := err != nil; got != tt.wantErr {
			t.Errorf("New(%+v) error = %v, want error %v", tt.cfg, err, tt.wantErr)
		}
	}
}

// TestUnreachable checks that a dead endpoint is an internal error, not a
// not-found that could be mistaken for a missing object.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	s, err := s3.New(s3.Config{Endpoint: "http://127.0.0.1:1", AccessKey: "a", SecretKey: "bbbbbbbb"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	_, err = s.Stat(ctx, "igny8-test-unreachable", "k")
	if err == nil || errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		t.Errorf("Stat on a dead endpoint = %v, want a plain error", err)
	}
}

// TestGenerationIsETag documents what a generation is on S3: the ETag, which
// for a plain single-part upload is the body's MD5, so rewriting identical
// bytes keeps it (fs and the memory fake change it on every write).
func TestGenerationIsETag(t *testing.T) {
	t.Parallel()
	s := s3test.Open(t)
	b := storagetest.NewBucket(t, s)
	put := func() string {
		info, err := s.Put(t.Context(), b, "k", strings.NewReader("same"), 4, storage.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return info.Generation
	}
	g1, g2 := put(), put()
	if want := fmt.Sprintf("%x", md5.Sum([]byte("same"))); g1 != want {
		t.Errorf("Generation = %q, want the MD5 %q", g1, want)
	}
	if g1 != g2 {
		t.Errorf("rewriting identical bytes changed the generation from %q to %q", g1, g2)
	}
}
