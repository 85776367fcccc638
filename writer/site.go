package writer

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
)

// Site generation turns a business brief into a blueprint in three
// steps: GenerateStructure plans the pages, GeneratePage writes each one
// (checked inside the planned site, so its links resolve), and
// SiteBlueprint assembles the result.

// Limits of a site structure.
const (
	MinSitePages = 2
	MaxSitePages = 12
)

// sitePageTypes are the page types a planned page may have.
var sitePageTypes = []string{blueprints.PageHome, blueprints.PagePage, blueprints.PageService, blueprints.PageProduct, blueprints.PagePost, blueprints.PageLanding}

var (
	idRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	langRE  = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// Themes are the themes a generated site may use; the first is the
// default.
var Themes = []string{"studio", "journal"}

// baseURL is a generated site's placeholder origin, made from its name
// under .example, until the site gets its domain.
func baseURL(brief igny8.Brief) string {
	return "https://" + cmp.Or(Slug(brief.Name), "site") + ".example/"
}

// GenerateStructure asks the model (ai.PromptSiteStructure) to plan a
// site for a brief; CheckStructure checks the answer.
func GenerateStructure(ctx context.Context, c *ai.Client, brief igny8.Brief, siteID, jobID int64) (*ai.SiteStructureOutput, igny8.Provenance, error) {
	var out ai.SiteStructureOutput
	prov, err := c.Generate(ctx, ai.Call{
		Prompt: ai.PromptSiteStructure, Input: ai.SiteStructureInput{Brief: brief},
		SiteID: siteID, JobID: jobID, Check: CheckStructure,
	}, &out)
	if err != nil {
		return nil, prov, err
	}
	return &out, prov, nil
}

// CheckStructure checks a site_structure answer (raw JSON), for
// ai.Call.Check: MinSitePages to MaxSitePages pages, exactly one of type
// home, the others of the types a planned page may have, ids unique and
// slug-shaped, every page titled, colours #rrggbb and the texts within
// the blueprint's limits.
func CheckStructure(raw []byte) error {
	var s ai.SiteStructureOutput
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if n := len(s.Pages); n < MinSitePages || n > MaxSitePages {
		add("/pages: %d pages; plan %d to %d", n, MinSitePages, MaxSitePages)
	}
	homes := 0
	ids := map[string]int{}
	for i, p := range s.Pages {
		at := fmt.Sprintf("/pages/%d", i)
		switch {
		case !idRE.MatchString(p.ID) || len(p.ID) > MaxSlug:
			add("%s/id: %q is not a page id: use lower-case letters, digits and dashes, at most %d characters, such as \"about-us\"", at, p.ID, MaxSlug)
		case ids[p.ID] > 0:
			add("%s/id: %q is the id of /pages/%d too; ids must be unique", at, p.ID, ids[p.ID]-1)
		default:
			ids[p.ID] = i + 1
		}
		if p.Type == blueprints.PageHome {
			homes++
		} else if !slices.Contains(sitePageTypes, p.Type) {
			add("%s/type: %q is not a page type; the types are %s", at, p.Type, strings.Join(sitePageTypes, ", "))
		}
		if t := oneLine(p.Title); t == "" || utf8.RuneCountInString(t) > 200 {
			add("%s/title: give the page a title of 1 to 200 characters", at)
		}
	}
	if homes != 1 {
		add("/pages: %d pages of type home; a site has exactly one, its home page", homes)
	}
	for _, c := range []struct{ at, v string }{{"/primary_color", s.Primary}, {"/accent_color", s.Accent}} {
		if c.v != "" && !colorRE.MatchString(c.v) {
			add("%s: %q is not a colour: write #rrggbb, such as #1f5f5b", c.at, c.v)
		}
	}
	if n := utf8.RuneCountInString(s.Tagline); n > 200 {
		add("/tagline: %d characters; at most 200", n)
	}
	if n := utf8.RuneCountInString(s.Description); n > 320 {
		add("/description: %d characters; at most 320", n)
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// GeneratePage asks the model (ai.PromptSitePage) to write one planned
// page; CheckSitePage checks the answer inside the planned site.
func GeneratePage(ctx context.Context, c *ai.Client, brief igny8.Brief, structure *ai.SiteStructureOutput, plan ai.PagePlanOut, siteID, jobID int64) (*ai.SitePageOutput, igny8.Provenance, error) {
	check, err := CheckSitePage(brief, structure, plan)
	if err != nil {
		return nil, igny8.Provenance{}, err
	}
	var others []string
	for _, p := range structure.Pages {
		if p.ID != plan.ID {
			others = append(others, p.ID)
		}
	}
	in := ai.SitePageInput{Brief: brief, Page: plan, Tagline: structure.Tagline, Others: others}
	var out ai.SitePageOutput
	prov, err := c.Generate(ctx, ai.Call{Prompt: ai.PromptSitePage, Input: in, SiteID: siteID, JobID: jobID, Check: check}, &out)
	if err != nil {
		return nil, prov, err
	}
	return &out, prov, nil
}

// CheckSitePage returns the check of a site_page answer for the planned
// page plan, for ai.Call.Check: the page the answer makes must validate
// inside the planned site (SiteBlueprint with every other page still a
// placeholder), so its links to the other pages resolve, and it must have
// a hero heading and some content. Problems are told in the answer's
// terms ("/hero/target: …"). The error is for a structure no page can fit.
func CheckSitePage(brief igny8.Brief, structure *ai.SiteStructureOutput, plan ai.PagePlanOut) (func(raw []byte) error, error) {
	planned, err := siteBlueprint(brief, structure, nil, Themes[0])
	if err != nil {
		return nil, err
	}
	data, err := marshal(planned)
	if err != nil {
		return nil, err
	}
	contact := siteContact(structure)
	return func(raw []byte) error {
		var out ai.SitePageOutput
		if err := json.Unmarshal(raw, &out); err != nil {
			return err
		}
		b := buildSitePage(plan, &out, brief.Locale, contact)
		var errs []string
		if oneLine(out.Hero.Heading) == "" {
			errs = append(errs, "/hero/heading: give the page's hero a heading")
		}
		if oneLine(out.Hero.Button) != "" && strings.TrimPrefix(out.Hero.Target, "page:") == "" {
			errs = append(errs, "/hero/target: the hero's button needs the id of the page it leads to")
		}
		if len(out.Sections) == 0 && len(out.Features) == 0 {
			errs = append(errs, "/sections: write at least one section (or features)")
		}
		ps, err := pageProblems(data, b.page, Options{})
		if err != nil {
			return err
		}
		for _, p := range ps {
			errs = append(errs, b.answerPointer(p.Pointer)+": "+p.Message)
		}
		if len(errs) > 0 {
			return errors.New("the page made from your answer has problems: " + strings.Join(errs, "; "))
		}
		return nil
	}, nil
}

// SiteBlueprint assembles a generated site's blueprint, in theme ("":
// the first of Themes): the site's name, locale and tagline from the
// brief and structure, its colours as theme tokens, a main menu of its
// pages but the home page, SEO defaults, and its pages (pages[i] is the
// answer for structure.Pages[i]; a nil one stays a placeholder with a
// heading), the home page first, each a hero (whose button links to its
// target page), features, a richtext block per section, a faq and a call
// to action leading to the contact page. Pages live at /<id>/; a planned
// post becomes a plain page, since a generated site has no publication
// date to give it. The base URL is a placeholder under .example until the
// site gets its domain. The result is validated with blueprints.Load; an
// invalid one is an error with code EInvalid listing the problems.
func SiteBlueprint(brief igny8.Brief, structure *ai.SiteStructureOutput, pages []*ai.SitePageOutput, theme string) ([]byte, error) {
	theme = cmp.Or(theme, Themes[0])
	if !slices.Contains(Themes, theme) {
		return nil, igny8.Errorf(igny8.EInvalid, "There is no theme %q; the themes are %s.", theme, strings.Join(Themes, ", "))
	}
	bp, err := siteBlueprint(brief, structure, pages, theme)
	if err != nil {
		return nil, err
	}
	data, err := marshal(bp)
	if err != nil {
		return nil, err
	}
	if ps := load(data, nil); len(ps) > 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "The generated site's blueprint does not validate: %s.", listProblems(ps))
	}
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func siteBlueprint(brief igny8.Brief, s *ai.SiteStructureOutput, pages []*ai.SitePageOutput, theme string) (*blueprints.Blueprint, error) {
	if s == nil {
		return nil, igny8.Errorf(igny8.EInvalid, "There is no site structure to build.")
	}
	if err := CheckStructure(mustJSON(s)); err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "The site structure is not usable: %s.", err)
	}
	name := oneLine(brief.Name)
	if name == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "The brief needs the business's name.")
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	locale := brief.Locale
	if !langRE.MatchString(locale) {
		locale = "en"
	}
	bp := &blueprints.Blueprint{
		Version: blueprints.FormatVersion,
		Site:    blueprints.Site{Name: name, BaseURL: baseURL(brief), Locale: locale, Tagline: oneLine(s.Tagline)},
		Theme:   blueprints.Theme{Name: theme},
		SEO: blueprints.SEO{
			TitleTemplate: "%s · " + strings.ReplaceAll(name, "%", ""),
			Description:   oneLine(s.Description),
			Organization:  &blueprints.Organization{Name: name, Type: "Organization"},
		},
	}
	if colorRE.MatchString(s.Primary) {
		bp.Theme.Tokens.Colors.Primary = strings.ToLower(s.Primary)
	}
	if colorRE.MatchString(s.Accent) {
		bp.Theme.Tokens.Colors.Accent = strings.ToLower(s.Accent)
	}
	contact := siteContact(s)
	order := slices.Clone(s.Pages)
	slices.SortStableFunc(order, func(a, b ai.PagePlanOut) int {
		return boolInt(b.Type == blueprints.PageHome) - boolInt(a.Type == blueprints.PageHome)
	})
	for _, plan := range order {
		out := &ai.SitePageOutput{Title: plan.Title, Hero: ai.HeroFields{Heading: plan.Title}}
		if i := slices.IndexFunc(s.Pages, func(p ai.PagePlanOut) bool { return p.ID == plan.ID }); i < len(pages) && pages[i] != nil {
			out = pages[i]
		}
		pg := buildSitePage(plan, out, locale, contact).page
		bp.Pages = append(bp.Pages, pg)
		if pg.Type != blueprints.PageHome && len(bp.Navigation.Main) < 12 {
			item := &blueprints.NavItem{Href: "page:" + pg.ID}
			if t := oneLine(plan.Title); utf8.RuneCountInString(t) <= 60 {
				item.Label = t
			}
			bp.Navigation.Main = append(bp.Navigation.Main, item)
		}
	}
	return bp, nil
}

