package planner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/ai/offline"
)

// fakeProvider answers chats with canned answers, in order (the last one
// repeats), and keeps the requests.
type fakeProvider struct {
	answers []any // JSON-encoded as the answer's content

	mu       sync.Mutex
	requests []ai.ChatRequest
}

var _ ai.Provider = (*fakeProvider)(nil)

func (*fakeProvider) Name() string { return "fake" }

func (p *fakeProvider) Chat(_ context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	answer := p.answers[min(len(p.requests), len(p.answers)-1)]
	p.requests = append(p.requests, req)
	b, err := json.Marshal(answer)
	if err != nil {
		return nil, err
	}
	return &ai.ChatResponse{Content: string(b), Model: "fake-model", Usage: ai.Usage{In: 10, Out: 10}}, nil
}

func (*fakeProvider) Embed(context.Context, ai.EmbedRequest) (*ai.EmbedResponse, error) {
	return nil, fmt.Errorf("fake: %w", ai.ErrUnsupported)
}

func (*fakeProvider) Image(context.Context, ai.ImageRequest) (*ai.ImageResponse, error) {
	return nil, fmt.Errorf("fake: %w", ai.ErrUnsupported)
}

// repairText is what the second request said was wrong with the first
// answer.
func (p *fakeProvider) repairText(t *testing.T) string {
	t.Helper()
	if len(p.requests) < 2 {
		t.Fatalf("%d requests, want a repair round", len(p.requests))
	}
	msgs := p.requests[1].Messages
	return msgs[len(msgs)-1].Content
}

var site = ai.SiteContext{Name: "Crumb & Co", Locale: "en"}

var batch = []KeywordGroup{
	{Keywords: []string{"Sourdough Starter", "how to feed a sourdough starter", "sourdough starter not rising"}},
	{Keywords: []string{"dog training", "clicker training for dogs"}},
}

func names(pillar2 string) ai.ClusterNamesOutput {
	return ai.ClusterNamesOutput{Clusters: []ai.ClusterName{
		{Index: 1, Name: "Sourdough Starters", Description: "Making and keeping a starter.", Pillar: "sourdough  starter"},
		{Index: 2, Name: " Dog Training ", Description: "Teaching a dog at home.", Pillar: pillar2},
	}}
}

func TestNameClusters(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{answers: []any{names("dog training")}}
	clusters, err := NameClusters(t.Context(), &ai.Client{Provider: p}, site, batch, 7, 9)
	if err != nil {
		t.Fatal(err)
	}
	prov := igny8.Provenance{Provider: "fake", Model: "fake-model", Prompt: ai.PromptClusterNames, PromptVersion: "v1"}
	want := []*igny8.Cluster{
		// The pillar is the group's own spelling of the keyword.
		{SiteID: 7, Name: "Sourdough Starters", Description: "Making and keeping a starter.", Pillar: "Sourdough Starter", Keywords: 3, Provenance: prov},
		{SiteID: 7, Name: "Dog Training", Description: "Teaching a dog at home.", Pillar: "dog training", Keywords: 2, Provenance: prov},
	}
	if diff := cmp.Diff(want, clusters); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	if len(p.requests) != 1 {
		t.Fatalf("%d requests, want 1", len(p.requests))
	}
	var in ai.ClusterNamesInput
	if err := json.Unmarshal(p.requests[0].Input, &in); err != nil {
		t.Fatal(err)
	}
	wantIn := ai.ClusterNamesInput{Site: site, Groups: []ai.KeywordGroup{{Index: 1, Keywords: batch[0].Keywords}, {Index: 2, Keywords: batch[1].Keywords}}}
	if diff := cmp.Diff(wantIn, in); diff != "" {
		t.Errorf("the prompt's input (-want +got):\n%s", diff)
	}
}

