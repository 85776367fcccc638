package storagetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/igny8/igny8/storage"
)

func testBuckets(t *testing.T, s storage.Store) {
	ctx := t.Context()
	b := NewBucket(t, s)
	wantErr(t, "CreateBucket(existing)", s.CreateBucket(ctx, b), storage.ErrBucketExists)
	mustPut(t, s, b, "dir/k", "v", storage.PutOptions{})
	wantErr(t, "DeleteBucket(non-empty)", s.DeleteBucket(ctx, b), storage.ErrBucketNotEmpty)
	if got, _ := mustRead(t, s, b, "dir/k"); got != "v" {
		t.Errorf("after a refused DeleteBucket, Get = %q, want %q", got, "v")
	}
	if err := storage.EmptyBucket(ctx, s, b); err != nil {
		t.Fatalf("EmptyBucket: %v", err)
	}
	if err := s.DeleteBucket(ctx, b); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	checkMissingBucket(t, s, b)

	// A deleted bucket can be created again, empty.
	if err := s.CreateBucket(ctx, b); err != nil {
		t.Fatalf("CreateBucket(again): %v", err)
	}
	page, err := s.List(ctx, b, storage.ListOptions{})
	if err != nil || len(page.Objects) != 0 {
		t.Errorf("List(recreated) = %d objects, %v; want none", len(page.Objects), err)
	}
}

func testMissingBucket(t *testing.T, s storage.Store) {
	checkMissingBucket(t, s, uniqueBucket())
}

// checkMissingBucket checks that every operation on a missing bucket fails
// with ErrBucketNotFound and never with ErrNotFound.
func checkMissingBucket(t *testing.T, s storage.Store, b string) {
	t.Helper()
	ctx := t.Context()
	_, _, err := s.Get(ctx, b, "k", storage.GetOptions{})
	checkBucketNotFound(t, "Get", err)
	_, err = s.Stat(ctx, b, "k")
	checkBucketNotFound(t, "Stat", err)
	_, err = s.Put(ctx, b, "k", strings.NewReader("v"), 1, storage.PutOptions{})
	checkBucketNotFound(t, "Put", err)
	_, err = s.Put(ctx, b, "k", strings.NewReader("v"), 1, storage.PutOptions{IfNotExist: true})
	checkBucketNotFound(t, "Put(IfNotExist)", err)
	checkBucketNotFound(t, "Delete", s.Delete(ctx, b, "k"))
	_, err = s.List(ctx, b, storage.ListOptions{})
	checkBucketNotFound(t, "List", err)
	checkBucketNotFound(t, "DeleteBucket", s.DeleteBucket(ctx, b))
}

func checkBucketNotFound(t *testing.T, op string, err error) {
	t.Helper()
	wantErr(t, op+" on a missing bucket", err, storage.ErrBucketNotFound)
	if errors.Is(err, storage.ErrNotFound) {
		t.Errorf("%s on a missing bucket: %v is also ErrNotFound", op, err)
	}
}

func testInvalidBucket(t *testing.T, s storage.Store) {
	ctx := t.Context()
	for _, b := range []string{"", "ab", "Upper-case", "-lead", "trail-", "under_score", "has.dot", "a/b", "..", strings.Repeat("a", 64)} {
		wantErr(t, "CreateBucket("+b+")", s.CreateBucket(ctx, b), storage.ErrInvalid)
		_, err := s.Put(ctx, b, "k", strings.NewReader("v"), 1, storage.PutOptions{})
		wantErr(t, "Put in bucket "+b, err, storage.ErrInvalid)
		_, err = s.List(ctx, b, storage.ListOptions{})
		wantErr(t, "List of bucket "+b, err, storage.ErrInvalid)
	}
}

// badKeys could escape a folder, break a protocol or differ between backends.
var badKeys = []string{
	"", "/abs", "a/", "..", ".", "../up", "a/../b", "a/./b", "a//b", `back\slash`, `..\up`,
	"nul\x00byte", "ctl\x01", "new\nline", "del\x7f", "bad\xffutf8", strings.Repeat("k", storage.MaxKeyLen+1),
}

func testInvalidKey(t *testing.T, s storage.Store) {
	ctx := t.Context()
	b := NewBucket(t, s)
	for _, k := range badKeys {
		_, err := s.Put(ctx, b, k, strings.NewReader("v"), 1, storage.PutOptions{})
		wantErr(t, "Put("+k+")", err, storage.ErrInvalid)
		_, _, err = s.Get(ctx, b, k, storage.GetOptions{})
		wantErr(t, "Get("+k+")", err, storage.ErrInvalid)
		_, err = s.Stat(ctx, b, k)
		wantErr(t, "Stat("+k+")", err, storage.ErrInvalid)
		wantErr(t, "Delete("+k+")", s.Delete(ctx, b, k), storage.ErrInvalid)
	}
	for _, p := range []string{"/a", "../", "a/../", "a//", `x\`, "nul\x00", "./x"} {
		_, err := s.List(ctx, b, storage.ListOptions{Prefix: p})
		wantErr(t, "List(prefix "+p+")", err, storage.ErrInvalid)
	}
	_, err := s.List(ctx, b, storage.ListOptions{Limit: -1})
	wantErr(t, "List(limit -1)", err, storage.ErrInvalid)
	page, err := s.List(ctx, b, storage.ListOptions{})
	if err != nil || len(page.Objects) != 0 {
		t.Errorf("after invalid Puts, List = %d objects, %v; want none", len(page.Objects), err)
	}
}

func testUnusualKeys(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	seg := strings.Repeat("s", 240)
	keys := []string{
		"space here/ü.txt", "..dots", "a..b", ".hidden/.file", "plus+sign", "percent%2Fx",
		"q?x=1&y=2", "#frag", "tilde~", "emoji/😀", "UPPER/lower", seg + "/" + seg + "/" + seg + "/" + seg,
	}
	for _, k := range keys {
		mustPut(t, s, b, k, "v:"+k, storage.PutOptions{})
	}
	for _, k := range keys {
		if got, _ := mustRead(t, s, b, k); got != "v:"+k {
			t.Errorf("Get(%q) = %q, want %q", k, got, "v:"+k)
		}
	}
	n := 0
	for _, err := range storage.All(t.Context(), s, b, "") {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		n++
	}
	if n != len(keys) {
		t.Errorf("listed %d objects, want %d", n, len(keys))
	}
}
