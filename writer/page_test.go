package writer_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

func blockIDs(p *blueprints.Page) []string {
	var ids []string
	for _, b := range p.Blocks {
		ids = append(ids, b.ID+":"+b.Type)
	}
	return ids
}

func TestBuildPage(t *testing.T) {
	t.Parallel()
	data, files := example(t, "blog")
	l := layout(t, data)
	fx := fixtures()
	tests := []struct {
		entity string
		typ    string
		path   string
		blocks []string
		check  func(t *testing.T, p *blueprints.Page)
	}{
		{igny8.EntityPost, "post", "/journal/night-trains-europe/",
			[]string{"s1:richtext", "s2:richtext", "s3:richtext", "faq:faq"},
			func(t *testing.T, p *blueprints.Page) {
				if got, want := p.Date, "2026-05-01"; got != want {
					t.Errorf("date = %q, want %q", got, want)
				}
				if got, want := p.Tags, []string{"Night trains"}; !slices.Equal(got, want) {
					t.Errorf("tags = %q, want %q", got, want)
				}
				if got, want := p.Blocks[0].Props["markdown"], "## Why the night train\n\nA sleeper saves"; !strings.HasPrefix(got.(string), want) {
					t.Errorf("s1 markdown = %q, want it to start %q", got, want)
				}
				// The heading the model repeated in the body is not doubled.
				if got := p.Blocks[1].Props["markdown"].(string); strings.Count(got, "How to book") != 1 {
					t.Errorf("s2 markdown repeats its heading: %q", got)
				}
				if got, want := p.Blocks[3].Props["heading"], "Frequently asked questions"; got != want {
					t.Errorf("faq heading = %v, want %q", got, want)
				}
				if p.SEO == nil || p.SEO.Title != "Night trains in Europe" {
					t.Errorf("seo = %+v, want the meta title", p.SEO)
				}
			}},
		{igny8.EntityPage, "page", "/travel-by-train/",
			[]string{"s1:richtext", "s2:richtext", "s3:richtext", "cta:cta"},
			func(t *testing.T, p *blueprints.Page) {
				if p.Date != "" || p.Tags != nil {
					t.Errorf("a page got a date %q or tags %q", p.Date, p.Tags)
				}
				// The blog has no contact page: the organization's e-mail.
				actions := p.Blocks[3].Props["actions"].([]any)
				if got, want := actions[0].(map[string]any)["href"], "mailto:hello@slowmiles.example"; got != want {
					t.Errorf("cta href = %v, want %q", got, want)
				}
			}},
		{igny8.EntityProduct, "product", "/products/creme-brulee-travel-pillow/",
			[]string{"intro:richtext", "details:richtext", "s1:richtext", "s2:richtext", "faq:faq", "cta:cta"},
			func(t *testing.T, p *blueprints.Page) {
				want := &blueprints.Product{Price: "24.90", Currency: "EUR", SKU: "TP-01", Availability: "in_stock"}
				if diff := cmp.Diff(want, p.Product); diff != "" {
					t.Errorf("product facts (-want +got):\n%s", diff)
				}
				if got, want := p.Blocks[1].Props["markdown"], "## Details\n\n- **Weight:** 180 g\n- **Cover:** Organic cotton"; got != want {
					t.Errorf("details = %q, want %q", got, want)
				}
			}},
		{igny8.EntityService, "service", "/services/rail-trip-planning/",
			[]string{"s1:richtext", "benefits:features", "process:features", "s2:richtext", "s3:richtext", "faq:faq", "cta:cta"},
			func(t *testing.T, p *blueprints.Page) {
				items := p.Blocks[2].Props["items"].([]any)
				if got, want := len(items), 3; got != want {
					t.Errorf("process has %d steps, want %d", got, want)
				}
				if got, want := p.Blocks[2].Props["heading"], "How it works"; got != want {
					t.Errorf("process heading = %v, want %q", got, want)
				}
			}},
		{igny8.EntityTaxonomy, "category", "/topics/night-trains/",
			[]string{"s1:richtext", "posts:post-list", "faq:faq"},
			func(t *testing.T, p *blueprints.Page) {
				if got, want := p.Blocks[1].Props["tag"], "Night trains"; got != want {
					t.Errorf("post-list tag = %v, want %q (the posts' tag)", got, want)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.entity, func(t *testing.T) {
			t.Parallel()
			f := fx[tt.entity]
			p, err := writer.BuildPage(f.in, &f.out, l, "2026-05-01")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.Type, tt.typ; got != want {
				t.Errorf("type = %q, want %q", got, want)
			}
			if got, want := p.Path, tt.path; got != want {
				t.Errorf("path = %q, want %q", got, want)
			}
			if got, want := p.ID, strings.Split(tt.path, "/")[len(strings.Split(tt.path, "/"))-2]; got != want {
				t.Errorf("id = %q, want %q", got, want)
			}
			if diff := cmp.Diff(tt.blocks, blockIDs(p)); diff != "" {
				t.Errorf("blocks (-want +got):\n%s", diff)
			}
			for _, b := range p.Blocks {
				if got, want := b.V, blueprints.LatestVersion(b.Type); got != want {
					t.Errorf("block %s is %s v%d, want the newest, v%d", b.ID, b.Type, got, want)
				}
			}
			if got, want := p.Title, f.out.Title; got != want {
				t.Errorf("title = %q, want %q", got, want)
			}
			if got, want := p.Description, f.out.Excerpt; got != want {
				t.Errorf("description = %q, want the excerpt %q", got, want)
			}
			tt.check(t, p)
			if err := writer.Validate(data, p, writer.Options{Files: files}); err != nil {
				t.Errorf("the page does not validate in the blog: %v", err)
			}
		})
	}
}

func TestBuildPageContactPage(t *testing.T) {
	t.Parallel()
	data, files := example(t, "bakery")
	f := fixtures()[igny8.EntityService]
	p, err := writer.BuildPage(f.in, &f.out, layout(t, data), "")
	if err != nil {
		t.Fatal(err)
	}
	// The bakery's contact form is on its "visit" page; services live
	// under its services collection.
	cta := p.Blocks[len(p.Blocks)-1]
	if got, want := cta.Props["actions"].([]any)[0].(map[string]any)["href"], "page:visit"; got != want {
		t.Errorf("cta href = %v, want %q", got, want)
	}
	if got, want := p.Path, "/services/rail-trip-planning/"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	if err := writer.Validate(data, p, writer.Options{Files: files}); err != nil {
		t.Errorf("the page does not validate in the bakery: %v", err)
	}
}

func TestBuildPageWithoutSite(t *testing.T) {
	t.Parallel()
	f := fixtures()[igny8.EntityPage]
	p, err := writer.BuildPage(f.in, &f.out, writer.Layout{}, "")
	if err != nil {
		t.Fatal(err)
	}
	// With nowhere to lead, the call to action is text, not a dead button.
	cta := p.Blocks[len(p.Blocks)-1]
	if got, want := cta.Type, "richtext"; got != want {
		t.Errorf("cta is a %s block, want %s", got, want)
	}
	if got, want := p.Path, "/travel-by-train/"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}

func TestBuildPageRefuses(t *testing.T) {
	t.Parallel()
	f := fixtures()[igny8.EntityPost]
	tests := []struct {
		name string
		in   ai.ContentInput
		out  *ai.ContentOutput
		date string
	}{
		{"no answer", f.in, nil, "2026-05-01"},
		{"unknown entity", ai.ContentInput{EntityType: "recipe"}, &f.out, "2026-05-01"},
		{"post without date", f.in, &f.out, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := writer.BuildPage(tt.in, tt.out, writer.Layout{}, tt.date)
			if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
				t.Errorf("error code = %q (%v), want %q", got, err, want)
			}
		})
	}
}

