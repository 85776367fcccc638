package shopify

import (
	"context"
	"encoding/json"
	"fmt"
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
	Blog      string // the blog's handle, for an article
	URL       string // products only: onlineStoreUrl ("" when not on the store)
	UpdatedAt time.Time
	// ContentID is the IGNY8 content the object was published from (its
	// marker), 0 for an object IGNY8 did not make.
	ContentID int64
}

// UpdatedSince lists the shop's objects of a kind (KindPage, KindArticle
// or KindProduct) updated after since, oldest first, following the
// cursor pages to the end.
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
	query := fmt.Sprintf("updated_at:>'%s'", since.UTC().Format(time.RFC3339))
	var items []*Item
	var after *string
	for {
		var d map[string]struct {
			Nodes []struct {
				ID              string    `json:"id"`
				Handle          string    `json:"handle"`
				Title           string    `json:"title"`
				Body            string    `json:"body"`
				DescriptionHTML string    `json:"descriptionHtml"`
				UpdatedAt       time.Time `json:"updatedAt"`
				OnlineStoreURL  string    `json:"onlineStoreUrl"`
				Blog            *struct {
					Handle string `json:"handle"`
				} `json:"blog"`
				Marker *struct {
					Value string `json:"value"`
				} `json:"marker"`
			} `json:"nodes"`
			PageInfo struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			} `json:"pageInfo"`
		}
		if err := c.do(ctx, op, map[string]any{"query": query, "after": after}, &d); err != nil {
			return nil, err
		}
		var conn = d[kind+"s"]
		for _, n := range conn.Nodes {
			it := &Item{Kind: kind, ID: n.ID, Handle: n.Handle, Title: n.Title, BodyHTML: firstNonEmpty(n.Body, n.DescriptionHTML),
				URL: n.OnlineStoreURL, UpdatedAt: n.UpdatedAt}
			if n.Blog != nil {
				it.Blog = n.Blog.Handle
			}
			if n.Marker != nil {
				_ = json.Unmarshal([]byte(n.Marker.Value), &it.ContentID)
			}
			items = append(items, it)
		}
		if !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == nil {
			return items, nil
		}
		after = conn.PageInfo.EndCursor
	}
}
