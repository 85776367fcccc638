package planner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
)

// Bounds of a content idea and of a request for ideas.
const (
	// MinIdeaWords is the shortest estimated length of an idea, in words.
	MinIdeaWords = 150
	// MaxIdeaWords is the longest estimated length of an idea, in words.
	MaxIdeaWords = 5000
	// MinIdeaHeadings is the fewest headings an idea's outline may have.
	MinIdeaHeadings = 2
	// MaxIdeaHeadings is the most headings an idea's outline may have.
	MaxIdeaHeadings = 12
	// MaxIdeas is the most ideas one request may ask for.
	MaxIdeas = 20
)

// Ideas asks the AI (ai.PromptIdeas, one request) for up to count content
// ideas for a cluster whose keywords are given (most searched first), of
// the entity types wanted (any of igny8.EntityTypes when empty). It
// returns them with ClusterID, SiteID, Status igny8.IdeaNew and
// Provenance set. The answer must have 1 to count ideas with distinct
// titles, each with an entity type (one of those wanted), an intent of
// igny8.Intents, a target keyword, MinIdeaWords to MaxIdeaWords words and
// MinIdeaHeadings to MaxIdeaHeadings headings; otherwise the model gets
// one repair round, then the error is an *ai.Error of kind
// ai.InvalidOutput. A count outside 1 to MaxIdeas, an unknown entity type
// or no keywords is an EInvalid error and asks nothing.
func Ideas(ctx context.Context, c *ai.Client, site ai.SiteContext, cl *igny8.Cluster, keywords []string, count int,
	entityTypes []string, siteID, jobID int64) ([]*igny8.Idea, error) {
	if count < 1 || count > MaxIdeas {
		return nil, igny8.Errorf(igny8.EInvalid, "Ask for 1 to %d ideas at a time, not %d.", MaxIdeas, count)
	}
	for _, t := range entityTypes {
		if !slices.Contains(igny8.EntityTypes, t) {
			return nil, igny8.Errorf(igny8.EInvalid, "Unknown entity type %q: use %s.", t, strings.Join(igny8.EntityTypes, ", "))
		}
	}
	if len(keywords) == 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "The cluster %q has no keywords to plan ideas for.", cl.Name)
	}
	in := ai.IdeasInput{Site: site, Cluster: cl.Name, Description: cl.Description, Pillar: cl.Pillar,
		Keywords: keywords, Count: count, EntityTypes: entityTypes}
	var out ai.IdeasOutput
	call := ai.Call{Prompt: ai.PromptIdeas, Input: in, SiteID: siteID, JobID: jobID,
		Check: func(raw []byte) error {
			out = ai.IdeasOutput{}
			if err := json.Unmarshal(raw, &out); err != nil {
				return err
			}
			return checkIdeas(out, count, entityTypes)
		}}
	prov, err := c.Generate(ctx, call, new(ai.IdeasOutput))
	if err != nil {
		return nil, fmt.Errorf("ideas for cluster %q: %w", cl.Name, err)
	}
	ideas := make([]*igny8.Idea, len(out.Ideas))
	for i, o := range out.Ideas {
		ideas[i] = &igny8.Idea{
			SiteID: siteID, ClusterID: cl.ID,
			Title: strings.TrimSpace(o.Title), Angle: strings.TrimSpace(o.Angle),
			Outline: trimAll(o.Outline), TargetKeyword: strings.TrimSpace(o.TargetKeyword),
			SecondaryKeywords: trimAll(o.SecondaryKeywords),
			Intent:            o.Intent, EntityType: o.EntityType, EstimatedWords: o.EstimatedWords,
			Status: igny8.IdeaNew, Provenance: prov,
		}
	}
	return ideas, nil
}

// checkIdeas lists what is wrong with an answer to the ideas prompt,
// worded for the model's repair round.
func checkIdeas(out ai.IdeasOutput, count int, entityTypes []string) error {
	var problems []string
	if n := len(out.Ideas); n < 1 || n > count {
		problems = append(problems, fmt.Sprintf("there are %d ideas; give 1 to %d", n, count))
	}
	wanted := entityTypes
	if len(wanted) == 0 {
		wanted = igny8.EntityTypes
	}
	titles := map[string]int{}
	for i, o := range out.Ideas {
		n := i + 1
		title := Normalize(o.Title)
		switch first, dup := titles[title]; {
		case title == "":
			problems = append(problems, fmt.Sprintf("idea %d has no title", n))
		case dup:
			problems = append(problems, fmt.Sprintf("idea %d has the same title as idea %d; make every title different", n, first))
		default:
			titles[title] = n
		}
		if !slices.Contains(wanted, o.EntityType) {
			problems = append(problems, fmt.Sprintf("idea %d has entity_type %q; use one of %s", n, o.EntityType, strings.Join(wanted, ", ")))
		}
		if !slices.Contains(igny8.Intents, o.Intent) {
			problems = append(problems, fmt.Sprintf("idea %d has intent %q; use one of %s", n, o.Intent, strings.Join(igny8.Intents, ", ")))
		}
		if strings.TrimSpace(o.TargetKeyword) == "" {
			problems = append(problems, fmt.Sprintf("idea %d has no target_keyword", n))
		}
		if o.EstimatedWords < MinIdeaWords || o.EstimatedWords > MaxIdeaWords {
			problems = append(problems, fmt.Sprintf("idea %d has estimated_words %d; it must be %d to %d", n, o.EstimatedWords, MinIdeaWords, MaxIdeaWords))
		}
		headings := trimAll(o.Outline)
		if len(headings) < MinIdeaHeadings || len(headings) > MaxIdeaHeadings || slices.Contains(headings, "") {
			problems = append(problems, fmt.Sprintf("idea %d has %d outline headings; give %d to %d, none empty", n, len(o.Outline), MinIdeaHeadings, MaxIdeaHeadings))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func trimAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.TrimSpace(s)
	}
	return out
}
