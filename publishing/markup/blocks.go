package markup

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// BlocksOptions map what left IGNY8 through Options back to IGNY8
// references when markup comes back.
type BlocksOptions struct {
	// Page returns the page and anchor ("" or "#frag") a link's URL
	// points to; ok false leaves the link a URL.
	Page func(href string) (pageID, anchor string, ok bool)
	// Asset returns the asset an image's URL shows and the asset's own
	// alternative text, so that an alt equal to it is not repeated in the
	// block; ok false leaves the image remote (a Markdown image with its
	// URL in a richtext block).
	Asset func(src string) (assetID, alt string, ok bool)
}

// BlocksWith parses HTML or WordPress block markup into blocks, mapping
// links and images back to pages and assets with o:
//
//   - A group carrying an IGNY8 block (see the package doc) comes back as
//     that block, exactly, while its inner markup is what Gutenberg wrote;
//     once edited, its content comes back as rich text.
//   - A core/image, or a <figure> with an image, whose URL o.Asset knows
//     becomes an image block.
//   - Everything else, core blocks and plain HTML alike, becomes richtext
//     blocks of Markdown: headings, paragraphs, emphasis, links, lists,
//     quotes, tables and code; consecutive prose makes one block. Remote
//     images stay Markdown images with their URL. Scripts, styles, forms
//     and embeds other than YouTube and Vimeo are dropped, and so are
//     links and images whose URL a page may not hold (javascript:, data:).
//
// New blocks are numbered s1, s2… in order, skipping the ids of restored
// blocks. The result is deterministic: the same markup gives the same
// blocks.
func BlocksWith(markup string, o BlocksOptions) ([]*blueprints.Block, error) {
	if len(markup) > blueprints.MaxSize {
		return nil, igny8.Errorf(igny8.EInvalid, "The markup is %d bytes; the most a page can import is %d.", len(markup), blueprints.MaxSize)
	}
	c := &converter{o: &o}
	c.nodes(parseDelimiters(markup))
	c.flush()
	return c.finish(), nil
}

// wpNode is a block of block markup, or (name "") HTML outside any block.
type wpNode struct {
	name  string // "paragraph", "core/…" names without "core/", "acme/x"
	attrs string // the JSON as written, "" when none
	html  string // freeform HTML; for a block, its inner markup as written
	inner []*wpNode
}

// delimiterRE matches a block comment as @wordpress/block-serialization-
// default-parser does: <!-- wp:name {attrs} -->, <!-- /wp:name -->, and
// the void <!-- wp:name /-->.
var delimiterRE = regexp.MustCompile(`<!--\s+(/)?wp:([a-z][a-z0-9_-]*/)?([a-z][a-z0-9_-]*)\s+(?s:(\{.*?\})\s+)?(/)?-->`)

// parseDelimiters splits markup into blocks. A closer without an opener
// is ignored; an opener without a closer ends where its parent does.
func parseDelimiters(markup string) []*wpNode {
	type open struct {
		node  *wpNode
		start int // where its inner markup starts
	}
	root := &wpNode{}
	stack := []open{{node: root}}
	// opened counts the blocks of each name on the stack, so a closer
	// without an opener is skipped without a search: markup with many
	// of them stays linear.
	opened := map[string]int{}
	text := func(s string) {
		if s == "" {
			return
		}
		top := stack[len(stack)-1].node
		top.inner = append(top.inner, &wpNode{html: s})
	}
	at := 0
	for _, m := range delimiterRE.FindAllStringSubmatchIndex(markup, -1) {
		text(markup[at:m[0]])
		at = m[1]
		name := markup[m[6]:m[7]]
		if m[4] >= 0 && markup[m[4]:m[5]] != "core/" {
			name = markup[m[4]:m[5]] + name
		}
		attrs := ""
		if m[8] >= 0 {
			attrs = markup[m[8]:m[9]]
		}
		switch {
		case m[2] >= 0: // closer
			if opened[name] == 0 {
				continue
			}
			i := len(stack) - 1
			for i > 0 && stack[i].node.name != name {
				i--
			}
			if i == 0 {
				continue
			}
			for len(stack) > i {
				top := stack[len(stack)-1]
				top.node.html = markup[top.start:m[0]]
				opened[top.node.name]--
				stack = stack[:len(stack)-1]
			}
		case m[10] >= 0: // void
			top := stack[len(stack)-1].node
			top.inner = append(top.inner, &wpNode{name: name, attrs: attrs})
		default:
			n := &wpNode{name: name, attrs: attrs}
			top := stack[len(stack)-1].node
			top.inner = append(top.inner, n)
			stack = append(stack, open{node: n, start: m[1]})
			opened[name]++
		}
	}
	text(markup[at:])
	for len(stack) > 1 {
		top := stack[len(stack)-1]
		top.node.html = markup[top.start:]
		stack = stack[:len(stack)-1]
	}
	return root.inner
}

