package linker

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// engine holds what one run knows of a site: every doc's linkable fields
// analysed once, TF-IDF vectors, and the index from anchors to targets.
type engine struct {
	rules  Rules
	docs   []*docState // by ID
	byID   map[int64]*docState
	byPage map[string]*docState
	vocab  vocab
	// postings[term] lists the targets whose keywords and title hold
	// term, with its weight in their query vector.
	postings [][]posting
	// anchors[term] lists the anchor variants whose first word is term.
	anchors map[int32][]variant
	// usage counts the links to a target per folded anchor text, site
	// wide, for anchor variety.
	usage map[usageKey]int
	// inbound counts the links to each doc from the other pages.
	inbound []int
	placed  map[recordKey][]Link
	scores  []float32 // scratch: relevance of every doc to one source
}

type docState struct {
	*Doc
	idx    int
	page   string // page id
	ok     bool   // may be linked to
	fields []*field
	words  int
	vec    []weight // TF-IDF of its visible text, unit length
	query  []weight // TF-IDF of its keywords and title, unit length
	// variants are the word keys of its keywords that make anchors.
	variants [][]int32
	// own are the word keys of its target keyword (its first), which no
	// anchor on its page may say.
	own []int32
	// related are the page ids its related blocks list, each once;
	// relatedBlock is how its own related block (RelatedBlockID) stands.
	related      []string
	relatedBlock blockState
	ownRelated   []string // the pages of its own related block, in order
	// linked are the pages its text links to (page ids), as it stands
	// after this run when it is linked.
	linked map[string]bool
}

// field is one linkable Markdown text of a page: a richtext block's
// markdown or a FAQ answer.
type field struct {
	blockPath []int // indexes from Page.Blocks down through Children
	blockID   string
	item      int    // FAQ item, or -1
	path      string // Link.Field
	md        string
	a         *analysis
}

type weight struct {
	term int32
	w    float32
}

type posting struct {
	doc int32
	w   float32
}

// variant is one anchor a target may be linked with: the keys of its
// words.
type variant struct {
	doc   int32
	terms []int32
}

type usageKey struct {
	doc    int32
	anchor string // folded
}

type recordKey struct {
	source             int64
	block, field, page string
	anchor             string
}

// vocab gives every word key an id.
type vocab struct {
	ids map[string]int32
	buf []byte
}

func (v *vocab) id(word string) int32 {
	v.buf = appendKey(v.buf[:0], word)
	if id, ok := v.ids[string(v.buf)]; ok {
		return id
	}
	id := int32(len(v.ids))
	v.ids[string(v.buf)] = id
	return id
}

func newEngine(site Site) (*engine, error) {
	rules := site.Rules.WithDefaults()
	if err := rules.validate(); err != nil {
		return nil, err
	}
	e := &engine{
		rules:   rules,
		byID:    make(map[int64]*docState, len(site.Docs)),
		byPage:  make(map[string]*docState, len(site.Docs)),
		vocab:   vocab{ids: map[string]int32{}},
		anchors: map[int32][]variant{},
		usage:   map[usageKey]int{},
		placed:  map[recordKey][]Link{},
	}
	for i := range site.Docs {
		d := &docState{Doc: &site.Docs[i]}
		if d.Page == nil {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d has no page to link.", d.ID)
		}
		d.page = cmp.Or(d.PageID, d.Page.ID)
		if d.page == "" {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d has no page id.", d.ID)
		}
		if e.byID[d.ID] != nil {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d is listed twice.", d.ID)
		}
		if o := e.byPage[d.page]; o != nil {
			return nil, igny8.Errorf(igny8.EInvalid, "Content %d and %d have the same page id %q.", o.ID, d.ID, d.page)
		}
		d.ok = d.linkable()
		e.byID[d.ID], e.byPage[d.page] = d, d
		e.docs = append(e.docs, d)
	}
	slices.SortFunc(e.docs, func(a, b *docState) int { return cmp.Compare(a.ID, b.ID) })
	for i, d := range e.docs {
		d.idx = i
	}
	e.scores = make([]float32, len(e.docs))
	tfs := make([]map[int32]int32, len(e.docs))
	for i, d := range e.docs {
		tfs[i] = e.read(d)
	}
	e.weigh(tfs)
	e.indexAnchors()
	e.inbound = make([]int, len(e.docs))
	for _, d := range e.docs {
		d.linked = map[string]bool{}
		for _, f := range d.fields {
			for _, l := range f.a.links {
				d.linked[l.id] = true
				if t := e.byPage[l.id]; t != nil {
					e.usage[usageKey{int32(t.idx), fold(l.anchor)}]++
					if t != d {
						e.inbound[t.idx]++
					}
				}
			}
		}
	}
	for _, l := range site.Placed {
		k := recordKey{l.Source, l.Block, l.Field, l.TargetPage, l.Anchor}
		e.placed[k] = append(e.placed[k], l)
	}
	return e, nil
}

