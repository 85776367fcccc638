package wordpress

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/igny8/igny8"
)

// Kind is a type of WordPress content IGNY8 writes and reads, named by
// its REST base.
type Kind string

const (
	// KindPost is wp/v2/posts.
	KindPost Kind = "posts"
	// KindPage is wp/v2/pages.
	KindPage Kind = "pages"
)

func (k Kind) route() string { return "/wp/v2/" + string(k) }

// noun is "post" or "page", for messages.
func (k Kind) noun() string {
	if k == KindPage {
		return "page"
	}
	return "post"
}

// liveStatuses are every status a post can have outside the trash
// (auto-draft aside): what IGNY8 looks through and syncs.
const liveStatuses = "publish,future,draft,pending,private"

// wpTime is how WordPress writes date_gmt and modified_gmt: UTC, without
// a zone.
const wpTime = "2006-01-02T15:04:05"

// Post is a post or page as WordPress holds it, read with context=edit:
// the raw fields an editor sees, not the rendered ones.
type Post struct {
	ID     int64
	Kind   Kind
	Slug   string
	Status string // publish, future, draft, pending, private, trash
	Link   string
	// Title, Content and Excerpt are title.raw, content.raw and
	// excerpt.raw (pages have no excerpt).
	Title   string
	Content string
	Excerpt string
	// Date and Modified are date_gmt and modified_gmt, in UTC.
	Date     time.Time
	Modified time.Time
	// Categories and Tags are term ids (posts only).
	Categories    []int64
	Tags          []int64
	FeaturedMedia int64
	// Meta is the registered meta the REST API shows, as sent.
	Meta map[string]json.RawMessage
}

// ContentID is the IGNY8 content id the post's marker names, 0 if it
// has none.
func (p *Post) ContentID() int64 {
	id, _ := markerID(p.Content)
	return id
}

// wirePost is a post or page in WordPress's JSON (context=edit).
type wirePost struct {
	ID            int64    `json:"id"`
	Slug          string   `json:"slug"`
	Status        string   `json:"status"`
	Link          string   `json:"link"`
	DateGMT       string   `json:"date_gmt"`
	ModifiedGMT   string   `json:"modified_gmt"`
	Title         rawField `json:"title"`
	Content       rawField `json:"content"`
	Excerpt       rawField `json:"excerpt"`
	Categories    []int64  `json:"categories"`
	Tags          []int64  `json:"tags"`
	FeaturedMedia int64    `json:"featured_media"`
	// Meta is an object, or [] when no meta is registered (a PHP
	// array()).
	Meta json.RawMessage `json:"meta"`
}

// rawField is {"raw": …, "rendered": …}; raw only with context=edit.
type rawField struct {
	Raw string `json:"raw"`
}

// UnmarshalJSON also reads a bare string, as some plugins send.
func (f *rawField) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		f.Raw = s
		return nil
	}
	var v struct {
		Raw string `json:"raw"`
	}
	err := json.Unmarshal(b, &v)
	f.Raw = v.Raw
	return err
}

func (w *wirePost) post(kind Kind) *Post {
	p := &Post{ID: w.ID, Kind: kind, Slug: w.Slug, Status: w.Status, Link: w.Link, Title: w.Title.Raw, Content: w.Content.Raw,
		Excerpt: w.Excerpt.Raw, Categories: w.Categories, Tags: w.Tags, FeaturedMedia: w.FeaturedMedia}
	_ = json.Unmarshal(w.Meta, &p.Meta) // [] leaves it nil
	p.Date, _ = time.Parse(wpTime, w.DateGMT)
	p.Modified, _ = time.Parse(wpTime, w.ModifiedGMT)
	return p
}

func decodePosts(kind Kind, items []json.RawMessage) ([]*Post, error) {
	posts := make([]*Post, 0, len(items))
	for _, raw := range items {
		var w wirePost
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("wordpress: read a %s: %w", kind.noun(), err)
		}
		posts = append(posts, w.post(kind))
	}
	return posts, nil
}

// DeletedError says a post or page is gone from WordPress: deleted for
// good (404, 410) or in the trash. It carries an *igny8.Error with
// ENotFound.
type DeletedError struct {
	Kind    Kind
	ID      int64
	Site    string
	Trashed bool
}

// Error says what was deleted and what to do.
func (e *DeletedError) Error() string {
	how := "deleted in WordPress"
	if e.Trashed {
		how = "deleted in WordPress (it is in the trash)"
	}
	return fmt.Sprintf("The %s IGNY8 published to %s (id %d) was %s. Restore it there to keep updating it, or publish the content again as a new %s after clearing its publishing record.",
		e.Kind.noun(), e.Site, e.ID, how, e.Kind.noun())
}

