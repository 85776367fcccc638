package optimizer

import (
	"math"
	"strings"
	"testing"
)

func sentencesOf(text string, lang *language) []string {
	t := tokenize(text, lang)
	var out []string
	for _, s := range t.sents {
		out = append(out, text[s.start:s.end])
	}
	return out
}

func TestSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang string
		text string
		want []string
	}{
		{"en", "The train left. We slept!", []string{"The train left.", "We slept!"}},
		{"en", "Dr. Smith met Mr. Jones at 9.30 today. They talked.", []string{"Dr. Smith met Mr. Jones at 9.30 today.", "They talked."}},
		{"en", "Bring snacks, e.g. fruit or bread. Then sleep.", []string{"Bring snacks, e.g. fruit or bread.", "Then sleep."}},
		{"en", "J. R. R. Tolkien wrote it. Really?! Yes…", []string{"J. R. R. Tolkien wrote it.", "Really?!", "Yes…"}},
		{"en", "He said \"Go home.\" She did.", []string{"He said \"Go home.\"", "She did."}},
		{"en", "Prices rose (a lot). Sales fell.", []string{"Prices rose (a lot).", "Sales fell."}},
		{"en", "No end mark here", []string{"No end mark here"}},
		{"en", "Version 2.0 is out... and it works. Good.", []string{"Version 2.0 is out... and it works.", "Good."}},
		{"de", "Wir fahren z. B. nach Wien. Das dauert ca. 9 Std. lang.", []string{"Wir fahren z. B. nach Wien.", "Das dauert ca. 9 Std. lang."}},
		{"de", "Koffer, Taschen usw. Danach geht es los.", []string{"Koffer, Taschen usw. Danach geht es los."}},
		{"de", "Am 3. Mai fahren wir. Es regnet.", []string{"Am 3. Mai fahren wir.", "Es regnet."}},
		{"fr", "M. Dupont arrive. Il dort.", []string{"M. Dupont arrive.", "Il dort."}},
		{"es", "¿Dónde está el tren? Aquí.", []string{"¿Dónde está el tren?", "Aquí."}},
		{"ja", "夜行列車に乗る。よく眠れた。", []string{"夜行列車に乗る。", "よく眠れた。"}},
	}
	for _, tt := range tests {
		got := sentencesOf(tt.text, lookupLanguage(tt.lang))
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s %q:\n got %q\nwant %q", tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Don’t stop, it's well-known!", []string{"don't", "stop", "it's", "well-known"}},
		{"It costs 24.90 € or 1,000 yen.", []string{"it", "costs", "24.90", "or", "1,000", "yen"}},
		{"— a - b --", []string{"a", "b"}},
		{"Über Größe", []string{"über", "größe"}},
		{"夜行列車", []string{"夜", "行", "列", "車"}},
		{"end. Next", []string{"end", "next"}},
		{"café\u0301 naïve", []string{"café\u0301", "naïve"}},
	}
	for _, tt := range tests {
		got := words(tt.text)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("words(%q) = %q, want %q", tt.text, got, tt.want)
		}
		if n := countWords(tt.text); n != len(tt.want) {
			t.Errorf("countWords(%q) = %d, want %d", tt.text, n, len(tt.want))
		}
	}
}

func TestSyllables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang string
		want map[string]int
	}{
		{"en", map[string]int{"the": 1, "train": 1, "make": 1, "makes": 1, "jumped": 1, "wanted": 2, "table": 2,
			"beautiful": 3, "media": 3, "nation": 2, "social": 2, "radio": 3, "organisation": 5, "infrastructure": 4,
			"comfortable": 4, "travelling": 3, "boxes": 2, "played": 1, "yes": 1, "cities": 2}},
		{"de", map[string]int{"zug": 1, "nachtzug": 2, "reisen": 2, "bäume": 2, "theater": 3, "eisenbahn": 3,
			"frühstück": 2, "infrastruktur": 4, "schlafwagen": 3}},
		{"fr", map[string]int{"train": 1, "voyage": 2, "café": 2, "nuit": 1, "bienvenue": 3}},
		{"es", map[string]int{"tren": 1, "noche": 2, "viaje": 2, "teatro": 3, "día": 2, "hoy": 1, "ciudad": 2}},
		{"it", map[string]int{"treno": 2, "notte": 2, "viaggio": 2, "poeta": 3}},
		{"nl", map[string]int{"trein": 1, "nacht": 1, "reizen": 2, "ideaal": 3, "vliegtuig": 2}},
	}
	for _, tt := range tests {
		lang := lookupLanguage(tt.lang)
		for w, want := range tt.want {
			if got := lang.syllables(w); got != want {
				t.Errorf("%s: syllables(%q) = %d, want %d", tt.lang, w, got, want)
			}
		}
	}
}

