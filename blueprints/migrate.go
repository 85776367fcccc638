package blueprints

import "fmt"

// A migration lifts the props of one block type from version N to N+1. It
// may modify and return props. Migrations never fail on props that were
// valid for version N; they return an error only for props that were not.
type migration func(props map[string]any) (map[string]any, error)

// migrations[type][i] lifts version i+1 to i+2. The newest version of a type
// is len(migrations[type])+1, which a test checks against the schemas.
var migrations = map[string][]migration{
	"hero": {heroV1toV2},
}

// heroV1toV2: title → heading, subtitle → text, cta → actions[0].
func heroV1toV2(p map[string]any) (map[string]any, error) {
	rename(p, "title", "heading")
	rename(p, "subtitle", "text")
	if cta, ok := p["cta"]; ok {
		delete(p, "cta")
		if m, ok := cta.(map[string]any); ok {
			if _, has := m["variant"]; !has {
				m["variant"] = "primary"
			}
		}
		p["actions"] = []any{cta}
	}
	return p, nil
}

func rename(p map[string]any, from, to string) {
	if v, ok := p[from]; ok {
		delete(p, from)
		p[to] = v
	}
}

// migrate lifts every block of bp to its newest version, validating each
// intermediate version's props against its schema first so a migration
// only ever sees props it understands. Blocks whose type, version or props
// are at an opaque pointer (the schema rejected them) are left alone. It
// returns the problems found and the blocks it could not lift.
func migrate(bp *Blueprint, opaque pointerSet) (findings, map[*Block]bool) {
	var f findings
	var stuck map[*Block]bool
	fail := func(b *Block) {
		if stuck == nil {
			stuck = map[*Block]bool{}
		}
		stuck[b] = true
	}
	for i, pg := range bp.Pages {
		walkBlocks(pg.Blocks, ptr("", "pages", i, "blocks"), func(b *Block, at string, _ int) {
			latest := LatestVersion(b.Type)
			if latest == 0 || b.V >= latest || b.V < 1 || b.Props == nil ||
				opaque.covers(ptr(at, "type")) || opaque.covers(ptr(at, "v")) || opaque.covers(ptr(at, "props")) {
				return // unknown types and versions are reported by Validate
			}
			set := schemas()
			for b.V < latest {
				if sch := set.blocks[b.Type][b.V]; sch != nil {
					if err := sch.Validate(map[string]any(b.Props)); err != nil {
						f.add(schemaProblems(ptr(at, "props"), err, map[string]any(b.Props)))
						fail(b)
						return
					}
				}
				steps := migrations[b.Type]
				if b.V-1 >= len(steps) {
					f.add(Problems{{Pointer: ptr(at, "v"), Message: fmt.Sprintf("no migration from %s v%d to v%d", b.Type, b.V, b.V+1)}}, nil)
					fail(b)
					return
				}
				props, err := steps[b.V-1](b.Props)
				if err != nil {
					f.add(Problems{{Pointer: ptr(at, "props"), Message: fmt.Sprintf("migrating %s v%d to v%d: %v", b.Type, b.V, b.V+1, err)}}, nil)
					fail(b)
					return
				}
				b.Props = props
				b.V++
			}
		})
	}
	return f, stuck
}

// walkBlocks calls fn for every block, depth first, with its JSON pointer
// and its depth (1 for a page's own blocks).
func walkBlocks(blocks []*Block, at string, fn func(b *Block, at string, depth int)) {
	var walk func(blocks []*Block, at string, depth int)
	walk = func(blocks []*Block, at string, depth int) {
		for i, b := range blocks {
			bat := ptr(at, i)
			fn(b, bat, depth)
			if len(b.Children) > 0 {
				walk(b.Children, ptr(bat, "children"), depth+1)
			}
		}
	}
	walk(blocks, at, 1)
}
