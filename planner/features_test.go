package planner

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStemEnglish(t *testing.T) {
	t.Parallel()
	// Words that should meet, and words that should be left alone.
	same := [][]string{
		{"bake", "bakes", "baking", "baked"},
		{"shoe", "shoes"},
		{"run", "runs", "running"},
		{"battery", "batteries"},
		{"bench", "benches"},
		{"plant", "plants", "planting", "planted"},
		{"budget", "budgets", "budgeting"},
		{"refinance", "refinancing", "refinanced"},
		{"glass", "glasses"},
		{"wedding", "weddings"},
	}
	for _, words := range same {
		for _, w := range words[1:] {
			if a, b := stemEnglish(words[0]), stemEnglish(w); a != b {
				t.Errorf("stem(%q) = %q, stem(%q) = %q; want them equal", words[0], a, w, b)
			}
		}
	}
	for _, w := range []string{"string", "need", "seed", "speed", "bus", "hummus", "basis", "gas", "yes", "us", "red", "ring"} {
		if got := stemEnglish(w); got != w && got+"e" != w {
			t.Errorf("stem(%q) = %q, want it left alone", w, got)
		}
	}
}

func TestTokenize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, lang string
		raw, stems []string
	}{
		{"How to Make Sourdough Bread", "en", []string{"make", "sourdough", "bread"}, []string{"mak", "sourdough", "bread"}},
		{"best dog's treats for training", "en", []string{"dogs", "treats", "training"}, []string{"dog", "treat", "train"}},
		{"how to", "en", []string{"how", "to"}, []string{"how", "to"}}, // only stop words: keep them
		{"python f-string", "en", []string{"python", "f", "string"}, []string{"python", "f", "string"}},
		{"die besten Laufschuhe für Damen", "de", []string{"besten", "laufschuhe", "damen"}, []string{"besten", "laufschuhe", "damen"}},
		{"recette de pain au levain", "fr", []string{"recette", "pain", "levain"}, []string{"recette", "pain", "levain"}},
		{"café crème", "it", []string{"café", "crème"}, []string{"café", "crème"}},
	}
	for _, tt := range tests {
		raw, stems := tokenize(tt.text, tt.lang)
		if !cmp.Equal(raw, tt.raw) || !cmp.Equal(stems, tt.stems) {
			t.Errorf("tokenize(%q, %s) = %q, %q; want %q, %q", tt.text, tt.lang, raw, stems, tt.raw, tt.stems)
		}
	}
	for tag, want := range map[string]string{"": "en", "en": "en", "de-DE": "de", "fr_CA": "fr", "ES": "es"} {
		if got := language(tag); got != want {
			t.Errorf("language(%q) = %q, want %q", tag, got, want)
		}
	}
}

// Vectors are unit length, and similar keywords are closer than
// unrelated ones.
func TestVectorize(t *testing.T) {
	t.Parallel()
	vecs := vectorize([]string{"sourdough starter recipe", "how to feed a sourdough starter", "best running shoes", "", "Sourdough  Starter Recipe"}, "en")
	for i, v := range vecs {
		n := 0.0
		for _, w := range v.w {
			n += w * w
		}
		if len(v.ids) > 0 && math.Abs(n-1) > 1e-9 {
			t.Errorf("vector %d has norm² %v", i, n)
		}
	}
	if len(vecs[3].ids) != 0 {
		t.Errorf("the empty keyword has features %v", vecs[3].ids)
	}
	related, unrelated, same := dot(vecs[0], vecs[1]), dot(vecs[0], vecs[2]), dot(vecs[0], vecs[4])
	if !(related > 0.3 && unrelated == 0 && math.Abs(same-1) < 1e-9) {
		t.Errorf("similarities: related %.3f, unrelated %.3f, same after normalising %.3f", related, unrelated, same)
	}
}