// read finds d's linkable fields, analyses them, and returns the term
// counts of d's visible text.
func (e *engine) read(d *docState) map[int32]int32 {
	tf := map[int32]int32{}
	count := func(t int32) { tf[t]++ }
	term := e.vocab.id
	text := func(s string) {
		scanTokens(s, func(start, end int, _ bool) { count(term(s[start:end])) })
	}
	text(d.Page.Title)
	text(d.Page.Description)
	var walk func(blocks []*blueprints.Block, path []int)
	walk = func(blocks []*blueprints.Block, path []int) {
		for i, b := range blocks {
			if b == nil {
				continue
			}
			p := append(path[:len(path):len(path)], i)
			skip := ""
			if b.ID == RelatedBlockID {
				d.relatedBlock = blockForeign
				if b.Type == "related" {
					d.relatedBlock = blockOwn
				}
			}
			switch b.Type {
			case "related":
				// Page ids, not text.
				for _, s := range pageList(b.Props["pages"]) {
					if !slices.Contains(d.related, s) {
						d.related = append(d.related, s)
					}
					if b.ID == RelatedBlockID {
						d.ownRelated = append(d.ownRelated, s)
					}
				}
				walk(b.Children, p)
				continue
			case "richtext":
				if md, ok := b.Props["markdown"].(string); ok {
					d.fields = append(d.fields, &field{blockPath: p, blockID: b.ID, item: -1, path: "markdown", md: md,
						a: analyze(md, false, term, count)})
					skip = "markdown"
				}
			case "faq":
				skip = "answer"
				forItems(b.Props["items"], func(i int, item map[string]any) {
					if md, ok := item["answer"].(string); ok {
						d.fields = append(d.fields, &field{blockPath: p, blockID: b.ID, item: i, path: "items/" + strconv.Itoa(i) + "/answer", md: md,
							a: analyze(md, true, term, count)})
					}
				})
			}
			propText(b.Props, skip, text)
			walk(b.Children, p)
		}
	}
	walk(d.Page.Blocks, nil)
	for _, f := range d.fields {
		d.words += f.a.words
	}
	return tf
}

// weigh turns term counts into TF-IDF vectors, with a sublinear term
// frequency (1 + ln tf) and a smoothed inverse document frequency
// (1 + ln((N+1)/(df+1))), and builds the targets' query vectors from
// their keywords and title.
func (e *engine) weigh(tfs []map[int32]int32) {
	n := len(e.docs)
	df := make([]int32, len(e.vocab.ids))
	for _, tf := range tfs {
		for t := range tf {
			df[t]++
		}
	}
	idf := func(t int32) float64 {
		f := int32(0)
		if int(t) < len(df) {
			f = df[t]
		}
		return 1 + math.Log(float64(n+1)/float64(f+1))
	}
	vector := func(tf map[int32]int32) []weight {
		v := make([]weight, 0, len(tf))
		sum := 0.0
		for t, c := range tf {
			w := (1 + math.Log(float64(c))) * idf(t)
			sum += w * w
			v = append(v, weight{t, float32(w)})
		}
		norm := float32(math.Sqrt(sum))
		for i := range v {
			v[i].w /= norm
		}
		slices.SortFunc(v, func(a, b weight) int { return cmp.Compare(a.term, b.term) })
		return v
	}
	for i, d := range e.docs {
		d.vec = vector(tfs[i])
	}
	for _, d := range e.docs {
		if !d.ok {
			continue
		}
		tf := map[int32]int32{}
		for _, s := range append([]string{d.Page.Title}, d.Keywords...) {
			scanTokens(s, func(start, end int, _ bool) { tf[e.vocab.id(s[start:end])]++ })
		}
		d.query = vector(tf)
	}
	e.postings = make([][]posting, len(e.vocab.ids))
	for _, d := range e.docs {
		for _, w := range d.query {
			e.postings[w.term] = append(e.postings[w.term], posting{int32(d.idx), w.w})
		}
	}
}

