package offline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lang is a language the offline provider writes: its phrase bank and
// its casing rules.
type lang struct {
	code string // ISO 639-1: en, de, fr, es
	bank map[string][]string
}

// langs holds every language with a phrase bank; English is the fallback
// for any other locale and for any phrase a bank lacks.
var langs = map[string]*lang{
	"en": {code: "en", bank: bankEN},
	"de": {code: "de", bank: bankDE},
	"fr": {code: "fr", bank: bankFR},
	"es": {code: "es", bank: bankES},
}

// langFor picks the language of a BCP 47 locale by its primary subtag.
func langFor(locale string) *lang {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(locale)), "-")
	primary, _, _ = strings.Cut(primary, "_")
	if l, ok := langs[primary]; ok {
		return l
	}
	return langs["en"]
}

// get returns the phrases under key, in English when the language has
// none.
func (l *lang) get(key string) []string {
	if p := l.bank[key]; len(p) > 0 {
		return p
	}
	return bankEN[key]
}

// has reports whether the bank (or English) has phrases under key.
func (l *lang) has(key string) bool { return len(l.get(key)) > 0 }

// one fills one phrase under key, chosen by r.
func (l *lang) one(r *rng, key string, vars map[string]string) string {
	return sentence(r.pick(l.get(key)), vars)
}

// and is the language's "and".
func (l *lang) and() string { return l.get("word.and")[0] }

// list joins items with the language's "and".
func (l *lang) list(items []string) string { return joinList(items, l.and()) }

// set returns the phrases under key as a set of lower-case words.
func (l *lang) set(key string) map[string]bool {
	m := map[string]bool{}
	for _, w := range l.get(key) {
		m[w] = true
	}
	return m
}

// title capitalises s as the language capitalises headings and names:
// English capitalises every word but the small ones, German its nouns
// (guessed: every word but articles, prepositions and words that look
// like adjectives or verbs), French and Spanish only the first word.
// Words that already have capitals keep them.
func (l *lang) title(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		switch l.code {
		case "en":
			if i == 0 || !l.set("word.small")[strings.ToLower(w)] {
				words[i] = capWord(w)
			}
		case "de":
			if i == 0 || isGermanNoun(l, w) {
				words[i] = capWord(w)
			}
		default:
			if i == 0 {
				words[i] = capWord(w)
			}
		}
	}
	return strings.Join(words, " ")
}

// kw returns a keyword as running text shows it: as typed, except that
// German capitalises its nouns.
func (l *lang) kw(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if l.code != "de" {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if isGermanNoun(l, w) {
			words[i] = capWord(w)
		}
	}
	return strings.Join(words, " ")
}

func isGermanNoun(l *lang, w string) bool {
	lw := strings.ToLower(w)
	if l.set("word.small")[lw] {
		return false
	}
	for _, suffix := range l.get("word.adjective_suffixes") {
		if strings.HasSuffix(lw, suffix) && len(lw) > len(suffix)+2 {
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLetter(r)
}

// capWord upper-cases the first letter of a word that has no capitals
// yet (so "iPhone" and "USB" stay as they are); hyphenated parts are
// capitalised each.
func capWord(w string) string {
	if strings.IndexFunc(w, unicode.IsUpper) >= 0 {
		return w
	}
	parts := strings.Split(w, "-")
	for i, p := range parts {
		parts[i] = upperFirst(p)
	}
	return strings.Join(parts, "-")
}
