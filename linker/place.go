package linker

import (
	"cmp"
	"slices"

	"github.com/igny8/igny8/blueprints"
)

// mine is one of the linker's links on the page being linked.
type mine struct {
	field     int
	textStart int // offset of the anchor in the field's current Markdown
	anchor    string
	t         *docState
	added     bool
}

// occurrence is a place a target's anchor occurs where a link may go.
type occurrence struct {
	doc        int32
	field      int
	start, end int
}

func (e *engine) run(sources []*docState) *Result {
	res := &Result{}
	for _, d := range sources {
		e.link(d, res)
	}
	if e.rules.RelatedBlock {
		e.relatedBlocks(sources, res)
	}
	return res
}

// take consumes the record of a link the linker placed, if there is one.
func (e *engine) take(k recordKey) (Link, bool) {
	list := e.placed[k]
	if len(list) == 0 {
		return Link{}, false
	}
	e.placed[k] = list[1:]
	return list[0], true
}

func (e *engine) record(d *docState, f *field, m mine, offset int) Link {
	typ := TypeContextual
	if pillarOf(d, m.t) {
		typ = TypePillar
	}
	return Link{Source: d.ID, Target: m.t.ID, TargetPage: m.t.page, Anchor: m.anchor, Block: f.blockID, Field: f.path,
		Offset: offset, Type: typ, Version: Version}
}

// link links one page: it checks the links it placed before, takes out
// those that no longer hold, and places new ones within the page's
// budget.
func (e *engine) link(d *docState, res *Result) {
	e.score(d)
	r := e.rules
	budget := r.budget(d.words)
	perTarget := map[string]int{}
	total := 0
	orig := make([]string, len(d.fields))
	for i, f := range d.fields {
		orig[i] = f.md
	}

	// The linker's links from before, told apart from the author's by
	// their records. The author's count toward the rules first.
	type prior struct {
		field, link int
		t           *docState
		rec         Link
	}
	var priors []prior
	for fi, f := range d.fields {
		for li, l := range f.a.links {
			if !l.plain {
				perTarget[l.id]++
				total++
				continue
			}
			if rec, ok := e.take(recordKey{d.ID, f.blockID, f.path, l.id, l.anchor}); ok {
				priors = append(priors, prior{fi, li, e.byPage[l.id], rec})
				continue
			}
			perTarget[l.id]++
			total++
		}
	}
	slices.SortStableFunc(priors, func(a, b prior) int {
		switch {
		case a.t == nil || b.t == nil:
			return cmp.Compare(b2i(a.t == nil), b2i(b.t == nil)) // gone targets last
		}
		return e.before(d, a.t, b.t)
	})
	var kept []mine
	drop := make([][]prior, len(d.fields)) // by field: the links to take out
	for _, p := range priors {
		l := d.fields[p.field].a.links[p.link]
		valid := p.t != nil && p.t.ok && p.t != d && l.ok && e.isAnchor(d, p.t, l.anchor)
		if valid && perTarget[l.id] < r.MaxPerTarget && total < budget {
			perTarget[l.id]++
			total++
			kept = append(kept, mine{field: p.field, textStart: l.textStart, anchor: l.anchor, t: p.t})
			continue
		}
		drop[p.field] = append(drop[p.field], p)
	}
	for fi, links := range drop {
		if len(links) == 0 {
			continue
		}
		f := d.fields[fi]
		slices.SortFunc(links, func(a, b prior) int { return cmp.Compare(a.link, b.link) })
		var edits []edit
		for _, p := range links {
			l := f.a.links[p.link]
			edits = append(edits, edit{at: l.start, del: 1}, edit{at: l.textEnd, del: l.end - l.textEnd})
		}
		md := applyEdits(f.md, edits)
		a := analyze(md, f.item >= 0, e.vocab.id, func(int32) {})
		if a.nodes != f.a.nodes-len(links) || a.words != f.a.words {
			// Unwrapping would change more than the links (the author
			// wrapped them in brackets of a link of his own, say): leave
			// them to the author.
			for _, p := range links {
				perTarget[f.a.links[p.link].id]++
				total++
			}
			continue
		}
		for _, p := range links {
			l := f.a.links[p.link]
			rm := p.rec
			rm.Offset = l.textStart
			if t := p.t; t != nil {
				e.usage[usageKey{int32(t.idx), fold(l.anchor)}]--
				if t != d {
					e.inbound[t.idx]--
				}
			}
			res.Removed = append(res.Removed, rm)
		}
		for i := range kept {
			if kept[i].field == fi {
				kept[i].textStart = moved(edits, kept[i].textStart)
			}
		}
		f.md, f.a = md, a
	}

	// New links, best targets first.
	var added []mine
	if remaining := budget - total; remaining > 0 {
		added = e.place(d, perTarget, remaining)
	}
	all := append(kept, added...)
	for fi, f := range d.fields {
		var news []mine
		for _, m := range added {
			if m.field == fi {
				news = append(news, m)
			}
		}
		if len(news) > 0 {
			e.insert(f, fi, news, all)
		}
	}

	// The records, in field and offset order.
	slices.SortFunc(all, func(a, b mine) int {
		return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.textStart, b.textStart))
	})
	for _, m := range all {
		if m.textStart < 0 {
			continue // dropped by insert
		}
		l := e.record(d, d.fields[m.field], m, m.textStart)
		res.Links = append(res.Links, l)
		if m.added {
			res.Added = append(res.Added, l)
		}
	}
	d.linked = map[string]bool{}
	for id, n := range perTarget {
		if n > 0 {
			d.linked[id] = true
		}
	}
	var p *blueprints.Page
	for fi, f := range d.fields {
		if f.md != orig[fi] {
			if p == nil {
				p = clonePage(d.Page)
			}
			setField(p, f)
		}
	}
	if p != nil {
		res.Changed = append(res.Changed, Change{Doc: d.ID, Page: p})
	}
}

