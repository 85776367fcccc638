// Package storagetest holds the conformance suite every storage.Store passes
// (Run) and an in-memory Store for fast tests elsewhere (Memory).
//
// A backend's test runs the suite in one line:
//
//	func TestStore(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store { return open(t) })
//	}
package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// Run runs the conformance suite. newStore is called once per subtest, which
// may run in parallel with the others; it may return the same Store every
// time. Each subtest works in buckets of its own with unique names, created
// by NewBucket and deleted when it ends, so a shared server is fine.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, storage.Store)
	}{
		{"ReadAfterWrite", testReadAfterWrite},
		{"Overwrite", testOverwrite},
		{"Stat", testStat},
		{"Delete", testDelete},
		{"ContentType", testContentType},
		{"EmptyAndUnknownSize", testEmptyAndUnknownSize},
		{"ShortReader", testShortReader},
		{"Range", testRange},
		{"CanceledContext", testCanceledContext},
		{"List", testList},
		{"ListPages", testListPages},
		{"ListMany", testListMany},
		{"CreateOnly", testCreateOnly},
		{"CompareAndSwap", testCompareAndSwap},
		{"DeleteIfGeneration", testDeleteIfGeneration},
		{"RaceCreateOnly", testRaceCreateOnly},
		{"RaceCompareAndSwap", testRaceCompareAndSwap},
		{"Buckets", testBuckets},
		{"MissingBucket", testMissingBucket},
		{"InvalidBucket", testInvalidBucket},
		{"InvalidKey", testInvalidKey},
		{"UnusualKeys", testUnusualKeys},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

// NewBucket creates a bucket with a unique name (igny8-test-<random>) and
// deletes it, contents and all, when the test ends.
func NewBucket(tb testing.TB, s storage.Store) string {
	tb.Helper()
	bucket := uniqueBucket()
	if err := s.CreateBucket(tb.Context(), bucket); err != nil {
		tb.Fatalf("CreateBucket(%q): %v", bucket, err)
	}
	tb.Cleanup(func() {
		// tb.Context is already canceled when cleanups run.
		ctx := context.Background()
		if err := storage.EmptyBucket(ctx, s, bucket); err != nil && !errors.Is(err, storage.ErrBucketNotFound) {
			tb.Errorf("cleanup: %v", err)
			return
		}
		if err := s.DeleteBucket(ctx, bucket); err != nil && !errors.Is(err, storage.ErrBucketNotFound) {
			tb.Errorf("cleanup: %v", err)
		}
	})
	return bucket
}

// uniqueBucket returns a fresh test bucket name that is not created.
func uniqueBucket() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return "igny8-test-" + hex.EncodeToString(b)
}

// mustPut writes data under key and returns what Put reported.
func mustPut(tb testing.TB, s storage.Store, bucket, key, data string, opts storage.PutOptions) storage.ObjectInfo {
	tb.Helper()
	info, err := s.Put(tb.Context(), bucket, key, strings.NewReader(data), int64(len(data)), opts)
	if err != nil {
		tb.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

// read gets key (or a range of it) and returns its content.
func read(tb testing.TB, s storage.Store, bucket, key string, opts storage.GetOptions) (string, storage.ObjectInfo, error) {
	tb.Helper()
	rc, info, err := s.Get(tb.Context(), bucket, key, opts)
	if err != nil {
		return "", info, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	_, err = io.Copy(&buf, rc)
	return buf.String(), info, err
}

// mustRead is read that fails the test on an error.
func mustRead(tb testing.TB, s storage.Store, bucket, key string) (string, storage.ObjectInfo) {
	tb.Helper()
	got, info, err := read(tb, s, bucket, key, storage.GetOptions{})
	if err != nil {
		tb.Fatalf("Get(%q): %v", key, err)
	}
	return got, info
}

// wantErr checks that err wraps target and carries target's igny8 code.
func wantErr(tb testing.TB, what string, err, target error) {
	tb.Helper()
	if !errors.Is(err, target) {
		tb.Errorf("%s: error = %v, want %v", what, err, target)
		return
	}
	if got, want := igny8.ErrorCode(err), igny8.ErrorCode(target); got != want {
		tb.Errorf("%s: igny8.ErrorCode = %q, want %q", what, got, want)
	}
}
