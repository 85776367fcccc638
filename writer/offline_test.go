package writer_test

import (
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/aitest"
	"github.com/igny8/igny8/ai/offline"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

// The offline provider's demonstration content goes through the whole
// writer: every entity type is written in one call (no repair round),
// prompted for images, given its images, and still validates in the site.
func TestOffline(t *testing.T) {
	t.Parallel()
	data, files := example(t, "blog")
	for _, locale := range []string{"en-GB", "de-DE"} {
		for _, entity := range igny8.EntityTypes {
			t.Run(locale+"/"+entity, func(t *testing.T) {
				t.Parallel()
				rec := &aitest.Recorder{}
				c := &ai.Client{Provider: offline.New(), Recorder: rec}
				sc := ai.SiteContext{Name: "Slow Miles", Locale: locale, Industry: "travel"}
				idea := &igny8.Idea{ID: 1, AccountID: 2, SiteID: 3, Title: "Night trains across Europe", TargetKeyword: "night trains",
					SecondaryKeywords: []string{"sleeper train", "couchette"}, Intent: igny8.IntentInformational, EntityType: entity,
					Outline: []string{"Why take the night train", "How to book a sleeper", "What to pack"}, EstimatedWords: 900}
				w, err := writer.Write(t.Context(), c, writer.WriteInput{
					Site: sc, Blueprint: data, Assets: files, Idea: idea, Cluster: "Night trains", Date: "2026-05-01", SiteID: 3, JobID: 4,
				})
				if err != nil {
					t.Fatalf("Write: %v", err)
				}
				if n := len(rec.Calls()); n != 1 {
					t.Errorf("%d calls, want 1: the offline answer needed a repair", n)
				}
				if !w.Content.Offline || w.Words < 630 || w.Words > 1350 {
					t.Errorf("offline %v, %d words; want demonstration content of 630 to 1350 words", w.Content.Offline, w.Words)
				}
				imgs, err := writer.ImagePrompts(t.Context(), c, sc, &w.Content, w.Page, 3, 3, 4)
				if err != nil {
					t.Fatalf("ImagePrompts: %v", err)
				}
				if len(imgs) < 2 {
					t.Errorf("%d images, want the featured one and at least one in the content", len(imgs))
				}
				for _, img := range imgs {
					img.AssetPath = writer.AssetPath(w.Page.ID, img.Position, "0123456789abcdef", "png")
				}
				assets := writer.AttachImages(w.Page, imgs)
				if err := writer.Validate(data, w.Page, writer.Options{Assets: assets}); err != nil {
					t.Errorf("the page with its images does not validate: %v", err)
				}
			})
		}
	}
}

// A whole site generated offline from a brief loads.
func TestOfflineSite(t *testing.T) {
	t.Parallel()
	c := &ai.Client{Provider: offline.New()}
	b := igny8.Brief{Name: "Wren & Rye", Industry: "bakery", Audience: "families nearby", Offer: "sourdough bread and pastries", Tone: "warm", Locale: "en-US"}
	s, _, err := writer.GenerateStructure(t.Context(), c, b, 1, 2)
	if err != nil {
		t.Fatalf("GenerateStructure: %v", err)
	}
	pages := make([]*ai.SitePageOutput, len(s.Pages))
	for i, plan := range s.Pages {
		if pages[i], _, err = writer.GeneratePage(t.Context(), c, b, s, plan, 1, 2); err != nil {
			t.Fatalf("GeneratePage(%s): %v", plan.ID, err)
		}
	}
	data, err := writer.SiteBlueprint(b, s, pages, "")
	if err != nil {
		t.Fatalf("SiteBlueprint: %v", err)
	}
	bp, err := blueprints.Load(data, blueprints.Options{})
	if err != nil {
		t.Fatalf("the generated site does not load: %v", err)
	}
	if len(bp.Pages) != len(s.Pages) || bp.Pages[0].Type != blueprints.PageHome {
		t.Errorf("%d pages, the first a %s; want %d, home first", len(bp.Pages), bp.Pages[0].Type, len(s.Pages))
	}
}
