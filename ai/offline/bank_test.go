package offline

import (
	"regexp"
	"strings"
	"testing"
)

// filled are the placeholders the generators fill.
var filled = map[string]bool{
	"{k}": true, "{K}": true, "{s}": true, "{t}": true, "{T}": true, "{c}": true, "{site}": true, "{h}": true, "{H}": true,
	"{x}": true, "{X}": true, "{name}": true, "{list}": true,
	"{offer}": true, "{Offer}": true, "{audience}": true, "{industry}": true, "{title}": true, "{titlel}": true, "{Tagline}": true,
}

// Every language has every phrase English has, and uses only placeholders
// the generators fill, so no page falls back to English mid-text or shows
// a raw {placeholder}.
func TestBanksComplete(t *testing.T) {
	placeholder := regexp.MustCompile(`\{[a-zA-Z]+\}`)
	for code, l := range langs {
		for key, phrases := range l.bank {
			if _, ok := bankEN[key]; !ok && !strings.HasPrefix(key, "word.") {
				t.Errorf("%s has %q, which English lacks (a typo?)", code, key)
			}
			for _, p := range phrases {
				for _, m := range placeholder.FindAllString(p, -1) {
					if !filled[m] {
						t.Errorf("%s %q: %q uses %s, which nothing fills", code, key, p, m)
					}
				}
			}
		}
		if code == "en" {
			continue
		}
		for key := range bankEN {
			if len(l.bank[key]) == 0 {
				t.Errorf("%s lacks %q", code, key)
			}
		}
	}
}

// Phrases of the same structure split the same way.
func TestBankPairs(t *testing.T) {
	for code, l := range langs {
		for key, n := range map[string]int{
			"service.benefit": 2, "service.step": 2, "site.feature": 2, "site.faq": 2, "site.cta": 3,
			"cta.product": 3, "cta.service": 3, "cta.page": 3, "cta.taxonomy": 3, "cta.post": 3,
			"site.page.home": 3, "site.page.about": 3, "site.page.services": 3, "site.page.products": 3, "site.page.contact": 3,
		} {
			for _, p := range l.get(key) {
				if got := len(strings.Split(p, "|")); got != n {
					t.Errorf("%s %q: %q has %d parts, want %d", code, key, p, got, n)
				}
			}
		}
		for key := range l.bank {
			if strings.HasPrefix(key, "site.hero.") {
				for _, p := range l.get(key) {
					if len(strings.Split(p, "|")) != 2 {
						t.Errorf("%s %q: %q is not heading|subheading", code, key, p)
					}
				}
			}
		}
		for _, p := range l.get("product.attr") {
			if name, values, ok := strings.Cut(p, "="); !ok || name == "" || values == "" {
				t.Errorf("%s product.attr %q is not name=value|value", code, p)
			}
		}
		for _, p := range l.get("content.opener") {
			if !strings.Contains(p, "{x}") && !strings.Contains(p, "{X}") {
				t.Errorf("%s opener %q has no {x} or {X}", code, p)
			}
		}
	}
}

func TestLangFor(t *testing.T) {
	for locale, want := range map[string]string{"en": "en", "de-DE": "de", "DE_at": "de", "fr-CA": "fr", "es-419": "es", "it": "en", "": "en", "zh-Hant-TW": "en"} {
		if got := langFor(locale).code; got != want {
			t.Errorf("langFor(%q) = %s, want %s", locale, got, want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tt := range []struct{ lang, in, want string }{
		{"en", "hiking boots for women", "Hiking Boots for Women"},
		{"en", "the best USB-C hubs", "The Best USB-C Hubs"},
		{"en", "how-to guide", "How-To Guide"},
		{"de", "wasserdichte wanderschuhe für damen", "Wasserdichte Wanderschuhe für Damen"},
		{"de", "zelt reparieren", "Zelt reparieren"},
		{"fr", "chaussures de randonnée", "Chaussures de randonnée"},
		{"es", "botas de montaña", "Botas de montaña"},
	} {
		if got := langs[tt.lang].title(tt.in); got != tt.want {
			t.Errorf("%s title(%q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
	if got, want := langs["de"].kw("wasserdichte wanderschuhe"), "wasserdichte Wanderschuhe"; got != want {
		t.Errorf("de kw = %q, want %q", got, want)
	}
}

func TestSlugify(t *testing.T) {
	for _, tt := range []struct{ in, lang, want string }{
		{"Über uns", "de", "ueber-uns"},
		{"Größe & Passform", "de", "groesse-passform"},
		{"Café crème: à la carte", "fr", "cafe-creme-a-la-carte"},
		{"¿Qué es la montaña?", "es", "que-es-la-montana"},
		{"  --Hello,   World!-- ", "en", "hello-world"},
		{"Straße", "en", "strasse"},
		{"日本語", "en", ""},
		{"a very long title that goes on and on and on well past the limit of the slug", "en", "a-very-long-title-that-goes-on-and-on-and-on-well-past-the"},
	} {
		if got := slugify(tt.in, tt.lang, 60); got != tt.want {
			t.Errorf("slugify(%q, %s) = %q, want %q", tt.in, tt.lang, got, tt.want)
		}
	}
}

func TestShortenAndClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 9, "one…"},
		{"Gear and tours for hikers, with advice and care", 30, "Gear and tours for hikers."},
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefg…"},
	} {
		if got := shorten(tt.in, tt.max); got != tt.want || len(got) > tt.max {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
	if got := clip("Größe Größe Größe", 8); got != "Größe" {
		t.Errorf("clip = %q", got)
	}
}

func TestCountWords(t *testing.T) {
	md := "Intro with **bold** words.\n\n- item one\n- item two\n\n1. step one\n2. step two – done"
	if got, want := countWords(md), 13; got != want {
		t.Errorf("countWords = %d, want %d", got, want)
	}
}

// Primary colours carry white text; both are #rrggbb.
func TestColours(t *testing.T) {
	for i := range 200 {
		r := newRNG("colours", string(rune(i)))
		p, a := colours(r)
		var pr, pg, pb uint8
		if _, err := fmtSscanf(p, &pr, &pg, &pb); err != nil {
			t.Fatalf("primary %q: %v", p, err)
		}
		if c := contrastWithWhite(pr, pg, pb); c < 4.5 {
			t.Errorf("primary %s has contrast %.2f with white, want at least 4.5", p, c)
		}
		if len(a) != 7 || a[0] != '#' {
			t.Errorf("accent %q", a)
		}
	}
}

func TestDeck(t *testing.T) {
	d := newDeck(newRNG("deck"), []string{"a", "b", "c"})
	seen := map[string]int{}
	prev := ""
	for range 30 {
		s := d.next()
		if s == prev {
			t.Fatalf("the deck dealt %q twice in a row", s)
		}
		prev = s
		seen[s]++
	}
	for _, s := range []string{"a", "b", "c"} {
		if seen[s] != 10 {
			t.Errorf("dealt %q %d times in 30, want 10", s, seen[s])
		}
	}
}
