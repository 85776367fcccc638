package storage_test

import (
	"strings"
	"testing"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/storagetest"
)

func TestPrefixStore(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store {
		p, _ := newPrefixStore(t)
		return p
	})
}

// TestPrefixLayout checks where prefix mode puts things in the real bucket.
func TestPrefixLayout(t *testing.T) {
	t.Parallel()
	p, inner := newPrefixStore(t)
	ctx := t.Context()
	site := storage.SiteBucket("s1")
	for _, b := range []string{site, "igny8-routes"} {
		if err := p.CreateBucket(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	put := func(b, k string) {
		if _, err := p.Put(ctx, b, k, strings.NewReader("x"), 1, storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	put(site, "refs/live")
	put("igny8-routes", "hosts/example.com")

	var got []string
	for obj, err := range storage.All(ctx, inner, "igny8-sites", "") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, obj.Key)
	}
	want := "buckets/igny8-routes/hosts/example.com meta/buckets/igny8-routes meta/buckets/igny8-site-s1 sites/s1/refs/live"
	if got := strings.Join(got, " "); got != want {
		t.Errorf("real bucket holds %q, want %q", got, want)
	}
	if got, want := p.Prefix(site), "sites/s1/"; got != want {
		t.Errorf("Prefix(%q) = %q, want %q", site, got, want)
	}

	// Logical buckets do not see each other, nor the markers.
	page, err := p.List(ctx, site, storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Objects) != 1 || page.Objects[0].Key != "refs/live" {
		t.Errorf("List(%s) = %+v, want only refs/live", site, page.Objects)
	}
}

func TestNewPrefixStoreInvalid(t *testing.T) {
	t.Parallel()
	if _, err := storage.NewPrefixStore(storagetest.NewMemory(), "Not_Valid"); err == nil {
		t.Error("NewPrefixStore with an invalid bucket succeeded")
	}
}

func newPrefixStore(t *testing.T) (*storage.PrefixStore, *storagetest.Memory) {
	t.Helper()
	inner := storagetest.NewMemory()
	if err := inner.CreateBucket(t.Context(), "igny8-sites"); err != nil {
		t.Fatal(err)
	}
	p, err := storage.NewPrefixStore(inner, "igny8-sites")
	if err != nil {
		t.Fatal(err)
	}
	return p, inner
}
