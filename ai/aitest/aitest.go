// Package aitest holds the conformance suite every ai.Provider passes
// (Run), filled sample inputs for the embedded prompts (Inputs), and an
// in-memory call recorder (Recorder).
//
// A provider's test runs the suite in one line:
//
//	func TestConformance(t *testing.T) {
//		aitest.Run(t, func(t *testing.T) ai.Provider { return newProvider(t) })
//	}
//
// A provider that answers with ChatResponse.Offline set claims to be
// deterministic and to draw images at exactly the requested size, and the
// suite holds it to both.
package aitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	_ "image/gif"  // decoders for the image tests
	_ "image/jpeg" // decoders for the image tests
	_ "image/png"  // decoders for the image tests
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "golang.org/x/image/webp" // decoder for the image tests

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
)

// Run runs the conformance suite. newProvider is called once per subtest,
// which may run in parallel with the others; it may return the same
// Provider every time.
func Run(t *testing.T, newProvider func(t *testing.T) ai.Provider) {
	tests := []struct {
		name string
		fn   func(*testing.T, ai.Provider)
	}{
		{"Name", testName},
		{"Prompts", testPrompts},
		{"Deterministic", testDeterministic},
		{"Canceled", testCanceled},
		{"DeadlineExceeded", testDeadlineExceeded},
		{"Concurrent", testConcurrent},
		{"Embed", testEmbed},
		{"Image", testImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newProvider(t))
		})
	}
}

func testName(t *testing.T, p ai.Provider) {
	if p.Name() == "" {
		t.Error("Name() is empty; it names the provider in call records")
	}
}

// testPrompts runs every embedded prompt through ai.Client: the first
// answer must be valid for the schema (no repair round) and make sense for
// the input.
func testPrompts(t *testing.T, p ai.Provider) {
	for _, prompt := range ai.Prompts() {
		t.Run(prompt.Name, func(t *testing.T) {
			input := Inputs("en")[prompt.Name]
			if input == nil {
				t.Fatalf("aitest has no sample input for prompt %s: add one to Inputs", prompt.Name)
			}
			rec := &Recorder{}
			c := &ai.Client{Provider: p, Recorder: rec}
			out := NewOutput(prompt.Name)
			prov, err := c.Generate(t.Context(), ai.Call{Prompt: prompt.Name, Input: input}, out)
			if err != nil {
				t.Fatalf("Generate(%s): %v", prompt.Name, err)
			}
			if got, want := prov.Provider, p.Name(); got != want {
				t.Errorf("provenance provider = %q, want %q", got, want)
			}
			if prov.Model == "" {
				t.Error("provenance has no model: ChatResponse.Model must name the model that answered")
			}
			if got, want := prov.PromptVersion, prompt.Version; got != want {
				t.Errorf("provenance prompt version = %q, want %q", got, want)
			}
			calls := rec.Calls()
			if len(calls) != 1 || calls[0].Outcome != igny8.CallOK {
				t.Errorf("calls recorded = %s, want one ok call (the first answer must be valid)", describeCalls(calls))
			}
			CheckOutput(t, prompt.Name, input, out)
		})
	}
}

// testDeterministic asks the same thing twice. A provider whose answers
// are marked Offline must answer byte for byte the same, and differently
// for a different input.
func testDeterministic(t *testing.T, p ai.Provider) {
	cp := &capture{Provider: p}
	c := &ai.Client{Provider: cp}
	generate := func(input any) string {
		t.Helper()
		if _, err := c.Generate(t.Context(), ai.Call{Prompt: ai.PromptContent, Input: input}, &ai.ContentOutput{}); err != nil {
			t.Fatalf("Generate: %v", err)
		}
		return cp.last().Content
	}
	in := Inputs("en")[ai.PromptContent].(*ai.ContentInput)
	first, second := generate(in), generate(in)
	if !cp.last().Offline {
		// Models need not be deterministic; both answers were valid.
		t.Logf("%s does not mark its answers offline, so it does not claim determinism", p.Name())
		return
	}
	if first != second {
		t.Errorf("the same input gave different answers:\n%s\n---\n%s", first, second)
	}
	other := *in
	other.Title, other.TargetKeyword = "Trail Running Shoes for Beginners", "trail running shoes"
	if generate(&other) == first {
		t.Error("a different input gave the same answer")
	}
}

