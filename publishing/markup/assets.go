package markup

import (
	"slices"

	"github.com/igny8/igny8/blueprints"
)

// Assets returns the asset ids the page shows, the featured image first,
// each once: exactly the images HTML and Gutenberg ask Options.Image for,
// in block order (rich text images included), so a destination uploads
// what the markup will show and nothing else.
func Assets(p *blueprints.Page) []string {
	var ids []string
	add := func(id string) {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if p.Image != nil {
		add(p.Image.Asset)
	}
	o := Options{Image: func(id string) (string, string, bool) {
		add(id)
		return "", "", true
	}}
	var w htmlWriter
	for _, b := range p.Blocks {
		_ = renderBlock(&w, b, &o) // an unknown block shows no images
	}
	return ids
}
