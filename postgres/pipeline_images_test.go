package postgres_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

func TestImagePromptsOnce(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	c := p.content(t, "b", "shoes")
	imgs := []*igny8.ContentImage{
		{Position: 0, Prompt: "a shoe", Alt: "A shoe", Width: 1200, Height: 630, Provenance: offline},
		{Position: 1, Prompt: "a lace", Alt: "A lace", Section: 2, Width: 800, Height: 600, Provenance: offline},
	}
	first, err := p.db.SaveImagePrompts(ctx, p.site.ID, c.ID, imgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].Prompt != "a shoe" || first[1].Section != 2 || first[1].Width != 800 || first[0].AssetPath != "" ||
		first[0].Provenance != offline || first[0].ContentID != c.ID || first[0].SiteID != p.site.ID {
		t.Errorf("prompted images: %+v", first[0])
	}
	second, err := p.db.SaveImagePrompts(ctx, p.site.ID, c.ID, imgs[:1])
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 2 || second[0].ID != first[0].ID || second[1].ID != first[1].ID {
		t.Errorf("second save: %d images", len(second))
	}

	gen := *first[1]
	gen.AssetPath, gen.SHA256, gen.ContentType = "images/shoes-1.webp", strings.Repeat("b", 64), "image/webp"
	gen.Provenance = igny8.Provenance{Provider: "openai", Model: "gpt-image-1", Prompt: "image", PromptVersion: "1"}
	if err := p.db.SetImageGenerated(ctx, p.site.ID, &gen); err != nil {
		t.Fatal(err)
	}
	got, err := p.db.ContentImages(ctx, p.site.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g := got[1]; g.AssetPath != "images/shoes-1.webp" || g.SHA256 != gen.SHA256 || g.ContentType != "image/webp" || g.Model != "gpt-image-1" ||
		g.Prompt != "a lace" || g.Offline {
		t.Errorf("generated image = %+v", g)
	}
	if got[0].AssetPath != "" {
		t.Errorf("the featured image is generated too: %+v", got[0])
	}

	gen.ID = 999
	wantMessage(t, "unknown image", p.db.SetImageGenerated(ctx, p.site.ID, &gen), igny8.ENotFound, fmt.Sprintf("There is no image 999 in site %d.", p.site.ID))
	gen.AssetPath = "../escape.png"
	wantCode(t, "bad path", p.db.SetImageGenerated(ctx, p.site.ID, &gen), igny8.EInvalid)
	_, err = p.db.SaveImagePrompts(ctx, p.site.ID, 999, imgs)
	wantCode(t, "images of unknown content", err, igny8.ENotFound)
	_, err = p.db.ContentImages(ctx, p.site.ID, 999)
	wantCode(t, "list images of unknown content", err, igny8.ENotFound)
	other := p.content(t, "c", "other")
	for name, bad := range map[string][]*igny8.ContentImage{
		"position 6":      {{Position: 6, Prompt: "x", Width: 100, Height: 100}},
		"repeat position": {{Position: 1, Prompt: "x", Width: 100, Height: 100}, {Position: 1, Prompt: "y", Width: 100, Height: 100}},
		"no prompt":       {{Position: 0, Width: 100, Height: 100}},
		"tiny":            {{Position: 0, Prompt: "x", Width: 8, Height: 100}},
	} {
		_, err := p.db.SaveImagePrompts(ctx, p.site.ID, other.ID, bad)
		wantCode(t, name, err, igny8.EInvalid)
	}
	if none, _ := p.db.ContentImages(ctx, p.site.ID, other.ID); len(none) != 0 {
		t.Errorf("refused prompts left %d images", len(none))
	}
}

func TestPutBlueprintAssets(t *testing.T) {
	p := newPipe(t)
	ctx := p.alpha
	var checked []byte
	check := func(doc []byte) error {
		checked = doc
		var bp struct {
			Assets map[string]struct{ Path string } `json:"assets"`
		}
		if err := json.Unmarshal(doc, &bp); err != nil {
			return err
		}
		for id, a := range bp.Assets {
			if a.Path == "" {
				return igny8.Errorf(igny8.EInvalid, "/assets/%s: path is required", id)
			}
		}
		return nil
	}
	assets := map[string]json.RawMessage{"hero": json.RawMessage(`{"path": "images/hero.webp", "alt": "Hero"}`)}
	err := p.db.PutBlueprintAssets(ctx, p.site.ID, assets, check)
	wantCode(t, "assets without a blueprint", err, igny8.ENotFound)

	doc := strings.Replace(smallBlueprint, `"theme"`, `"assets": {"logo": {"path": "logo.svg"}}, "theme"`, 1)
	if _, err := p.db.SaveBlueprint(ctx, p.site.ID, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	if err := p.db.PutBlueprintAssets(ctx, p.site.ID, assets, check); err != nil {
		t.Fatal(err)
	}
	got, version, err := p.db.ActiveBlueprintJSON(ctx, p.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(smallBlueprint, `"theme"`, `"assets": {"logo": {"path": "logo.svg"}, "hero": {"path": "images/hero.webp", "alt": "Hero"}}, "theme"`, 1)
	if version != 1 || !sameJSON(got, []byte(want)) {
		t.Errorf("blueprint version %d after the assets:\n%s", version, got)
	}
	if !sameJSON(checked, []byte(want)) {
		t.Errorf("check saw:\n%s", checked)
	}

	// Replacing an entry, and a check that refuses: nothing changes.
	refuse := map[string]json.RawMessage{"hero": json.RawMessage(`{"alt": "no path"}`), "new": json.RawMessage(`{"path": "n.png"}`)}
	err = p.db.PutBlueprintAssets(ctx, p.site.ID, refuse, check)
	wantCode(t, "refused assets", err, igny8.EInvalid)
	if after, _, _ := p.db.ActiveBlueprintJSON(ctx, p.site.ID); !sameJSON(after, got) {
		t.Errorf("a refused change changed the blueprint:\n%s", after)
	}
	audits := func() int {
		entries, err := p.db.Audit(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "blueprint.assets" {
				n++
			}
		}
		return n
	}
	if n := audits(); n != 1 {
		t.Errorf("%d blueprint.assets audits, want 1", n)
	}
	// The same entries again change nothing.
	same := map[string]json.RawMessage{"hero": json.RawMessage(`{"alt":"Hero","path":"images/hero.webp"}`)}
	if err := p.db.PutBlueprintAssets(ctx, p.site.ID, same, func([]byte) error { return errors.New("not called") }); err != nil {
		t.Errorf("the same assets again: %v", err)
	}
	if n := audits(); n != 1 {
		t.Errorf("%d blueprint.assets audits after a no-op, want 1", n)
	}
	replace := map[string]json.RawMessage{"hero": json.RawMessage(`{"path": "images/hero-2.webp"}`)}
	if err := p.db.PutBlueprintAssets(ctx, p.site.ID, replace, check); err != nil {
		t.Fatal(err)
	}
	after, _, _ := p.db.ActiveBlueprintJSON(ctx, p.site.ID)
	want = strings.Replace(smallBlueprint, `"theme"`, `"assets": {"logo": {"path": "logo.svg"}, "hero": {"path": "images/hero-2.webp"}}, "theme"`, 1)
	if !sameJSON(after, []byte(want)) {
		t.Errorf("after replacing hero:\n%s", after)
	}
	err = p.db.PutBlueprintAssets(ctx, p.site.ID, map[string]json.RawMessage{"x": json.RawMessage(`{`)}, check)
	wantCode(t, "bad JSON", err, igny8.EInvalid)
}
