package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/storagetest"
)

func TestAllStopsEarly(t *testing.T) {
	t.Parallel()
	m := storagetest.NewMemory()
	b := storagetest.NewBucket(t, m)
	for i := range 5 {
		k := fmt.Sprintf("k%d", i)
		if _, err := m.Put(t.Context(), b, k, strings.NewReader(k), 2, storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for obj, err := range storage.All(t.Context(), m, b, "") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, obj.Key)
		if len(got) == 2 {
			break
		}
	}
	if got, want := strings.Join(got, " "), "k0 k1"; got != want {
		t.Errorf("All then break = %q, want %q", got, want)
	}
}

func TestAllError(t *testing.T) {
	t.Parallel()
	n := 0
	for _, err := range storage.All(t.Context(), storagetest.NewMemory(), "igny8-missing", "") {
		n++
		if !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("All over a missing bucket yielded %v, want ErrBucketNotFound", err)
		}
	}
	if n != 1 {
		t.Errorf("All over a missing bucket yielded %d elements, want 1", n)
	}
}
