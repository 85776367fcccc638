package ai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/aitest"
	"github.com/igny8/igny8/ai/offline"
)

func TestPromptsAreEmbedded(t *testing.T) {
	var names []string
	for _, p := range ai.Prompts() {
		names = append(names, p.Name)
		if p.Version != "v1" || p.System == "" || p.User == "" || len(p.Schema) == 0 {
			t.Errorf("prompt %s: version %q, system %d bytes, user %d bytes, schema %d bytes", p.Name, p.Version, len(p.System), len(p.User), len(p.Schema))
		}
	}
	want := []string{ai.PromptClusterNames, ai.PromptContent, ai.PromptIdeas, ai.PromptImagePrompts, ai.PromptOptimize, ai.PromptSitePage, ai.PromptSiteStructure}
	if !slices.Equal(names, want) {
		t.Errorf("prompts %q, want %q", names, want)
	}
}

// capture answers every chat with the offline provider and keeps the
// rendered messages.
type capture struct {
	offline.Provider
	msgs []ai.Message
}

func (c *capture) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	c.msgs = req.Messages
	return c.Provider.Chat(ctx, req)
}

// Every prompt renders against a filled input in every sample language:
// no empty template, no missing value, and the input's facts in the text.
func TestPromptsRender(t *testing.T) {
	for _, loc := range []string{"en", "de-DE", "fr", "es"} {
		for name, input := range aitest.Inputs(loc) {
			t.Run(loc+"/"+name, func(t *testing.T) {
				p := &capture{}
				c := &ai.Client{Provider: p}
				if _, err := c.Generate(t.Context(), ai.Call{Prompt: name, Input: input}, aitest.NewOutput(name)); err != nil {
					t.Fatal(err)
				}
				system, user := p.msgs[0].Content, p.msgs[1].Content
				for _, text := range []string{system, user} {
					if strings.Contains(text, "<no value>") || strings.Contains(text, "{{") || strings.Contains(text, "map[") || strings.Contains(text, "&{") {
						t.Errorf("a template rendered badly:\n%s", text)
					}
				}
				if !strings.Contains(system, loc) {
					t.Errorf("the system message does not name the site's language %q:\n%s", loc, system)
				}
				if !strings.Contains(system, "JSON") {
					t.Errorf("the system message does not ask for JSON (needed by providers' JSON mode):\n%s", system)
				}
				b, _ := json.Marshal(input)
				for _, fact := range facts(name, input) {
					if !strings.Contains(system+user, fact) {
						t.Errorf("the prompt does not carry %q from the input %s:\n%s\n---\n%s", fact, b, system, user)
					}
				}
			})
		}
	}
}

// facts are values of an input its prompt must show the model.
func facts(prompt string, input any) []string {
	switch in := input.(type) {
	case *ai.ClusterNamesInput:
		return []string{in.Site.Name, in.Groups[0].Keywords[1], in.Groups[2].Keywords[0]}
	case *ai.IdeasInput:
		return []string{in.Cluster, in.Pillar, in.Keywords[3], fmt.Sprint(in.Count), in.EntityTypes[1]}
	case *ai.ContentInput:
		return []string{in.Title, in.TargetKeyword, in.Outline[2], fmt.Sprint(in.WordTarget), in.SecondaryKeywords[0], in.Intent, in.Angle}
	case *ai.ImagePromptsInput:
		return []string{in.Title, in.Headings[3], fmt.Sprint(in.Max)}
	case *ai.SiteStructureInput:
		return []string{in.Brief.Name, in.Brief.Offer, in.Brief.Audience, in.Brief.Pages[2]}
	case *ai.SitePageInput:
		return []string{in.Brief.Name, in.Page.Title, in.Page.Purpose, in.Others[3]}
	case *ai.OptimizeInput:
		return []string{in.Keyword, in.Checks[1].ID, in.Checks[0].Message, in.EntityType, `"blocks":`, in.Suggested.Edits[0].Prop}
	}
	panic(prompt)
}

