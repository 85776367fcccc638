// Command benchseo runs make bench-seo: it generates a site of 1,000
// articles of about 1,200 words (deterministic), links the whole site with
// linker.LinkSite (the "seo-linker" section), analyzes every article
// with optimizer.Analyze, runs the yoastseo npm package's analysis over
// the very same articles (exported as HTML) in the same run, and writes
// the times, their ratio and the agreement of the two analyses' verdicts
// into the "seo-analyzer" section of docs/benchmarks.md.
//
// Each half of make bench-seo writes its own section of
// docs/benchmarks.md; -linker-only runs the linker half alone.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	stdhtml "html"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/internal/benchdoc"
	"github.com/igny8/igny8/optimizer"
)

const (
	baseURL       = "https://bench.example/"
	titleTemplate = "%s – Bench Journal"
	locale        = "en-US"
)

// exported is one article as both analyzers read it.
type exported struct {
	ID          string `json:"id"`
	HTML        string `json:"html"`
	Keyword     string `json:"keyword"`
	Title       string `json:"title"`
	TitleWidth  int    `json:"title_width"`
	Description string `json:"description"`
	Slug        string `json:"slug"`
	Permalink   string `json:"permalink"`
	Locale      string `json:"locale"`
}

// yoastOutput is what yoast.js writes.
type yoastOutput struct {
	Version string    `json:"version"`
	Node    string    `json:"node"`
	TimesMS []float64 `json:"times_ms"`
	Results []struct {
		Scores           map[string]float64 `json:"scores"`
		Flesch           float64            `json:"flesch"`
		SEOScore         float64            `json:"seo_score"`
		ReadabilityScore float64            `json:"readability_score"`
	} `json:"results"`
}

