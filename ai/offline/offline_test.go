package offline_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/aitest"
	"github.com/igny8/igny8/ai/offline"
)

func TestConformance(t *testing.T) {
	aitest.Run(t, func(t *testing.T) ai.Provider { return offline.New() })
}

var locales = []string{"en", "en-GB", "de-DE", "fr", "es-ES", "it"}

// generate runs prompt with input through ai.Client, so the answer is
// checked against the prompt's schema, and decodes it into out.
func generate(t *testing.T, prompt string, input, out any) {
	t.Helper()
	rec := &aitest.Recorder{}
	c := &ai.Client{Provider: offline.New(), Recorder: rec}
	prov, err := c.Generate(t.Context(), ai.Call{Prompt: prompt, Input: input}, out)
	if err != nil {
		t.Fatalf("Generate(%s): %v", prompt, err)
	}
	if !prov.Offline || prov.Model != offline.Model || prov.Provider != "offline" {
		t.Errorf("provenance = %+v, want offline, model %s", prov, offline.Model)
	}
	if calls := rec.Calls(); len(calls) != 1 || calls[0].TokensIn == 0 || calls[0].TokensOut == 0 {
		t.Errorf("want one call recorded with words counted as tokens, got %+v", calls)
	}
}

// Every prompt answers valid, sensible output in every locale, and the
// same bytes for the same input.
func TestPromptsInEveryLocale(t *testing.T) {
	for _, loc := range locales {
		for name, input := range aitest.Inputs(loc) {
			t.Run(loc+"/"+name, func(t *testing.T) {
				out := aitest.NewOutput(name)
				generate(t, name, input, out)
				aitest.CheckOutput(t, name, input, out)
				raw, _ := json.Marshal(input)
				a := chat(t, name, raw)
				b := chat(t, name, raw)
				if a != b {
					t.Errorf("the same input gave different answers")
				}
			})
		}
	}
}

func chat(t *testing.T, prompt string, input []byte) string {
	t.Helper()
	resp, err := offline.New().Chat(t.Context(), ai.ChatRequest{Prompt: prompt, Input: input})
	if err != nil {
		t.Fatalf("Chat(%s): %v", prompt, err)
	}
	if !resp.Offline || resp.Model != offline.Model {
		t.Errorf("response is not marked offline with model %s: %+v", offline.Model, resp)
	}
	return resp.Content
}

func contentFor(t *testing.T, locale, entityType string, words int) *ai.ContentOutput {
	t.Helper()
	in := aitest.Inputs(locale)[ai.PromptContent].(*ai.ContentInput)
	in.EntityType, in.WordTarget = entityType, words
	out := &ai.ContentOutput{}
	generate(t, ai.PromptContent, in, out)
	return out
}

var listMarker = regexp.MustCompile(`(?m)^\s*(?:[-*+]|\d+[.)])\s+`)

