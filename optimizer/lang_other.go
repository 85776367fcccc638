package optimizer

import "strings"

// French, Spanish, Italian and Dutch: a readability formula each, syllables,
// function words and abbreviations; no transition word or passive voice
// check yet.

var french = &language{
	code: "fr", name: "French",
	// Kandel and Moles (1958), Flesch's formula fitted to French.
	fleschName: "Flesch reading ease (Kandel–Moles formula for French)",
	flesch: func(wps, spw float64) float64 {
		return 207 - 1.015*wps - 73.6*spw
	},
	syllables:     frenchSyllables,
	sentenceMax:   20,
	abbreviations: set(`m mme mmes mlle mlles mm dr pr st ste etc env cf ex av bd fig no vol éd p`),
	functionWords: set(`le la les l un une des du de d au aux ce cet cette ces mon ma mes ton ta tes son sa ses
		notre nos votre vos leur leurs je tu il elle on nous vous ils elles me te se lui y en
		qui que qu quoi dont où quand comment pourquoi quel quelle quels quelles
		et ou mais donc or ni car si comme que lorsque puisque quoique
		à dans par pour sur sous avec sans chez entre vers contre depuis pendant avant après
		est sont était être été avoir a ont avait fait faire peut peuvent doit
		ne pas plus moins très trop aussi bien tout tous toute toutes même autre autres`),
	firstWordExceptions: set(`le la les l un une des ce cet cette ces deux trois quatre cinq`),
	stem:                func(w string) string { return trimSuffixes(w, 3, "s", "x") },
	intro:               "Voici l'essentiel à savoir sur %s.",
}

var spanish = &language{
	code: "es", name: "Spanish",
	// Fernández Huerta (1959), Flesch's formula fitted to Spanish.
	fleschName: "Flesch reading ease (Fernández Huerta formula for Spanish)",
	flesch: func(wps, spw float64) float64 {
		return 206.84 - 0.60*spw*100 - 1.02*wps
	},
	syllables:     hiatusSyllables("aeoáéíóú", "iuü", true),
	sentenceMax:   25,
	abbreviations: set(`sr sra srta sres dr dra ud uds etc pág págs núm av avda fig vol aprox ej dto`),
	functionWords: set(`el la los las lo un una unos unas al del de este esta estos estas ese esa esos esas
		mi mis tu tus su sus nuestro nuestra nuestros nuestras yo tú él ella nosotros vosotros ellos ellas
		me te se nos os le les que quien quienes cual cuales cuyo donde cuando como por qué
		y e o u pero sino ni si porque aunque mientras pues
		a en con sin sobre entre hacia hasta desde para por según durante tras ante bajo contra
		es son era fue ser sido estar está están hay ha han había tiene tienen puede pueden
		no más menos muy tan también ya todo todos toda todas otro otra otros otras mismo misma`),
	firstWordExceptions: set(`el la los las lo un una unos unas este esta estos estas dos tres cuatro cinco`),
	stem:                func(w string) string { return trimSuffixes(w, 3, "es", "s") },
	intro:               "Esto es lo que necesitas saber sobre %s.",
}

var italian = &language{
	code: "it", name: "Italian",
	// Flesch–Vacca (1972), Flesch's formula fitted to Italian.
	fleschName: "Flesch reading ease (Flesch–Vacca formula for Italian)",
	flesch: func(wps, spw float64) float64 {
		return 217 - 1.3*wps - 0.6*spw*100
	},
	syllables:     hiatusSyllables("aeoàèéìòóù", "iu", false),
	sentenceMax:   25,
	abbreviations: set(`sig sigg dott prof ing avv arch ecc pag pagg es ca fig vol nr sr`),
	functionWords: set(`il lo la i gli le l un uno una un' del dello della dei degli delle al allo alla ai agli alle
		dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle
		di a da in con su per tra fra io tu lui lei noi voi loro mi ti si ci vi ne
		mio mia miei mie tuo tua suo sua nostro nostra vostro vostra che chi cui quale quali
		dove quando come perché e ed o od ma però se anche non più meno molto poco tutto tutti
		è sono era essere stato ha hanno aveva avere questo questa questi queste quello quella`),
	firstWordExceptions: set(`il lo la i gli le l un uno una questo questa questi queste due tre quattro cinque`),
	stem: func(w string) string {
		return trimSuffixes(w, 3, "a", "e", "i", "o")
	},
	intro: "Ecco cosa c'è da sapere su %s.",
}