// The content prompt gives each entity type its own instructions.
func TestContentPromptByEntityType(t *testing.T) {
	for et, want := range map[string]string{
		"post": "This is an article", "page": "evergreen page", "product": "product:", "service": "service:", "taxonomy": "introduction of 80 to 150 words",
	} {
		in := aitest.Inputs("en")[ai.PromptContent].(*ai.ContentInput)
		in.EntityType = et
		p := &capture{}
		if _, err := (&ai.Client{Provider: p}).Generate(t.Context(), ai.Call{Prompt: ai.PromptContent, Input: in}, &ai.ContentOutput{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.msgs[0].Content, want) {
			t.Errorf("the %s prompt does not say %q:\n%s", et, want, p.msgs[0].Content)
		}
	}
}

func TestCheckOverride(t *testing.T) {
	ok := []struct{ system, user string }{
		{"You name clusters for {{.Site.Name}}.", "{{range .Groups}}{{.Index}}: {{join .Keywords \", \"}}\n{{end}}"},
		{"", "Name these: {{json .Groups}}"},
		{"", "First group: {{(index .Groups 0).Index}}"},
	}
	for _, o := range ok {
		if err := ai.CheckOverride(ai.PromptClusterNames, o.system, o.user); err != nil {
			t.Errorf("CheckOverride(%q, %q) = %v, want nil", o.system, o.user, err)
		}
	}
	for _, tt := range []struct {
		system, user string
		want         []string
	}{
		{"Hi {{.Nope}}", "{{json .Groups}}", []string{"/system", "Nope", "{{.Groups}}", "{{.Site}}"}},
		{"Hi", "{{.Site.Nope}}", []string{"/user", "Nope"}},
		{"Hi", "   ", []string{"/user", "renders to nothing"}},
		{"Hi {{if}}", "x", []string{"/system"}},
		{"Hi", "{{template \"other\"}}", []string{"/user"}},
		// A field behind a condition the sample input skips is checked too.
		{"{{if not .Site.Name}}{{.Site.Nom}}{{end}}", "x", []string{"/system", "Nom"}},
	} {
		err := ai.CheckOverride(ai.PromptClusterNames, tt.system, tt.user)
		if igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("CheckOverride(%q, %q) = %v, want invalid", tt.system, tt.user, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(igny8.ErrorMessage(err), w) {
				t.Errorf("CheckOverride(%q, %q): the message %q does not say %q", tt.system, tt.user, igny8.ErrorMessage(err), w)
			}
		}
	}
	if err := ai.CheckOverride("nope", "", "x"); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("CheckOverride of an unknown prompt = %v, want not_found", err)
	}
	// Every embedded prompt passes its own check.
	for _, p := range ai.Prompts() {
		if err := ai.CheckOverride(p.Name, p.System, p.User); err != nil {
			t.Errorf("the embedded %s prompt fails CheckOverride: %v", p.Name, err)
		}
	}
}

// strictKeywords are the JSON Schema keywords OpenAI's strict structured
// outputs accept; the schemas use no others.
var strictKeywords = []string{"type", "properties", "required", "additionalProperties", "items", "enum", "description", "anyOf", "$defs", "$ref", "const"}

// Every schema meets strict mode's rules: objects closed, every property
// required, optional values as unions with null, no other keywords.
func TestSchemasAreStrict(t *testing.T) {
	for _, p := range ai.Prompts() {
		var doc map[string]any
		if err := json.Unmarshal(p.Schema, &doc); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if doc["type"] != "object" {
			t.Errorf("%s: the root must be an object", p.Name)
		}
		walkSchema(t, p.Name, "#", doc)
	}
}

func walkSchema(t *testing.T, name, at string, s map[string]any) {
	t.Helper()
	for k := range s {
		if !slices.Contains(strictKeywords, k) {
			t.Errorf("%s %s: keyword %q is not allowed in strict mode", name, at, k)
		}
	}
	types := typesOf(s)
	if len(types) == 0 {
		t.Errorf("%s %s: no type", name, at)
	}
	if len(types) > 1 && (len(types) != 2 || !slices.Contains(types, "null")) {
		t.Errorf("%s %s: type %q; a union may only add null", name, at, types)
	}
	if slices.Contains(types, "object") {
		if s["additionalProperties"] != false {
			t.Errorf("%s %s: additionalProperties must be false", name, at)
		}
		props, _ := s["properties"].(map[string]any)
		var keys, required []string
		for k := range props {
			keys = append(keys, k)
		}
		for _, r := range s["required"].([]any) {
			required = append(required, r.(string))
		}
		sort.Strings(keys)
		sort.Strings(required)
		if !slices.Equal(keys, required) {
			t.Errorf("%s %s: required %q, want every property %q", name, at, required, keys)
		}
		for k, v := range props {
			walkSchema(t, name, at+"/"+k, v.(map[string]any))
		}
	}
	if slices.Contains(types, "array") {
		walkSchema(t, name, at+"/items", s["items"].(map[string]any))
	}
}