// words counts as a reader would, list markers aside.
func words(s string) int {
	n := 0
	for _, f := range strings.Fields(listMarker.ReplaceAllString(s, "")) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// A piece comes within 15% of its word target, counting headings and
// questions or not.
func TestContentWordTarget(t *testing.T) {
	for _, loc := range []string{"en", "de", "fr", "es"} {
		for _, et := range []string{"post", "page", "product", "service", "taxonomy"} {
			for _, target := range []int{200, 450, 900, 1500, 2500} {
				t.Run(fmt.Sprintf("%s/%s/%d", loc, et, target), func(t *testing.T) {
					out := contentFor(t, loc, et, target)
					all, body := 0, 0
					for _, s := range out.Sections {
						all += words(s.Heading) + words(s.Markdown)
						body += words(s.Markdown)
					}
					for _, f := range out.FAQ {
						all += words(f.Question) + words(f.Answer)
						body += words(f.Answer)
					}
					for _, n := range []int{all, body} {
						if lo, hi := float64(target)*0.85, float64(target)*1.15; float64(n) < lo || float64(n) > hi {
							t.Errorf("%d words (with headings and questions: %d, without: %d), want %d ± 15%%", n, all, body, target)
						}
					}
				})
			}
		}
	}
}

var (
	headingLine = regexp.MustCompile(`(?m)^\s{0,3}#`)
	htmlTag     = regexp.MustCompile(`<[a-zA-Z/!]`)
	link        = regexp.MustCompile(`\]\(|https?://|www\.`)
)

// checkMarkdown holds section Markdown to plain paragraphs, lists and bold.
func checkMarkdown(t *testing.T, where, md string) {
	t.Helper()
	switch {
	case strings.TrimSpace(md) == "":
		t.Errorf("%s: empty", where)
	case headingLine.MatchString(md):
		t.Errorf("%s has a heading: %q", where, md)
	case htmlTag.MatchString(md):
		t.Errorf("%s has HTML: %q", where, md)
	case link.MatchString(md):
		t.Errorf("%s has a link: %q", where, md)
	case strings.Count(md, "**")%2 != 0:
		t.Errorf("%s has unbalanced bold: %q", where, md)
	case strings.Contains(md, "{") || strings.Contains(md, "}"):
		t.Errorf("%s has an unfilled placeholder: %q", where, md)
	}
}

func TestMarkdownIsPlain(t *testing.T) {
	for _, loc := range locales {
		for _, et := range []string{"post", "page", "product", "service", "taxonomy"} {
			out := contentFor(t, loc, et, 1200)
			for i, s := range out.Sections {
				checkMarkdown(t, fmt.Sprintf("%s %s section %d", loc, et, i), s.Markdown)
				if strings.ContainsAny(s.Heading, "#{}") {
					t.Errorf("%s %s heading %q", loc, et, s.Heading)
				}
			}
			for i, f := range out.FAQ {
				checkMarkdown(t, fmt.Sprintf("%s %s answer %d", loc, et, i), f.Answer)
			}
		}
		in := aitest.Inputs(loc)[ai.PromptSitePage].(*ai.SitePageInput)
		for _, pg := range []ai.PagePlanOut{
			{ID: "home", Type: "home", Title: "Home"}, in.Page, {ID: "contact", Type: "page", Title: "Contact"},
			{ID: "about", Type: "page", Title: "About"}, {ID: "offer", Type: "landing", Title: "Spring offer"},
		} {
			in.Page = pg
			out := &ai.SitePageOutput{}
			generate(t, ai.PromptSitePage, in, out)
			for i, s := range out.Sections {
				checkMarkdown(t, fmt.Sprintf("%s page %s section %d", loc, pg.ID, i), s.Markdown)
			}
		}
	}
}

// The locale's primary subtag picks the language; others get English.
func TestLanguage(t *testing.T) {
	marker := map[string][]string{
		"en": {" the ", " and "}, "en-US": {" the "}, "de": {" und ", " Sie "}, "de-AT": {" und "},
		"fr": {" et ", " vous "}, "es-MX": {" y ", " en "}, "it": {" the "}, "": {" the "},
	}
	for loc, want := range marker {
		out := contentFor(t, loc, "post", 900)
		var text strings.Builder
		for _, s := range out.Sections {
			text.WriteString(" " + s.Markdown + " ")
		}
		for _, w := range want {
			if !strings.Contains(text.String(), w) {
				t.Errorf("locale %q: the text does not contain %q, so it is not in the expected language", loc, w)
			}
		}
	}
}

func TestProduct(t *testing.T) {
	price := regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`)
	sku := regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)
	for loc, currency := range map[string]string{"en": "USD", "en-US": "USD", "en-GB": "GBP", "de-DE": "EUR", "de-CH": "CHF", "fr": "EUR", "es": "EUR"} {
		out := contentFor(t, loc, "product", 600)
		p := out.Product
		if p == nil {
			t.Fatalf("%s: a product without product fields", loc)
		}
		if !price.MatchString(p.Price) || p.Currency != currency || !sku.MatchString(p.SKU) || p.Name == "" || p.Description == "" {
			t.Errorf("%s: product %+v: want a decimal price, currency %s, an uppercase SKU, a name and a description", loc, p, currency)
		}
		if !slices.Contains([]string{"in_stock", "out_of_stock", "preorder"}, p.Availability) {
			t.Errorf("%s: availability %q", loc, p.Availability)
		}
		if n := len(p.Attributes); n < 4 || n > 6 {
			t.Errorf("%s: %d attributes, want 4 to 6", loc, n)
		}
		if out.CTA == nil || out.Service != nil {
			t.Errorf("%s: a product needs a call to action and no service fields", loc)
		}
	}
}

func TestService(t *testing.T) {
	for _, loc := range []string{"en", "de", "fr", "es"} {
		out := contentFor(t, loc, "service", 900)
		s := out.Service
		if s == nil || len(s.Benefits) < 3 || len(s.Benefits) > 6 || len(s.Process) < 4 || len(s.Process) > 5 {
			t.Fatalf("%s: service fields %+v: want 3 to 6 benefits and 4 or 5 steps", loc, s)
		}
		if out.CTA == nil || out.CTA.Button == "" || out.Product != nil {
			t.Errorf("%s: a service needs a call to action with a button and no product fields", loc)
		}
		if len(out.FAQ) < 4 {
			t.Errorf("%s: a service has %d questions, want at least 4", loc, len(out.FAQ))
		}
	}
}

// A category page opens with an introduction of 80 to 150 words, then
// describes the listing along the outline.
func TestTaxonomy(t *testing.T) {
	in := aitest.Inputs("en")[ai.PromptContent].(*ai.ContentInput)
	out := contentFor(t, "en", "taxonomy", 500)
	if got, want := len(out.Sections), len(in.Outline)+1; got != want {
		t.Fatalf("%d sections, want the introduction and %d outline sections", got, want-1)
	}
	if n := words(out.Sections[0].Markdown); n < 70 || n > 160 {
		t.Errorf("the introduction has %d words, want about 80 to 150", n)
	}
	for i, h := range in.Outline {
		if out.Sections[i+1].Heading != h {
			t.Errorf("section %d heading %q, want the outline's %q", i+1, out.Sections[i+1].Heading, h)
		}
	}
}

// A piece with no outline gets the entity type's headings; meta fields
// keep their lengths.
func TestContentDefaults(t *testing.T) {
	in := aitest.Inputs("de")[ai.PromptContent].(*ai.ContentInput)
	in.Outline, in.Title, in.WordTarget = nil, "", 0
	out := &ai.ContentOutput{}
	generate(t, ai.PromptContent, in, out)
	if len(out.Sections) < 3 || out.Title == "" {
		t.Errorf("without an outline or title: %d sections, title %q", len(out.Sections), out.Title)
	}
	if n := len([]rune(out.MetaTitle)); n > 60 {
		t.Errorf("meta title has %d characters, want at most 60", n)
	}
	if n := len([]rune(out.MetaDescription)); n > 160 || n < 100 {
		t.Errorf("meta description has %d characters, want about 140 to 160: %q", n, out.MetaDescription)
	}
	if !regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`).MatchString(out.Slug) {
		t.Errorf("slug %q", out.Slug)
	}
}

