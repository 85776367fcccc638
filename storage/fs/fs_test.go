package fs_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/fs"
	"github.com/igny8/igny8/storage/storagetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store { return mustOpen(t, t.TempDir()) })
}

// TestStorePrefixMode runs the suite on prefix mode over an fs store.
func TestStorePrefixMode(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s := mustOpen(t, t.TempDir())
		if err := s.CreateBucket(t.Context(), "igny8-sites"); err != nil {
			t.Fatal(err)
		}
		p, err := storage.NewPrefixStore(s, "igny8-sites")
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
}

// TestTwoStoresOneFolder has two Store values share a folder, as two
// processes would: their compare-and-swaps must still exclude each other.
func TestTwoStoresOneFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stores := []*fs.Store{mustOpen(t, dir), mustOpen(t, dir)}
	ctx := t.Context()
	b := storagetest.NewBucket(t, stores[0])
	if _, err := stores[0].Put(ctx, b, "n", strings.NewReader("0"), 1, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 10 {
				if err := increment(t, stores[i%2], b, "n"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := readString(t, stores[1], b, "n"); got != "80" {
		t.Errorf("counter = %s, want 80", got)
	}
}

// TestGeneration checks that every write gets a new generation, even of
// identical bytes.
func TestGeneration(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, t.TempDir())
	b := storagetest.NewBucket(t, s)
	seen := map[string]bool{}
	for range 3 {
		info, err := s.Put(t.Context(), b, "k", strings.NewReader("same"), 4, storage.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if seen[info.Generation] {
			t.Errorf("generation %q repeated", info.Generation)
		}
		seen[info.Generation] = true
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := mustOpen(t, dir)
	if got, want := s.Root(), dir; got != want {
		t.Errorf("Root() = %q, want %q", got, want)
	}
	b := storagetest.NewBucket(t, s)
	info, err := s.Put(t.Context(), b, "deploys/d1.json", strings.NewReader("{}"), 2, storage.PutOptions{ContentType: "application/json"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, b, "deploys", "d1.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := `igny8-object-v1 {"generation":"` + info.Generation + `","content_type":"application/json"}` + "\n{}"
	if got := string(raw); got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, ".tmp")); len(tmp) != 0 {
		t.Errorf(".tmp holds %d files after Put, want none", len(tmp))
	}
}

// TestKeysStayInside checks that rejected keys leave no trace outside the
// store's folder (nor inside it).
func TestKeysStayInside(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	s := mustOpen(t, filepath.Join(parent, "objects"))
	b := storagetest.NewBucket(t, s)
	for _, k := range []string{"../escape", "../../escape", "/tmp/escape", `..\escape`, "a/../../escape", "x\x00y"} {
		_, err := s.Put(t.Context(), b, k, strings.NewReader("x"), 1, storage.PutOptions{})
		if !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Put(%q) = %v, want ErrInvalid", k, err)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("the parent folder holds %d entries, want only objects/", len(entries))
	}
	if entries, _ := os.ReadDir(filepath.Join(parent, "objects", b)); len(entries) != 0 {
		t.Errorf("the bucket folder holds %d entries, want none", len(entries))
	}
}

func TestKeyAndFolderClash(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, t.TempDir())
	b := storagetest.NewBucket(t, s)
	ctx := t.Context()
	if _, err := s.Put(ctx, b, "a/b", strings.NewReader("x"), 1, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "a/b/c"} {
		_, err := s.Put(ctx, b, k, strings.NewReader("x"), 1, storage.PutOptions{})
		if !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Put(%q) = %v, want ErrInvalid", k, err)
		}
	}
	// A folder is not an object.
	if _, err := s.Stat(ctx, b, "a"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat(folder) = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, b, "a"); err != nil {
		t.Errorf("Delete(folder) = %v, want nil", err)
	}
	if got := readString(t, s, b, "a/b"); got != "x" {
		t.Errorf("after Delete(folder), a/b = %q, want %q", got, "x")
	}
}

func TestCrashLeftovers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := mustOpen(t, dir)
	b := storagetest.NewBucket(t, s)

	// An empty folder left by a crash is neither an object nor a reason to
	// keep the bucket.
	if err := os.MkdirAll(filepath.Join(dir, b, "empty", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBucket(t.Context(), b); err != nil {
		t.Errorf("DeleteBucket with empty folders left = %v, want nil", err)
	}

	// Open removes old temporary files and keeps fresh ones (a writer in
	// another process may own them).
	old, fresh := filepath.Join(dir, ".tmp", "put-old"), filepath.Join(dir, ".tmp", "put-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, dir)
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file survived Open: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file removed by Open: %v", err)
	}
}

func TestForeignFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := mustOpen(t, dir)
	b := storagetest.NewBucket(t, s)
	if err := os.WriteFile(filepath.Join(dir, b, "stray"), []byte("not ours"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.Stat(t.Context(), b, "stray")
	if err == nil || errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat(stray file) = %v, want a format error", err)
	}
	if _, err := s.List(t.Context(), b, storage.ListOptions{}); err == nil {
		t.Error("List over a stray file succeeded, want a format error")
	}
	os.Remove(filepath.Join(dir, b, "stray"))
}

func mustOpen(tb testing.TB, root string) *fs.Store {
	tb.Helper()
	s, err := fs.Open(root)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
