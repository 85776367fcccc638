package optimizer

import (
	"math"
	"strconv"
)

// Thresholds of the readability checks (Yoast SEO's).
const (
	ParagraphMaxWords      = 150 // a longer paragraph is to improve
	ParagraphWayOverWords  = 200 // a longer one is a problem
	SectionMaxWords        = 300 // text without a subheading
	SectionWayOverWords    = 350
	LongSentencesOK        = 25.0 // % of sentences over the language's maximum
	LongSentencesTooMany   = 30.0
	PassiveOK              = 10.0 // % of sentences
	PassiveTooMany         = 15.0
	TransitionsGood        = 30.0 // % of sentences
	TransitionsOK          = 20.0
	TransitionsMinWords    = 200 // shorter texts pass the transition word check
	ReadingEaseGood        = 60.0
	ReadingEaseFairlyHard  = 50.0
	RepeatedBeginningsSame = 3 // this many sentences in a row starting alike is a problem
)

// percent shows a percentage to a tenth at most: "30%", "29.7%".
func percent(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) + "%"
}

func (a *analyzer) readabilityChecks() {
	a.flesch()
	a.sentenceLength()
	a.paragraphLength()
	a.subheadingDistribution()
	a.passiveVoice()
	a.transitionWords()
	a.sentenceBeginnings()
}

// proseSentences calls fn with the words of every sentence of the prose
// (paragraphs and other prose, not headings or labels), in order.
func (a *analyzer) proseSentences(fn func(ws []string)) {
	for i := range a.doc.units {
		u := &a.doc.units[i]
		if u.kind != kindParagraph && u.kind != kindText {
			continue
		}
		for _, s := range u.sents {
			fn(u.words[s.from:s.to])
		}
	}
}

// readingEase names a band of the reading ease scale.
func readingEase(score float64) string {
	switch {
	case score >= 90:
		return "very easy"
	case score >= 80:
		return "easy"
	case score >= 70:
		return "fairly easy"
	case score >= 60:
		return "plain"
	case score >= 50:
		return "fairly difficult"
	case score >= 30:
		return "difficult"
	}
	return "very difficult"
}

// fleschScore computes the language's reading ease over the whole text
// (headings included, numbers left out), and whether there was text.
func (a *analyzer) fleschScore() (score, wps, spw float64, ok bool) {
	words, sents, syll := 0, 0, 0
	for i := range a.doc.units {
		u := &a.doc.units[i]
		for _, s := range u.sents {
			n := 0
			for _, w := range u.words[s.from:s.to] {
				if isNumber(w) {
					continue
				}
				n++
				syll += a.lang.syllables(w)
			}
			if n > 0 {
				words += n
				sents++
			}
		}
	}
	if words == 0 || sents == 0 {
		return 0, 0, 0, false
	}
	wps, spw = float64(words)/float64(sents), float64(syll)/float64(words)
	return a.lang.flesch(wps, spw), wps, spw, true
}

func (a *analyzer) flesch() {
	const id = CheckFlesch
	if a.lang.flesch == nil {
		return
	}
	score, wps, spw, ok := a.fleschScore()
	if !ok {
		return
	}
	shown := math.Round(math.Max(0, math.Min(100, score))*10) / 10
	d := map[string]float64{"score": shown, "words_per_sentence": math.Round(wps*10) / 10, "syllables_per_word": math.Round(spw*100) / 100}
	band := readingEase(score)
	switch {
	case score >= ReadingEaseGood:
		a.add(id, 9, d, "The text scores %.0f on the %s scale: %s to read. Good.", shown, a.lang.fleschName, band)
	case score >= ReadingEaseFairlyHard:
		a.add(id, 6, d, "The text scores %.0f on the %s scale: %s to read. Shorter sentences and simpler words would help.", shown, a.lang.fleschName, band)
	default:
		a.add(id, 3, d, "The text scores %.0f on the %s scale: %s to read. Use shorter sentences and simpler words.", shown, a.lang.fleschName, band)
	}
}

func (a *analyzer) sentenceLength() {
	const id = CheckSentenceLength
	total, long := 0, 0
	a.proseSentences(func(ws []string) {
		total++
		if len(ws) > a.lang.sentenceMax {
			long++
		}
	})
	if total == 0 {
		return
	}
	pct := 100 * float64(long) / float64(total)
	d := map[string]float64{"sentences": float64(total), "long": float64(long), "percent": math.Round(pct*10) / 10, "max_words": float64(a.lang.sentenceMax)}
	switch {
	case pct <= LongSentencesOK:
		a.add(id, 9, d, "Few sentences are long. Good.")
	case pct <= LongSentencesTooMany:
		a.add(id, 6, d, "%s of the sentences have more than %d words (at most %s is recommended). Shorten some.", percent(pct), a.lang.sentenceMax, percent(LongSentencesOK))
	default:
		a.add(id, 3, d, "%s of the sentences have more than %d words (at most %s is recommended). Split long sentences in two.", percent(pct), a.lang.sentenceMax, percent(LongSentencesOK))
	}
}

