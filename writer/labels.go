package writer

import "strings"

// label is a heading the writer adds of its own (the model writes
// everything else), in the languages it knows.
type label int

const (
	labelBenefits label = iota
	labelProcess
	labelFAQ
	labelDetails
	labelPosts
)

// labels holds the writer's own headings by primary language. A language
// not here gets no heading where the block can do without one, rather
// than an English one on a page in another language.
var labels = map[string][5]string{
	"en": {"Benefits", "How it works", "Frequently asked questions", "Details", "Articles"},
	"de": {"Vorteile", "So funktioniert es", "Häufige Fragen", "Details", "Artikel"},
	"fr": {"Avantages", "Comment ça marche", "Questions fréquentes", "Caractéristiques", "Articles"},
	"es": {"Ventajas", "Cómo funciona", "Preguntas frecuentes", "Detalles", "Artículos"},
	"it": {"Vantaggi", "Come funziona", "Domande frequenti", "Dettagli", "Articoli"},
	"pt": {"Vantagens", "Como funciona", "Perguntas frequentes", "Detalhes", "Artigos"},
	"nl": {"Voordelen", "Zo werkt het", "Veelgestelde vragen", "Details", "Artikelen"},
}

// text returns the label in the language of locale, or "".
func (l label) text(locale string) string {
	primary, _, _ := strings.Cut(strings.ToLower(locale), "-")
	if primary == "" {
		primary = "en"
	}
	ls, ok := labels[primary]
	if !ok {
		return ""
	}
	return ls[l]
}
