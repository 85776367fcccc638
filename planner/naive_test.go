package planner

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// naiveGroup is Group the textbook way, the peer of the benchmarks and the
// reference of the tests: every pair compared, the full matrix of summed
// similarities, and for each merge a scan of every pair of groups for
// the best average, O(n³). Pairs below the floor count as 0, as in
// Group.
func naiveGroup(keywords []Item, opts Options) [][]int {
	n := len(keywords)
	threshold, floor := opts.Threshold, opts.Floor
	if threshold == 0 {
		threshold = DefaultThreshold
	}
	if floor == 0 {
		floor = DefaultFloor
	}
	floor = max(0, floor)
	texts := make([]string, n)
	for i, k := range keywords {
		texts[i] = k.Text
	}
	vecs := vectorize(texts, language(opts.Language))
	sum := make([][]int64, n)
	for a := range sum {
		sum[a] = make([]int64, n)
	}
	for a := range n {
		for b := a + 1; b < n; b++ {
			if s := dot(vecs[a], vecs[b]); s >= floor && s > 0 {
				sum[a][b], sum[b][a] = quantize(s), quantize(s)
			}
		}
	}
	return order(keywords, naiveLinkage(sum, threshold))
}

// naiveLinkage merges groups while the best average similarity reaches
// threshold; sum is the full matrix of quantized similarities, updated in
// place.
func naiveLinkage(sum [][]int64, threshold float64) [][]int32 {
	n := len(sum)
	size := make([]int64, n)
	alive := make([]bool, n)
	members := make([][]int32, n)
	for i := range n {
		size[i], alive[i], members[i] = 1, true, []int32{int32(i)}
	}
	for {
		best, ba, bb := 0.0, -1, -1
		for a := range n {
			if !alive[a] {
				continue
			}
			for b := a + 1; b < n; b++ {
				if !alive[b] || sum[a][b] == 0 {
					continue
				}
				if avg := float64(sum[a][b]) / float64(size[a]*size[b]); avg > best {
					best, ba, bb = avg, a, b
				}
			}
		}
		if ba < 0 || best < threshold*unit {
			break
		}
		for c := range n {
			if alive[c] && c != ba && c != bb {
				sum[ba][c] += sum[bb][c]
				sum[c][ba] = sum[ba][c]
			}
		}
		alive[bb] = false
		size[ba] += size[bb]
		members[ba] = append(members[ba], members[bb]...)
	}
	var groups [][]int32
	for i := range n {
		if alive[i] {
			groups = append(groups, members[i])
		}
	}
	return groups
}

// Group finds the same groups as the naive algorithm: the inverted index
// misses no pair above the floor and the heap merges in the same order.
func TestGroupMatchesNaive(t *testing.T) {
	t.Parallel()
	texts, _ := loadLabelled(t)
	labelled := make([]Item, len(texts))
	for i, s := range texts {
		labelled[i] = Item{Text: s, Volume: int64(i % 7 * 100)}
	}
	synthetic, _ := syntheticKeywords(700, 2)
	for _, tt := range []struct {
		name  string
		items []Item
		opts  Options
	}{
		{"labelled, default", labelled, Options{Threshold: DefaultThreshold}},
		{"labelled, low threshold", labelled, Options{Threshold: 0.1}},
		{"labelled, high threshold", labelled, Options{Threshold: 0.5}},
		{"labelled, floor at threshold", labelled, Options{Threshold: 0.2, Floor: 0.2}},
		{"labelled, floor below threshold", labelled, Options{Threshold: 0.2, Floor: 0.05}},
		{"labelled, every positive pair", labelled, Options{Threshold: 0.25, Floor: -1}},
		{"synthetic", synthetic, Options{Threshold: DefaultThreshold}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Group(tt.items, tt.opts)
			want := naiveGroup(tt.items, tt.opts)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Group differs from the naive algorithm (-naive +Group):\n%s", diff)
			}
			if len(got) < 2 || len(got) == len(tt.items) {
				t.Errorf("%d groups of %d keywords: the case tests nothing", len(got), len(tt.items))
			}
		})
	}
}

// With embeddings, Group compares vectors and merges as the naive
// algorithm does on their cosines.
func TestGroupVectors(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const n, d, topics = 300, 32, 12
	centres := make([][]float32, topics)
	for i := range centres {
		centres[i] = make([]float32, d)
		for j := range centres[i] {
			centres[i][j] = float32(rng.NormFloat64())
		}
	}
	items := make([]Item, n)
	labels := make([]int, n)
	vecs := make([][]float32, n)
	for i := range items {
		labels[i] = rng.IntN(topics)
		v := make([]float32, d)
		for j := range v {
			v[j] = centres[labels[i]][j] + float32(0.6*rng.NormFloat64())
		}
		vecs[i] = v
		// The texts are all alike: only the vectors can tell them apart.
		items[i] = Item{Text: "same words", Volume: int64(rng.IntN(1000)), Vector: v}
	}
	got := Group(items, Options{})
	sum := make([][]int64, n)
	for a := range sum {
		sum[a] = make([]int64, n)
	}
	for a, row := range vectorEdges(vecs, DefaultVectorFloor) {
		for _, e := range row {
			sum[a][e.id], sum[e.id][a] = e.sum, e.sum
		}
	}
	want := order(items, naiveLinkage(sum, DefaultVectorThreshold))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Group differs from the naive algorithm (-naive +Group):\n%s", diff)
	}
	if ari := adjustedRandIndex(labels, labelsOf(n, got)); ari < 0.9 {
		t.Errorf("ARI %.3f of well-separated embeddings, want ≥ 0.9", ari)
	}
	// One item without a vector: words decide, and they are all alike.
	items[5].Vector = nil
	if g := Group(items, Options{}); len(g) != 1 {
		t.Errorf("%d groups of identical texts without vectors, want 1", len(g))
	}
}

func TestGroupOrder(t *testing.T) {
	t.Parallel()
	items := []Item{
		{Text: "vegan lasagna recipe", Volume: 10},
		{Text: "python read csv file", Volume: 500},
		{Text: "easy vegan lasagna recipe", Volume: 90},
		{Text: "read csv file in python", Volume: 500},
		{Text: "zzz", Volume: 0},
		{Text: "best vegan lasagna recipe", Volume: 90},
	}
	got := Group(items, Options{})
	want := [][]int{{1, 3}, {5, 2, 0}, {4}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if g := Group(nil, Options{}); g != nil {
		t.Errorf("Group(nil) = %v", g)
	}
	if g := Group(items[:1], Options{}); !slices.Equal(g[0], []int{0}) || len(g) != 1 {
		t.Errorf("Group of one = %v", g)
	}
}

// labelsOf turns groups of indexes into a label per item.
func labelsOf(n int, groups [][]int) []int {
	labels := make([]int, n)
	for g, members := range groups {
		for _, i := range members {
			labels[i] = g
		}
	}
	return labels
}
