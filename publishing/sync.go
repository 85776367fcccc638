package publishing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing/markup"
)

// RemoteObject is an object on a destination as a sync or import reads
// it.
type RemoteObject struct {
	ID         string
	URL        string
	EntityType string // the IGNY8 entity type it is (igny8.EntityPost…)
	Slug       string
	Title      string
	Excerpt    string
	Body       string // the platform's markup (HTML, WordPress block markup)
	Status     string // the platform's own status word
	Published  time.Time
	Modified   time.Time
	// Hash identifies the version: the same function of the object that
	// Remote.Hash is when IGNY8 writes it.
	Hash string
	// ContentID is the IGNY8 content the object's marker names; 0 when it
	// carries none.
	ContentID int64
}

// RemoteRef names a remote object IGNY8 published: its id and the entity
// type of the content it is (which says where on the platform it lives).
type RemoteRef struct {
	ID         string
	EntityType string
}

// Source reads a destination's objects for sync and import.
type Source interface {
	// Changed lists the objects modified after since (all when zero).
	Changed(ctx context.Context, since time.Time) ([]RemoteObject, error)
	// Missing returns the ids, of the objects given, whose objects are
	// gone (deleted, or in the trash).
	Missing(ctx context.Context, objs []RemoteRef) ([]string, error)
	// All lists every object an import would bring in.
	All(ctx context.Context) ([]RemoteObject, error)
}

// SyncStore is what syncing needs of the store (*postgres.DB implements
// it).
type SyncStore interface {
	Content(ctx context.Context, siteID, id int64) (*igny8.Content, error)
	Contents(ctx context.Context, siteID int64, f igny8.ContentFilter) ([]*igny8.Content, error)
	SyncedRecords(ctx context.Context, siteID, integrationID int64) ([]*igny8.PublishingRecord, error)
	SetSyncState(ctx context.Context, r *igny8.PublishingRecord) error
	// PullRemote makes c the content's next revision (source "sync") and
	// the record in sync with it, in one step.
	PullRemote(ctx context.Context, r *igny8.PublishingRecord, c *igny8.Content, expect int, hash func(*igny8.Content) (string, error)) (*igny8.Content, error)
	ImportContent(ctx context.Context, siteID, integrationID int64, c *igny8.Content, remote igny8.PublishingRecord, hash func(*igny8.Content) (string, error)) (*igny8.Content, bool, error)
}

// SyncResult counts what a sync found.
type SyncResult struct {
	Checked   int     `json:"checked"`   // remote objects modified since the last sync
	Pulled    []int64 `json:"pulled"`    // content brought back as a new revision
	Conflicts []int64 `json:"conflicts"` // content changed on both sides
	Deleted   []int64 `json:"deleted"`   // content whose remote object is gone
}

// Syncer brings edits made on a destination back into IGNY8.
type Syncer struct {
	Store SyncStore
	// Facts sets the facts stored next to a page on its content (title,
	// SEO fields, excerpt, word count: writer.Facts) but its slug; nil
	// sets the title and excerpt only.
	Facts func(c *igny8.Content, page *blueprints.Page)
	// Reverse, when set, says how a remote body maps back onto content
	// c: links and images back to its site's pages and assets, and which
	// parsed blocks to drop because IGNY8 puts them on the page itself
	// when it publishes (see Publisher.Prepare).
	Reverse func(ctx context.Context, c *igny8.Content) (markup.BlocksOptions, func(*blueprints.Block) bool, error)
	// Version is the publisher's (Publisher.Version): a piece's hash is
	// taken as the publisher takes it, so that a sync tells IGNY8's
	// changes from what it wrote.
	Version VersionFunc
}

// remotePage is RemotePage, mapped back as Reverse says.
func (s *Syncer) remotePage(ctx context.Context, c *igny8.Content, obj RemoteObject) (json.RawMessage, error) {
	if s.Reverse == nil {
		return RemotePage(c, obj)
	}
	o, drop, err := s.Reverse(ctx, c)
	if err != nil {
		return nil, err
	}
	return remotePage(c, obj, o, drop)
}

// hasher is the hash a record keeps of content, as the publisher takes it.
func (s *Syncer) hasher(ctx context.Context) func(*igny8.Content) (string, error) {
	return func(c *igny8.Content) (string, error) { return VersionHash(ctx, c, s.Version) }
}

