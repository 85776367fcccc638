package pipeline

import (
	"context"

	"github.com/igny8/igny8"
)

// Distributor publishes a content piece to one of the site's
// integrations, once per content version (cmd/igny8 implements it with
// package publishing). Its error is invalid or not_found when retrying
// cannot help, and says why in words.
type Distributor interface {
	Distribute(ctx context.Context, siteID, integrationID, contentID int64) (outcome string, rec *igny8.PublishingRecord, err error)
}

// DistributeInput publishes content pieces to one integration.
type DistributeInput struct {
	IntegrationID int64   `json:"integration_id"`
	ContentIDs    []int64 `json:"content_ids"`
}

// DistributeResult counts what a distribute job did.
type DistributeResult struct {
	Created   int           `json:"created"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Failed    []ItemFailure `json:"failed,omitempty"`
	// Relinked counts pieces written again after the others, because a
	// page they link to was published in this job: their links now point
	// to it on the destination.
	Relinked int `json:"relinked"`
}

// distribute publishes each piece to the integration. A piece the
// destination refuses for good (an invalid, not_found, unauthorized,
// forbidden or conflict error) is listed as failed, and its record says
// why; any other error ends the job, to be retried: pieces already
// published in this version are then left alone.
func (run *jobRun) distribute(ctx context.Context, in DistributeInput) (*DistributeResult, error) {
	d := run.r.cfg.Distributor
	if d == nil {
		return nil, igny8.Errorf(igny8.EInvalid, "Publishing to integrations is not configured on this server: it has no key ring for credentials.")
	}
	res := &DistributeResult{}
	failed := map[int64]bool{}
	for i, id := range in.ContentIDs {
		if err := run.progress(ctx, "distribute", i, len(in.ContentIDs)); err != nil {
			return nil, err
		}
		outcome, _, err := d.Distribute(ctx, run.site.ID, in.IntegrationID, id)
		if err != nil {
			if permanent(err) {
				res.Failed = append(res.Failed, ItemFailure{ID: id, Message: igny8.ErrorMessage(err)})
				failed[id] = true
				continue
			}
			return nil, err
		}
		switch outcome {
		case "created":
			res.Created++
		case "updated":
			res.Updated++
		default:
			res.Unchanged++
		}
	}
	// Pages made in this job are new link targets: a piece written
	// before a page it links to existed there is written again (the
	// others are unchanged and write nothing).
	if res.Created > 0 {
		for i, id := range in.ContentIDs {
			if failed[id] {
				continue
			}
			if err := run.progress(ctx, "relink", i, len(in.ContentIDs)); err != nil {
				return nil, err
			}
			outcome, _, err := d.Distribute(ctx, run.site.ID, in.IntegrationID, id)
			if err != nil {
				if permanent(err) {
					res.Failed = append(res.Failed, ItemFailure{ID: id, Message: igny8.ErrorMessage(err)})
					continue
				}
				return nil, err
			}
			if outcome == "updated" {
				res.Relinked++
			}
		}
	}
	return res, run.progress(ctx, "distribute", len(in.ContentIDs), len(in.ContentIDs))
}

// permanent says whether a destination refused a piece for good: retrying
// the job cannot help it.
func permanent(err error) bool {
	switch igny8.ErrorCode(err) {
	case igny8.EInvalid, igny8.ENotFound, igny8.EUnauthorized, igny8.EForbidden, igny8.EConflict:
		return true
	}
	return false
}

// Syncer syncs a site's integration both ways and imports what it holds
// (cmd/igny8 implements it with package publishing). Its results are
// JSON objects (publishing.SyncResult, publishing.ImportResult).
type Syncer interface {
	Sync(ctx context.Context, siteID, integrationID int64) (any, error)
	Import(ctx context.Context, siteID, integrationID int64) (any, error)
}

// IntegrationInput names the integration of a sync or import job.
type IntegrationInput struct {
	IntegrationID int64 `json:"integration_id"`
}

// syncJob runs a sync (or, with importing, an import) of one integration.
func (run *jobRun) syncJob(ctx context.Context, in IntegrationInput, importing bool) (any, error) {
	s := run.r.cfg.Syncer
	if s == nil {
		return nil, igny8.Errorf(igny8.EInvalid, "Syncing with integrations is not configured on this server: it has no key ring for credentials.")
	}
	step := igny8.JobSync
	if importing {
		step = igny8.JobImport
	}
	if err := run.progress(ctx, step, 0, 1); err != nil {
		return nil, err
	}
	var res any
	var err error
	if importing {
		res, err = s.Import(ctx, run.site.ID, in.IntegrationID)
	} else {
		res, err = s.Sync(ctx, run.site.ID, in.IntegrationID)
	}
	if err != nil {
		return nil, err
	}
	return res, run.progress(ctx, step, 1, 1)
}
