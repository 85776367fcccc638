package storagetest

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8/storage"
)

func testReadAfterWrite(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	before := time.Now()
	const data = "hello, world"
	info := mustPut(t, s, b, "dir/hello.txt", data, storage.PutOptions{ContentType: "text/plain; charset=utf-8"})
	if got, want := info.Key, "dir/hello.txt"; got != want {
		t.Errorf("Put Key = %q, want %q", got, want)
	}
	if got, want := info.Size, int64(len(data)); got != want {
		t.Errorf("Put Size = %d, want %d", got, want)
	}
	if info.Generation == "" {
		t.Error("Put Generation is empty")
	}

	got, ginfo := mustRead(t, s, b, "dir/hello.txt")
	if got != data {
		t.Errorf("Get = %q, want %q", got, data)
	}
	if got, want := ginfo.Key, info.Key; got != want {
		t.Errorf("Get Key = %q, want %q", got, want)
	}
	if got, want := ginfo.Size, info.Size; got != want {
		t.Errorf("Get Size = %d, want %d", got, want)
	}
	if got, want := ginfo.ContentType, "text/plain; charset=utf-8"; got != want {
		t.Errorf("Get ContentType = %q, want %q", got, want)
	}
	if got, want := ginfo.Generation, info.Generation; got != want {
		t.Errorf("Get Generation = %q, want %q", got, want)
	}
	// Servers keep whole seconds and may drift a little from this clock.
	if mt := ginfo.ModTime; mt.Before(before.Add(-time.Minute)) || mt.After(time.Now().Add(time.Minute)) {
		t.Errorf("Get ModTime = %v, want about %v", mt, before)
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	first := mustPut(t, s, b, "k", "first version", storage.PutOptions{})
	second := mustPut(t, s, b, "k", "second", storage.PutOptions{ContentType: "text/plain"})
	if first.Generation == second.Generation {
		t.Errorf("Generation %q did not change on overwrite with new content", first.Generation)
	}
	got, info := mustRead(t, s, b, "k")
	if got != "second" {
		t.Errorf("Get = %q, want %q", got, "second")
	}
	if got, want := info.Size, int64(6); got != want {
		t.Errorf("Size = %d, want %d", got, want)
	}
	if got, want := info.ContentType, "text/plain"; got != want {
		t.Errorf("ContentType = %q, want %q", got, want)
	}
}

func testStat(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	put := mustPut(t, s, b, "a/b.json", `{"x":1}`, storage.PutOptions{ContentType: "application/json"})
	info, err := s.Stat(t.Context(), b, "a/b.json")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	want := storage.ObjectInfo{Key: "a/b.json", Size: 7, ContentType: "application/json", Generation: put.Generation}
	if info.ModTime.IsZero() {
		t.Error("Stat ModTime is zero")
	}
	info.ModTime = time.Time{}
	if info != want {
		t.Errorf("Stat = %+v, want %+v", info, want)
	}

	_, err = s.Stat(t.Context(), b, "a/missing.json")
	wantErr(t, "Stat(missing)", err, storage.ErrNotFound)
	_, _, err = read(t, s, b, "a/missing.json", storage.GetOptions{})
	wantErr(t, "Get(missing)", err, storage.ErrNotFound)
	_, err = s.Stat(t.Context(), b, "a")
	wantErr(t, "Stat(a prefix)", err, storage.ErrNotFound)
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := t.Context()
	b := NewBucket(t, s)
	mustPut(t, s, b, "x/y/z", "deep", storage.PutOptions{})
	mustPut(t, s, b, "x/keep", "kept", storage.PutOptions{})
	if err := s.Delete(ctx, b, "x/y/z"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Stat(ctx, b, "x/y/z")
	wantErr(t, "Stat(deleted)", err, storage.ErrNotFound)
	_, _, err = read(t, s, b, "x/y/z", storage.GetOptions{})
	wantErr(t, "Get(deleted)", err, storage.ErrNotFound)
	if err := s.Delete(ctx, b, "x/y/z"); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
	// The emptied prefix can hold an object of its own now.
	mustPut(t, s, b, "x/y", "reused", storage.PutOptions{})
	if got, _ := mustRead(t, s, b, "x/keep"); got != "kept" {
		t.Errorf("sibling = %q, want %q", got, "kept")
	}
	page, err := s.List(ctx, b, storage.ListOptions{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if got, want := keys(page.Objects), "x/keep x/y"; got != want {
		t.Errorf("List = %s, want %s", got, want)
	}
}

func testContentType(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	tests := []struct{ key, contentType, want string }{
		{"default", "", storage.DefaultContentType},
		{"page.html", "text/html; charset=utf-8", "text/html; charset=utf-8"},
		{"img.svg", "image/svg+xml", "image/svg+xml"},
	}
	for _, tt := range tests {
		mustPut(t, s, b, tt.key, "<x/>", storage.PutOptions{ContentType: tt.contentType})
		info, err := s.Stat(t.Context(), b, tt.key)
		if err != nil {
			t.Fatalf("Stat(%q): %v", tt.key, err)
		}
		if got := info.ContentType; got != tt.want {
			t.Errorf("Stat(%q) ContentType = %q, want %q", tt.key, got, tt.want)
		}
		if _, info := mustRead(t, s, b, tt.key); info.ContentType != tt.want {
			t.Errorf("Get(%q) ContentType = %q, want %q", tt.key, info.ContentType, tt.want)
		}
	}
	_, err := s.Put(t.Context(), b, "bad", strings.NewReader(""), 0, storage.PutOptions{ContentType: "text/html\r\nX-Evil: 1"})
	wantErr(t, "Put(content type with CRLF)", err, storage.ErrInvalid)
}

func testEmptyAndUnknownSize(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	mustPut(t, s, b, "empty", "", storage.PutOptions{})
	got, info := mustRead(t, s, b, "empty")
	if got != "" || info.Size != 0 {
		t.Errorf("Get(empty) = %q (Size %d), want empty", got, info.Size)
	}

	const data = "streamed without a known size"
	put, err := s.Put(t.Context(), b, "unknown", strings.NewReader(data), -1, storage.PutOptions{IfNotExist: true})
	if err != nil {
		t.Fatalf("Put(size -1): %v", err)
	}
	if got, want := put.Size, int64(len(data)); got != want {
		t.Errorf("Put(size -1) Size = %d, want %d", got, want)
	}
	if got, _ := mustRead(t, s, b, "unknown"); got != data {
		t.Errorf("Get(unknown) = %q, want %q", got, data)
	}
	// Unconditional, which S3 streams rather than buffers.
	put, err = s.Put(t.Context(), b, "unknown2", io.MultiReader(strings.NewReader(data)), -1, storage.PutOptions{})
	if err != nil {
		t.Fatalf("Put(size -1, unconditional): %v", err)
	}
	if got, want := put.Size, int64(len(data)); got != want {
		t.Errorf("Put(size -1, unconditional) Size = %d, want %d", got, want)
	}
	if got, _ := mustRead(t, s, b, "unknown2"); got != data {
		t.Errorf("Get(unknown2) = %q, want %q", got, data)
	}
}

func testShortReader(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	mustPut(t, s, b, "k", "old", storage.PutOptions{})
	if _, err := s.Put(t.Context(), b, "k", strings.NewReader("abc"), 10, storage.PutOptions{}); err == nil {
		t.Error("Put(3 bytes, size 10) succeeded, want an error")
	}
	if got, _ := mustRead(t, s, b, "k"); got != "old" {
		t.Errorf("after a failed Put, Get = %q, want %q", got, "old")
	}
	if _, err := s.Put(t.Context(), b, "new", strings.NewReader("abc"), 10, storage.PutOptions{}); err == nil {
		t.Error("Put(3 bytes, size 10) succeeded, want an error")
	}
	_, err := s.Stat(t.Context(), b, "new")
	wantErr(t, "Stat after a failed Put", err, storage.ErrNotFound)

	// The same with readers that cannot seek (MultiReader hides Seek).
	if _, err := s.Put(t.Context(), b, "k", io.MultiReader(strings.NewReader("abc")), 10, storage.PutOptions{}); err == nil {
		t.Error("Put(3 unseekable bytes, size 10) succeeded, want an error")
	}
	if _, err := s.Put(t.Context(), b, "k", io.MultiReader(strings.NewReader("four")), 4, storage.PutOptions{}); err != nil {
		t.Errorf("Put(4 unseekable bytes, size 4): %v", err)
	}
	if got, _ := mustRead(t, s, b, "k"); got != "four" {
		t.Errorf("Get = %q, want %q", got, "four")
	}
}

func testCanceledContext(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	mustPut(t, s, b, "k", "v", storage.PutOptions{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Put(ctx, b, "k2", strings.NewReader("v"), 1, storage.PutOptions{}); err == nil {
		t.Error("Put with a canceled context succeeded")
	}
	if _, _, err := s.Get(ctx, b, "k", storage.GetOptions{}); err == nil {
		t.Error("Get with a canceled context succeeded")
	}
	if _, err := s.List(ctx, b, storage.ListOptions{}); err == nil {
		t.Error("List with a canceled context succeeded")
	}
}

// keys joins the keys of objs with spaces, for compact comparisons.
func keys(objs []storage.ObjectInfo) string {
	ks := make([]string, len(objs))
	for i, o := range objs {
		ks[i] = o.Key
	}
	return strings.Join(ks, " ")
}
