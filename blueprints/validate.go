package blueprints

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// MaxAssetSize is the largest asset file accepted.
const MaxAssetSize = 10 << 20

// Validate checks a parsed blueprint: block props against their schemas,
// page and block structure, references between pages, blocks and assets,
// the URLs in rich text, and limits. It returns every problem found, sorted
// by pointer.
func Validate(bp *Blueprint, opts Options) Problems {
	return validate(bp, opts, nil, nil)
}

// validate is Validate after the schema stage of Load: prior holds what the
// blueprint schema and migrations found, and unmigrated the blocks whose
// props migrate already checked against their old version. A problem at or
// under a value the schemas rejected is dropped, since it would only
// restate that problem.
func validate(bp *Blueprint, opts Options, prior *findings, unmigrated map[*Block]bool) Problems {
	v := &validator{bp: bp, opts: opts, pages: map[string]*Page{}, unmigrated: unmigrated}
	if prior != nil {
		v.found.merge(*prior)
	}
	v.pagesAndBlocks()
	v.site()
	v.redirects()
	v.assets()
	v.references()
	out := v.found.list
	for _, p := range v.list {
		if !v.restates(p.Pointer) {
			out = append(out, p)
		}
	}
	return out.sort()
}

type validator struct {
	problems
	bp         *Blueprint
	opts       Options
	pages      map[string]*Page
	found      findings // by JSON Schemas: blueprint, migrations, block props
	unmigrated map[*Block]bool
}

// restates reports whether a check's problem at p would only restate a
// schema problem: p is at or under a value the schema rejected, or in a
// redirect rule the schema rejected part of (a rule's fields are read
// together).
func (v *validator) restates(p string) bool {
	if v.found.opaque.covers(p) {
		return true
	}
	if rest, ok := strings.CutPrefix(p, "/site/redirects/"); ok {
		i, _, _ := strings.Cut(rest, "/")
		return v.found.opaque.within("/site/redirects/" + i)
	}
	return false
}

// rejected reports whether the schema rejected the value at p or around it.
func (v *validator) rejected(p string) bool { return v.found.opaque.covers(p) }

func (v *validator) site() {
	bp := v.bp
	langs := bp.Languages()
	langsKnown := !v.found.opaque.within("/site/languages") && !v.rejected("/site/locale")
	for i, pg := range bp.Pages {
		if langsKnown && pg.Lang != "" && !contains(langs, pg.Lang) {
			v.add(ptr("", "pages", i, "lang"), "%q is not one of site.languages (%s)", pg.Lang, strings.Join(langs, ", "))
		}
	}
	c := bp.Theme.Tokens.Colors
	// Contrast is 0 for a colour the schema rejected; say nothing of it.
	if Luminance(c.Text) >= 0 && Luminance(c.Background) >= 0 {
		if r := Contrast(c.Text, c.Background); r < 4.5 {
			v.add("/theme/tokens/colors/text", "contrast with background is %.2f:1; text needs at least 4.5:1 to be readable (WCAG AA)", r)
		}
	}
	if Luminance(c.Muted) >= 0 && Luminance(c.Background) >= 0 {
		if r := Contrast(c.Muted, c.Background); r < 3 {
			v.add("/theme/tokens/colors/muted", "contrast with background is %.2f:1; muted text needs at least 3:1", r)
		}
	}
	for name, col := range map[string]*Collection{"posts": bp.Collections.Posts, "products": bp.Collections.Products, "services": bp.Collections.Services} {
		if col == nil {
			continue
		}
		if pg := v.pageAt(col.Path); pg != nil && pg.Type == collectionPageType(name) {
			v.add(ptr("", "collections", name, "path"), "%s is the path of %s page %q; a collection needs a listing page of its own", col.Path, pg.Type, pg.ID)
		}
	}
}

func collectionPageType(collection string) string {
	return strings.TrimSuffix(collection, "s")
}

func (v *validator) pageAt(p string) *Page {
	for _, pg := range v.bp.Pages {
		if pg.Path == p {
			return pg
		}
	}
	return nil
}

