package wordpress

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/igny8/igny8/publishing"
)

// Media is an item of the media library.
type Media struct {
	ID        int64  `json:"id"`
	Slug      string `json:"slug"`
	SourceURL string `json:"source_url"`
	AltText   string `json:"alt_text"`
	MimeType  string `json:"mime_type"`
	Title     string `json:"-"`
}

type wireMedia struct {
	Media
	WireTitle rawField `json:"title"`
}

func (w *wireMedia) media() *Media {
	m := w.Media
	m.Title = w.WireTitle.Raw
	return &m
}

// Media reads one media item by id.
func (c *Client) Media(ctx context.Context, id int64) (*Media, error) {
	var w wireMedia
	if err := c.Do(ctx, http.MethodGet, "/wp/v2/media/"+strconv.FormatInt(id, 10), url.Values{"context": {"edit"}}, nil, &w); err != nil {
		return nil, err
	}
	return w.media(), nil
}

// MediaSlug is the slug (and file name, without its extension) IGNY8
// gives the upload of a file: igny8- and the first 16 hex digits of its
// SHA-256. The same file has the same name on every try.
func MediaSlug(a *publishing.Asset) string {
	sum := strings.ToLower(a.SHA256)
	if len(sum) < 16 {
		s := sha256.Sum256(a.Data)
		sum = hex.EncodeToString(s[:])
	}
	return "igny8-" + sum[:16]
}

// mediaFile is MediaSlug with the asset's extension.
func mediaFile(a *publishing.Asset) (string, error) {
	ext := strings.ToLower(path.Ext(a.Name))
	if ext == "" || len(ext) > 6 || strings.ContainsFunc(ext[1:], func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') }) {
		exts, _ := mime.ExtensionsByType(a.ContentType)
		if len(exts) == 0 {
			return "", fmt.Errorf("wordpress: asset %s (%s, %s) has no file extension WordPress would accept", a.ID, a.Name, a.ContentType)
		}
		ext = exts[0]
	}
	return MediaSlug(a) + ext, nil
}

// EnsureMedia returns the media item holding asset a, uploading it first
// unless the library already has it: before uploading, it looks for the
// item by its slug (MediaSlug), so a retry, or a run after a crash, never
// uploads a file twice. It sets alt_text and the title to the asset's
// alternative text, and updates alt_text of an item it finds when it
// differs.
func (c *Client) EnsureMedia(ctx context.Context, a *publishing.Asset) (*Media, error) {
	name, err := mediaFile(a)
	if err != nil {
		return nil, err
	}
	slug := MediaSlug(a)
	var found []wireMedia
	if err := c.Do(ctx, http.MethodGet, "/wp/v2/media", url.Values{"slug": {slug}, "context": {"edit"}}, nil, &found); err != nil {
		return nil, err
	}
	if len(found) > 0 {
		m := found[0].media()
		if a.Alt != "" && m.AltText != a.Alt {
			var w wireMedia
			if err := c.Do(ctx, http.MethodPost, "/wp/v2/media/"+strconv.FormatInt(m.ID, 10), nil, map[string]string{"alt_text": a.Alt}, &w); err != nil {
				return nil, err
			}
			m = w.media()
		}
		return m, nil
	}
	title := a.Alt
	if title == "" {
		title = strings.TrimSuffix(a.Name, path.Ext(a.Name))
	}
	q := url.Values{"slug": {slug}, "title": {title}}
	if a.Alt != "" {
		q.Set("alt_text", a.Alt)
	}
	var w wireMedia
	if err := c.Upload(ctx, "/wp/v2/media", q, name, a.ContentType, a.Data, &w); err != nil {
		return nil, fmt.Errorf("upload image %s: %w", a.ID, err)
	}
	return w.media(), nil
}
