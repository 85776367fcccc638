package planner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/credits"
)

// MaxClusterName is the longest cluster name accepted, in characters.
const MaxClusterName = 80

// KeywordGroup is one group of a naming request: its keywords' texts,
// most searched first (the order Group gives).
type KeywordGroup struct {
	Keywords []string
}

// NameClusters names one batch of groups (see Batches) with one AI
// request (ai.PromptClusterNames) and returns a cluster per group, in
// order, with Name, Description, Pillar (the group's keyword, as the
// group spells it), Keywords (the group's size), SiteID and Provenance
// set; the caller sets the rest. The answer must name every group exactly
// once, each with a name of 1 to MaxClusterName characters and one of its
// own keywords as the pillar; otherwise the model gets one repair round,
// then the error is an *ai.Error of kind ai.InvalidOutput. A batch of
// more than credits.MaxKeywordsPerClustering keywords, or with an empty
// group, is an EInvalid error and asks nothing.
func NameClusters(ctx context.Context, c *ai.Client, site ai.SiteContext, batch []KeywordGroup, siteID, jobID int64) ([]*igny8.Cluster, error) {
	total := 0
	in := ai.ClusterNamesInput{Site: site, Groups: make([]ai.KeywordGroup, len(batch))}
	for i, g := range batch {
		if len(g.Keywords) == 0 {
			return nil, igny8.Errorf(igny8.EInvalid, "Group %d of the clustering request has no keywords.", i+1)
		}
		total += len(g.Keywords)
		// Groups are numbered from 1, as the prompt shows them.
		in.Groups[i] = ai.KeywordGroup{Index: i + 1, Keywords: g.Keywords}
	}
	if err := credits.CheckClustering(total); err != nil {
		return nil, err
	}
	// The answer used is the one Check accepted (the last one it saw),
	// decoded afresh.
	var out ai.ClusterNamesOutput
	var pillars []string
	call := ai.Call{Prompt: ai.PromptClusterNames, Input: in, SiteID: siteID, JobID: jobID,
		Check: func(raw []byte) error {
			out = ai.ClusterNamesOutput{}
			if err := json.Unmarshal(raw, &out); err != nil {
				return err
			}
			var err error
			pillars, err = checkNames(batch, out)
			return err
		}}
	prov, err := c.Generate(ctx, call, new(ai.ClusterNamesOutput))
	if err != nil {
		return nil, fmt.Errorf("name %d keyword groups: %w", len(batch), err)
	}
	clusters := make([]*igny8.Cluster, len(batch))
	for _, cn := range out.Clusters {
		i := cn.Index - 1
		clusters[i] = &igny8.Cluster{SiteID: siteID, Name: strings.TrimSpace(cn.Name),
			Description: strings.TrimSpace(cn.Description), Pillar: pillars[i],
			Keywords: len(batch[i].Keywords), Provenance: prov}
	}
	return clusters, nil
}

// checkNames checks an answer to the naming prompt and returns each
// group's pillar as the group spells it, or every problem found, worded
// for the model's repair round.
func checkNames(batch []KeywordGroup, out ai.ClusterNamesOutput) ([]string, error) {
	var problems []string
	pillars := make([]string, len(batch))
	named := make([]bool, len(batch))
	for _, cn := range out.Clusters {
		i := cn.Index - 1
		if i < 0 || i >= len(batch) {
			problems = append(problems, fmt.Sprintf("there is no group %d (the groups are 1 to %d)", cn.Index, len(batch)))
			continue
		}
		if named[i] {
			problems = append(problems, fmt.Sprintf("group %d is named more than once", cn.Index))
			continue
		}
		named[i] = true
		switch name := strings.TrimSpace(cn.Name); {
		case name == "":
			problems = append(problems, fmt.Sprintf("the name of group %d is empty", cn.Index))
		case utf8.RuneCountInString(name) > MaxClusterName:
			problems = append(problems, fmt.Sprintf("the name of group %d is %d characters long; at most %d are allowed",
				cn.Index, utf8.RuneCountInString(name), MaxClusterName))
		}
		want := Normalize(cn.Pillar)
		for _, k := range batch[i].Keywords {
			if Normalize(k) == want {
				pillars[i] = k
				break
			}
		}
		if pillars[i] == "" {
			problems = append(problems, fmt.Sprintf("the pillar of group %d, %q, is not one of its keywords; copy one of them exactly", cn.Index, cn.Pillar))
		}
	}
	for i, ok := range named {
		if !ok {
			problems = append(problems, fmt.Sprintf("group %d is not named", i+1))
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return pillars, nil
}