// A pillar that is not one of its group's keywords gets a repair round;
// a second one is an InvalidOutput error.
func TestNameClustersPillarNotInGroup(t *testing.T) {
	t.Parallel()
	wantProblem := `the pillar of group 2, "dog food", is not one of its keywords`

	p := &fakeProvider{answers: []any{names("dog food"), names("clicker training for dogs")}}
	clusters, err := NameClusters(t.Context(), &ai.Client{Provider: p}, site, batch, 7, 9)
	if err != nil {
		t.Fatalf("after a good repair: %v", err)
	}
	if got := clusters[1].Pillar; got != "clicker training for dogs" {
		t.Errorf("pillar %q after the repair, want the repaired one", got)
	}
	if got := p.repairText(t); !strings.Contains(got, wantProblem) {
		t.Errorf("the repair round says %q; want it to say %q", got, wantProblem)
	}

	p = &fakeProvider{answers: []any{names("dog food")}}
	clusters, err = NameClusters(t.Context(), &ai.Client{Provider: p}, site, batch, 7, 9)
	e, ok := ai.AsError(err)
	if !ok || e.Kind != ai.InvalidOutput || clusters != nil {
		t.Fatalf("got %v, %v; want an ai.Error of kind %s", clusters, err, ai.InvalidOutput)
	}
	if !strings.Contains(e.Detail, wantProblem) {
		t.Errorf("the error's detail %q does not say %q", e.Detail, wantProblem)
	}
	if len(p.requests) != 2 {
		t.Errorf("%d requests, want 2 (the answer and its repair)", len(p.requests))
	}
}

func TestCheckNames(t *testing.T) {
	t.Parallel()
	cn := func(index int, name, pillar string) ai.ClusterName {
		return ai.ClusterName{Index: index, Name: name, Description: "d", Pillar: pillar}
	}
	tests := []struct {
		name     string
		clusters []ai.ClusterName
		want     []string
	}{
		{"missing", []ai.ClusterName{cn(1, "Starters", "sourdough starter")}, []string{"group 2 is not named"}},
		{"twice and unknown", []ai.ClusterName{cn(1, "A", "sourdough starter"), cn(1, "B", "sourdough starter"), cn(3, "C", "x"), cn(2, "D", "dog training")},
			[]string{"group 1 is named more than once", "there is no group 3 (the groups are 1 to 2)"}},
		{"names", []ai.ClusterName{cn(1, "  ", "sourdough starter"), cn(2, strings.Repeat("n", 81), "dog training")},
			[]string{"the name of group 1 is empty", "the name of group 2 is 81 characters long; at most 80 are allowed"}},
		{"pillar of the other group", []ai.ClusterName{cn(1, "A", "dog training"), cn(2, "B", "dog training")},
			[]string{`the pillar of group 1, "dog training", is not one of its keywords`}},
	}
	for _, tt := range tests {
		_, err := checkNames(batch, ai.ClusterNamesOutput{Clusters: tt.clusters})
		if err == nil {
			t.Errorf("%s: no problem found", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tt.name, err, w)
			}
		}
	}
}

// A batch the credits would refuse asks nothing.
func TestNameClustersRefusesBatch(t *testing.T) {
	t.Parallel()
	big := make([]string, 51)
	for i := range big {
		big[i] = fmt.Sprint("keyword ", i)
	}
	for _, b := range [][]KeywordGroup{{{Keywords: big}}, {{Keywords: []string{"a"}}, {}}, nil} {
		p := &fakeProvider{answers: []any{names("dog training")}}
		if _, err := NameClusters(t.Context(), &ai.Client{Provider: p}, site, b, 7, 9); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("batch of %d groups: error %v, want invalid", len(b), err)
		}
		if len(p.requests) != 0 {
			t.Errorf("batch of %d groups: %d requests, want none", len(b), len(p.requests))
		}
	}
}

var cluster = &igny8.Cluster{ID: 42, Name: "Sourdough Starters", Description: "Making and keeping a starter.", Pillar: "sourdough starter"}

func idea(title, entity, intent string, words, headings int) ai.IdeaOutput {
	outline := make([]string, headings)
	for i := range outline {
		outline[i] = fmt.Sprint("Section ", i+1)
	}
	return ai.IdeaOutput{Title: title, Angle: "An angle.", Outline: outline, TargetKeyword: "sourdough starter",
		SecondaryKeywords: []string{"how to feed a sourdough starter"}, Intent: intent, EntityType: entity, EstimatedWords: words}
}