func TestClusterNames(t *testing.T) {
	in := &ai.ClusterNamesInput{Site: ai.SiteContext{Name: "S", Locale: "en"}, Groups: []ai.KeywordGroup{
		{Index: 4, Keywords: []string{"best running shoes", "running shoes", "running shoes for women", "cheap running shoes"}},
		{Index: 7, Keywords: []string{"yoga mat"}},
		{Index: 9, Keywords: []string{"how to clean a yoga mat", "yoga mat cleaner", "clean yoga mat naturally"}},
	}}
	out := &ai.ClusterNamesOutput{}
	generate(t, ai.PromptClusterNames, in, out)
	aitest.CheckOutput(t, ai.PromptClusterNames, in, out)
	want := []struct{ name, pillar string }{{"Running Shoes", "running shoes"}, {"Yoga Mat", "yoga mat"}, {"Clean a Yoga Mat", "how to clean a yoga mat"}}
	for i, w := range want {
		if c := out.Clusters[i]; c.Name != w.name || c.Pillar != w.pillar {
			t.Errorf("cluster %d = %q with pillar %q, want %q with pillar %q", i, c.Name, c.Pillar, w.name, w.pillar)
		}
	}
}

func TestIdeasMix(t *testing.T) {
	in := aitest.Inputs("en")[ai.PromptIdeas].(*ai.IdeasInput)
	in.Count, in.EntityTypes = 7, []string{"service", "bogus", "page"}
	out := &ai.IdeasOutput{}
	generate(t, ai.PromptIdeas, in, out)
	aitest.CheckOutput(t, ai.PromptIdeas, in, out)
	titles := map[string]bool{}
	for i, idea := range out.Ideas {
		if want := []string{"service", "page"}[i%2]; idea.EntityType != want {
			t.Errorf("idea %d is a %s, want %s (the types asked for, in turn)", i, idea.EntityType, want)
		}
		if n := len(idea.Outline); n < 4 || n > 6 {
			t.Errorf("idea %d has %d outline headings, want 4 to 6", i, n)
		}
		if titles[idea.Title] {
			t.Errorf("idea %d repeats the title %q", i, idea.Title)
		}
		titles[idea.Title] = true
	}
	if out.Ideas[0].TargetKeyword != in.Pillar {
		t.Errorf("the first idea targets %q, want the pillar %q", out.Ideas[0].TargetKeyword, in.Pillar)
	}
	in.Count, in.EntityTypes = 0, nil
	generate(t, ai.PromptIdeas, in, out)
	if len(out.Ideas) != 5 {
		t.Errorf("with no count: %d ideas, want 5", len(out.Ideas))
	}
}

