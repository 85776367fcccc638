package shopify

import (
	"context"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
)

// Source reads a shop's pages, blog articles and products for sync and
// import. It is a publishing.Source.
type Source struct {
	client *Client
	urls   shopURLs // for pages and articles, which have no onlineStoreUrl
}

var _ publishing.Source = (*Source)(nil)

// NewSource returns the Source of c's shop.
func NewSource(c *Client) *Source { return &Source{client: c} }

// sourceKinds are what a Source reads, and the IGNY8 entity type each is.
var sourceKinds = []struct{ kind, entity string }{
	{KindPage, igny8.EntityPage},
	{KindArticle, igny8.EntityPost},
	{KindProduct, igny8.EntityProduct},
}

// Changed lists the pages, articles (of every blog) and products updated
// after since, all of them when since is zero.
func (s *Source) Changed(ctx context.Context, since time.Time) ([]publishing.RemoteObject, error) {
	var out []publishing.RemoteObject
	for _, k := range sourceKinds {
		items, err := s.client.UpdatedSince(ctx, k.kind, since)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out = append(out, s.object(ctx, k.entity, it))
		}
	}
	return out, nil
}

// All lists every page, article and product of the shop.
func (s *Source) All(ctx context.Context) ([]publishing.RemoteObject, error) {
	return s.Changed(ctx, time.Time{})
}

// object is the RemoteObject of an item.
func (s *Source) object(ctx context.Context, entity string, it *Item) publishing.RemoteObject {
	u := it.URL
	if u == "" {
		path := "pages/" + it.Handle
		switch it.Kind {
		case KindArticle:
			path = "blogs/" + it.Blog + "/" + it.Handle
		case KindProduct:
			path = "products/" + it.Handle
		}
		// The URL is a nicety: without the shop's domain, it stays "".
		u, _ = s.urls.join(ctx, s.client, path)
	}
	return publishing.RemoteObject{ID: it.ID, URL: u, EntityType: entity, Slug: it.Handle, Title: it.Title,
		Excerpt: it.Summary, Body: it.BodyHTML, Status: it.Status, Published: it.Published, Modified: it.UpdatedAt,
		Hash: it.Hash, ContentID: it.ContentID}
}

// byID are the operations that read an object by id, by its type in
// Shopify's global ids, with the field of the answer that holds it.
var byID = map[string]struct {
	op    operation
	field string
}{
	"Page":       {opPageByID, "page"},
	"Article":    {opArticleByID, "article"},
	"Product":    {opProductByID, "product"},
	"Collection": {opCollectionByID, "collection"},
}

// gidKinds are the Shopify object types of IGNY8's entity types.
var gidKinds = map[string]string{
	igny8.EntityPage:     "Page",
	igny8.EntityPost:     "Article",
	igny8.EntityProduct:  "Product",
	igny8.EntityTaxonomy: "Collection",
}

// Missing returns the ids of the objects given that the shop no longer
// has, reading each by id (one request each). The object type comes from
// the id (gid://shopify/Page/1), else from the entity type; a ref whose
// type neither tells is never reported missing.
func (s *Source) Missing(ctx context.Context, refs []publishing.RemoteRef) ([]string, error) {
	var gone []string
	for _, ref := range refs {
		kind := gidKind(ref.ID)
		if _, ok := byID[kind]; !ok {
			kind = gidKinds[ref.EntityType]
		}
		read, ok := byID[kind]
		if !ok {
			continue
		}
		var d map[string]*remoteObject
		if err := s.client.do(ctx, read.op, map[string]any{"id": ref.ID}, &d); err != nil {
			return nil, err
		}
		if d[read.field] == nil {
			gone = append(gone, ref.ID)
		}
	}
	return gone, nil
}
