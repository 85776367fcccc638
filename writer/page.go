package writer

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
)

// Block ids of the pages the writer builds. Sections are s1, s2…, in the
// answer's order; Sections finds them again in a page.
const (
	blockIntro    = "intro"    // a product's description
	blockDetails  = "details"  // a product's attributes
	blockBenefits = "benefits" // a service's benefits
	blockProcess  = "process"  // a service's process
	blockPosts    = "posts"    // a category's posts
	blockFAQ      = "faq"
	blockCTA      = "cta"
)

// BuildPage turns a written piece into the blueprint page it is published
// as, placed in the site l describes. Its id is the piece's slug (Slug of
// the answer's slug, else of its title), its type follows the entity type
// (a taxonomy is a category page) and its path the site's layout. The
// body is blocks, never HTML: a richtext block per section (Markdown,
// under the section's heading as a "## " heading), a faq block (which
// emits FAQPage JSON-LD), features blocks for a service's benefits and
// process, a product's description and attributes, a post-list of the
// cluster's posts on a category page, and a cta block linking to
// l.Contact. A post is dated date (YYYY-MM-DD) and tagged with its
// cluster (see Tag).
//
// BuildPage checks only what it needs to build the page; Validate checks
// the page as the site build will.
func BuildPage(in ai.ContentInput, out *ai.ContentOutput, l Layout, date string) (*blueprints.Page, error) {
	b, err := build(in, out, l, date)
	if err != nil {
		return nil, err
	}
	return b.page, nil
}

// built is a page and, for each part of it, the part of the model's
// answer it came from: page pointer → answer pointer, so a problem the
// validator finds can be put in the answer's terms for the repair round.
type built struct {
	page *blueprints.Page
	src  map[string]string
}

func build(in ai.ContentInput, out *ai.ContentOutput, l Layout, date string) (*built, error) {
	if out == nil {
		return nil, igny8.Errorf(igny8.EInvalid, "There is no written content to build a page from.")
	}
	typ, ok := pageType(in.EntityType)
	if !ok {
		return nil, igny8.Errorf(igny8.EInvalid, "Unknown entity type %q; the entity types are %s.", in.EntityType, strings.Join(igny8.EntityTypes, ", "))
	}
	if typ == blueprints.PagePost && date == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "A post needs a publication date (YYYY-MM-DD).")
	}
	title := oneLine(out.Title)
	if title == "" {
		title = oneLine(in.Title)
	}
	slug := slugFor(in.EntityType, out.Slug, title, in.Title, in.TargetKeyword)
	b := &built{
		page: &blueprints.Page{
			ID:          slug,
			Path:        l.path(typ, slug),
			Type:        typ,
			Title:       title,
			Description: oneLine(out.Excerpt),
			Lang:        l.lang(in.Site.Locale),
		},
		src: map[string]string{
			"/id": "/slug", "/path": "/slug", "/title": "/title", "/description": "/excerpt",
			"/seo/title": "/meta_title", "/seo/description": "/meta_description",
		},
	}
	pg := b.page
	if typ == blueprints.PagePost {
		pg.Date = date
		if tag := Tag(in.Cluster); tag != "" {
			pg.Tags = []string{tag}
		}
	}
	if t, d := oneLine(out.MetaTitle), oneLine(out.MetaDescription); t != "" || d != "" {
		pg.SEO = &blueprints.PageSEO{Title: t, Description: d}
	}
	locale := in.Site.Locale
	sections := b.sections(out.Sections)
	switch typ {
	case blueprints.PageProduct:
		if p := out.Product; p != nil {
			pg.Product = productFacts(p)
			for _, f := range []string{"price", "currency", "sku", "availability"} {
				b.src["/product/"+f] = "/product/" + f
			}
			if md := strings.TrimSpace(p.Description); md != "" {
				b.add(richtext(blockIntro, md), map[string]string{"/props/markdown": "/product/description"})
			}
			if md := attributes(p.Attributes, locale); md != "" {
				b.add(richtext(blockDetails, md), map[string]string{"": "/product/attributes"})
			}
		}
		b.addAll(sections)
	case blueprints.PageService:
		if len(sections) > 0 {
			b.addAll(sections[:1])
		}
		if s := out.Service; s != nil {
			if len(s.Benefits) > 0 {
				b.add(features(blockBenefits, labelBenefits.text(locale), s.Benefits), map[string]string{"/props/items": "/service/benefits"})
			}
			if len(s.Process) > 0 {
				b.add(features(blockProcess, labelProcess.text(locale), s.Process), map[string]string{"/props/items": "/service/process"})
			}
		}
		if len(sections) > 1 {
			b.addAll(sections[1:])
		}
	case blueprints.PageCategory:
		b.addAll(sections)
		props := map[string]any{"limit": 50, "layout": "list", "show_excerpt": true}
		if h := labelPosts.text(locale); h != "" {
			props["heading"] = h
		}
		if tag := Tag(in.Cluster); tag != "" {
			props["tag"] = tag
		}
		b.add(newBlock(blockPosts, "post-list", props), nil)
	default:
		b.addAll(sections)
	}
	if len(out.FAQ) > 0 {
		b.add(faq(out.FAQ, labelFAQ.text(locale)), map[string]string{"/props/items": "/faq"})
	}
	if c := out.CTA; c != nil && (c.Heading != "" || c.Text != "" || c.Button != "") {
		b.add(cta(c, l.Contact), map[string]string{
			"/props/heading": "/cta/heading", "/props/text": "/cta/text", "/props/actions/0/label": "/cta/button", "/props/markdown": "/cta",
		})
	}
	return b, nil
}

