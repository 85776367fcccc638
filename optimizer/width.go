package optimizer

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Search engines cut titles by width, not characters: Google shows about
// 600 pixels of a title set in Arial at 20 px, which Yoast's snippet
// preview measures in the browser. Without a browser, titleWidth adds up
// the advance widths of Arial's glyphs (Helvetica's metrics, which Arial
// shares, in thousandths of an em) at 20 px. Accented letters take their
// base letter's width; other scripts' letters count as an em for CJK and
// as an average lower-case letter (0.55 em) otherwise.

// TitleFontSize is the pixel size titles are measured at.
const TitleFontSize = 20

// Title widths, in pixels, that the SEO title width check uses.
const (
	TitleMinWidth = 400
	TitleMaxWidth = 600
)

// helvetica holds the widths of the printable ASCII characters, from
// space (32) to tilde (126), in thousandths of an em.
var helvetica = [95]uint16{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0–9
	278, 278, 584, 584, 584, 556, 1015, // : ; < = > ? @
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A–M
	722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N–Z
	278, 278, 278, 469, 556, 333, // [ \ ] ^ _ `
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a–m
	556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n–z
	334, 260, 334, 584, // { | } ~
}

// runeWidth is a character's width in thousandths of an em.
func runeWidth(r rune) int {
	if r >= 32 && r <= 126 {
		return int(helvetica[r-32])
	}
	switch r {
	case '—':
		return 1000
	case '–', '€', '•':
		return 556
	case '’', '‘', '‚':
		return 222
	case '“', '”', '„':
		return 333
	case '…':
		return 1000
	case '«', '»':
		return 556
	case 'ß':
		return 611
	case 'æ':
		return 889
	case 'Æ', 'Œ':
		return 1000
	case 'œ':
		return 944
	}
	if isCJK(r) || unicode.In(r, unicode.Hangul) {
		return 1000
	}
	// An accented Latin letter: its base letter.
	if d := norm.NFD.String(string(r)); d != "" {
		if b := []rune(d)[0]; b >= 32 && b <= 126 {
			return int(helvetica[b-32])
		}
	}
	if unicode.IsUpper(r) {
		return 667
	}
	return 550
}

// TitleWidth estimates the pixels a title takes in Google's search
// results (Arial at TitleFontSize), as the SEO title width check measures it.
func TitleWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return (w*TitleFontSize + 500) / 1000
}