func (v *validator) pagesAndBlocks() {
	paths := map[string]int{}
	homes := 0
	typesKnown := true
	for i, pg := range v.bp.Pages {
		at := ptr("", "pages", i)
		if v.rejected(ptr(at, "type")) {
			typesKnown = false // it may be meant as the home page
		}
		if _, dup := v.pages[pg.ID]; dup {
			v.add(ptr(at, "id"), "duplicate page id %q; page ids must be unique", pg.ID)
		} else {
			v.pages[pg.ID] = pg
		}
		// Every page is published into one URL space, whatever its language.
		if j, dup := paths[pg.Path]; dup {
			v.add(ptr(at, "path"), "duplicate path %s; /pages/%d has it too", pg.Path, j)
		} else {
			paths[pg.Path] = i
		}
		if pg.Type == PageHome {
			homes++
			if pg.Path != "/" {
				v.add(ptr(at, "path"), `the home page must have path "/"`)
			}
		} else if pg.Path == "/" {
			v.add(ptr(at, "type"), `the page at "/" must have type "home"`)
		}
		if pg.Type == PagePost && pg.Date == "" {
			v.add(ptr(at, "date"), "required for posts (YYYY-MM-DD)")
		}
		for _, f := range []struct{ name, val string }{{"date", pg.Date}, {"updated", pg.Updated}} {
			if f.val != "" {
				if _, err := ParseDate(f.val); err != nil {
					v.add(ptr(at, f.name), "%q is not a real date", f.val)
				}
			}
		}
		if pg.Product != nil && pg.Type != PageProduct && !v.rejected(ptr(at, "type")) {
			v.add(ptr(at, "product"), `only pages of type "product" have product details`)
		}
		v.blocks(pg, at)
	}
	if homes == 0 && typesKnown {
		v.add("/pages", `no home page: add a page with "type": "home" and "path": "/"`)
	} else if homes > 1 {
		v.add("/pages", "%d home pages; a site has exactly one", homes)
	}
}

func (v *validator) blocks(pg *Page, at string) {
	ids := map[string]string{}
	count := 0
	set := schemas()
	walkBlocks(pg.Blocks, ptr(at, "blocks"), func(b *Block, bat string, depth int) {
		count++
		if count == MaxBlocksPerPage+1 {
			v.add(ptr(at, "blocks"), "more than %d blocks on one page (nested blocks count); split the page", MaxBlocksPerPage)
		}
		if depth == MaxDepth+1 {
			v.add(bat, "nested %d deep; the limit is %d", depth, MaxDepth)
		}
		if prev, dup := ids[b.ID]; dup {
			v.add(ptr(bat, "id"), "duplicate block id %q on this page; %s has it too", b.ID, prev)
		} else {
			ids[b.ID] = bat
		}
		if v.rejected(ptr(bat, "type")) {
			return
		}
		latest := LatestVersion(b.Type)
		if latest == 0 {
			v.add(ptr(bat, "type"), "unknown block type %q; the types are %s", b.Type, strings.Join(BlockTypes(), ", "))
			return
		}
		if len(b.Children) > 0 && b.Type != "columns" {
			v.add(ptr(bat, "children"), "only columns blocks have children; %s does not", b.Type)
		}
		switch {
		case v.rejected(ptr(bat, "v")) || b.V < 1:
			return
		case b.V > latest:
			v.add(ptr(bat, "v"), "%s has no version %d; the newest is %d", b.Type, b.V, latest)
			return
		case v.unmigrated[b] || b.Props == nil || v.rejected(ptr(bat, "props")):
			return
		}
		if err := set.blocks[b.Type][b.V].Validate(map[string]any(b.Props)); err != nil {
			v.found.add(schemaProblems(ptr(bat, "props"), err, map[string]any(b.Props)))
		}
	})
}