var dutch = &language{
	code: "nl", name: "Dutch",
	// Douma (1960), Flesch's formula fitted to Dutch.
	fleschName: "Flesch reading ease (Douma formula for Dutch)",
	flesch: func(wps, spw float64) float64 {
		return 206.835 - 0.93*wps - 77*spw
	},
	syllables:     vowelGroups("aeiouyéëïöü", pairs("aa ee oo uu ie oe eu ui ei ou au oi ai")),
	sentenceMax:   20,
	abbreviations: set(`dhr mevr mw dr ir ing prof bijv bv enz etc nl ca vgl blz nr jl mr drs`),
	functionWords: set(`de het een des der den dit dat deze die mijn jouw zijn haar ons onze jullie hun
		ik jij je u hij zij ze wij we men me mij jou hem zich wie wat welke waar wanneer hoe waarom
		en of maar want dus omdat als dan toen terwijl hoewel tenzij zodat
		in op aan bij met van voor naar uit over onder door tussen tegen zonder tot sinds om na
		is zijn was waren ben bent heeft hebben had hadden wordt worden werd werden kan kunnen
		moet moeten zal zullen wil willen niet geen ook nog al wel zeer heel erg meer veel alle`),
	firstWordExceptions: set(`de het een dit dat deze die twee drie vier vijf`),
	stem:                func(w string) string { return trimSuffixes(w, 3, "en", "s") },
	intro:               "Dit moet je weten over %s.",
}

// frenchSyllables counts vowel groups (a vowel next to "é", "ï" or "ë",
// and "ia", "io", "éa" are said apart), less a silent final "e" or "es".
func frenchSyllables(w string) int {
	n := frenchVowelGroups(w)
	if n > 1 && (strings.HasSuffix(w, "e") || strings.HasSuffix(w, "es")) {
		rs := strings.TrimSuffix(strings.TrimSuffix(w, "s"), "e")
		if r := lastRune(rs); rs != "" && !frenchVowels.has(r) {
			n--
		}
	}
	return max(n, 1)
}

var (
	frenchVowels      = newRuneSet("aeiouyàâäéèêëîïôöùûüœæ")
	frenchVowelGroups = vowelGroups("aeiouyàâäéèêëîïôöùûüœæ", func(a, b rune) bool {
		switch {
		case a == 'é' || b == 'é' || b == 'ï' || b == 'ë':
			return false
		case a == 'i' && (b == 'a' || b == 'o'), a == 'y':
			return false
		}
		return true
	})
)

// hiatusSyllables counts syllables in Spanish or Italian: two strong
// vowels (a, e, o, or a stressed í or ú) are a hiatus and make two
// syllables; a weak vowel (i, u) next to another vowel makes a diphthong.
// With finalY, a final "y" after a vowel ("hoy", "muy") joins it.
func hiatusSyllables(strong, weak string, finalY bool) func(string) int {
	strongSet, weakSet := newRuneSet(strong), newRuneSet(weak)
	return func(w string) int {
		n := 0
		prevVowel, prevStrong := false, false
		last := len(w) - 1
		for i, r := range w {
			s := strongSet.has(r)
			wk := weakSet.has(r) || finalY && r == 'y' && i == last && i > 0
			v := s || wk
			if v && (!prevVowel || s && prevStrong) {
				n++
			}
			prevVowel, prevStrong = v, s
		}
		return max(n, 1)
	}
}
