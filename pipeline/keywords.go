package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/planner"
)

// importChunk is how many keywords one store call adds.
const importChunk = 1000

// importKeywords adds the input's keywords, a chunk at a time. Keywords the
// site has already (after normalisation) are counted as duplicates, so a
// redelivered import adds nothing twice.
func (run *jobRun) importKeywords(ctx context.Context, in ImportInput) (*igny8.KeywordImport, error) {
	res := &igny8.KeywordImport{Rejected: in.Rejected}
	total := len(in.Keywords)
	for start := 0; start < total; start += importChunk {
		if err := run.progress(ctx, "import", start, total); err != nil {
			return nil, err
		}
		rows := in.Keywords[start:min(start+importChunk, total)]
		kws := make([]*igny8.Keyword, len(rows))
		for i, r := range rows {
			kws[i] = &igny8.Keyword{SiteID: run.site.ID, SectorID: in.SectorID, Keyword: strings.TrimSpace(r.Keyword),
				Normalized: planner.Normalize(r.Keyword), Volume: r.Volume, Difficulty: r.Difficulty, Intent: r.Intent, CPC: r.CPC}
		}
		added, dup, err := run.r.cfg.Store.AddKeywords(ctx, run.site.ID, kws)
		if err != nil {
			return nil, err
		}
		res.Added += added
		res.Duplicates += dup
	}
	return res, run.progress(ctx, "import", total, total)
}

// cluster groups the keywords in no cluster yet, then names each batch of
// at most credits.MaxKeywordsPerClustering keywords with one metered AI
// request.
//
// Redelivery: the batches are computed from the keywords in no cluster
// plus those this job clustered already (its batch keys name the job), so
// a rerun computes the same batches, finds the clusters of those it saved
// and charges each batch once, by its key.
func (run *jobRun) cluster(ctx context.Context, in ClusterInput) (*ClusterResult, error) {
	st := run.r.cfg.Store
	prefix := fmt.Sprintf("clustering:%d:", run.job.ID)
	if err := run.progress(ctx, "group", 0, 0); err != nil {
		return nil, err
	}
	free := false
	kws, err := st.Keywords(ctx, run.site.ID, igny8.KeywordFilter{SectorID: in.SectorID, Clustered: &free})
	if err != nil {
		return nil, err
	}
	existing, err := st.Clusters(ctx, run.site.ID, 0, 0)
	if err != nil {
		return nil, err
	}
	mine := map[string][]*igny8.Cluster{} // batch key → its clusters
	for _, c := range existing {
		if strings.HasPrefix(c.Batch, prefix) {
			mine[c.Batch] = append(mine[c.Batch], c)
			id := c.ID
			members, err := st.Keywords(ctx, run.site.ID, igny8.KeywordFilter{ClusterID: &id})
			if err != nil {
				return nil, err
			}
			kws = append(kws, members...)
		}
	}
	slices.SortFunc(kws, func(a, b *igny8.Keyword) int { return int(a.ID - b.ID) })
	res := &ClusterResult{Keywords: len(kws), Clusters: []int64{}}
	if len(kws) == 0 {
		return res, nil
	}
	sc, _, err := run.siteContext(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]planner.Item, len(kws))
	texts := make([]string, len(kws))
	for i, k := range kws {
		items[i] = planner.Item{Text: k.Keyword}
		if k.Volume != nil {
			items[i].Volume = *k.Volume
		}
		texts[i] = k.Keyword
	}
	vectors, _, err := run.r.cfg.AI.Embed(ctx, ai.EmbedCall{Inputs: texts, SiteID: run.site.ID, JobID: run.job.ID})
	switch {
	case err == nil:
		for i := range items {
			items[i].Vector = vectors[i]
		}
	case isUnsupported(err):
		res.Lexical = true
	default:
		return nil, err
	}
	groups := planner.Group(items, planner.Options{})
	batches := planner.Batches(groups, credits.MaxKeywordsPerClustering)
	res.Requests = len(batches)
	for bi, batch := range batches {
		if err := run.progress(ctx, "name", bi, len(batches)); err != nil {
			return nil, err
		}
		key := prefix + batchHash(kws, batch)
		var saved []*igny8.Cluster
		_, err := run.meter(ctx, igny8.OpClustering, key, 10, func(ctx context.Context) (credits.Outcome, error) {
			if done := mine[key]; len(done) > 0 {
				saved = done
				return credits.Outcome{Units: 1, Detail: run.usage("clustering", run.job.ID, done[0].Provenance, map[string]any{"batch": key})}, nil
			}
			named, err := planner.NameClusters(ctx, run.r.cfg.AI, sc, toGroups(kws, batch), run.site.ID, run.job.ID)
			if err != nil {
				return credits.Outcome{}, err
			}
			members := make([][]int64, len(batch))
			for gi, g := range batch {
				for _, i := range g {
					members[gi] = append(members[gi], kws[i].ID)
					if planner.Normalize(kws[i].Keyword) == planner.Normalize(named[gi].Pillar) && named[gi].PillarKeywordID == nil {
						id := kws[i].ID
						named[gi].PillarKeywordID = &id
					}
				}
				named[gi].SiteID, named[gi].SectorID = run.site.ID, in.SectorID
			}
			saved, err = run.r.cfg.Store.SaveClusters(ctx, run.site.ID, key, named, members)
			if err != nil {
				return credits.Outcome{}, err
			}
			return credits.Outcome{Units: 1, Detail: run.usage("clustering", run.job.ID, named[0].Provenance,
				map[string]any{"batch": key, "keywords": countMembers(batch), "clusters": len(batch)})}, nil
		})
		if err != nil {
			return nil, err
		}
		for _, c := range saved {
			res.Clusters = append(res.Clusters, c.ID)
		}
	}
	return res, run.progress(ctx, "name", len(batches), len(batches))
}

// batchHash names a batch by its keywords' ids.
func batchHash(kws []*igny8.Keyword, batch [][]int) string {
	var ids []int64
	for _, g := range batch {
		for _, i := range g {
			ids = append(ids, kws[i].ID)
		}
	}
	slices.Sort(ids)
	h := sha256.New()
	for _, id := range ids {
		fmt.Fprintf(h, "%d,", id)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func toGroups(kws []*igny8.Keyword, batch [][]int) []planner.KeywordGroup {
	out := make([]planner.KeywordGroup, len(batch))
	for gi, g := range batch {
		for _, i := range g {
			out[gi].Keywords = append(out[gi].Keywords, kws[i].Keyword)
		}
	}
	return out
}

func countMembers(batch [][]int) int {
	n := 0
	for _, g := range batch {
		n += len(g)
	}
	return n
}
