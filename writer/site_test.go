package writer_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

var brief = igny8.Brief{Name: "Wren & Rye", Industry: "bakery", Audience: "neighbours", Offer: "sourdough", Locale: "en-US"}

func structure() *ai.SiteStructureOutput {
	return &ai.SiteStructureOutput{
		Tagline: "Slow bread", Description: "A neighbourhood bakery.", Primary: "#9A3412", Accent: "#b45309",
		Pages: []ai.PagePlanOut{
			{ID: "about", Type: "page", Title: "About", Purpose: "Who we are."},
			{ID: "home", Type: "home", Title: "Home", Purpose: "Welcome."},
			{ID: "catering", Type: "service", Title: "Catering", Purpose: "Sell catering."},
			{ID: "bread-guide", Type: "post", Title: "A guide to bread", Purpose: "Teach."},
			{ID: "contact", Type: "page", Title: "Contact", Purpose: "Get in touch."},
		},
	}
}

func sitePage(title, target string) *ai.SitePageOutput {
	return &ai.SitePageOutput{
		Title: title, Description: "About " + title,
		Hero:     ai.HeroFields{Heading: title, Subheading: "We bake slowly.", Button: "Order now", Target: target},
		Features: []ai.TitledText{{Title: "Sourdough", Text: "Fermented for two days."}},
		Sections: []ai.ContentSection{{Heading: "Our bread", Markdown: "Read [about us](page:about)."}},
		FAQ:      []ai.FAQItem{{Question: "Do you deliver?", Answer: "No, come by."}},
		CTA:      &ai.CTAFields{Heading: "Visit", Text: "We open at seven.", Button: "Find us"},
	}
}

func TestSiteBlueprint(t *testing.T) {
	t.Parallel()
	s := structure()
	pages := []*ai.SitePageOutput{sitePage("About us", "contact"), sitePage("Wren & Rye", "catering"), sitePage("Catering", "contact"), nil, sitePage("Contact", "home")}
	data, err := writer.SiteBlueprint(brief, s, pages, "")
	if err != nil {
		t.Fatal(err)
	}
	bp, err := blueprints.Load(data, blueprints.Options{})
	if err != nil {
		t.Fatalf("the blueprint does not load: %v", err)
	}
	var ids []string
	for _, p := range bp.Pages {
		ids = append(ids, p.ID+":"+p.Type+":"+p.Path)
	}
	want := []string{"home:home:/", "about:page:/about/", "catering:service:/catering/", "bread-guide:page:/bread-guide/", "contact:page:/contact/"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if got, want := bp.Site.Name, "Wren & Rye"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	if bp.Site.Locale != "en-US" || bp.Site.Tagline != "Slow bread" || bp.Theme.Name != "studio" || bp.Theme.Tokens.Colors.Primary != "#9a3412" {
		t.Errorf("site %+v, theme %+v", bp.Site, bp.Theme)
	}
	if bp.SEO.TitleTemplate != "%s · Wren & Rye" || bp.SEO.Description != "A neighbourhood bakery." {
		t.Errorf("seo = %+v", bp.SEO)
	}
	var nav []string
	for _, it := range bp.Navigation.Main {
		nav = append(nav, it.Label+"→"+it.Href)
	}
	if diff := cmp.Diff([]string{"About→page:about", "Catering→page:catering", "A guide to bread→page:bread-guide", "Contact→page:contact"}, nav); diff != "" {
		t.Errorf("main menu (-want +got):\n%s", diff)
	}
	home := bp.Pages[0]
	hero := home.Blocks[0]
	if got, want := hero.Type+":"+hero.Props["actions"].([]any)[0].(map[string]any)["href"].(string), "hero:page:catering"; got != want || hero.V != 2 {
		t.Errorf("home hero = %s v%d, want %s v2", got, hero.V, want)
	}
	cta := home.Blocks[len(home.Blocks)-1]
	if got, want := cta.Props["actions"].([]any)[0].(map[string]any)["href"], "page:contact"; got != want {
		t.Errorf("cta href = %v, want %q", got, want)
	}
	if diff := cmp.Diff([]string{"hero:hero", "features:features", "s1:richtext", "faq:faq", "cta:cta"}, blockIDs(home)); diff != "" {
		t.Errorf("home blocks (-want +got):\n%s", diff)
	}
	// The page not written yet is a placeholder with its heading.
	if guide := bp.Page("bread-guide"); len(guide.Blocks) != 1 || guide.Blocks[0].Props["heading"] != "A guide to bread" {
		t.Errorf("placeholder = %+v", guide.Blocks)
	}
	if !strings.HasPrefix(string(data), "{\n  \"version\": 1") {
		t.Errorf("the blueprint is not indented: %.40s", data)
	}
}

func TestSiteBlueprintRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		brief  igny8.Brief
		s      *ai.SiteStructureOutput
		pages  []*ai.SitePageOutput
		theme  string
		saying string
	}{
		{"unknown theme", brief, structure(), nil, "brutalist", `no theme "brutalist"`},
		{"no name", igny8.Brief{Locale: "en"}, structure(), nil, "", "name"},
		{"no structure", brief, nil, nil, "", "no site structure"},
		{"bad structure", brief, &ai.SiteStructureOutput{Pages: []ai.PagePlanOut{{ID: "home", Type: "home", Title: "Home"}}}, nil, "", "1 pages"},
		{"a page link to nowhere", brief, structure(), []*ai.SitePageOutput{sitePage("About", "nowhere")}, "", `/pages/1/blocks/0/props/actions/0/href: page "nowhere" does not exist`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := writer.SiteBlueprint(tt.brief, tt.s, tt.pages, tt.theme)
			if igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(igny8.ErrorMessage(err), tt.saying) {
				t.Errorf("SiteBlueprint error = %v, want code invalid saying %q", err, tt.saying)
			}
		})
	}
}