// revised is c with a remote version: its title, excerpt and page, and
// the facts derived from the page.
func (s *Syncer) revised(c *igny8.Content, title, excerpt string, page json.RawMessage) (*igny8.Content, error) {
	out := *c
	out.Title, out.Excerpt, out.Page = title, excerpt, page
	if s.Facts != nil {
		var p blueprints.Page
		if err := json.Unmarshal(page, &p); err != nil {
			return nil, err
		}
		slug := out.Slug
		s.Facts(&out, &p)
		out.Slug = slug
	}
	return &out, nil
}

// Sync reads what changed on in's platform since since and, for each
// object IGNY8 published there: an edit made there when IGNY8's version
// has not changed since it was written comes back as a new revision; an
// edit on both sides becomes a conflict (the remote version kept on the
// record until Resolve); an object gone is marked remote_deleted. An
// object whose hash is the one IGNY8 wrote or read last is unchanged.
func (s *Syncer) Sync(ctx context.Context, in *igny8.Integration, src Source, since time.Time) (*SyncResult, error) {
	recs, err := s.Store.SyncedRecords(ctx, in.SiteID, in.ID)
	if err != nil {
		return nil, err
	}
	types, err := s.entityTypes(ctx, in.SiteID)
	if err != nil {
		return nil, err
	}
	byRemote := make(map[string]*igny8.PublishingRecord, len(recs))
	var live []RemoteRef
	for _, r := range recs {
		byRemote[r.RemoteID] = r
		if r.SyncStatus != igny8.RecordRemoteDeleted {
			live = append(live, RemoteRef{ID: r.RemoteID, EntityType: types[r.ContentID]})
		}
	}
	res := &SyncResult{Pulled: []int64{}, Conflicts: []int64{}, Deleted: []int64{}}
	changed, err := src.Changed(ctx, since)
	if err != nil {
		return nil, err
	}
	for _, obj := range changed {
		r := byRemote[obj.ID]
		if r == nil {
			continue // not IGNY8's: an import brings it in
		}
		res.Checked++
		if obj.Hash == r.RemoteHash {
			continue // IGNY8's own write, or read before
		}
		if r.RemoteHash == "" {
			// A destination that gave no version when IGNY8 wrote: the
			// object as it is now is the version IGNY8 wrote.
			modified := obj.Modified
			r.RemoteHash, r.RemoteModified = obj.Hash, &modified
			if err := s.Store.SetSyncState(ctx, r); err != nil {
				return nil, err
			}
			continue
		}
		c, err := s.Store.Content(ctx, in.SiteID, r.ContentID)
		if err != nil {
			return nil, err
		}
		hash, err := s.hasher(ctx)(c)
		if err != nil {
			return nil, err
		}
		page, err := s.remotePage(ctx, c, obj)
		if err != nil {
			return nil, fmt.Errorf("content %d from remote object %s: %w", c.ID, obj.ID, err)
		}
		modified := obj.Modified
		// local_changes: IGNY8's version was kept over the remote one
		// (Resolve) and is not written yet; its content hash is blank.
		if (hash != r.ContentHash && r.ContentHash != "") || r.SyncStatus == igny8.RecordLocalChanges {
			r.SyncStatus = igny8.RecordConflict
			r.RemoteVersion = &igny8.RemoteVersion{Title: obj.Title, Excerpt: obj.Excerpt, Page: page, Modified: modified, Hash: obj.Hash}
			if err := s.Store.SetSyncState(ctx, r); err != nil {
				return nil, err
			}
			res.Conflicts = append(res.Conflicts, c.ID)
			continue
		}
		r.RemoteHash, r.RemoteModified = obj.Hash, &modified
		if obj.URL != "" {
			r.RemoteURL = obj.URL
		}
		pulled, err := s.revised(c, obj.Title, obj.Excerpt, page)
		if err != nil {
			return nil, err
		}
		if _, err := s.Store.PullRemote(ctx, r, pulled, c.Revision, s.hasher(ctx)); err != nil {
			return nil, err
		}
		res.Pulled = append(res.Pulled, c.ID)
	}
	if len(live) > 0 {
		gone, err := src.Missing(ctx, live)
		if err != nil {
			return nil, err
		}
		for _, id := range gone {
			r := byRemote[id]
			if r == nil {
				continue
			}
			r.SyncStatus, r.RemoteVersion = igny8.RecordRemoteDeleted, nil
			if err := s.Store.SetSyncState(ctx, r); err != nil {
				return nil, err
			}
			res.Deleted = append(res.Deleted, r.ContentID)
		}
	}
	return res, nil
}