func TestIdeas(t *testing.T) {
	t.Parallel()
	answer := ai.IdeasOutput{Ideas: []ai.IdeaOutput{
		idea(" How to Make a Sourdough Starter ", igny8.EntityPost, igny8.IntentInformational, 1500, 5),
		idea("Starter Kit", igny8.EntityProduct, igny8.IntentTransactional, 600, 4),
	}}
	p := &fakeProvider{answers: []any{answer}}
	keywords := []string{"sourdough starter", "how to feed a sourdough starter"}
	ideas, err := Ideas(t.Context(), &ai.Client{Provider: p}, site, cluster, keywords, 3, []string{igny8.EntityPost, igny8.EntityProduct}, 7, 9)
	if err != nil {
		t.Fatal(err)
	}
	prov := igny8.Provenance{Provider: "fake", Model: "fake-model", Prompt: ai.PromptIdeas, PromptVersion: "v1"}
	if got, want := len(ideas), 2; got != want {
		t.Fatalf("%d ideas, want %d", got, want)
	}
	want := &igny8.Idea{SiteID: 7, ClusterID: 42, Title: "How to Make a Sourdough Starter", Angle: "An angle.",
		Outline: answer.Ideas[0].Outline, TargetKeyword: "sourdough starter", SecondaryKeywords: []string{"how to feed a sourdough starter"},
		Intent: igny8.IntentInformational, EntityType: igny8.EntityPost, EstimatedWords: 1500, Status: igny8.IdeaNew, Provenance: prov}
	if diff := cmp.Diff(want, ideas[0]); diff != "" {
		t.Errorf("idea (-want +got):\n%s", diff)
	}
	var in ai.IdeasInput
	if err := json.Unmarshal(p.requests[0].Input, &in); err != nil {
		t.Fatal(err)
	}
	wantIn := ai.IdeasInput{Site: site, Cluster: cluster.Name, Description: cluster.Description, Pillar: cluster.Pillar,
		Keywords: keywords, Count: 3, EntityTypes: []string{igny8.EntityPost, igny8.EntityProduct}}
	if diff := cmp.Diff(wantIn, in); diff != "" {
		t.Errorf("the prompt's input (-want +got):\n%s", diff)
	}
}

func TestCheckIdeas(t *testing.T) {
	t.Parallel()
	good := idea("A", igny8.EntityPost, igny8.IntentInformational, 1200, 4)
	tests := []struct {
		name  string
		ideas []ai.IdeaOutput
		count int
		types []string
		want  string
	}{
		{"none", nil, 3, nil, "there are 0 ideas; give 1 to 3"},
		{"too many", []ai.IdeaOutput{good, idea("B", "post", "commercial", 900, 3)}, 1, nil, "there are 2 ideas; give 1 to 1"},
		{"same title", []ai.IdeaOutput{good, idea(" a ", "page", "commercial", 900, 3)}, 3, nil, "idea 2 has the same title as idea 1"},
		{"no title", []ai.IdeaOutput{idea("", "post", "commercial", 900, 3)}, 3, nil, "idea 1 has no title"},
		{"unknown entity type", []ai.IdeaOutput{idea("A", "recipe", "commercial", 900, 3)}, 3, nil, `idea 1 has entity_type "recipe"; use one of post, page, product, service, taxonomy`},
		{"entity type not wanted", []ai.IdeaOutput{idea("A", "service", "commercial", 900, 3)}, 3, []string{"post", "page"}, `idea 1 has entity_type "service"; use one of post, page`},
		{"intent", []ai.IdeaOutput{idea("A", "post", "curious", 900, 3)}, 3, nil, `idea 1 has intent "curious"`},
		{"short", []ai.IdeaOutput{idea("A", "post", "commercial", 149, 3)}, 3, nil, "idea 1 has estimated_words 149; it must be 150 to 5000"},
		{"long", []ai.IdeaOutput{idea("A", "post", "commercial", 5001, 3)}, 3, nil, "idea 1 has estimated_words 5001"},
		{"one heading", []ai.IdeaOutput{idea("A", "post", "commercial", 900, 1)}, 3, nil, "idea 1 has 1 outline headings; give 2 to 12, none empty"},
		{"thirteen headings", []ai.IdeaOutput{idea("A", "post", "commercial", 900, 13)}, 3, nil, "idea 1 has 13 outline headings"},
		{"empty heading", []ai.IdeaOutput{func() ai.IdeaOutput { i := idea("A", "post", "commercial", 900, 3); i.Outline[1] = " "; return i }()}, 3, nil, "none empty"},
		{"no target", []ai.IdeaOutput{func() ai.IdeaOutput { i := idea("A", "post", "commercial", 900, 3); i.TargetKeyword = " "; return i }()}, 3, nil, "idea 1 has no target_keyword"},
	}
	for _, tt := range tests {
		err := checkIdeas(ai.IdeasOutput{Ideas: tt.ideas}, tt.count, tt.types)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: checkIdeas = %v, want it to say %q", tt.name, err, tt.want)
		}
	}
	if err := checkIdeas(ai.IdeasOutput{Ideas: []ai.IdeaOutput{good}}, 1, []string{"post"}); err != nil {
		t.Errorf("a good answer: %v", err)
	}
}