// The formulas give their published values for the same statistics.
func TestReadingEaseFormulas(t *testing.T) {
	t.Parallel()
	// 15 words a sentence, 1.5 syllables a word.
	tests := map[string]float64{
		"en": 206.835 - 1.015*15 - 84.6*1.5,
		"de": 180 - 15 - 58.5*1.5,
		"fr": 207 - 1.015*15 - 73.6*1.5,
		"es": 206.84 - 0.60*150 - 1.02*15,
		"nl": 206.835 - 0.93*15 - 77*1.5,
		"it": 217 - 1.3*15 - 0.6*150,
	}
	for code, want := range tests {
		if got := lookupLanguage(code).flesch(15, 1.5); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: %f, want %f", code, got, want)
		}
	}
}

func TestKeyphraseMatching(t *testing.T) {
	t.Parallel()
	en, de := lookupLanguage("en"), lookupLanguage("de")
	tests := []struct {
		lang      *language
		kp, text  string
		count     int
		positionN int
	}{
		{en, "night train", "The night train left; night trains are slow, and trains at night too.", 3, 1},
		{en, "how to pack a rucksack", "Pack your rucksack well. Packing is an art.", 1, -1},
		{en, "city", "Cities and a city.", 2, 0},
		{en, `"night train"`, "The train at night. The night train.", 1, 5},
		{en, "train", "The train's door and the trains' doors.", 2, 1},
		{de, "Nachtzug", "Der Nachtzug und die Nachtzüge, dazu Nachtzug-Reisen.", 2, 1},
		{de, "Reise planen", "Wir planen die Reise und die Reisen.", 1, -1},
	}
	for _, tt := range tests {
		k := parseKeyphrase(tt.kp, tt.lang)
		ws := words(tt.text)
		if got := k.count(ws, tt.lang); got != tt.count {
			t.Errorf("%q in %q: count %d, want %d", tt.kp, tt.text, got, tt.count)
		}
		if got := k.position(splitCompounds(ws), tt.lang); got != tt.positionN {
			t.Errorf("%q in %q: position %d, want %d", tt.kp, tt.text, got, tt.positionN)
		}
	}
	if k := parseKeyphrase("  ", en); k != nil {
		t.Errorf("a blank keyphrase parses as %+v", k)
	}
	if k := parseKeyphrase("how to", en); !k.onlyFunction {
		t.Errorf("“how to” is not function words only")
	}
}

func TestTitleWidth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title  string
		lo, hi int
	}{
		{"", 0, 0},
		{"iiiiiiiiii", 40, 50},   // 10 × 4.4 px
		{"WWWWWWWWWW", 185, 195}, // 10 × 18.9 px
		{"Night train journeys: a calm guide to sleeping on rails", 450, 500},
		{"Nachtzüge über Österreich", 220, 250},
		{"夜行列車", 80, 80},
	}
	for _, tt := range tests {
		if got := TitleWidth(tt.title); got < tt.lo || got > tt.hi {
			t.Errorf("TitleWidth(%q) = %d, want %d–%d", tt.title, got, tt.lo, tt.hi)
		}
	}
}

func TestPassive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang string
		text string
		want bool
	}{
		{"en", "The bread was baked by my aunt.", true},
		{"en", "The house is not often cleaned.", true},
		{"en", "The letters were written in ink.", true},
		{"en", "They got caught in the rain.", true},
		{"en", "Tickets aren't sold on board.", true},
		{"en", "My aunt baked the bread.", false},
		{"en", "The dress is red.", false},
		{"en", "There were a hundred people.", false},
		{"en", "She is reading a book.", false},
		{"de", "Das Brot wird von meiner Tante gebacken.", true},
		{"de", "Die Karten wurden online verkauft.", true},
		{"de", "Die Gäste werden herzlich eingeladen.", true},
		{"de", "Das Museum wurde 1901 renoviert.", true},
		{"de", "Meine Tante backt das Brot.", false},
		{"de", "Er wird morgen kommen.", false},
	}
	for _, tt := range tests {
		if got := lookupLanguage(tt.lang).passive(words(tt.text)); got != tt.want {
			t.Errorf("%s %q: passive = %v, want %v", tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang string
		text string
		want bool
	}{
		{"en", "However, it rained.", true},
		{"en", "It rained; as a result we stayed in.", true},
		{"en", "We stayed as long as we could.", true},
		{"en", "It rained all day.", false},
		{"en", "As a child I loved trains.", false},
		{"de", "Trotzdem fuhren wir los.", true},
		{"de", "Wir fuhren zum Beispiel nach Wien.", true},
		{"de", "Wir fuhren nach Wien.", false},
	}
	for _, tt := range tests {
		if got := lookupLanguage(tt.lang).transitions.in(words(tt.text)); got != tt.want {
			t.Errorf("%s %q: transition = %v, want %v", tt.lang, tt.text, got, tt.want)
		}
	}
}