func TestBuildPageLang(t *testing.T) {
	t.Parallel()
	l := writer.Layout{Languages: []string{"en", "fr", "de-CH"}}
	tests := []struct{ locale, want string }{
		{"en-GB", ""},      // the default language
		{"fr-FR", "fr"},    // by primary language
		{"de-CH", "de-CH"}, // exactly
		{"es", ""},         // not a language of the site
	}
	f := fixtures()[igny8.EntityPage]
	for _, tt := range tests {
		in := f.in
		in.Site.Locale = tt.locale
		p, err := writer.BuildPage(in, &f.out, l, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Lang; got != tt.want {
			t.Errorf("locale %s: lang = %q, want %q", tt.locale, got, tt.want)
		}
	}
}

func TestBuildPageSlugFallback(t *testing.T) {
	t.Parallel()
	f := fixtures()[igny8.EntityPage]
	f.in.Title, f.in.TargetKeyword = "Поезда", "поезд"
	f.out.Title, f.out.Slug = "Ночные поезда", ""
	p, err := writer.BuildPage(f.in, &f.out, writer.Layout{}, "")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := writer.BuildPage(f.in, &f.out, writer.Layout{}, "")
	if !strings.HasPrefix(p.ID, "page-") || len(p.ID) != len("page-")+8 || p.ID != again.ID {
		t.Errorf("id = %q then %q, want the same page-<hash> both times", p.ID, again.ID)
	}
}

func TestBuildPageJSONHasNoHTML(t *testing.T) {
	t.Parallel()
	data, _ := example(t, "blog")
	l := layout(t, data)
	for entity, f := range fixtures() {
		p, err := writer.BuildPage(f.in, &f.out, l, "2026-05-01")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(p)
		for _, tag := range []string{"<p>", "<h2", "<ul", "<li"} {
			if strings.Contains(string(raw), tag) {
				t.Errorf("%s page holds HTML %s: %s", entity, tag, raw)
			}
		}
	}
}