// place chooses up to remaining new links for d: targets in the order of
// before, each on the occurrence of its anchors that the site uses least
// for it (anchor variety), then the earliest.
func (e *engine) place(d *docState, perTarget map[string]int, remaining int) []mine {
	occs := e.occurrences(d, perTarget)
	if len(occs) == 0 {
		return nil
	}
	var targets []*docState
	seen := map[int32]bool{}
	for _, o := range occs {
		if !seen[o.doc] {
			seen[o.doc] = true
			targets = append(targets, e.docs[o.doc])
		}
	}
	slices.SortFunc(targets, func(a, b *docState) int { return e.before(d, a, b) })
	byTarget := map[int32][]occurrence{}
	for _, o := range occs {
		byTarget[o.doc] = append(byTarget[o.doc], o)
	}
	for t, list := range byTarget {
		// "grinder" inside "burr grinder", both the target's keywords, is
		// no anchor of its own: the whole phrase is. In order of start,
		// longest first, an occurrence ending before an earlier one does
		// lies inside it.
		slices.SortFunc(list, func(a, b occurrence) int {
			return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end))
		})
		field, reach := -1, 0
		byTarget[t] = slices.DeleteFunc(list, func(o occurrence) bool {
			if o.field != field {
				field, reach = o.field, 0
			}
			if o.end <= reach {
				return true
			}
			reach = o.end
			return false
		})
	}
	taken := map[int][][2]int{} // field → spans linked this run
	var added []mine
	for _, t := range targets {
		for perTarget[t.page] < e.rules.MaxPerTarget && remaining > 0 {
			best, bestUse := -1, 0
			for i, o := range byTarget[int32(t.idx)] {
				if slices.ContainsFunc(taken[o.field], func(s [2]int) bool { return o.start < s[1] && s[0] < o.end }) {
					continue
				}
				use := 0
				if !e.rules.RepeatAnchors {
					use = e.usage[usageKey{int32(t.idx), fold(d.fields[o.field].md[o.start:o.end])}]
				}
				if best < 0 || use < bestUse {
					best, bestUse = i, use
				}
			}
			if best < 0 {
				break
			}
			o := byTarget[int32(t.idx)][best]
			anchor := d.fields[o.field].md[o.start:o.end]
			taken[o.field] = append(taken[o.field], [2]int{o.start, o.end})
			e.usage[usageKey{int32(t.idx), fold(anchor)}]++
			e.inbound[t.idx]++
			perTarget[t.page]++
			remaining--
			added = append(added, mine{field: o.field, textStart: o.start, anchor: anchor, t: t, added: true})
		}
	}
	return added
}

