package optimizer

import (
	"fmt"
	"testing"
)

// article1200 is an article of about 1,200 words: an introduction and
// eight sections with links and images.
func article1200(lang string) Input {
	f := base(lang).with(func(f *fixture) {
		f.sections = nil
		for i := range 8 {
			body := proseWords(f.lang, 70) + " Read our [tips](page:tips) and the [source](https://example.org/).\n\n" + proseWords(f.lang, 70)
			f.sections = append(f.sections, section{heading: fmt.Sprintf("%s %d", byLang(f, "Part", "Teil"), i+1), body: body})
			f.images = append(f.images, map[string]any{"asset": fmt.Sprintf("photo-%d", i), "alt": "A photo"})
		}
	})
	return f.input()
}

func BenchmarkAnalyze(b *testing.B) {
	for _, lang := range []string{"en", "de"} {
		b.Run(lang, func(b *testing.B) {
			in := article1200(lang)
			words := Analyze(in).Words
			b.ReportAllocs()
			for b.Loop() {
				Analyze(in)
			}
			b.ReportMetric(float64(words), "words/article")
		})
	}
}

func BenchmarkFix(b *testing.B) {
	in := bad("en").input()
	a := Analyze(in)
	b.ReportAllocs()
	for b.Loop() {
		Fix(in, a)
	}
}
