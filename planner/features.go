package planner

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
)

// Lexical similarity is the cosine of TF-IDF vectors made of three blocks
// of features, each scaled to unit length and weighted, so that the
// cosine of two keywords is about the weighted mean of the three blocks'
// cosines:
//   - words, stemmed ("shoes" and "shoe" are one), for the topic;
//   - pairs of adjacent words, for phrases ("cold brew", "dutch oven");
//   - character trigrams of each word, for what the stemmer misses
//     (compounds, other languages' inflections, typos).
//
// The weights were chosen with the threshold on the labelled set (see the
// package doc).
const (
	weightWords   = 1.0
	weightBigrams = 0.25
	weightChars   = 0.25
)

// sparse is a unit vector: feature ids in ascending order and their
// weights.
type sparse struct {
	ids []int32
	w   []float64
}

// dot is the dot product of two sparse vectors.
func dot(a, b sparse) float64 {
	s := 0.0
	for i, j := 0, 0; i < len(a.ids) && j < len(b.ids); {
		switch {
		case a.ids[i] < b.ids[j]:
			i++
		case a.ids[i] > b.ids[j]:
			j++
		default:
			s += a.w[i] * b.w[j]
			i++
			j++
		}
	}
	return s
}

// block is one of the three kinds of feature.
type block uint8

const (
	blockWords block = iota
	blockBigrams
	blockChars
	numBlocks
)

var blockWeights = [numBlocks]float64{weightWords, weightBigrams, weightChars}

// vectorize returns the lexical vectors of texts. Feature ids are ranked
// by document frequency, the most frequent first: the similarity search
// (pairs.go) relies on that order.
func vectorize(texts []string, lang string) []sparse {
	type feature struct {
		key   string
		block block
		df    int
	}
	var features []feature
	index := map[string]int32{}
	type count struct {
		id int32
		tf int
	}
	docs := make([][]count, len(texts))
	for d, text := range texts {
		var tf []count
		seen := map[int32]int{}
		add := func(b block, key string) {
			k := string(rune('0'+b)) + key
			id, ok := index[k]
			if !ok {
				id = int32(len(features))
				index[k] = id
				features = append(features, feature{key: k, block: b})
			}
			if i, ok := seen[id]; ok {
				tf[i].tf++
				return
			}
			seen[id] = len(tf)
			tf = append(tf, count{id, 1})
			features[id].df++
		}
		raw, stems := tokenize(text, lang)
		for i, s := range stems {
			add(blockWords, s)
			if i > 0 {
				add(blockBigrams, stems[i-1]+" "+s)
			}
		}
		for _, w := range raw {
			r := []rune(" " + w + " ")
			for i := 0; i+3 <= len(r); i++ {
				add(blockChars, string(r[i:i+3]))
			}
		}
		docs[d] = tf
	}

	// Rank features: most frequent first, then by key, so that the ids
	// (and everything after) do not depend on map order.
	order := make([]int32, len(features))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		fa, fb := features[a], features[b]
		return cmp.Or(cmp.Compare(fb.df, fa.df), strings.Compare(fa.key, fb.key))
	})
	rank := make([]int32, len(features))
	for r, id := range order {
		rank[id] = int32(r)
	}

	n := float64(len(texts))
	out := make([]sparse, len(texts))
	for d, tf := range docs {
		v := sparse{ids: make([]int32, len(tf)), w: make([]float64, len(tf))}
		var norms [numBlocks]float64
		for i, c := range tf {
			f := features[c.id]
			w := (1 + math.Log(float64(c.tf))) * (math.Log((1+n)/(1+float64(f.df))) + 1)
			v.ids[i], v.w[i] = c.id, w
			norms[f.block] += w * w
		}
		total := 0.0
		for i, id := range v.ids {
			b := features[id].block
			v.w[i] *= math.Sqrt(blockWeights[b] / norms[b])
			total += v.w[i] * v.w[i]
		}
		for i, id := range v.ids {
			v.ids[i] = rank[id]
			v.w[i] /= math.Sqrt(total)
		}
		sortSparse(v)
		out[d] = v
	}
	return out
}

func sortSparse(v sparse) {
	idx := make([]int, len(v.ids))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(v.ids[a], v.ids[b]) })
	ids, w := slices.Clone(v.ids), slices.Clone(v.w)
	for i, j := range idx {
		v.ids[i], v.w[i] = ids[j], w[j]
	}
}

// tokenize splits a keyword into words (lower case, apostrophes dropped:
// "dog's" is "dogs"), drops the language's stop words unless nothing else
// is left, and returns the words and their stems.
func tokenize(text, lang string) (raw, stems []string) {
	text = strings.Map(func(r rune) rune {
		if r == '\'' || r == '’' {
			return -1
		}
		return r
	}, Normalize(text))
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
	stop := stopWords[lang]
	raw = words[:0:0]
	for _, w := range words {
		if !stop[w] {
			raw = append(raw, w)
		}
	}
	if len(raw) == 0 {
		raw = words
	}
	stems = make([]string, len(raw))
	for i, w := range raw {
		if lang == "en" {
			stems[i] = stemEnglish(w)
		} else {
			stems[i] = w
		}
	}
	return raw, stems
}

// language reduces a BCP 47 tag to the primary language, "en" when empty.
func language(tag string) string {
	l, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(tag, "_", "-")), "-")
	if l == "" {
		return "en"
	}
	return l
}

// stemEnglish is a light stemmer: plurals (-s, -es, -ies), then -ing and
// -ed with a doubled consonant undone, then a final -e, so that "bake",
// "bakes", "baking" and "baked" meet at "bak". It conflates less than
// Porter's and never touches short words or words without a vowel in the
// stem ("string", "need").
func stemEnglish(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case n > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") ||
		strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "zes")):
		w = w[:n-2]
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
	case n > 3 && strings.HasSuffix(w, "s"):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing") && hasVowel(w[:n-3]):
		w = undouble(w[:n-3])
	case n > 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") && hasVowel(w[:n-2]):
		w = undouble(w[:n-2])
	}
	if n = len(w); n > 3 && w[n-1] == 'e' && w[n-2] != 'e' {
		w = w[:n-1]
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

// undouble turns a doubled final consonant into one ("runn" → "run"),
// except for l, s and z ("fall", "pass", "buzz").
func undouble(s string) string {
	n := len(s)
	if n >= 2 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiouylsz", rune(s[n-1])) {
		return s[:n-1]
	}
	return s
}
