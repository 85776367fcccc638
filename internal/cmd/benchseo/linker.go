package main

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/linker"
)

// The linker half of make bench-seo: linker.LinkSite over the very
// articles the analyzer half reads, with the rules the pipeline uses
// (related blocks on), written into the "seo-linker" section.

// linkerSite is the generated articles as the pipeline gives them to the
// linker: the articles of one topic are a cluster; its first article is
// the pillar and targets the topic, and the others target the topic and a
// word of their own ("night train guide", "night train route 2"), as the
// planner's ideas do, so that they do not compete for one keyword.
func linkerSite(arts []article) linker.Site {
	site := linker.Site{Rules: linker.Rules{RelatedBlock: true}}
	cluster := map[string]int64{}
	members := map[string]int{}
	for i, a := range arts {
		c, seen := cluster[a.Keyword]
		if !seen {
			c = int64(len(cluster) + 1)
			cluster[a.Keyword] = c
		}
		kw := a.Keyword
		if k := members[a.Keyword]; seen {
			kw += " " + nouns[k%len(nouns)]
			if k >= len(nouns) {
				kw += " " + strconv.Itoa(k/len(nouns)+1)
			}
		}
		members[a.Keyword]++
		site.Docs = append(site.Docs, linker.Doc{ID: int64(i + 1), Page: a.Page, Keywords: []string{kw},
			Cluster: c, Pillar: !seen, Status: igny8.ContentPublished})
	}
	return site
}

// applyLinks is site with the pages res changed, and res's records as the
// previous run's.
func applyLinks(site linker.Site, res *linker.Result) linker.Site {
	out := linker.Site{Rules: site.Rules, Docs: slices.Clone(site.Docs), Placed: res.Links}
	pages := map[int64]int{}
	for i, d := range out.Docs {
		pages[d.ID] = i
	}
	for _, c := range res.Changed {
		out.Docs[pages[c.Doc]].Page = c.Page
	}
	return out
}

// benchLinker links the site rounds times (the fastest counts), reports on
// it before and after, and checks that a rerun changes nothing.
func benchLinker(arts []article, rounds int, command string) string {
	site := linkerSite(arts)
	before, err := linker.Report(site)
	check(err)
	best := time.Duration(math.MaxInt64)
	var res *linker.Result
	var bytes, allocs uint64
	for r := range max(rounds, 1) {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		res, err = linker.LinkSite(site)
		best = min(best, time.Since(start))
		check(err)
		runtime.ReadMemStats(&m1)
		if r == 0 {
			bytes, allocs = m1.TotalAlloc-m0.TotalAlloc, m1.Mallocs-m0.Mallocs
		}
	}
	linked := applyLinks(site, res)
	after, err := linker.Report(linked)
	check(err)
	start := time.Now()
	rerun, err := linker.LinkSite(linked)
	rerunTime := time.Since(start)
	check(err)
	start = time.Now()
	_, err = linker.Report(linked)
	check(err)
	reportTime := time.Since(start)

	types := map[string]int{}
	for _, l := range res.Links {
		types[l.Type]++
	}
	out := func(r *linker.SiteReport) (lo, hi int, mean float64) {
		lo = math.MaxInt
		for _, p := range r.Pages {
			lo, hi = min(lo, p.Out), max(hi, p.Out)
			mean += float64(p.Out)
		}
		return lo, hi, mean / float64(len(r.Pages))
	}
	lo, hi, avg := out(after)
	verdict := "meets"
	if best >= 10*time.Second {
		verdict = "MISSES"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## SEO linker: linker.LinkSite on the same 1,000 articles\n\n")
	fmt.Fprintf(&b, "Command: `%s` (%s, %s, %d CPUs, %s).\n\n", command,
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "The articles of the analyzer half (the section above), as the pipeline hands them to the linker (%d topics): "+
		"the articles of a topic are a cluster whose first article is the pillar and targets the topic, the others the topic and a word of their own, all published; the rules are the pipeline's defaults "+
		"(one link per 150 words, at most 15 a page, one per target, a related block of 3 pages on every page). "+
		"One goroutine, the fastest of %d runs; the site's own links from the generator count as the author's.\n\n", len(topicsOf(arts)), max(rounds, 1))
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| whole site linked | **%v** (target under 10 s: %s) |\n", best.Round(time.Millisecond), verdict)
	fmt.Fprintf(&b, "| allocated | %d MB in %d allocations |\n", bytes>>20, allocs)
	fmt.Fprintf(&b, "| links placed | %d in the text (%d contextual, %d to the cluster's pillar), %d related-block entries |\n",
		types[linker.TypeContextual]+types[linker.TypePillar], types[linker.TypeContextual], types[linker.TypePillar], types[linker.TypeRelated])
	fmt.Fprintf(&b, "| links in the text per page after | %.1f on average, %d to %d |\n", avg, lo, hi)
	fmt.Fprintf(&b, "| orphan pages | %d before, **%d after** |\n", len(before.Orphans), len(after.Orphans))
	fmt.Fprintf(&b, "| pages with too few / too many links | %d / %d before, %d / %d after |\n",
		len(before.TooFew), len(before.TooMany), len(after.TooFew), len(after.TooMany))
	fmt.Fprintf(&b, "| rerun on its own output | %v, %d pages changed, %d links added, %d removed |\n",
		rerunTime.Round(time.Millisecond), len(rerun.Changed), len(rerun.Added), len(rerun.Removed))
	fmt.Fprintf(&b, "| site report | %v |\n\n", reportTime.Round(time.Millisecond))
	if len(after.TooFew) > 0 {
		fmt.Fprintf(&b, "The pages left with too few links in their text mention too few other pages' keywords where a link may go: the linker links only words a page already has. Their related blocks still link them to three pages.\n")
	}
	if len(after.TooMany) > 0 {
		fmt.Fprintf(&b, "Pages keep too many links only where the generator's own links already exceed the budget: the linker never removes the author's links.\n")
	}
	return b.String()
}

func topicsOf(arts []article) map[string]bool {
	out := map[string]bool{}
	for _, a := range arts {
		out[a.Keyword] = true
	}
	return out
}
