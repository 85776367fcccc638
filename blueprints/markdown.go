package blueprints

import "regexp"

// mdRefRE finds page: and asset: references in Markdown link and image
// destinations: [text](page:about#team), ![alt](asset:hero "title").
var mdRefRE = regexp.MustCompile(`\]\(\s*<?(page|asset):([a-z0-9][a-z0-9-]*)(#[A-Za-z0-9_-]+)?`)

// MarkdownRef is a page: or asset: reference inside Markdown.
type MarkdownRef struct {
	Kind   string // "page" or "asset"
	ID     string
	Anchor string // with its "#", or ""
}

// MarkdownRefs returns the references in a Markdown string.
func MarkdownRefs(md string) []MarkdownRef {
	var refs []MarkdownRef
	for _, m := range mdRefRE.FindAllStringSubmatch(md, -1) {
		refs = append(refs, MarkdownRef{Kind: m[1], ID: m[2], Anchor: m[3]})
	}
	return refs
}

// RewriteMarkdownRefs replaces each reference's target with resolve's result.
func RewriteMarkdownRefs(md string, resolve func(MarkdownRef) string) string {
	return mdRefRE.ReplaceAllStringFunc(md, func(s string) string {
		m := mdRefRE.FindStringSubmatch(s)
		lead := s[:len(s)-len(m[1])-1-len(m[2])-len(m[3])]
		return lead + resolve(MarkdownRef{Kind: m[1], ID: m[2], Anchor: m[3]})
	})
}
