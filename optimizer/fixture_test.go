package optimizer

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/igny8/igny8/blueprints"
)

// A fixture is a small article that passes every check; each test case
// changes one thing of it and looks at one check.

// plain are short, plain sentences without a keyphrase, transition word or
// passive verb, each starting with a different word.
var plain = map[string][]string{
	"en": {
		"Our small dog likes to sleep near the warm stove.",
		"Kids in the park run after a big red ball.",
		"My aunt bakes bread with seeds on a Sunday morning.",
		"Fresh fruit from the market tastes good in the summer.",
		"We walk to the lake with our friends at noon.",
		"Rain on the roof makes a soft and steady sound.",
		"Old maps show roads that no longer exist in town.",
		"Her garden has tall roses and a bench in the shade.",
		"Good shoes help you walk far without sore feet.",
		"That café sells hot soup and thick slices of cake.",
		"Birds sing in the tall trees at dawn in spring.",
		"Tom reads a book by the window in the evening.",
	},
	"de": {
		"Unser kleiner Hund schläft gern neben dem warmen Ofen.",
		"Kinder im Park laufen hinter einem roten Ball her.",
		"Meine Tante backt am Sonntag Brot mit vielen Körnern.",
		"Frisches Obst vom Markt schmeckt im Sommer sehr gut.",
		"Wir gehen mittags mit Freunden zum See hinunter.",
		"Regen auf dem Dach macht ein leises Geräusch.",
		"Alte Karten zeigen Straßen, die es nicht mehr gibt.",
		"Ihr Garten hat hohe Rosen und eine Bank im Schatten.",
		"Gute Schuhe helfen beim Gehen ohne müde Füße.",
		"Das Café verkauft heiße Suppe und großen Kuchen.",
		"Vögel singen in den Bäumen am frühen Morgen.",
		"Tom liest abends ein Buch am Fenster.",
	},
}

// transition starts a sentence with a transition phrase.
var transition = map[string]string{"en": "For example, ", "de": "Zum Beispiel "}

