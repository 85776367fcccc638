package linker

import "testing"

// BenchmarkLinkSite1000 links a generated site of 1,000 articles of about
// 1,200 words each (the target: under 10 s).
func BenchmarkLinkSite1000(b *testing.B) {
	site := benchSite(1000, 1200)
	words, links := 0, 0
	for b.Loop() {
		res, err := LinkSite(site)
		if err != nil {
			b.Fatal(err)
		}
		links = len(res.Links)
	}
	e, err := newEngine(site)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range e.docs {
		words += d.words
	}
	b.ReportMetric(float64(words)/float64(len(site.Docs)), "words/article")
	b.ReportMetric(float64(links), "links")
}

// BenchmarkReport1000 reports on the same site, linked.
func BenchmarkReport1000(b *testing.B) {
	site := benchSite(1000, 1200)
	res, err := LinkSite(site)
	if err != nil {
		b.Fatal(err)
	}
	site = applied(site, res)
	var rep *SiteReport
	for b.Loop() {
		if rep, err = Report(site); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rep.Orphans)), "orphans")
	b.ReportMetric(float64(len(rep.TooFew)), "too_few")
}
