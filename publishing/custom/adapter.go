package custom

import (
	"context"
	"encoding/json"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
)

// Adapter publishes content pieces to a custom API: a publishing
// destination over a Destination.
type Adapter struct {
	Dest *Destination
}

var _ publishing.Destination = (*Adapter)(nil)

// Payload is the JSON body of a content delivery (see the package
// documentation): the event again (the signature covers the body, not the
// headers), the remote id when IGNY8 knows the object already, and the
// piece with its page (blueprint blocks).
type Payload struct {
	Event    string         `json:"event"`
	RemoteID string         `json:"remote_id,omitempty"`
	Content  PayloadContent `json:"content"`
}

// PayloadContent is a content piece as a custom API receives it.
type PayloadContent struct {
	ID              int64           `json:"id"`
	SiteID          int64           `json:"site_id"`
	EntityType      string          `json:"entity_type"`
	Title           string          `json:"title"`
	Slug            string          `json:"slug"`
	MetaTitle       string          `json:"meta_title"`
	MetaDescription string          `json:"meta_description"`
	Excerpt         string          `json:"excerpt"`
	TargetKeyword   string          `json:"target_keyword"`
	WordCount       int             `json:"word_count"`
	Page            json.RawMessage `json:"page"`
}

// Publish sends the piece as content.published, or content.updated when
// the record names the object the endpoint made before.
func (a *Adapter) Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (publishing.Remote, error) {
	event := EventPublished
	if rec.RemoteID != "" {
		event = EventUpdated
	}
	body, err := json.Marshal(Payload{Event: event, RemoteID: rec.RemoteID, Content: PayloadContent{
		ID: c.ID, SiteID: c.SiteID, EntityType: c.EntityType, Title: c.Title, Slug: c.Slug, MetaTitle: c.MetaTitle,
		MetaDescription: c.MetaDescription, Excerpt: c.Excerpt, TargetKeyword: c.TargetKeyword, WordCount: c.WordCount, Page: c.Page}})
	if err != nil {
		return publishing.Remote{}, err
	}
	res, err := a.Dest.Publish(ctx, Delivery{IdempotencyKey: key, Event: event, Body: body})
	if err != nil {
		return publishing.Remote{}, err
	}
	return publishing.Remote{ID: res.RemoteID, URL: res.RemoteURL}, nil
}