// Unwrap gives errors.As the *igny8.Error.
func (e *DeletedError) Unwrap() error { return igny8.Errorf(igny8.ENotFound, "%s", e.Error()) }

// Post reads one post or page by id with context=edit. A post that is
// gone (404 or 410) or in the trash comes back as a *DeletedError.
func (c *Client) Post(ctx context.Context, kind Kind, id int64) (*Post, error) {
	var w wirePost
	err := c.Do(ctx, http.MethodGet, kind.route()+"/"+strconv.FormatInt(id, 10), url.Values{"context": {"edit"}}, nil, &w)
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusGone) {
		return nil, &DeletedError{Kind: kind, ID: id, Site: c.site.Host}
	}
	if err != nil {
		return nil, err
	}
	if w.Status == "trash" {
		return nil, &DeletedError{Kind: kind, ID: id, Site: c.site.Host, Trashed: true}
	}
	return w.post(kind), nil
}

// ModifiedAfter lists the posts (or pages), in any status but the trash,
// modified after t, oldest change first, all pages of them. It asks
// WordPress (5.7 and later) with modified_after and filters again itself,
// for older sites that ignore it.
func (c *Client) ModifiedAfter(ctx context.Context, kind Kind, t time.Time) ([]*Post, error) {
	q := url.Values{"context": {"edit"}, "status": {liveStatuses}, "orderby": {"modified"}, "order": {"asc"}}
	if !t.IsZero() {
		q.Set("modified_after", t.UTC().Format(time.RFC3339))
	}
	items, err := c.FetchAll(ctx, kind.route(), q)
	if err != nil {
		return nil, err
	}
	posts, err := decodePosts(kind, items)
	if err != nil {
		return nil, err
	}
	kept := posts[:0]
	for _, p := range posts {
		if t.IsZero() || p.Modified.After(t.UTC()) {
			kept = append(kept, p)
		}
	}
	return kept, nil
}

// Posts lists every post (or page) in any status but the trash, for an
// import.
func (c *Client) Posts(ctx context.Context, kind Kind) ([]*Post, error) {
	return c.ModifiedAfter(ctx, kind, time.Time{})
}

// postsBySlug lists the posts (or pages) with slug, in any status but
// the trash.
func (c *Client) postsBySlug(ctx context.Context, kind Kind, slug string) ([]*Post, error) {
	var ws []wirePost
	q := url.Values{"slug": {slug}, "context": {"edit"}, "status": {liveStatuses}, "per_page": {"100"}}
	if err := c.Do(ctx, http.MethodGet, kind.route(), q, nil, &ws); err != nil {
		return nil, err
	}
	posts := make([]*Post, len(ws))
	for i := range ws {
		posts[i] = ws[i].post(kind)
	}
	return posts, nil
}

// Marker is the HTML comment IGNY8 puts at the start of what it writes,
// so that it can recognise its own post after a crash between writing
// it and recording its id. Readers never see it. origin names the IGNY8
// site the content belongs to (its storage id, random per site), so that
// two sites, accounts or installations publishing to one WordPress never
// take each other's posts for their own; "" leaves it out.
func Marker(origin string, contentID int64) string {
	if origin == "" {
		return fmt.Sprintf("<!-- igny8:content=%d -->", contentID)
	}
	return fmt.Sprintf("<!-- igny8:content=%d origin=%s -->", contentID, origin)
}

var markerRe = regexp.MustCompile(`\A\s*<!-- igny8:content=(\d+)(?: origin=([A-Za-z0-9_-]{1,64}))? -->[ \t]*\r?\n?`)

// markerID reads the content id of the marker at the start of s.
func markerID(s string) (int64, bool) {
	id, _, ok := markerOf(s)
	return id, ok
}

// markerOf reads the marker at the start of s: content id and origin.
func markerOf(s string) (int64, string, bool) {
	m := markerRe.FindStringSubmatch(s)
	if m == nil {
		return 0, "", false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	return id, m[2], err == nil
}

// isMarked says whether s starts with the marker of content id of origin.
func isMarked(s, origin string, id int64) bool {
	got, o, ok := markerOf(s)
	return ok && got == id && o == origin
}

// StripMarker returns s without IGNY8's marker at its start.
func StripMarker(s string) string {
	if loc := markerRe.FindStringIndex(s); loc != nil {
		return s[loc[1]:]
	}
	return s
}

// RemoteHash identifies what a reader and an editor see of a post: its
// raw title, content (without IGNY8's marker) and excerpt. Publish
// returns it for the post as WordPress stored it; a later hash that
// differs means the post was edited in WordPress since.
func RemoteHash(p *Post) string {
	h := sha256.New()
	for _, s := range []string{p.Title, StripMarker(p.Content), p.Excerpt} {
		fmt.Fprintf(h, "%d:%s\x00", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
