package storagetest_test

import (
	"strings"
	"testing"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/storagetest"
)

func TestMemory(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store { return storagetest.NewMemory() })
}

// TestMemoryShared runs the suite with every subtest on one Memory, as
// tests elsewhere share one.
func TestMemoryShared(t *testing.T) {
	t.Parallel()
	m := storagetest.NewMemory()
	storagetest.Run(t, func(t *testing.T) storage.Store { return m })
}

// TestMemoryGeneration checks that every write gets a new generation, even
// of identical bytes.
func TestMemoryGeneration(t *testing.T) {
	t.Parallel()
	m := storagetest.NewMemory()
	b := storagetest.NewBucket(t, m)
	seen := map[string]bool{}
	for range 3 {
		info, err := m.Put(t.Context(), b, "k", strings.NewReader("same"), 4, storage.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if seen[info.Generation] {
			t.Errorf("generation %q repeated", info.Generation)
		}
		seen[info.Generation] = true
	}
}