// entityTypes maps the site's content ids to their entity types.
func (s *Syncer) entityTypes(ctx context.Context, siteID int64) (map[int64]string, error) {
	out := map[int64]string{}
	const page = 500
	var after int64
	for {
		list, err := s.Store.Contents(ctx, siteID, igny8.ContentFilter{After: after, Limit: page})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			out[c.ID], after = c.EntityType, c.ID
		}
		if len(list) < page {
			return out, nil
		}
	}
}

// Keep choices of Resolve.
const (
	KeepIGNY8  = "igny8"  // publish IGNY8's version over the remote one
	KeepRemote = "remote" // make the remote version IGNY8's next revision
)

// Resolve ends a conflict, or deals with a remote deletion, as keep says.
// KeepIGNY8 writes IGNY8's version to the destination (a deleted object
// is made again); KeepRemote brings the remote version back as a revision
// (not possible for a deleted object).
func (s *Syncer) Resolve(ctx context.Context, p *Publisher, in *igny8.Integration, dest Destination, r *igny8.PublishingRecord, keep string) (*igny8.PublishingRecord, error) {
	if r.SyncStatus != igny8.RecordConflict && r.SyncStatus != igny8.RecordRemoteDeleted {
		return nil, igny8.Errorf(igny8.EConflict, "Content %d is %s on this integration: there is nothing to resolve.", r.ContentID, r.SyncStatus)
	}
	c, err := s.Store.Content(ctx, in.SiteID, r.ContentID)
	if err != nil {
		return nil, err
	}
	switch keep {
	case KeepIGNY8:
		if r.SyncStatus == igny8.RecordRemoteDeleted {
			r.RemoteID, r.RemoteURL = "", ""
		} else {
			r.RemoteHash = r.RemoteVersion.Hash
		}
		// Forget the hash written last, so the publisher writes this one.
		r.ContentHash, r.SyncStatus, r.RemoteVersion = "", igny8.RecordLocalChanges, nil
		if err := s.Store.SetSyncState(ctx, r); err != nil {
			return nil, err
		}
		rec, _, err := p.Publish(ctx, in, dest, c)
		return rec, err
	case KeepRemote:
		if r.SyncStatus == igny8.RecordRemoteDeleted {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d was deleted on %s: there is no remote version to keep; keep IGNY8's to publish it again.", r.ContentID, in.Name)
		}
		v := r.RemoteVersion
		modified := v.Modified
		r.RemoteHash, r.RemoteModified = v.Hash, &modified
		pulled, err := s.revised(c, v.Title, v.Excerpt, v.Page)
		if err != nil {
			return nil, err
		}
		if _, err := s.Store.PullRemote(ctx, r, pulled, c.Revision, s.hasher(ctx)); err != nil {
			return nil, err
		}
		return r, nil
	}
	return nil, igny8.Errorf(igny8.EInvalid, "keep must be %q or %q, not %q.", KeepIGNY8, KeepRemote, keep)
}

// ImportResult counts what an import did.
type ImportResult struct {
	Imported []int64      `json:"imported"` // content made
	Known    int          `json:"known"`    // objects IGNY8 already has
	Skipped  []ImportSkip `json:"skipped,omitempty"`
}

// ImportSkip is an object an import left out, and why.
type ImportSkip struct {
	RemoteID string `json:"remote_id"`
	Reason   string `json:"reason"`
}

