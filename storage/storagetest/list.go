package storagetest

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8/storage"
)

// listKeys are ordered byte-wise: '-' < '.' < '/' < '0', the order that
// catches a listing that sorts folder by folder instead of by whole key.
var listKeys = []string{"a-c", "a.txt", "a/b", "a/c/d", "a0", "ab", "b/x", "b/y/z"}

func testList(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	gens := map[string]string{}
	for _, k := range listKeys {
		gens[k] = mustPut(t, s, b, k, "data of "+k, storage.PutOptions{}).Generation
	}

	tests := []struct {
		prefix string
		want   string
	}{
		{"", strings.Join(listKeys, " ")},
		{"a", "a-c a.txt a/b a/c/d a0 ab"},
		{"a/", "a/b a/c/d"},
		{"a/c", "a/c/d"},
		{"a/c/", "a/c/d"},
		{"b/y/", "b/y/z"},
		{"b/y/z", "b/y/z"},
		{"nope/", ""},
		{"c", ""},
	}
	for _, tt := range tests {
		page, err := s.List(t.Context(), b, storage.ListOptions{Prefix: tt.prefix})
		if err != nil {
			t.Fatalf("List(%q): %v", tt.prefix, err)
		}
		if got := keys(page.Objects); got != tt.want {
			t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
		if page.Next != "" {
			t.Errorf("List(%q) Next = %q, want none", tt.prefix, page.Next)
		}
		for _, o := range page.Objects {
			if want := int64(len("data of " + o.Key)); o.Size != want {
				t.Errorf("List(%q): %s Size = %d, want %d", tt.prefix, o.Key, o.Size, want)
			}
			if o.Generation != gens[o.Key] {
				t.Errorf("List(%q): %s Generation = %q, want %q", tt.prefix, o.Key, o.Generation, gens[o.Key])
			}
			if o.ModTime.IsZero() {
				t.Errorf("List(%q): %s ModTime is zero", tt.prefix, o.Key)
			}
		}
	}
}

func testListPages(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	for _, k := range listKeys {
		mustPut(t, s, b, k, "x", storage.PutOptions{})
	}
	var got []string
	opts := storage.ListOptions{Limit: 3}
	for range len(listKeys) {
		page, err := s.List(t.Context(), b, opts)
		if err != nil {
			t.Fatalf("List(%+v): %v", opts, err)
		}
		if len(page.Objects) > 3 {
			t.Fatalf("List(%+v) returned %d objects", opts, len(page.Objects))
		}
		got = append(got, keys(page.Objects))
		if page.Next == "" {
			break
		}
		opts.StartAfter = page.Next
	}
	if got, want := strings.Join(got, " | "), "a-c a.txt a/b | a/c/d a0 ab | b/x b/y/z"; got != want {
		t.Errorf("pages = %q, want %q", got, want)
	}

	// StartAfter need not be a key.
	page, err := s.List(t.Context(), b, storage.ListOptions{StartAfter: "a/bb", Limit: 2})
	if err != nil {
		t.Fatalf("List(StartAfter a/bb): %v", err)
	}
	if got, want := keys(page.Objects), "a/c/d a0"; got != want {
		t.Errorf("List(StartAfter a/bb) = %q, want %q", got, want)
	}
	page, err = s.List(t.Context(), b, storage.ListOptions{Prefix: "a/", StartAfter: "a/b"})
	if err != nil {
		t.Fatalf("List(Prefix a/, StartAfter a/b): %v", err)
	}
	if got, want := keys(page.Objects), "a/c/d"; got != want {
		t.Errorf("List(Prefix a/, StartAfter a/b) = %q, want %q", got, want)
	}
}

// testListMany writes more keys than fit in one page, nested two deep, and
// reads them back through storage.All.
func testListMany(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	var want []string
	for i := range 11 {
		for j := range 100 {
			want = append(want, fmt.Sprintf("many/%02d/%03d.txt", i, j))
		}
	}
	noise := []string{"many-not/x", "man", "other/1"}
	putAll(t, s, b, append(noise, want...))
	sort.Strings(want)

	page, err := s.List(t.Context(), b, storage.ListOptions{Prefix: "many/"})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if got, want := len(page.Objects), storage.MaxListLimit; got != want {
		t.Errorf("first page has %d objects, want %d", got, want)
	}
	if got, want := page.Next, "many/09/099.txt"; got != want {
		t.Errorf("first page Next = %q, want %q", got, want)
	}

	var got []string
	for obj, err := range storage.All(t.Context(), s, b, "many/") {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		got = append(got, obj.Key)
	}
	if len(got) != len(want) {
		t.Fatalf("All returned %d keys, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("All key %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// putAll writes tiny objects under keys, a few at a time.
func putAll(t *testing.T, s storage.Store, bucket string, keys []string) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, k := range keys {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if _, err := s.Put(t.Context(), bucket, k, strings.NewReader(k), int64(len(k)), storage.PutOptions{}); err != nil {
				t.Errorf("Put(%q): %v", k, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}