func testCanceled(t *testing.T, p ai.Provider) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	checkContextError(t, p, ctx, context.Canceled)
}

func testDeadlineExceeded(t *testing.T, p ai.Provider) {
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	checkContextError(t, p, ctx, context.DeadlineExceeded)
}

// checkContextError checks that every operation with ctx, which is done,
// fails with want, passed through rather than classified.
func checkContextError(t *testing.T, p ai.Provider, ctx context.Context, want error) {
	t.Helper()
	c := &ai.Client{Provider: p}
	_, err := c.Generate(ctx, ai.Call{Prompt: ai.PromptClusterNames, Input: Inputs("en")[ai.PromptClusterNames]}, &ai.ClusterNamesOutput{})
	checkIs(t, "Generate", err, want)
	_, err = p.Image(ctx, ai.ImageRequest{Prompt: "a mountain lake at dawn", Width: 320, Height: 200})
	if !errors.Is(err, ai.ErrUnsupported) {
		checkIs(t, "Image", err, want)
	}
	_, err = p.Embed(ctx, ai.EmbedRequest{Inputs: []string{"hiking boots"}})
	if !errors.Is(err, ai.ErrUnsupported) {
		checkIs(t, "Embed", err, want)
	}
}

func checkIs(t *testing.T, op string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s with a done context: error %v, want one that errors.Is %v", op, err, want)
	}
	if e, ok := ai.AsError(err); ok {
		t.Errorf("%s with a done context: the error is an *ai.Error of kind %s; a context error must pass through unclassified", op, e.Kind)
	}
}

