package blueprints

import (
	"encoding/json"
	"errors"
	"io/fs"
	"strconv"
	"strings"
)

// Options tune Load.
type Options struct {
	// Assets holds the files that asset paths are relative to (usually the
	// blueprint's folder). When nil, asset files are not checked.
	Assets fs.FS
}

// Load parses, migrates and validates a blueprint. On failure the error is
// Problems and the blueprint is nil.
//
// Problems lists every problem at once, sorted by pointer, each located by
// JSON pointer and, when it can be found, line and column. A value the
// schema rejects does not hide the rest: what it rejected is left out and
// everything else (pages, blocks, block props, references, assets, limits)
// is still checked. Only a size or syntax error, or too many pages, stops
// validation early. Checks that would only restate a schema problem (a link
// whose form is already wrong, a block whose type is misspelt) are skipped,
// so each mistake is reported once.
func Load(data []byte, opts Options) (*Blueprint, error) {
	doc, err := readDoc(data)
	if err != nil {
		return nil, err
	}
	var found findings
	if err := schemas().blueprint.Validate(doc); err != nil {
		found.add(schemaProblems("", err, doc))
	}
	var bp *Blueprint
	if len(found.list) == 0 {
		if bp, err = decode(data, doc); err != nil {
			return nil, err
		}
	} else if bp = decodeValid(doc, found.opaque); bp == nil {
		return nil, locate(data, found.list.sort())
	}
	mig, unmigrated := migrate(bp, found.opaque)
	found.merge(mig)
	if ps := validate(bp, opts, &found, unmigrated); len(ps) > 0 {
		return nil, locate(data, ps)
	}
	return bp, nil
}

// findings are the problems found by JSON Schemas, with the pointers of
// the values they could not make sense of (see schemaProblems).
type findings struct {
	list   Problems
	opaque pointerSet
}

func (f *findings) add(ps Problems, opaque []string) {
	f.list = append(f.list, ps...)
	if f.opaque == nil {
		f.opaque = pointerSet{}
	}
	for _, p := range opaque {
		f.opaque[p] = true
	}
}

func (f *findings) merge(g findings) {
	f.add(g.list, nil)
	for p := range g.opaque {
		f.add(nil, []string{p})
	}
}

// pointerSet is a set of JSON pointers.
type pointerSet map[string]bool

// covers reports whether p or one of its parents is in the set.
func (s pointerSet) covers(p string) bool {
	if len(s) == 0 {
		return false
	}
	for {
		if s[p] {
			return true
		}
		if p == "" {
			return false
		}
		p = parentPointer(p)
	}
}

// within reports whether the set holds p, a parent of p, or anything
// under p.
func (s pointerSet) within(p string) bool {
	if s.covers(p) {
		return true
	}
	for q := range s {
		if strings.HasPrefix(q, p+"/") {
			return true
		}
	}
	return false
}

// decodeValid decodes what the schema accepted of a document it rejected:
// the values at the opaque pointers are removed first, so every check that
// follows sees only well-formed values, or none. It returns nil if nothing
// is left to check.
func decodeValid(doc any, opaque pointerSet) *Blueprint {
	if opaque[""] {
		return nil
	}
	for p := range opaque {
		removeAt(doc, p)
	}
	data, err := json.Marshal(integralNumbers(doc))
	if err != nil {
		return nil
	}
	// Numbers beyond an int (a "v" of 1e400, over the schema's maximum)
	// stay zero; Go's decoder reports them and carries on.
	var bp Blueprint
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(data, &bp); err != nil && !errors.As(err, &typeErr) {
		return nil
	}
	fillHoles(&bp)
	return &bp
}

// removeAt deletes the value at pointer p from doc: an object's member is
// removed, a list's entry becomes null, so later entries keep their index,
// and an asset becomes null, so references to it still find it.
func removeAt(doc any, p string) {
	keep := parentPointer(p) == "/assets"
	tokens := strings.Split(p, "/")[1:]
	for i, t := range tokens {
		t = unescapeToken(t)
		last := i == len(tokens)-1
		switch c := doc.(type) {
		case map[string]any:
			if last && keep {
				c[t] = nil
				return
			}
			if last {
				delete(c, t)
				return
			}
			doc = c[t]
		case []any:
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n >= len(c) {
				return
			}
			if last {
				c[n] = nil
				return
			}
			doc = c[n]
		default:
			return
		}
	}
}

// fillHoles replaces the null entries that removeAt (or the document)
// left in lists and maps with empty values, so the checks need no nil
// tests; the schema problems already say what is wrong with them.
func fillHoles(bp *Blueprint) {
	for i, pg := range bp.Pages {
		if pg == nil {
			pg = &Page{}
			bp.Pages[i] = pg
		}
		pg.Blocks = fillBlocks(pg.Blocks)
	}
	for _, items := range [][]*NavItem{bp.Navigation.Main, bp.Navigation.Footer} {
		for i, it := range items {
			if it == nil {
				it = &NavItem{}
				items[i] = it
			}
			for j, c := range it.Children {
				if c == nil {
					it.Children[j] = &NavItem{}
				}
			}
		}
	}
	for i, r := range bp.Site.Redirects {
		if r == nil {
			bp.Site.Redirects[i] = &Redirect{}
		}
	}
	for id, a := range bp.Assets {
		if a == nil {
			bp.Assets[id] = &Asset{}
		}
	}
}

func fillBlocks(bs []*Block) []*Block {
	for i, b := range bs {
		if b == nil {
			b = &Block{}
			bs[i] = b
		}
		b.Children = fillBlocks(b.Children)
	}
	return bs
}
