package writer

import (
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// Layout is what the writer needs to know of a site to place a page in
// it: the site's languages, where each page type lives, where calls to
// action lead, and which ids and paths are taken. LayoutOf reads it from
// the site's blueprint.
type Layout struct {
	// Languages are the site's languages, the default first.
	Languages []string
	// Prefixes maps a page type to the path its pages live under
	// ("/blog/"); a type not in it lives at the top ("/").
	Prefixes map[string]string
	// Contact is where calls to action link: the site's contact page
	// (page:<id>), else its organization's e-mail or telephone, else its
	// home page. "" (no site) makes a call to action plain text.
	Contact string
	// Pages maps the ids of the site's pages to their paths.
	Pages map[string]string
}

// Default prefixes, for sites without a collection of that type.
var defaultPrefixes = map[string]string{
	blueprints.PagePost:     "/blog/",
	blueprints.PageProduct:  "/products/",
	blueprints.PageService:  "/services/",
	blueprints.PageCategory: "/topics/",
}

// LayoutOf reads a site's layout from its blueprint. Posts, products and
// services go under the blueprint's collection paths when it has them,
// else under /blog/, /products/ and /services/; categories go under
// /topics/ and plain pages at the top.
func LayoutOf(bp *blueprints.Blueprint) Layout {
	l := Layout{Languages: bp.Languages(), Prefixes: map[string]string{}, Pages: map[string]string{}}
	for t, p := range defaultPrefixes {
		l.Prefixes[t] = p
	}
	for t, c := range map[string]*blueprints.Collection{
		blueprints.PagePost: bp.Collections.Posts, blueprints.PageProduct: bp.Collections.Products, blueprints.PageService: bp.Collections.Services,
	} {
		if c != nil && c.Path != "" {
			l.Prefixes[t] = c.Path
		}
	}
	for _, p := range bp.Pages {
		l.Pages[p.ID] = p.Path
	}
	l.Contact = contactHref(bp)
	return l
}

// contactHref finds where a call to action should lead.
func contactHref(bp *blueprints.Blueprint) string {
	var byName, home *blueprints.Page
	for _, p := range bp.Pages {
		if p.Draft {
			continue // a link to a draft is refused
		}
		for _, b := range p.Blocks {
			if b.Type == "contact" {
				return "page:" + p.ID
			}
		}
		if byName == nil && (p.ID == "contact" || strings.HasSuffix(strings.TrimSuffix(p.Path, "/"), "/contact")) {
			byName = p
		}
		if home == nil && p.Type == blueprints.PageHome {
			home = p
		}
	}
	if o := bp.SEO.Organization; byName == nil && o != nil {
		if o.Email != "" && !strings.ContainsAny(o.Email, " \t\n") {
			return "mailto:" + o.Email
		}
		if tel := strings.TrimSpace(o.Telephone); tel != "" && strings.Trim(tel, "+0123456789() .-") == "" {
			return "tel:" + tel
		}
	}
	switch {
	case byName != nil:
		return "page:" + byName.ID
	case home != nil:
		return "page:" + home.ID
	}
	return ""
}

// pageType is the page type content of an entity type is published as.
func pageType(entity string) (string, bool) {
	switch entity {
	case igny8.EntityPost:
		return blueprints.PagePost, true
	case igny8.EntityPage:
		return blueprints.PagePage, true
	case igny8.EntityProduct:
		return blueprints.PageProduct, true
	case igny8.EntityService:
		return blueprints.PageService, true
	case igny8.EntityTaxonomy:
		return blueprints.PageCategory, true
	}
	return "", false
}

// path is where a page of type t with id slug lives.
func (l Layout) path(t, slug string) string {
	prefix := l.Prefixes[t]
	if prefix == "" {
		prefix = "/"
	}
	return prefix + slug + "/"
}

// lang is the page lang for content written in locale: "" when it is the
// site's default language, or when the site does not have it (a page may
// only use the site's languages).
func (l Layout) lang(locale string) string {
	if locale == "" || len(l.Languages) == 0 {
		return ""
	}
	match := ""
	for _, lang := range l.Languages {
		if strings.EqualFold(lang, locale) {
			match = lang
			break
		}
	}
	if match == "" {
		primary, _, _ := strings.Cut(locale, "-")
		for _, lang := range l.Languages {
			if p, _, _ := strings.Cut(lang, "-"); strings.EqualFold(p, primary) {
				match = lang
				break
			}
		}
	}
	if match == l.Languages[0] {
		return ""
	}
	return match
}
