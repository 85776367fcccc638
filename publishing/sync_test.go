package publishing_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/markup"
)

// syncStore is memStore with content and the sync steps, behaving as
// postgres.DB does: records start in sync, a successful publish makes
// them in sync again and drops a conflict's remote version, PullRemote
// and ImportContent are all or nothing. failFunc, when set, can make a
// SyncStore method fail before it does anything.
type syncStore struct {
	*memStore
	contents   map[int64]*igny8.Content
	sources    map[int64][]string // each content's revision sources, oldest first
	lastRecord int64
	calls      map[string]int // SyncStore method calls, by name
	failFunc   func(method string) error
}

var (
	_ publishing.Store     = (*syncStore)(nil)
	_ publishing.SyncStore = (*syncStore)(nil)
)

func newSyncStore() *syncStore {
	return &syncStore{memStore: newMemStore(), contents: map[int64]*igny8.Content{}, sources: map[int64][]string{}, calls: map[string]int{}}
}

func (s *syncStore) fail(method string) error {
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	if s.failFunc == nil {
		return nil
	}
	return s.failFunc(method)
}

// add stores c as new content (revision 1, written by the AI).
func (s *syncStore) add(c *igny8.Content) *igny8.Content {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.ID, c.Revision = int64(len(s.contents)+1), 1
	cp := *c
	s.contents[c.ID] = &cp
	s.sources[c.ID] = []string{"ai"}
	return c
}

// edit is an editor's revision of content id: a new title and text.
func (s *syncStore) edit(t *testing.T, id int64, title, md string) *igny8.Content {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *s.contents[id]
	var p blueprints.Page
	if err := json.Unmarshal(c.Page, &p); err != nil {
		t.Fatal(err)
	}
	p.Title, p.Blocks = title, []*blueprints.Block{richtext("s1", md)}
	c.Title, c.Page, c.Revision = title, mustJSON(t, &p), c.Revision+1
	s.contents[id] = &c
	s.sources[id] = append(s.sources[id], "edit")
	out := c
	return &out
}

// content and record return copies of what the store holds (record nil
// when there is none).
func (s *syncStore) content(id int64) *igny8.Content {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *s.contents[id]
	return &c
}

func (s *syncStore) record(contentID, integrationID int64) *igny8.PublishingRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.records[[2]int64{contentID, integrationID}]
	if r == nil {
		return nil
	}
	cp := *r
	return &cp
}