func TestSiteStructure(t *testing.T) {
	in := aitest.Inputs("de")[ai.PromptSiteStructure].(*ai.SiteStructureInput)
	out := &ai.SiteStructureOutput{}
	generate(t, ai.PromptSiteStructure, in, out)
	aitest.CheckOutput(t, ai.PromptSiteStructure, in, out)
	var ids []string
	for _, p := range out.Pages {
		ids = append(ids, p.ID+":"+p.Type)
	}
	if want := []string{"home:home", "ueber-uns:page", "reparaturen:service", "gefuehrte-touren:service", "kontakt:page"}; !slices.Equal(ids, want) {
		t.Errorf("pages %q, want %q", ids, want)
	}
	if len(out.Tagline) > 60 || len(out.Description) > 160 {
		t.Errorf("tagline %q or description %q too long", out.Tagline, out.Description)
	}

	// Without pages asked for: a sensible set, products for a shop.
	in.Brief.Pages, in.Brief.Industry, in.Brief.Locale = nil, "online shop for tea", "en"
	generate(t, ai.PromptSiteStructure, in, out)
	ids = ids[:0]
	for _, p := range out.Pages {
		ids = append(ids, p.ID)
	}
	if want := []string{"home", "about", "products", "contact"}; !slices.Equal(ids, want) {
		t.Errorf("default pages %q, want %q", ids, want)
	}
}

func TestSitePage(t *testing.T) {
	in := aitest.Inputs("en")[ai.PromptSitePage].(*ai.SitePageInput)
	out := &ai.SitePageOutput{}
	generate(t, ai.PromptSitePage, in, out)
	if out.Hero.Target != "contact" || out.CTA == nil || len(out.Features) < 3 {
		t.Errorf("service page: hero %+v, cta %v, %d features: want the button to lead to contact, a call to action and features", out.Hero, out.CTA, len(out.Features))
	}
	in.Page = ai.PagePlanOut{ID: "contact", Type: "page", Title: "Contact"}
	in.Others = []string{"home", "repairs"}
	generate(t, ai.PromptSitePage, in, out)
	if out.Hero.Target != "contact" || out.CTA != nil || len(out.Features) != 0 {
		t.Errorf("contact page: hero %+v, cta %v, %d features: want the button on the page itself, no call to action, no features", out.Hero, out.CTA, len(out.Features))
	}
}

