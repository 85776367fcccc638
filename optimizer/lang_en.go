package optimizer

import "strings"

var english = &language{
	code: "en", name: "English",
	fleschName: "Flesch reading ease",
	flesch: func(wps, spw float64) float64 {
		return 206.835 - 1.015*wps - 84.6*spw
	},
	syllables:   englishSyllables,
	sentenceMax: 20,
	abbreviations: set(`mr mrs ms dr prof sr jr st mt ft vs etc approx dept est fig inc ltd co corp
		jan feb mar apr jun jul aug sep sept oct nov dec no nos vol pp ed eds al cf ca gen gov sen rep rev
		lt col sgt capt cmdr adm univ assn bros ave blvd rd`),
	functionWords: set(`a an the this that these those my your his her its our their mine yours hers ours theirs
		i me you he him she it we us they them myself yourself himself herself itself ourselves themselves
		who whom whose which what whatever whoever where when why how
		is am are was were be been being have has had having do does did doing done
		will would shall should can could may might must ought
		isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't couldn't shouldn't
		of to in on at by for with from about as into onto upon over under above below between among
		through during before after since until till up down out off near than via per within without
		against along across around behind beyond beside besides toward towards
		and or but nor so yet if then else because although though while whereas unless whether
		not no yes very too also just only even still already quite rather really much many more most
		less least few some any all each every both either neither such own same other another
		here there now again ever never always often sometimes
		one two three four five six seven eight nine ten first second third
		get gets got make makes made let lets go goes went`),
	firstWordExceptions: set(`a an the this that these those one two three four five six seven eight nine ten`),
	transitions: phrases(`accordingly, additionally, afterward, afterwards, albeit, also, although, altogether,
		basically, because, besides, briefly, certainly, clearly, consequently, conversely, currently,
		definitely, despite, equally, especially, eventually, evidently, finally, first, firstly, second,
		secondly, third, thirdly, further, furthermore, generally, hence, however, importantly, indeed,
		initially, instead, lastly, later, likewise, meanwhile, moreover, namely, nevertheless, next,
		nonetheless, notably, obviously, otherwise, overall, particularly, previously, regardless,
		similarly, simultaneously, specifically, subsequently, surely, therefore, thereafter, thus,
		typically, ultimately, undoubtedly, unlike, whereas, admittedly, alternatively, then, still,
		but, so, though, unless, whenever, when, while, whilst, since, until, till, before, if, lest,
		anyway, soon, earlier, formerly, actually, occasionally, otherwise, instead, rather,
		above all, after all, all in all, as a result, as long as, as soon as, as well as, at first,
		at last, at least, at the same time, because of, by contrast, by the way, even though, even so,
		for example, for instance, for one thing, for this reason, from now on, in addition,
		in any case, in conclusion, in contrast, in fact, in general, in other words, in particular,
		in short, in brief, in spite of, in summary, in the end, in the meantime, in turn,
		on the contrary, on the other hand, on top of that, so that, such as, to begin with,
		to conclude, to summarize, to sum up, up to now, as a matter of fact, in the first place,
		of course, due to, rather than, in order to, not only, as opposed to, first of all,
		in the long run, on balance, by the same token, given that, provided that, with this in mind,
		that is why, this is why, that is, what is more, to put it simply, in the same way`),
	passive: englishPassive,
	stem:    englishStem,
	intro:   "Here is what you need to know about %s.",
}

// englishSyllables estimates a word's syllables: vowel groups, less a
// silent final e and the -es and -ed endings that add none, plus the
// vowel pairs usually said as two ("media", "radio", "medium").
func englishSyllables(w string) int {
	w = strings.TrimSuffix(w, "'s")
	if len(w) <= 3 {
		return 1
	}
	switch {
	case strings.HasSuffix(w, "es") && !hasAnySuffix(w, "ses", "zes", "ces", "ges", "xes", "ches", "shes", "ees", "les"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ed") && !hasAnySuffix(w, "ted", "ded", "eed"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "e") && !hasAnySuffix(w, "ee", "ye", "le"):
		w = w[:len(w)-1]
	}
	n := 0
	prevVowel := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		v := c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' && i > 0
		if v && !prevVowel {
			n++
		}
		if v && prevVowel && i >= 1 {
			p := w[i-1]
			// Pairs said as two syllables, except in -tion, -sion, -cial…
			if p == 'i' && (c == 'a' || c == 'o' || c == 'u') && (i < 2 || !strings.ContainsRune("tcsgx", rune(w[i-2]))) {
				n++
			}
		}
		prevVowel = v
	}
	return max(n, 1)
}

func hasAnySuffix(w string, suffixes ...string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// englishStem reduces a word to its singular, without a possessive:
// "trains" and "train's" match "train", "cities" matches "city".
func englishStem(w string) string {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && hasAnySuffix(w, "ses", "xes", "zes", "ches", "shes"):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !hasAnySuffix(w, "ss", "us", "is"):
		return w[:len(w)-1]
	}
	return w
}

var (
	englishAuxiliaries = set(`am is are was were be been being isn't aren't wasn't weren't
		i'm you're we're they're get gets got gotten getting`)
	// englishBetween may stand between the auxiliary and the participle.
	englishBetween = set(`not never also always often still just already usually sometimes rarely
		really actually only even all both being been be generally typically frequently easily n't`)
	englishIrregulars = set(`arisen awoken borne born beaten begun bent bid bitten bled blown broken
		bred brought built burnt burst bought cast caught chosen clung cost crept cut dealt dug done
		drawn dreamt driven drunk eaten fallen fed felt fought found fled flung flown forbidden
		forgotten forgiven frozen given ground grown hung heard hidden hit held hurt kept knelt known
		laid led leant leapt learnt left lent lit lost made meant met paid proven put quit read ridden
		rung risen said seen sought sold sent set sewn shaken shed shone shot shown shrunk shut sung
		sunk sat slain slept slid slung spoken sped spent spilt spun spat split spread sprung stood
		stolen stuck stung stunk strewn struck striven sworn swept swollen swum swung taken taught
		torn told thought thrown thrust trodden understood undertaken undergone woken worn woven wept
		won wound withdrawn written overcome overseen overtaken overthrown rebuilt rewritten undone
		upheld mistaken misunderstood foreseen forsaken bound wrung`)
	// englishNotParticiples end in -ed without being past participles.
	englishNotParticiples = set(`bed red shed sled hundred kindred naked sacred wicked rugged ragged
		crooked beloved aged dogged jagged wretched hatred shred embed infrared tweed steed`)
)

// englishPassive reports whether a sentence has a passive construction: a
// form of "be" or "get", then (after at most three adverbs such as "not"
// or "often") a past participle, regular (-ed) or irregular.
func englishPassive(words []string) bool {
	for i, w := range words {
		if !englishAuxiliaries[w] {
			continue
		}
		for k := i + 1; k < len(words) && k <= i+4; k++ {
			n := words[k]
			if englishParticiple(n) {
				return true
			}
			if !englishBetween[n] && !strings.HasSuffix(n, "ly") {
				break
			}
		}
	}
	return false
}

func englishParticiple(w string) bool {
	if englishIrregulars[w] {
		return true
	}
	return len(w) > 3 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") && !englishNotParticiples[w]
}
