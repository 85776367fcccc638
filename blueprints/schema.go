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
	// at holds every compiled (sub)schema by its location, such as
	// "defs.json#/$defs/link", so a validation error's SchemaURL leads
	// back to the schema that says what was expected.
	at map[string]*jsonschema.Schema
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
	set := &schemaSet{blocks: map[string]map[int]*jsonschema.Schema{}, latest: map[string]int{}, at: map[string]*jsonschema.Schema{}}
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
	set.index(set.blueprint)
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
		set.index(sch)
		set.latest[m[1]] = max(set.latest[m[1]], v)
	}
	return set, nil
}

// index records s and every schema reachable from it in set.at.
func (set *schemaSet) index(s *jsonschema.Schema) {
	if s == nil || set.at[schemaKey(s.Location)] != nil {
		return
	}
	set.at[schemaKey(s.Location)] = s
	for _, sub := range []*jsonschema.Schema{s.Ref, s.Not, s.If, s.Then, s.Else, s.PropertyNames, s.Items2020, s.Contains} {
		set.index(sub)
	}
	for _, list := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
		for _, sub := range list {
			set.index(sub)
		}
	}
	for _, sub := range s.Properties {
		set.index(sub)
	}
	if sub, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		set.index(sub)
	}
}

// markdownIn calls fn with the pointer and text of every string in val
// that the schema s marks as Markdown (a $ref to defs.json's markdown).
func (set *schemaSet) markdownIn(s *jsonschema.Schema, val any, at string, fn func(at, md string)) {
	if s == nil {
		return
	}
	switch val := val.(type) {
	case string:
		for cur := s; cur != nil; cur = cur.Ref {
			if schemaKey(cur.Location) == markdownDef {
				fn(at, val)
				return
			}
		}
	case map[string]any:
		for k, e := range val {
			set.markdownIn(set.property(s, k), e, ptr(at, k), fn)
		}
	case []any:
		var items *jsonschema.Schema
		for cur := s; cur != nil && items == nil; cur = cur.Ref {
			items = cur.Items2020
		}
		for i, e := range val {
			set.markdownIn(items, e, ptr(at, i), fn)
		}
	}
}

// markdownDef is the location of the Markdown type in the schemas.
const markdownDef = "defs.json#/$defs/markdown"

// schemaKey shortens a schema location to the part after schemaBase:
// "blueprint.json#/$defs/path".
func schemaKey(location string) string {
	return strings.TrimPrefix(location, schemaBase)
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
