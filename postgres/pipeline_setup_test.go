package postgres_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/igny8/igny8"
)

// pipe is a fixture with a site of alpha's, with one sector, for the
// content pipeline's tests.
type pipe struct {
	*fixture
	site   *igny8.Site
	sector *igny8.Sector
}

func newPipe(t *testing.T) *pipe {
	t.Helper()
	f := newFixture(t)
	site := &igny8.Site{Slug: "shop", Name: "Shop"}
	if err := f.db.CreateSite(f.alpha, site); err != nil {
		t.Fatal(err)
	}
	sec := &igny8.Sector{SiteID: site.ID, Slug: "main", Name: "Main"}
	if err := f.db.CreateSector(f.alpha, sec); err != nil {
		t.Fatal(err)
	}
	return &pipe{fixture: f, site: site, sector: sec}
}

// keywords adds texts to the site's sector and returns them, added.
func (p *pipe) keywords(t *testing.T, texts ...string) []*igny8.Keyword {
	t.Helper()
	kws := make([]*igny8.Keyword, len(texts))
	for i, s := range texts {
		kws[i] = &igny8.Keyword{Keyword: s, SectorID: &p.sector.ID}
	}
	added, dups, err := p.db.AddKeywords(p.alpha, p.site.ID, kws)
	if err != nil {
		t.Fatal(err)
	}
	if added != len(texts) || dups != 0 {
		t.Fatalf("AddKeywords(%q) = %d added, %d duplicates", texts, added, dups)
	}
	return kws
}

var offline = igny8.Provenance{Provider: "offline", Model: "offline-1", Prompt: "p", PromptVersion: "1", Offline: true}

// task makes a cluster of one keyword, an idea and its approved task.
func (p *pipe) task(t *testing.T, batch string) (*igny8.Cluster, *igny8.Idea, *igny8.Task) {
	t.Helper()
	kw := p.keywords(t, "kw "+batch)[0]
	cs, err := p.db.SaveClusters(p.alpha, p.site.ID, batch, []*igny8.Cluster{{Name: "C " + batch, PillarKeywordID: &kw.ID, Provenance: offline}},
		[][]int64{{kw.ID}})
	if err != nil {
		t.Fatal(err)
	}
	ideas, err := p.db.SaveIdeas(p.alpha, p.site.ID, cs[0].ID, []*igny8.Idea{{Title: "Idea " + batch, EntityType: igny8.EntityPost, EstimatedWords: 800, Provenance: offline}})
	if err != nil {
		t.Fatal(err)
	}
	idea, task, err := p.db.ApproveIdea(p.alpha, p.site.ID, ideas[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return cs[0], idea, task
}

// written is content as a writer makes it, with slug as its page's id.
func written(slug string) *igny8.Content {
	page := fmt.Sprintf(`{"id": %q, "path": "/blog/%s/", "type": "post", "title": "Title", "blocks": [{"type": "text", "text": "Hello"}]}`, slug, slug)
	return &igny8.Content{EntityType: igny8.EntityPost, Title: "Title", Slug: slug, MetaTitle: "Meta", Excerpt: "Ex",
		TargetKeyword: "kw", WordCount: 1, Page: json.RawMessage(page), Provenance: offline}
}

// content makes a task and writes its content with slug.
func (p *pipe) content(t *testing.T, batch, slug string) *igny8.Content {
	t.Helper()
	_, _, task := p.task(t, batch)
	c, created, err := p.db.SaveTaskContent(p.alpha, p.site.ID, task.ID, written(slug))
	if err != nil || !created {
		t.Fatalf("SaveTaskContent: created %v, %v", created, err)
	}
	return c
}

// sameJSON reports whether a and b are the same JSON value, whatever
// their spacing and key order (jsonb keeps neither).
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := igny8.ErrorCode(err); got != code {
		t.Errorf("%s: got %v (code %q), want code %q", what, err, got, code)
	}
}

func wantMessage(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	if got := igny8.ErrorCode(err); got != code || igny8.ErrorMessage(err) != msg {
		t.Errorf("%s: got %v, want %s %q", what, err, code, msg)
	}
}
