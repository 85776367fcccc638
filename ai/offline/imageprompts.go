package offline

import (
	"fmt"
	"strings"

	"github.com/igny8/igny8/ai"
)

// styles and palettes vary the image prompts; they are in English, as
// image models follow English best.
var (
	styles = map[string]string{
		"post":     "Editorial photograph",
		"page":     "Editorial photograph",
		"product":  "Clean studio product photograph on a seamless background",
		"service":  "Documentary-style photograph of skilled hands at work",
		"taxonomy": "Overhead flat-lay arrangement",
	}
	palettes = []string{"warm earth tones", "cool blue and slate", "soft sage and cream", "terracotta and sand", "deep teal and amber", "muted pastels", "charcoal with a single warm accent", "fresh greens and white"}
	lights   = []string{"Soft morning light", "Warm golden-hour light", "Diffused daylight", "Bright, even studio light", "Calm overcast light"}
)

// imagePrompts writes a featured prompt for the whole piece and in-content
// prompts for sections spread over the piece.
func imagePrompts(in *ai.ImagePromptsInput, r *rng) *ai.ImagePromptsOutput {
	l := langFor(in.Site.Locale)
	title := firstNonEmpty(in.Title, in.Site.Name)
	style := styles[in.EntityType]
	if style == "" {
		style = styles["post"]
	}
	palette := palettes[r.intn(len(palettes))]
	industry := ""
	if in.Site.Industry != "" {
		industry = " for a website about " + in.Site.Industry
	}
	vars := map[string]string{"T": title, "t": title}
	out := &ai.ImagePromptsOutput{
		Featured: ai.ImagePrompt{
			Prompt: fmt.Sprintf("%s%s illustrating %q. %s, %s colour palette, shallow depth of field and generous negative space, composed for a wide 1200x630 banner. No text, letters, logos or watermarks; no recognisable people.",
				style, industry, title, lights[r.intn(len(lights))], palette),
			Alt:     clip(l.one(r.fork("alt"), "image.alt.featured", vars), 125),
			Section: 0,
		},
		Images: []ai.ImagePrompt{},
	}
	n := min(max(in.Max, 0), 5, len(in.Headings))
	for j := range n {
		section := 1 + j*len(in.Headings)/n
		h := strings.TrimSpace(in.Headings[section-1])
		vars := map[string]string{"H": h, "h": h, "T": title}
		out.Images = append(out.Images, ai.ImagePrompt{
			Prompt: fmt.Sprintf("%s showing %q, part of a piece on %q. %s, %s colour palette, a calm composition with one clear subject. No text, letters, logos or watermarks; no recognisable people.",
				style, h, title, lights[(r.intn(len(lights))+j)%len(lights)], palette),
			Alt:     clip(l.one(r.fork(h), "image.alt.section", vars), 125),
			Section: section,
		})
	}
	return out
}
