package offline

import (
	"slices"
	"strings"

	"github.com/igny8/igny8/ai"
)

// clusterNames names each group after the words its keywords share, with
// the group's most general keyword as its pillar.
func clusterNames(in *ai.ClusterNamesInput, r *rng) *ai.ClusterNamesOutput {
	l := langFor(in.Site.Locale)
	out := &ai.ClusterNamesOutput{Clusters: []ai.ClusterName{}}
	used := map[string]bool{}
	for _, g := range in.Groups {
		gr := r.fork(strings.Join(g.Keywords, "\x00"))
		kws := dedupe(g.Keywords)
		pillar := pillarOf(kws, l)
		name := clusterName(kws, pillar, l)
		if used[strings.ToLower(name)] {
			// Two groups share their words: the pillar tells them apart.
			name = l.title(pillar)
		}
		used[strings.ToLower(name)] = true
		var sample []string
		for _, k := range kws {
			if k != pillar && len(sample) < 3 {
				sample = append(sample, l.kw(k))
			}
		}
		key := "cluster.desc"
		if len(sample) == 0 {
			key = "cluster.desc.single"
		}
		// Running text shows the name as it would any other words.
		desc := l.one(gr, key, map[string]string{"name": l.kw(strings.ToLower(name)), "list": l.list(sample)})
		out.Clusters = append(out.Clusters, ai.ClusterName{Index: g.Index, Name: name, Description: desc, Pillar: pillar})
	}
	return out
}

// pillarOf returns the most general keyword: the one whose words the most
// other keywords contain; ties go to the shorter, then the more searched
// (earlier) one.
func pillarOf(kws []string, l *lang) string {
	if len(kws) == 0 {
		return ""
	}
	stop := l.set("word.stop")
	sets := make([][]string, len(kws))
	for i, k := range kws {
		sets[i] = withoutStop(tokens(k), stop)
	}
	best, bestScore := 0, -1
	for i := range kws {
		score := 0
		for j := range kws {
			if i != j && len(sets[i]) > 0 && containsAll(sets[j], sets[i]) {
				score++
			}
		}
		if score > bestScore ||
			score == bestScore && len(sets[i]) < len(sets[best]) ||
			score == bestScore && len(sets[i]) == len(sets[best]) && len(kws[i]) < len(kws[best]) {
			best, bestScore = i, score
		}
	}
	return kws[best]
}

// clusterName is the words most of the keywords share, in the pillar's
// order, title-cased; the pillar itself when they share none.
func clusterName(kws []string, pillar string, l *lang) string {
	stop := l.set("word.stop")
	count := map[string]int{}
	for _, k := range kws {
		for _, w := range uniq(withoutStop(tokens(k), stop)) {
			count[w]++
		}
	}
	need := (len(kws) + 1) / 2
	if need < 2 && len(kws) > 1 {
		need = 2
	}
	var shared []string
	order := withoutStop(tokens(pillar), stop)
	for _, k := range kws {
		order = append(order, withoutStop(tokens(k), stop)...)
	}
	for _, w := range uniq(order) {
		if count[w] >= need && len(shared) < 5 {
			shared = append(shared, w)
		}
	}
	if len(shared) == 0 {
		return l.title(strings.Join(strings.Fields(pillar), " "))
	}
	// The name is the words of a keyword that has every shared word (the
	// pillar if it does), from the first shared one to the last, small
	// words between them included ("chaussures de randonnée").
	for _, k := range append([]string{pillar}, kws...) {
		kt := tokens(k)
		if !containsAll(kt, shared) {
			continue
		}
		first, last := -1, -1
		for i, w := range kt {
			if slices.Contains(shared, w) {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if last-first < 6 {
			return l.title(strings.Join(kt[first:last+1], " "))
		}
	}
	return l.title(strings.Join(shared, " "))
}

// withoutStop drops stop words.
func withoutStop(words []string, stop map[string]bool) []string {
	var out []string
	for _, w := range words {
		if !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

func uniq(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func containsAll(set, sub []string) bool {
	for _, w := range sub {
		if !slices.Contains(set, w) {
			return false
		}
	}
	return true
}
