package planner

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Defaults of Group's Options; the package doc says how they were chosen.
const (
	// DefaultThreshold is the average lexical similarity at which two
	// groups still merge.
	DefaultThreshold = 0.06
	// DefaultFloor is the lexical similarity below which two keywords
	// count as unrelated.
	DefaultFloor = 0.10
	// DefaultVectorThreshold is the average embedding cosine at which two
	// groups still merge. Not calibrated yet (see the package doc).
	DefaultVectorThreshold = 0.45
	// DefaultVectorFloor is the embedding cosine below which two keywords
	// count as unrelated. Not calibrated yet.
	DefaultVectorFloor = 0.35
)

// Item is a keyword to group.
type Item struct {
	Text   string
	Volume int64
	// Vector is the keyword's embedding. When every item has one, of the
	// same length, Group compares embeddings instead of words.
	Vector []float32
}

// Options tune Group. The zero value is the default.
type Options struct {
	// Threshold is the average similarity two groups need to merge, the
	// unrelated pairs between them counting as 0: higher makes more,
	// tighter groups. 0 means DefaultThreshold for words and
	// DefaultVectorThreshold for embeddings.
	Threshold float64
	// Floor is the similarity below which a pair of keywords counts as
	// unrelated (0). It keeps the similarity graph sparse, and it may be
	// above Threshold: two keywords then merge only if they are at least
	// Floor similar, while big groups merge on a lower average. 0 means
	// DefaultFloor or DefaultVectorFloor; a negative Floor keeps every
	// pair with a positive similarity (exact average linkage, quadratic).
	Floor float64
	// Language is the keywords' BCP 47 language ("en", "de-DE"), for stop
	// words (English, German, French, Spanish) and stemming (English
	// only). "" means English.
	Language string
}

// Group clusters keywords by similarity and returns the groups as
// indexes into keywords. Every keyword is in exactly one group; one
// unlike any other is a group of its own.
//
// It is agglomerative clustering with average linkage: starting from one
// group per keyword, the two groups with the highest average pairwise
// similarity merge, until no two groups reach opts.Threshold. Similarity
// is the cosine of the items' Vectors when every item has one (of one
// length), else the lexical similarity of vectorize. The result is
// deterministic: equal similarities merge the pair with the lowest
// indexes first. Members are sorted by volume, highest first, then text,
// then index; groups by their first member in the same order.
//
// Cost, for n keywords of which E pairs are at least Floor similar:
// finding the lexical pairs costs the candidates an inverted index with
// prefix filtering yields (see lexicalEdges), far fewer than n² pairs;
// embeddings are compared all pairs, O(n²·d), on every core. Merging
// costs the rows of the groups merged plus the rescans of groups whose
// best neighbour moved away, each heap update O(log n) (see
// averageLinkage). Memory is O(n + E), 32 to 48 bytes a pair. The
// textbook algorithm (a full matrix, every pair scanned for every merge)
// is O(n²) memory and O(n³) time. Exact integer sums limit n to about
// 180,000 keywords.
func Group(keywords []Item, opts Options) [][]int {
	n := len(keywords)
	if n == 0 {
		return nil
	}
	vectors := true
	for _, k := range keywords {
		if len(k.Vector) == 0 || len(k.Vector) != len(keywords[0].Vector) {
			vectors = false
			break
		}
	}
	threshold := opts.Threshold
	if threshold <= 0 {
		threshold = DefaultThreshold
		if vectors {
			threshold = DefaultVectorThreshold
		}
	}
	floor := opts.Floor
	switch {
	case floor == 0 && vectors:
		floor = DefaultVectorFloor
	case floor == 0:
		floor = DefaultFloor
	case floor < 0:
		floor = 0
	}

	var g graph
	if vectors {
		vecs := make([][]float32, n)
		for i, k := range keywords {
			vecs[i] = k.Vector
		}
		g = vectorEdges(vecs, floor)
	} else {
		texts := make([]string, n)
		for i, k := range keywords {
			texts[i] = k.Text
		}
		g = lexicalEdges(vectorize(texts, language(opts.Language)), floor)
	}
	groups := averageLinkage(g, threshold)
	return order(keywords, groups)
}

