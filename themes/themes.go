// Package themes holds the Hugo themes sites are built with, embedded in the
// binary: "base" (layouts, block partials, SEO and fonts every theme shares)
// and the themes a blueprint can name, each a small layer of its own layouts
// and styles over base.
package themes

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

//go:embed all:base all:studio all:journal
var files embed.FS

// Base is the name of the theme every theme is layered over.
const Base = "base"

// FS returns the themes, one top-level folder each.
func FS() fs.FS { return files }

// Theme describes a theme a blueprint can name.
type Theme struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Defaults    Defaults `json:"defaults"`
}

// Defaults are the design tokens a theme uses where a blueprint sets none.
type Defaults struct {
	Colors      map[string]string `json:"colors"`
	FontHeading string            `json:"font_heading"`
	FontBody    string            `json:"font_body"`
	Radius      string            `json:"radius"`
}

var catalog = sync.OnceValues(func() (map[string]*Theme, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	out := map[string]*Theme{}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == Base {
			continue
		}
		data, err := fs.ReadFile(files, e.Name()+"/theme.json")
		if err != nil {
			return nil, fmt.Errorf("theme %s: %w", e.Name(), err)
		}
		var t Theme
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, fmt.Errorf("theme %s: theme.json: %w", e.Name(), err)
		}
		t.Name = e.Name()
		out[t.Name] = &t
	}
	return out, nil
})

// Get returns the theme with the given name.
func Get(name string) (*Theme, error) {
	all, err := catalog()
	if err != nil {
		return nil, err
	}
	t, ok := all[name]
	if !ok {
		return nil, fmt.Errorf("unknown theme %q; themes: %v", name, Names())
	}
	return t, nil
}

// Names returns the names of the themes a blueprint can name, sorted.
func Names() []string {
	all, _ := catalog()
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
