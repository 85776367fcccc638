package linker

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
)

// TestGeneratedSites checks the linker's promises on 200 random sites of
// 5 to 60 docs, each generated from its seed: 40 under -short, and under
// the race detector, which slows it tenfold and has nothing to find in a
// package that runs on one goroutine.
func TestGeneratedSites(t *testing.T) {
	t.Parallel()
	n := 200
	if testing.Short() || raceEnabled() {
		n = 40
	}
	for seed := range n {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			checkGeneratedSite(t, uint64(seed))
		})
	}
}

func checkGeneratedSite(t *testing.T, seed uint64) {
	g := newGen(seed)
	site := g.site(5+g.r.IntN(56), 50+g.r.IntN(450))
	site.Rules = g.rules()
	rules := site.Rules.WithDefaults()
	res := mustLink(t, site)
	if len(res.Removed) != 0 {
		t.Errorf("a first run removed links: %+v", res.Removed)
	}
	if !cmp.Equal(res.Links, res.Added) {
		t.Errorf("a first run's links are not all added ones")
	}
	out := applied(site, res)
	checkRun(t, g, site, out, res.Links, rules)

	// Re-running on the output, with the records, is a no-op.
	again := out
	again.Placed = res.Links
	res2 := mustLink(t, again)
	if len(res2.Changed) != 0 || len(res2.Added) != 0 || len(res2.Removed) != 0 {
		for _, c := range res2.Changed {
			before, after := fieldsOf(docByID(out, c.Doc).Page), fieldsOf(c.Page)
			t.Errorf("re-run changed doc %d:\n%s", c.Doc, cmp.Diff(before, after))
		}
		t.Fatalf("re-run changed %d pages, added %+v, removed %+v", len(res2.Changed), res2.Added, res2.Removed)
	}
	if diff := cmp.Diff(res.Links, res2.Links); diff != "" {
		t.Errorf("re-run's records differ (-first +second):\n%s", diff)
	}

	checkRemoval(t, g, site, out, res.Links)
	if seed%4 == 0 {
		checkPiece(t, g, site)
	}
}

