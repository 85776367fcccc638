package aitest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/igny8/igny8/ai"
)

// sample is one language's sample site: a business, three keyword groups
// and a piece to write.
type sample struct {
	audience, offer, industry, tone string
	pages                           []string
	groups                          [][]string
	cluster, description            string
	keywords                        []string
	title, angle                    string
	outline                         []string
	page                            ai.PagePlanOut
	tagline                         string
	others                          []string
}

var samples = map[string]sample{
	"en": {
		audience: "hikers and weekend campers", offer: "hiking gear, repairs and guided day tours", industry: "outdoor equipment", tone: "friendly and expert",
		pages: []string{"About us", "Repairs", "Guided tours", "Contact"},
		groups: [][]string{
			{"hiking boots", "best hiking boots", "waterproof hiking boots", "hiking boots for women"},
			{"tent repair", "tent pole repair kit", "how to repair a tent"},
			{"trail running"},
		},
		cluster: "Hiking Boots", description: "Choosing, fitting and caring for hiking boots.",
		keywords: []string{"hiking boots", "best hiking boots", "waterproof hiking boots", "hiking boots for women", "hiking boot care"},
		title:    "How to Choose Hiking Boots", angle: "A fitting-room checklist for first-time buyers.",
		outline: []string{"What makes a good hiking boot", "How to find the right fit", "Waterproof or breathable?", "Caring for your boots"},
		page:    ai.PagePlanOut{ID: "repairs", Type: "service", Title: "Repairs", Purpose: "Sell the gear repair service and get visitors to bring their gear in."},
		tagline: "Gear, repairs and tours for the trail", others: []string{"home", "about", "tours", "contact"},
	},
	"de": {
		audience: "Wanderer und Wochenendcamper", offer: "Wanderausrüstung, Reparaturen und geführte Tagestouren", industry: "Outdoor-Ausrüstung", tone: "freundlich und kompetent",
		pages: []string{"Über uns", "Reparaturen", "Geführte Touren", "Kontakt"},
		groups: [][]string{
			{"wanderschuhe", "wanderschuhe damen", "wasserdichte wanderschuhe", "beste wanderschuhe"},
			{"zelt reparieren", "zeltstange reparatur set", "zelt reparatur"},
			{"trailrunning"},
		},
		cluster: "Wanderschuhe", description: "Wanderschuhe auswählen, anpassen und pflegen.",
		keywords: []string{"wanderschuhe", "wanderschuhe damen", "wasserdichte wanderschuhe", "beste wanderschuhe", "wanderschuhe pflegen"},
		title:    "Wanderschuhe richtig auswählen", angle: "Eine Checkliste für die Anprobe beim ersten Kauf.",
		outline: []string{"Was einen guten Wanderschuh ausmacht", "So finden Sie die richtige Passform", "Wasserdicht oder atmungsaktiv?", "Pflege für lange Freude"},
		page:    ai.PagePlanOut{ID: "reparaturen", Type: "service", Title: "Reparaturen", Purpose: "Den Reparaturservice verkaufen und Besucher dazu bringen, ihre Ausrüstung vorbeizubringen."},
		tagline: "Ausrüstung, Reparaturen und Touren für unterwegs", others: []string{"home", "ueber-uns", "touren", "kontakt"},
	},
	"fr": {
		audience: "les randonneurs et campeurs du week-end", offer: "du matériel de randonnée, des réparations et des sorties guidées", industry: "équipement outdoor", tone: "chaleureux et expert",
		pages: []string{"À propos", "Réparations", "Sorties guidées", "Contact"},
		groups: [][]string{
			{"chaussures de randonnée", "chaussures de randonnée femme", "chaussures de randonnée imperméables", "meilleures chaussures de randonnée"},
			{"réparer une tente", "kit réparation arceau tente", "réparation tente"},
			{"trail"},
		},
		cluster: "Chaussures de randonnée", description: "Choisir, ajuster et entretenir ses chaussures de randonnée.",
		keywords: []string{"chaussures de randonnée", "chaussures de randonnée femme", "chaussures de randonnée imperméables", "meilleures chaussures de randonnée", "entretien chaussures de randonnée"},
		title:    "Bien choisir ses chaussures de randonnée", angle: "Une checklist d'essayage pour un premier achat.",
		outline: []string{"Ce qui fait une bonne chaussure de randonnée", "Comment trouver la bonne pointure", "Imperméable ou respirante ?", "Entretenir ses chaussures"},
		page:    ai.PagePlanOut{ID: "reparations", Type: "service", Title: "Réparations", Purpose: "Vendre le service de réparation et inciter les visiteurs à apporter leur matériel."},
		tagline: "Matériel, réparations et sorties pour les sentiers", others: []string{"home", "a-propos", "sorties", "contact"},
	},
	"es": {
		audience: "senderistas y campistas de fin de semana", offer: "material de senderismo, reparaciones y excursiones guiadas", industry: "equipamiento de montaña", tone: "cercano y experto",
		pages: []string{"Sobre nosotros", "Reparaciones", "Excursiones guiadas", "Contacto"},
		groups: [][]string{
			{"botas de montaña", "botas de montaña mujer", "botas de montaña impermeables", "mejores botas de montaña"},
			{"reparar tienda de campaña", "kit reparación varilla tienda", "reparación tienda de campaña"},
			{"trail running"},
		},
		cluster: "Botas de montaña", description: "Elegir, ajustar y cuidar las botas de montaña.",
		keywords: []string{"botas de montaña", "botas de montaña mujer", "botas de montaña impermeables", "mejores botas de montaña", "cuidado botas de montaña"},
		title:    "Cómo elegir botas de montaña", angle: "Una lista para probárselas en la primera compra.",
		outline: []string{"Qué hace buena a una bota de montaña", "Cómo encontrar el ajuste adecuado", "¿Impermeable o transpirable?", "Cuidar tus botas"},
		page:    ai.PagePlanOut{ID: "reparaciones", Type: "service", Title: "Reparaciones", Purpose: "Vender el servicio de reparación y animar a los visitantes a traer su material."},
		tagline: "Material, reparaciones y excursiones para el camino", others: []string{"home", "sobre-nosotros", "excursiones", "contacto"},
	},
}