// contactWords name a contact page in the languages the prompts write.
var contactWords = []string{"contact", "kontakt", "contato", "contatti", "contatto"}

// siteContact is where a generated site's calls to action lead: its
// contact page (by its id or title), else its home page.
func siteContact(s *ai.SiteStructureOutput) string {
	home := ""
	for _, p := range s.Pages {
		for _, w := range contactWords {
			if p.Type != blueprints.PageHome && (strings.Contains(p.ID, w) || strings.Contains(Slug(p.Title), w)) {
				return "page:" + p.ID
			}
		}
		if p.Type == blueprints.PageHome && home == "" {
			home = "page:" + p.ID
		}
	}
	return home
}

// buildSitePage turns a site page answer into a page. A planned post
// becomes a plain page: a generated site has no publication date to give
// it, and its articles come later, from the content pipeline.
func buildSitePage(plan ai.PagePlanOut, out *ai.SitePageOutput, locale, contact string) *built {
	typ, path := plan.Type, "/"+plan.ID+"/"
	switch typ {
	case blueprints.PageHome:
		path = "/"
	case blueprints.PagePost:
		typ = blueprints.PagePage
	}
	title := cmp.Or(oneLine(out.Title), oneLine(plan.Title))
	b := &built{
		page: &blueprints.Page{ID: plan.ID, Path: path, Type: typ, Title: title, Description: oneLine(out.Description)},
		src:  map[string]string{"/title": "/title", "/description": "/description"},
	}
	hero := map[string]any{"heading": cmp.Or(oneLine(out.Hero.Heading), title), "layout": "centered"}
	if t := strings.TrimSpace(out.Hero.Subheading); t != "" {
		hero["text"] = t
	}
	target := strings.TrimPrefix(strings.TrimSpace(out.Hero.Target), "page:")
	if label := oneLine(out.Hero.Button); label != "" && target != "" {
		hero["actions"] = []any{map[string]any{"label": label, "href": "page:" + target, "variant": "primary"}}
	}
	b.add(newBlock("hero", "hero", hero), map[string]string{
		"/props/heading": "/hero/heading", "/props/text": "/hero/subheading",
		"/props/actions/0/label": "/hero/button", "/props/actions/0/href": "/hero/target",
	})
	if len(out.Features) > 0 {
		b.add(features("features", "", out.Features), map[string]string{"/props/items": "/features"})
	}
	b.addAll(b.sections(out.Sections))
	if len(out.FAQ) > 0 {
		b.add(faq(out.FAQ, labelFAQ.text(locale)), map[string]string{"/props/items": "/faq"})
	}
	if c := out.CTA; c != nil && (c.Heading != "" || c.Text != "" || c.Button != "") {
		b.add(cta(c, contact), map[string]string{
			"/props/heading": "/cta/heading", "/props/text": "/cta/text", "/props/actions/0/label": "/cta/button", "/props/markdown": "/cta",
		})
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings always encode
	}
	return data
}
