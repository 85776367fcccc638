package publishing

import (
	"context"
)

// Asset is one of a site's files (an image), as a destination uploads it
// to its platform's media library.
type Asset struct {
	ID          string // the blueprint's asset id ("asset:ID" in a page)
	Name        string // a file name with its extension, e.g. "hero.webp"
	ContentType string // e.g. "image/webp"
	SHA256      string // hex of Data: names the upload, so it is made once
	Alt         string // the asset's alternative text
	Data        []byte
}

// Refs gives a destination what a piece refers to beyond itself, for one
// site and one integration: the files its images show, where the pages it
// links to can be read on that destination, and the terms it is filed
// under. cmd/igny8 implements it from the site's blueprint, asset storage
// and publishing records.
type Refs interface {
	// Asset returns a site asset by id; a not_found error when the
	// blueprint has no such asset or its file is missing.
	Asset(ctx context.Context, id string) (*Asset, error)
	// Link returns the URL a link to page pageID should point to on this
	// destination: the page's remote URL when it is published there, else
	// its URL on the IGNY8 site when that is live, else "" (the link is
	// dropped and its text kept).
	Link(ctx context.Context, pageID string) (string, error)
	// Categories returns the category names a piece is filed under (its
	// topic clusters), most relevant first; its tags are the page's tags.
	Categories(ctx context.Context, contentID int64) ([]string, error)
}
