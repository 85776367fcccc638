package writer

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/credits"
)

// Word count bounds: a piece must have at least MinWords and at most
// MaxWords times its word target.
const (
	MinWords = 0.7
	MaxWords = 1.5
)

// WriteInput is one piece to write.
type WriteInput struct {
	Site ai.SiteContext
	// Blueprint is the site's active blueprint (JSON), which the page is
	// validated in and placed by (see LayoutOf).
	Blueprint []byte
	// Assets holds the site's asset files, for validation; nil: not
	// checked.
	Assets fs.FS
	// Idea is the approved idea to write.
	Idea *igny8.Idea
	// Cluster is the idea's cluster's name: a post is tagged with it, a
	// category page lists its posts.
	Cluster string
	// WordTarget is the length wanted, in words; 0: the idea's estimate.
	WordTarget int
	// Date is a post's publication date (YYYY-MM-DD), which posts need.
	Date   string
	SiteID int64 // for the call records
	JobID  int64 // for the call records
}

// Written is a written piece.
type Written struct {
	Page     *blueprints.Page
	PageJSON []byte
	// Content is the piece as the pipeline stores it: the page and its
	// facts, entity type, target keyword and provenance, as a draft.
	Content igny8.Content
	// Words is what the piece is charged for (Words of the page; credits
	// are 1 per 100).
	Words int
}

// EstimateCredits is what to reserve before writing a piece of
// wordTarget words: the price of the longest piece Write accepts.
func EstimateCredits(wordTarget int) int64 {
	n, _ := credits.Cost(igny8.OpContent, int64(float64(max(wordTarget, 0))*MaxWords))
	return n
}

// Write writes an idea into a page with one call of the content prompt.
// The answer is checked before it is accepted, and what is wrong is sent
// back for the model to fix in one repair round: the page built from it
// (BuildPage) must validate in the site's blueprint, its slug must not be
// a page the site has, it must have the parts its entity type needs (a
// product's fields, a service's benefits and process) and between
// MinWords and MaxWords times the word target. Problems are told in the
// answer's terms ("/sections/1/markdown: …"). A second bad answer fails
// with an *ai.Error of kind InvalidOutput.
func Write(ctx context.Context, c *ai.Client, w WriteInput) (*Written, error) {
	idea := w.Idea
	if idea == nil {
		return nil, igny8.Errorf(igny8.EInvalid, "There is no idea to write.")
	}
	typ, ok := pageType(idea.EntityType)
	if !ok {
		return nil, igny8.Errorf(igny8.EInvalid, "Idea %d has the unknown entity type %q; the entity types are %s.", idea.ID, idea.EntityType, strings.Join(igny8.EntityTypes, ", "))
	}
	if typ == blueprints.PagePost && w.Date == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "A post needs a publication date (YYYY-MM-DD).")
	}
	bp, err := blueprints.Parse(w.Blueprint)
	if err != nil {
		return nil, fmt.Errorf("read the site's blueprint: %w", err)
	}
	layout := LayoutOf(bp)
	target := cmp.Or(w.WordTarget, idea.EstimatedWords)
	in := ai.ContentInput{
		Site: w.Site, EntityType: idea.EntityType, Title: idea.Title, Angle: idea.Angle, Outline: idea.Outline,
		TargetKeyword: idea.TargetKeyword, SecondaryKeywords: idea.SecondaryKeywords, Intent: idea.Intent,
		Cluster: w.Cluster, WordTarget: target,
	}
	var (
		page  *blueprints.Page
		fatal error // not the model's doing: a repair cannot help
	)
	check := func(raw []byte) error {
		var out ai.ContentOutput
		if err := json.Unmarshal(raw, &out); err != nil {
			return err
		}
		b, problems, err := checkContent(in, &out, layout, w, target)
		if err != nil {
			fatal = err
			return nil
		}
		if len(problems) > 0 {
			return errors.New("the page made from your answer has problems: " + strings.Join(problems, "; "))
		}
		page = b.page
		return nil
	}
	var out ai.ContentOutput
	prov, err := c.Generate(ctx, ai.Call{Prompt: ai.PromptContent, Input: in, SiteID: w.SiteID, JobID: w.JobID, Check: check}, &out)
	if err != nil {
		return nil, err
	}
	if fatal != nil {
		return nil, fatal
	}
	if page == nil {
		// The provider answered and Generate accepted it without our check.
		return nil, errors.New("write: the content check did not run")
	}
	pageJSON, err := marshal(page)
	if err != nil {
		return nil, fmt.Errorf("encode page %q: %w", page.ID, err)
	}
	content := igny8.Content{
		AccountID: idea.AccountID, SiteID: cmp.Or(w.SiteID, idea.SiteID), TaskID: idea.TaskID,
		EntityType: idea.EntityType, TargetKeyword: idea.TargetKeyword, Status: igny8.ContentDraft,
		Page: pageJSON, Provenance: prov,
	}
	facts := Facts(page)
	facts.Apply(&content)
	return &Written{Page: page, PageJSON: pageJSON, Content: content, Words: facts.WordCount}, nil
}