func (s *syncStore) byID(id int64) *igny8.PublishingRecord {
	for _, r := range s.records {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (s *syncStore) PublishingRecord(ctx context.Context, siteID, contentID, integrationID int64) (*igny8.PublishingRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.contents[contentID]; c == nil || c.SiteID != siteID {
		return nil, igny8.Errorf(igny8.ENotFound, "There is no content %d in site %d.", contentID, siteID)
	}
	k := [2]int64{contentID, integrationID}
	if s.records[k] == nil {
		s.lastRecord++
		s.records[k] = &igny8.PublishingRecord{ID: s.lastRecord, SiteID: siteID, ContentID: contentID, IntegrationID: integrationID,
			Status: igny8.PublishPending, SyncStatus: igny8.RecordInSync}
	}
	r := *s.records[k]
	return &r, nil
}

func (s *syncStore) RecordPublish(ctx context.Context, r *igny8.PublishingRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext {
		s.failNext = false
		return errors.New("the database went away")
	}
	have := s.byID(r.ID)
	if have == nil {
		return igny8.Errorf(igny8.ENotFound, "There is no publishing record %d.", r.ID)
	}
	have.Status, have.RemoteID, have.RemoteURL, have.ContentHash, have.LastError = r.Status, r.RemoteID, r.RemoteURL, r.ContentHash, r.LastError
	have.RemoteHash, have.RemoteModified = r.RemoteHash, r.RemoteModified
	have.Attempts++
	if r.Status == igny8.PublishPublished {
		now := time.Now()
		have.PublishedAt, have.SyncStatus, have.RemoteVersion = &now, igny8.RecordInSync, nil
	}
	*r = *have
	return nil
}

func (s *syncStore) Content(ctx context.Context, siteID, id int64) (*igny8.Content, error) {
	if err := s.fail("Content"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.contents[id]
	if c == nil || c.SiteID != siteID {
		return nil, igny8.Errorf(igny8.ENotFound, "There is no content %d in site %d.", id, siteID)
	}
	cp := *c
	return &cp, nil
}

func (s *syncStore) Contents(ctx context.Context, siteID int64, f igny8.ContentFilter) ([]*igny8.Content, error) {
	if err := s.fail("Contents"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*igny8.Content
	for _, id := range slices.Sorted(maps.Keys(s.contents)) {
		c := s.contents[id]
		if c.SiteID != siteID || id <= f.After || (f.Status != "" && c.Status != f.Status) || (f.EntityType != "" && c.EntityType != f.EntityType) {
			continue
		}
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
		cp := *c
		out = append(out, &cp)
	}
	return out, nil
}

func (s *syncStore) SyncedRecords(ctx context.Context, siteID, integrationID int64) ([]*igny8.PublishingRecord, error) {
	if err := s.fail("SyncedRecords"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*igny8.PublishingRecord
	for _, r := range s.records {
		if r.SiteID == siteID && r.IntegrationID == integrationID && r.RemoteID != "" {
			cp := *r
			out = append(out, &cp)
		}
	}
	slices.SortFunc(out, func(a, b *igny8.PublishingRecord) int { return int(a.ID - b.ID) })
	return out, nil
}

func (s *syncStore) SetSyncState(ctx context.Context, r *igny8.PublishingRecord) error {
	if err := s.fail("SetSyncState"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setSyncState(r)
}

// setSyncState is postgres.setSyncState; s.mu is held.
func (s *syncStore) setSyncState(r *igny8.PublishingRecord) error {
	var version *igny8.RemoteVersion
	if r.SyncStatus == igny8.RecordConflict {
		if r.RemoteVersion == nil {
			return igny8.Errorf(igny8.EInvalid, "A conflict needs the remote version.")
		}
		v := *r.RemoteVersion
		version = &v
	}
	have := s.byID(r.ID)
	if have == nil {
		return igny8.Errorf(igny8.ENotFound, "There is no publishing record %d.", r.ID)
	}
	now := time.Now()
	have.RemoteID, have.RemoteURL, have.ContentHash, have.RemoteHash = r.RemoteID, r.RemoteURL, r.ContentHash, r.RemoteHash
	have.RemoteModified, have.SyncStatus, have.RemoteVersion, have.SyncedAt = r.RemoteModified, r.SyncStatus, version, &now
	*r = *have
	return nil
}

func (s *syncStore) PullRemote(ctx context.Context, r *igny8.PublishingRecord, c *igny8.Content, expect int, hash func(*igny8.Content) (string, error)) (*igny8.Content, error) {
	if err := s.fail("PullRemote"); err != nil {
		return nil, err
	}
	if err := checkPage(c); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.contents[r.ContentID]
	if cur == nil || cur.SiteID != r.SiteID {
		return nil, igny8.Errorf(igny8.ENotFound, "There is no content %d in site %d.", r.ContentID, r.SiteID)
	}
	if expect != 0 && expect != cur.Revision {
		return nil, igny8.Errorf(igny8.EConflict, "Content %d changed since revision %d (it is at %d); reload it and edit again.", cur.ID, expect, cur.Revision)
	}
	out := *cur
	if c.Title != "" {
		out.Title = c.Title
	}
	out.MetaTitle, out.MetaDescription, out.Excerpt, out.WordCount, out.Page = c.MetaTitle, c.MetaDescription, c.Excerpt, c.WordCount, c.Page
	if c.TargetKeyword != "" {
		out.TargetKeyword = c.TargetKeyword
	}
	out.Revision++
	h, err := hash(&out)
	if err != nil {
		return nil, err
	}
	// Both or neither: check the record before the content changes.
	if s.byID(r.ID) == nil {
		return nil, igny8.Errorf(igny8.ENotFound, "There is no publishing record %d.", r.ID)
	}
	s.contents[out.ID] = &out
	s.sources[out.ID] = append(s.sources[out.ID], "sync")
	r.ContentHash, r.SyncStatus, r.RemoteVersion = h, igny8.RecordInSync, nil
	if err := s.setSyncState(r); err != nil {
		return nil, err
	}
	ret := out
	return &ret, nil
}

func (s *syncStore) ImportContent(ctx context.Context, siteID, integrationID int64, c *igny8.Content, remote igny8.PublishingRecord, hash func(*igny8.Content) (string, error)) (*igny8.Content, bool, error) {
	if err := s.fail("ImportContent"); err != nil {
		return nil, false, err
	}
	if !slices.Contains(igny8.EntityTypes, c.EntityType) {
		return nil, false, igny8.Errorf(igny8.EInvalid, "The content's entity type %q is not one of %s.", c.EntityType, strings.Join(igny8.EntityTypes, ", "))
	}
	if c.Title == "" {
		return nil, false, igny8.Errorf(igny8.EInvalid, "The content has no title.")
	}
	if err := checkPage(c); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records {
		if r.IntegrationID == integrationID && r.RemoteID == remote.RemoteID {
			cp := *s.contents[r.ContentID]
			return &cp, false, nil
		}
	}
	base := c.Slug
	if base == "" {
		base = strings.ToLower(strings.Join(strings.Fields(c.Title), "-"))
	}
	slug := base
	for n := 2; s.slugTaken(siteID, slug); n++ {
		slug = fmt.Sprintf("%s-%d", base, n)
	}
	out := *c
	out.ID, out.SiteID, out.Slug, out.Revision = int64(len(s.contents)+1), siteID, slug, 1
	if slug != c.Slug && c.Slug != "" {
		var p blueprints.Page
		if err := json.Unmarshal(c.Page, &p); err != nil {
			return nil, false, err
		}
		if p.ID == c.Slug {
			p.ID = slug
		}
		p.Path = strings.Replace(p.Path, "/"+c.Slug+"/", "/"+slug+"/", 1)
		page, err := json.Marshal(&p)
		if err != nil {
			return nil, false, err
		}
		out.Page = page
	}
	if out.Status == "" {
		out.Status = igny8.ContentDraft
	}
	h, err := hash(&out)
	if err != nil {
		return nil, false, err
	}
	s.contents[out.ID] = &out
	s.sources[out.ID] = []string{"import"}
	s.lastRecord++
	now := time.Now()
	s.records[[2]int64{out.ID, integrationID}] = &igny8.PublishingRecord{ID: s.lastRecord, SiteID: siteID, ContentID: out.ID,
		IntegrationID: integrationID, Status: igny8.PublishPublished, RemoteID: remote.RemoteID, RemoteURL: remote.RemoteURL,
		ContentHash: h, RemoteHash: remote.RemoteHash, RemoteModified: remote.RemoteModified, SyncStatus: igny8.RecordInSync,
		PublishedAt: &now, SyncedAt: &now}
	ret := out
	return &ret, true, nil
}

func (s *syncStore) slugTaken(siteID int64, slug string) bool {
	for _, c := range s.contents {
		if c.SiteID == siteID && c.Slug == slug {
			return true
		}
	}
	return false
}

func checkPage(c *igny8.Content) error {
	if len(c.Page) == 0 || !json.Valid(c.Page) || c.Page[0] != '{' {
		return igny8.Errorf(igny8.EInvalid, "The content's page is not a JSON object.")
	}
	return nil
}

// fakePlatform is a WordPress-like destination and source: what IGNY8
// publishes through it (its fakeDest) is stored as an object with a
// Gutenberg body and IGNY8's marker, and hashed; edit and remove change
// it as someone on the platform would. The *Err fields make the Source
// methods fail.
type fakePlatform struct {
	*fakeDest
	objs   map[string]*publishing.RemoteObject
	gone   map[string]bool
	now    time.Time
	noHash bool // answer writes without a version, as some destinations do

	since []time.Time
	asked [][]publishing.RemoteRef

	changedErr, missingErr, allErr error
}

var (
	_ publishing.Source      = (*fakePlatform)(nil)
	_ publishing.Destination = (*fakePlatform)(nil)
)

func newFakePlatform() *fakePlatform {
	return &fakePlatform{fakeDest: &fakeDest{}, objs: map[string]*publishing.RemoteObject{}, gone: map[string]bool{},
		now: time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)}
}

func (p *fakePlatform) tick() time.Time {
	p.now = p.now.Add(time.Minute)
	return p.now
}

func objectHash(o *publishing.RemoteObject) string {
	sum := sha256.Sum256([]byte(o.Title + "\x00" + o.Excerpt + "\x00" + o.Body))
	return hex.EncodeToString(sum[:8])
}

func (p *fakePlatform) Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (publishing.Remote, error) {
	r, err := p.fakeDest.Publish(ctx, c, rec, key)
	if err != nil {
		return r, err
	}
	var page blueprints.Page
	if err := json.Unmarshal(c.Page, &page); err != nil {
		return publishing.Remote{}, err
	}
	body, err := markup.Gutenberg(&page, markup.Options{})
	if err != nil {
		return publishing.Remote{}, err
	}
	o := &publishing.RemoteObject{ID: r.ID, URL: r.URL, EntityType: c.EntityType, Slug: c.Slug, Title: c.Title, Excerpt: c.Excerpt,
		Body: body, Status: "publish", Published: p.now, Modified: p.tick(), ContentID: c.ID}
	o.Hash = objectHash(o)
	p.objs[o.ID] = o
	r.Modified = o.Modified
	if !p.noHash {
		r.Hash = o.Hash
	}
	return r, nil
}

// edit changes object id as an editor on the platform would.
func (p *fakePlatform) edit(id, title, excerpt, body string) *publishing.RemoteObject {
	o := p.objs[id]
	o.Title, o.Excerpt, o.Body, o.Modified = title, excerpt, body, p.tick()
	o.Hash = objectHash(o)
	cp := *o
	return &cp
}

// put adds an object someone else made on the platform.
func (p *fakePlatform) put(o publishing.RemoteObject) {
	o.Hash = objectHash(&o)
	p.objs[o.ID] = &o
}

// remove deletes object id; the platform no longer finds it by the key
// it was made with (WordPress finds a post by IGNY8's marker, and a
// deleted one is not found).
func (p *fakePlatform) remove(id string) {
	delete(p.objs, id)
	p.gone[id] = true
	maps.DeleteFunc(p.byKey, func(_, v string) bool { return v == id })
}

func (p *fakePlatform) sorted(keep func(*publishing.RemoteObject) bool) []publishing.RemoteObject {
	var out []publishing.RemoteObject
	for _, id := range slices.Sorted(maps.Keys(p.objs)) {
		if o := p.objs[id]; keep(o) {
			out = append(out, *o)
		}
	}
	return out
}

func (p *fakePlatform) Changed(ctx context.Context, since time.Time) ([]publishing.RemoteObject, error) {
	p.since = append(p.since, since)
	if p.changedErr != nil {
		return nil, p.changedErr
	}
	return p.sorted(func(o *publishing.RemoteObject) bool { return o.Modified.After(since) }), nil
}

func (p *fakePlatform) Missing(ctx context.Context, objs []publishing.RemoteRef) ([]string, error) {
	p.asked = append(p.asked, objs)
	if p.missingErr != nil {
		return nil, p.missingErr
	}
	var out []string
	for _, o := range objs {
		if p.gone[o.ID] {
			out = append(out, o.ID)
		}
	}
	return out, nil
}

func (p *fakePlatform) All(ctx context.Context) ([]publishing.RemoteObject, error) {
	if p.allErr != nil {
		return nil, p.allErr
	}
	return p.sorted(func(*publishing.RemoteObject) bool { return true }), nil
}

var blog = &igny8.Integration{ID: 3, SiteID: 1, Platform: igny8.PlatformWordPress, PlatformType: igny8.PlatformTypeCMS, Name: "Blog", Active: true}

type syncBundle struct {
	ctx context.Context
	st  *syncStore
	wp  *fakePlatform
	pub *publishing.Publisher
	sy  *publishing.Syncer
}

func setupSync(t *testing.T) *syncBundle {
	t.Helper()
	st := newSyncStore()
	return &syncBundle{ctx: context.Background(), st: st, wp: newFakePlatform(), pub: &publishing.Publisher{Store: st}, sy: &publishing.Syncer{Store: st}}
}

// published adds content of the entity type and publishes it to blog.
func (b *syncBundle) published(t *testing.T, entity, slug, title, md string) (*igny8.Content, *igny8.PublishingRecord) {
	t.Helper()
	c := b.st.add(article(t, entity, slug, title, md))
	rec, out, err := b.pub.Publish(b.ctx, blog, b.wp, c)
	if err != nil || out != publishing.Created {
		t.Fatalf("publish %s: %s %v", slug, out, err)
	}
	return c, rec
}

func (b *syncBundle) sync(t *testing.T) *publishing.SyncResult {
	t.Helper()
	res, err := b.sy.Sync(b.ctx, blog, b.wp, time.Time{})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

func richtext(id, md string) *blueprints.Block {
	return &blueprints.Block{ID: id, Type: "richtext", V: 1, Props: map[string]any{"markdown": md}}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pageOf(t *testing.T, c *igny8.Content) *blueprints.Page {
	t.Helper()
	var p blueprints.Page
	if err := json.Unmarshal(c.Page, &p); err != nil {
		t.Fatalf("content %d's page: %v", c.ID, err)
	}
	return &p
}

func hashOf(t *testing.T, c *igny8.Content) string {
	t.Helper()
	h, err := publishing.ContentHash(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// article is a written piece as the writer makes it: a page with an
// id, path, type, date, SEO and one block of text.
func article(t *testing.T, entity, slug, title, md string) *igny8.Content {
	t.Helper()
	p := &blueprints.Page{ID: slug, Path: "/blog/" + slug + "/", Type: blueprints.PagePost, Title: title, Description: "IGNY8's excerpt.", Date: "2025-03-01",
		Image: &blueprints.Image{Asset: "hero"}, SEO: &blueprints.PageSEO{Title: "Fresh bread daily"}, Blocks: []*blueprints.Block{richtext("s1", md)}}
	if entity != igny8.EntityPost {
		p.Path, p.Type, p.Date = "/"+slug+"/", blueprints.PagePage, ""
	}
	return &igny8.Content{SiteID: 1, EntityType: entity, Title: title, Slug: slug, MetaTitle: title + " | Bakery",
		Excerpt: "IGNY8's excerpt.", Status: igny8.ContentPublished, Page: mustJSON(t, p)}
}

// gutenberg is the block markup of a page with these blocks of text, as
// WordPress's editor saves it.
func gutenberg(t *testing.T, md ...string) string {
	t.Helper()
	p := &blueprints.Page{}
	for i, m := range md {
		p.Blocks = append(p.Blocks, richtext(fmt.Sprint("s", i+1), m))
	}
	s, err := markup.Gutenberg(p, markup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func codeIs(t *testing.T, what string, err error, code string) {
	t.Helper()
	if igny8.ErrorCode(err) != code {
		t.Errorf("%s: %v (%s), want a %s error", what, err, igny8.ErrorCode(err), code)
	}
}

// An edit made on the platform while IGNY8's version is the one written
// comes back as a revision with the remote title, excerpt and blocks,
// the rest of the page kept; the record is then in sync with both sides,
// so publishing again writes nothing and syncing again pulls nothing.
func TestSyncPullsRemoteEdit(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	c, rec := b.published(t, igny8.EntityPost, "sourdough", "Sourdough", "Flour, water, salt.")
	_, other := b.published(t, igny8.EntityPage, "about", "About", "We bake.")
	before := pageOf(t, c)

	body := gutenberg(t, "## Edited\n\nNew *text* here.", "Second.")
	obj := b.wp.edit(rec.RemoteID, "Sourdough, edited", "Edited on WordPress.", body)
	res := b.sync(t)
	if diff := cmp.Diff(&publishing.SyncResult{Checked: 2, Pulled: []int64{c.ID}, Conflicts: []int64{}, Deleted: []int64{}}, res); diff != "" {
		t.Errorf("sync result (-want +got):\n%s", diff)
	}

	got := b.st.content(c.ID)
	if got.Revision != 2 || got.Title != "Sourdough, edited" || got.Excerpt != "Edited on WordPress." || got.Slug != "sourdough" ||
		got.MetaTitle != c.MetaTitle || got.EntityType != igny8.EntityPost {
		t.Errorf("pulled content: %+v", got)
	}
	if diff := cmp.Diff([]string{"ai", "sync"}, b.st.sources[c.ID]); diff != "" {
		t.Errorf("revision sources (-want +got):\n%s", diff)
	}
	want := *before
	want.Title, want.Description = "Sourdough, edited", "Edited on WordPress."
	want.Blocks = []*blueprints.Block{richtext("s1", "## Edited\n\nNew *text* here.\n\nSecond.")}
	if diff := cmp.Diff(&want, pageOf(t, got)); diff != "" {
		t.Errorf("pulled page (-want +got):\n%s", diff)
	}
	if blocks, err := markup.Blocks(body); err != nil || !cmp.Equal(blocks, pageOf(t, got).Blocks) {
		t.Errorf("the page's blocks are not markup.Blocks of the body: %v", err)
	}

	r := b.st.record(c.ID, blog.ID)
	if r.SyncStatus != igny8.RecordInSync || r.RemoteHash != obj.Hash || r.RemoteHash == rec.RemoteHash ||
		r.RemoteModified == nil || !r.RemoteModified.Equal(obj.Modified) || r.ContentHash != hashOf(t, got) ||
		r.RemoteVersion != nil || r.RemoteID != rec.RemoteID || r.SyncedAt == nil {
		t.Errorf("record after the pull: %+v, want in sync with remote hash %s and content hash %s", r, obj.Hash, hashOf(t, got))
	}
	if o := b.st.record(other.ContentID, blog.ID); o.RemoteHash != other.RemoteHash || o.SyncedAt != nil {
		t.Errorf("the unedited page's record changed: %+v", o)
	}
	// Missing is asked about every live object, with its entity type.
	if diff := cmp.Diff([][]publishing.RemoteRef{{{ID: rec.RemoteID, EntityType: igny8.EntityPost}, {ID: other.RemoteID, EntityType: igny8.EntityPage}}}, b.wp.asked); diff != "" {
		t.Errorf("Missing asked (-want +got):\n%s", diff)
	}

	calls := len(b.wp.calls)
	if _, out, err := b.pub.Publish(b.ctx, blog, b.wp, got); err != nil || out != publishing.Unchanged || len(b.wp.calls) != calls {
		t.Errorf("publishing the pulled version: %s %v, %d writes", out, err, len(b.wp.calls)-calls)
	}
	res = b.sync(t)
	if len(res.Pulled) != 0 || len(res.Conflicts) != 0 || res.Checked != 2 || b.st.content(c.ID).Revision != 2 {
		t.Errorf("syncing the same edit again: %+v, revision %d", res, b.st.content(c.ID).Revision)
	}
}

// Sync reads what changed since the time it is given, and an edit's URL
// replaces the record's.
func TestSyncSinceAndURL(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	c, rec := b.published(t, igny8.EntityPost, "rye", "Rye", "Dark.")
	since := b.wp.now
	b.wp.objs[rec.RemoteID].URL = "https://remote.example/rye-bread/"
	b.wp.edit(rec.RemoteID, "Rye", "", gutenberg(t, "Darker."))
	res, err := b.sy.Sync(b.ctx, blog, b.wp, since)
	if err != nil || len(res.Pulled) != 1 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	if diff := cmp.Diff([]time.Time{since}, b.wp.since); diff != "" {
		t.Errorf("Changed asked since (-want +got):\n%s", diff)
	}
	if r := b.st.record(c.ID, blog.ID); r.RemoteURL != "https://remote.example/rye-bread/" {
		t.Errorf("remote URL %q", r.RemoteURL)
	}
	// An empty remote excerpt keeps the page's description.
	if got := b.st.content(c.ID); got.Excerpt != "" || pageOf(t, got).Description != "IGNY8's excerpt." {
		t.Errorf("excerpt %q, description %q", got.Excerpt, pageOf(t, got).Description)
	}
	// Nothing changed after the last edit: nothing is checked.
	res, err = b.sy.Sync(b.ctx, blog, b.wp, b.wp.now)
	if err != nil || res.Checked != 0 {
		t.Errorf("a sync after the last change: %+v %v", res, err)
	}
}

// The Facts hook sets the facts of the pulled page on the content, but
// never its slug.
func TestSyncFacts(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	var seen []string
	b.sy.Facts = func(c *igny8.Content, p *blueprints.Page) {
		seen = append(seen, p.Title)
		c.MetaDescription, c.WordCount, c.Slug = p.Description, len(strings.Fields(p.Blocks[0].Props["markdown"].(string))), "changed-by-facts"
	}
	c, rec := b.published(t, igny8.EntityPost, "spelt", "Spelt", "Old.")
	b.wp.edit(rec.RemoteID, "Spelt loaf", "A nutty loaf.", gutenberg(t, "Three words here."))
	b.sync(t)
	got := b.st.content(c.ID)
	if got.MetaDescription != "A nutty loaf." || got.WordCount != 3 || got.Slug != "spelt" || !slices.Equal(seen, []string{"Spelt loaf"}) {
		t.Errorf("facts: meta description %q, words %d, slug %q, hook saw %q", got.MetaDescription, got.WordCount, got.Slug, seen)
	}
	if r := b.st.record(c.ID, blog.ID); r.ContentHash != hashOf(t, got) {
		t.Errorf("content hash %s, want %s", r.ContentHash, hashOf(t, got))
	}
}

// An object whose hash is the one IGNY8 wrote is IGNY8's own write;
// objects with no record are not IGNY8's and left to an import.
func TestSyncEchoAndForeign(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	c, rec := b.published(t, igny8.EntityPost, "bagels", "Bagels", "Boiled.")
	b.wp.put(publishing.RemoteObject{ID: "900", EntityType: igny8.EntityPost, Slug: "theirs", Title: "Theirs", Body: "<p>x</p>", Modified: b.wp.tick()})

	res := b.sync(t)
	if res.Checked != 1 || len(res.Pulled)+len(res.Conflicts)+len(res.Deleted) != 0 {
		t.Errorf("sync of IGNY8's own write: %+v", res)
	}
	if got := b.st.content(c.ID); got.Revision != 1 {
		t.Errorf("content revised to %d", got.Revision)
	}
	if r := b.st.record(c.ID, blog.ID); r.SyncedAt != nil || r.RemoteHash != rec.RemoteHash || r.SyncStatus != igny8.RecordInSync {
		t.Errorf("record written: %+v", r)
	}
	if len(b.st.contents) != 1 || len(b.st.records) != 1 {
		t.Errorf("the foreign object made %d contents, %d records", len(b.st.contents), len(b.st.records))
	}
}

// A record without a remote hash (the destination gave none) takes the
// object as it is as its baseline: no pull; a later edit is pulled.
func TestSyncBaseline(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	b.wp.noHash = true
	c, rec := b.published(t, igny8.EntityPost, "focaccia", "Focaccia", "Oily.")
	if rec.RemoteHash != "" {
		t.Fatalf("remote hash %q", rec.RemoteHash)
	}
	// Whatever the platform made of IGNY8's write (here: a changed body).
	obj := b.wp.edit(rec.RemoteID, "Focaccia", "IGNY8's excerpt.", gutenberg(t, "Oily, as WordPress rewrote it."))

	res := b.sync(t)
	if res.Checked != 1 || len(res.Pulled) != 0 || len(res.Conflicts) != 0 {
		t.Errorf("baseline sync: %+v", res)
	}
	r := b.st.record(c.ID, blog.ID)
	if r.RemoteHash != obj.Hash || r.RemoteModified == nil || !r.RemoteModified.Equal(obj.Modified) || r.SyncStatus != igny8.RecordInSync ||
		r.ContentHash != rec.ContentHash {
		t.Errorf("baseline record: %+v, want remote hash %s", r, obj.Hash)
	}
	if got := b.st.content(c.ID); got.Revision != 1 {
		t.Errorf("baseline revised the content to %d", got.Revision)
	}
	if res := b.sync(t); len(res.Pulled) != 0 || b.st.record(c.ID, blog.ID).RemoteHash != obj.Hash {
		t.Errorf("second sync: %+v", res)
	}
	b.wp.edit(rec.RemoteID, "Focaccia", "IGNY8's excerpt.", gutenberg(t, "Rosemary."))
	if res := b.sync(t); !slices.Equal(res.Pulled, []int64{c.ID}) || b.st.content(c.ID).Revision != 2 {
		t.Errorf("an edit after the baseline: %+v", res)
	}
}

// conflicted publishes a piece, edits it in IGNY8 and on the platform.
func conflicted(t *testing.T) (b *syncBundle, local *igny8.Content, rec *igny8.PublishingRecord, obj *publishing.RemoteObject) {
	t.Helper()
	b = setupSync(t)
	c, rec := b.published(t, igny8.EntityPost, "brioche", "Brioche", "Buttery.")
	local = b.st.edit(t, c.ID, "Brioche (IGNY8)", "Buttery, edited in IGNY8.")
	obj = b.wp.edit(rec.RemoteID, "Brioche (remote)", "Their excerpt.", gutenberg(t, "Edited on *WordPress*."))
	res := b.sync(t)
	if diff := cmp.Diff(&publishing.SyncResult{Checked: 1, Pulled: []int64{}, Conflicts: []int64{c.ID}, Deleted: []int64{}}, res); diff != "" {
		t.Fatalf("sync result (-want +got):\n%s", diff)
	}
	return b, local, rec, obj
}

// Both sides changed: the remote version is kept on the record and the
// content left alone until Resolve.
func TestSyncConflict(t *testing.T) {
	t.Parallel()
	b, local, rec, obj := conflicted(t)
	if got := b.st.content(local.ID); !cmp.Equal(got, local) {
		t.Errorf("the conflict changed the content (-want +got):\n%s", cmp.Diff(local, got))
	}
	r := b.st.record(local.ID, blog.ID)
	if r.SyncStatus != igny8.RecordConflict || r.RemoteHash != rec.RemoteHash || r.ContentHash != rec.ContentHash || r.RemoteVersion == nil {
		t.Fatalf("conflict record: %+v", r)
	}
	want := pageOf(t, local)
	want.Title, want.Description, want.Blocks = "Brioche (remote)", "Their excerpt.", []*blueprints.Block{richtext("s1", "Edited on *WordPress*.")}
	v := r.RemoteVersion
	if v.Title != obj.Title || v.Excerpt != obj.Excerpt || v.Hash != obj.Hash || !v.Modified.Equal(obj.Modified) {
		t.Errorf("remote version: %+v, want of %+v", v, obj)
	}
	var got blueprints.Page
	if err := json.Unmarshal(v.Page, &got); err != nil || !cmp.Equal(want, &got) {
		t.Errorf("remote version's page (-want +got):\n%s", cmp.Diff(want, &got))
	}
	// A second sync finds the same conflict.
	if res := b.sync(t); !slices.Equal(res.Conflicts, []int64{local.ID}) || b.st.content(local.ID).Revision != local.Revision {
		t.Errorf("second sync: %+v", res)
	}
}

// Keeping the remote version makes it the next revision, in sync.
func TestResolveKeepRemote(t *testing.T) {
	t.Parallel()
	b, local, _, obj := conflicted(t)
	calls := len(b.wp.calls)
	r, err := b.sy.Resolve(b.ctx, b.pub, blog, nil, b.st.record(local.ID, blog.ID), publishing.KeepRemote)
	if err != nil {
		t.Fatal(err)
	}
	got := b.st.content(local.ID)
	if got.Revision != local.Revision+1 || got.Title != "Brioche (remote)" || got.Excerpt != "Their excerpt." ||
		!slices.Equal(b.st.sources[local.ID], []string{"ai", "edit", "sync"}) {
		t.Errorf("content after keeping the remote version: %+v %v", got, b.st.sources[local.ID])
	}
	if blocks := pageOf(t, got).Blocks; !cmp.Equal(blocks, []*blueprints.Block{richtext("s1", "Edited on *WordPress*.")}) {
		t.Errorf("blocks: %s", mustJSON(t, blocks))
	}
	stored := b.st.record(local.ID, blog.ID)
	if !cmp.Equal(r, stored) {
		t.Errorf("Resolve returned another record than the store's (-returned +stored):\n%s", cmp.Diff(r, stored))
	}
	if stored.SyncStatus != igny8.RecordInSync || stored.RemoteVersion != nil || stored.RemoteHash != obj.Hash ||
		!stored.RemoteModified.Equal(obj.Modified) || stored.ContentHash != hashOf(t, got) {
		t.Errorf("record: %+v", stored)
	}
	if len(b.wp.calls) != calls {
		t.Errorf("keeping the remote version wrote to the platform")
	}
	if _, out, err := b.pub.Publish(b.ctx, blog, b.wp, got); err != nil || out != publishing.Unchanged {
		t.Errorf("publish after: %s %v", out, err)
	}
	if res := b.sync(t); res.Checked != 1 || len(res.Pulled)+len(res.Conflicts) != 0 {
		t.Errorf("sync after: %+v", res)
	}
}

// Keeping IGNY8's version writes it over the remote object.
func TestResolveKeepIGNY8(t *testing.T) {
	t.Parallel()
	b, local, rec, _ := conflicted(t)
	calls := len(b.wp.calls)
	r, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, b.st.record(local.ID, blog.ID), publishing.KeepIGNY8)
	if err != nil {
		t.Fatal(err)
	}
	key := publishing.IdempotencyKey(blog.ID, local.ID, hashOf(t, local))
	if diff := cmp.Diff([]string{key + "|" + rec.RemoteID}, b.wp.calls[calls:]); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	obj := b.wp.objs[rec.RemoteID]
	if obj.Title != "Brioche (IGNY8)" || b.wp.objects != 1 {
		t.Errorf("remote object %+v, %d objects", obj, b.wp.objects)
	}
	stored := b.st.record(local.ID, blog.ID)
	if !cmp.Equal(r, stored) {
		t.Errorf("Resolve returned another record than the store's (-returned +stored):\n%s", cmp.Diff(r, stored))
	}
	if stored.SyncStatus != igny8.RecordInSync || stored.Status != igny8.PublishPublished || stored.RemoteVersion != nil ||
		stored.ContentHash != hashOf(t, local) || stored.RemoteHash != obj.Hash || stored.RemoteID != rec.RemoteID {
		t.Errorf("record: %+v", stored)
	}
	if got := b.st.content(local.ID); !cmp.Equal(got, local) {
		t.Errorf("keeping IGNY8's version changed it (-want +got):\n%s", cmp.Diff(local, got))
	}
	// The write comes back as IGNY8's own: nothing to pull, no conflict.
	if res := b.sync(t); res.Checked != 1 || len(res.Pulled)+len(res.Conflicts) != 0 {
		t.Errorf("sync after: %+v", res)
	}
	if _, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, stored, publishing.KeepIGNY8); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("resolving again: %v", err)
	}
}

// A failed write while keeping IGNY8's version is returned and recorded;
// the conflict is over, and a retry publishes IGNY8's version. Until it
// is written, IGNY8's version is the one chosen: a sync neither brings
// the remote version back nor pulls a new remote edit over it.
func TestResolveKeepIGNY8WriteFails(t *testing.T) {
	t.Parallel()
	b, local, rec, _ := conflicted(t)
	b.wp.fail = errors.New("WordPress is down.")
	if _, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, b.st.record(local.ID, blog.ID), publishing.KeepIGNY8); err == nil || err.Error() != "WordPress is down." {
		t.Fatalf("resolve: %v", err)
	}
	r := b.st.record(local.ID, blog.ID)
	if r.Status != igny8.PublishFailed || r.SyncStatus != igny8.RecordLocalChanges || r.RemoteVersion != nil || r.ContentHash != "" || r.RemoteID != rec.RemoteID {
		t.Errorf("record after the failed write: %+v", r)
	}
	if res := b.sync(t); res.Checked != 1 || len(res.Pulled)+len(res.Conflicts) != 0 || b.st.record(local.ID, blog.ID).SyncStatus != igny8.RecordLocalChanges {
		t.Errorf("sync of the remote version refused: %+v", res)
	}
	obj := b.wp.edit(rec.RemoteID, "Brioche (remote, again)", "", gutenberg(t, "Edited again."))
	if res := b.sync(t); !slices.Equal(res.Conflicts, []int64{local.ID}) || len(res.Pulled) != 0 {
		t.Errorf("sync of a new remote edit: %+v, want a conflict", res)
	}
	if got := b.st.content(local.ID); !cmp.Equal(got, local) {
		t.Errorf("a new remote edit replaced the version kept (-want +got):\n%s", cmp.Diff(local, got))
	}
	if r := b.st.record(local.ID, blog.ID); r.SyncStatus != igny8.RecordConflict || r.RemoteVersion == nil || r.RemoteVersion.Hash != obj.Hash {
		t.Errorf("record: %+v", r)
	}
	b.wp.fail = nil
	if _, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, b.st.record(local.ID, blog.ID), publishing.KeepIGNY8); err != nil {
		t.Fatal(err)
	}
	if _, out, err := b.pub.Publish(b.ctx, blog, b.wp, b.st.content(local.ID)); err != nil || out != publishing.Unchanged {
		t.Errorf("publish after: %s %v", out, err)
	}
	if r := b.st.record(local.ID, blog.ID); r.SyncStatus != igny8.RecordInSync || b.wp.objs[rec.RemoteID].Title != "Brioche (IGNY8)" {
		t.Errorf("after the retry: %+v", r)
	}
}

// A remote object gone is marked remote_deleted and not asked about
// again; keeping IGNY8's version makes a new object; there is no remote
// version to keep.
func TestSyncRemoteDeleted(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	c, rec := b.published(t, igny8.EntityPost, "baguette", "Baguette", "Crusty.")
	p, prec := b.published(t, igny8.EntityPage, "contact", "Contact", "Call us.")
	b.wp.remove(rec.RemoteID)

	res := b.sync(t)
	if diff := cmp.Diff(&publishing.SyncResult{Checked: 1, Pulled: []int64{}, Conflicts: []int64{}, Deleted: []int64{c.ID}}, res); diff != "" {
		t.Errorf("sync result (-want +got):\n%s", diff)
	}
	r := b.st.record(c.ID, blog.ID)
	if r.SyncStatus != igny8.RecordRemoteDeleted || r.RemoteID != rec.RemoteID || r.RemoteVersion != nil {
		t.Errorf("deleted record: %+v", r)
	}
	if o := b.st.record(p.ID, blog.ID); o.SyncStatus != igny8.RecordInSync {
		t.Errorf("the other record: %+v", o)
	}
	if res := b.sync(t); len(res.Deleted) != 0 {
		t.Errorf("second sync: %+v", res)
	}
	if diff := cmp.Diff([]publishing.RemoteRef{{ID: prec.RemoteID, EntityType: igny8.EntityPage}}, b.wp.asked[1]); diff != "" {
		t.Errorf("the second sync asked about (-want +got):\n%s", diff)
	}

	_, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, b.st.record(c.ID, blog.ID), publishing.KeepRemote)
	codeIs(t, "keep remote of a deleted object", err, igny8.EInvalid)
	if got := b.st.record(c.ID, blog.ID); !cmp.Equal(got, r) {
		t.Errorf("a refused resolve changed the record (-want +got):\n%s", cmp.Diff(r, got))
	}

	calls := len(b.wp.calls)
	out, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, b.st.record(c.ID, blog.ID), publishing.KeepIGNY8)
	if err != nil {
		t.Fatal(err)
	}
	key := publishing.IdempotencyKey(blog.ID, c.ID, hashOf(t, c))
	if diff := cmp.Diff([]string{key + "|"}, b.wp.calls[calls:]); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if out.RemoteID == rec.RemoteID || out.RemoteID == "" || b.wp.objs[out.RemoteID] == nil || out.SyncStatus != igny8.RecordInSync ||
		out.Status != igny8.PublishPublished || out.RemoteURL != "https://remote.example/"+out.RemoteID || out.RemoteHash != b.wp.objs[out.RemoteID].Hash {
		t.Errorf("record after publishing again: %+v", out)
	}
	// The new object is live again: the next sync asks about it.
	b.sync(t)
	if asked := b.wp.asked[len(b.wp.asked)-1]; len(asked) != 2 || asked[0].ID != out.RemoteID {
		t.Errorf("asked about %+v", asked)
	}
}

// Resolve refuses a record with nothing to settle and an unknown keep,
// writing nothing.
func TestResolveRefusals(t *testing.T) {
	t.Parallel()
	b, local, _, _ := conflicted(t)
	_, other := b.published(t, igny8.EntityPost, "scones", "Scones", "Crumbly.")
	for _, keep := range []string{publishing.KeepIGNY8, publishing.KeepRemote} {
		_, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, other, keep)
		codeIs(t, "resolve an in-sync record, keep "+keep, err, igny8.EConflict)
	}
	r := b.st.record(local.ID, blog.ID)
	calls := len(b.wp.calls)
	for _, keep := range []string{"", "mine", "IGNY8"} {
		_, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, b.st.record(local.ID, blog.ID), keep)
		codeIs(t, fmt.Sprintf("keep %q", keep), err, igny8.EInvalid)
	}
	if got := b.st.record(local.ID, blog.ID); !cmp.Equal(got, r) || len(b.wp.calls) != calls || b.st.content(local.ID).Revision != local.Revision {
		t.Errorf("refused resolves changed something: %+v", got)
	}
}

// Objects IGNY8 does not have become drafts recorded as published in
// this version, so publishing them unchanged writes nothing; objects
// with IGNY8's marker or a record are known; a body that cannot be read
// is skipped with the reason; a second import imports nothing.
func TestImport(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	_, mine := b.published(t, igny8.EntityPost, "ours", "Ours", "IGNY8 wrote it.")
	published := time.Date(2024, 12, 24, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	postBody := gutenberg(t, "## Why rye\n\nBecause.")
	b.wp.put(publishing.RemoteObject{ID: "200", URL: "https://remote.example/rye-guide/", EntityType: igny8.EntityPost, Slug: "rye-guide",
		Title: "The rye guide", Excerpt: "All about rye.", Body: postBody, Status: "publish", Published: published, Modified: b.wp.tick()})
	b.wp.put(publishing.RemoteObject{ID: "201", URL: "https://remote.example/visit/", EntityType: igny8.EntityPage, Slug: "visit",
		Title: "Visit us", Body: "<h2>Hours</h2><p>Open <b>daily</b>.</p>", Status: "publish", Modified: b.wp.tick()})
	// Marked by another IGNY8 content (another site's, or a crash before the record).
	b.wp.put(publishing.RemoteObject{ID: "202", EntityType: igny8.EntityPost, Slug: "marked", Title: "Marked", Body: "<p>m</p>", ContentID: 77})
	b.wp.put(publishing.RemoteObject{ID: "203", EntityType: igny8.EntityPost, Slug: "huge", Title: "Huge", Body: strings.Repeat("x", blueprints.MaxSize+1)})
	b.wp.put(publishing.RemoteObject{ID: "204", EntityType: igny8.EntityPost, Slug: "ours", Title: "Ours too", Published: published, Body: "<p>Same slug.</p>"})

	res, err := b.sy.Import(b.ctx, blog, b.wp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Imported, []int64{2, 3, 4}) || res.Known != 2 || len(res.Skipped) != 1 || res.Skipped[0].RemoteID != "203" ||
		!strings.Contains(res.Skipped[0].Reason, "cannot be read as blocks") {
		t.Fatalf("import: %+v", res)
	}

	post, page, clash := b.st.content(2), b.st.content(3), b.st.content(4)
	if post.Status != igny8.ContentDraft || post.EntityType != igny8.EntityPost || post.Title != "The rye guide" || post.Slug != "rye-guide" ||
		post.Excerpt != "All about rye." || !slices.Equal(b.st.sources[post.ID], []string{"import"}) {
		t.Errorf("imported post: %+v", post)
	}
	wantPost := &blueprints.Page{ID: "rye-guide", Path: "/blog/rye-guide/", Type: blueprints.PagePost, Title: "The rye guide",
		Description: "All about rye.", Date: "2024-12-25", Blocks: []*blueprints.Block{richtext("s1", "## Why rye\n\nBecause.")}}
	if diff := cmp.Diff(wantPost, pageOf(t, post)); diff != "" {
		t.Errorf("imported post's page (-want +got):\n%s", diff)
	}
	wantPage := &blueprints.Page{ID: "visit", Path: "/visit/", Type: blueprints.PagePage, Title: "Visit us",
		Blocks: []*blueprints.Block{richtext("s1", "## Hours\n\nOpen **daily**.")}}
	if diff := cmp.Diff(wantPage, pageOf(t, page)); diff != "" {
		t.Errorf("imported page (-want +got):\n%s", diff)
	}
	if p := pageOf(t, clash); clash.Slug != "ours-2" || p.ID != "ours-2" || p.Path != "/blog/ours-2/" || p.Date != "2024-12-25" {
		t.Errorf("a slug the site has: %q, page %+v", clash.Slug, p)
	}

	for _, tt := range []struct {
		c   *igny8.Content
		obj string
	}{{post, "200"}, {page, "201"}, {clash, "204"}} {
		r := b.st.record(tt.c.ID, blog.ID)
		o := b.wp.objs[tt.obj]
		if r == nil || r.Status != igny8.PublishPublished || r.SyncStatus != igny8.RecordInSync || r.RemoteID != tt.obj || r.RemoteURL != o.URL ||
			r.RemoteHash != o.Hash || r.RemoteModified == nil || !r.RemoteModified.Equal(o.Modified) || r.ContentHash != hashOf(t, tt.c) {
			t.Errorf("record of remote %s: %+v", tt.obj, r)
		}
		dest := &fakeDest{}
		if _, out, err := b.pub.Publish(b.ctx, blog, dest, tt.c); err != nil || out != publishing.Unchanged || len(dest.calls) != 0 {
			t.Errorf("publishing imported %s unchanged: %s %v, %d writes", tt.obj, out, err, len(dest.calls))
		}
	}
	if r := b.st.record(1, blog.ID); r.RemoteID != mine.RemoteID || len(b.st.contents) != 4 {
		t.Errorf("IGNY8's own object was imported: %d contents", len(b.st.contents))
	}

	imports := b.st.calls["ImportContent"]
	res, err = b.sy.Import(b.ctx, blog, b.wp)
	if err != nil || len(res.Imported) != 0 || res.Known != 5 || len(res.Skipped) != 1 || len(b.st.contents) != 4 {
		t.Errorf("second import: %+v %v, %d contents", res, err, len(b.st.contents))
	}
	if n := b.st.calls["ImportContent"] - imports; n != 0 {
		t.Errorf("the second import asked the store to import %d known objects", n)
	}
	// Imported objects are IGNY8's now: a sync follows their edits.
	b.wp.edit("201", "Visit us", "", "<p>Closed on Mondays.</p>")
	if res := b.sync(t); !slices.Equal(res.Pulled, []int64{page.ID}) || res.Checked != 3 {
		t.Errorf("sync after the import: %+v", res)
	}
}

// The Facts hook is applied to imported content, its slug kept.
func TestImportFacts(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	b.sy.Facts = func(c *igny8.Content, p *blueprints.Page) {
		c.MetaTitle, c.MetaDescription, c.WordCount, c.Slug = p.Title+" | Bakery", p.Description, 2, "not-this"
	}
	b.wp.put(publishing.RemoteObject{ID: "300", EntityType: igny8.EntityPost, Slug: "crumb", Title: "Crumb", Excerpt: "Open crumb.",
		Body: "<p>Open crumb.</p>", Modified: b.wp.tick()})
	res, err := b.sy.Import(b.ctx, blog, b.wp)
	if err != nil || len(res.Imported) != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	c := b.st.content(res.Imported[0])
	if c.MetaTitle != "Crumb | Bakery" || c.MetaDescription != "Open crumb." || c.WordCount != 2 || c.Slug != "crumb" {
		t.Errorf("facts of imported content: %+v", c)
	}
	// A date from Modified when the platform gives no publication date.
	if p := pageOf(t, c); p.Date != "2025-05-01" || p.ID != "crumb" {
		t.Errorf("page: %+v", p)
	}
	if r := b.st.record(c.ID, blog.ID); r.ContentHash != hashOf(t, c) {
		t.Errorf("record content hash %s, want %s", r.ContentHash, hashOf(t, c))
	}
}

// The store's refusal of a piece (invalid) skips it; other failures end
// the import.
func TestImportStoreRefusal(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	b.wp.put(publishing.RemoteObject{ID: "400", EntityType: igny8.EntityPost, Slug: "untitled", Body: "<p>No title.</p>"})
	b.wp.put(publishing.RemoteObject{ID: "401", EntityType: igny8.EntityPost, Slug: "titled", Title: "Titled", Body: "<p>Fine.</p>"})
	res, err := b.sy.Import(b.ctx, blog, b.wp)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&publishing.ImportResult{Imported: []int64{1}, Skipped: []publishing.ImportSkip{{RemoteID: "400", Reason: "The content has no title."}}}, res); diff != "" {
		t.Errorf("import (-want +got):\n%s", diff)
	}
}

// Every failure of the source or the store is returned, unchanged.
func TestSyncErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	// setup publishes one piece edited remotely (a pull) and one deleted
	// remotely, so a sync calls every store method.
	setup := func(t *testing.T) *syncBundle {
		b := setupSync(t)
		_, rec := b.published(t, igny8.EntityPost, "a", "A", "a")
		_, gone := b.published(t, igny8.EntityPost, "b", "B", "b")
		b.wp.edit(rec.RemoteID, "A2", "", gutenberg(t, "a2"))
		b.wp.remove(gone.RemoteID)
		return b
	}
	t.Run("Everything", func(t *testing.T) {
		t.Parallel()
		if res := setup(t).sync(t); len(res.Pulled) != 1 || len(res.Deleted) != 1 {
			t.Fatalf("the scenario does not reach every step: %+v", res)
		}
	})
	for _, method := range []string{"SyncedRecords", "Contents", "Content", "PullRemote", "SetSyncState", "Changed", "Missing"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.st.failFunc = func(m string) error {
				if m == method {
					return boom
				}
				return nil
			}
			switch method {
			case "Changed":
				b.wp.changedErr = boom
			case "Missing":
				b.wp.missingErr = boom
			}
			res, err := b.sy.Sync(b.ctx, blog, b.wp, time.Time{})
			if !errors.Is(err, boom) || res != nil {
				t.Errorf("sync: %+v %v, want boom", res, err)
			}
		})
	}
	t.Run("UnreadableBody", func(t *testing.T) {
		t.Parallel()
		b := setupSync(t)
		_, rec := b.published(t, igny8.EntityPost, "a", "A", "a")
		b.wp.edit(rec.RemoteID, "A", "", strings.Repeat("x", blueprints.MaxSize+1))
		_, err := b.sy.Sync(b.ctx, blog, b.wp, time.Time{})
		codeIs(t, "sync of an unreadable body", err, igny8.EInvalid)
		if err == nil || !strings.Contains(err.Error(), "remote object "+rec.RemoteID) {
			t.Errorf("the error does not name the object: %v", err)
		}
	})
	for _, method := range []string{"SyncedRecords", "All", "ImportContent"} {
		t.Run("Import"+method, func(t *testing.T) {
			t.Parallel()
			b := setupSync(t)
			b.wp.put(publishing.RemoteObject{ID: "1", EntityType: igny8.EntityPost, Slug: "x", Title: "X", Body: "<p>x</p>"})
			b.st.failFunc = func(m string) error {
				if m == method {
					return boom
				}
				return nil
			}
			if method == "All" {
				b.wp.allErr = boom
			}
			res, err := b.sy.Import(b.ctx, blog, b.wp)
			if !errors.Is(err, boom) || res != nil {
				t.Errorf("import: %+v %v, want boom", res, err)
			}
		})
	}
	for _, tt := range []struct{ method, keep string }{
		{"Content", publishing.KeepIGNY8}, {"SetSyncState", publishing.KeepIGNY8}, {"Content", publishing.KeepRemote}, {"PullRemote", publishing.KeepRemote},
	} {
		t.Run("Resolve"+tt.method+tt.keep, func(t *testing.T) {
			t.Parallel()
			b, local, _, _ := conflicted(t)
			r := b.st.record(local.ID, blog.ID)
			calls := len(b.wp.calls)
			b.st.failFunc = func(m string) error {
				if m == tt.method {
					return boom
				}
				return nil
			}
			if _, err := b.sy.Resolve(b.ctx, b.pub, blog, b.wp, b.st.record(local.ID, blog.ID), tt.keep); !errors.Is(err, boom) {
				t.Errorf("resolve: %v, want boom", err)
			}
			if got := b.st.record(local.ID, blog.ID); !cmp.Equal(got, r) || len(b.wp.calls) != calls || b.st.content(local.ID).Revision != local.Revision {
				t.Errorf("a failed resolve changed something: %+v", got)
			}
		})
	}
}

// Content ids are read a page of 500 at a time: a record of content past
// the first page is asked about with its entity type.
func TestSyncManyContents(t *testing.T) {
	t.Parallel()
	b := setupSync(t)
	for i := range 520 {
		b.st.add(article(t, igny8.EntityPost, fmt.Sprint("filler-", i), "Filler", "x"))
	}
	_, rec := b.published(t, igny8.EntityService, "catering", "Catering", "We cater.")
	b.sync(t)
	if diff := cmp.Diff([][]publishing.RemoteRef{{{ID: rec.RemoteID, EntityType: igny8.EntityService}}}, b.wp.asked); diff != "" {
		t.Errorf("Missing asked (-want +got):\n%s", diff)
	}
}