// prose returns n plain sentences from the start'th on; every third
// starts with a transition phrase (so a third of them have one).
func prose(lang string, n, start int) string {
	pool := plain[lang]
	var b strings.Builder
	for i := range n {
		s := pool[(start+i)%len(pool)]
		if (start+i)%3 == 2 {
			s = transition[lang] + strings.ToLower(s[:1]) + s[1:]
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

type section struct{ heading, body string }

type fixture struct {
	lang, kw       string
	synonyms       []string
	title, desc    string
	id, pageType   string
	entity         string
	template       string
	intro          string
	sections       []section
	images         []map[string]any
	extra          []*blueprints.Block
	others         []string
	featuredNoAlt  bool
	assetAlt       map[string]string
	baseURL        string
	titleSEO       string
	descriptionSEO string
}

var keyphrases = map[string]string{"en": "night train", "de": "Nachtzug"}

// base is an article of about 420 words that passes every check.
func base(lang string) fixture {
	kw := keyphrases[lang]
	f := fixture{lang: lang, kw: kw, id: "night-train-guide", pageType: blueprints.PagePost}
	links := " Read our [booking tips](page:booking) and the [timetables](https://www.example.org/timetables)."
	switch lang {
	case "en":
		f.id = "night-train-guide"
		f.title = "Night train journeys: a calm guide to sleeping on rails"
		f.desc = "How the night train works, what a berth costs, and how to sleep well on board: a calm, practical guide for your first overnight trip."
		f.intro = "In short, the night train is a calm way to cross a country. " + prose(lang, 3, 0)
		f.sections = []section{
			{"Booking a night train", prose(lang, 8, 3)},
			{"What to pack", prose(lang, 8, 11) + links},
			{"Sleeping on the night train", prose(lang, 8, 19)},
			{"Arriving in the morning", prose(lang, 8, 27)},
		}
		f.images = []map[string]any{{"asset": "cabin", "alt": "A night train cabin with two berths"}}
	case "de":
		f.id = "nachtzug-ratgeber"
		f.title = "Nachtzug-Reisen: ein ruhiger Ratgeber für die erste Fahrt"
		f.desc = "Wie der Nachtzug funktioniert, was ein Bett kostet und wie man an Bord gut schläft: ein ruhiger, praktischer Ratgeber für die erste Fahrt."
		f.intro = "Kurz gesagt ist der Nachtzug ein ruhiger Weg durch das Land. " + prose(lang, 3, 0)
		links = " Lesen Sie unsere [Tipps zur Buchung](page:booking) und die [Fahrpläne](https://www.example.org/fahrplaene)."
		f.sections = []section{
			{"Den Nachtzug buchen", prose(lang, 8, 3)},
			{"Was in den Koffer gehört", prose(lang, 8, 11) + links},
			{"Schlafen im Nachtzug", prose(lang, 8, 19)},
			{"Ankunft am Morgen", prose(lang, 8, 27)},
		}
		f.images = []map[string]any{{"asset": "cabin", "alt": "Ein Abteil im Nachtzug mit zwei Betten"}}
	}
	return f
}

// markdown is the fixture's richtext block.
func (f fixture) markdown() string {
	var b strings.Builder
	b.WriteString(f.intro + "\n\n")
	for _, s := range f.sections {
		if s.heading != "" {
			b.WriteString("## " + s.heading + "\n\n")
		}
		b.WriteString(s.body + "\n\n")
	}
	return b.String()
}

func (f fixture) page() *blueprints.Page {
	p := &blueprints.Page{ID: f.id, Path: "/journal/" + f.id + "/", Type: f.pageType, Title: f.title, Description: f.desc, Lang: f.lang}
	if f.titleSEO != "" || f.descriptionSEO != "" {
		p.SEO = &blueprints.PageSEO{Title: f.titleSEO, Description: f.descriptionSEO}
	}
	p.Blocks = append(p.Blocks, &blueprints.Block{ID: "body", Type: "richtext", V: 1, Props: map[string]any{"markdown": f.markdown()}})
	for i, img := range f.images {
		p.Blocks = append(p.Blocks, &blueprints.Block{ID: fmt.Sprintf("image-%d", i), Type: "image", V: 1, Props: map[string]any{"image": cloneMap(img)}})
	}
	p.Blocks = append(p.Blocks, f.extra...)
	if f.featuredNoAlt {
		p.Image = &blueprints.Image{Asset: "cover"}
	}
	return p
}

func cloneMap(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (f fixture) input() Input {
	in := Input{Page: f.page(), Keyword: f.kw, Synonyms: f.synonyms, EntityType: f.entity, OtherKeywords: f.others,
		TitleTemplate: f.template, BaseURL: cmpOr(f.baseURL, "https://slowmiles.example/")}
	if f.assetAlt != nil {
		in.Assets = map[string]*blueprints.Asset{}
		for id, alt := range f.assetAlt {
			in.Assets[id] = &blueprints.Asset{Path: id + ".jpg", Alt: &alt}
		}
	}
	return in
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// with returns a copy of f changed by fn; slices are copied first.
func (f fixture) with(fn func(f *fixture)) fixture {
	f.sections = slices.Clone(f.sections)
	f.images = slices.Clone(f.images)
	f.extra = slices.Clone(f.extra)
	fn(&f)
	return f
}

// mustCheck returns the check id of a, failing the test if it did not run.
func mustCheck(t *testing.T, a Analysis, id string) Check {
	t.Helper()
	c, ok := a.Check(id)
	if !ok {
		t.Fatalf("check %s did not run; checks: %v", id, ids(a))
	}
	return c
}

func ids(a Analysis) []string {
	var out []string
	for _, c := range a.Checks {
		out = append(out, c.ID+"="+string(c.Verdict))
	}
	return out
}

// words repeats prose to about n words.
func proseWords(lang string, n int) string {
	var parts []string
	total, i := 0, 0
	for total < n {
		s := prose(lang, 1, i)
		parts = append(parts, s)
		total += countWords(s)
		i++
	}
	return strings.Join(parts, " ")
}