// checkContent builds the page of an answer and lists its problems in the
// answer's terms. An error is a problem no answer can fix.
func checkContent(in ai.ContentInput, out *ai.ContentOutput, l Layout, w WriteInput, target int) (*built, []string, error) {
	b, err := build(in, out, l, w.Date)
	if err != nil {
		return nil, nil, err
	}
	var problems []string
	if path, taken := l.Pages[b.page.ID]; taken {
		problems = append(problems, fmt.Sprintf("/slug: %q is taken by the site's page at %s; choose another slug", b.page.ID, path))
	}
	problems = append(problems, missingParts(in.EntityType, out)...)
	ps, err := pageProblems(w.Blueprint, b.page, Options{Files: w.Assets})
	if err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		problems = append(problems, b.answerPointer(p.Pointer)+": "+p.Message)
	}
	if target > 0 {
		lo, hi := int(float64(target)*MinWords+0.999), int(float64(target)*MaxWords)
		switch n := Words(b.page); {
		case n < lo:
			problems = append(problems, fmt.Sprintf("the text has %d words, too few for the target of %d: write between %d and %d words, by developing the sections further", n, target, lo, hi))
		case n > hi:
			problems = append(problems, fmt.Sprintf("the text has %d words, too many for the target of %d: write between %d and %d words, by tightening the sections", n, target, lo, hi))
		}
	}
	return b, problems, nil
}

// missingParts lists what an entity type needs that an answer lacks.
func missingParts(entity string, out *ai.ContentOutput) []string {
	var problems []string
	n := 0
	for _, s := range out.Sections {
		if strings.TrimSpace(s.Heading) != "" || strings.TrimSpace(s.Markdown) != "" {
			n++
		}
	}
	if n == 0 {
		problems = append(problems, "/sections: write at least one section with a heading and Markdown text")
	}
	switch entity {
	case igny8.EntityProduct:
		p := out.Product
		if p == nil {
			return append(problems, "/product: a product needs its product fields (name, description, price, currency, sku, availability)")
		}
		if strings.TrimSpace(p.Description) == "" {
			problems = append(problems, "/product/description: describe the product; it is empty")
		}
		if strings.TrimSpace(p.Price) != "" && strings.TrimSpace(p.Currency) == "" {
			problems = append(problems, "/product/currency: a price needs its currency, as an ISO 4217 code such as USD or EUR")
		}
	case igny8.EntityService:
		s := out.Service
		if s == nil || len(s.Benefits) == 0 {
			problems = append(problems, "/service/benefits: a service needs its benefits, each a title and a short text")
		}
		if s == nil || len(s.Process) == 0 {
			problems = append(problems, "/service/process: a service needs its process, the steps a client goes through, each a title and a short text")
		}
	}
	return problems
}

// answerPointer puts a page pointer in the answer's terms: the answer's
// part that the longest known prefix came from, else "page <pointer>".
func (b *built) answerPointer(p string) string {
	if rest, ok := strings.CutPrefix(p, "blueprint:"); ok {
		return "the site's blueprint at " + rest
	}
	for q := p; ; {
		if src, ok := b.src[q]; ok {
			return src + strings.TrimPrefix(p, q)
		}
		i := strings.LastIndexByte(q, '/')
		if i <= 0 {
			break
		}
		q = q[:i]
	}
	return "page " + p
}
