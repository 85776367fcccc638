package wordpress

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
)

// publishCategory writes taxonomy content as a category: its title the
// name, its slug the slug, its page (clean HTML, after IGNY8's marker)
// the description that category archives show. A category with the slug
// is adopted when it carries the marker for c or has no description (it
// was made by filing posts under it, perhaps by IGNY8 itself); one with
// another description is someone else's.
func (a *Adapter) publishCategory(ctx context.Context, c *igny8.Content, page *blueprints.Page, rec *igny8.PublishingRecord) (publishing.Remote, error) {
	r, err := Render(ctx, a.Client, a.Refs, page, FormatHTML, a.RenderFunc, a.AssetsFunc)
	if err != nil {
		return publishing.Remote{}, err
	}
	body := map[string]any{"name": c.Title, "slug": c.Slug, "description": Marker(a.Origin, c.ID) + "\n" + r.Body}
	var id int64
	if rec.RemoteID != "" {
		id, err = strconv.ParseInt(strings.TrimPrefix(rec.RemoteID, categoryPrefix), 10, 64)
		if err != nil || id <= 0 {
			return publishing.Remote{}, igny8.Errorf(igny8.EInvalid, "The publishing record names %q, which is not a WordPress id.", rec.RemoteID)
		}
		if _, err := a.Client.Term(ctx, Categories, id); err != nil {
			var ae *APIError
			if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusGone) {
				return publishing.Remote{}, igny8.Errorf(igny8.ENotFound, "The category IGNY8 published to %s (id %d) was deleted in WordPress. Clear its publishing record to create it again.", a.Client.site.Host, id)
			}
			return publishing.Remote{}, err
		}
	} else {
		t, err := a.Client.termBySlug(ctx, Categories, c.Slug)
		if err != nil {
			return publishing.Remote{}, err
		}
		if t == nil {
			var created Term
			err := a.Client.Do(ctx, http.MethodPost, Categories.route(), nil, body, &created)
			existing, exists := existingTerm(err, "term_id")
			if err == nil {
				return categoryRemote(&created), nil
			}
			if !exists {
				return publishing.Remote{}, err
			}
			// Another category has the name (with another slug).
			if t, err = a.Client.Term(ctx, Categories, existing); err != nil {
				return publishing.Remote{}, err
			}
		}
		if !isMarked(t.Description, a.Origin, c.ID) && t.Description != "" {
			return publishing.Remote{}, igny8.Errorf(igny8.EConflict, "WordPress at %s already has a category %q (slug %q, id %d) with a description IGNY8 did not write. "+
				"Rename one of them, or empty that category's description in WordPress to let IGNY8 take it over, then publish again.",
				a.Client.site.Host, t.Name, t.Slug, t.ID)
		}
		id = t.ID
	}
	var t Term
	if err := a.Client.Do(ctx, http.MethodPost, Categories.route()+"/"+strconv.FormatInt(id, 10), url.Values{"context": {"edit"}}, body, &t); err != nil {
		return publishing.Remote{}, err
	}
	return categoryRemote(&t), nil
}

// categoryRemote is the Remote of a category; terms record no time of
// change.
func categoryRemote(t *Term) publishing.Remote {
	return publishing.Remote{ID: CategoryID(t.ID), URL: t.Link, Hash: TermHash(t)}
}

// categoryPrefix sets a category's remote id apart from posts' and pages'
// (WordPress numbers terms and posts separately).
const categoryPrefix = "category:"

// CategoryID is the remote id IGNY8 records for category id.
func CategoryID(id int64) string { return categoryPrefix + strconv.FormatInt(id, 10) }

// ParseCategoryID reads a remote id CategoryID made.
func ParseCategoryID(s string) (int64, bool) {
	rest, ok := strings.CutPrefix(s, categoryPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// TermHash identifies what a reader and an editor see of a category: its
// name and description (without IGNY8's marker), as Publish returns it.
func TermHash(t *Term) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s\x00%s", len(t.Name), t.Name, StripMarker(t.Description))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// TermContentID is the IGNY8 content id the marker of a category's
// description names, 0 if it has none.
func TermContentID(t *Term) int64 {
	id, _ := markerID(t.Description)
	return id
}
