package pipeline

import (
	"encoding/json"
	"slices"

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

// unlinkMissing changes page so that it refers to no page exists does
// not know: links to such pages in any text prop of its blocks become
// their text (the builder resolves page: references in every string the
// same way), and related blocks drop them (and go when they list no page
// left). It reports whether it changed page.
func unlinkMissing(page *blueprints.Page, exists func(id string) bool) (changed bool) {
	var fix func(v any) any
	fix = func(v any) any {
		switch x := v.(type) {
		case string:
			s, ch := blueprints.UnlinkPages(x, exists)
			changed = changed || ch
			return s
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
	var walk func(bs []*blueprints.Block) []*blueprints.Block
	walk = func(bs []*blueprints.Block) []*blueprints.Block {
		return slices.DeleteFunc(bs, func(b *blueprints.Block) bool {
			if b == nil {
				return false
			}
			if b.Type == "related" {
				ids, _ := b.Props["pages"].([]any)
				kept := slices.DeleteFunc(slices.Clone(ids), func(id any) bool { s, _ := id.(string); return !exists(s) })
				if len(kept) != len(ids) {
					changed = true
					if len(kept) == 0 {
						return true
					}
					b.Props["pages"] = kept
				}
			}
			for k, v := range b.Props {
				b.Props[k] = fix(v)
			}
			b.Children = walk(b.Children)
			return false
		})
	}
	page.Blocks = walk(page.Blocks)
	return changed
}
