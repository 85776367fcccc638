package writer_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/aitest"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

// contentAnswer is an answer as a model gives it: lists are never null.
func contentAnswer(t testing.TB, out ai.ContentOutput) string {
	t.Helper()
	if out.FAQ == nil {
		out.FAQ = []ai.FAQItem{}
	}
	if out.Sections == nil {
		out.Sections = []ai.ContentSection{}
	}
	return answer(t, out)
}

// writeBundle is a Write test's world: the blog example, a scripted
// provider and the fixture for an entity type, with a word target that
// fits it.
type writeBundle struct {
	provider *scripted
	rec      *aitest.Recorder
	input    writer.WriteInput
	fixture  fixture
}

func setupWrite(t *testing.T, entity string) *writeBundle {
	t.Helper()
	data, files := example(t, "blog")
	f := fixtures()[entity]
	if f.out.Product != nil {
		// The answer's schema allows only the canonical availability.
		p := *f.out.Product
		p.Availability = "in_stock"
		f.out.Product = &p
	}
	p, err := writer.BuildPage(f.in, &f.out, layout(t, data), "2026-05-01")
	if err != nil {
		t.Fatal(err)
	}
	idea := &igny8.Idea{
		ID: 7, AccountID: 3, SiteID: 5, Title: f.in.Title, TargetKeyword: "night train", Intent: igny8.IntentInformational,
		EntityType: entity, EstimatedWords: 1500,
	}
	return &writeBundle{
		provider: &scripted{},
		rec:      &aitest.Recorder{},
		fixture:  f,
		input: writer.WriteInput{
			Site: site, Blueprint: data, Assets: files, Idea: idea, Cluster: "Night trains",
			WordTarget: writer.Words(p), Date: "2026-05-01", SiteID: 5, JobID: 9,
		},
	}
}

func (b *writeBundle) write(t *testing.T, answers ...string) (*writer.Written, error) {
	t.Helper()
	b.provider.answers = answers
	return writer.Write(t.Context(), &ai.Client{Provider: b.provider, Recorder: b.rec}, b.input)
}

func TestWrite(t *testing.T) {
	t.Parallel()
	for _, entity := range igny8.EntityTypes {
		t.Run(entity, func(t *testing.T) {
			t.Parallel()
			b := setupWrite(t, entity)
			w, err := b.write(t, contentAnswer(t, b.fixture.out))
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			if got := len(b.provider.requests); got != 1 {
				t.Errorf("%d requests, want 1 (the answer was good)", got)
			}
			if calls := b.rec.Calls(); len(calls) != 1 || calls[0].SiteID == nil || *calls[0].SiteID != 5 || calls[0].JobID == nil || *calls[0].JobID != 9 {
				t.Errorf("calls recorded = %+v, want one for site 5, job 9", calls)
			}
			c := w.Content
			if c.Status != igny8.ContentDraft || c.EntityType != entity || c.TargetKeyword != "night train" || c.AccountID != 3 || c.SiteID != 5 {
				t.Errorf("content = %+v, want a draft %s for account 3, site 5, keyword \"night train\"", c, entity)
			}
			if c.Provider != "scripted" || c.Model != "scripted-1" || c.Prompt != ai.PromptContent || c.PromptVersion == "" {
				t.Errorf("provenance = %+v", c.Provenance)
			}
			if c.Slug != w.Page.ID || c.Title != w.Page.Title || c.WordCount != w.Words || w.Words != b.input.WordTarget {
				t.Errorf("facts: slug %q title %q words %d/%d, page %q %q, target %d", c.Slug, c.Title, c.WordCount, w.Words, w.Page.ID, w.Page.Title, b.input.WordTarget)
			}
			if string(c.Page) != string(w.PageJSON) || !strings.Contains(string(w.PageJSON), `"id":"`+w.Page.ID+`"`) {
				t.Errorf("content page = %s, want the page's JSON", c.Page)
			}
			// The input told the model the site, the idea and the target.
			var in ai.ContentInput
			if err := json.Unmarshal(b.provider.requests[0].Input, &in); err != nil {
				t.Fatal(err)
			}
			if in.EntityType != entity || in.WordTarget != b.input.WordTarget || in.Cluster != "Night trains" || in.Site.Name != site.Name {
				t.Errorf("input = %+v", in)
			}
		})
	}
}

