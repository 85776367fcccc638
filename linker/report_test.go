package linker

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/igny8/igny8"
)

func TestReport(t *testing.T) {
	t.Parallel()
	page := func(id int64, keyword, md string) Doc {
		d := target(id, keyword)
		d.Page = richtext(d.PageID, md)
		return d
	}
	site := Site{Docs: []Doc{
		page(1, "brewing", words(295)+" A [kettle](page:t2) and a [teapot](page:t3)."),
		page(2, "kettle", "A kettle."),
		page(3, "teapot", "A teapot."),
		withStatus(page(4, "mug", "Draft: [teapot](page:t3)."), igny8.ContentDraft),
		page(5, "milk jug", words(150)+" See [a](page:t2), [b](page:t1) and [c](page:about)."),
		page(6, "carafe", words(450)+" A teapot, a teapot, a kettle and a mug."),
	}}
	rep, err := Report(site)
	if err != nil {
		t.Fatal(err)
	}
	want := &SiteReport{
		Pages: []PageReport{
			{Doc: 1, PageID: "t1", Words: 300, Budget: 2, In: 1, Out: 2},
			{Doc: 2, PageID: "t2", Words: 2, Budget: 0, In: 2, Out: 0},
			{Doc: 3, PageID: "t3", Words: 2, Budget: 0, In: 1, Out: 0},
			{Doc: 5, PageID: "t5", Words: 155, Budget: 1, In: 0, Out: 3, Orphan: true, TooMany: true},
			{Doc: 6, PageID: "t6", Words: 459, Budget: 3, In: 0, Out: 0, Orphan: true, TooFew: true},
		},
		Orphans: []int64{5, 6},
		TooFew:  []int64{6},
		TooMany: []int64{5},
	}
	if diff := cmp.Diff(want, rep, cmpopts.IgnoreFields(PageReport{}, "Related")); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	related := map[int64][]int64{}
	for _, p := range rep.Pages {
		for _, s := range p.Related {
			related[p.Doc] = append(related[p.Doc], s.Target)
			if s.Score <= 0 || s.Title == "" || s.TargetPage == "" {
				t.Errorf("doc %d: suggestion %+v", p.Doc, s)
			}
		}
	}
	// Doc 6 mentions the teapot most; the mug is a draft; docs 1 and 5
	// already link to what they mention.
	if diff := cmp.Diff(map[int64][]int64{6: {3, 2}}, related); diff != "" {
		t.Errorf("related (-want +got):\n%s", diff)
	}

	site.Rules.Related, site.Rules.MinLinks = -1, -1
	rep, err = Report(site)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Pages {
		if len(p.Related) != 0 || p.TooFew {
			t.Errorf("without related lists or a minimum: %+v", p)
		}
	}
}

// Linking a site leaves no page orphaned whose keyword another page
// mentions.
func TestReportAfterLinking(t *testing.T) {
	t.Parallel()
	site := benchSite(60, 600)
	before, err := Report(site)
	if err != nil {
		t.Fatal(err)
	}
	res := mustLink(t, site)
	after, err := Report(applied(site, res))
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Orphans) != len(site.Docs) {
		t.Errorf("before linking, %d orphans, want all %d", len(before.Orphans), len(site.Docs))
	}
	if len(after.Orphans) != 0 || len(after.TooMany) != 0 {
		t.Errorf("after linking, orphans %v and too many %v", after.Orphans, after.TooMany)
	}
	in := 0
	for _, p := range after.Pages {
		in += p.In
	}
	if in != len(res.Links) {
		t.Errorf("%d inbound links counted, %d placed", in, len(res.Links))
	}
}
