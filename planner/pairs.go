package planner

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// graph is a similarity graph, upper half: graph[x] lists the items
// y > x at least the floor similar to x, with their quantized similarity.
type graph [][]nbr

// lexicalEdges returns the graph of the pairs of vectors whose cosine is
// at least floor (above 0 when floor is 0).
//
// It does not compare every pair. It is the all-pairs similarity search
// of Bayardo, Ma and Srikant (WWW 2007), simplified: features are ranked
// most frequent first, and each vector y is indexed only under the
// features after its longest prefix P whose possible contribution to any
// cosine, min(Σ_{f∈P} y_f·max_f, ‖y_P‖), stays below floor. A pair with
// cosine ≥ floor must then share a feature y is indexed under, so probing
// the index with every feature of x finds it; each candidate is then
// verified with an exact dot product. The frequent features ("best",
// "how", the trigram " be") are what makes comparing everything
// quadratic, and they fall in the unindexed prefixes. The result is exact
// for the floor; the cost is the candidates found, which the rare
// features keep far below n².
func lexicalEdges(vecs []sparse, floor float64) graph {
	nf := int32(0)
	for _, v := range vecs {
		if len(v.ids) > 0 {
			nf = max(nf, v.ids[len(v.ids)-1]+1)
		}
	}
	maxw := make([]float64, nf)
	for _, v := range vecs {
		for i, f := range v.ids {
			maxw[f] = max(maxw[f], v.w[i])
		}
	}
	// Index each y under the features after its prefix, and keep the
	// prefix's bound: the most the unindexed features can add to a dot
	// product with y.
	postings := make([][]posting, nf)
	rest := make([]float64, len(vecs))
	for y, v := range vecs {
		b1, b2 := 0.0, 0.0
		for i, f := range v.ids {
			n1, n2 := b1+v.w[i]*maxw[f], b2+v.w[i]*v.w[i]
			if min(n1, math.Sqrt(n2)) < floor-1e-9 { // the margin absorbs rounding
				b1, b2 = n1, n2
				continue
			}
			postings[f] = append(postings[f], posting{int32(y), v.w[i]})
		}
		rest[y] = min(b1, math.Sqrt(b2))
	}
	return parallelRows(len(vecs), int(nf), func(x int, w *worker, out []nbr) []nbr {
		// Accumulate the indexed part of each candidate's dot product
		// with x; a candidate whose part plus its prefix's bound stays
		// below floor cannot reach it.
		vx := vecs[x]
		cands := w.cands[:0]
		for i, f := range vx.ids {
			p := postings[f]
			start, _ := slices.BinarySearchFunc(p, int32(x)+1, func(e posting, y int32) int { return cmp.Compare(e.y, y) })
			for _, e := range p[start:] {
				if w.acc[e.y] == 0 {
					cands = append(cands, e.y)
				}
				w.acc[e.y] += vx.w[i] * e.w
			}
		}
		// Verify the rest with the exact dot product. x's weights are
		// scattered, so it is a gather over y's features, with no
		// branches; it adds the same products in the same order as dot,
		// plus zeros, so the result does not depend on the index.
		for i, f := range vx.ids {
			w.dense[f] = vx.w[i]
		}
		for _, y := range cands {
			part := w.acc[y]
			w.acc[y] = 0
			if part+rest[y] < floor-1e-9 {
				continue
			}
			vy := vecs[y]
			s := 0.0
			for i, f := range vy.ids {
				s += w.dense[f] * vy.w[i]
			}
			if s >= floor && s > 0 {
				out = append(out, nbr{y, quantize(s)})
			}
		}
		for _, f := range vx.ids {
			w.dense[f] = 0
		}
		w.cands = cands
		return out
	})
}

// posting is an entry of the inverted index: a vector and its weight of
// the feature.
type posting struct {
	y int32
	w float64
}

// vectorEdges returns the graph of the pairs of embeddings whose cosine
// is at least floor (above 0 when floor is 0). Embeddings are dense, so it
// compares every pair: O(n²·d), on every core.
func vectorEdges(vecs [][]float32, floor float64) graph {
	unit := make([][]float32, len(vecs))
	for i, v := range vecs {
		s := 0.0
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		u := make([]float32, len(v))
		if s > 0 {
			inv := 1 / math.Sqrt(s)
			for j, x := range v {
				u[j] = float32(float64(x) * inv)
			}
		}
		unit[i] = u
	}
	return parallelRows(len(vecs), 0, func(x int, _ *worker, out []nbr) []nbr {
		for y := x + 1; y < len(unit); y++ {
			if s := dot32(unit[x], unit[y]); s >= floor && s > 0 {
				out = append(out, nbr{int32(y), quantize(s)})
			}
		}
		return out
	})
}

func dot32(a, b []float32) float64 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return float64((s0 + s1) + (s2 + s3))
}

// worker is the scratch space of one goroutine of parallelRows.
type worker struct {
	out   []nbr
	cands []int32
	acc   []float64 // n long: partial dot products with the candidates
	dense []float64 // features long: the weights of x
}

// parallelRows runs row(x) for x in [0, n) on every core and returns the
// rows in order of x, so the result does not depend on scheduling.
func parallelRows(n, features int, row func(x int, w *worker, out []nbr) []nbr) graph {
	const chunk = 64
	rows := make(graph, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n/chunk+1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{acc: make([]float64, n), dense: make([]float64, features)}
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for x := lo; x < min(lo+chunk, n); x++ {
					// Rows are built in a reused buffer and copied out
					// at their size: the graph is most of the memory.
					w.out = row(x, w, w.out[:0])
					if len(w.out) > 0 {
						rows[x] = slices.Clone(w.out)
					}
				}
			}
		}()
	}
	wg.Wait()
	return rows
}