// checkRun checks one run: out is site after it, links its records.
func checkRun(t *testing.T, g *gen, site, out Site, links []Link, rules Rules) {
	t.Helper()
	docs := map[int64]*Doc{}
	pages := map[string]*Doc{}
	for i := range site.Docs {
		d := &site.Docs[i]
		docs[d.ID], pages[d.PageID] = d, d
	}
	related := map[int64][]string{} // the related block's pages by the records
	for _, l := range links {
		target := docs[l.Target]
		if l.Type == TypeRelated {
			related[l.Source] = append(related[l.Source], l.TargetPage)
			if !rules.RelatedBlock || l.Block != RelatedBlockID || l.Field != fmt.Sprintf("pages/%d", l.Offset) {
				t.Errorf("related record %+v under rules %+v", l, rules)
			}
		}
		switch {
		case l.Target == l.Source:
			t.Errorf("self link %+v", l)
		case target == nil:
			t.Errorf("link to a doc outside the site: %+v", l)
		case target.Status != igny8.ContentPublished && target.Status != igny8.ContentApproved:
			t.Errorf("link to a %s doc: %+v", target.Status, l)
		case target.PageID != l.TargetPage:
			t.Errorf("link to doc %d names page %q, want %q", l.Target, l.TargetPage, target.PageID)
		case l.Version != Version:
			t.Errorf("link version %q, want %q", l.Version, Version)
		}
		src := docs[l.Source]
		if l.Type != TypeRelated && len(src.Keywords) > 0 {
			anchor := strings.Fields(strings.ToLower(l.Anchor))
			if !slices.ContainsFunc(strings.Fields(strings.ToLower(src.Keywords[0])), func(w string) bool { return !slices.Contains(anchor, w) }) {
				t.Errorf("link on doc %d's own keyword %q competes with it: %+v", src.ID, src.Keywords[0], l)
			}
		}
		pillar := src.Cluster != 0 && target != nil && target.Cluster == src.Cluster && target.Pillar
		if want := map[bool]string{true: TypePillar, false: TypeContextual}[pillar]; l.Type != want && l.Type != TypeRelated {
			t.Errorf("link type %q, want %q: %+v", l.Type, want, l)
		}
	}
	checkRelated(t, out, related, rules)
	for i := range site.Docs {
		d, o := &site.Docs[i], &out.Docs[i]
		if got, want := withoutFields(t, o.Page), withoutFields(t, d.Page); got != want {
			t.Errorf("doc %d: the linker changed something besides richtext and FAQ answers", d.ID)
		}
		before, after := fieldsOf(d.Page), fieldsOf(o.Page)
		words, linksBefore, linksAfter := 0, 0, 0
		author, linker := map[string]int{}, map[string]int{}
		for key, md := range before {
			mine := linksIn(links, d.ID, key)
			got := after[key]
			a := analyze(md, false, nil, nil)
			for _, l := range a.links {
				author[l.id]++
			}
			words += a.words
			linksBefore += len(a.links)
			linksAfter += len(a.links) + len(mine)
			if len(mine) == 0 {
				if got != md {
					t.Errorf("doc %d %s changed without a link placed:\n%s", d.ID, key, cmp.Diff(md, got))
				}
				continue
			}
			// Anchors are the original text, wrapped where the records say.
			if orig := unlink(t, got, mine); orig != md {
				t.Errorf("doc %d %s: without its links, the Markdown is not the original:\n%s", d.ID, key, cmp.Diff(md, orig))
			}
			in, res := renderFacts(t, md), renderFacts(t, got)
			if res.nested != 0 {
				t.Errorf("doc %d %s: a link inside a link:\n%s", d.ID, key, got)
			}
			if res.pageLinks != in.pageLinks+len(mine) || res.pageLinksDOM != res.pageLinks {
				t.Errorf("doc %d %s: %d page links in the HTML (%d in its DOM), want %d before + %d placed:\n%s",
					d.ID, key, res.pageLinks, res.pageLinksDOM, in.pageLinks, len(mine), got)
			}
			if res.hidden != in.hidden {
				t.Errorf("doc %d %s: a link in a heading, code or table header:\n%s", d.ID, key, got)
			}
			if res.words != in.words {
				t.Errorf("doc %d %s: %d words after linking, %d before", d.ID, key, res.words, in.words)
			}
			if a.words != in.words {
				t.Errorf("doc %d %s: the linker counts %d words, the HTML has %d:\n%s", d.ID, key, a.words, in.words, md)
			}
			if first, ok := g.first[fmt.Sprintf("%d/%s", d.ID, key)]; ok {
				shift := 0
				for _, l := range mine {
					if orig := l.Offset - shift - 1; orig < first {
						t.Errorf("doc %d %s: link on %q in the first sentence of the answer:\n%s", d.ID, key, l.Anchor, got)
					}
					shift += len("[](page:)") + len(l.TargetPage)
				}
			}
			for _, l := range mine {
				linker[l.TargetPage]++
			}
		}
		if budget := rules.budget(words); linksAfter > max(linksBefore, budget) {
			t.Errorf("doc %d: %d page links on %d words, over the budget of %d (it had %d)", d.ID, linksAfter, words, budget, linksBefore)
		}
		for page, n := range linker {
			if author[page]+n > rules.MaxPerTarget {
				t.Errorf("doc %d: %d links to %s (%d the author's), more than %d", d.ID, author[page]+n, page, author[page], rules.MaxPerTarget)
			}
		}
	}
}

// checkRelated checks the related blocks of a site after a run whose
// records list related (pages by source): each page's block lists what
// its records say, at most Related other pages that are published or
// approved and that it does not link to in its text; and no page is an
// orphan unless every other published or approved page's list is full.
func checkRelated(t *testing.T, out Site, related map[int64][]string, rules Rules) {
	t.Helper()
	ok := map[string]bool{}
	for _, d := range out.Docs {
		ok[d.PageID] = d.Status == igny8.ContentPublished || d.Status == igny8.ContentApproved
	}
	for _, d := range out.Docs {
		var block []string
		for _, b := range d.Page.Blocks {
			if b.ID == RelatedBlockID {
				block = pageList(b.Props["pages"])
			}
		}
		if !slices.Equal(block, related[d.ID]) {
			t.Errorf("doc %d: related block %v, records %v", d.ID, block, related[d.ID])
		}
		if !rules.RelatedBlock || rules.Related <= 0 {
			if block != nil {
				t.Errorf("doc %d has a related block under rules %+v", d.ID, rules)
			}
			continue
		}
		if len(block) > rules.Related {
			t.Errorf("doc %d: %d related pages, more than %d", d.ID, len(block), rules.Related)
		}
		text := map[string]bool{}
		for _, md := range fieldsOf(d.Page) {
			for _, l := range analyze(md, false, nil, nil).links {
				text[l.id] = true
			}
		}
		for _, p := range block {
			if p == d.PageID || !ok[p] || text[p] {
				t.Errorf("doc %d lists %s as related (itself: %v, published or approved: %v, linked in the text: %v)", d.ID, p, p == d.PageID, ok[p], text[p])
			}
		}
	}
	if !rules.RelatedBlock || rules.Related <= 0 {
		return
	}
	rep, err := Report(out)
	if err != nil {
		t.Fatal(err)
	}
	full := map[int64]bool{}
	for _, d := range out.Docs {
		full[d.ID] = len(related[d.ID]) >= rules.Related
	}
	for _, o := range rep.Orphans {
		for _, d := range out.Docs {
			if d.ID != o && ok[d.PageID] && !full[d.ID] {
				t.Errorf("doc %d is an orphan, but doc %d has room in its related block (%v)", o, d.ID, related[d.ID])
				break
			}
		}
	}
}

