package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/igny8/igny8"
)

// DeployHandler runs TypeDeploymentBuild: the site's active blueprint from
// the store → Sites (build, upload, route) → the deployment row ready →
// Sites.Promote (swap, edges told, CDN purged) → the row live.
//
// It is idempotent, keyed by the deployment row, and safe to rerun from
// any point a worker can die at:
//   - before a deploy is recorded, a rerun builds and uploads again; blobs
//     already stored are not uploaded twice (they are content-addressed),
//     and a deploy finished but not recorded is never live and is left to
//     garbage collection;
//   - once the row records a deploy (ready), a rerun only promotes it;
//   - once the row is live or failed, a rerun does nothing.
//
// The deployer writes a deploy's manifest only when every blob is stored,
// and only a deploy with a manifest can be promoted, so the live site is
// never half deployed.
type DeployHandler struct {
	Store  Store
	Sites  Sites
	Cap    *SiteCap // optional: no per-site limit when nil
	Logger *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *DeployHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	ctx, err := actorContext(ctx, t)
	if err != nil {
		return err
	}
	var p DeploymentBuildPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	logger := h.logger().With(slog.Int64("deployment_id", p.DeploymentID))
	d, err := h.Store.Deployment(ctx, p.DeploymentID)
	if igny8.ErrorCode(err) == igny8.ENotFound {
		logger.InfoContext(ctx, "deployment gone (its site was deleted); nothing to do")
		return nil
	} else if err != nil {
		return err
	}
	if d.Status == igny8.DeploymentLive || d.Status == igny8.DeploymentFailed {
		return nil
	}
	if h.Cap != nil {
		holder, _ := asynq.GetTaskID(ctx)
		if holder == "" {
			holder = fmt.Sprintf("deployment-%d", d.ID)
		}
		release, err := h.Cap.Acquire(ctx, d.SiteID, holder)
		if err != nil {
			return err
		}
		defer release()
	}
	err = h.run(ctx, logger, d)
	if err == nil {
		return nil
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, ok := asynq.GetMaxRetry(ctx)
	final := errors.Is(err, asynq.SkipRetry) || igny8.ErrorCode(err) == igny8.EInvalid || (ok && retried >= maxRetry)
	if final {
		if _, ferr := h.Store.FailDeployment(ctx, d.ID, userMessage(err)); ferr != nil {
			logger.ErrorContext(ctx, "record failed deployment", slog.Any("error", ferr))
		}
		if !errors.Is(err, asynq.SkipRetry) {
			err = fmt.Errorf("%w (%w)", err, asynq.SkipRetry)
		}
		return err
	}
	if nerr := h.Store.NoteDeploymentError(ctx, d.ID, userMessage(err)+" Retrying."); nerr != nil {
		logger.ErrorContext(ctx, "note deployment error", slog.Any("error", nerr))
	}
	return err
}

func (h *DeployHandler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

func (h *DeployHandler) run(ctx context.Context, logger *slog.Logger, d *igny8.Deployment) error {
	site, err := h.Store.Site(ctx, d.SiteID)
	if err != nil {
		return err
	}
	logger = logger.With(slog.Int64("site_id", site.ID), slog.String("site", site.Slug))
	if d.DeployID == "" {
		if d, err = h.build(ctx, logger, site, d); err != nil {
			return err
		}
	}
	if d.Preview {
		// Built for the owner to look at; promoting it is theirs to do.
		logger.InfoContext(ctx, "preview deploy ready", slog.String("deploy_id", d.DeployID), slog.String("preview_url", d.PreviewURL))
		return nil
	}
	return h.promote(ctx, logger, site, d)
}

// build builds and uploads the site and records the deploy, unless the
// row already has one (a rerun that lost a race with another): it returns
// the row as it ends up.
func (h *DeployHandler) build(ctx context.Context, logger *slog.Logger, site *igny8.Site, d *igny8.Deployment) (*igny8.Deployment, error) {
	bp, version, err := h.Store.ActiveBlueprintJSON(ctx, site.ID)
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil, igny8.Errorf(igny8.EInvalid, "The site has no active blueprint to build.")
	} else if err != nil {
		return nil, err
	}
	d, changed, err := h.Store.StartDeployment(ctx, d.ID, version)
	if err != nil || !changed {
		return d, err
	}
	logger.InfoContext(ctx, "building", slog.Int("blueprint_version", version))
	deployID, counts, err := h.Sites.DeployBlueprint(ctx, site, bp, h.progress(ctx, logger, d.ID))
	if err != nil {
		return nil, err
	}
	rec, err := h.Store.RecordDeploy(ctx, d.ID, deployID, h.Sites.PreviewURL(site, deployID), counts)
	if igny8.ErrorCode(err) == igny8.EConflict && rec != nil && rec.DeployID != "" {
		// Another run of this task recorded its deploy first; that one
		// stands, and ours is left for garbage collection.
		logger.WarnContext(ctx, "deployment already recorded another deploy; dropping this one",
			slog.String("deploy_id", deployID), slog.String("recorded", rec.DeployID))
		return rec, nil
	}
	if err != nil {
		return nil, err
	}
	logger.InfoContext(ctx, "deploy stored", slog.String("deploy_id", deployID),
		slog.Int("files", counts.Files), slog.Int("uploaded_files", counts.UploadedFiles))
	return rec, nil
}

// progress returns a callback that records the counts once the site is
// built and then about twenty times over its upload, not once per file.
func (h *DeployHandler) progress(ctx context.Context, logger *slog.Logger, id int64) func(igny8.DeployCounts) {
	return igny8.ThrottleProgress(func(c igny8.DeployCounts) {
		if err := h.Store.DeploymentProgress(ctx, id, c); err != nil {
			logger.WarnContext(ctx, "record upload progress", slog.Any("error", err))
		}
	})
}

// promote makes d's deploy live unless a later deployment of the site is
// live already (Sites.Promote tells the edges and purges the CDN), and
// marks the row live.
func (h *DeployHandler) promote(ctx context.Context, logger *slog.Logger, site *igny8.Site, d *igny8.Deployment) error {
	switch d.Status {
	case igny8.DeploymentLive, igny8.DeploymentFailed:
		return nil
	case igny8.DeploymentReady:
	default:
		return fmt.Errorf("deployment %d is %s, not ready to promote", d.ID, d.Status)
	}
	live, err := h.Sites.Live(ctx, site)
	if err != nil {
		return err
	}
	if live != d.DeployID {
		// Builds of one site may finish out of order: a later deployment
		// that is live already stays live. The check is on the pointer
		// just read, and the promote is a compare-and-swap on it, so a
		// later build going live in between fails this attempt and the
		// retry sees it.
		if live != "" {
			v, err := h.Store.DeployVersion(ctx, site.ID, live)
			if err != nil {
				return err
			}
			if v > d.Version {
				logger.InfoContext(ctx, "a later deployment is live already; this one stays ready", slog.String("deploy_id", d.DeployID))
				return nil
			}
		}
		if err := h.Sites.Promote(ctx, site, d.DeployID, live); err != nil {
			return fmt.Errorf("promote: %w", err)
		}
	}
	if _, err := h.Store.MarkDeploymentLive(ctx, d.ID); err != nil {
		return err
	}
	logger.InfoContext(ctx, "deploy live", slog.String("deploy_id", d.DeployID), slog.String("previous", live))
	return nil
}

// userMessage is what the deployment row shows: an igny8 error's message,
// which is written for users, or a generic line for anything else (the
// details are logged, not shown).
func userMessage(err error) string {
	var e *igny8.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "The deploy failed because of an internal error."
}
