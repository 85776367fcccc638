package writer_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/writer"
)

// example returns an example site's blueprint and its files.
func example(t testing.TB, name string) ([]byte, fs.FS) {
	t.Helper()
	data, err := fs.ReadFile(examples.FS(), name+"/blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Sub(examples.FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	return data, files
}

// layout reads a blueprint's layout.
func layout(t testing.TB, data []byte) writer.Layout {
	t.Helper()
	bp, err := blueprints.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return writer.LayoutOf(bp)
}

var site = ai.SiteContext{Name: "Slow Miles", Locale: "en-GB", Industry: "travel"}

// fixture is a hand-written answer for one entity type.
type fixture struct {
	in  ai.ContentInput
	out ai.ContentOutput
}

func fixtures() map[string]fixture {
	sections := []ai.ContentSection{
		{Heading: "Why the night train", Markdown: "A sleeper saves a night in a hotel and a day of travel. You board after dinner and wake up **somewhere else**.\n\n- a bed, not a seat\n- no airport queues\n- breakfast on board"},
		{Heading: "How to book", Markdown: "## How to book\n\nBook as early as you can: cabins sell out weeks ahead in summer. Compare the operators' own sites with the rail passes."},
		{Heading: "What to pack", Markdown: "Pack light: a small bag, earplugs, a torch and something warm. The cabins are compact and the luggage racks small."},
	}
	faq := []ai.FAQItem{
		{Question: "Is a sleeper train safe?", Answer: "Yes. Cabins lock from the inside and attendants are on board all night."},
		{Question: "Can I shower on board?", Answer: "On many newer trains the deluxe cabins have a shower; otherwise there are washbasins."},
	}
	cta := &ai.CTAFields{Heading: "Plan your trip", Text: "Tell us where you want to go and we'll suggest a route.", Button: "Get in touch"}
	in := func(entity, title string) ai.ContentInput {
		return ai.ContentInput{Site: site, EntityType: entity, Title: title, TargetKeyword: "night train", Cluster: "Night trains", WordTarget: 200}
	}
	return map[string]fixture{
		igny8.EntityPost: {in("post", "Night trains in Europe"), ai.ContentOutput{
			Title: "Night trains in Europe: a beginner's guide", Slug: "night-trains-europe", MetaTitle: "Night trains in Europe",
			MetaDescription: "Everything you need for your first night train in Europe: why to go, how to book and what to pack.",
			Excerpt:         "Your first night train, from booking to breakfast.", Sections: sections, FAQ: faq,
		}},
		igny8.EntityPage: {in("page", "Travel by train"), ai.ContentOutput{
			Title: "Travel by train", Slug: "", MetaTitle: "Travel by train with Slow Miles",
			MetaDescription: "How we travel by train and why.", Excerpt: "How we travel by train.", Sections: sections, CTA: cta,
		}},
		igny8.EntityProduct: {in("product", "Sleeper cabin pillow"), ai.ContentOutput{
			Title: "Crème brûlée travel pillow", MetaTitle: "Travel pillow", MetaDescription: "A soft pillow for night trains.",
			Excerpt: "A soft pillow that packs small.", Sections: sections[:2], FAQ: faq[:1], CTA: cta,
			Product: &ai.ProductFields{Name: "Travel pillow", Description: "A memory-foam pillow that rolls into its own pouch.",
				Price: "24,90", Currency: "eur", SKU: "TP-01", Availability: "InStock",
				Attributes: []ai.NameValuePair{{Name: "Weight", Value: "180 g"}, {Name: "Cover", Value: "Organic cotton"}}},
		}},
		igny8.EntityService: {in("service", "Rail trip planning"), ai.ContentOutput{
			Title: "Rail trip planning", Slug: "rail-trip-planning", MetaTitle: "Rail trip planning", MetaDescription: "We plan your trip by train.",
			Excerpt: "We plan your trip by train, end to end.", Sections: sections, FAQ: faq, CTA: cta,
			Service: &ai.ServiceFields{
				Benefits: []ai.TitledText{{Title: "Less stress", Text: "We handle the bookings."}, {Title: "Better routes", Text: "We know the branch lines."}},
				Process:  []ai.TitledText{{Title: "Tell us", Text: "Where and when."}, {Title: "We plan", Text: "A route and tickets."}, {Title: "You go", Text: "With a printed plan."}},
			},
		}},
		igny8.EntityTaxonomy: {in("taxonomy", "Night trains"), ai.ContentOutput{
			Title: "Night trains", Slug: "night-trains", MetaTitle: "Night trains", MetaDescription: "Every post about night trains.",
			Excerpt: "Every post about sleeping on the move.", Sections: sections[:1], FAQ: faq[:1],
		}},
	}
}

// scripted is an ai.Provider that gives the answers it holds, in order,
// and records what it was asked.
type scripted struct {
	mu       sync.Mutex
	answers  []string
	requests []ai.ChatRequest
}

var _ ai.Provider = (*scripted)(nil)

func (s *scripted) Name() string { return "scripted" }

func (s *scripted) Chat(_ context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if len(s.answers) == 0 {
		return nil, &ai.Error{Kind: ai.Unavailable, Message: "no more scripted answers"}
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return &ai.ChatResponse{Content: a, Model: "scripted-1", Usage: ai.Usage{In: 10, Out: 10}}, nil
}

func (s *scripted) Embed(context.Context, ai.EmbedRequest) (*ai.EmbedResponse, error) {
	return nil, ai.ErrUnsupported
}

func (s *scripted) Image(context.Context, ai.ImageRequest) (*ai.ImageResponse, error) {
	return nil, ai.ErrUnsupported
}

// repairs returns the repair messages the provider was sent: the last
// user message of every request after the first.
func (s *scripted) repairs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.requests[min(1, len(s.requests)):] {
		out = append(out, r.Messages[len(r.Messages)-1].Content)
	}
	return out
}

func answer(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// problems returns the pointers and messages of a *writer.PageError.
func problems(t testing.TB, err error) blueprints.Problems {
	t.Helper()
	var pe *writer.PageError
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T (%v), want *writer.PageError", err, err)
	}
	return pe.Problems
}

func hasProblem(ps blueprints.Problems, pointer, message string) bool {
	for _, p := range ps {
		if p.Pointer == pointer && strings.Contains(p.Message, message) {
			return true
		}
	}
	return false
}
