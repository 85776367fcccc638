package markup

import (
	"errors"

	"github.com/igny8/igny8/blueprints"
)

// BlocksOptions map what leaves IGNY8 through Options back to IGNY8
// references when markup comes back.
type BlocksOptions struct {
	// Page returns the page and anchor ("" or "#frag") a link's URL
	// points to, ok false for a link that stays a URL.
	Page func(href string) (pageID, anchor string, ok bool)
	// Asset returns the asset an image's URL shows and the asset's own
	// alternative text, so an alt equal to it is not repeated in the
	// block; ok false keeps the image remote.
	Asset func(src string) (assetID, alt string, ok bool)
}

// BlocksWith parses HTML or WordPress block markup into blocks, mapping
// links and images back to pages and assets with o.
func BlocksWith(markup string, o BlocksOptions) ([]*blueprints.Block, error) {
	return nil, errors.New("markup: parsing markup into blocks is not written yet")
}