// carried returns the IGNY8 block a block's attributes carry, if its
// inner markup is still what Gutenberg wrote and the block is one this
// version of IGNY8 can show.
func carried(n *wpNode) (*blueprints.Block, bool) {
	if n.attrs == "" || !strings.Contains(n.attrs, `"igny8"`) {
		return nil, false
	}
	var attrs struct {
		Metadata struct {
			IGNY8 *carriedJSON `json:"igny8"`
		} `json:"metadata"`
		IGNY8 *carriedJSON `json:"igny8"`
	}
	if err := json.Unmarshal([]byte(n.attrs), &attrs); err != nil {
		return nil, false
	}
	cb := attrs.Metadata.IGNY8
	if cb == nil {
		cb = attrs.IGNY8
	}
	if cb == nil || cb.Sum != sum(n.html) {
		return nil, false
	}
	b := &cb.Block
	if !wellFormed(b, 0) {
		return nil, false
	}
	return b, true
}

type carriedJSON struct {
	blueprints.Block
	Sum string `json:"sum"`
}

// wellFormed reports whether a restored block can be rendered again.
func wellFormed(b *blueprints.Block, depth int) bool {
	if b == nil || depth > blueprints.MaxDepth || !known(b.Type, b.V) {
		return false
	}
	if b.Props == nil {
		b.Props = map[string]any{}
	}
	if len(b.Children) > 0 && b.Type != "columns" {
		return false
	}
	for _, c := range b.Children {
		if !wellFormed(c, depth+1) {
			return false
		}
	}
	return true
}

// converter collects blocks in order; prose waits in pending until a
// block that is not prose ends it.
type converter struct {
	o       *BlocksOptions
	pending strings.Builder
	out     []*blueprints.Block
}

func (c *converter) nodes(ns []*wpNode) {
	for _, n := range ns {
		switch {
		case n.name == "":
			c.pending.WriteString(n.html)
		case n.name == "image" || n.name == "embed":
			c.pending.WriteString(n.html)
		default:
			if b, ok := carried(n); ok {
				c.flush()
				c.out = append(c.out, b)
				continue
			}
			c.nodes(n.inner)
		}
	}
}

// flush converts the pending prose.
func (c *converter) flush() {
	if c.pending.Len() == 0 {
		return
	}
	src := c.pending.String()
	c.pending.Reset()
	mc := &mdConverter{o: c.o}
	for _, p := range mc.convert(parseHTML(src)) {
		if p.block != nil {
			c.out = append(c.out, p.block)
			continue
		}
		for _, md := range splitMarkdown(p.markdown, maxMarkdown) {
			c.out = append(c.out, &blueprints.Block{Type: "richtext", V: 1, Props: map[string]any{"markdown": md}})
		}
	}
}

// maxMarkdown is the longest Markdown a richtext block holds.
const maxMarkdown = 200000

// splitMarkdown cuts Markdown longer than max at blank lines between
// blocks (a fenced block is never cut, but may leave a piece too long).
func splitMarkdown(md string, max int) []string {
	var out []string
	for len(md) > max {
		cut := strings.LastIndex(md[:max], "\n\n")
		if cut <= 0 {
			break
		}
		out = append(out, md[:cut])
		md = md[cut+2:]
	}
	return append(out, md)
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// finish gives every block an id: a restored block keeps its ids (its
// children's too) unless an earlier block has one of them or they are
// not valid ids; the others are numbered s1, s2… skipping ids in use.
func (c *converter) finish() []*blueprints.Block {
	used := map[string]bool{}
	var fresh []*blueprints.Block
	for _, b := range c.out {
		ids := subtreeIDs(b)
		ok := b.ID != ""
		seen := map[string]bool{}
		for _, id := range ids {
			if used[id] || seen[id] || len(id) > 64 || !idRE.MatchString(id) {
				ok = false
			}
			seen[id] = true
		}
		if !ok {
			fresh = append(fresh, b)
			continue
		}
		for _, id := range ids {
			used[id] = true
		}
	}
	n := 0
	next := func() string {
		for {
			n++
			if id := "s" + strconv.Itoa(n); !used[id] {
				used[id] = true
				return id
			}
		}
	}
	for _, b := range fresh {
		renumber([]*blueprints.Block{b}, next)
	}
	return c.out
}

func subtreeIDs(b *blueprints.Block) []string {
	ids := []string{b.ID}
	for _, c := range b.Children {
		ids = append(ids, subtreeIDs(c)...)
	}
	return ids
}

func renumber(bs []*blueprints.Block, next func() string) {
	for _, b := range bs {
		b.ID = next()
		renumber(b.Children, next)
	}
}