// A page the validator rejects goes back to the model with the problem
// located in the answer; a second bad answer fails the call.
func TestWriteRepairs(t *testing.T) {
	t.Parallel()
	bad := func(f *ai.ContentOutput, link string) {
		s := append([]ai.ContentSection(nil), f.Sections...)
		s[1].Markdown += "\n\nRead [more](" + link + ")."
		f.Sections = s
	}
	tests := []struct {
		name   string
		entity string
		break_ func(f *ai.ContentOutput, target int) // makes the answer bad
		says   []string                              // what the repair message says
	}{
		{"link to a missing page", igny8.EntityPost, func(f *ai.ContentOutput, _ int) { bad(f, "page:does-not-exist") },
			[]string{`/sections/1/markdown: page "does-not-exist" does not exist`}},
		{"javascript link", igny8.EntityPost, func(f *ai.ContentOutput, _ int) { bad(f, "javascript:alert(1)") },
			[]string{"/sections/1/markdown: ", "which is not allowed"}},
		{"empty faq answer", igny8.EntityPost, func(f *ai.ContentOutput, _ int) {
			f.FAQ = append([]ai.FAQItem(nil), f.FAQ...)
			f.FAQ[1].Answer = ""
		}, []string{"/faq/1/answer: "}},
		{"too long a meta description", igny8.EntityPage, func(f *ai.ContentOutput, _ int) { f.MetaDescription = strings.Repeat("long ", 70) },
			[]string{"/meta_description: "}},
		{"a slug the site has", igny8.EntityPost, func(f *ai.ContentOutput, _ int) { f.Slug = "night-train-vienna" },
			[]string{`/slug: "night-train-vienna" is taken`}},
		{"too short", igny8.EntityPost, func(f *ai.ContentOutput, _ int) { f.Sections = f.Sections[:1]; f.FAQ = nil },
			[]string{"too few for the target", "write between"}},
		{"too long", igny8.EntityPost, func(f *ai.ContentOutput, target int) {
			f.Sections = append(append([]ai.ContentSection(nil), f.Sections...), ai.ContentSection{Heading: "More", Markdown: strings.Repeat("word ", target)})
		}, []string{"too many for the target"}},
		{"a service without its process", igny8.EntityService, func(f *ai.ContentOutput, _ int) {
			f.Service = &ai.ServiceFields{Benefits: f.Service.Benefits, Process: []ai.TitledText{}}
		}, []string{"/service/process: a service needs its process"}},
		{"a product without its fields", igny8.EntityProduct, func(f *ai.ContentOutput, _ int) { f.Product = nil },
			[]string{"/product: a product needs its product fields"}},
		{"a product price of the wrong form", igny8.EntityProduct, func(f *ai.ContentOutput, _ int) {
			p := *f.Product
			p.Price = "about 20"
			f.Product = &p
		}, []string{"/product/price: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			t.Run("repaired", func(t *testing.T) {
				t.Parallel()
				b := setupWrite(t, tt.entity)
				broken := b.fixture.out
				tt.break_(&broken, b.input.WordTarget)
				w, err := b.write(t, contentAnswer(t, broken), contentAnswer(t, b.fixture.out))
				if err != nil {
					t.Fatalf("Write: %v", err)
				}
				if w.Page == nil || len(b.provider.requests) != 2 {
					t.Errorf("page %v after %d requests, want a page after 2", w.Page, len(b.provider.requests))
				}
				repair := b.provider.repairs()[0]
				for _, s := range tt.says {
					if !strings.Contains(repair, s) {
						t.Errorf("the repair message does not say %q:\n%s", s, repair)
					}
				}
			})
			t.Run("still bad", func(t *testing.T) {
				t.Parallel()
				b := setupWrite(t, tt.entity)
				broken := b.fixture.out
				tt.break_(&broken, b.input.WordTarget)
				w, err := b.write(t, contentAnswer(t, broken), contentAnswer(t, broken))
				e, ok := ai.AsError(err)
				if !ok || e.Kind != ai.InvalidOutput {
					t.Fatalf("Write error = %v, want an ai.Error of kind %s", err, ai.InvalidOutput)
				}
				if w != nil {
					t.Errorf("Write returned %+v with its error", w)
				}
				if !strings.Contains(e.Message, tt.says[0]) {
					t.Errorf("the error does not say %q: %s", tt.says[0], e.Message)
				}
			})
		})
	}
}

func TestWriteRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(w *writer.WriteInput)
		code   string
	}{
		{"no idea", func(w *writer.WriteInput) { w.Idea = nil }, igny8.EInvalid},
		{"unknown entity type", func(w *writer.WriteInput) { w.Idea.EntityType = "recipe" }, igny8.EInvalid},
		{"post without date", func(w *writer.WriteInput) { w.Date = "" }, igny8.EInvalid},
		{"unreadable blueprint", func(w *writer.WriteInput) { w.Blueprint = []byte("{") }, igny8.EInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupWrite(t, igny8.EntityPost)
			tt.change(&b.input)
			_, err := b.write(t, contentAnswer(t, b.fixture.out))
			if got := igny8.ErrorCode(err); got != tt.code {
				t.Errorf("error code = %q (%v), want %q", got, err, tt.code)
			}
			if n := len(b.provider.requests); n != 0 {
				t.Errorf("%d requests sent for a write that cannot work", n)
			}
		})
	}
}

func TestEstimateCredits(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		words int
		want  int64
	}{{0, 0}, {100, 2}, {1000, 15}, {1500, 23}} {
		if got := writer.EstimateCredits(tt.words); got != tt.want {
			t.Errorf("EstimateCredits(%d) = %d, want %d", tt.words, got, tt.want)
		}
	}
}

// The page Write returns is the page the validator accepted.
func TestWrittenPageValidates(t *testing.T) {
	t.Parallel()
	b := setupWrite(t, igny8.EntityService)
	w, err := b.write(t, contentAnswer(t, b.fixture.out))
	if err != nil {
		t.Fatal(err)
	}
	var p blueprints.Page
	if err := json.Unmarshal(w.PageJSON, &p); err != nil {
		t.Fatal(err)
	}
	if err := writer.Validate(b.input.Blueprint, &p, writer.Options{Files: b.input.Assets}); err != nil {
		t.Errorf("the stored page does not validate: %v", err)
	}
}