// checkRemoval takes a linked-to doc out of the site (or unpublishes it):
// the next run removes the linker's links to it and nothing else, and the
// run after that changes nothing.
func checkRemoval(t *testing.T, g *gen, site, out Site, links []Link) {
	t.Helper()
	if len(links) == 0 {
		return
	}
	victim := links[g.r.IntN(len(links))].Target
	var page string
	next := Site{Rules: out.Rules, Placed: links}
	for _, d := range out.Docs {
		if d.ID == victim {
			page = d.PageID
			if g.r.IntN(2) == 0 {
				continue // deleted
			}
			d.Status = igny8.ContentDraft
		}
		next.Docs = append(next.Docs, d)
	}
	res := mustLink(t, next)
	for _, l := range res.Links {
		if l.TargetPage == page {
			t.Errorf("after removing %s, a link to it remains: %+v", page, l)
		}
	}
	removed := 0
	for _, l := range links {
		if l.TargetPage == page {
			removed++
		}
	}
	gone := 0
	for _, l := range res.Removed {
		if l.TargetPage == page {
			gone++
		}
	}
	if gone != removed {
		t.Errorf("after removing %s, %d of its %d links were removed", page, gone, removed)
	}
	// Only the author's links to it stay.
	after := applied(next, res)
	orig := map[int64]*Doc{}
	for i := range site.Docs {
		orig[site.Docs[i].ID] = &site.Docs[i]
	}
	for _, d := range after.Docs {
		count := func(p *Doc) int {
			n := 0
			for _, md := range fieldsOf(p.Page) {
				n += strings.Count(md, "](page:"+page+")")
			}
			return n
		}
		if got, want := count(&d), count(orig[d.ID]); got != want {
			t.Errorf("doc %d links %d times to the removed %s; its author did %d times", d.ID, got, page, want)
		}
	}
	again := after
	again.Placed = res.Links
	if res2 := mustLink(t, again); len(res2.Changed) != 0 {
		t.Errorf("the run after a removal is not final: it changed %d more pages", len(res2.Changed))
	}
}

// checkPiece links one doc: only its page changes, only its links come
// back, and linking it again changes nothing.
func checkPiece(t *testing.T, g *gen, site Site) {
	t.Helper()
	id := site.Docs[g.r.IntN(len(site.Docs))].ID
	res, err := LinkPiece(site, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Changed {
		if c.Doc != id {
			t.Errorf("linking doc %d changed doc %d", id, c.Doc)
		}
	}
	for _, l := range res.Links {
		if l.Source != id {
			t.Errorf("linking doc %d returned a link of doc %d", id, l.Source)
		}
	}
	again := applied(site, res)
	again.Placed = res.Links
	res2, err := LinkPiece(again, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Changed) != 0 || !cmp.Equal(res.Links, res2.Links) {
		t.Errorf("linking doc %d again changed it: %+v", id, res2)
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	return ok && slices.ContainsFunc(info.Settings, func(s debug.BuildSetting) bool { return s.Key == "-race" && s.Value == "true" })
}

func docByID(s Site, id int64) *Doc {
	for i := range s.Docs {
		if s.Docs[i].ID == id {
			return &s.Docs[i]
		}
	}
	return nil
}