func (v *validator) assets() {
	for id, a := range v.bp.Assets {
		at := ptr("", "assets", id)
		if a.Data != "" {
			data, err := base64.StdEncoding.DecodeString(a.Data)
			var bad base64.CorruptInputError
			if errors.As(err, &bad) {
				v.add(ptr(at, "data"), "`data` must be the file's bytes in base64 (as `base64 -w0 FILE` prints them); character %d is not base64 or is a misplaced =", int64(bad)+1)
			} else if err != nil {
				v.add(ptr(at, "data"), "`data` must be the file's bytes in base64 (as `base64 -w0 FILE` prints them)")
			} else if len(data) > MaxAssetSize {
				v.add(ptr(at, "data"), "%d bytes; the limit is %d", len(data), MaxAssetSize)
			}
			continue
		}
		clean := path.Clean(a.Path)
		if path.IsAbs(a.Path) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(a.Path, "\\") {
			v.add(ptr(at, "path"), "%q leaves the blueprint's folder; asset paths are relative to it", a.Path)
			continue
		}
		if AssetType(a) == "" {
			v.add(ptr(at, "path"), "%q is not a supported image type (svg, png, jpg, webp, gif, avif, ico)", a.Path)
			continue
		}
		if v.opts.Assets == nil {
			continue
		}
		fi, err := fs.Stat(v.opts.Assets, clean)
		switch {
		case err != nil:
			v.add(ptr(at, "path"), "file %s not found next to the blueprint", a.Path)
		case fi.IsDir():
			v.add(ptr(at, "path"), "%s is a folder, not a file", a.Path)
		case fi.Size() > MaxAssetSize:
			v.add(ptr(at, "path"), "%s is %d bytes; the limit is %d", a.Path, fi.Size(), MaxAssetSize)
		}
	}
}

// assetTypes maps file extensions to the media types assets may have.
var assetTypes = map[string]string{
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".webp": "image/webp", ".gif": "image/gif", ".avif": "image/avif", ".ico": "image/x-icon",
}

// AssetType returns the media type of an asset: its declared type for inline
// data, from its extension for a file, or "" if it is not supported.
func AssetType(a *Asset) string {
	if a.Data != "" {
		return a.Type
	}
	return assetTypes[strings.ToLower(path.Ext(a.Path))]
}

// AssetExt returns the file extension (with the dot) for an asset's type.
func AssetExt(a *Asset) string {
	if a.Path != "" {
		ext := strings.ToLower(path.Ext(a.Path))
		if ext == ".jpeg" {
			return ".jpg"
		}
		return ext
	}
	for ext, t := range assetTypes {
		if t == a.Type && ext != ".jpeg" {
			return ext
		}
	}
	return ""
}

func (v *validator) references() {
	bp := v.bp
	v.assetRef("/theme/tokens/logo", bp.Theme.Tokens.Logo)
	v.assetRef("/seo/social_image", bp.SEO.SocialImage)
	if bp.SEO.Organization != nil {
		v.assetRef("/seo/organization/logo", bp.SEO.Organization.Logo)
	}
	for name, items := range map[string][]*NavItem{"main": bp.Navigation.Main, "footer": bp.Navigation.Footer} {
		for i, it := range items {
			at := ptr("", "navigation", name, i)
			v.link(ptr(at, "href"), it.Href)
			for j, c := range it.Children {
				v.link(ptr(at, "children", j, "href"), c.Href)
			}
		}
	}
	for i, pg := range bp.Pages {
		at := ptr("", "pages", i)
		if pg.Image != nil {
			v.image(ptr(at, "image"), pg.Image.Asset, pg.Image.Alt != nil)
		}
		if pg.SEO != nil {
			v.assetRef(ptr(at, "seo", "image"), pg.SEO.Image)
		}
		walkBlocks(pg.Blocks, ptr(at, "blocks"), func(b *Block, bat string, _ int) {
			markdown := map[string]bool{}
			if sch := schemas().blocks[b.Type][b.V]; sch != nil && !v.rejected(ptr(bat, "type")) && !v.rejected(ptr(bat, "v")) {
				schemas().markdownIn(sch, map[string]any(b.Props), ptr(bat, "props"), func(at, md string) {
					markdown[at] = true
					v.markdown(at, md)
				})
			}
			v.props(ptr(bat, "props"), b.Props, markdown)
			if b.Type == "product-grid" {
				ids, _ := b.Props["products"].([]any)
				for j, id := range ids {
					s, _ := id.(string)
					if p := v.pages[s]; p != nil && p.Type != PageProduct {
						v.add(ptr(bat, "props", "products", j), "page %q is a %s, not a product", s, p.Type)
					} else if p == nil {
						v.add(ptr(bat, "props", "products", j), "page %q does not exist", s)
					}
				}
			}
			if b.Type == "related" {
				ids, _ := b.Props["pages"].([]any)
				for j, id := range ids {
					if s, _ := id.(string); s == pg.ID {
						v.add(ptr(bat, "props", "pages", j), "page %q is this page; a related block lists other pages", s)
					} else {
						v.pageRef(ptr(bat, "props", "pages", j), s)
					}
				}
			}
		})
	}
}

