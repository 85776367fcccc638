package postgres_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

func TestSaveTaskContentOnce(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	_, _, task := p.task(t, "b")
	c, created, err := p.db.SaveTaskContent(ctx, p.site.ID, task.ID, written("choosing-shoes"))
	if err != nil || !created {
		t.Fatalf("first save: created %v, %v", created, err)
	}
	if c.Slug != "choosing-shoes" || c.Status != igny8.ContentDraft || c.Revision != 1 || c.TaskID == nil || *c.TaskID != task.ID ||
		c.Title != "Title" || c.MetaTitle != "Meta" || c.TargetKeyword != "kw" || c.WordCount != 1 || c.Provenance != offline || c.PublishedAt != nil {
		t.Errorf("content = %+v", c)
	}
	if !sameJSON(c.Page, written("choosing-shoes").Page) {
		t.Errorf("page = %s", c.Page)
	}
	done, err := p.db.Task(ctx, p.site.ID, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != igny8.TaskDone || done.ContentID == nil || *done.ContentID != c.ID {
		t.Errorf("task after writing = %+v", done)
	}
	revs, err := p.db.ContentRevisions(ctx, p.site.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	alpha, _ := igny8.ActorFrom(ctx)
	if len(revs) != 1 || revs[0].Revision != 1 || revs[0].Source != "ai" || revs[0].CreatedBy == nil || *revs[0].CreatedBy != alpha.UserID ||
		!sameJSON(revs[0].Page, c.Page) {
		t.Errorf("revisions = %+v", revs)
	}

	// A redelivered job finds the content; nothing is added.
	other := written("something-else")
	again, created, err := p.db.SaveTaskContent(ctx, p.site.ID, task.ID, other)
	if err != nil || created || again.ID != c.ID || again.Slug != "choosing-shoes" {
		t.Errorf("second save: %+v, created %v, %v", again, created, err)
	}
	if all, _ := p.db.Contents(ctx, p.site.ID, igny8.ContentFilter{}); len(all) != 1 {
		t.Errorf("site has %d contents", len(all))
	}
	if revs, _ := p.db.ContentRevisions(ctx, p.site.ID, c.ID); len(revs) != 1 {
		t.Errorf("%d revisions after a repeat", len(revs))
	}
	// SetTaskStatus leaves a done task done.
	if err := p.db.SetTaskStatus(ctx, p.site.ID, task.ID, igny8.TaskWriting, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.db.Task(ctx, p.site.ID, task.ID); got.Status != igny8.TaskDone {
		t.Errorf("a done task became %s", got.Status)
	}

	_, _, err = p.db.SaveTaskContent(ctx, p.site.ID, 999, written("x"))
	wantMessage(t, "unknown task", err, igny8.ENotFound, fmt.Sprintf("There is no task 999 in site %d.", p.site.ID))
	_, _, t2 := p.task(t, "c")
	bad := written("x")
	bad.Page = json.RawMessage(`[1]`)
	_, _, err = p.db.SaveTaskContent(ctx, p.site.ID, t2.ID, bad)
	wantCode(t, "a page that is no object", err, igny8.EInvalid)
	bad = written("x")
	bad.EntityType = "essay"
	_, _, err = p.db.SaveTaskContent(ctx, p.site.ID, t2.ID, bad)
	wantCode(t, "an unknown entity type", err, igny8.EInvalid)
}

func TestContentSlugCollisions(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	// The blueprint has a page "about": content may not take its id.
	if _, err := p.db.SaveBlueprint(ctx, p.site.ID, []byte(smallBlueprint)); err != nil {
		t.Fatal(err)
	}
	first := p.content(t, "b1", "shoes")
	second := p.content(t, "b2", "shoes")
	third := p.content(t, "b3", "shoes")
	about := p.content(t, "b4", "about")
	for _, tc := range []struct {
		c    *igny8.Content
		want string
	}{{first, "shoes"}, {second, "shoes-2"}, {third, "shoes-3"}, {about, "about-2"}} {
		if tc.c.Slug != tc.want {
			t.Errorf("slug %q, want %q", tc.c.Slug, tc.want)
		}
		var page struct{ ID, Path string }
		if err := json.Unmarshal(tc.c.Page, &page); err != nil {
			t.Fatal(err)
		}
		if page.ID != tc.want || page.Path != "/blog/"+tc.want+"/" {
			t.Errorf("content %s: page id %q path %q", tc.want, page.ID, page.Path)
		}
	}

	// A long slug is shortened to make room for the suffix.
	long := strings.Repeat("a", 80)
	l1 := p.content(t, "b5", long)
	l2 := p.content(t, "b6", long)
	if l1.Slug != long || l2.Slug != strings.Repeat("a", 78)+"-2" {
		t.Errorf("long slugs: %q, %q", l1.Slug, l2.Slug)
	}
	// A slug that is not one is made one, from the title when empty.
	_, _, task := p.task(t, "b7")
	c := written("")
	c.Title = "Café Crème: a Guide!"
	made, _, err := p.db.SaveTaskContent(ctx, p.site.ID, task.ID, c)
	if err != nil {
		t.Fatal(err)
	}
	if made.Slug != "cafe-creme-a-guide" {
		t.Errorf("slug from title = %q", made.Slug)
	}
	_, _, task = p.task(t, "b8")
	made, _, err = p.db.SaveTaskContent(ctx, p.site.ID, task.ID, written("Shoes"))
	if err != nil {
		t.Fatal(err)
	}
	if made.Slug != "shoes-4" {
		t.Errorf("slug from \"Shoes\" = %q", made.Slug)
	}
	if got, _ := p.db.Contents(ctx, p.site.ID, igny8.ContentFilter{After: l2.ID, Limit: 1}); len(got) != 1 || got[0].Slug != "cafe-creme-a-guide" {
		t.Errorf("contents after %d, limit 1: %v", l2.ID, got)
	}
}

func TestReviseContent(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	c := p.content(t, "b", "shoes")
	edit := &igny8.Content{Title: "New title", MetaTitle: "New meta", MetaDescription: "Desc", Excerpt: "New ex", WordCount: 3,
		Page: json.RawMessage(`{"id": "shoes", "path": "/blog/shoes/", "type": "post", "title": "New title", "blocks": []}`)}
	r2, err := p.db.ReviseContent(ctx, p.site.ID, c.ID, edit, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Revision != 2 || r2.Title != "New title" || r2.MetaDescription != "Desc" || r2.WordCount != 3 || r2.Slug != "shoes" ||
		r2.TargetKeyword != "kw" || r2.Provenance != offline || !sameJSON(r2.Page, edit.Page) {
		t.Errorf("revision 2 = %+v", r2)
	}
	// An optimizer's rewrite without expectation, with its provenance.
	opt := *edit
	opt.Title, opt.TargetKeyword = "", "best shoes"
	opt.Provenance = igny8.Provenance{Provider: "openai", Model: "gpt", Prompt: "optimize", PromptVersion: "2"}
	r3, err := p.db.ReviseContent(ctx, p.site.ID, c.ID, &opt, "optimizer", 0)
	if err != nil {
		t.Fatal(err)
	}
	if r3.Revision != 3 || r3.Title != "New title" || r3.TargetKeyword != "best shoes" || r3.Provider != "openai" || r3.Offline {
		t.Errorf("revision 3 = %+v", r3)
	}
	// An edit made on revision 2 is stale now.
	_, err = p.db.ReviseContent(ctx, p.site.ID, c.ID, edit, "edit", 2)
	wantMessage(t, "stale edit", err, igny8.EConflict, fmt.Sprintf("Content %d changed since revision 2 (it is at 3); reload it and edit again.", c.ID))
	revs, err := p.db.ContentRevisions(ctx, p.site.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, r := range revs {
		sources = append(sources, fmt.Sprintf("%d:%s", r.Revision, r.Source))
	}
	if got := strings.Join(sources, " "); got != "1:ai 2:edit 3:optimizer" {
		t.Errorf("revisions: %s", got)
	}
	_, err = p.db.ReviseContent(ctx, p.site.ID, 999, edit, "edit", 0)
	wantMessage(t, "unknown content", err, igny8.ENotFound, fmt.Sprintf("There is no content 999 in site %d.", p.site.ID))
	_, err = p.db.ContentRevisions(ctx, p.site.ID, 999)
	wantCode(t, "revisions of unknown content", err, igny8.ENotFound)
	_, err = p.db.ReviseContent(ctx, p.site.ID, c.ID, &igny8.Content{Page: json.RawMessage(`"text"`)}, "edit", 0)
	wantCode(t, "a page that is no object", err, igny8.EInvalid)
}

func TestContentStatus(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	c := p.content(t, "b", "shoes")
	set := func(status string) (*igny8.Content, error) {
		return p.db.SetContentStatus(ctx, p.site.ID, c.ID, status)
	}

	_, err := set(igny8.ContentPublished)
	wantMessage(t, "draft → published", err, igny8.EInvalid,
		fmt.Sprintf("Content %d is draft: it can move on to review or back to draft, not to published.", c.ID))
	_, err = set("archived")
	wantCode(t, "an unknown status", err, igny8.EInvalid)
	var last *igny8.Content
	for _, s := range []string{igny8.ContentReview, igny8.ContentReview, igny8.ContentApproved, igny8.ContentPublished} {
		if last, err = set(s); err != nil || last.Status != s {
			t.Fatalf("→ %s: %+v, %v", s, last, err)
		}
	}
	if last.PublishedAt == nil {
		t.Fatal("published without published_at")
	}
	first := *last.PublishedAt
	again, err := set(igny8.ContentPublished)
	if err != nil || again.PublishedAt == nil || !again.PublishedAt.After(first) {
		t.Errorf("published again: %v (first %v), %v", again.PublishedAt, first, err)
	}
	_, err = set(igny8.ContentReview)
	wantMessage(t, "published → review", err, igny8.EInvalid,
		fmt.Sprintf("Content %d is published: it can be published again or go back to draft, not to review.", c.ID))
	back, err := set(igny8.ContentDraft)
	if err != nil || back.Status != igny8.ContentDraft || back.PublishedAt == nil {
		t.Errorf("back to draft: %+v, %v", back, err)
	}
	if list, _ := p.db.Contents(ctx, p.site.ID, igny8.ContentFilter{Status: igny8.ContentDraft, EntityType: igny8.EntityPost}); len(list) != 1 {
		t.Errorf("draft posts: %d", len(list))
	}
	if list, _ := p.db.Contents(ctx, p.site.ID, igny8.ContentFilter{Status: igny8.ContentReview}); len(list) != 0 {
		t.Errorf("contents in review: %d", len(list))
	}
	_, err = p.db.SetContentStatus(ctx, p.site.ID, 999, igny8.ContentDraft)
	wantCode(t, "unknown content", err, igny8.ENotFound)
}

// A unique violation that gets past the store's locks reads as a conflict
// that names the thing.
func TestContentSlugConstraintMessage(t *testing.T) {
	p := newPipe(t)
	c := p.content(t, "b", "shoes")
	err := p.db.Tx(p.alpha, func(tx pgx.Tx) error {
		_, err := tx.Exec(p.alpha, `INSERT INTO contents (account_id, site_id, entity_type, title, slug, page)
			VALUES ($1, $2, 'post', 'Again', $3, '{}')`, c.AccountID, c.SiteID, c.Slug)
		return err
	})
	wantMessage(t, "a second content with the slug", err, igny8.EConflict, "Content with this slug already exists.")
}
