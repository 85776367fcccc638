package linker

import (
	"fmt"
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

// words returns n words of filler that match no keyword.
func words(n int) string {
	w := strings.Fields("we went out in the rain and saw nothing much at all then came home")
	out := make([]string, n)
	for i := range out {
		out[i] = w[i%len(w)]
	}
	return strings.Join(out, " ") + "."
}

func withStatus(d Doc, status string) Doc { d.Status = status; return d }

// Only other published or approved pieces of the site are targets.
func TestTargets(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		status string
		want   string
	}{
		{"published", igny8.ContentPublished, "A [kettle](page:t2)."},
		{"approved", igny8.ContentApproved, "A [kettle](page:t2)."},
		{"in review", igny8.ContentReview, "A kettle."},
		{"draft", igny8.ContentDraft, "A kettle."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := linkedText(t, noDensity, source("A kettle."), withStatus(target(2, "kettle"), tt.status)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("never itself", func(t *testing.T) {
		t.Parallel()
		src := source("A source page, about the source page.")
		if got := linkedText(t, noDensity, src, target(2, "kettle")); got != src.Page.Blocks[0].Props["markdown"] {
			t.Errorf("linked to itself: %q", got)
		}
	})
	t.Run("a source in draft gets links", func(t *testing.T) {
		t.Parallel()
		if got, want := linkedText(t, noDensity, withStatus(source("A kettle."), igny8.ContentDraft), target(2, "kettle")), "A [kettle](page:t2)."; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestLinksPerTarget(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		rules Rules
		md    string
		want  string
	}{
		{"one by default", noDensity, "A kettle. Another kettle.", "A [kettle](page:t2). Another kettle."},
		{"two if allowed", Rules{WordsPerLink: -1, MaxPerTarget: 2}, "A kettle. Another kettle. A third kettle.",
			"A [kettle](page:t2). Another [kettle](page:t2). A third kettle."},
		{"the author's link counts", noDensity, "A [kettle](page:t2). Another kettle.", "A [kettle](page:t2). Another kettle."},
		{"the author's link to another page does not", noDensity, "A [kettle](page:about). Another kettle.",
			"A [kettle](page:about). Another [kettle](page:t2)."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := linkedText(t, tt.rules, source(tt.md), target(2, "kettle")); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// A page of w words carries at most w/WordsPerLink internal links, the
// author's included, and never more than MaxLinks.
func TestDensity(t *testing.T) {
	t.Parallel()
	mentions := "A kettle, a teapot, a grinder, a scale, a mug and a carafe."
	targets := []Doc{target(2, "kettle"), target(3, "teapot"), target(4, "grinder"), target(5, "scale"), target(6, "mug"), target(7, "carafe")}
	for _, tt := range []struct {
		name   string
		rules  Rules
		author string // prepended to the page
		words  int    // of filler, besides mentions' 13
		want   int    // links after, the author's included
	}{
		{"under 150 words: none", Rules{}, "", 100, 0},
		{"150 words: one", Rules{}, "", 137, 1},
		{"299 words: one", Rules{}, "", 286, 1},
		{"300 words: two", Rules{}, "", 287, 2},
		{"600 words: four", Rules{}, "", 587, 4},
		{"the author's links count", Rules{}, "See [this](page:about) and [that](https://example.com/). ", 583, 4},
		{"one per 100 words", Rules{WordsPerLink: 100}, "", 587, 6},
		{"capped by max links", Rules{MaxLinks: 3}, "", 1487, 3},
		{"no bound", noDensity, "", 10, 6},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			md := tt.author + mentions + " " + words(tt.words)
			got := linkedText(t, tt.rules, append([]Doc{source(md)}, targets...)...)
			if n := strings.Count(got, "](page:"); n != tt.want {
				t.Errorf("%d words: %d links, want %d:\n%s", countWords(md), n, tt.want, got)
			}
		})
	}
}

// The cluster's pillar comes first; otherwise the more relevant target.
func TestTargetOrder(t *testing.T) {
	t.Parallel()
	// One link allowed (150–299 words). The page is mostly about
	// grinders, which makes the grinder page the most relevant.
	md := "A kettle heats water. A grinder grinds: grinder burrs, grinder speed, grinder noise. " + words(150)
	src := source(md)
	src.Cluster = 7
	pillar := target(2, "kettle")
	pillar.Cluster, pillar.Pillar = 7, true
	grinder := target(3, "grinder")
	for _, tt := range []struct {
		name  string
		rules Rules
		want  string
	}{
		{"pillar first", Rules{}, "A [kettle](page:t2) heats water. A grinder grinds"},
		{"most relevant without the preference", Rules{IgnorePillar: true}, "A kettle heats water. A [grinder](page:t3) grinds"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := linkedText(t, tt.rules, src, pillar, grinder)
			if !strings.Contains(got, tt.want) || strings.Count(got, "](page:") != 1 {
				t.Errorf("got\n%s\nwant one link, in %q", got, tt.want)
			}
		})
	}
	t.Run("pillar links are typed", func(t *testing.T) {
		t.Parallel()
		res := mustLink(t, Site{Docs: []Doc{src, pillar, grinder}})
		if len(res.Links) != 1 || res.Links[0].Type != TypePillar {
			t.Errorf("links %+v, want one of type %q", res.Links, TypePillar)
		}
	})
}

// Pages linked in turn spread a target's anchors over the variants they
// contain, unless RepeatAnchors.
func TestAnchorVariety(t *testing.T) {
	t.Parallel()
	kettle := target(9, "kettle", "water boiler")
	var docs []Doc
	for i := range 4 {
		d := source("A kettle, also called a water boiler.")
		d.ID, d.PageID, d.Page.ID = int64(i+1), fmt.Sprintf("src-%d", i+1), fmt.Sprintf("src-%d", i+1)
		d.Keywords = []string{fmt.Sprintf("source %d", i+1)}
		docs = append(docs, d)
	}
	docs = append(docs, kettle)
	for _, tt := range []struct {
		name  string
		rules Rules
		want  []string
	}{
		{"varied", noDensity, []string{"kettle", "water boiler", "kettle", "water boiler"}},
		{"repeated", Rules{WordsPerLink: -1, RepeatAnchors: true}, []string{"kettle", "kettle", "kettle", "kettle"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := mustLink(t, Site{Docs: docs, Rules: tt.rules})
			var got []string
			for _, l := range res.Links {
				got = append(got, l.Anchor)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("anchors %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRulesValidation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rules Rules
		want  string
	}{
		{Rules{WordsPerLink: -2}, "words_per_link"},
		{Rules{MaxLinks: -5}, "max_links"},
		{Rules{MinLinks: -2}, "min_links"},
		{Rules{MaxPerTarget: -1}, "max_per_target"},
		{Rules{Related: -3}, "related"},
	} {
		_, err := LinkSite(Site{Docs: []Doc{source("x")}, Rules: tt.rules})
		if igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(igny8.ErrorMessage(err), tt.want) {
			t.Errorf("%+v: error %v, want an invalid error naming %s", tt.rules, err, tt.want)
		}
	}
	if got, want := DefaultRules(), (Rules{WordsPerLink: 150, MaxLinks: 15, MinLinks: 2, MaxPerTarget: 1, Related: 3}); got != want {
		t.Errorf("DefaultRules() = %+v, want %+v", got, want)
	}
}

func TestInvalidSites(t *testing.T) {
	t.Parallel()
	noPage := source("x")
	noPage.Page = nil
	samePage := target(3, "kettle")
	samePage.PageID = "t2"
	for _, tt := range []struct {
		name string
		docs []Doc
		want string
	}{
		{"no page", []Doc{noPage}, "has no page"},
		{"same id twice", []Doc{target(2, "a"), target(2, "b")}, "listed twice"},
		{"same page twice", []Doc{target(2, "kettle"), samePage}, "same page id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LinkSite(Site{Docs: tt.docs})
			if igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(igny8.ErrorMessage(err), tt.want) {
				t.Errorf("error %v, want an invalid error saying %q", err, tt.want)
			}
			if _, err := Report(Site{Docs: tt.docs}); igny8.ErrorCode(err) != igny8.EInvalid {
				t.Errorf("Report: error %v, want an invalid error", err)
			}
		})
	}
}

// A secondary keyword that is another piece's target keyword anchors links
// to that piece only, while it is linkable.
func TestAnchorOwner(t *testing.T) {
	t.Parallel()
	secondary := target(2, "night trains", "couchette")
	for _, tt := range []struct {
		name  string
		owner Doc
		want  string
	}{
		{"the owner takes it", target(3, "couchette"), "A [couchette](page:t3)."},
		{"an unpublished owner leaves it", withStatus(target(3, "couchette"), igny8.ContentDraft), "A [couchette](page:t2)."},
		{"no owner", target(3, "kettle"), "A [couchette](page:t2)."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := linkedText(t, noDensity, source("A couchette."), secondary, tt.owner); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// No anchor on a page says its own target keyword: such a link would tell
// search engines another page is about it (a competing link). A link the
// linker placed before that now competes is taken out.
func TestNoCompetingAnchors(t *testing.T) {
	t.Parallel()
	src := source("Night trains beat flights. A night train guide and a sleeper train.")
	src.Keywords = []string{"night train"}
	docs := []Doc{src, target(2, "night trains"), target(3, "night train guide"), target(4, "sleeper train")}
	want := "Night trains beat flights. A night train guide and a [sleeper train](page:t4)."
	if got := linkedText(t, noDensity, docs...); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A link from before, on the page's own keyword, is unwrapped.
	old := source("[Night trains](page:t2) beat flights.")
	old.Keywords = []string{"night train"}
	site := Site{Docs: []Doc{old, target(2, "night trains")}, Rules: noDensity,
		Placed: []Link{{Source: 1, Target: 2, TargetPage: "t2", Anchor: "Night trains", Block: "s1", Field: "markdown", Offset: 1, Type: TypeContextual, Version: Version}}}
	res := mustLink(t, site)
	if len(res.Removed) != 1 || len(res.Changed) != 1 || res.Changed[0].Page.Blocks[0].Props["markdown"] != "Night trains beat flights." {
		t.Errorf("the competing link stayed: removed %+v, changed %+v", res.Removed, res.Changed)
	}
}
