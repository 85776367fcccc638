package storagetest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/igny8/igny8/storage"
)

func testCreateOnly(t *testing.T, s storage.Store) {
	ctx := t.Context()
	b := NewBucket(t, s)
	mustPut(t, s, b, "refs/live", "first", storage.PutOptions{IfNotExist: true})
	_, err := s.Put(ctx, b, "refs/live", strings.NewReader("second"), 6, storage.PutOptions{IfNotExist: true})
	wantErr(t, "second create-only Put", err, storage.ErrPrecondition)
	if got, _ := mustRead(t, s, b, "refs/live"); got != "first" {
		t.Errorf("Get = %q, want %q", got, "first")
	}
	if err := s.Delete(ctx, b, "refs/live"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustPut(t, s, b, "refs/live", "after delete", storage.PutOptions{IfNotExist: true})
}

func testCompareAndSwap(t *testing.T, s storage.Store) {
	ctx := t.Context()
	b := NewBucket(t, s)
	g1 := mustPut(t, s, b, "ptr", "v1", storage.PutOptions{}).Generation
	g2 := mustPut(t, s, b, "ptr", "v2", storage.PutOptions{IfGenerationMatch: g1}).Generation
	if g2 == g1 {
		t.Fatalf("generation %q did not change", g1)
	}
	_, err := s.Put(ctx, b, "ptr", strings.NewReader("v3"), 2, storage.PutOptions{IfGenerationMatch: g1})
	wantErr(t, "Put with a stale generation", err, storage.ErrPrecondition)
	if got, info := mustRead(t, s, b, "ptr"); got != "v2" || info.Generation != g2 {
		t.Errorf("Get = %q (generation %q), want %q (%q)", got, info.Generation, "v2", g2)
	}
	g3 := mustPut(t, s, b, "ptr", "v3", storage.PutOptions{IfGenerationMatch: g2}).Generation
	if got, info := mustRead(t, s, b, "ptr"); got != "v3" || info.Generation != g3 {
		t.Errorf("Get = %q (generation %q), want %q (%q)", got, info.Generation, "v3", g3)
	}

	_, err = s.Put(ctx, b, "ptr", strings.NewReader("x"), 1, storage.PutOptions{IfGenerationMatch: "not-a-generation"})
	wantErr(t, "Put with a made-up generation", err, storage.ErrPrecondition)
	_, err = s.Put(ctx, b, "missing", strings.NewReader("x"), 1, storage.PutOptions{IfGenerationMatch: g3})
	wantErr(t, "compare-and-swap of a missing key", err, storage.ErrPrecondition)
	if _, err := s.Stat(ctx, b, "missing"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat(missing) = %v, want ErrNotFound", err)
	}
	_, err = s.Put(ctx, b, "ptr", strings.NewReader("x"), 1, storage.PutOptions{IfNotExist: true, IfGenerationMatch: g3})
	wantErr(t, "Put with both conditions", err, storage.ErrInvalid)
}

// testDeleteIfGeneration checks storage.ConditionalDeleter, for the stores
// that implement it: a rewritten object survives a delete of its old
// generation.
func testDeleteIfGeneration(t *testing.T, s storage.Store) {
	cd, ok := s.(storage.ConditionalDeleter)
	if !ok {
		t.Skip("this store does not implement storage.ConditionalDeleter")
	}
	ctx := t.Context()
	b := NewBucket(t, s)
	g1 := mustPut(t, s, b, "blob", "v1", storage.PutOptions{}).Generation
	g2 := mustPut(t, s, b, "blob", "v1", storage.PutOptions{}).Generation // same bytes, rewritten
	if g1 == g2 {
		t.Skip("this store keeps the generation when identical bytes are rewritten")
	}
	wantErr(t, "DeleteIfGeneration of a rewritten object", cd.DeleteIfGeneration(ctx, b, "blob", g1), storage.ErrPrecondition)
	if got, _ := mustRead(t, s, b, "blob"); got != "v1" {
		t.Errorf("object after a refused delete = %q, want it kept", got)
	}
	if err := cd.DeleteIfGeneration(ctx, b, "blob", g2); err != nil {
		t.Fatalf("DeleteIfGeneration of the current generation: %v", err)
	}
	if _, err := s.Stat(ctx, b, "blob"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat after the delete = %v, want ErrNotFound", err)
	}
	if err := cd.DeleteIfGeneration(ctx, b, "blob", g2); err != nil {
		t.Errorf("DeleteIfGeneration of a missing object = %v, want nil", err)
	}
}

// testRaceCreateOnly races create-only Puts of one key: exactly one wins and
// its bytes are what stays.
func testRaceCreateOnly(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	const n = 16
	var (
		wg     sync.WaitGroup
		wins   atomic.Int32
		winner atomic.Value
		start  = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			data := fmt.Sprintf("writer %d", i)
			_, err := s.Put(t.Context(), b, "refs/live", strings.NewReader(data), int64(len(data)), storage.PutOptions{IfNotExist: true})
			switch {
			case err == nil:
				wins.Add(1)
				winner.Store(data)
			case !errors.Is(err, storage.ErrPrecondition):
				t.Errorf("writer %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := wins.Load(); got != 1 {
		t.Fatalf("%d create-only Puts won, want 1", got)
	}
	if got, _ := mustRead(t, s, b, "refs/live"); got != winner.Load() {
		t.Errorf("Get = %q, want the winner's %q", got, winner.Load())
	}
}

// testRaceCompareAndSwap has writers increment a counter with
// read-then-compare-and-swap loops: no increment may be lost.
func testRaceCompareAndSwap(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	mustPut(t, s, b, "counter", "0", storage.PutOptions{})
	const writers, increments = 6, 4
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for range increments {
				if err := increment(t, s, b, "counter"); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got, _ := mustRead(t, s, b, "counter"); got != strconv.Itoa(writers*increments) {
		t.Errorf("counter = %s, want %d", got, writers*increments)
	}
}

func increment(t *testing.T, s storage.Store, bucket, key string) error {
	for {
		got, info, err := read(t, s, bucket, key, storage.GetOptions{})
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(got)
		if err != nil {
			return err
		}
		next := strconv.Itoa(n + 1)
		_, err = s.Put(t.Context(), bucket, key, strings.NewReader(next), int64(len(next)), storage.PutOptions{IfGenerationMatch: info.Generation})
		if !errors.Is(err, storage.ErrPrecondition) {
			return err
		}
	}
}
