package linker_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/linker"
	"github.com/igny8/igny8/writer"
)

// The offline writer's pieces of one cluster, linked, still make a site
// the blueprint validator accepts (every page: link resolves), and link
// to each other.
func TestOfflineCluster(t *testing.T) {
	t.Parallel()
	data, err := fs.ReadFile(examples.FS(), "blog/blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	c := &ai.Client{Provider: offline.New()}
	sc := ai.SiteContext{Name: "Slow Miles", Locale: "en-GB", Industry: "travel"}
	ideas := []struct {
		title, keyword string
		secondary      []string
	}{
		// Each mentions others' target keywords as its secondary ones.
		{"Night trains across Europe", "night trains", []string{"sleeper train", "packing list"}},
		{"How to book a sleeper train", "sleeper train", []string{"night trains", "couchette"}},
		{"Couchette or sleeper?", "couchette", []string{"sleeper train", "night trains"}},
		{"Packing for a night train", "packing list", []string{"night trains", "couchette"}},
	}
	var site linker.Site
	for i, in := range ideas {
		idea := &igny8.Idea{ID: int64(i + 1), Title: in.title, TargetKeyword: in.keyword, SecondaryKeywords: in.secondary,
			Intent: igny8.IntentInformational, EntityType: igny8.EntityPost, EstimatedWords: 900}
		w, err := writer.Write(t.Context(), c, writer.WriteInput{Site: sc, Blueprint: data, Idea: idea, Cluster: "Night trains", Date: "2026-05-01"})
		if err != nil {
			t.Fatalf("Write %q: %v", in.title, err)
		}
		site.Docs = append(site.Docs, linker.Doc{ID: idea.ID, Page: w.Page, Keywords: append([]string{in.keyword}, in.secondary...),
			Cluster: 1, Pillar: i == 0, Status: igny8.ContentPublished})
	}
	res, err := linker.LinkSite(site)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[int64]*blueprints.Page{}
	for _, d := range site.Docs {
		pages[d.ID] = d.Page
	}
	for _, ch := range res.Changed {
		pages[ch.Doc] = ch.Page
	}
	var bp map[string]any
	if err := json.Unmarshal(data, &bp); err != nil {
		t.Fatal(err)
	}
	for _, d := range site.Docs {
		bp["pages"] = append(bp["pages"].([]any), pages[d.ID])
	}
	all, err := json.Marshal(bp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blueprints.Load(all, blueprints.Options{}); err != nil {
		t.Fatalf("the linked site does not load: %v", err)
	}
	rep, err := linker.Report(linker.Site{Docs: func() []linker.Doc {
		docs := append([]linker.Doc(nil), site.Docs...)
		for i := range docs {
			docs[i].Page = pages[docs[i].ID]
		}
		return docs
	}()})
	if err != nil {
		t.Fatal(err)
	}
	var anchors []string
	for _, l := range res.Links {
		anchors = append(anchors, l.Anchor)
	}
	t.Logf("%d links: %s", len(res.Links), strings.Join(anchors, ", "))
	if len(rep.Orphans) != 0 {
		t.Errorf("orphans %v, want none", rep.Orphans)
	}
	// Secondary keywords anchor links to the piece that targets them.
	for _, l := range res.Links {
		singular := func(s string) string { return strings.TrimSuffix(strings.ToLower(s), "s") }
		if want := ideas[l.Target-1].keyword; singular(l.Anchor) != singular(want) {
			t.Errorf("link to %d on %q; want it on its target keyword %q", l.Target, l.Anchor, want)
		}
	}
}
