package planner

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// minLabelledARI is the floor of the adjusted Rand index of Group, with
// the default options, against the topics of testdata/labelled_keywords.csv:
// a little below what it measures (see the package doc), so that a change
// that groups worse fails.
const minLabelledARI = 0.75

// loadLabelled reads the labelled evaluation set: keywords and a topic
// number per keyword.
func loadLabelled(tb testing.TB) (texts []string, labels []int) {
	tb.Helper()
	f, err := os.Open("testdata/labelled_keywords.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	topics := map[string]int{}
	for _, r := range records[1:] {
		if _, ok := topics[r[1]]; !ok {
			topics[r[1]] = len(topics)
		}
		texts = append(texts, r[0])
		labels = append(labels, topics[r[1]])
	}
	return texts, labels
}

func labelledARI(tb testing.TB, opts Options) (ari float64, groups int) {
	texts, labels := loadLabelled(tb)
	items := make([]Item, len(texts))
	for i, s := range texts {
		items[i] = Item{Text: s}
	}
	g := Group(items, opts)
	return adjustedRandIndex(labels, labelsOf(len(items), g)), len(g)
}

func TestLabelledARI(t *testing.T) {
	t.Parallel()
	texts, labels := loadLabelled(t)
	topics := slices.Max(labels) + 1
	if len(texts) < 250 || topics < 15 {
		t.Fatalf("the labelled set has %d keywords in %d topics; it needs at least 250 in 15", len(texts), topics)
	}
	ari, groups := labelledARI(t, Options{})
	t.Logf("ARI %.3f: %d groups of %d keywords in %d topics", ari, groups, len(texts), topics)
	if ari < minLabelledARI {
		t.Errorf("ARI %.3f against the labelled topics, below the floor %.2f", ari, minLabelledARI)
	}
}

// sweepThresholds returns the thresholds the default was chosen from.
func sweepThresholds() []float64 {
	var out []float64
	for t := 1; t <= 30; t++ {
		out = append(out, float64(t)/100)
	}
	return out
}

// DefaultThreshold stays the best threshold for the labelled set, or
// within 0.01 of its ARI.
func TestDefaultThresholdIsBest(t *testing.T) {
	t.Parallel()
	best, at := -1.0, 0.0
	for _, th := range sweepThresholds() {
		if ari, _ := labelledARI(t, Options{Threshold: th}); ari > best {
			best, at = ari, th
		}
	}
	if ari, _ := labelledARI(t, Options{}); ari < best-0.01 {
		t.Errorf("DefaultThreshold %.2f gives ARI %.3f; %.2f gives %.3f", DefaultThreshold, ari, at, best)
	}
}

// syntheticKeywords makes n distinct keywords from the labelled set's,
// with the modifiers people add to searches, and their topics: a
// deterministic stand-in for a large site's keyword list.
func syntheticKeywords(n int, seed uint64) ([]Item, []int) {
	texts, labels := loadLabelled(nilTB{})
	prefixes := strings.Split("best|cheap|easy|top|simple|quick|affordable|beginner|ultimate|free|professional|guide to|tips for|ideas for|diy", "|")
	suffixes := strings.Split("for beginners|near me|2026|uk|reddit|tips|ideas|for women|for men|at home|online|review|checklist|cost|pdf|youtube|for seniors|for kids|on a budget|step by step|guide|mistakes|faq|australia|canada|in winter|in summer|for small spaces|with pictures|explained", "|")
	rng := rand.New(rand.NewPCG(seed, 1))
	seen := map[string]bool{}
	var items []Item
	var topics []int
	for len(items) < n {
		b := rng.IntN(len(texts))
		words := strings.Fields(texts[b])
		if len(words) > 3 && rng.IntN(3) == 0 {
			i := 1 + rng.IntN(len(words)-1)
			words = slices.Delete(slices.Clone(words), i, i+1)
		}
		if rng.IntN(2) == 0 {
			words = append([]string{prefixes[rng.IntN(len(prefixes))]}, words...)
		}
		if rng.IntN(5) < 3 {
			words = append(words, suffixes[rng.IntN(len(suffixes))])
		}
		text := strings.Join(words, " ")
		if seen[text] {
			continue
		}
		seen[text] = true
		items = append(items, Item{Text: text, Volume: int64(rng.ExpFloat64() * 500)})
		topics = append(topics, labels[b])
	}
	return items, topics
}

// nilTB lets syntheticKeywords load the labelled set outside a test; it
// panics where a test would fail.
type nilTB struct{ testing.TB }

func (nilTB) Helper()           {}
func (nilTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

// BenchmarkLabelledARI reports the ARI on the labelled set of some
// thresholds of the sweep, the default among them.
func BenchmarkLabelledARI(b *testing.B) {
	for _, th := range []float64{0.02, 0.03, 0.04, 0.05, DefaultThreshold, 0.07, 0.08, 0.10, 0.15, 0.20, 0.30} {
		b.Run(fmt.Sprintf("threshold=%.2f", th), func(b *testing.B) {
			var ari float64
			var groups int
			for b.Loop() {
				ari, groups = labelledARI(b, Options{Threshold: th})
			}
			b.ReportMetric(ari, "ARI")
			b.ReportMetric(float64(groups), "groups")
		})
	}
}

// BenchmarkGroup10k groups 10,000 synthetic keywords with the default
// options.
func BenchmarkGroup10k(b *testing.B) {
	items, topics := syntheticKeywords(10_000, 1)
	var groups [][]int
	for b.Loop() {
		groups = Group(items, Options{})
	}
	b.ReportMetric(float64(len(groups)), "groups")
	b.ReportMetric(adjustedRandIndex(topics, labelsOf(len(items), groups)), "ARI")
}

// BenchmarkGroupVsNaive1k times Group and the naive O(n³) average linkage
// on the same 1,000 keywords in each iteration, checks they agree, and
// reports each one's time and their ratio.
func BenchmarkGroupVsNaive1k(b *testing.B) {
	items, _ := syntheticKeywords(1_000, 3)
	var naive, fast time.Duration
	for b.Loop() {
		t0 := time.Now()
		want := naiveGroup(items, Options{Threshold: DefaultThreshold})
		t1 := time.Now()
		got := Group(items, Options{})
		t2 := time.Now()
		naive, fast = naive+t1.Sub(t0), fast+t2.Sub(t1)
		if !slices.EqualFunc(want, got, slices.Equal) {
			b.Fatal("Group and the naive algorithm disagree")
		}
	}
	b.ReportMetric(float64(naive.Milliseconds())/float64(b.N), "naive-ms/op")
	b.ReportMetric(float64(fast.Microseconds())/1000/float64(b.N), "group-ms/op")
	b.ReportMetric(float64(naive)/float64(fast), "naive/group")
}