// indexAnchors indexes every linkable doc's keywords by their first word.
// A keyword of fewer than three letters (two Chinese or Japanese
// characters) is no anchor: it would match too much. Nor is a secondary
// keyword that is another doc's target keyword: that anchor belongs to the
// other doc, so that two pages are not both linked as "couchette".
func (e *engine) indexAnchors() {
	keys := func(k string) (terms []int32, letters int) {
		scanTokens(k, func(start, end int, cjk bool) {
			terms = append(terms, e.vocab.id(k[start:end]))
			if cjk {
				letters += 2
			} else {
				letters += end - start
			}
		})
		return terms, letters
	}
	for _, d := range e.docs {
		if len(d.Keywords) > 0 {
			d.own, _ = keys(d.Keywords[0])
		}
	}
	targets := map[string][]*docState{} // by the keys of their target keyword
	for _, d := range e.docs {
		if d.ok && len(d.Keywords) > 0 {
			terms, _ := keys(d.Keywords[0])
			k := fmt.Sprint(terms)
			targets[k] = append(targets[k], d)
		}
	}
	for _, d := range e.docs {
		if !d.ok {
			continue
		}
		for i, k := range d.Keywords {
			terms, letters := keys(k)
			if len(terms) == 0 || letters < 3 || slices.ContainsFunc(d.variants, func(s []int32) bool { return slices.Equal(s, terms) }) {
				continue
			}
			if owners := targets[fmt.Sprint(terms)]; i > 0 && len(owners) > 0 && !slices.Contains(owners, d) {
				continue
			}
			d.variants = append(d.variants, terms)
			e.anchors[terms[0]] = append(e.anchors[terms[0]], variant{doc: int32(d.idx), terms: terms})
		}
	}
}

// isAnchor reports whether anchor is one of t's keywords or a variant,
// and not one that would compete with the source's own (see competing).
func (e *engine) isAnchor(src, t *docState, anchor string) bool {
	var terms []int32
	scanTokens(anchor, func(start, end int, _ bool) { terms = append(terms, e.vocab.id(anchor[start:end])) })
	return slices.ContainsFunc(t.variants, func(v []int32) bool { return slices.Equal(v, terms) }) && !competing(src, terms)
}

// competing reports whether an anchor (its word keys) says all the words
// of src's own target keyword: such a link tells search engines that
// another page is about src's keyword (Yoast's "competing links"), so the
// linker places none on src.
func competing(src *docState, anchor []int32) bool {
	if len(src.own) == 0 {
		return false
	}
	for _, w := range src.own {
		if !slices.Contains(anchor, w) {
			return false
		}
	}
	return true
}

// score fills e.scores with the relevance of every linkable doc to src:
// the cosine of src's text and the doc's keywords and title, boosted by
// half for a shared cluster and by half again for the pillar of src's
// cluster (unless the rules ignore pillars).
func (e *engine) score(src *docState) {
	clear(e.scores)
	for _, w := range src.vec {
		if int(w.term) >= len(e.postings) {
			continue
		}
		for _, p := range e.postings[w.term] {
			e.scores[p.doc] += w.w * p.w
		}
	}
	if src.Cluster == 0 {
		return
	}
	for _, t := range e.docs {
		if t.Cluster == src.Cluster && e.scores[t.idx] > 0 {
			e.scores[t.idx] *= 1.5
			if t.Pillar && !e.rules.IgnorePillar {
				e.scores[t.idx] *= 1.5
			}
		}
	}
}

// pillarOf reports whether t is the pillar page of src's cluster.
func pillarOf(src, t *docState) bool {
	return src.Cluster != 0 && t.Cluster == src.Cluster && t.Pillar
}

// before orders link targets for src: the pillar of its cluster first
// (unless ignored), then pages no other page links to yet (so that
// linking a site leaves as few orphans as it can), then by relevance,
// then by ID.
func (e *engine) before(src, a, b *docState) int {
	first := func(pa, pb bool) int {
		switch {
		case pa == pb:
			return 0
		case pa:
			return -1
		}
		return 1
	}
	if !e.rules.IgnorePillar {
		if c := first(pillarOf(src, a), pillarOf(src, b)); c != 0 {
			return c
		}
	}
	return cmp.Or(first(e.inbound[a.idx] == 0, e.inbound[b.idx] == 0),
		cmp.Compare(e.scores[b.idx], e.scores[a.idx]), cmp.Compare(a.ID, b.ID))
}
