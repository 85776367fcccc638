// Package examples holds complete example sites, each a folder with a
// blueprint.json and the assets it uses. They document the blueprint format
// by example, are validated by the tests, and seed new sites: `igny8 init
// DIR` copies one of them into DIR.
//
// The examples are:
//
//   - bakery: a local artisan bakery and café (theme studio) with a menu,
//     products, services, a team and a contact form.
//   - saas: a software-as-a-service landing site (theme studio) with
//     features, pricing, customers, docs, a blog and a product video.
//   - blog: an editorial slow-travel journal (theme journal) with dozens of
//     posts, topic pages and a newsletter call to action.
package examples

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed all:bakery all:saas all:blog
var files embed.FS

// FS returns the example sites. Each top-level folder is one example,
// holding blueprint.json and an assets folder; fs.Sub on a folder gives the
// fs.FS that the blueprint's asset paths are relative to.
func FS() fs.FS {
	return files
}

// Names returns the names of the examples (their folder names), sorted.
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic("examples: " + err.Error()) // the embedded root always exists
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}
