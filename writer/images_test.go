package writer_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

// written builds the fixture page of an entity type in the blog.
func written(t *testing.T, entity string) (*blueprints.Page, []byte) {
	t.Helper()
	data, _ := example(t, "blog")
	f := fixtures()[entity]
	p, err := writer.BuildPage(f.in, &f.out, layout(t, data), "2026-05-01")
	if err != nil {
		t.Fatal(err)
	}
	return p, data
}

func prompt(section int) ai.ImagePrompt {
	return ai.ImagePrompt{Prompt: fmt.Sprintf("A watercolour of section %d", section), Alt: fmt.Sprintf("Section %d", section), Section: section}
}

func TestImagePrompts(t *testing.T) {
	t.Parallel()
	p, _ := written(t, igny8.EntityPost) // three sections
	content := &igny8.Content{ID: 11, AccountID: 3, SiteID: 5, EntityType: igny8.EntityPost, Slug: p.ID}
	good := ai.ImagePromptsOutput{Featured: prompt(0), Images: []ai.ImagePrompt{prompt(3), prompt(1)}}
	prov := &scripted{answers: []string{answer(t, good)}}
	rows, err := writer.ImagePrompts(t.Context(), &ai.Client{Provider: prov}, site, content, p, 2, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Position, Section, Width, Height int }
	var got []row
	for _, r := range rows {
		got = append(got, row{r.Position, r.Section, r.Width, r.Height})
		if r.ContentID != 11 || r.AccountID != 3 || r.SiteID != 5 || r.Prompt == "" || r.Alt == "" || r.Provider != "scripted" {
			t.Errorf("row %+v", r)
		}
	}
	want := []row{{0, 0, 1200, 630}, {1, 1, 1024, 768}, {2, 3, 1024, 768}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	var in ai.ImagePromptsInput
	if err := json.Unmarshal(prov.requests[0].Input, &in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Why the night train", "How to book", "What to pack"}, in.Headings); diff != "" || in.Max != 2 {
		t.Errorf("input max %d, headings (-want +got):\n%s", in.Max, diff)
	}
}

func TestImagePromptsRepairs(t *testing.T) {
	t.Parallel()
	p, _ := written(t, igny8.EntityPost) // three sections
	content := &igny8.Content{ID: 11, EntityType: igny8.EntityPost, Slug: p.ID}
	good := ai.ImagePromptsOutput{Featured: prompt(0), Images: []ai.ImagePrompt{prompt(1)}}
	tests := []struct {
		name string
		bad  ai.ImagePromptsOutput
		max  int
		says string
	}{
		{"no featured prompt", ai.ImagePromptsOutput{Featured: ai.ImagePrompt{Alt: "x"}, Images: []ai.ImagePrompt{}}, 2, "/featured/prompt: describe the image"},
		{"no alt", ai.ImagePromptsOutput{Featured: ai.ImagePrompt{Prompt: "x"}, Images: []ai.ImagePrompt{}}, 2, "/featured/alt: write alt text"},
		{"long alt", ai.ImagePromptsOutput{Featured: ai.ImagePrompt{Prompt: "x", Alt: strings.Repeat("a", 151)}, Images: []ai.ImagePrompt{}}, 2, "/featured/alt: 151 characters; alt text may have at most 150"},
		{"too many", ai.ImagePromptsOutput{Featured: prompt(0), Images: []ai.ImagePrompt{prompt(1), prompt(2)}}, 1, "/images: 2 in-content images; give at most 1"},
		{"more than the sections", ai.ImagePromptsOutput{Featured: prompt(0), Images: []ai.ImagePrompt{prompt(1), prompt(2), prompt(3), prompt(3)}}, 5, "give at most 3"},
		{"no such section", ai.ImagePromptsOutput{Featured: prompt(0), Images: []ai.ImagePrompt{prompt(4)}}, 2, "/images/0/section: 4 is not a section; the sections are numbered 1 to 3"},
		{"same section twice", ai.ImagePromptsOutput{Featured: prompt(0), Images: []ai.ImagePrompt{prompt(2), prompt(2)}}, 2, "/images/1/section: /images/0 illustrates section 2 already"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prov := &scripted{answers: []string{answer(t, tt.bad), answer(t, good)}}
			rows, err := writer.ImagePrompts(t.Context(), &ai.Client{Provider: prov}, site, content, p, tt.max, 5, 9)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 {
				t.Errorf("%d rows, want the repaired answer's 2", len(rows))
			}
			if r := prov.repairs(); len(r) != 1 || !strings.Contains(r[0], tt.says) {
				t.Errorf("repair messages %q, want one saying %q", r, tt.says)
			}
		})
	}
}

