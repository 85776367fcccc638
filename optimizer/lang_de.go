package optimizer

import "strings"

var german = &language{
	code: "de", name: "German",
	// Amstad (1978), Flesch's formula fitted to German.
	fleschName: "Flesch reading ease (Amstad's German formula)",
	flesch: func(wps, spw float64) float64 {
		return 180 - wps - 58.5*spw
	},
	// Diphthongs and long vowels are one syllable; other vowel pairs
	// ("Theater", "Nation") are two.
	syllables:   vowelGroups("aeiouyäöü", pairs("ei ie eu äu au ai aa ee oo ey ay")),
	sentenceMax: 20,
	ordinalDot:  true,
	abbreviations: set(`bzw ca dr nr vgl evtl ggf inkl usw etc str hr fr prof abs abschn bd bsp
		jh jhd mio mrd tel zzgl max min sog u.a o.ä z.b d.h s.o s.u zb dh ua`),
	functionWords: set(`der die das des dem den ein eine einer eines einem einen
		ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihnen
		mein meine meiner meinen meinem dein deine sein seine ihre ihren ihrem unser unsere euer eure
		dieser diese dieses diesem diesen jener jene jenes welcher welche welches wer was wo wann wie warum
		und oder aber denn sondern doch sowie als wenn weil dass ob obwohl damit da
		in im ins an am ans auf aus bei beim mit nach seit von vom vor zu zum zur über unter um
		durch für gegen ohne bis zwischen hinter neben entlang trotz während wegen
		ist sind war waren bin bist sei wird werden wurde wurden worden hat haben hatte hatten
		kann können konnte muss müssen soll sollen will wollen darf dürfen mag möchte
		nicht kein keine keinen keinem noch schon auch nur sehr so mehr viel viele wenig etwas alle
		jeder jede jedes man hier dort dann nun ja nein`),
	firstWordExceptions: set(`der die das den dem des ein eine einen einem einer eines dieser diese dieses
		diesen jener jene eins zwei drei vier fünf sechs sieben acht neun zehn`),
	transitions: phrases(`also, außerdem, deshalb, daher, darum, folglich, somit, jedoch, allerdings,
		trotzdem, dennoch, zudem, ebenso, ebenfalls, zunächst, zuerst, danach, anschließend,
		schließlich, endlich, später, vorher, nachdem, weil, denn, obwohl, hingegen, stattdessen,
		beispielsweise, nämlich, insbesondere, insgesamt, zusammenfassend, erstens, zweitens,
		drittens, letztlich, tatsächlich, sowohl, entweder, weder, ferner, überdies, demnach,
		infolgedessen, dagegen, gleichzeitig, inzwischen, mittlerweile, übrigens, genauso,
		wohingegen, sodass, falls, sofern, einerseits, andererseits, vielmehr, kurzum, schlussendlich,
		zum beispiel, z b, vor allem, im gegensatz, im vergleich, mit anderen worten, kurz gesagt,
		aus diesem grund, im übrigen, zum schluss, im folgenden, auf diese weise, im grunde,
		ganz im gegenteil, nicht nur, darüber hinaus, im allgemeinen, in erster linie`),
	passive: germanPassive,
	stem: func(w string) string {
		return trimSuffixes(w, 3, "innen", "ern", "en", "er", "es", "em", "e", "n", "s")
	},
	intro:        "Hier erfahren Sie alles Wichtige zum Thema %s.",
	capitalNouns: true,
}

var (
	germanPassiveAuxiliaries = set(`werden wird wirst werde werdet wurde wurden wurdest wurdet
		würde würden würdest worden`)
	// Inseparable prefixes form participles without ge- ("verkauft").
	germanInseparable = []string{"be", "ver", "er", "ent", "zer", "emp", "miss", "über", "unter", "hinter"}
	// Separable prefixes put ge- inside ("eingeladen", "aufgebaut").
	germanSeparable = []string{"an", "auf", "aus", "ein", "mit", "nach", "vor", "zu", "ab", "bei",
		"durch", "um", "zurück", "weg", "her", "hin", "los", "fest", "dar", "vorbei", "heraus"}
)

// germanPassive reports whether a sentence has a form of "werden" and a
// word shaped like a past participle: ge…t or ge…en, a separable prefix
// before ge- ("eingeladen"), an inseparable prefix and -t ("verkauft";
// the -en forms are left out, they look like infinitives), or -iert.
// It is a heuristic: "wird" also makes the future tense.
func germanPassive(words []string) bool {
	aux := false
	for _, w := range words {
		if germanPassiveAuxiliaries[w] {
			aux = true
			break
		}
	}
	if !aux {
		return false
	}
	for _, w := range words {
		if germanParticiple(w) {
			return true
		}
	}
	return false
}

func germanParticiple(w string) bool {
	if len(w) < 5 {
		return false
	}
	if strings.HasSuffix(w, "iert") {
		return true
	}
	t, en := strings.HasSuffix(w, "t"), strings.HasSuffix(w, "en")
	if !t && !en {
		return false
	}
	if strings.HasPrefix(w, "ge") {
		return true
	}
	for _, p := range germanSeparable {
		if strings.HasPrefix(w, p+"ge") && len(w) > len(p)+4 {
			return true
		}
	}
	if t {
		for _, p := range germanInseparable {
			if strings.HasPrefix(w, p) && len(w) > len(p)+3 {
				return true
			}
		}
	}
	return false
}