// unit is the fixed-point scale of summed similarities: similarities are
// rounded to multiples of 2⁻³⁰ and summed as integers, so a sum is the
// same whatever order it was added in, and merging is deterministic and
// identical to the naive algorithm's. Sums stay below 2⁶³ for up to about
// 180,000 keywords.
const unit = 1 << 30

func quantize(s float64) int64 { return max(1, int64(math.Round(s*unit))) }

// averageLinkage merges the items of a similarity graph while the best
// average similarity of two groups reaches threshold, and returns the
// groups' members. It takes the graph's rows for its own.
//
// Each group g has a row: its neighbours h with S(g, h), the sum of the
// (quantized) similarities between their members; their average linkage
// is S(g, h) / (|g|·|h|). Merging a and b is the Lance–Williams update of
// average linkage, S(a∪b, h) = S(a, h) + S(b, h): the merged row is the
// two rows added up. The rows of the neighbours are not rewritten: their
// entries for a and b are resolved to the merged group with a union-find
// and added up when the row is next read (the sums are integers, so
// this changes nothing).
//
// Finding the best pair is Müllner's generic algorithm (arXiv:1109.2378),
// for similarities: each group keeps a candidate best neighbour, and a
// heap holds each group under an upper bound of its best average. A merge
// checks each neighbour of the merged group in O(1): if the merged group
// beats the neighbour's bound it is its exact best, otherwise the bound
// stands and the neighbour is marked for a rescan, which happens only if
// it reaches the top of the heap. So a merge costs the length of the two
// rows, not the neighbours' rows.
//
// Ties: a group is known by its lowest member (low); a group's best is its
// neighbour of highest average and then lowest low, and the heap orders by
// average, then low. So the first pair merged among equals is the one with
// the lowest members, as in a scan of all pairs.
func averageLinkage(upper graph, threshold float64) [][]int32 {
	n := len(upper)
	l := &linkage{
		parent:  make([]int32, n),
		low:     make([]int32, n),
		size:    make([]int64, n),
		version: make([]uint32, n),
		rows:    make([][]nbr, n),
		best:    make([]best, n),
		members: make([][]int32, n),
		acc:     make([]int64, n),
	}
	// Each row gets its lower half (the x < y listing y) in front of its
	// upper half.
	lower := make([]int, n)
	for _, row := range upper {
		for _, e := range row {
			lower[e.id]++
		}
	}
	for i := range n {
		l.parent[i], l.low[i], l.size[i] = int32(i), int32(i), 1
		l.members[i] = []int32{int32(i)}
		l.rows[i] = make([]nbr, 0, lower[i]+len(upper[i]))
	}
	for x, row := range upper {
		for _, e := range row {
			l.rows[e.id] = append(l.rows[e.id], nbr{int32(x), e.sum})
		}
		l.rows[x] = append(l.rows[x], row...)
		upper[x] = nil
	}
	for i := range n {
		l.rescan(int32(i))
	}
	for len(l.heap) > 0 {
		top := l.heap.pop()
		g := top.g
		if l.size[g] == 0 || l.version[g] != top.version {
			continue
		}
		if top.avg < threshold*unit {
			break // top.avg bounds every group's best
		}
		if !l.best[g].exact {
			l.rescan(g)
			continue
		}
		l.merge(g, l.best[g].id)
	}
	var groups [][]int32
	for i := range n {
		if l.size[i] > 0 {
			groups = append(groups, l.members[i])
		}
	}
	return groups
}

// nbr is an entry of a row: a neighbour (perhaps merged since: resolve
// it with find) and the summed similarity to it.
type nbr struct {
	id  int32
	sum int64
}

// best is a group's candidate best neighbour and the average to it. When
// exact is false, avg is only an upper bound of the group's best average.
type best struct {
	id    int32 // -1: none
	avg   float64
	exact bool
}

type linkage struct {
	parent  []int32 // union-find over items; a root is a live group
	low     []int32 // a group's lowest member
	size    []int64 // 0 once merged away
	version []uint32
	rows    [][]nbr
	best    []best
	members [][]int32
	heap    bestHeap
	acc     []int64 // scratch for compact: a sum per group, zero between uses
	touched []int32
}

func (l *linkage) find(x int32) int32 {
	for l.parent[x] != x {
		l.parent[x] = l.parent[l.parent[x]]
		x = l.parent[x]
	}
	return x
}

