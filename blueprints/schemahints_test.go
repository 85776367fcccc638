package blueprints

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestEveryPatternHasASentence: a regular expression means nothing to the
// people who write blueprints, so every pattern in the schemas needs a
// sentence in schemaHints saying what it accepts.
func TestEveryPatternHasASentence(t *testing.T) {
	set := schemas()
	for key, s := range set.at {
		if s.Pattern != nil && schemaHints[key] == "" {
			t.Errorf("%s has pattern %s but no sentence in schemaHints", key, s.Pattern)
		}
	}
}

// TestHintsPointAtSchemas catches sentences left behind when a schema moves.
func TestHintsPointAtSchemas(t *testing.T) {
	set := schemas()
	for _, m := range []map[string]string{schemaHints, schemaNouns, requiredWhen, oneOfSentences} {
		for key := range m {
			if set.at[key] == nil {
				t.Errorf("%s: no schema at this location", key)
			}
		}
	}
}

// TestFormatMessage covers "format", which the blueprint schemas do not use
// today: a schema that asserts one still gets a sentence, not the library's.
func TestFormatMessage(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"type": "object", "properties": {"homepage": {"type": "string", "format": "uri"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("https://example.com/s.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("https://example.com/s.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"homepage": "not a url"}`)))
	ps, _ := schemaProblems("", sch.Validate(inst), inst)
	if len(ps) != 1 {
		t.Fatalf("got %v, want one problem", ps)
	}
	if got, want := ps[0].String(), "/homepage: `homepage` must be an absolute URL such as https://example.com/, not \"not a url\""; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestURLScheme(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.com/", "https"},
		{"JaVaScRiPt:alert(1)", "javascript"},
		{"  javascript:x", "javascript"},
		{"\x01\x02javascript:x", "javascript"},
		{"java\tscript:x", "javascript"},
		{"java\nscript:x", "javascript"},
		{"javascript:x \x00", "javascript"},
		{"page:about", "page"},
		{"/about/", ""},
		{"about/x:y", ""},
		{"./a:b", ""},
		{"#top", ""},
		{"?q=1", ""},
		{"1a:b", ""},
		{"%6Aavascript:x", ""},
		{"", ""},
		{":x", ""},
	}
	for _, tt := range tests {
		if got := urlScheme(tt.in); got != tt.want {
			t.Errorf("urlScheme(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