// markdown checks a Markdown prop: the URLs of its links and images, and
// that its page: and asset: references find their targets.
func (v *validator) markdown(at, md string) {
	problems, refs := checkMarkdown(md)
	for _, msg := range problems {
		v.add(at, "%s", msg)
	}
	for _, ref := range refs {
		if ref.Kind == "asset" {
			v.assetRef(at, ref.ID)
		} else {
			v.pageRef(at, ref.ID)
		}
	}
}

// props checks the references inside block props: any "href" is a link, any
// object with an "asset" is an image, and any string may hold Markdown links.
// Markdown props (the pointers in markdown) were checked by v.markdown.
func (v *validator) props(at string, val any, markdown map[string]bool) {
	switch val := val.(type) {
	case map[string]any:
		if id, ok := val["asset"].(string); ok {
			_, hasAlt := val["alt"]
			v.image(ptr(at, "asset"), id, hasAlt)
		}
		for k, e := range val {
			if s, ok := e.(string); ok && k == "href" {
				v.link(ptr(at, k), s)
				continue
			}
			v.props(ptr(at, k), e, markdown)
		}
	case []any:
		for i, e := range val {
			v.props(ptr(at, i), e, markdown)
		}
	case string:
		if markdown[at] {
			return
		}
		// The builder resolves references in every string it is given.
		for _, ref := range MarkdownRefs(val) {
			if ref.Kind == "asset" {
				v.assetRef(at, ref.ID)
			} else {
				v.pageRef(at, ref.ID)
			}
		}
	}
}

func (v *validator) link(at, href string) {
	if id, _, ok := PageLink(href); ok {
		v.pageRef(at, id)
	}
}

func (v *validator) pageRef(at, id string) {
	p := v.pages[id]
	switch {
	case p == nil:
		v.add(at, "page %q does not exist", id)
	case p.Draft:
		v.add(at, "page %q is a draft; drafts are not published, so the link would break", id)
	}
}

func (v *validator) assetRef(at, id string) {
	if id != "" && v.bp.Assets[id] == nil {
		v.add(at, "asset %q does not exist; add it under /assets", id)
	}
}

func (v *validator) image(at, id string, hasAlt bool) {
	a := v.bp.Assets[id]
	if a == nil {
		v.assetRef(at, id)
		return
	}
	if !hasAlt && a.Alt == nil && !v.found.opaque.within(ptr("", "assets", id)) {
		v.add(parentPointer(at), `no alt text: add "alt" here or on asset %q ("alt": "" marks a decorative image)`, id)
	}
}

// Languages returns the site's languages, the default first.
func (bp *Blueprint) Languages() []string {
	if len(bp.Site.Languages) > 0 {
		return bp.Site.Languages
	}
	lang, _, _ := strings.Cut(bp.Site.Locale, "-")
	return []string{lang}
}

// PageLink parses a page: link, returning the page id and anchor.
func PageLink(href string) (id, anchor string, ok bool) {
	rest, ok := strings.CutPrefix(href, "page:")
	if !ok {
		return "", "", false
	}
	id, anchor, _ = strings.Cut(rest, "#")
	return id, anchor, true
}

// ParseDate parses a blueprint date: YYYY-MM-DD or RFC 3339.
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD or RFC 3339", s)
	}
	return t, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