func (l *linkage) avg(g, h int32, sum int64) float64 {
	return float64(sum) / float64(l.size[g]*l.size[h])
}

// beats reports whether neighbour h at average avg is a better best than
// b (ties go to the lower low).
func (l *linkage) beats(avg float64, h int32, b best) bool {
	return b.id < 0 || avg > b.avg || (avg == b.avg && l.low[h] < l.low[b.id])
}

// compact resolves the entries of row to live groups, adds up the
// entries of each, drops g's own, and returns the row, in place.
func (l *linkage) compact(g int32, row []nbr) []nbr {
	t := l.touched[:0]
	for _, e := range row {
		r := l.find(e.id)
		if r == g {
			continue
		}
		if l.acc[r] == 0 {
			t = append(t, r)
		}
		l.acc[r] += e.sum
	}
	row = row[:0]
	for _, r := range t {
		row = append(row, nbr{r, l.acc[r]})
		l.acc[r] = 0
	}
	l.touched = t
	return row
}

// rescan compacts g's row, finds g's exact best neighbour and queues g.
func (l *linkage) rescan(g int32) {
	l.rows[g] = l.compact(g, l.rows[g])
	b := best{id: -1}
	for _, e := range l.rows[g] {
		if avg := l.avg(g, e.id, e.sum); l.beats(avg, e.id, b) {
			b = best{id: e.id, avg: avg}
		}
	}
	b.exact = true
	l.setBest(g, b)
}

func (l *linkage) setBest(g int32, b best) {
	l.best[g] = b
	l.version[g]++
	if b.id >= 0 {
		l.heap.push(bestOf{avg: b.avg, low: l.low[g], g: g, version: l.version[g]})
	}
}

// merge merges groups a and b; the one with the longer row stays.
func (l *linkage) merge(a, b int32) {
	if len(l.rows[a]) < len(l.rows[b]) {
		a, b = b, a
	}
	l.parent[b] = a
	l.rows[a] = l.compact(a, append(l.rows[a], l.rows[b]...))
	l.rows[b] = nil
	l.low[a] = min(l.low[a], l.low[b])
	l.size[a] += l.size[b]
	l.size[b] = 0
	l.version[b]++
	l.members[a] = append(l.members[a], l.members[b]...)
	l.members[b] = nil
	for _, e := range l.rows[a] {
		c := e.id
		cb := l.best[c]
		avg := l.avg(c, a, e.sum)
		switch {
		case l.beats(avg, a, cb):
			// Nothing else of c's changed, so the merged group is c's
			// exact best (it beats the bound, and the bound beats the
			// rest; on a tie, its low is at most a's and b's).
			l.setBest(c, best{id: a, avg: avg, exact: true})
		case cb.id == a || cb.id == b:
			// c's best was a or b, now farther: cb.avg still bounds c's
			// best from above; rescan c when it reaches the top.
			l.best[c] = best{id: a, avg: cb.avg}
		}
	}
	l.rescan(a)
}

// bestOf is a heap entry: group g's best average (or its bound), valid
// while g is at version.
type bestOf struct {
	avg     float64
	low     int32
	g       int32
	version uint32
}

func (x bestOf) before(y bestOf) bool {
	return x.avg > y.avg || (x.avg == y.avg && x.low < y.low)
}

// bestHeap is a binary max-heap of groups by their best average, then
// lowest member.
type bestHeap []bestOf

func (h *bestHeap) push(x bestOf) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].before(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *bestHeap) pop() bestOf {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(s) {
			break
		}
		if c+1 < len(s) && s[c+1].before(s[c]) {
			c++
		}
		if !s[c].before(s[i]) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}

// order sorts each group's members by volume (highest first), text and
// index, and the groups by their first member in the same order.
func order(keywords []Item, groups [][]int32) [][]int {
	less := func(i, j int) int {
		return cmp.Or(cmp.Compare(keywords[j].Volume, keywords[i].Volume),
			strings.Compare(keywords[i].Text, keywords[j].Text), cmp.Compare(i, j))
	}
	out := make([][]int, len(groups))
	for g, members := range groups {
		m := make([]int, len(members))
		for i, x := range members {
			m[i] = int(x)
		}
		slices.SortFunc(m, less)
		out[g] = m
	}
	slices.SortFunc(out, func(a, b []int) int { return less(a[0], b[0]) })
	return out
}
