package shopify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/igny8/igny8"
)

// Kinds of objects UpdatedSince lists.
const (
	KindPage    = "page"
	KindArticle = "article"
	KindProduct = "product"
)

// Item is an object of the shop as sync reads it.
type Item struct {
	Kind      string
	ID        string
	Handle    string
	Title     string
	BodyHTML  string
	Summary   string // articles only: the summary (excerpt) HTML
	Blog      string // the blog's handle, for an article
	URL       string // products only: onlineStoreUrl ("" when not on the store)
	Status    string // "published" or "hidden" (pages, articles); ACTIVE, DRAFT or ARCHIVED (products)
	UpdatedAt time.Time
	Published time.Time // zero when it never was
	// Hash identifies the version: Hash(Title, BodyHTML, Summary), what
	// the adapter records when it writes the object.
	Hash string
	// ContentID is the IGNY8 content the object was published from (its
	// marker), 0 for an object IGNY8 did not make.
	ContentID int64
}

// Hash identifies a version of a shop object by what IGNY8 writes and
// pulls back of it: its title, body HTML (body of pages and articles,
// descriptionHtml of products and collections) and, for articles, its
// summary ("" for the others). The adapter hashes what Shopify answers
// to its write and a sync what Shopify answers to a read, so an object
// nobody edited since hashes the same whatever Shopify did to the HTML
// it was sent.
func Hash(title, body, summary string) string {
	h := sha256.New()
	for _, s := range []string{title, body, summary} {
		fmt.Fprintf(h, "%d:%s\x00", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// UpdatedSince lists the shop's objects of a kind (KindPage, KindArticle
// or KindProduct) updated after since (all of them when since is zero),
// oldest first, following the cursor pages to the end.
func (c *Client) UpdatedSince(ctx context.Context, kind string, since time.Time) ([]*Item, error) {
	var op operation
	switch kind {
	case KindPage:
		op = opPagesUpdated
	case KindArticle:
		op = opArticlesUpdated
	case KindProduct:
		op = opProductsUpdated
	default:
		return nil, igny8.Errorf(igny8.EInvalid, "Shopify sync lists pages, articles or products, not %q.", kind)
	}
	var query *string
	if !since.IsZero() {
		q := fmt.Sprintf("updated_at:>'%s'", since.UTC().Format(time.RFC3339))
		query = &q
	}
	var items []*Item
	var after *string
	for {
		var d map[string]struct {
			Nodes    []*remoteObject `json:"nodes"`
			PageInfo struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			} `json:"pageInfo"`
		}
		if err := c.do(ctx, op, map[string]any{"query": query, "after": after}, &d); err != nil {
			return nil, err
		}
		conn := d[kind+"s"]
		for _, n := range conn.Nodes {
			if n != nil {
				items = append(items, item(kind, n))
			}
		}
		if !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == nil {
			return items, nil
		}
		after = conn.PageInfo.EndCursor
	}
}

// item is the Item of an object UpdatedSince read.
func item(kind string, o *remoteObject) *Item {
	it := &Item{Kind: kind, ID: o.ID, Handle: o.Handle, Title: o.Title, BodyHTML: o.bodyHTML(), Summary: o.Summary,
		URL: o.OnlineStoreURL, Status: o.Status, UpdatedAt: o.UpdatedAt, Hash: o.hash(), ContentID: o.contentID()}
	if o.Blog != nil {
		it.Blog = o.Blog.Handle
	}
	if kind != KindProduct && o.IsPublished != nil {
		it.Status = "hidden"
		if *o.IsPublished {
			it.Status = "published"
		}
	}
	if o.PublishedAt != nil {
		it.Published = *o.PublishedAt
	}
	return it
}

// gidKind is the object type a Shopify global id names ("Page" of
// gid://shopify/Page/1), "" when id is not one.
func gidKind(id string) string {
	rest, ok := strings.CutPrefix(id, "gid://shopify/")
	if !ok {
		return ""
	}
	kind, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return kind
}
