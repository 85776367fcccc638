package planner

import (
	"math"
	"testing"
)

// adjustedRandIndex is the Hubert–Arabie adjusted Rand index of two
// labellings of the same items: 1 for identical partitions, about 0 for
// independent ones, negative for worse than chance.
func adjustedRandIndex(a, b []int) float64 {
	if len(a) != len(b) {
		panic("adjustedRandIndex: labellings of different lengths")
	}
	pairs := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	type cell struct{ x, y int }
	table, rows, cols := map[cell]int{}, map[int]int{}, map[int]int{}
	for i := range a {
		table[cell{a[i], b[i]}]++
		rows[a[i]]++
		cols[b[i]]++
	}
	index, sumRows, sumCols := 0.0, 0.0, 0.0
	for _, n := range table {
		index += pairs(n)
	}
	for _, n := range rows {
		sumRows += pairs(n)
	}
	for _, n := range cols {
		sumCols += pairs(n)
	}
	total := pairs(len(a))
	if total == 0 {
		return 1
	}
	expected := sumRows * sumCols / total
	maximum := (sumRows + sumCols) / 2
	if maximum == expected {
		return 1 // both partitions trivial (all one group, or all singletons)
	}
	return (index - expected) / (maximum - expected)
}

func TestAdjustedRandIndex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b []int
		want float64
	}{
		{[]int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 1},
		{[]int{0, 0, 1, 1}, []int{1, 1, 0, 0}, 1}, // label names do not matter
		{[]int{0, 0, 1, 1}, []int{0, 0, 1, 2}, 4.0 / 7},
		{[]int{0, 0, 1, 2}, []int{0, 0, 1, 1}, 4.0 / 7}, // symmetric
		{[]int{0, 0, 1, 1}, []int{0, 1, 0, 1}, -0.5},
		{[]int{0, 0, 0, 0}, []int{0, 1, 2, 3}, 0},
		// scikit-learn's adjusted_rand_score of these is 0.24242424...
		{[]int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 2, 2}, 8.0 / 33},
		{[]int{0, 1, 2}, []int{0, 1, 2}, 1},
		{[]int{0}, []int{5}, 1},
	}
	for _, tt := range tests {
		if got := adjustedRandIndex(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("adjustedRandIndex(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
