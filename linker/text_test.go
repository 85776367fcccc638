package linker

import "testing"

func key(w string) string { return string(appendKey(nil, w)) }

// Singular and plural share a key; different words do not.
func TestKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"coffee", "Coffees", true},
		{"berry", "berries", true},
		{"box", "boxes", true},
		{"class", "classes", true},
		{"church", "churches", true},
		{"cache", "caches", true},
		{"movie", "movies", true},
		{"house", "houses", true},
		{"café", "CAFÉS", true},
		{"Kaffeemühle", "kaffeemühle", true},
		{"news", "new", false},
		{"analysis", "analysi", false},
		{"campus", "campu", false},
		{"grind", "grinder", false},
		{"tea", "teas", true},
		{"gas", "ga", false}, // three letters: kept as written
	} {
		if got := key(tt.a) == key(tt.b); got != tt.same {
			t.Errorf("%q (%q) and %q (%q): same key %v, want %v", tt.a, key(tt.a), tt.b, key(tt.b), got, tt.same)
		}
	}
}

func TestCountWords(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"one two  three", 3},
		{"don't stop", 2},
		{"it costs 24.90 today", 4},
		{"a - b", 2},
		{"Kaffeemühle", 1},
		{"我买了咖啡豆", 6},
		{"end. Next", 2},
	} {
		if got := countWords(tt.s); got != tt.want {
			t.Errorf("countWords(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestSentenceEnd(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s    string
		want int // -1: none
	}{
		{"One. Two.", 4},
		{"One! Two", 4},
		{"Why? Because.", 4},
		{"No end", -1},
		{"Ends here.", 10},
		{"E.g. this and that. Next", 19},
		{"Step 3. 5 more. Then", 15},
		{"version 1.2 is out. Yes", 19},
		{"好。再见", 6},
	} {
		if got := sentenceEnd(tt.s); got != tt.want {
			t.Errorf("sentenceEnd(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