// section is a section's block and where its parts came from.
type section struct {
	block *blueprints.Block
	src   map[string]string
}

// sections makes a richtext block s<n> of each section that has a heading
// or a body.
func (b *built) sections(in []ai.ContentSection) []section {
	var out []section
	for i, s := range in {
		heading := heading(s.Heading)
		body := dropHeading(strings.TrimSpace(s.Markdown), heading)
		if heading == "" && body == "" {
			continue
		}
		md := body
		if heading != "" {
			md = strings.TrimSpace("## " + heading + "\n\n" + body)
		}
		at := fmt.Sprintf("/sections/%d", i)
		out = append(out, section{
			block: richtext(fmt.Sprintf("s%d", len(out)+1), md),
			src:   map[string]string{"": at, "/props/markdown": at + "/markdown"},
		})
	}
	return out
}

func (b *built) addAll(ss []section) {
	for _, s := range ss {
		b.add(s.block, s.src)
	}
}

// add appends a block; src maps pointers within the block to the answer's.
func (b *built) add(blk *blueprints.Block, src map[string]string) {
	at := fmt.Sprintf("/blocks/%d", len(b.page.Blocks))
	b.page.Blocks = append(b.page.Blocks, blk)
	for k, v := range src {
		b.src[at+k] = v
	}
}

func newBlock(id, typ string, props map[string]any) *blueprints.Block {
	return &blueprints.Block{ID: id, Type: typ, V: blueprints.LatestVersion(typ), Props: props}
}

func richtext(id, md string) *blueprints.Block {
	return newBlock(id, "richtext", map[string]any{"markdown": md})
}

func features(id, heading string, items []ai.TitledText) *blueprints.Block {
	list := make([]any, len(items))
	for i, it := range items {
		item := map[string]any{"title": oneLine(it.Title)}
		if t := strings.TrimSpace(it.Text); t != "" {
			item["text"] = t
		}
		list[i] = item
	}
	props := map[string]any{"items": list, "columns": min(max(len(items), 2), 3)}
	if len(items) == 4 {
		props["columns"] = 4
	}
	if heading != "" {
		props["heading"] = heading
	}
	return newBlock(id, "features", props)
}