func typesOf(s map[string]any) []string {
	switch v := s["type"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

// outputTypes are the Go types each prompt's answer decodes into.
var outputTypes = map[string]reflect.Type{
	ai.PromptClusterNames:  reflect.TypeFor[ai.ClusterNamesOutput](),
	ai.PromptIdeas:         reflect.TypeFor[ai.IdeasOutput](),
	ai.PromptContent:       reflect.TypeFor[ai.ContentOutput](),
	ai.PromptImagePrompts:  reflect.TypeFor[ai.ImagePromptsOutput](),
	ai.PromptSiteStructure: reflect.TypeFor[ai.SiteStructureOutput](),
	ai.PromptSitePage:      reflect.TypeFor[ai.SitePageOutput](),
	ai.PromptOptimize:      reflect.TypeFor[ai.OptimizeOutput](),
}

// The schemas and the Output types describe the same JSON: the same
// property names, objects as structs (pointers where null is allowed),
// arrays as slices, strings and integers as such.
func TestSchemasMatchOutputTypes(t *testing.T) {
	for _, p := range ai.Prompts() {
		var doc map[string]any
		_ = json.Unmarshal(p.Schema, &doc)
		matchType(t, p.Name, "#", doc, outputTypes[p.Name])
	}
}

func matchType(t *testing.T, name, at string, s map[string]any, typ reflect.Type) {
	t.Helper()
	types := typesOf(s)
	nullable := slices.Contains(types, "null")
	if nullable != (typ.Kind() == reflect.Pointer) {
		t.Errorf("%s %s: nullable %v but the Go type is %s", name, at, nullable, typ)
	}
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch {
	case slices.Contains(types, "object"):
		if typ.Kind() != reflect.Struct {
			t.Errorf("%s %s: an object, but the Go type is %s", name, at, typ)
			return
		}
		props := s["properties"].(map[string]any)
		fields := map[string]reflect.Type{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fields[tag] = f.Type
		}
		for k, v := range props {
			ft, ok := fields[k]
			if !ok {
				t.Errorf("%s %s: property %q has no field in %s", name, at, k, typ)
				continue
			}
			matchType(t, name, at+"/"+k, v.(map[string]any), ft)
		}
		for k := range fields {
			if _, ok := props[k]; !ok {
				t.Errorf("%s %s: field %q of %s is not in the schema", name, at, k, typ)
			}
		}
	case slices.Contains(types, "array"):
		if typ.Kind() != reflect.Slice {
			t.Errorf("%s %s: an array, but the Go type is %s", name, at, typ)
			return
		}
		matchType(t, name, at+"/items", s["items"].(map[string]any), typ.Elem())
	case slices.Contains(types, "string"):
		if typ.Kind() != reflect.String {
			t.Errorf("%s %s: a string, but the Go type is %s", name, at, typ)
		}
	case slices.Contains(types, "integer"):
		if typ.Kind() != reflect.Int {
			t.Errorf("%s %s: an integer, but the Go type is %s", name, at, typ)
		}
	default:
		t.Errorf("%s %s: unexpected type %q", name, at, types)
	}
}

// An answer decoded into its Output type and encoded again is still valid
// for the schema, nulls included.
func TestOutputsRoundTrip(t *testing.T) {
	for _, loc := range []string{"en", "de"} {
		for name, input := range aitest.Inputs(loc) {
			for _, variant := range variants(name, input) {
				raw, _ := json.Marshal(variant)
				resp, err := offline.New().Chat(t.Context(), ai.ChatRequest{Prompt: name, Input: raw})
				if err != nil {
					t.Fatal(err)
				}
				out := aitest.NewOutput(name)
				if err := json.Unmarshal([]byte(resp.Content), out); err != nil {
					t.Fatal(err)
				}
				again, _ := json.Marshal(out)
				if string(again) != resp.Content {
					t.Errorf("%s: re-encoding the decoded answer changed it:\n%s\n---\n%s", name, resp.Content, again)
				}
				p := &fakeProvider{ChatFunc: answers(string(again))}
				if _, err := (&ai.Client{Provider: p}).Generate(t.Context(), ai.Call{Prompt: name, Input: variant}, aitest.NewOutput(name)); err != nil {
					t.Errorf("%s: the re-encoded answer does not validate: %v", name, err)
				}
			}
		}
	}
}

// variants are an input and, for content, one per entity type, so that
// product, service and null fields all go through.
func variants(name string, input any) []any {
	in, ok := input.(*ai.ContentInput)
	if !ok {
		return []any{input}
	}
	var out []any
	for _, et := range []string{"post", "page", "product", "service", "taxonomy"} {
		v := *in
		v.EntityType = et
		out = append(out, &v)
	}
	return out
}