func main() {
	n := flag.Int("articles", 1000, "articles in the generated site")
	words := flag.Int("words", 1200, "words per article")
	seed := flag.Uint64("seed", 11, "generator seed")
	dir := flag.String("dir", "data/bench-seo", "work folder: the exported articles, and node_modules with yoastseo")
	doc := flag.String("doc", "docs/benchmarks.md", "file to write the section into")
	node := flag.String("node", "node", "the node binary")
	rounds := flag.Int("rounds", 5, "rounds of optimizer.Analyze over all articles; each article's fastest counts")
	linkOnly := flag.Bool("linker-only", false, "run the linker half only (no yoastseo)")
	flag.Parse()
	log.SetFlags(0)

	arts := generate(*n, *words, *seed)
	log.Printf("linking the site with linker.LinkSite")
	command := "make bench-seo"
	if *linkOnly {
		command = "go run ./internal/cmd/benchseo -linker-only"
	}
	linkSection := benchLinker(arts, 3, command)
	fmt.Print(linkSection)
	check(benchdoc.WriteSection(*doc, "seo-linker", linkSection))
	if *linkOnly {
		log.Printf("wrote the linker's section of %s", *doc)
		return
	}
	inputs := make([]optimizer.Input, len(arts))
	exports := make([]exported, len(arts))
	totalWords := 0
	for i, a := range arts {
		inputs[i] = optimizer.Input{Page: a.Page, Keyword: a.Keyword, Locale: locale, OtherKeywords: a.OtherKeywords,
			TitleTemplate: titleTemplate, BaseURL: baseURL}
		exports[i] = export(a, inputs[i])
	}
	check(os.MkdirAll(*dir, 0o755))
	articlesFile, resultsFile := filepath.Join(*dir, "articles.json"), filepath.Join(*dir, "results.json")
	data, err := json.Marshal(exports)
	check(err)
	check(os.WriteFile(articlesFile, data, 0o644))

	// Go: every article, with testing's benchmark loop.
	analyses := make([]optimizer.Analysis, len(inputs))
	for i, in := range inputs {
		analyses[i] = optimizer.Analyze(in)
		totalWords += analyses[i].Words
	}
	log.Printf("%d articles, %d words on average; timing optimizer.Analyze", len(arts), totalWords/len(arts))
	goTimes, goBytes, goAllocs := timeAnalyze(inputs, *rounds)
	goMean := time.Duration(mean(goTimes) * float64(time.Millisecond))

	// yoastseo, on the same articles.
	log.Printf("running yoastseo over the same articles (a few minutes)")
	script, err := filepath.Abs("internal/cmd/benchseo/yoast.js")
	check(err)
	cmd := exec.Command(*node, script, articlesFile, resultsFile)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(*dir, "node_modules"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("yoastseo: %v\n%s", err, stderr.String())
	}
	nodeWall := time.Since(start)
	data, err = os.ReadFile(resultsFile)
	check(err)
	var y yoastOutput
	check(json.Unmarshal(data, &y))
	if len(y.Results) != len(arts) {
		log.Fatalf("yoastseo analyzed %d articles of %d", len(y.Results), len(arts))
	}
	yMean := mean(y.TimesMS)
	yMedian := median(y.TimesMS)
	yPer := time.Duration(yMean * float64(time.Millisecond))

	var b strings.Builder
	fmt.Fprintf(&b, "## SEO analyzer: optimizer.Analyze vs yoastseo\n\n")
	fmt.Fprintf(&b, "Command: `make bench-seo` (%s, %s, %d CPUs, %s; yoastseo %s on Node %s).\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), runtime.Version(), y.Version, y.Node)
	fmt.Fprintf(&b, "%d generated English articles (`internal/cmd/benchseo`, seed %d: %d words on average, each with its own keyword density, "+
		"share of long, passive and transitional sentences, paragraph and section lengths, links, images, title and meta description), "+
		"exported to `%s` as HTML with keyword, title, title width, description and slug, so both sides analyze the same text. "+
		"`optimizer.Analyze` reads the blueprint page (Markdown blocks) and runs all of its %d checks, on one goroutine; each article is timed alone in %d rounds over all articles, and its fastest round counts (the machine is shared; allocation is the average of a round). "+
		"yoastseo runs as the Yoast SEO plugin's analysis worker does on each edit: build the paper's tree, the SEO assessor (focus keyphrase) and the readability assessor, and the Flesch reading ease research; "+
		"each article is timed alone with `process.hrtime` after a warm-up on 50 articles. Times on this shared machine are noise; the ratio is the result.\n\n",
		len(arts), *seed, totalWords/len(arts), articlesFile, len(analyses[0].Checks), *rounds)
	fmt.Fprintf(&b, "| analyzer | per article: mean | median | 99th percentile | slowest | allocated per article |\n|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| `optimizer.Analyze` | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %d kB in %d allocations |\n",
		mean(goTimes), median(goTimes), percentile(goTimes, 99), slices.Max(goTimes), goBytes>>10, goAllocs)
	fmt.Fprintf(&b, "| yoastseo %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | |\n\n", y.Version, yMean, yMedian, percentile(y.TimesMS, 99), slices.Max(y.TimesMS))
	ratio := float64(yPer) / float64(goMean)
	verdict := "meets"
	if ratio < 5 {
		verdict = "MISSES"
	}
	fmt.Fprintf(&b, "**yoastseo / optimizer per article: %.0f×** (target ≥ 5×: %s). The whole yoastseo run, with Node's start-up and JSON, took %v.\n\n", ratio, verdict, nodeWall.Round(time.Second))
	writeAgreement(&b, analyses, &y)
	out := b.String()
	fmt.Print(out)
	check(benchdoc.WriteSection(*doc, "seo-analyzer", out))
	log.Printf("wrote %s", *doc)
}

// timeAnalyze times optimizer.Analyze on each input, rounds times; an
// input's time is its fastest round, in milliseconds. It also returns the
// bytes and allocations of a round, per input.
func timeAnalyze(inputs []optimizer.Input, rounds int) (ms []float64, bytes, allocs uint64) {
	ms = make([]float64, len(inputs))
	for i := range ms {
		ms[i] = math.Inf(1)
	}
	for r := range max(rounds, 1) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i, in := range inputs {
			start := time.Now()
			optimizer.Analyze(in)
			ms[i] = min(ms[i], float64(time.Since(start))/float64(time.Millisecond))
		}
		runtime.ReadMemStats(&after)
		if r == 0 {
			n := uint64(len(inputs))
			bytes, allocs = (after.TotalAlloc-before.TotalAlloc)/n, (after.Mallocs-before.Mallocs)/n
		}
	}
	return ms, bytes, allocs
}