func faq(in []ai.FAQItem, heading string) *blueprints.Block {
	items := make([]any, len(in))
	for i, f := range in {
		items[i] = map[string]any{"question": oneLine(f.Question), "answer": strings.TrimSpace(f.Answer)}
	}
	props := map[string]any{"items": items}
	if heading != "" {
		props["heading"] = heading
	}
	return newBlock(blockFAQ, "faq", props)
}

// cta is a call to action linking to href; without one it is plain text.
func cta(c *ai.CTAFields, href string) *blueprints.Block {
	h, text := oneLine(c.Heading), strings.TrimSpace(c.Text)
	if href == "" {
		return richtext(blockCTA, strings.TrimSpace("## "+h+"\n\n"+text))
	}
	props := map[string]any{
		"heading": h,
		"actions": []any{map[string]any{"label": oneLine(c.Button), "href": href, "variant": "primary"}},
	}
	if text != "" {
		props["text"] = text
	}
	blk := newBlock(blockCTA, "cta", props)
	blk.Style = &blueprints.Style{Background: "surface", Align: "center"}
	return blk
}

// attributes lists a product's attributes as Markdown.
func attributes(attrs []ai.NameValuePair, locale string) string {
	var b strings.Builder
	for _, a := range attrs {
		name, value := oneLine(a.Name), oneLine(a.Value)
		if name == "" && value == "" {
			continue
		}
		if b.Len() == 0 {
			if h := labelDetails.text(locale); h != "" {
				b.WriteString("## " + h + "\n\n")
			}
		}
		fmt.Fprintf(&b, "- **%s:** %s\n", escapeMarkdown(name), escapeMarkdown(value))
	}
	return strings.TrimSpace(b.String())
}

// productFacts are a product page's commerce facts, tidied into the forms
// the blueprint format takes where the intent is clear ("24,90" is
// 24.90, "InStock" is in_stock); anything else is left for Validate to
// report.
func productFacts(p *ai.ProductFields) *blueprints.Product {
	price := strings.TrimSpace(p.Price)
	if strings.Count(price, ",") == 1 && !strings.Contains(price, ".") {
		price = strings.Replace(price, ",", ".", 1)
	}
	avail := strings.ToLower(strings.TrimSpace(p.Availability))
	avail = strings.NewReplacer(" ", "_", "-", "_").Replace(avail)
	switch avail {
	case "instock", "available":
		avail = "in_stock"
	case "outofstock", "sold_out", "soldout", "unavailable":
		avail = "out_of_stock"
	case "pre_order", "pre_sale":
		avail = "preorder"
	}
	f := &blueprints.Product{
		Price:        price,
		Currency:     strings.ToUpper(strings.TrimSpace(p.Currency)),
		SKU:          strings.TrimSpace(p.SKU),
		Availability: avail,
	}
	if *f == (blueprints.Product{}) {
		return nil
	}
	return f
}

// oneLine collapses a text's whitespace, newlines included, to single
// spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// heading cleans a section heading: one line, without Markdown's # marks.
func heading(s string) string {
	return oneLine(strings.TrimRight(strings.TrimLeft(oneLine(s), "# "), "# "))
}

var atxHeading = regexp.MustCompile(`^#{1,6}[ \t]+(.*?)[ \t#]*$`)

// dropHeading removes a first line that repeats the section's heading,
// which models often write although the heading is given separately.
func dropHeading(body, heading string) string {
	first, rest, _ := strings.Cut(body, "\n")
	if m := atxHeading.FindStringSubmatch(strings.TrimSpace(first)); m != nil && heading != "" && strings.EqualFold(oneLine(m[1]), heading) {
		return strings.TrimSpace(rest)
	}
	return body
}

// escapeMarkdown escapes the characters that would turn a plain value
// into Markdown markup.
func escapeMarkdown(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, "`", "\\`", `<`, `\<`).Replace(s)
}
