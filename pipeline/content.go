package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/planner"
	"github.com/igny8/igny8/writer"
)

// DefaultIdeasPerCluster is how many ideas a cluster gets when the job
// does not say.
const DefaultIdeasPerCluster = 4

// ideas proposes ideas for clusters, one metered request per cluster. A
// cluster gets ideas once: a rerun finds them (and its key's charge).
func (run *jobRun) ideas(ctx context.Context, in IdeasInput) (*IdeasResult, error) {
	st := run.r.cfg.Store
	count := in.Count
	if count <= 0 {
		count = DefaultIdeasPerCluster
	}
	var clusters []*igny8.Cluster
	if len(in.ClusterIDs) == 0 {
		all, err := st.Clusters(ctx, run.site.ID, 0, 0)
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if c.Ideas == 0 {
				clusters = append(clusters, c)
			}
		}
	} else {
		for _, id := range in.ClusterIDs {
			c, err := st.Cluster(ctx, run.site.ID, id)
			if err != nil {
				return nil, err
			}
			clusters = append(clusters, c)
		}
	}
	sc, _, err := run.siteContext(ctx)
	if err != nil {
		return nil, err
	}
	res := &IdeasResult{Ideas: []int64{}, Clusters: len(clusters)}
	for i, c := range clusters {
		if err := run.progress(ctx, "ideas", i, len(clusters)); err != nil {
			return nil, err
		}
		var saved []*igny8.Idea
		_, err := run.meter(ctx, igny8.OpIdeaGeneration, credits.Key("idea_generation", c.ID), 15, func(ctx context.Context) (credits.Outcome, error) {
			cid := c.ID
			have, err := st.Ideas(ctx, run.site.ID, &cid, "", 0, 0)
			if err != nil {
				return credits.Outcome{}, err
			}
			if len(have) > 0 {
				saved = have
				return credits.Outcome{Units: 1, Detail: run.usage("cluster", c.ID, have[0].Provenance, nil)}, nil
			}
			members, err := st.Keywords(ctx, run.site.ID, igny8.KeywordFilter{ClusterID: &cid})
			if err != nil {
				return credits.Outcome{}, err
			}
			words := make([]string, len(members))
			for i, k := range members {
				words[i] = k.Keyword
			}
			ideas, err := planner.Ideas(ctx, run.r.cfg.AI, sc, c, words, count, in.EntityTypes, run.site.ID, run.job.ID)
			if err != nil {
				return credits.Outcome{}, err
			}
			if saved, err = st.SaveIdeas(ctx, run.site.ID, c.ID, ideas); err != nil {
				return credits.Outcome{}, err
			}
			return credits.Outcome{Units: 1, Detail: run.usage("cluster", c.ID, ideas[0].Provenance, map[string]any{"ideas": len(ideas)})}, nil
		})
		if err != nil {
			return nil, err
		}
		for _, idea := range saved {
			res.Ideas = append(res.Ideas, idea.ID)
		}
	}
	return res, run.progress(ctx, "ideas", len(clusters), len(clusters))
}

