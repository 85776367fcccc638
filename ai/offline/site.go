package offline

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/igny8/igny8/ai"
)

// siteVars are the brief's values as the site phrases use them.
func siteVars(b ai.BriefInput, l *lang) map[string]string {
	offer := firstNonEmpty(b.Offer, b.Industry, b.Name)
	inText := lowerFirst(offer)
	if l.code == "de" {
		inText = offer // German nouns keep their capitals
	}
	return map[string]string{
		"name":     firstNonEmpty(b.Name, "We"),
		"offer":    inText,
		"Offer":    upperFirst(offer),
		"audience": firstNonEmpty(b.Audience, l.get("site.audience")[0]),
		"industry": firstNonEmpty(b.Industry, inText),
	}
}

// siteStructure plans the home page, the pages the brief asks for (or a
// sensible set) and a contact page, with colours derived from the brief.
func siteStructure(in *ai.SiteStructureInput, r *rng) *ai.SiteStructureOutput {
	b := in.Brief
	l := langFor(b.Locale)
	vars := siteVars(b, l)
	primary, accent := colours(newRNG(b.Industry, b.Name))
	out := &ai.SiteStructureOutput{
		Tagline:     shorten(fitting(l, r.fork("tagline"), "site.tagline", vars, 60), 60),
		Description: shorten(fitting(l, r.fork("desc"), "site.desc", vars, 160), 160),
		Primary:     primary,
		Accent:      accent,
		Pages:       []ai.PagePlanOut{},
	}
	taken := map[string]bool{}
	add := func(id, title, typ, role string) {
		id = strings.Trim(id, "-")
		if id == "" {
			id = "page"
		}
		for base, i := id, 2; taken[id]; i++ {
			id = fmt.Sprintf("%s-%d", base, i)
		}
		taken[id] = true
		v := map[string]string{"title": title}
		for k, x := range vars {
			v[k] = x
		}
		out.Pages = append(out.Pages, ai.PagePlanOut{ID: id, Type: typ, Title: title, Purpose: l.one(r.fork(id), "site.purpose."+role, v)})
	}
	home := strings.Split(l.get("site.page.home")[0], "|")
	add("home", home[1], "home", "home")
	addDefault := func(role string) {
		p := strings.Split(l.get("site.page." + role)[0], "|")
		purpose := role
		if role == "services" || role == "products" {
			purpose = p[2]
		}
		add(p[0], p[1], p[2], purpose)
	}
	labels := dedupe(b.Pages)
	for _, label := range labels[:min(len(labels), 6)] {
		typ, role := pageRole(label, l)
		if role == "home" {
			continue
		}
		add(slugify(label, l.code, 40), l.title(label), typ, role)
	}
	if len(labels) == 0 {
		addDefault("about")
		if matchesAny(b.Industry+" "+b.Offer, l, "site.words.retail") {
			addDefault("products")
		} else {
			addDefault("services")
		}
	}
	if !slices.ContainsFunc(out.Pages, func(p ai.PagePlanOut) bool { return isContact(p.ID+" "+p.Title, l) }) {
		addDefault("contact")
	}
	return out
}

// pageRole guesses a listed page's type from its words, and the role
// that picks its phrases (about and contact are pages of their own kind).
func pageRole(label string, l *lang) (typ, role string) {
	switch {
	case isContact(label, l):
		return "page", "contact"
	case matchesAny(label, l, "site.words.about"):
		return "page", "about"
	case strings.EqualFold(strings.TrimSpace(label), "home"), strings.EqualFold(strings.TrimSpace(label), strings.Split(l.get("site.page.home")[0], "|")[1]):
		return "home", "home"
	case matchesAny(label, l, "site.words.post"):
		return "post", "post"
	case matchesAny(label, l, "site.words.landing"):
		return "landing", "landing"
	case matchesAny(label, l, "site.words.product"):
		return "product", "product"
	case matchesAny(label, l, "site.words.service"):
		return "service", "service"
	}
	return "page", "page"
}

func isContact(s string, l *lang) bool { return matchesAny(s, l, "site.words.contact") }

// matchesAny reports whether a word of s starts with one of the words
// under key (in the language or in English).
func matchesAny(s string, l *lang, key string) bool {
	ws := tokens(s)
	for _, trig := range slices.Concat(l.get(key), bankEN[key]) {
		for _, w := range ws {
			if strings.HasPrefix(w, trig) {
				return true
			}
		}
	}
	return false
}

// fitting fills the first template (from a random start) whose text fits
// in max bytes, or returns the shortest for the caller to shorten.
func fitting(l *lang, r *rng, key string, vars map[string]string, max int) string {
	tmpls := l.get(key)
	start := r.intn(len(tmpls))
	shortest := ""
	for i := range tmpls {
		s := sentence(tmpls[(start+i)%len(tmpls)], vars)
		if len(s) <= max {
			return s
		}
		if shortest == "" || len(s) < len(shortest) {
			shortest = s
		}
	}
	return shortest
}

// colours derives a primary colour dark enough for white text (contrast
// at least 4.5:1) and an accent roughly opposite it on the colour wheel.
func colours(r *rng) (primary, accent string) {
	h := r.float() * 360
	s := 0.45 + 0.25*r.float()
	lum := 0.22 + 0.1*r.float()
	pr, pg, pb := hsl(h, s, lum)
	for contrastWithWhite(pr, pg, pb) < 4.5 && lum > 0.05 {
		lum -= 0.02
		pr, pg, pb = hsl(h, s, lum)
	}
	ar, ag, ab := hsl(math.Mod(h+150+60*r.float(), 360), 0.65+0.2*r.float(), 0.5+0.08*r.float())
	return fmt.Sprintf("#%02x%02x%02x", pr, pg, pb), fmt.Sprintf("#%02x%02x%02x", ar, ag, ab)
}