func TestIdeasInvalidOutput(t *testing.T) {
	t.Parallel()
	bad := ai.IdeasOutput{Ideas: []ai.IdeaOutput{idea("A", igny8.EntityService, igny8.IntentCommercial, 900, 4)}}
	p := &fakeProvider{answers: []any{bad}}
	_, err := Ideas(t.Context(), &ai.Client{Provider: p}, site, cluster, []string{"sourdough starter"}, 2, []string{igny8.EntityPost}, 7, 9)
	if e, ok := ai.AsError(err); !ok || e.Kind != ai.InvalidOutput {
		t.Fatalf("error %v, want an ai.Error of kind %s", err, ai.InvalidOutput)
	}
	if got, want := p.repairText(t), `idea 1 has entity_type "service"; use one of post`; !strings.Contains(got, want) {
		t.Errorf("the repair round says %q; want it to say %q", got, want)
	}
}

func TestIdeasRefusesRequest(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		keywords []string
		count    int
		types    []string
	}{
		{"no ideas", []string{"k"}, 0, nil},
		{"too many ideas", []string{"k"}, MaxIdeas + 1, nil},
		{"unknown entity type", []string{"k"}, 3, []string{"recipe"}},
		{"no keywords", nil, 3, nil},
	} {
		p := &fakeProvider{answers: []any{ai.IdeasOutput{}}}
		_, err := Ideas(t.Context(), &ai.Client{Provider: p}, site, cluster, tt.keywords, tt.count, tt.types, 7, 9)
		if igny8.ErrorCode(err) != igny8.EInvalid || len(p.requests) != 0 {
			t.Errorf("%s: error %v after %d requests, want invalid and none", tt.name, err, len(p.requests))
		}
	}
}

// The whole planning step offline: the labelled keywords grouped,
// batched, named and given ideas by the offline provider, through the
// real prompts and their schemas, pass every check.
func TestPlanOffline(t *testing.T) {
	t.Parallel()
	texts, _ := loadLabelled(t)
	items := make([]Item, len(texts))
	for i, s := range texts {
		items[i] = Item{Text: s, Volume: int64(1000 - i)}
	}
	c := &ai.Client{Provider: offline.New()}
	groups := Group(items, Options{})
	named := 0
	for _, b := range Batches(groups, 0) {
		kg := make([]KeywordGroup, len(b))
		for i, g := range b {
			for _, k := range g {
				kg[i].Keywords = append(kg[i].Keywords, texts[k])
			}
		}
		clusters, err := NameClusters(t.Context(), c, site, kg, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		for i, cl := range clusters {
			named += cl.Keywords
			if !cl.Offline || cl.Name == "" {
				t.Errorf("cluster %+v", cl)
			}
			if i == 0 {
				ideas, err := Ideas(t.Context(), c, site, cl, kg[i].Keywords, 3, nil, 1, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(ideas) == 0 {
					t.Errorf("no ideas for %q", cl.Name)
				}
			}
		}
	}
	if named != len(texts) {
		t.Errorf("%d keywords in named clusters, want %d", named, len(texts))
	}
}

func TestNameClustersCancelled(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{answers: []any{ai.ClusterNamesOutput{}}}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := NameClusters(ctx, &ai.Client{Provider: cancelledProvider{p}}, site, batch, 7, 9)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap the provider's", err)
	}
}

// cancelledProvider fails every chat with its context's error.
type cancelledProvider struct{ *fakeProvider }

func (cancelledProvider) Chat(ctx context.Context, _ ai.ChatRequest) (*ai.ChatResponse, error) {
	return nil, ctx.Err()
}