func TestAssetID(t *testing.T) {
	t.Parallel()
	if got, want := writer.AssetID("night-trains", 0), "ai-night-trains-0"; got != want {
		t.Errorf("AssetID = %q, want %q", got, want)
	}
	long1, long2 := strings.Repeat("slow-", 12)+"trains", strings.Repeat("slow-", 12)+"boats"
	a, b := writer.AssetID(long1, 5), writer.AssetID(long2, 5)
	for _, id := range []string{a, b} {
		if !idRE.MatchString(id) || len(id) > 64 || !strings.HasSuffix(id, "-5") {
			t.Errorf("AssetID = %q: not an asset id of at most 64 characters ending in its position", id)
		}
	}
	if a == b {
		t.Errorf("two long slugs share the asset id %q", a)
	}
	if got, want := writer.AssetPath("night-trains", 2, "0123456789abcdef0123", ".png"), "ai/night-trains/2-0123456789ab.png"; got != want {
		t.Errorf("AssetPath = %q, want %q", got, want)
	}
	if got, want := writer.AssetPath("x", 0, "abc", "webp"), "ai/x/0-abc.webp"; got != want {
		t.Errorf("AssetPath = %q, want %q", got, want)
	}
}

func TestAttachImages(t *testing.T) {
	t.Parallel()
	p, data := written(t, igny8.EntityService) // s1, benefits, process, s2, s3, faq, cta
	img := func(pos, section int, generated bool) *igny8.ContentImage {
		i := &igny8.ContentImage{Position: pos, Section: section, Alt: fmt.Sprintf("Image %d", pos)}
		if generated {
			i.AssetPath = writer.AssetPath(p.ID, pos, "abcdef0123456789", "png")
		}
		return i
	}
	imgs := []*igny8.ContentImage{img(0, 0, true), img(1, 1, true), img(2, 3, true), img(3, 2, false), img(4, 9, true)}
	assets := writer.AttachImages(p, imgs)
	want := []string{"s1:richtext", "image-1:image", "benefits:features", "process:features", "s2:richtext", "s3:richtext", "image-2:image", "faq:faq", "cta:cta"}
	if diff := cmp.Diff(want, blockIDs(p)); diff != "" {
		t.Errorf("blocks (-want +got):\n%s", diff)
	}
	if p.Image == nil || p.Image.Asset != writer.AssetID(p.ID, 0) || p.Image.Alt == nil || *p.Image.Alt != "Image 0" {
		t.Errorf("page image = %+v, want the featured image with its alt", p.Image)
	}
	if got, want := len(assets), 3; got != want {
		t.Errorf("%d assets, want %d (the image not generated and the one without its section are skipped)", got, want)
	}
	if got, want := string(assets[writer.AssetID(p.ID, 2)]), `{"path":"ai/rail-trip-planning/2-abcdef012345.png","alt":"Image 2"}`; got != want {
		t.Errorf("asset = %s, want %s", got, want)
	}
	if err := writer.Validate(data, p, writer.Options{Assets: assets}); err != nil {
		t.Errorf("the page with its images does not validate: %v", err)
	}

	first, _ := json.Marshal(p)
	again := writer.AttachImages(p, imgs)
	second, _ := json.Marshal(p)
	if string(first) != string(second) {
		t.Errorf("attaching twice changed the page:\n%s\n%s", first, second)
	}
	if diff := cmp.Diff(assets, again); diff != "" {
		t.Errorf("attaching twice changed the assets (-first +second):\n%s", diff)
	}

	// An image block the owner moved stays where it is, with the new image.
	p.Blocks[0], p.Blocks[1] = p.Blocks[1], p.Blocks[0]
	imgs[1].Alt = "A new alt"
	writer.AttachImages(p, imgs)
	if p.Blocks[0].ID != "image-1" || p.Blocks[0].Props["image"].(map[string]any)["alt"] != "A new alt" {
		t.Errorf("moved block = %+v, want image-1 still first, with the new alt", p.Blocks[0])
	}
}
