package blueprints

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed schema
var schemaFiles embed.FS

const schemaBase = "https://schema.igny8.dev/blueprints/"

// SchemaFS returns the JSON Schemas of the format: blueprint.json, defs.json
// and blocks/<type>.v<N>.json.
func SchemaFS() fs.FS {
	sub, err := fs.Sub(schemaFiles, "schema")
	if err != nil {
		panic(err) // the embedded tree always has it
	}
	return sub
}

type schemaSet struct {
	blueprint *jsonschema.Schema
	blocks    map[string]map[int]*jsonschema.Schema // type → version → schema
	latest    map[string]int
}

var blockFileRE = regexp.MustCompile(`^([a-z][a-z0-9-]*)\.v([0-9]+)\.json$`)

// schemas compiles the embedded schemas once; they never change afterwards.
var schemas = sync.OnceValue(func() *schemaSet {
	set, err := compileSchemas(SchemaFS())
	if err != nil {
		panic(fmt.Sprintf("blueprints: embedded schemas do not compile: %v", err))
	}
	return set
})

func compileSchemas(fsys fs.FS) (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	set := &schemaSet{blocks: map[string]map[int]*jsonschema.Schema{}, latest: map[string]int{}}
	var blockFiles []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".json" {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if strings.HasPrefix(name, "blocks/") {
			blockFiles = append(blockFiles, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if set.blueprint, err = c.Compile(schemaBase + "blueprint.json"); err != nil {
		return nil, err
	}
	for _, name := range blockFiles {
		m := blockFileRE.FindStringSubmatch(path.Base(name))
		if m == nil {
			return nil, fmt.Errorf("%s: block schema names are <type>.v<N>.json", name)
		}
		v, _ := strconv.Atoi(m[2])
		sch, err := c.Compile(schemaBase + name)
		if err != nil {
			return nil, err
		}
		if set.blocks[m[1]] == nil {
			set.blocks[m[1]] = map[int]*jsonschema.Schema{}
		}
		set.blocks[m[1]][v] = sch
		set.latest[m[1]] = max(set.latest[m[1]], v)
	}
	return set, nil
}

// BlockTypes returns the names of all block types, sorted.
func BlockTypes() []string {
	set := schemas()
	types := make([]string, 0, len(set.latest))
	for t := range set.latest {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}

// LatestVersion returns the newest version of a block type, or 0 if the type
// does not exist.
func LatestVersion(blockType string) int {
	return schemas().latest[blockType]
}

// friendlyPatterns gives a sentence for values that fail a shared pattern,
// keyed by the schema location that holds the pattern.
var friendlyPatterns = map[string]string{
	"defs.json#/$defs/id":                "must be lowercase letters, digits and dashes, starting with a letter or digit",
	"defs.json#/$defs/link":              "must be page:<page-id>, #anchor, or an http, https, mailto or tel URL",
	"blueprint.json#/$defs/path":         `must be "/" or lowercase segments each ending in "/", like "/about/" or "/blog/first-post/"`,
	"blueprint.json#/$defs/lang":         `must be a language code such as "en" or "en-US"`,
	"blueprint.json#/$defs/date":         "must be a date (YYYY-MM-DD) or an RFC 3339 time",
	"blueprint.json#/$defs/redirectFrom": "must be a path starting with /, in printable ASCII without spaces or backslashes; URL-encode other characters, as in /caf%C3%A9",
	"blueprint.json#/$defs/redirectTo":   "must be a path starting with / or an http(s) URL, in printable ASCII without spaces or backslashes; URL-encode other characters",
}

// english prints the validator's own messages for the kinds of error that
// have no sentence of ours.
var english = message.NewPrinter(language.English)

// schemaProblems turns a validation error into Problems under base.
func schemaProblems(base string, err error) Problems {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return Problems{{Pointer: base, Message: err.Error()}}
	}
	var out Problems
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			if _, isOneOf := e.ErrorKind.(*kind.OneOf); !isOneOf {
				for _, c := range e.Causes {
					walk(c)
				}
				return
			}
		}
		at := ptr(base, anySlice(e.InstanceLocation)...)
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, m := range k.Missing {
				out = append(out, Problem{Pointer: ptr(at, m), Message: "required"})
			}
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				out = append(out, Problem{Pointer: ptr(at, p), Message: "unknown field; check the spelling against the format reference"})
			}
		case *kind.Enum:
			out = append(out, Problem{Pointer: at, Message: "must be one of " + joinAny(k.Want)})
		case *kind.Const:
			out = append(out, Problem{Pointer: at, Message: fmt.Sprintf("must be %v", k.Want)})
		case *kind.Type:
			out = append(out, Problem{Pointer: at, Message: fmt.Sprintf("must be %s, not %s", strings.Join(k.Want, " or "), k.Got)})
		case *kind.OneOf:
			out = append(out, Problem{Pointer: at, Message: `needs either "path", or "data" with "type", not both`})
		case *kind.Pattern:
			msg := fmt.Sprintf("%q is not valid", k.Got)
			for loc, friendly := range friendlyPatterns {
				if strings.HasPrefix(e.SchemaURL, schemaBase+loc) {
					msg = fmt.Sprintf("%q %s", truncate(k.Got, 60), friendly)
				}
			}
			out = append(out, Problem{Pointer: at, Message: msg})
		case *kind.PropertyNames:
			out = append(out, Problem{Pointer: ptr(at, k.Property), Message: "is not an allowed name here"})
		default:
			out = append(out, Problem{Pointer: at, Message: e.ErrorKind.LocalizedString(english)})
		}
	}
	walk(ve)
	return out
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func joinAny(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
