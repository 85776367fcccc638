package linker

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/igny8/igny8/blueprints"
)

// Related blocks (Rules.RelatedBlock). Each page the linker links gets a
// related block listing up to Rules.Related other published or approved
// pages. The lists are chosen for the whole site at once, so that linking
// one piece gives it the same block a site run would:
//
//  1. Pages that no other page links to in its text (orphans), by ID,
//     are each given to the page most relevant to them (then by ID) whose
//     list still has room and that does not link to them already; only
//     published or approved pages, whose blocks the site shows, take
//     orphans. When only the orphan's own list has room, it swaps: it
//     takes an orphan another page lists, and that page lists it. So an
//     orphan is left only when every other list is full.
//  2. Every list is then filled with the pages most relevant to its page
//     that it does not link to in its text yet.
//
// A list is shown most relevant first. The lists depend only on the text
// links and the pages' text, never on the related blocks themselves, so a
// rerun writes the same blocks.

// pageList reads a related block's pages, decoded from JSON or built in
// Go.
func pageList(v any) []string {
	switch v := v.(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}

// relatedLists returns the related list of every doc in want (by idx).
func (e *engine) relatedLists(want []*docState, n int) map[int][]*docState {
	lists := map[int][]*docState{}
	if n <= 0 {
		return lists
	}
	candidate := func(s, t *docState) bool {
		return t != s && t.ok && !s.linked[t.page] && !slices.Contains(lists[s.idx], t)
	}

	// Orphans as the report counts them: no text link from another
	// published or approved page.
	in := make([]int, len(e.docs))
	for _, s := range e.docs {
		if s.ok {
			for id := range s.linked {
				if t := e.byPage[id]; t != nil && t != s {
					in[t.idx]++
				}
			}
		}
	}
	var orphans []*docState
	for _, d := range e.docs {
		if d.ok && in[d.idx] == 0 {
			orphans = append(orphans, d)
		}
	}
	if len(orphans) > 0 {
		// An orphan's relevance to every page at once, as score computes
		// every page's relevance to one: the text vectors indexed by term.
		byTerm := make([][]posting, len(e.vocab.ids))
		for _, s := range e.docs {
			if s.ok {
				for _, w := range s.vec {
					byTerm[w.term] = append(byTerm[w.term], posting{int32(s.idx), w.w})
				}
			}
		}
		acc := make([]float32, len(e.docs))
		for _, o := range orphans {
			clear(acc)
			for _, w := range o.query {
				for _, p := range byTerm[w.term] {
					acc[p.doc] += w.w * p.w
				}
			}
			var best *docState
			bestScore := float32(0)
			for _, s := range e.docs {
				if !s.ok || len(lists[s.idx]) >= n || !candidate(s, o) {
					continue
				}
				sc := acc[s.idx]
				if s.Cluster != 0 && s.Cluster == o.Cluster {
					sc *= 1.5
					if o.Pillar && !e.rules.IgnorePillar {
						sc *= 1.5
					}
				}
				if best == nil || sc > bestScore {
					best, bestScore = s, sc
				}
			}
			if best == nil && len(lists[o.idx]) < n {
				// Only o itself has room: o takes an orphan another page
				// lists, and that page lists o instead.
			swap:
				for _, s := range e.docs {
					for i, x := range lists[s.idx] {
						if s != o && !s.linked[o.page] && candidate(o, x) {
							lists[o.idx] = append(lists[o.idx], x)
							lists[s.idx][i] = o
							break swap
						}
					}
				}
				continue
			}
			if best != nil {
				lists[best.idx] = append(lists[best.idx], o)
			}
		}
	}

	for _, d := range want {
		e.score(d)
		sc := e.scores
		var top []*docState
		for _, t := range e.docs {
			if sc[t.idx] > 0 && candidate(d, t) {
				top = append(top, t)
			}
		}
		byScore := func(a, b *docState) int {
			return cmp.Or(cmp.Compare(sc[b.idx], sc[a.idx]), cmp.Compare(a.ID, b.ID))
		}
		slices.SortFunc(top, byScore)
		list := append(lists[d.idx], top[:min(len(top), n-len(lists[d.idx]))]...)
		slices.SortStableFunc(list, byScore)
		lists[d.idx] = list
	}
	return lists
}

// relatedBlocks writes each source's related list into its related block
// (adding, changing or removing it) and records the entries.
func (e *engine) relatedBlocks(sources []*docState, res *Result) {
	lists := e.relatedLists(sources, e.rules.Related)
	changed := map[int64]int{}
	for i, c := range res.Changed {
		changed[c.Doc] = i
	}
	for _, d := range sources {
		if d.relatedBlock == blockForeign {
			continue // the author's block has the id; write nothing
		}
		list := lists[d.idx]
		ids := make([]string, len(list))
		var links []Link
		for i, t := range list {
			ids[i] = t.page
			links = append(links, Link{Source: d.ID, Target: t.ID, TargetPage: t.page, Anchor: cmp.Or(t.Page.Title, t.page), Block: RelatedBlockID,
				Field: "pages/" + strconv.Itoa(i), Offset: i, Type: TypeRelated, Version: Version})
		}
		res.Links = append(res.Links, links...)
		for _, l := range links {
			if !slices.Contains(d.ownRelated, l.TargetPage) {
				res.Added = append(res.Added, l)
			}
		}
		for i, id := range d.ownRelated {
			if !slices.Contains(ids, id) {
				l := Link{Source: d.ID, TargetPage: id, Block: RelatedBlockID, Field: "pages/" + strconv.Itoa(i), Offset: i, Type: TypeRelated, Version: Version}
				l.Anchor = id
				if t := e.byPage[id]; t != nil {
					l.Target, l.Anchor = t.ID, cmp.Or(t.Page.Title, id)
				}
				res.Removed = append(res.Removed, l)
			}
		}
		if slices.Equal(ids, d.ownRelated) {
			continue
		}
		i, ok := changed[d.ID]
		if !ok {
			i = len(res.Changed)
			changed[d.ID] = i
			res.Changed = append(res.Changed, Change{Doc: d.ID, Page: clonePage(d.Page)})
		}
		setRelated(res.Changed[i].Page, ids)
	}
	bySource := func(a, b Link) int { return cmp.Compare(a.Source, b.Source) }
	slices.SortStableFunc(res.Links, bySource)
	slices.SortStableFunc(res.Added, bySource)
	slices.SortStableFunc(res.Removed, bySource)
	slices.SortStableFunc(res.Changed, func(a, b Change) int { return cmp.Compare(a.Doc, b.Doc) })
}

// setRelated sets the pages of p's related block (RelatedBlockID), adding
// the block at the end of the page (before a closing cta block) or, for no
// pages, removing it. p is a clone the linker may change.
func setRelated(p *blueprints.Page, ids []string) {
	pages := make([]any, len(ids))
	for i, id := range ids {
		pages[i] = id
	}
	var walk func(blocks *[]*blueprints.Block) bool
	walk = func(blocks *[]*blueprints.Block) bool {
		for i, b := range *blocks {
			if b == nil {
				continue
			}
			if b.ID == RelatedBlockID {
				if len(ids) == 0 {
					*blocks = slices.Delete(*blocks, i, i+1)
				} else {
					if b.Props == nil {
						b.Props = map[string]any{}
					}
					b.Props["pages"] = pages
				}
				return true
			}
			if walk(&b.Children) {
				return true
			}
		}
		return false
	}
	if walk(&p.Blocks) || len(ids) == 0 {
		return
	}
	at := len(p.Blocks)
	if at > 0 && p.Blocks[at-1] != nil && p.Blocks[at-1].Type == "cta" {
		at--
	}
	p.Blocks = slices.Insert(p.Blocks, at, &blueprints.Block{ID: RelatedBlockID, Type: "related", V: 1, Props: map[string]any{"pages": pages}})
}
