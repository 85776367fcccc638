package optimizer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/igny8/igny8/blueprints"
)

// Edit replaces one text prop of one block: the form in which an AI
// model's rewrite of a page comes back, so that it cannot change the
// page's structure.
type Edit struct {
	// Block is the block's id; "" with Prop "/image/alt" is the alt text
	// of the page's own (featured) image.
	Block string
	// Prop is a JSON pointer into the block's props to a string the block
	// has: /markdown, /heading, /items/2/answer. It may also name the alt
	// text of an image object (an object with an "asset").
	Prop string
	Text string
}

// featuredAlt is the Prop of an Edit of the page's own image's alt text.
const featuredAlt = "/image/alt"

// Diff returns the edits that turn before into after, a page with the same
// blocks (as Fix returns): every string prop whose text differs.
func Diff(before, after *blueprints.Page) []Edit {
	var out []Edit
	if after.Image != nil && after.Image.Alt != nil && before.Image != nil && (before.Image.Alt == nil || *before.Image.Alt != *after.Image.Alt) {
		out = append(out, Edit{Prop: featuredAlt, Text: *after.Image.Alt})
	}
	byID := map[string]*blueprints.Block{}
	walkBlocks(before.Blocks, func(b *blueprints.Block) { byID[b.ID] = b })
	walkBlocks(after.Blocks, func(b *blueprints.Block) {
		old := byID[b.ID]
		if old == nil {
			return
		}
		diffValue(map[string]any(old.Props), map[string]any(b.Props), "", func(ptr, text string) {
			out = append(out, Edit{Block: b.ID, Prop: ptr, Text: text})
		})
	})
	return out
}

func walkBlocks(bs []*blueprints.Block, fn func(*blueprints.Block)) {
	for _, b := range bs {
		if b != nil {
			fn(b)
			walkBlocks(b.Children, fn)
		}
	}
}

func diffValue(a, b any, at string, emit func(ptr, text string)) {
	switch b := b.(type) {
	case string:
		if s, _ := a.(string); s != b {
			emit(at, b)
		}
	case map[string]any:
		am, _ := a.(map[string]any)
		for k, v := range b {
			diffValue(am[k], v, at+"/"+escapePointer(k), emit)
		}
	case []any:
		as, _ := a.([]any)
		for i, v := range b {
			var av any
			if i < len(as) {
				av = as[i]
			}
			diffValue(av, v, at+"/"+strconv.Itoa(i), emit)
		}
	}
}

func escapePointer(k string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// ApplyEdits returns a copy of p with the edits made, and the SEO title and
// meta description set where not "". An edit must name a block of the page
// and a text it has (not a link, a reference, a choice or an id); the
// error says which edit does not, in words a model can act on.
func ApplyEdits(p *blueprints.Page, seoTitle, metaDescription string, edits []Edit) (*blueprints.Page, error) {
	c := copyPage(p)
	byID := map[string]*blueprints.Block{}
	walkBlocks(c.Blocks, func(b *blueprints.Block) { byID[b.ID] = b })
	var problems []string
	for i, e := range edits {
		if e.Block == "" && e.Prop == featuredAlt && c.Image != nil {
			alt := e.Text
			c.Image.Alt = &alt
			continue
		}
		b := byID[e.Block]
		if b == nil {
			problems = append(problems, fmt.Sprintf("edit %d: the page has no block %q", i, e.Block))
			continue
		}
		if err := setText(b.Props, e.Prop, e.Text); err != nil {
			problems = append(problems, fmt.Sprintf("edit %d (block %q, prop %q): %v", i, e.Block, e.Prop, err))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	if seoTitle = strings.TrimSpace(seoTitle); seoTitle != "" {
		if c.SEO == nil {
			c.SEO = &blueprints.PageSEO{}
		}
		c.SEO.Title = seoTitle
	}
	if metaDescription = strings.TrimSpace(metaDescription); metaDescription != "" {
		if c.SEO == nil {
			c.SEO = &blueprints.PageSEO{}
		}
		c.SEO.Description = metaDescription
	}
	return c, nil
}

// setText sets the string at ptr in props: an existing string that is
// text a reader sees, or the alt text of an image object.
func setText(props map[string]any, ptr, text string) error {
	if !strings.HasPrefix(ptr, "/") {
		return fmt.Errorf("the prop must be a JSON pointer such as /markdown")
	}
	parts := strings.Split(ptr[1:], "/")
	var parent any = props
	for i, raw := range parts {
		key := strings.NewReplacer("~1", "/", "~0", "~").Replace(raw)
		last := i == len(parts)-1
		switch p := parent.(type) {
		case map[string]any:
			v, ok := p[key]
			if !last {
				if !ok {
					return fmt.Errorf("the block has no prop %q", key)
				}
				parent = v
				continue
			}
			if _, isImage := p["asset"]; key == "alt" && isImage {
				p[key] = text
				return nil
			}
			s, isString := v.(string)
			switch {
			case !ok:
				return fmt.Errorf("the block has no text at %s; edit only texts it has", ptr)
			case !isString:
				return fmt.Errorf("%s is not a text", ptr)
			case blueprints.HiddenProp(key):
				return fmt.Errorf("%s is a %s, not text a reader sees; leave it as it is", ptr, key)
			}
			if err := sameRefs(s, text); err != nil {
				return err
			}
			p[key] = text
			return nil
		case []any:
			n, err := strconv.Atoi(key)
			if err != nil || n < 0 || n >= len(p) {
				return fmt.Errorf("the block has no item %s", key)
			}
			if !last {
				parent = p[n]
				continue
			}
			s, ok := p[n].(string)
			if !ok {
				return fmt.Errorf("%s is not a text", ptr)
			}
			if err := sameRefs(s, text); err != nil {
				return err
			}
			p[n] = text
			return nil
		default:
			return fmt.Errorf("the block has no prop at %s", ptr)
		}
	}
	return nil
}

// sameRefs checks that a new text keeps the page: and asset: references
// of the old one (links the linker placed, images), each as often.
func sameRefs(old, text string) error {
	count := map[string]int{}
	for _, r := range blueprints.MarkdownRefs(old) {
		count[r.Kind+":"+r.ID]++
	}
	for _, r := range blueprints.MarkdownRefs(text) {
		count[r.Kind+":"+r.ID]--
	}
	var lost, added []string
	for ref, n := range count {
		switch {
		case n > 0:
			lost = append(lost, ref)
		case n < 0:
			added = append(added, ref)
		}
	}
	slices.Sort(lost)
	slices.Sort(added)
	switch {
	case len(lost) > 0:
		return fmt.Errorf("the new text drops the link or image to %s; keep every link and image of the text, with its target", strings.Join(lost, ", "))
	case len(added) > 0:
		return fmt.Errorf("the new text adds a link or image to %s; add none", strings.Join(added, ", "))
	}
	return nil
}