// hsl converts a hue (degrees), saturation and lightness (0–1) to RGB.
func hsl(h, s, l float64) (r, g, b uint8) {
	c := (1 - math.Abs(2*l-1)) * s
	hp := math.Mod(h, 360) / 60
	x := c * (1 - math.Abs(math.Mod(hp, 2)-1))
	var r1, g1, b1 float64
	switch {
	case hp < 1:
		r1, g1 = c, x
	case hp < 2:
		r1, g1 = x, c
	case hp < 3:
		g1, b1 = c, x
	case hp < 4:
		g1, b1 = x, c
	case hp < 5:
		r1, b1 = x, c
	default:
		r1, b1 = c, x
	}
	m := l - c/2
	to := func(v float64) uint8 { return uint8(math.Round(math.Min(math.Max(v+m, 0), 1) * 255)) }
	return to(r1), to(g1), to(b1)
}

// contrastWithWhite is the WCAG contrast ratio of a colour with white.
func contrastWithWhite(r, g, b uint8) float64 {
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	lum := 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	return 1.05 / (lum + 0.05)
}

// sitePage writes one page of a generated site from the brief.
func sitePage(in *ai.SitePageInput, r *rng) *ai.SitePageOutput {
	b := in.Brief
	l := langFor(b.Locale)
	pg := in.Page
	role := pg.Type
	switch {
	case isContact(pg.ID+" "+pg.Title, l):
		role = "contact"
	case matchesAny(pg.ID+" "+pg.Title, l, "site.words.about"):
		role = "about"
	case !slices.Contains([]string{"home", "service", "product", "post", "landing"}, role):
		role = "page"
	}
	vars := siteVars(b, l)
	title := firstNonEmpty(pg.Title, l.title(strings.ReplaceAll(pg.ID, "-", " ")), b.Name)
	vars["title"] = title
	vars["titlel"] = l.kw(strings.ToLower(title))
	vars["Tagline"] = firstNonEmpty(in.Tagline, shorten(fitting(l, r.fork("tagline"), "site.tagline", vars, 60), 60))
	w := &writer{l: l, r: r, vars: vars, decks: map[string]*deck{}}

	if role == "home" {
		title = firstNonEmpty(b.Name, title)
	}
	hero := strings.SplitN(l.one(r.fork("hero"), "site.hero."+role, vars), "|", 2)
	out := &ai.SitePageOutput{
		Title:       title,
		Description: metaDescription(l, r.fork("meta"), "site.meta", "content.meta.pad", vars),
		Hero:        ai.HeroFields{Heading: clip(upperFirst(hero[0]), 70), Subheading: upperFirst(hero[len(hero)-1])},
		Features:    []ai.TitledText{},
		Sections:    []ai.ContentSection{},
		FAQ:         []ai.FAQItem{},
	}
	if role == "contact" {
		out.Hero.Button, out.Hero.Target = l.one(r, "site.button.self", vars), pg.ID
	} else {
		out.Hero.Button, out.Hero.Target = l.one(r, "site.button.contact", vars), contactTarget(in, l)
	}
	if role != "contact" {
		feats := l.get("site.feature")
		for _, i := range r.perm(len(feats))[:min(len(feats), r.between(3, 6))] {
			out.Features = append(out.Features, pair(feats[i], vars))
		}
	}
	sentences := "site.s"
	if role == "contact" {
		sentences = "site.s.contact"
	}
	offer := splitOffer(b.Offer, l)
	for i, h := range l.get("site.sections." + role) {
		var parts []string
		for range r.between(2, 3) {
			parts = append(parts, w.say(sentences))
		}
		md := strings.Join(parts, " ")
		if i == 0 && len(offer) > 1 && role != "contact" {
			items := make([]string, len(offer))
			for j, o := range offer {
				items[j] = "- " + upperFirst(o)
			}
			md = blocks(md, strings.Join(items, "\n"))
		}
		out.Sections = append(out.Sections, ai.ContentSection{Heading: sentence(h, vars), Markdown: md})
	}
	faqs := l.get("site.faq")
	n := map[string]int{"home": 3, "service": 4, "product": 3, "contact": 2, "landing": 3, "post": 2, "page": 2}[role]
	for _, i := range r.perm(len(faqs))[:min(n, len(faqs))] {
		f := pair(faqs[i], vars)
		out.FAQ = append(out.FAQ, ai.FAQItem{Question: f.Title, Answer: f.Text})
	}
	if role != "contact" {
		c := strings.SplitN(l.one(r.fork("cta"), "site.cta", vars), "|", 3)
		out.CTA = &ai.CTAFields{Heading: c[0], Text: c[1], Button: c[2]}
	}
	return out
}

// contactTarget is the id of the site's contact page, else of its first
// other page, else of the page itself.
func contactTarget(in *ai.SitePageInput, l *lang) string {
	for _, id := range in.Others {
		if isContact(id, l) {
			return id
		}
	}
	if len(in.Others) > 0 {
		return in.Others[0]
	}
	return in.Page.ID
}

// splitOffer splits "gear, repairs and tours" into its parts.
func splitOffer(offer string, l *lang) []string {
	s := strings.ReplaceAll(offer, " "+l.and()+" ", ", ")
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
