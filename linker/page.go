package linker

import "github.com/igny8/igny8/blueprints"

// Pages are read and written through blueprints' types: blocks whose
// props are JSON values, as decoded from a page's JSON or built in Go.

// forItems calls fn for each object of a FAQ block's items, whether the
// page was decoded from JSON ([]any) or built in Go.
func forItems(v any, fn func(int, map[string]any)) {
	switch items := v.(type) {
	case []any:
		for i, it := range items {
			if m, ok := it.(map[string]any); ok {
				fn(i, m)
			}
		}
	case []map[string]any:
		for i, m := range items {
			fn(i, m)
		}
	}
}

// propText calls text with every visible string of props, except the
// props named skip (the fields analysed as Markdown).
func propText(v any, skip string, text func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !blueprints.HiddenProp(k) && k != skip {
				propText(x, skip, text)
			}
		}
	case []any:
		for _, x := range v {
			propText(x, skip, text)
		}
	case []map[string]any:
		for _, x := range v {
			propText(x, skip, text)
		}
	case []string:
		for _, x := range v {
			text(x)
		}
	case string:
		text(v)
	}
}

// clonePage copies p deeply enough to set its fields: the blocks and their
// props are new; the rest is shared with p.
func clonePage(p *blueprints.Page) *blueprints.Page {
	c := *p
	c.Blocks = cloneBlocks(p.Blocks)
	return &c
}

func cloneBlocks(blocks []*blueprints.Block) []*blueprints.Block {
	if blocks == nil {
		return nil
	}
	out := make([]*blueprints.Block, len(blocks))
	for i, b := range blocks {
		if b == nil {
			continue
		}
		c := *b
		c.Props, _ = cloneValue(b.Props).(map[string]any)
		c.Children = cloneBlocks(b.Children)
		out[i] = &c
	}
	return out
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return v
		}
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = cloneValue(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = cloneValue(x)
		}
		return s
	case []map[string]any:
		s := make([]map[string]any, len(v))
		for i, x := range v {
			s[i], _ = cloneValue(x).(map[string]any)
		}
		return s
	}
	return v
}

// setField writes f's Markdown into page p, a clone of f's page.
func setField(p *blueprints.Page, f *field) {
	blocks := p.Blocks
	var b *blueprints.Block
	for _, i := range f.blockPath {
		b = blocks[i]
		blocks = b.Children
	}
	if f.item < 0 {
		b.Props["markdown"] = f.md
		return
	}
	forItems(b.Props["items"], func(i int, item map[string]any) {
		if i == f.item {
			item["answer"] = f.md
		}
	})
}
