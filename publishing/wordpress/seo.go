package wordpress

import (
	"context"
	"net/http"
)

// seoFields are meta keys under which SEO plugins keep a post's title
// and description. Core WordPress has no such place; a plugin's keys are
// writable through the REST API only when it registers them with
// show_in_rest, which the post type's schema then lists under meta.
var seoFields = []struct{ plugin, title, description string }{
	{"Yoast SEO", "_yoast_wpseo_title", "_yoast_wpseo_metadesc"},
	{"Rank Math", "rank_math_title", "rank_math_description"},
	{"SEOPress", "_seopress_titles_title", "_seopress_titles_desc"},
}

// seoKeys returns the meta keys for SEO title and description that the
// kind's REST schema registers, read once per Adapter (OPTIONS on the
// route). A site that does not answer has none.
func (a *Adapter) seoKeys(ctx context.Context, kind Kind) (title, description []string) {
	a.mu.Lock()
	keys, ok := a.seo[kind]
	a.mu.Unlock()
	if !ok {
		var schema struct {
			Schema struct {
				Properties struct {
					Meta struct {
						Properties map[string]any `json:"properties"`
					} `json:"meta"`
				} `json:"properties"`
			} `json:"schema"`
		}
		if err := a.Client.Do(ctx, http.MethodOptions, kind.route(), nil, nil, &schema); err != nil {
			return nil, nil // not worth failing a publish over; try again next time
		}
		keys = schema.Schema.Properties.Meta.Properties
		if keys == nil {
			keys = map[string]any{}
		}
		a.mu.Lock()
		a.seo[kind] = keys
		a.mu.Unlock()
	}
	for _, f := range seoFields {
		if _, ok := keys[f.title]; ok {
			title = append(title, f.title)
		}
		if _, ok := keys[f.description]; ok {
			description = append(description, f.description)
		}
	}
	return title, description
}