// mdRenderer renders Markdown as the site build does.
var mdRenderer = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough,
	extension.Footnote, extension.DefinitionList, extension.TaskList))

// export renders an article as the HTML of its blocks, page: links made
// absolute on the site's host, and its SEO fields as the site build
// writes them.
func export(a article, in optimizer.Input) exported {
	var html bytes.Buffer
	for _, blk := range a.Page.Blocks {
		switch blk.Type {
		case "richtext":
			md := blueprints.RewriteMarkdownRefs(blk.Props["markdown"].(string), func(r blueprints.MarkdownRef) string {
				return baseURL + r.ID + "/"
			})
			check(mdRenderer.Convert([]byte(md), &html))
		case "image":
			img := blk.Props["image"].(map[string]any)
			fmt.Fprintf(&html, `<p><img src="%simg/%s.jpg"`, baseURL, img["asset"])
			if alt, ok := img["alt"].(string); ok {
				fmt.Fprintf(&html, ` alt="%s"`, stdhtml.EscapeString(alt))
			}
			html.WriteString("></p>\n")
		}
	}
	title := strings.Replace(titleTemplate, "%s", a.Page.Title, 1)
	return exported{
		ID: a.Page.ID, HTML: html.String(), Keyword: a.Keyword, Title: title, TitleWidth: optimizer.TitleWidth(title),
		Description: a.Page.Description, Slug: a.Page.ID, Permalink: baseURL + a.Page.ID + "/", Locale: strings.ReplaceAll(locale, "-", "_"),
	}
}

// comparison pairs one of our checks with one of Yoast's assessments.
type comparison struct {
	name, ours, theirs string
	// band maps a score to a band; nil uses the verdict's traffic light.
	oursBand, theirsBand func(float64) string
}

func light(score float64) string {
	switch {
	case score >= 8:
		return "good"
	case score >= 5:
		return "improve"
	}
	return "problem"
}

func densityBand(score float64) string {
	switch score {
	case 9:
		return "good"
	case 4:
		return "under"
	case 2, -10:
		return "over"
	case 0, -50:
		return "way over"
	}
	return fmt.Sprint(score)
}

func fleschBand(score float64) string {
	switch {
	case score >= 60:
		return "≥ 60"
	case score >= 50:
		return "50–60"
	}
	return "< 50"
}

var comparisons = []comparison{
	{name: "keyphrase density band (under / good / over / way over)", ours: optimizer.CheckKeyphraseDensity, theirs: "keyphraseDensity", oursBand: densityBand, theirsBand: densityBand},
	{name: "Flesch reading ease band (≥ 60 / 50–60 / < 50)", ours: optimizer.CheckFlesch, theirs: "flesch"},
	{name: "keyphrase in introduction", ours: optimizer.CheckKeyphraseInIntro, theirs: "introductionKeyword"},
	{name: "keyphrase in SEO title", ours: optimizer.CheckKeyphraseInTitle, theirs: "keyphraseInSEOTitle"},
	{name: "keyphrase in meta description", ours: optimizer.CheckKeyphraseInMeta, theirs: "metaDescriptionKeyword"},
	{name: "keyphrase in slug", ours: optimizer.CheckKeyphraseInSlug, theirs: "slugKeyword"},
	{name: "keyphrase in subheadings", ours: optimizer.CheckKeyphraseInSubheading, theirs: "subheadingsKeyword"},
	{name: "keyphrase in image alt (articles with images)", ours: optimizer.CheckKeyphraseInImageAlt, theirs: "imageKeyphrase"},
	{name: "competing links", ours: optimizer.CheckCompetingLinks, theirs: "textCompetingLinks"},
	{name: "meta description length", ours: optimizer.CheckMetaLength, theirs: "metaDescriptionLength"},
	{name: "text length", ours: optimizer.CheckTextLength, theirs: "textLength"},
	{name: "internal links", ours: optimizer.CheckInternalLinks, theirs: "internalLinks"},
	{name: "outbound links", ours: optimizer.CheckOutboundLinks, theirs: "externalLinks"},
	{name: "images", ours: optimizer.CheckImages, theirs: "images"},
	{name: "single H1", ours: optimizer.CheckSingleH1, theirs: "singleH1"},
	{name: "sentence length", ours: optimizer.CheckSentenceLength, theirs: "textSentenceLength"},
	{name: "paragraph length", ours: optimizer.CheckParagraphLength, theirs: "textParagraphTooLong"},
	{name: "subheading distribution", ours: optimizer.CheckSubheadingDistribution, theirs: "subheadingsTooLong"},
	{name: "passive voice", ours: optimizer.CheckPassiveVoice, theirs: "passiveVoice"},
	{name: "transition words", ours: optimizer.CheckTransitionWords, theirs: "textTransitionWords"},
	{name: "consecutive sentences", ours: optimizer.CheckSentenceBeginnings, theirs: "sentenceBeginnings"},
}

