package postgres_test

import (
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// A site has the default pipeline settings until it stores its own.
func TestPipelineSettings(t *testing.T) {
	p := newPipe(t)
	got, err := p.db.PipelineSettings(p.alpha, p.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := igny8.DefaultPipelineSettings(p.site.ID); got.AutoLink || got.WordsPerLink != want.WordsPerLink || got.MaxLinks != want.MaxLinks {
		t.Errorf("defaults = %+v", got)
	}
	s := igny8.DefaultPipelineSettings(p.site.ID)
	s.AutoLink, s.WordsPerLink = true, 200
	if err := p.db.PutPipelineSettings(p.alpha, &s); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.db.PipelineSettings(p.alpha, p.site.ID); !got.AutoLink || got.WordsPerLink != 200 {
		t.Errorf("after put = %+v", got)
	}
	_, err = p.db.PipelineSettings(p.beta, p.site.ID)
	wantCode(t, "another account's settings", err, igny8.ENotFound)
	s.MinLinks, s.MaxLinks = 9, 3
	wantCode(t, "min above max", p.db.PutPipelineSettings(p.alpha, &s), igny8.EInvalid)
}

// Applying a linker run revises the page once and replaces the piece's
// link rows; applying the same again changes nothing; a stale revision is
// a conflict; another account sees nothing.
func TestApplyLinks(t *testing.T) {
	p := newPipe(t)
	a := p.content(t, "a", "alpha-a")
	b := p.content(t, "b", "alpha-b")
	linked := *a
	linked.Page = json.RawMessage(`{"id": "alpha-a", "path": "/blog/alpha-a/", "type": "post", "title": "Title", "blocks": [{"type": "text", "text": "see [b](page:alpha-b)"}]}`)
	links := []*igny8.ContentLink{{TargetID: b.ID, TargetPage: "alpha-b", Anchor: "b", Block: "s1", Field: "markdown", Offset: 4, Type: igny8.LinkContextual, LinkerVersion: "1"}}
	got, err := p.db.ApplyLinks(p.alpha, p.site.ID, a.ID, &linked, a.Revision, links)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != a.Revision+1 {
		t.Errorf("revision %d, want %d", got.Revision, a.Revision+1)
	}
	again, err := p.db.ApplyLinks(p.alpha, p.site.ID, a.ID, nil, 0, links)
	if err != nil || again.Revision != got.Revision {
		t.Errorf("applying links without a page change: revision %d, %v", again.Revision, err)
	}
	list, err := p.db.Links(p.alpha, p.site.ID, &a.ID)
	if err != nil || len(list) != 1 || list[0].TargetID != b.ID || list[0].Anchor != "b" {
		t.Fatalf("links = %+v, %v", list, err)
	}
	_, err = p.db.ApplyLinks(p.alpha, p.site.ID, a.ID, &linked, a.Revision, links)
	wantCode(t, "a stale revision", err, igny8.EConflict)
	_, err = p.db.Links(p.beta, p.site.ID, nil)
	wantCode(t, "another account's links", err, igny8.ENotFound)
	_, err = p.db.ApplyLinks(p.beta, p.site.ID, a.ID, nil, 0, nil)
	wantCode(t, "another account applying links", err, igny8.ENotFound)
	// Deleting the target's content deletes the links to it.
	err = p.db.Tx(p.alpha, func(tx pgx.Tx) error {
		_, err := tx.Exec(p.alpha, `DELETE FROM contents WHERE id = $1`, b.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := p.db.Links(p.alpha, p.site.ID, nil); len(list) != 0 {
		t.Errorf("links to a deleted target remain: %+v", list)
	}
}

// An optimization is recorded once per key; a kept one revises the
// content, can be reverted once, and not after the content changed.
func TestOptimizations(t *testing.T) {
	p := newPipe(t)
	c := p.content(t, "o", "opt")
	better := *c
	better.Page = json.RawMessage(`{"id": "opt", "path": "/blog/opt/", "type": "post", "title": "Better", "blocks": []}`)
	better.Title = "Better"
	o := &igny8.Optimization{SiteID: p.site.ID, ContentID: c.ID, Keyword: "kw", ScoreBefore: 40, ScoreAfter: 70, Kept: true,
		Checks: []igny8.CheckChange{{ID: "title_keyword", Before: "problem", After: "good"}}, PageBefore: c.Page, PageAfter: better.Page,
		RevisionBefore: c.Revision, Provenance: offline}
	saved, created, err := p.db.ApplyOptimization(p.alpha, o, "optimization:1", &better)
	if err != nil || !created || saved.RevisionAfter == nil || *saved.RevisionAfter != c.Revision+1 || len(saved.Checks) != 1 {
		t.Fatalf("ApplyOptimization = %+v, %v, %v", saved, created, err)
	}
	again, created, err := p.db.ApplyOptimization(p.alpha, o, "optimization:1", &better)
	if err != nil || created || again.ID != saved.ID {
		t.Errorf("the same key again: %+v created %v, %v", again, created, err)
	}
	if cur, _ := p.db.Content(p.alpha, p.site.ID, c.ID); cur.Revision != c.Revision+1 || cur.Title != "Better" {
		t.Errorf("content after optimization: revision %d title %q", cur.Revision, cur.Title)
	}
	_, err = p.db.Optimization(p.beta, p.site.ID, saved.ID)
	wantCode(t, "another account's optimization", err, igny8.ENotFound)
	before := *c
	_, back, err := p.db.RevertOptimization(p.alpha, p.site.ID, saved.ID, &before)
	if err != nil || back.Revision != c.Revision+2 || back.Title != "Title" {
		t.Fatalf("revert: %+v, %v", back, err)
	}
	_, _, err = p.db.RevertOptimization(p.alpha, p.site.ID, saved.ID, &before)
	wantCode(t, "reverting twice", err, igny8.EConflict)

	// A second optimization, then an edit: its revert is refused.
	o2 := *o
	o2.RevisionBefore = back.Revision
	s2, _, err := p.db.ApplyOptimization(p.alpha, &o2, "optimization:2", &better)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.db.ReviseContent(p.alpha, p.site.ID, c.ID, &better, "edit", 0); err != nil {
		t.Fatal(err)
	}
	_, _, err = p.db.RevertOptimization(p.alpha, p.site.ID, s2.ID, &before)
	wantCode(t, "reverting after an edit", err, igny8.EConflict)
	list, err := p.db.Optimizations(p.alpha, p.site.ID, c.ID)
	if err != nil || len(list) != 2 || list[0].ID != s2.ID {
		t.Errorf("optimizations = %d, %v", len(list), err)
	}
}
