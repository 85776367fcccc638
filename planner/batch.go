package planner

import "github.com/igny8/igny8/credits"

// Batches packs groups (as Group returns them) into naming requests of at
// most limit keywords each; limit < 1 means
// credits.MaxKeywordsPerClustering.
// Each batch is one metered AI request, so fewer, fuller batches cost
// less. A group bigger than limit is split into chunks of limit keywords (the
// last one smaller), in its order, so the most searched keywords stay
// together. Packing is first fit in the groups' order: each group (or
// chunk) goes into the first batch with room for it, else a new one. The
// result is deterministic, and every index of groups is in exactly one
// batch.
func Batches(groups [][]int, limit int) [][][]int {
	if limit < 1 {
		limit = credits.MaxKeywordsPerClustering
	}
	var batches [][][]int
	var used []int
	for _, g := range groups {
		for len(g) > 0 {
			chunk := g[:min(len(g), limit)]
			g = g[len(chunk):]
			i := 0
			for i < len(batches) && used[i]+len(chunk) > limit {
				i++
			}
			if i == len(batches) {
				batches = append(batches, nil)
				used = append(used, 0)
			}
			batches[i] = append(batches[i], chunk)
			used[i] += len(chunk)
		}
	}
	return batches
}
