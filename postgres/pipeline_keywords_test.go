package postgres_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/igny8/igny8"
)

func keywordTexts(kws []*igny8.Keyword) []string {
	out := make([]string, len(kws))
	for i, k := range kws {
		out[i] = k.Keyword
	}
	return out
}

func TestAddKeywords(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	vol, diff, cpc := int64(1200), 35, 1.25
	kws := []*igny8.Keyword{
		{Keyword: "Running Shoes", SectorID: &p.sector.ID, Volume: &vol, Difficulty: &diff, CPC: &cpc, Intent: igny8.IntentCommercial},
		{Keyword: "  running   shoes ", SectorID: &p.sector.ID}, // the same after normalisation
		{Keyword: "trail shoes", SectorID: &p.sector.ID},
		{Keyword: "running shoes"}, // no sector: another key
	}
	added, dups, err := p.db.AddKeywords(ctx, p.site.ID, kws)
	if err != nil {
		t.Fatal(err)
	}
	if added != 3 || dups != 1 {
		t.Errorf("added %d, duplicates %d; want 3, 1", added, dups)
	}
	k := kws[0]
	if k.ID == 0 || k.Normalized != "running shoes" || k.SiteID != p.site.ID || *k.Volume != 1200 || *k.Difficulty != 35 ||
		*k.CPC != 1.25 || k.Intent != igny8.IntentCommercial || k.CreatedAt.IsZero() {
		t.Errorf("added keyword = %+v", k)
	}
	if kws[1].ID != 0 {
		t.Errorf("the repeat got id %d", kws[1].ID)
	}
	if kws[3].ID == 0 || kws[3].SectorID != nil {
		t.Errorf("the sectorless keyword = %+v", kws[3])
	}
	// Again: everything is a duplicate.
	again := []*igny8.Keyword{{Keyword: "RUNNING SHOES", SectorID: &p.sector.ID}, {Keyword: "Trail Shoes", SectorID: &p.sector.ID}}
	if added, dups, err := p.db.AddKeywords(ctx, p.site.ID, again); err != nil || added != 0 || dups != 2 {
		t.Errorf("again: %d added, %d duplicates, %v", added, dups, err)
	}
	if added, dups, err := p.db.AddKeywords(ctx, p.site.ID, nil); err != nil || added != 0 || dups != 0 {
		t.Errorf("none: %d, %d, %v", added, dups, err)
	}

	// A sector of another site (or none) is not found, and nothing is added.
	other := &igny8.Site{Slug: "other", Name: "Other"}
	if err := p.db.CreateSite(ctx, other); err != nil {
		t.Fatal(err)
	}
	_, _, err = p.db.AddKeywords(ctx, other.ID, []*igny8.Keyword{{Keyword: "new one"}, {Keyword: "x", SectorID: &p.sector.ID}})
	wantMessage(t, "sector of another site", err, igny8.ENotFound, fmt.Sprintf("There is no sector %d in site %d.", p.sector.ID, other.ID))
	if list, _ := p.db.Keywords(ctx, other.ID, igny8.KeywordFilter{}); len(list) != 0 {
		t.Errorf("the refused import added %d keywords", len(list))
	}
	_, _, err = p.db.AddKeywords(ctx, p.site.ID, []*igny8.Keyword{{Keyword: "   "}})
	wantCode(t, "empty keyword", err, igny8.EInvalid)
	_, _, err = p.db.AddKeywords(ctx, 999, []*igny8.Keyword{{Keyword: "x"}})
	wantCode(t, "unknown site", err, igny8.ENotFound)
}

func TestKeywordFilters(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	kws := p.keywords(t, "50% off shoes", "500 shoes", "shoe_laces", "shoelaces", "boots")
	kws[4].Intent = igny8.IntentTransactional
	more := []*igny8.Keyword{{Keyword: "sandals", Intent: igny8.IntentTransactional}}
	if _, _, err := p.db.AddKeywords(ctx, p.site.ID, more); err != nil {
		t.Fatal(err)
	}
	cs, err := p.db.SaveClusters(ctx, p.site.ID, "b1", []*igny8.Cluster{{Name: "Shoes", Provenance: offline}}, [][]int64{{kws[0].ID, kws[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	for _, tc := range []struct {
		name string
		f    igny8.KeywordFilter
		want []string
	}{
		{"all", igny8.KeywordFilter{}, []string{"50% off shoes", "500 shoes", "shoe_laces", "shoelaces", "boots", "sandals"}},
		{"sector", igny8.KeywordFilter{SectorID: &p.sector.ID}, []string{"50% off shoes", "500 shoes", "shoe_laces", "shoelaces", "boots"}},
		{"cluster", igny8.KeywordFilter{ClusterID: &cs[0].ID}, []string{"50% off shoes", "500 shoes"}},
		{"clustered", igny8.KeywordFilter{Clustered: &yes}, []string{"50% off shoes", "500 shoes"}},
		{"unclustered", igny8.KeywordFilter{Clustered: &no}, []string{"shoe_laces", "shoelaces", "boots", "sandals"}},
		{"percent is literal", igny8.KeywordFilter{Search: "50%"}, []string{"50% off shoes"}},
		{"underscore is literal", igny8.KeywordFilter{Search: "E_"}, []string{"shoe_laces"}},
		{"search normalises", igny8.KeywordFilter{Search: "  OFF   Shoes "}, []string{"50% off shoes"}},
		{"backslash", igny8.KeywordFilter{Search: `\`}, []string{}},
		{"intent", igny8.KeywordFilter{Intent: igny8.IntentTransactional}, []string{"sandals"}},
		{"after and limit", igny8.KeywordFilter{After: kws[1].ID, Limit: 2}, []string{"shoe_laces", "shoelaces"}},
	} {
		got, err := p.db.Keywords(ctx, p.site.ID, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if texts := keywordTexts(got); !slices.Equal(texts, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, texts, tc.want)
		}
	}
	_, err = p.db.Keywords(ctx, 999, igny8.KeywordFilter{})
	wantCode(t, "keywords of an unknown site", err, igny8.ENotFound)
}

func TestDeleteKeyword(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	kws := p.keywords(t, "pillar", "member")
	cs, err := p.db.SaveClusters(ctx, p.site.ID, "b", []*igny8.Cluster{{Name: "C", PillarKeywordID: &kws[0].ID, Provenance: offline}},
		[][]int64{{kws[0].ID, kws[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.db.DeleteKeyword(ctx, p.site.ID, kws[0].ID); err != nil {
		t.Fatal(err)
	}
	c, err := p.db.Cluster(ctx, p.site.ID, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.PillarKeywordID != nil || c.Pillar != "" || c.Keywords != 1 {
		t.Errorf("cluster after its pillar went: %+v", c)
	}
	err = p.db.DeleteKeyword(ctx, p.site.ID, kws[0].ID)
	wantMessage(t, "delete twice", err, igny8.ENotFound, fmt.Sprintf("There is no keyword %d in site %d.", kws[0].ID, p.site.ID))
}