// testConcurrent runs every prompt at once, for the race detector.
func testConcurrent(t *testing.T, p ai.Provider) {
	c := &ai.Client{Provider: p}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(ai.Prompts()))
	for range 2 {
		for _, prompt := range ai.Prompts() {
			wg.Go(func() {
				_, err := c.Generate(t.Context(), ai.Call{Prompt: prompt.Name, Input: Inputs("en")[prompt.Name]}, NewOutput(prompt.Name))
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func testEmbed(t *testing.T, p ai.Provider) {
	inputs := []string{"hiking boots", "tent repair", "trail running"}
	resp, err := p.Embed(t.Context(), ai.EmbedRequest{Inputs: inputs})
	if errors.Is(err, ai.ErrUnsupported) {
		if _, ok := ai.AsError(err); ok {
			t.Errorf("Embed: an unsupported operation is an *ai.Error (%v); it must only wrap ai.ErrUnsupported", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if got, want := len(resp.Vectors), len(inputs); got != want {
		t.Fatalf("Embed returned %d vectors for %d inputs", got, want)
	}
	for i, v := range resp.Vectors {
		if len(v) == 0 || len(v) != len(resp.Vectors[0]) {
			t.Errorf("vector %d has %d dimensions, vector 0 has %d", i, len(v), len(resp.Vectors[0]))
		}
	}
	if resp.Model == "" {
		t.Error("EmbedResponse.Model is empty")
	}
}

func testImage(t *testing.T, p ai.Provider) {
	const w, h = 640, 360
	resp, err := p.Image(t.Context(), ai.ImageRequest{Prompt: "a mountain lake at dawn, editorial photograph", Width: w, Height: h})
	if errors.Is(err, ai.ErrUnsupported) {
		if _, ok := ai.AsError(err); ok {
			t.Errorf("Image: an unsupported operation is an *ai.Error (%v); it must only wrap ai.ErrUnsupported", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Image: %v", err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(resp.Data))
	if err != nil {
		t.Fatalf("the image does not decode: %v", err)
	}
	if got, want := resp.ContentType, http.DetectContentType(resp.Data); got != want {
		t.Errorf("ContentType = %q, but the %s bytes sniff as %q", got, format, want)
	}
	if resp.Width != cfg.Width || resp.Height != cfg.Height {
		t.Errorf("the response says %dx%d, the image is %dx%d", resp.Width, resp.Height, cfg.Width, cfg.Height)
	}
	if resp.Offline && (cfg.Width != w || cfg.Height != h) {
		t.Errorf("an offline image is %dx%d, want exactly the requested %dx%d", cfg.Width, cfg.Height, w, h)
	}
	if resp.Model == "" {
		t.Error("ImageResponse.Model is empty")
	}
}

// capture is a Provider that remembers the last chat answer.
type capture struct {
	ai.Provider
	mu   sync.Mutex
	resp *ai.ChatResponse
}

func (c *capture) Chat(ctx context.Context, req ai.ChatRequest) (*ai.ChatResponse, error) {
	resp, err := c.Provider.Chat(ctx, req)
	if err == nil {
		c.mu.Lock()
		c.resp = resp
		c.mu.Unlock()
	}
	return resp, err
}

func (c *capture) last() *ai.ChatResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.resp
}

var (
	pageIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	colorRE  = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// CheckOutput checks that out, the decoded answer to prompt for input,
// makes sense for the input beyond what the schema says: one cluster per
// group with a pillar from the group, the number of ideas asked for,
// valid page ids and colours, and so on.
func CheckOutput(t testing.TB, prompt string, input, out any) {
	t.Helper()
	switch prompt {
	case ai.PromptClusterNames:
		in, o := input.(*ai.ClusterNamesInput), out.(*ai.ClusterNamesOutput)
		if len(o.Clusters) != len(in.Groups) {
			t.Fatalf("%d clusters for %d groups", len(o.Clusters), len(in.Groups))
		}
		for i, c := range o.Clusters {
			g := in.Groups[i]
			if c.Index != g.Index {
				t.Errorf("cluster %d has index %d, want %d", i, c.Index, g.Index)
			}
			if c.Name == "" || c.Description == "" {
				t.Errorf("cluster %d has an empty name or description: %+v", i, c)
			}
			if !slices.Contains(g.Keywords, c.Pillar) {
				t.Errorf("cluster %d's pillar %q is not one of its keywords %q", i, c.Pillar, g.Keywords)
			}
		}
	case ai.PromptIdeas:
		in, o := input.(*ai.IdeasInput), out.(*ai.IdeasOutput)
		if len(o.Ideas) != in.Count {
			t.Errorf("%d ideas, want %d", len(o.Ideas), in.Count)
		}
		for i, idea := range o.Ideas {
			if idea.Title == "" || idea.Angle == "" || len(idea.Outline) == 0 {
				t.Errorf("idea %d lacks a title, angle or outline: %+v", i, idea)
			}
			if !slices.Contains(in.Keywords, idea.TargetKeyword) {
				t.Errorf("idea %d targets %q, not one of the cluster's keywords", i, idea.TargetKeyword)
			}
			if len(in.EntityTypes) > 0 && !slices.Contains(in.EntityTypes, idea.EntityType) {
				t.Errorf("idea %d is a %s; the types asked for are %q", i, idea.EntityType, in.EntityTypes)
			}
			if idea.EstimatedWords <= 0 {
				t.Errorf("idea %d estimates %d words", i, idea.EstimatedWords)
			}
		}
	case ai.PromptContent:
		in, o := input.(*ai.ContentInput), out.(*ai.ContentOutput)
		if o.Title == "" || o.MetaTitle == "" || o.MetaDescription == "" || o.Excerpt == "" {
			t.Errorf("content lacks a title, meta title, meta description or excerpt")
		}
		if !pageIDRE.MatchString(o.Slug) {
			t.Errorf("slug %q is not lowercase letters, digits and hyphens", o.Slug)
		}
		if len(o.Sections) == 0 {
			t.Error("content has no sections")
		}
		for i, s := range o.Sections {
			if s.Heading == "" || s.Markdown == "" {
				t.Errorf("section %d has an empty heading or body", i)
			}
		}
		if (o.Product != nil) != (in.EntityType == "product") {
			t.Errorf("a %s has product fields %v", in.EntityType, o.Product != nil)
		}
		if (o.Service != nil) != (in.EntityType == "service") {
			t.Errorf("a %s has service fields %v", in.EntityType, o.Service != nil)
		}
	case ai.PromptImagePrompts:
		in, o := input.(*ai.ImagePromptsInput), out.(*ai.ImagePromptsOutput)
		if o.Featured.Prompt == "" || o.Featured.Alt == "" || o.Featured.Section != 0 {
			t.Errorf("featured image prompt %+v: want a prompt, an alt text and section 0", o.Featured)
		}
		if len(o.Images) > in.Max {
			t.Errorf("%d in-content images, at most %d asked for", len(o.Images), in.Max)
		}
		for i, img := range o.Images {
			if img.Prompt == "" || img.Alt == "" || img.Section < 1 || img.Section > len(in.Headings) {
				t.Errorf("image %d %+v: want a prompt, an alt text and a section from 1 to %d", i, img, len(in.Headings))
			}
		}
	case ai.PromptOptimize:
		in, o := input.(*ai.OptimizeInput), out.(*ai.OptimizeOutput)
		var page struct {
			Blocks []map[string]any `json:"blocks"`
		}
		if err := json.Unmarshal(in.Page, &page); err != nil {
			t.Fatal(err)
		}
		for i, e := range o.Edits {
			if problem := editProblem(page.Blocks, e); problem != "" {
				t.Errorf("edit %d (block %q, prop %q): %s", i, e.Block, e.Prop, problem)
			}
		}
		if len(o.Edits) == 0 && o.SEOTitle == "" && o.MetaDescription == "" {
			t.Errorf("the rewrite of a page failing %d checks changes nothing", len(in.Checks))
		}
	case ai.PromptSiteStructure:
		o := out.(*ai.SiteStructureOutput)
		if len(o.Pages) == 0 || o.Pages[0].ID != "home" || o.Pages[0].Type != "home" {
			t.Fatalf("the first page must be the home page (id home, type home): %+v", o.Pages)
		}
		seen := map[string]bool{}
		for _, pg := range o.Pages {
			if !pageIDRE.MatchString(pg.ID) || seen[pg.ID] {
				t.Errorf("page id %q is not a unique lowercase slug", pg.ID)
			}
			seen[pg.ID] = true
			if pg.Title == "" || pg.Purpose == "" {
				t.Errorf("page %s lacks a title or purpose", pg.ID)
			}
		}
		if !colorRE.MatchString(o.Primary) || !colorRE.MatchString(o.Accent) {
			t.Errorf("colours %q and %q are not #rrggbb", o.Primary, o.Accent)
		}
		if o.Tagline == "" || o.Description == "" {
			t.Error("the site has no tagline or description")
		}
	case ai.PromptSitePage:
		in, o := input.(*ai.SitePageInput), out.(*ai.SitePageOutput)
		if o.Title == "" || o.Hero.Heading == "" || o.Hero.Button == "" {
			t.Errorf("the page lacks a title, hero heading or button: %+v", o.Hero)
		}
		if o.Hero.Target != in.Page.ID && !slices.Contains(in.Others, o.Hero.Target) {
			t.Errorf("the hero button leads to %q, not one of the site's pages %q", o.Hero.Target, append(in.Others, in.Page.ID))
		}
		if len(o.Sections) == 0 {
			t.Error("the page has no sections")
		}
	default:
		t.Fatalf("CheckOutput does not know prompt %s", prompt)
	}
}

func describeCalls(calls []*igny8.AICall) string {
	var b bytes.Buffer
	b.WriteString("[")
	for i, c := range calls {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Outcome)
		if c.Error != "" {
			b.WriteString(" (" + c.Error + ")")
		}
	}
	b.WriteString("]")
	return b.String()
}

// editProblem says why an optimize edit does not name a text of the page's
// blocks (a JSON pointer into a block's props to a string), or "".
func editProblem(blocks []map[string]any, e ai.TextEdit) string {
	if e.Block == "" && e.Prop == "/image/alt" {
		return ""
	}
	var props any
	for _, b := range blocks {
		if b["id"] == e.Block {
			props = b["props"]
		}
	}
	if props == nil {
		return "the page has no such block"
	}
	if !strings.HasPrefix(e.Prop, "/") {
		return "the prop is not a JSON pointer"
	}
	v := props
	for _, key := range strings.Split(e.Prop[1:], "/") {
		switch x := v.(type) {
		case map[string]any:
			v = x[key]
		case []any:
			n, err := strconv.Atoi(key)
			if err != nil || n < 0 || n >= len(x) {
				return "no such item"
			}
			v = x[n]
		default:
			return "no such prop"
		}
	}
	if _, ok := v.(string); !ok {
		return "not a text the block has"
	}
	return ""
}
