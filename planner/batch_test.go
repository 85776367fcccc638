package planner

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8/credits"
)

func TestBatches(t *testing.T) {
	t.Parallel()
	seq := func(from, n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = from + i
		}
		return s
	}
	tests := []struct {
		name   string
		groups [][]int
		max    int
		want   [][][]int
	}{
		{"none", nil, 5, nil},
		{"first fit", [][]int{{0, 1, 2}, {3, 4, 5}, {6, 7}, {8}}, 5,
			[][][]int{{{0, 1, 2}, {6, 7}}, {{3, 4, 5}, {8}}}},
		{"a big group is split in its order", [][]int{seq(0, 12), {12}}, 5,
			[][][]int{{seq(0, 5)}, {seq(5, 5)}, {seq(10, 2), {12}}}},
		{"exactly full", [][]int{{0, 1}, {2, 3}}, 2, [][][]int{{{0, 1}}, {{2, 3}}}},
		{"default max", [][]int{seq(0, credits.MaxKeywordsPerClustering+1)}, 0,
			[][][]int{{seq(0, credits.MaxKeywordsPerClustering)}, {{credits.MaxKeywordsPerClustering}}}},
	}
	for _, tt := range tests {
		if got := Batches(tt.groups, tt.max); !cmp.Equal(tt.want, got) {
			t.Errorf("%s: Batches = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Every keyword lands in exactly one batch, and no batch is over max.
func TestBatchesProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	for range 200 {
		var groups [][]int
		n := 0
		for range rng.IntN(40) {
			g := make([]int, 1+rng.IntN(120))
			for i := range g {
				g[i] = n
				n++
			}
			groups = append(groups, g)
		}
		max := 1 + rng.IntN(60)
		seen := make([]int, n)
		for _, b := range Batches(groups, max) {
			size := 0
			for _, g := range b {
				size += len(g)
				for _, i := range g {
					seen[i]++
				}
			}
			if size > max || size == 0 {
				t.Fatalf("a batch of %d keywords, max %d", size, max)
			}
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("keyword %d is in %d batches", i, c)
			}
		}
	}
}