func TestCheckStructure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(s *ai.SiteStructureOutput)
		saying string // "" for a good structure
	}{
		{"good", func(*ai.SiteStructureOutput) {}, ""},
		{"too few pages", func(s *ai.SiteStructureOutput) { s.Pages = s.Pages[1:2] }, "/pages: 1 pages; plan 2 to 12"},
		{"too many pages", func(s *ai.SiteStructureOutput) {
			for len(s.Pages) < 13 {
				s.Pages = append(s.Pages, ai.PagePlanOut{ID: "p" + string(rune('a'+len(s.Pages))), Type: "page", Title: "P"})
			}
		}, "/pages: 13 pages"},
		{"no home", func(s *ai.SiteStructureOutput) { s.Pages[1].Type = "page" }, "0 pages of type home"},
		{"two homes", func(s *ai.SiteStructureOutput) { s.Pages[0].Type = "home" }, "2 pages of type home"},
		{"duplicate id", func(s *ai.SiteStructureOutput) { s.Pages[2].ID = "about" }, `/pages/2/id: "about" is the id of /pages/0 too`},
		{"id not a slug", func(s *ai.SiteStructureOutput) { s.Pages[2].ID = "Über Uns" }, `/pages/2/id: "Über Uns" is not a page id`},
		{"unknown type", func(s *ai.SiteStructureOutput) { s.Pages[2].Type = "category" }, `/pages/2/type: "category" is not a page type`},
		{"no title", func(s *ai.SiteStructureOutput) { s.Pages[2].Title = " " }, "/pages/2/title"},
		{"bad colour", func(s *ai.SiteStructureOutput) { s.Accent = "orange" }, `/accent_color: "orange" is not a colour`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := structure()
			tt.change(s)
			err := writer.CheckStructure([]byte(answer(t, s)))
			switch {
			case tt.saying == "" && err != nil:
				t.Errorf("CheckStructure: %v", err)
			case tt.saying != "" && (err == nil || !strings.Contains(err.Error(), tt.saying)):
				t.Errorf("CheckStructure = %v, want an error saying %q", err, tt.saying)
			}
		})
	}
}

func TestGenerateStructure(t *testing.T) {
	t.Parallel()
	bad := structure()
	bad.Pages[1].Type = "page"
	prov := &scripted{answers: []string{answer(t, bad), answer(t, structure())}}
	s, p, err := writer.GenerateStructure(t.Context(), &ai.Client{Provider: prov}, brief, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pages) != 5 || p.Prompt != ai.PromptSiteStructure {
		t.Errorf("structure %+v, provenance %+v", s, p)
	}
	if r := prov.repairs(); len(r) != 1 || !strings.Contains(r[0], "0 pages of type home") {
		t.Errorf("repairs = %q, want one about the missing home page", r)
	}
}

func TestGeneratePage(t *testing.T) {
	t.Parallel()
	s := structure()
	bad := sitePage("About us", "nowhere")
	bad.Sections[0].Markdown = "See [our menu](page:menu)."
	prov := &scripted{answers: []string{answer(t, bad), answer(t, sitePage("About us", "contact"))}}
	out, p, err := writer.GeneratePage(t.Context(), &ai.Client{Provider: prov}, brief, s, s.Pages[0], 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	if out.Title != "About us" || p.Prompt != ai.PromptSitePage {
		t.Errorf("page %+v, provenance %+v", out, p)
	}
	r := prov.repairs()
	for _, want := range []string{`/hero/target: page "nowhere" does not exist`, `/sections/0/markdown: page "menu" does not exist`} {
		if len(r) != 1 || !strings.Contains(r[0], want) {
			t.Errorf("repairs = %q, want one saying %q", r, want)
		}
	}
	var in ai.SitePageInput
	if err := json.Unmarshal(prov.requests[0].Input, &in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"home", "catering", "bread-guide", "contact"}, in.Others); diff != "" || in.Tagline != "Slow bread" {
		t.Errorf("input tagline %q, others (-want +got):\n%s", in.Tagline, diff)
	}
}

func TestCheckSitePage(t *testing.T) {
	t.Parallel()
	s := structure()
	check, err := writer.CheckSitePage(brief, s, s.Pages[2])
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		page   *ai.SitePageOutput
		saying string
	}{
		{"good", sitePage("Catering", "contact"), ""},
		{"no heading", &ai.SitePageOutput{Title: "x", Sections: []ai.ContentSection{{Heading: "a", Markdown: "b"}}}, "/hero/heading: give the page's hero a heading"},
		{"button without target", func() *ai.SitePageOutput { p := sitePage("x", ""); return p }(), "/hero/target: the hero's button needs the id"},
		{"no content", &ai.SitePageOutput{Title: "x", Hero: ai.HeroFields{Heading: "x"}}, "/sections: write at least one section"},
		{"javascript in a feature", func() *ai.SitePageOutput {
			p := sitePage("x", "home")
			p.Features[0].Text = "[Click](javascript:alert(1))"
			return p
		}(), "/features/0/text: "},
		{"an empty faq answer", func() *ai.SitePageOutput {
			p := sitePage("x", "home")
			p.FAQ[0].Answer = ""
			return p
		}(), "/faq/0/answer: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := check([]byte(answer(t, tt.page)))
			switch {
			case tt.saying == "" && err != nil:
				t.Errorf("check: %v", err)
			case tt.saying != "" && (err == nil || !strings.Contains(err.Error(), tt.saying)):
				t.Errorf("check = %v, want an error saying %q", err, tt.saying)
			}
		})
	}
}