// Import makes IGNY8 content of every object on in's platform that IGNY8
// does not have yet, each as a draft with a record saying it is published
// there in this version: publishing it unchanged writes nothing.
func (s *Syncer) Import(ctx context.Context, in *igny8.Integration, src Source) (*ImportResult, error) {
	recs, err := s.Store.SyncedRecords(ctx, in.SiteID, in.ID)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(recs))
	for _, r := range recs {
		known[r.RemoteID] = true
	}
	all, err := src.All(ctx)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Imported: []int64{}}
	for _, obj := range all {
		if known[obj.ID] || obj.ContentID != 0 {
			res.Known++
			continue
		}
		c := &igny8.Content{SiteID: in.SiteID, EntityType: obj.EntityType, Title: obj.Title, Slug: obj.Slug, Excerpt: obj.Excerpt,
			Status: igny8.ContentDraft}
		page, err := s.remotePage(ctx, c, obj)
		if err != nil {
			var perr *igny8.Error
			if errors.As(err, &perr) {
				res.Skipped = append(res.Skipped, ImportSkip{RemoteID: obj.ID, Reason: perr.Message})
				continue
			}
			return nil, err
		}
		if c, err = s.revised(c, obj.Title, obj.Excerpt, page); err != nil {
			return nil, err
		}
		modified := obj.Modified
		got, created, err := s.Store.ImportContent(ctx, in.SiteID, in.ID, c,
			igny8.PublishingRecord{RemoteID: obj.ID, RemoteURL: obj.URL, RemoteHash: obj.Hash, RemoteModified: &modified}, s.hasher(ctx))
		if err != nil {
			if igny8.ErrorCode(err) == igny8.EInvalid {
				res.Skipped = append(res.Skipped, ImportSkip{RemoteID: obj.ID, Reason: igny8.ErrorMessage(err)})
				continue
			}
			return nil, err
		}
		if created {
			res.Imported = append(res.Imported, got.ID)
		} else {
			res.Known++
		}
	}
	return res, nil
}

// RemotePage is content c's page with a remote object's title and body:
// the body's markup parsed into blocks, the rest of c's page (its id,
// path, type, image, SEO) kept. For content IGNY8 does not have yet
// (c.Page empty) it makes a page: id the slug, path by entity type.
func RemotePage(c *igny8.Content, obj RemoteObject) (json.RawMessage, error) {
	return remotePage(c, obj, markup.BlocksOptions{}, nil)
}

// remotePage is RemotePage with links and images mapped back by o, and
// the blocks drop says IGNY8 puts on pages itself left out.
func remotePage(c *igny8.Content, obj RemoteObject, o markup.BlocksOptions, drop func(*blueprints.Block) bool) (json.RawMessage, error) {
	blocks, err := markup.BlocksWith(obj.Body, o)
	if drop != nil {
		blocks = slices.DeleteFunc(blocks, drop)
	}
	if err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "The remote object %s's body cannot be read as blocks: %v", obj.ID, err)
	}
	var page blueprints.Page
	if len(c.Page) > 0 {
		if err := json.Unmarshal(c.Page, &page); err != nil {
			return nil, err
		}
	} else {
		slug := c.Slug
		if slug == "" {
			slug = obj.Slug
		}
		page = blueprints.Page{ID: slug, Path: pagePath(obj.EntityType, slug), Type: pageType(obj.EntityType)}
		if page.Type == blueprints.PagePost {
			date := obj.Published
			if date.IsZero() {
				date = obj.Modified
			}
			page.Date = date.UTC().Format(time.DateOnly)
		}
	}
	page.Title = obj.Title
	if obj.Excerpt != "" {
		page.Description = obj.Excerpt
	}
	if blocks == nil {
		blocks = []*blueprints.Block{}
	}
	page.Blocks = blocks
	return json.Marshal(&page)
}

// pagePath is where an imported piece of an entity type lives on an
// IGNY8 site, as the writer places it.
func pagePath(entity, slug string) string {
	switch entity {
	case igny8.EntityPost:
		return "/blog/" + slug + "/"
	case igny8.EntityProduct:
		return "/products/" + slug + "/"
	case igny8.EntityTaxonomy:
		return "/topics/" + slug + "/"
	}
	return "/" + slug + "/"
}

// pageType is the blueprint page type of an entity type.
func pageType(entity string) string {
	switch entity {
	case igny8.EntityPost:
		return blueprints.PagePost
	case igny8.EntityProduct:
		return blueprints.PageProduct
	case igny8.EntityService:
		return blueprints.PageService
	case igny8.EntityTaxonomy:
		return blueprints.PageCategory
	}
	return blueprints.PagePage
}