// writeAgreement compares the verdicts article by article.
func writeAgreement(b *strings.Builder, analyses []optimizer.Analysis, y *yoastOutput) {
	fmt.Fprintf(b, "**Sanity check: do the two agree?** For each check, the share of articles on which both give the same verdict (traffic light, or the band named), "+
		"over the articles where both ran it, with the distribution of our verdicts:\n\n")
	fmt.Fprintf(b, "| check | same verdict | ours (articles per verdict) |\n|---|---|---|\n")
	var fleschDiff []float64
	for _, c := range comparisons {
		same, total := 0, 0
		dist := map[string]int{}
		for i, a := range analyses {
			ours, ok := a.Check(c.ours)
			if !ok {
				continue
			}
			var o, t string
			if c.theirs == "flesch" {
				o, t = fleschBand(ours.Details["score"]), fleschBand(y.Results[i].Flesch)
				fleschDiff = append(fleschDiff, math.Abs(ours.Details["score"]-y.Results[i].Flesch))
			} else {
				ts, ok := y.Results[i].Scores[c.theirs]
				if !ok {
					continue
				}
				o, t = light(float64(ours.Score)), light(ts)
				if c.oursBand != nil {
					o, t = c.oursBand(float64(ours.Score)), c.theirsBand(ts)
				}
			}
			total++
			dist[o]++
			if o == t {
				same++
			}
		}
		if total == 0 {
			continue
		}
		var parts []string
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range dist {
				if !yield(k) {
					return
				}
			}
		}) {
			parts = append(parts, fmt.Sprintf("%s %d", k, dist[k]))
		}
		fmt.Fprintf(b, "| %s | %.1f%% (%d of %d) | %s |\n", c.name, 100*float64(same)/float64(total), same, total, strings.Join(parts, ", "))
	}
	fmt.Fprintf(b, "\nWhere they differ: Flesch bands near a band's edge (both sides estimate syllables); single H1 by design (here the page title is the page's H1, "+
		"so a `# ` heading in the text is a second one, while yoastseo sees the text alone and allows one there); sentence length, passive voice and transition words "+
		"by a sentence or two at a threshold (yoastseo counts headings as sentences, and the word lists are written independently of Yoast's).\n")
	var ours, theirs []float64
	for i, a := range analyses {
		ours = append(ours, float64(a.SEOScore))
		theirs = append(theirs, y.Results[i].SEOScore)
	}
	fmt.Fprintf(b, "\nFlesch reading ease: mean absolute difference %.1f points (syllables are estimated differently). "+
		"Overall SEO score: ours %.0f, yoastseo's %.0f on average, correlation %.2f (the scores differ by design: ours has no negative scores and more checks).\n",
		mean(fleschDiff), mean(ours), mean(theirs), correlation(ours, theirs))
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func median(xs []float64) float64 { return percentile(xs, 50) }

func percentile(xs []float64, p int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func correlation(xs, ys []float64) float64 {
	mx, my := mean(xs), mean(ys)
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
