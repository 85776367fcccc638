package pipeline

import (
	"encoding/json"
	"regexp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

// linkable reports whether content c can be a link target: the linker
// links only to approved and published pieces.
func linkable(c *igny8.Content) bool {
	return c.Status == igny8.ContentApproved || c.Status == igny8.ContentPublished
}

// pageIDs returns the ids of the pages of a blueprint document.
func pageIDs(doc []byte) (map[string]bool, error) {
	var bp struct {
		Pages []struct {
			ID string `json:"id"`
		} `json:"pages"`
	}
	if err := json.Unmarshal(doc, &bp); err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(bp.Pages))
	for _, p := range bp.Pages {
		ids[p.ID] = true
	}
	return ids, nil
}

// withContentPages returns the site's blueprint with a stand-in page for
// every approved or published content piece it does not have yet, so that
// a piece's links to the site's other content validate before those are
// published (the stand-ins have the pieces' ids and paths, no blocks).
func withContentPages(doc []byte, contents []*igny8.Content, except int64) ([]byte, error) {
	have, err := pageIDs(doc)
	if err != nil {
		return nil, err
	}
	for _, c := range contents {
		if c.ID == except || !linkable(c) || have[c.Slug] {
			continue
		}
		var p struct {
			Path string `json:"path"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(c.Page, &p); err != nil {
			return nil, err
		}
		stub := &blueprints.Page{ID: c.Slug, Path: p.Path, Type: p.Type, Title: c.Title, Blocks: []*blueprints.Block{}}
		if stub.Type == blueprints.PagePost {
			// A post needs a date; the stand-in is never built.
			stub.Date = "2000-01-01"
		}
		if doc, err = writer.InsertPage(doc, stub, nil); err != nil {
			return nil, err
		}
		have[c.Slug] = true
	}
	return doc, nil
}

// pageLinkRE finds inline Markdown links to pages: [text](page:id#anchor).
var pageLinkRE = regexp.MustCompile(`\[([^\[\]]*)\]\(\s*<?page:([a-z0-9][a-z0-9-]*)(#[A-Za-z0-9_-]+)?>?\s*\)`)

// unlinkMissing returns page with the links to pages exists does not know
// turned back into their text, in every text prop of its blocks (the
// builder resolves page: references in every string the same way).
func unlinkMissing(page *blueprints.Page, exists func(id string) bool) (changed bool) {
	var fix func(v any) any
	fix = func(v any) any {
		switch x := v.(type) {
		case string:
			return pageLinkRE.ReplaceAllStringFunc(x, func(m string) string {
				sm := pageLinkRE.FindStringSubmatch(m)
				if exists(sm[2]) {
					return m
				}
				changed = true
				return sm[1]
			})
		case map[string]any:
			for k, e := range x {
				x[k] = fix(e)
			}
		case []any:
			for i, e := range x {
				x[i] = fix(e)
			}
		}
		return v
	}
	var walk func(bs []*blueprints.Block)
	walk = func(bs []*blueprints.Block) {
		for _, b := range bs {
			if b == nil {
				continue
			}
			for k, v := range b.Props {
				b.Props[k] = fix(v)
			}
			walk(b.Children)
		}
	}
	walk(page.Blocks)
	return changed
}
