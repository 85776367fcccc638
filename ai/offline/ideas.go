package offline

import (
	"slices"
	"strings"

	"github.com/igny8/igny8/ai"
)

// entityTypes are the entity types, and defaultMix the rotation used
// when the caller asks for any.
var (
	entityTypes = []string{"post", "page", "product", "service", "taxonomy"}
	defaultMix  = []string{"post", "post", "page", "post", "taxonomy"}
)

// wordRange is the estimated length of each entity type, in words.
var wordRange = map[string][2]int{
	"post": {1200, 2000}, "page": {500, 900}, "product": {400, 800}, "service": {700, 1200}, "taxonomy": {300, 600},
}

// ideas proposes in.Count ideas (5 when unset, at most 20), rotating
// through the entity types asked for, with the pillar keyword first.
func ideas(in *ai.IdeasInput, r *rng) *ai.IdeasOutput {
	l := langFor(in.Site.Locale)
	n := in.Count
	if n <= 0 {
		n = 5
	}
	n = min(n, 20)
	var types []string
	for _, t := range in.EntityTypes {
		if slices.Contains(entityTypes, t) && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		types = defaultMix
	}
	kws := dedupe(in.Keywords)
	pillar := strings.TrimSpace(in.Pillar)
	switch {
	case len(kws) == 0 && pillar != "":
		kws = []string{pillar}
	case len(kws) == 0:
		kws = []string{strings.ToLower(strings.TrimSpace(in.Cluster))}
	}
	// The pillar leads, for the most comprehensive idea.
	if i := slices.IndexFunc(kws, func(k string) bool { return strings.EqualFold(k, pillar) }); i > 0 {
		kws = append([]string{kws[i]}, slices.Delete(slices.Clone(kws), i, i+1)...)
	}
	out := &ai.IdeasOutput{Ideas: []ai.IdeaOutput{}}
	titles := map[string]bool{}
	for i := range n {
		ir := r.fork(string(rune('a' + i)))
		et := types[i%len(types)]
		kw := kws[i%len(kws)]
		vars := map[string]string{"k": l.kw(kw), "K": l.title(kw), "site": in.Site.Name, "c": in.Cluster}
		title := uniqueTitle(l, "idea.title."+et, vars, i+ir.intn(7), titles)
		out.Ideas = append(out.Ideas, ai.IdeaOutput{
			Title:             title,
			Angle:             l.one(ir, "idea.angle."+et, vars),
			Outline:           outline(l, ir, "idea.outline."+et, vars),
			TargetKeyword:     kw,
			SecondaryKeywords: secondary(kws, kw, ir),
			Intent:            intentOf(kw, et, l),
			EntityType:        et,
			EstimatedWords:    estimate(et, ir),
		})
	}
	return out
}

// uniqueTitle fills the first title template from start on whose title
// is not taken yet.
func uniqueTitle(l *lang, key string, vars map[string]string, start int, taken map[string]bool) string {
	tmpls := l.get(key)
	var title string
	for j := range len(tmpls) {
		title = sentence(tmpls[(start+j)%len(tmpls)], vars)
		if !taken[title] {
			break
		}
	}
	taken[title] = true
	return title
}

// outline picks 4 to 6 of the bank's headings (all when it has fewer),
// keeping their order, which is a sensible reading order.
func outline(l *lang, r *rng, key string, vars map[string]string) []string {
	all := l.get(key)
	n := min(len(all), r.between(4, 6))
	keep := r.perm(len(all))[:n]
	slices.Sort(keep)
	out := make([]string, 0, n)
	for _, i := range keep {
		out = append(out, sentence(all[i], vars))
	}
	return out
}

// secondary picks 2 to 5 of the other keywords.
func secondary(kws []string, target string, r *rng) []string {
	var others []string
	for _, k := range kws {
		if k != target {
			others = append(others, k)
		}
	}
	out := []string{}
	if len(others) == 0 {
		return out
	}
	n := min(len(others), r.between(2, 5))
	start := r.intn(len(others))
	for i := range n {
		out = append(out, others[(start+i)%len(others)])
	}
	return out
}

// intentOf guesses a keyword's search intent from its words and the
// entity type that will serve it.
func intentOf(kw, entityType string, l *lang) string {
	lk := " " + strings.ToLower(kw) + " "
	has := func(key string) bool {
		for _, w := range l.get(key) {
			if strings.Contains(lk, " "+w+" ") {
				return true
			}
		}
		// English signal words are common in every market.
		for _, w := range bankEN[key] {
			if strings.Contains(lk, " "+w+" ") {
				return true
			}
		}
		return false
	}
	switch entityType {
	case "product":
		return "transactional"
	case "taxonomy":
		return "commercial"
	case "service":
		if has("intent.transactional") {
			return "transactional"
		}
		return "commercial"
	}
	switch {
	case has("intent.navigational"):
		return "navigational"
	case has("intent.transactional") && entityType == "page":
		return "transactional"
	case has("intent.transactional"), has("intent.commercial"):
		return "commercial"
	case entityType == "page" && !has("intent.informational"):
		return "commercial"
	}
	return "informational"
}

// estimate picks a length in the entity type's range, in steps of 50.
func estimate(entityType string, r *rng) int {
	wr := wordRange[entityType]
	return wr[0] + 50*r.intn((wr[1]-wr[0])/50+1)
}