// write writes the content of each task, metered on the words written
// (1 credit per 100). A task that fails for good (its answer never
// validated, the provider refused it) is marked failed, its hold released,
// and the job goes on with the others; a failure retrying may fix (rate
// limits, outages) or a lack of credits stops the job.
func (run *jobRun) write(ctx context.Context, in WriteInput) (*WriteResult, error) {
	st := run.r.cfg.Store
	if len(in.TaskIDs) == 0 {
		return nil, igny8.Errorf(igny8.EInvalid, "A write job needs task_ids.")
	}
	sc, doc, err := run.siteContext(ctx)
	if err != nil {
		return nil, err
	}
	lib, err := run.r.cfg.Assets.AssetFS(ctx, run.site)
	if err != nil {
		return nil, err
	}
	res := &WriteResult{Contents: []int64{}}
	for i, id := range in.TaskIDs {
		if err := run.progress(ctx, "write", i, len(in.TaskIDs)); err != nil {
			return nil, err
		}
		task, err := st.Task(ctx, run.site.ID, id)
		if err != nil {
			return nil, err
		}
		idea, err := st.Idea(ctx, run.site.ID, task.IdeaID)
		if err != nil {
			return nil, err
		}
		cluster, err := st.Cluster(ctx, run.site.ID, idea.ClusterID)
		if err != nil {
			return nil, err
		}
		estimate := writer.EstimateCredits(task.WordTarget)
		var content *igny8.Content
		_, err = run.meter(ctx, igny8.OpContent, credits.Key("content", task.ID), estimate, func(ctx context.Context) (credits.Outcome, error) {
			if task.ContentID != nil {
				c, err := st.Content(ctx, run.site.ID, *task.ContentID)
				if err != nil {
					return credits.Outcome{}, err
				}
				content = c
				return credits.Outcome{Units: int64(c.WordCount), Detail: run.usage("content", c.ID, c.Provenance, map[string]any{"words": c.WordCount})}, nil
			}
			// Writing starts once its credits are held: a job stopped by a
			// lack of credits leaves the task queued, not "writing".
			if err := st.SetTaskStatus(ctx, run.site.ID, id, igny8.TaskWriting, ""); err != nil {
				return credits.Outcome{}, err
			}
			w, err := writer.Write(ctx, run.r.cfg.AI, writer.WriteInput{
				Site: sc, Blueprint: doc, Assets: lib, Idea: idea, Cluster: cluster.Name, WordTarget: task.WordTarget,
				Date: run.r.cfg.Now().UTC().Format("2006-01-02"), SiteID: run.site.ID, JobID: run.job.ID,
			})
			if err != nil {
				return credits.Outcome{}, err
			}
			c := w.Content
			c.SiteID = run.site.ID
			c.Page = w.PageJSON
			saved, _, err := st.SaveTaskContent(ctx, run.site.ID, task.ID, &c)
			if err != nil {
				return credits.Outcome{}, err
			}
			content = saved
			return credits.Outcome{Units: int64(saved.WordCount), Detail: run.usage("content", saved.ID, saved.Provenance,
				map[string]any{"words": saved.WordCount, "task_id": task.ID})}, nil
		})
		if err != nil {
			if stop(err) {
				// The job stops (and may be retried): the task waits again,
				// saying why.
				if task.ContentID == nil {
					if serr := st.SetTaskStatus(context.WithoutCancel(ctx), run.site.ID, id, igny8.TaskQueued, userMessage(err)); serr != nil {
						return nil, errors.Join(err, serr)
					}
				}
				return nil, err
			}
			msg := userMessage(err)
			if serr := st.SetTaskStatus(ctx, run.site.ID, id, igny8.TaskFailed, msg); serr != nil {
				return nil, errors.Join(err, serr)
			}
			run.logger.WarnContext(ctx, "task failed", "task_id", id, "error", err)
			res.Failed = append(res.Failed, ItemFailure{ID: id, Message: msg})
			continue
		}
		res.Contents = append(res.Contents, content.ID)
		res.Words += content.WordCount
	}
	if len(res.Failed) == len(in.TaskIDs) {
		return nil, igny8.Errorf(igny8.EInvalid, "No task could be written: %s", res.Failed[0].Message)
	}
	if err := run.progress(ctx, "write", len(in.TaskIDs), len(in.TaskIDs)); err != nil {
		return nil, err
	}
	// The site's settings may chain linking and optimization: each piece
	// is metered by its own keys there, so a rerun charges nothing twice.
	settings, err := st.PipelineSettings(ctx, run.site.ID)
	if err != nil {
		return nil, err
	}
	if settings.AutoLink {
		if res.Linked, err = run.link(ctx, LinkInput{ContentIDs: res.Contents}); err != nil {
			return nil, err
		}
	}
	if settings.AutoOptimize {
		if res.Optimized, err = run.optimize(ctx, OptimizeInput{ContentIDs: res.Contents}); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// stop reports whether err should end the whole job rather than only the
// item: anything retrying may fix, a lack of credits, a cancellation.
func stop(err error) bool {
	if errors.Is(err, ErrCancelled) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if igny8.ErrorCode(err) == igny8.EInsufficientCredits {
		return true
	}
	if e, ok := ai.AsError(err); ok {
		return e.Retryable() || e.Kind == ai.QuotaExhausted || e.Kind == ai.BadRequest
	}
	return igny8.ErrorCode(err) == igny8.EInternal
}

// userMessage is the sentence a site owner sees for err.
func userMessage(err error) string {
	if e, ok := ai.AsError(err); ok {
		return e.Message
	}
	if m := igny8.ErrorMessage(err); m != "" && igny8.ErrorCode(err) != igny8.EInternal {
		return m
	}
	return fmt.Sprintf("An internal error stopped this item (%s).", "see the logs")
}

func isUnsupported(err error) bool { return errors.Is(err, ai.ErrUnsupported) }