// Inputs returns a filled sample input for every embedded prompt, by
// prompt name, for a site in locale (BCP 47: "en", "de-DE"…); the
// keywords and brief are in the locale's language where aitest has one
// (English, German, French, Spanish), in English otherwise. The values
// are fresh on every call, so a test may change them.
func Inputs(locale string) map[string]any {
	primary, _, _ := strings.Cut(strings.ToLower(locale), "-")
	s, ok := samples[primary]
	if !ok {
		s = samples["en"]
	}
	site := ai.SiteContext{Name: "Trailhead Outfitters", Locale: locale, Industry: s.industry, Tone: s.tone}
	brief := ai.BriefInput{
		Name: "Trailhead Outfitters", Industry: s.industry, Audience: s.audience, Offer: s.offer,
		Tone: s.tone, Locale: locale, Pages: clone(s.pages),
	}
	groups := make([]ai.KeywordGroup, len(s.groups))
	for i, g := range s.groups {
		groups[i] = ai.KeywordGroup{Index: i, Keywords: clone(g)}
	}
	return map[string]any{
		ai.PromptClusterNames: &ai.ClusterNamesInput{Site: site, Groups: groups},
		ai.PromptIdeas: &ai.IdeasInput{
			Site: site, Cluster: s.cluster, Description: s.description, Pillar: s.keywords[0],
			Keywords: clone(s.keywords), Count: 5, EntityTypes: []string{"post", "product", "taxonomy"},
		},
		ai.PromptContent: &ai.ContentInput{
			Site: site, EntityType: "post", Title: s.title, Angle: s.angle, Outline: clone(s.outline),
			TargetKeyword: s.keywords[0], SecondaryKeywords: []string{s.keywords[2], s.keywords[4]},
			Intent: "informational", Cluster: s.cluster, WordTarget: 900,
		},
		ai.PromptImagePrompts: &ai.ImagePromptsInput{
			Site: site, Title: s.title, Excerpt: s.angle, EntityType: "post", Headings: clone(s.outline), Max: 3,
		},
		ai.PromptSiteStructure: &ai.SiteStructureInput{Brief: brief},
		ai.PromptSitePage:      &ai.SitePageInput{Brief: brief, Page: s.page, Tagline: s.tagline, Others: clone(s.others)},
		ai.PromptOptimize:      optimizeInput(site, s),
	}
}

// optimizeInput is a short post on the sample's first keyword that fails
// checks the offline provider's rules fix: no meta description, the
// keyword missing from the SEO title and the introduction.
func optimizeInput(site ai.SiteContext, s sample) *ai.OptimizeInput {
	var md strings.Builder
	for i, h := range s.outline {
		fmt.Fprintf(&md, "## %s\n\n%s %s.\n\n", h, s.angle, s.keywords[i%len(s.keywords)])
	}
	page := map[string]any{
		"id": "sample", "path": "/sample/", "type": "post", "title": s.title, "date": "2026-05-01",
		"blocks": []any{
			map[string]any{"id": "intro", "type": "richtext", "v": 1, "props": map[string]any{"markdown": s.angle}},
			map[string]any{"id": "body", "type": "richtext", "v": 1, "props": map[string]any{"markdown": md.String()}},
		},
	}
	raw, err := json.Marshal(page)
	if err != nil {
		panic(err)
	}
	kw := s.keywords[2]
	return &ai.OptimizeInput{Site: site, Keyword: kw, EntityType: "post", Page: raw,
		Checks: []ai.OptimizeCheck{
			{ID: "keyphrase_in_introduction", Verdict: "problem", Message: "The introduction does not use the focus keyword."},
			{ID: "meta_description_length", Verdict: "problem", Message: "The page has no meta description."},
		},
		Suggested: ai.OptimizeOutput{
			MetaDescription: kw + ": " + s.angle,
			Edits:           []ai.TextEdit{{Block: "intro", Prop: "/markdown", Text: s.angle + " " + kw + "."}},
		}}
}

func clone(xs []string) []string { return append([]string(nil), xs...) }

// Outputs returns a new zero value of every prompt's Output type, by
// prompt name, to decode answers into.
func Outputs() map[string]any {
	return map[string]any{
		ai.PromptClusterNames:  &ai.ClusterNamesOutput{},
		ai.PromptIdeas:         &ai.IdeasOutput{},
		ai.PromptContent:       &ai.ContentOutput{},
		ai.PromptImagePrompts:  &ai.ImagePromptsOutput{},
		ai.PromptSiteStructure: &ai.SiteStructureOutput{},
		ai.PromptSitePage:      &ai.SitePageOutput{},
		ai.PromptOptimize:      &ai.OptimizeOutput{},
	}
}

// NewOutput returns a new zero value of prompt's Output type, or nil for
// a prompt it does not know.
func NewOutput(prompt string) any { return Outputs()[prompt] }
