package planner

import "strings"

// stopWords are the function words of a few languages, which say nothing
// of a keyword's topic: "how to make sourdough bread" is about
// "make sourdough bread". The lists are short on purpose: function words
// and, for English, the modifiers searches add to any topic ("best",
// "tips", "explained"), never topic words. Other languages get none.
var stopWords = map[string]map[string]bool{
	"en": wordSet(`a about above after all also am an and any are as at be been before being below
		between both but by can could did do does doing down during each few for from further had has
		have having he her here hers him his how i if in into is it its itself just me more most my no
		nor not now of off on once only or other our ours out over own same she should so some such
		than that the their theirs them then there these they this those through to too under until
		up very was we were what when where which while who whom why will with would you your yours
		vs versus
		best top cheap cheapest easy free good guide guides idea ideas tip tips explained use using way ways
		review reviews near me worth`),
	"de": wordSet(`aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dem
		den der des die dies diese dieser dieses du durch ein eine einem einen einer eines er es für
		hat hatte ich ihr im in ist ja kann mit muss nach nicht noch nur ob oder ohne sich sie sind
		so über um und uns unter vom von vor war was wenn wer wie wir wird wo zu zum zur`),
	"fr": wordSet(`à au aux avec ce ces comment dans de des du elle en est et il ils je la le les leur
		lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que quel quelle
		qui sa se ses son sur ta te tes toi ton tu un une vos votre vous y`),
	"es": wordSet(`a al como con cómo cual cuál de del donde dónde el ella en entre es esta este hay la
		las le les lo los mas más me mi mis muy no nos o para pero por que qué se sin sobre su sus
		te tu tus un una uno unos y ya`),
}

func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(s) {
		set[w] = true
	}
	return set
}