func (a *analyzer) paragraphLength() {
	const id = CheckParagraphLength
	longest, tooLong, n := 0, 0, 0
	for i := range a.doc.units {
		u := &a.doc.units[i]
		if u.kind != kindParagraph {
			continue
		}
		n++
		longest = max(longest, len(u.words))
		if len(u.words) > ParagraphMaxWords {
			tooLong++
		}
	}
	if n == 0 {
		return
	}
	d := map[string]float64{"longest": float64(longest), "too_long": float64(tooLong), "max_words": ParagraphMaxWords}
	switch {
	case longest <= ParagraphMaxWords:
		a.add(id, 9, d, "No paragraph is too long. Good.")
	case longest <= ParagraphWayOverWords:
		a.add(id, 6, d, "%s more than %d words. Split long paragraphs where the thought turns.", plural(tooLong, "paragraph has", "paragraphs have"), ParagraphMaxWords)
	default:
		a.add(id, 3, d, "%s more than %d words; the longest has %d. Split long paragraphs where the thought turns.", plural(tooLong, "paragraph has", "paragraphs have"), ParagraphMaxWords, longest)
	}
}

func (a *analyzer) subheadingDistribution() {
	const id = CheckSubheadingDistribution
	longest, cur, headings, tooLong := 0, 0, 0, 0
	closeSection := func() {
		if cur > SectionMaxWords {
			tooLong++
		}
		longest = max(longest, cur)
		cur = 0
	}
	for i := range a.doc.units {
		u := &a.doc.units[i]
		if u.kind == kindHeading {
			closeSection()
			headings++
			continue
		}
		cur += len(u.words)
	}
	closeSection()
	d := map[string]float64{"longest_section": float64(longest), "subheadings": float64(headings), "too_long": float64(tooLong)}
	switch {
	case a.doc.words <= SectionMaxWords:
		a.add(id, 9, d, "The text is short enough to need no more subheadings.")
	case headings == 0:
		a.add(id, 2, d, "The text has %d words and no subheadings. Break it into sections with subheadings.", a.doc.words)
	case longest <= SectionMaxWords:
		a.add(id, 9, d, "Subheadings break the text into sections of readable length. Good.")
	case longest <= SectionWayOverWords:
		a.add(id, 6, d, "%s more than %d words without a subheading. Add a subheading to break it up.", plural(tooLong, "section runs", "sections run"), SectionMaxWords)
	default:
		a.add(id, 3, d, "%s more than %d words without a subheading (the longest, %d). Add subheadings to break them up.", plural(tooLong, "section runs", "sections run"), SectionMaxWords, longest)
	}
}

func (a *analyzer) passiveVoice() {
	const id = CheckPassiveVoice
	if a.lang.passive == nil {
		return
	}
	total, passive := 0, 0
	a.proseSentences(func(ws []string) {
		total++
		if a.lang.passive(ws) {
			passive++
		}
	})
	if total == 0 {
		return
	}
	pct := 100 * float64(passive) / float64(total)
	d := map[string]float64{"sentences": float64(total), "passive": float64(passive), "percent": math.Round(pct*10) / 10}
	switch {
	case pct <= PassiveOK:
		a.add(id, 9, d, "Few sentences are in the passive voice. Good.")
	case pct <= PassiveTooMany:
		a.add(id, 6, d, "%s of the sentences are in the passive voice (at most %s is recommended). Say who does what in some of them.", percent(pct), percent(PassiveOK))
	default:
		a.add(id, 3, d, "%s of the sentences are in the passive voice (at most %s is recommended). Rewrite some to say who does what.", percent(pct), percent(PassiveOK))
	}
}

func (a *analyzer) transitionWords() {
	const id = CheckTransitionWords
	if a.lang.transitions == nil {
		return
	}
	total, with := 0, 0
	a.proseSentences(func(ws []string) {
		total++
		if a.lang.transitions.in(ws) {
			with++
		}
	})
	if total == 0 {
		return
	}
	pct := 100 * float64(with) / float64(total)
	d := map[string]float64{"sentences": float64(total), "with_transition": float64(with), "percent": math.Round(pct*10) / 10}
	switch {
	case a.doc.words < TransitionsMinWords:
		a.add(id, 9, d, "The text is short enough not to need transition words.")
	case pct >= TransitionsGood:
		a.add(id, 9, d, "Enough sentences use transition words (%s). Good.", percent(pct))
	case pct >= TransitionsOK:
		a.add(id, 6, d, "%s of the sentences use transition words such as “however” or “for example”; %s is recommended. Use a few more.", percent(pct), percent(TransitionsGood))
	default:
		a.add(id, 3, d, "Only %s of the sentences use transition words such as “however” or “for example”; %s is recommended. They show how ideas connect.", percent(pct), percent(TransitionsGood))
	}
}

func (a *analyzer) sentenceBeginnings() {
	const id = CheckSentenceBeginnings
	total, run, longest, groups := 0, 0, 0, 0
	prev := ""
	a.proseSentences(func(ws []string) {
		total++
		b := ws[0]
		if a.lang.firstWordExceptions[b] && len(ws) > 1 {
			b += " " + ws[1]
		}
		if b == prev {
			run++
		} else {
			if run >= RepeatedBeginningsSame {
				groups++
			}
			run = 1
		}
		prev = b
		longest = max(longest, run)
	})
	if run >= RepeatedBeginningsSame {
		groups++
	}
	if total == 0 {
		return
	}
	d := map[string]float64{"longest_run": float64(longest), "runs": float64(groups)}
	if longest >= RepeatedBeginningsSame {
		a.add(id, 3, d, "%d sentences in a row start with the same word. Vary how sentences begin.", longest)
		return
	}
	a.add(id, 9, d, "Sentences begin in varied ways. Good.")
}