// occurrences finds where the anchors of d's possible targets occur in
// its linkable text, in field and offset order.
func (e *engine) occurrences(d *docState, perTarget map[string]int) []occurrence {
	var occs []occurrence
	for fi, f := range d.fields {
		toks := f.a.toks
		lo := 0
		for _, end := range f.a.runEnds {
			hi := int(end)
			for i := lo; i < hi; i++ {
				for _, v := range e.anchors[toks[i].term] {
					t := e.docs[v.doc]
					n := len(v.terms)
					if t == d || i+n > hi || perTarget[t.page] >= e.rules.MaxPerTarget || competing(d, v.terms) {
						continue
					}
					match := true
					for k := 1; k < n && match; k++ {
						a, b := toks[i+k-1], toks[i+k]
						match = b.term == v.terms[k] && separatorOK(f.md[a.end:b.start], a.cjk || b.cjk)
					}
					start, stop := int(toks[i].start), int(toks[i+n-1].end)
					if match && start >= f.a.firstEnd && boundaryOK(f.md, start, stop, toks[i].cjk, toks[i+n-1].cjk) {
						occs = append(occs, occurrence{doc: v.doc, field: fi, start: start, end: stop})
					}
				}
			}
			lo = hi
		}
	}
	return occs
}

// insert wraps the new links of field f (index fi) in its Markdown and
// moves the offsets of all its links (all) to the result. It checks the
// result by parsing it again: every link stands where it should and the
// visible text is the same. If not (which takes Markdown the linker did
// not foresee), it inserts the links one by one, each checked, and drops
// the ones that fail (their textStart becomes -1).
func (e *engine) insert(f *field, fi int, news []mine, all []mine) {
	slices.SortFunc(news, func(a, b mine) int { return cmp.Compare(a.textStart, b.textStart) })
	var edits []edit
	for _, m := range news {
		edits = append(edits, edit{at: m.textStart, ins: "["}, edit{at: m.textStart + len(m.anchor), ins: "](page:" + m.t.page + ")"})
	}
	slices.SortStableFunc(edits, func(a, b edit) int {
		// At one offset, a link's end comes before the next one's start.
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(len(b.ins), len(a.ins)))
	})
	md := applyEdits(f.md, edits)
	if checkLinks(md, f, len(news), all, fi, edits) {
		for i := range all {
			if all[i].field == fi {
				all[i].textStart = moved(edits, all[i].textStart)
			}
		}
		f.md = md
		return
	}
	// One by one, from the end, so earlier offsets stay put.
	var done []edit
	cur, nodes := f.md, f.a.nodes
	for k := len(news) - 1; k >= 0; k-- {
		m := news[k]
		one := []edit{{at: m.textStart, ins: "["}, {at: m.textStart + len(m.anchor), ins: "](page:" + m.t.page + ")"}}
		try := applyEdits(cur, one)
		a := analyze(try, f.item >= 0, nil, nil)
		if a.nodes == nodes+1 && a.words == f.a.words && slices.ContainsFunc(a.links, func(l pageLink) bool {
			return l.plain && l.id == m.t.page && l.textStart == m.textStart+1
		}) {
			cur, nodes = try, nodes+1
			done = append(one, done...)
			continue
		}
		for i := range all {
			if all[i].field == fi && all[i].added && all[i].textStart == m.textStart {
				all[i].textStart = -1
			}
		}
	}
	slices.SortStableFunc(done, func(a, b edit) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(len(b.ins), len(a.ins))) })
	for i := range all {
		if all[i].field == fi && all[i].textStart >= 0 {
			all[i].textStart = moved(done, all[i].textStart)
		}
	}
	f.md = cur
}

// checkLinks reports whether md, field f's Markdown after edits, holds
// exactly its former links plus the added ones, each of the field's links
// in all at its new place, with the same visible words.
func checkLinks(md string, f *field, added int, all []mine, fi int, edits []edit) bool {
	a := analyze(md, f.item >= 0, nil, nil)
	if a.nodes != f.a.nodes+added || a.words != f.a.words {
		return false
	}
	at := make(map[int]string, len(a.links))
	for _, l := range a.links {
		if l.plain {
			at[l.textStart] = l.id
		}
	}
	for _, m := range all {
		if m.field == fi && at[moved(edits, m.textStart)] != m.t.page {
			return false
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
