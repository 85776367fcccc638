package ai

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/igny8/igny8"
)

// Prompts live in prompts/<name>.v<N>.tmpl, each defining the templates
// "system" and "user", rendered with the prompt's Input type; the answer's
// JSON Schema is prompts/<name>.schema.json. A new version of a prompt is a
// new file: the highest version is the one in use, and every generated
// object records the version that made it.
//
//go:embed prompts
var promptFiles embed.FS

// Prompt is an embedded prompt.
type Prompt struct {
	Name    string
	Version string // "v1", "v2"…
	System  string // template text
	User    string // template text
	// Schema is the JSON Schema of the answer.
	Schema json.RawMessage
	schema *jsonschema.Schema
	// input makes the zero value of the prompt's Input type, which an
	// override must render against.
	input func() any
}

// inputs maps each prompt to its Input type.
var inputs = map[string]func() any{
	PromptClusterNames:  func() any { return &ClusterNamesInput{} },
	PromptIdeas:         func() any { return &IdeasInput{} },
	PromptContent:       func() any { return &ContentInput{} },
	PromptImagePrompts:  func() any { return &ImagePromptsInput{} },
	PromptSiteStructure: func() any { return &SiteStructureInput{} },
	PromptSitePage:      func() any { return &SitePageInput{} },
	PromptOptimize:      func() any { return &OptimizeInput{} },
}

var promptName = regexp.MustCompile(`^([a-z_]+)\.(v[0-9]+)\.tmpl$`)

var loadPrompts = sync.OnceValues(func() (map[string]*Prompt, error) {
	out := map[string]*Prompt{}
	entries, err := fs.ReadDir(promptFiles, "prompts")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		m := promptName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		name, version := m[1], m[2]
		in, ok := inputs[name]
		if !ok {
			return nil, fmt.Errorf("prompt file %s: no input type for %q", e.Name(), name)
		}
		if old, ok := out[name]; ok && versionNumber(old.Version) > versionNumber(version) {
			continue
		}
		text, err := fs.ReadFile(promptFiles, "prompts/"+e.Name())
		if err != nil {
			return nil, err
		}
		sys, user, err := splitTemplates(string(text))
		if err != nil {
			return nil, fmt.Errorf("prompt %s: %w", e.Name(), err)
		}
		raw, err := fs.ReadFile(promptFiles, "prompts/"+name+".schema.json")
		if err != nil {
			return nil, fmt.Errorf("prompt %s: %w", name, err)
		}
		sch, err := compileSchema(name, raw)
		if err != nil {
			return nil, fmt.Errorf("prompt %s schema: %w", name, err)
		}
		out[name] = &Prompt{Name: name, Version: version, System: sys, User: user, Schema: raw, schema: sch, input: in}
	}
	for name := range inputs {
		if out[name] == nil {
			return nil, fmt.Errorf("prompt %q has no template", name)
		}
	}
	return out, nil
})

func versionNumber(v string) int {
	n := 0
	fmt.Sscanf(v, "v%d", &n)
	return n
}

// splitTemplates returns the text of the "system" and "user" templates of
// a prompt file.
func splitTemplates(text string) (system, user string, err error) {
	t, err := template.New("").Option("missingkey=error").Funcs(funcs).Parse(text)
	if err != nil {
		return "", "", err
	}
	if t.Lookup("system") == nil || t.Lookup("user") == nil {
		return "", "", fmt.Errorf(`needs {{define "system"}} and {{define "user"}}`)
	}
	return t.Lookup("system").Tree.Root.String(), t.Lookup("user").Tree.Root.String(), nil
}

func compileSchema(name string, raw []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	url := "https://schema.igny8.dev/ai/" + name + ".schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// Prompts returns every embedded prompt (its newest version), by name.
func Prompts() []*Prompt {
	m, err := loadPrompts()
	if err != nil {
		panic(err) // the embedded files are checked by the package's tests
	}
	out := make([]*Prompt, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PromptByName returns the embedded prompt name.
func PromptByName(name string) (*Prompt, error) {
	m, err := loadPrompts()
	if err != nil {
		return nil, err
	}
	p, ok := m[name]
	if !ok {
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, igny8.Errorf(igny8.ENotFound, "There is no prompt %q; the prompts are %s.", name, strings.Join(names, ", "))
	}
	return p, nil
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"add": func(a, b int) int { return a + b },
}

// render executes text as template name against input.
func render(name, text string, input any) (string, error) {
	t, err := template.New(name).Option("missingkey=error").Funcs(funcs).Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, input); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// CheckOverride checks an account's override of prompt name: both
// templates must parse and render against the prompt's input (a field the
// input does not have is an error), and the user template must not be
// empty. The answer's schema is the embedded prompt's and cannot be
// overridden, so an override can change the words, never the shape.
//
// The templates are rendered twice: against a sample input with every
// field set and every list holding one element (so that ranges and index
// run, and the user template shows what it asks), and against the empty
// input (so that fields behind conditions a filled input skips are
// checked too; only unknown fields count there, since an empty list
// fails index legitimately).
func CheckOverride(name, system, user string) error {
	p, err := PromptByName(name)
	if err != nil {
		return err
	}
	var errs []string
	for _, part := range []struct{ field, text string }{{"system", system}, {"user", user}} {
		out, err := render(part.field, part.text, sampleInput(p.input()))
		if err == nil {
			if _, zerr := render(part.field, part.text, p.input()); zerr != nil && strings.Contains(zerr.Error(), "can't evaluate field") {
				err = zerr
			}
		}
		switch {
		case err != nil:
			errs = append(errs, fmt.Sprintf("/%s: %s", part.field, templateError(err)))
		case part.field == "user" && strings.TrimSpace(out) == "":
			errs = append(errs, "/user: the user template renders to nothing; it must ask for the content")
		}
	}
	if len(errs) > 0 {
		return igny8.Errorf(igny8.EInvalid, "The %s prompt override does not work with the prompt's input: %s. The input's fields are %s.",
			name, strings.Join(errs, "; "), inputFields(p.input()))
	}
	return nil
}

// sampleInput fills v (a pointer to an Input type) with a value in every
// field: "sample" for strings, 1 for numbers, true for booleans, and one
// element in every slice.
func sampleInput(v any) any {
	fillSample(reflect.ValueOf(v).Elem())
	return v
}

func fillSample(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("sample")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillSample(v.Field(i))
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fillSample(s.Index(0))
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillSample(p.Elem())
		v.Set(p)
	}
}

func templateError(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": executing "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// inputFields lists the top-level fields a template can use, as {{.Name}}.
func inputFields(v any) string {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// The templates see the Go field names.
	var names []string
	for _, k := range keys {
		names = append(names, "{{."+goName(k)+"}}")
	}
	return strings.Join(names, ", ")
}

func goName(jsonName string) string {
	parts := strings.Split(jsonName, "_")
	for i, p := range parts {
		if p == "id" {
			parts[i] = "ID"
		} else if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}
