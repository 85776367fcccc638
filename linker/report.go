package linker

import (
	"cmp"
	"slices"
)

// SiteReport is the state of a site's internal links: per page counts,
// the pages that need attention, and related-content suggestions.
type SiteReport struct {
	Pages []PageReport `json:"pages"` // published and approved pieces, by Doc ID
	// Orphans have no inbound link from another page of the site.
	Orphans []int64 `json:"orphans"`
	// TooFew and TooMany have fewer outbound links than the rules' minimum
	// or more than the page's budget (see PageReport).
	TooFew  []int64 `json:"too_few"`
	TooMany []int64 `json:"too_many"`
}

// PageReport is one page's links.
type PageReport struct {
	Doc    int64  `json:"doc"`
	PageID string `json:"page_id"`
	Words  int    `json:"words"`  // visible words of its linkable text
	Budget int    `json:"budget"` // the internal links its words allow
	// In counts the links to it on the other pages, in their text and
	// their related blocks; Out the internal (page:) links in its text,
	// the author's and the linker's.
	In      int  `json:"in"`
	Out     int  `json:"out"`
	Orphan  bool `json:"orphan"`
	TooFew  bool `json:"too_few"`  // Out < MinLinks, or < Budget when that is smaller
	TooMany bool `json:"too_many"` // Out > Budget
	// Related is its related-content list: the pages its related blocks
	// list, or without one, the most related other pages it does not
	// link to yet, best first, for a related block.
	Related []Suggestion `json:"related"`
}

// Suggestion is an entry of a related-content list. As a Link record it
// is of TypeRelated.
type Suggestion struct {
	Target     int64   `json:"target"`
	TargetPage string  `json:"target_page"`
	Title      string  `json:"title"`
	Score      float64 `json:"score"` // relevance, as the linker ranks targets
}

// Report reports on the internal links of the site's pages as they are
// (the author's links and the linker's alike): the site's published and
// approved pieces only, and only the links between them count as inbound.
func Report(site Site) (*SiteReport, error) {
	e, err := newEngine(site)
	if err != nil {
		return nil, err
	}
	r := e.rules
	in := make([]int, len(e.docs))
	for _, d := range e.docs {
		if !d.ok {
			continue
		}
		for _, f := range d.fields {
			for _, l := range f.a.links {
				if t := e.byPage[l.id]; t != nil && t != d {
					in[t.idx]++
				}
			}
		}
		for _, id := range d.related {
			if t := e.byPage[id]; t != nil && t != d {
				in[t.idx]++
			}
		}
	}
	rep := &SiteReport{Pages: []PageReport{}, Orphans: []int64{}, TooFew: []int64{}, TooMany: []int64{}}
	for _, d := range e.docs {
		if !d.ok {
			continue
		}
		p := PageReport{Doc: d.ID, PageID: d.page, Words: d.words, Budget: r.budget(d.words), In: in[d.idx], Related: []Suggestion{}}
		linked := map[string]bool{}
		for _, f := range d.fields {
			p.Out += len(f.a.links)
			for _, l := range f.a.links {
				linked[l.id] = true
			}
		}
		p.Orphan = p.In == 0
		p.TooMany = p.Out > p.Budget
		if r.MinLinks > 0 {
			p.TooFew = p.Out < min(r.MinLinks, p.Budget)
		}
		if len(d.related) > 0 {
			p.Related = e.listed(d)
		} else if r.Related > 0 {
			p.Related = e.related(d, linked, r.Related)
		}
		for _, x := range []struct {
			on   bool
			list *[]int64
		}{{p.Orphan, &rep.Orphans}, {p.TooFew, &rep.TooFew}, {p.TooMany, &rep.TooMany}} {
			if x.on {
				*x.list = append(*x.list, d.ID)
			}
		}
		rep.Pages = append(rep.Pages, p)
	}
	return rep, nil
}

// listed returns the pages d's related blocks list, as suggestions.
func (e *engine) listed(d *docState) []Suggestion {
	e.score(d)
	out := []Suggestion{}
	for _, id := range d.related {
		if t := e.byPage[id]; t != nil && t != d {
			out = append(out, Suggestion{Target: t.ID, TargetPage: t.page, Title: t.Page.Title, Score: float64(e.scores[t.idx])})
		}
	}
	return out
}

// related returns the n docs most related to d that d does not link to.
func (e *engine) related(d *docState, linked map[string]bool, n int) []Suggestion {
	e.score(d)
	var top []*docState
	better := func(a, b *docState) int {
		return cmp.Or(cmp.Compare(e.scores[b.idx], e.scores[a.idx]), cmp.Compare(a.ID, b.ID))
	}
	for _, t := range e.docs {
		if t == d || !t.ok || linked[t.page] || e.scores[t.idx] <= 0 {
			continue
		}
		if len(top) == n && better(t, top[n-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, t, better)
		top = slices.Insert(top, i, t)
		if len(top) > n {
			top = top[:n]
		}
	}
	out := make([]Suggestion, len(top))
	for i, t := range top {
		out[i] = Suggestion{Target: t.ID, TargetPage: t.page, Title: t.Page.Title, Score: float64(e.scores[t.idx])}
	}
	return out
}