func TestBadRequests(t *testing.T) {
	p := offline.New()
	for _, req := range []ai.ChatRequest{
		{Prompt: "nope", Input: []byte(`{}`)},
		{Prompt: ai.PromptContent, Input: []byte(`{"title": 7}`)},
	} {
		_, err := p.Chat(t.Context(), req)
		if e, ok := ai.AsError(err); !ok || e.Kind != ai.BadRequest || e.Retryable() {
			t.Errorf("Chat(%s, %s): %v, want a bad request", req.Prompt, req.Input, err)
		}
	}
	if _, err := p.Embed(t.Context(), ai.EmbedRequest{Inputs: []string{"x"}}); !errors.Is(err, ai.ErrUnsupported) {
		t.Errorf("Embed: %v, want ai.ErrUnsupported", err)
	}
	if _, err := p.Image(t.Context(), ai.ImageRequest{Prompt: "x", Width: 5000, Height: 10}); err == nil {
		t.Error("a 5000-pixel image was drawn")
	}
}

func TestImage(t *testing.T) {
	p := offline.New()
	for _, tt := range []struct{ w, h, wantW, wantH int }{
		{0, 0, offline.DefaultWidth, offline.DefaultHeight},
		{640, 360, 640, 360},
		{300, 800, 300, 800},
		{1, 1, 1, 1},
		{0, 200, offline.DefaultWidth, 200},
	} {
		resp, err := p.Image(t.Context(), ai.ImageRequest{Prompt: "a lighthouse on a cliff", Width: tt.w, Height: tt.h})
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(resp.Data))
		if err != nil {
			t.Fatalf("%dx%d: %v", tt.w, tt.h, err)
		}
		if b := img.Bounds(); b.Dx() != tt.wantW || b.Dy() != tt.wantH || resp.Width != tt.wantW || resp.Height != tt.wantH {
			t.Errorf("asked %dx%d: got a %dx%d image reported as %dx%d, want %dx%d", tt.w, tt.h, b.Dx(), b.Dy(), resp.Width, resp.Height, tt.wantW, tt.wantH)
		}
		if resp.ContentType != "image/png" || !resp.Offline || resp.Model != offline.Model {
			t.Errorf("response %s offline=%v model=%s", resp.ContentType, resp.Offline, resp.Model)
		}
	}
	a, _ := p.Image(t.Context(), ai.ImageRequest{Prompt: "a lighthouse on a cliff"})
	b, _ := p.Image(t.Context(), ai.ImageRequest{Prompt: "a lighthouse on a cliff"})
	c, _ := p.Image(t.Context(), ai.ImageRequest{Prompt: "a bowl of ramen"})
	if !bytes.Equal(a.Data, b.Data) {
		t.Error("the same prompt drew different images")
	}
	if bytes.Equal(a.Data, c.Data) {
		t.Error("different prompts drew the same image")
	}
	// The picture is more than a flat colour: it has a gradient and shapes.
	img, _ := png.Decode(bytes.NewReader(a.Data))
	colours := map[[3]uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
		}
	}
	if len(colours) < 50 {
		t.Errorf("the image has %d colours in a sample; want an illustration, not a flat fill", len(colours))
	}
}

func BenchmarkImage(b *testing.B) {
	p := offline.New()
	for i := 0; b.Loop(); i++ {
		if _, err := p.Image(b.Context(), ai.ImageRequest{Prompt: fmt.Sprint("prompt ", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkContent(b *testing.B) {
	in := aitest.Inputs("en")[ai.PromptContent].(*ai.ContentInput)
	in.WordTarget = 2000
	raw, _ := json.Marshal(in)
	p := offline.New()
	for b.Loop() {
		if _, err := p.Chat(b.Context(), ai.ChatRequest{Prompt: ai.PromptContent, Input: raw}); err != nil {
			b.Fatal(err)
		}
	}
}
