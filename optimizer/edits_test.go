package optimizer

import (
	"strings"
	"testing"
)

// Fix's result, as edits (as the offline provider answers the optimize
// prompt) and applied to the page again, is Fix's result.
func TestDiffApplyRoundTrip(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "de"} {
		in := bad(lang).input()
		fixed, changes := Fix(in, Analyze(in))
		if len(changes) == 0 {
			t.Fatalf("%s: Fix changed nothing", lang)
		}
		edits := Diff(in.Page, fixed)
		if len(edits) == 0 {
			t.Fatalf("%s: no edits for %d changes", lang, len(changes))
		}
		got, err := ApplyEdits(in.Page, fixed.SEO.Title, fixed.SEO.Description, edits)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if a, b := mustJSON(t, got), mustJSON(t, fixed); a != b {
			t.Errorf("%s: the edits rebuild\n%s\nwant\n%s", lang, a, b)
		}
		if mustJSON(t, in.Page) == mustJSON(t, got) {
			t.Errorf("%s: ApplyEdits changed its input", lang)
		}
	}
}

// An edit may only replace a text the page has, keeping its links and
// images; the error names the edit and says what is wrong.
func TestApplyEditsRefuses(t *testing.T) {
	t.Parallel()
	p := base("en").page()
	md := p.Blocks[0].Props["markdown"].(string)
	for _, tt := range []struct {
		name string
		edit Edit
		want string
	}{
		{"unknown block", Edit{Block: "nope", Prop: "/markdown", Text: "x"}, `no block "nope"`},
		{"no pointer", Edit{Block: "body", Prop: "markdown", Text: "x"}, "JSON pointer"},
		{"new prop", Edit{Block: "body", Prop: "/heading", Text: "x"}, "has no text at /heading"},
		{"not text", Edit{Block: "image-0", Prop: "/image", Text: "x"}, "/image is not a text"},
		{"a reference", Edit{Block: "image-0", Prop: "/image/asset", Text: "other"}, "not text a reader sees"},
		{"drops a link", Edit{Block: "body", Prop: "/markdown", Text: strings.Replace(md, "[booking tips](page:booking)", "booking tips", 1)}, "drops the link or image to page:booking"},
		{"adds a link", Edit{Block: "body", Prop: "/markdown", Text: md + " [More](page:more)."}, "adds a link or image to page:more"},
	} {
		_, err := ApplyEdits(p, "", "", []Edit{{Block: "body", Prop: "/markdown", Text: md + " Fine."}, tt.edit})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "edit 1") {
			t.Errorf("%s: error %v, want edit 1 and %q", tt.name, err, tt.want)
		}
	}
	// An image's alt text may be set, even where the image had none.
	got, err := ApplyEdits(p, "", "", []Edit{{Block: "image-0", Prop: "/image/alt", Text: "A berth"}})
	if err != nil || got.Blocks[1].Props["image"].(map[string]any)["alt"] != "A berth" {
		t.Errorf("alt edit: %v", err)
	}
}
