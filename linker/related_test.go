package linker

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// relatedSite is five short pages (no contextual links: under 150 words)
// about kettles and one about a teapot, so every page starts an orphan.
func relatedSite() Site {
	doc := func(id int64, keyword, md string) Doc {
		d := target(id, keyword)
		d.Page = richtext(d.PageID, md)
		return d
	}
	s := Site{Docs: []Doc{
		doc(1, "electric kettle", "The electric kettle and the gooseneck kettle boil water."),
		doc(2, "gooseneck kettle", "A gooseneck kettle pours slowly; an electric kettle boils fast."),
		doc(3, "kettle descaling", "Descaling a kettle keeps the electric kettle clean."),
		doc(4, "teapot", "A teapot brews leaves. Some say a kettle helps."),
		withStatus(doc(5, "kettle lid", "A draft about the kettle lid and the electric kettle."), igny8.ContentDraft),
	}}
	s.Docs[0].Page.Blocks = append(s.Docs[0].Page.Blocks, &blueprints.Block{ID: "cta", Type: "cta", V: 1, Props: map[string]any{"heading": "Buy one"}})
	return s
}

func relatedOf(p *blueprints.Page) (pages []string, at int) {
	for i, b := range p.Blocks {
		if b.ID == RelatedBlockID && b.Type == "related" {
			return pageList(b.Props["pages"]), i
		}
	}
	return nil, -1
}

// With room for one related page each, the lists still cover every
// orphan: each published page is listed by exactly one other published
// page. The draft gets a list too, for when it is published.
func TestRelatedBlockCoversOrphans(t *testing.T) {
	t.Parallel()
	site := relatedSite()
	site.Rules = Rules{RelatedBlock: true, Related: 1}
	res := mustLink(t, site)
	out := applied(site, res)
	listed := map[string]int{}
	for _, d := range out.Docs {
		pages, at := relatedOf(d.Page)
		if len(pages) != 1 {
			t.Errorf("doc %d: related block %v, want one page", d.ID, pages)
		}
		for _, p := range pages {
			if d.Status != igny8.ContentDraft {
				listed[p]++
			}
			if p == "t5" || p == d.PageID {
				t.Errorf("doc %d lists %s", d.ID, p)
			}
		}
		if d.ID == 1 && at != 1 {
			t.Errorf("doc 1's related block is block %d, want 1: before the closing cta", at)
		}
	}
	if diff := cmp.Diff(map[string]int{"t1": 1, "t2": 1, "t3": 1, "t4": 1}, listed); diff != "" {
		t.Errorf("pages listed (-want +got):\n%s", diff)
	}
	rep, err := Report(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Orphans) != 0 {
		t.Errorf("orphans after linking: %v", rep.Orphans)
	}
	for _, p := range rep.Pages {
		if pages, _ := relatedOf(docByID(out, p.Doc).Page); len(p.Related) != 1 || p.Related[0].TargetPage != pages[0] {
			t.Errorf("doc %d: report's related %+v, block %v", p.Doc, p.Related, pages)
		}
	}
	var related []Link
	for _, l := range res.Links {
		if l.Type == TypeRelated {
			related = append(related, l)
		}
	}
	if len(related) != 5 || !cmp.Equal(res.Added, res.Links) {
		t.Errorf("records %+v, added %+v", res.Links, res.Added)
	}

	// A rerun changes nothing; linking one piece writes the block a site
	// run wrote.
	again := out
	again.Placed = res.Links
	if res2 := mustLink(t, again); len(res2.Changed)+len(res2.Added)+len(res2.Removed) != 0 || !cmp.Equal(res2.Links, res.Links) {
		t.Errorf("rerun: %+v", res2)
	}
	piece, err := LinkPiece(again, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(piece.Changed) != 0 {
		t.Errorf("linking doc 3 alone changed it: %+v", piece.Changed)
	}

	// The teapot leaves the site: its entry goes, and every list is full
	// again.
	gone := again
	gone.Docs = slices.Clone(again.Docs)
	gone.Docs[3].Status = igny8.ContentDraft
	res3 := mustLink(t, gone)
	if !slices.ContainsFunc(res3.Removed, func(l Link) bool { return l.TargetPage == "t4" && l.Type == TypeRelated }) {
		t.Errorf("removed %+v, want the teapot's related entry", res3.Removed)
	}
	for _, d := range applied(gone, res3).Docs {
		if pages, _ := relatedOf(d.Page); slices.Contains(pages, "t4") {
			t.Errorf("doc %d still lists the unpublished teapot", d.ID)
		}
	}
}

// A block of the author's with the linker's id is left alone; Related -1
// takes the linker's blocks out; without RelatedBlock, blocks are not
// touched.
func TestRelatedBlockOwnership(t *testing.T) {
	t.Parallel()
	site := relatedSite()
	site.Rules = Rules{RelatedBlock: true}
	site.Docs[1].Page.Blocks = append(site.Docs[1].Page.Blocks, &blueprints.Block{ID: RelatedBlockID, Type: "richtext", V: 1, Props: map[string]any{"markdown": "Mine."}})
	res := mustLink(t, site)
	out := applied(site, res)
	if pages, _ := relatedOf(out.Docs[1].Page); pages != nil || out.Docs[1].Page.Blocks[1].Props["markdown"] != "Mine." {
		t.Errorf("doc 2's block with the id was changed: %+v", out.Docs[1].Page.Blocks)
	}
	if pages, _ := relatedOf(out.Docs[0].Page); len(pages) != 3 {
		t.Errorf("doc 1 lists %v, want the default 3 pages", pages)
	}

	for _, tt := range []struct {
		rules Rules
		want  bool // doc 1 keeps its block
	}{
		{Rules{RelatedBlock: true, Related: -1}, false},
		{Rules{Related: 2}, true},
	} {
		next := out
		next.Rules, next.Placed = tt.rules, res.Links
		res2 := mustLink(t, next)
		pages, _ := relatedOf(applied(next, res2).Docs[0].Page)
		if (pages != nil) != tt.want {
			t.Errorf("rules %+v: doc 1's related block %v", tt.rules, pages)
		}
		if removed := slices.ContainsFunc(res2.Removed, func(l Link) bool { return l.Type == TypeRelated }); removed == tt.want {
			t.Errorf("rules %+v: removed %+v", tt.rules, res2.Removed)
		}
	}
}
