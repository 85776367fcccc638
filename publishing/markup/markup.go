package markup

import (
	"github.com/igny8/igny8/blueprints"
)

// Options say how references leave IGNY8.
type Options struct {
	// Link returns the URL of a link to page pageID (anchor is "" or
	// "#frag"); "" drops the link and keeps its text. Nil drops them all.
	Link func(pageID, anchor string) string
	// Image returns the URL an asset is shown from on the destination and
	// its alternative text (used when the block gives none); ok false
	// leaves the image out. Nil leaves every image out.
	Image func(assetID string) (src, alt string, ok bool)
	// Title returns the title of page pageID, the text of the links that
	// related, post-list and product-grid blocks list. Nil, or "", uses
	// the link's URL as its text.
	Title func(pageID string) string
	// Posts returns the ids of the posts a post-list block shows, newest
	// first: those tagged tag ("" for any), at most limit (0 for the
	// block's default). Nil lists none, leaving the block's heading and
	// its "more" link.
	Posts func(tag string, limit int) []string
}

func (o *Options) link(pageID, anchor string) string {
	if o.Link == nil {
		return ""
	}
	return o.Link(pageID, anchor)
}

func (o *Options) image(assetID string) (src, alt string, ok bool) {
	if o.Image == nil {
		return "", "", false
	}
	return o.Image(assetID)
}

func (o *Options) title(pageID string) string {
	if o.Title == nil {
		return ""
	}
	return o.Title(pageID)
}

// HTML renders the page's blocks as clean, semantic HTML without
// IGNY8-specific classes that need a stylesheet. The page's title and
// featured image are not part of it: platforms hold them apart.
func HTML(p *blueprints.Page, o Options) (string, error) {
	var w htmlWriter
	if err := render(&w, p.Blocks, &o); err != nil {
		return "", err
	}
	return w.String(), nil
}

// Gutenberg renders the page's blocks as WordPress block markup: core
// blocks for prose and images, and a core/group carrying the IGNY8 block
// for each block WordPress has no equivalent of (see the package doc).
func Gutenberg(p *blueprints.Page, o Options) (string, error) {
	var w wpWriter
	if err := render(&w, p.Blocks, &o); err != nil {
		return "", err
	}
	return w.String(), nil
}

// Blocks parses HTML or WordPress block markup into blocks. It is
// BlocksWith without the hooks: remote images stay remote.
func Blocks(markup string) ([]*blueprints.Block, error) {
	return BlocksWith(markup, BlocksOptions{})
}
