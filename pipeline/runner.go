package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/credits"
)

// Assets stores generated images in a site's asset library and opens the
// library for validation (*sites.Service implements it).
type Assets interface {
	PutAsset(ctx context.Context, site *igny8.Site, p, contentType string, r io.Reader) (*igny8.Asset, bool, error)
	AssetFS(ctx context.Context, site *igny8.Site) (fs.FS, error)
}

// Deployer requests the build and deploy of a site's active blueprint
// once per job: asking again for the same job returns the same deployment.
// Preview deploys are built and uploaded but not made live.
type Deployer interface {
	DeployForJob(ctx context.Context, siteID, jobID int64, preview bool) (*igny8.Deployment, error)
}

// Config configures a Runner.
type Config struct {
	Store    Store
	AI       *ai.Client
	Meter    *credits.Meter
	Assets   Assets
	Deployer Deployer
	// Distributor publishes to the site's integrations; nil: distribute
	// jobs fail with a sentence saying so.
	Distributor Distributor
	// Syncer syncs and imports the site's integrations; nil: sync and
	// import jobs fail saying so.
	Syncer Syncer
	Logger *slog.Logger
	// Now dates new posts; default time.Now.
	Now func() time.Time
}

// Runner runs pipeline jobs (cmd/igny8 hands it to the worker).
type Runner struct {
	cfg Config
}

// New returns a Runner.
func New(cfg Config) *Runner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Runner{cfg: cfg}
}

// ErrCancelled is returned when a job stopped because it was cancelled
// (cmd/igny8 maps it to the worker's own).
var ErrCancelled = errors.New("job cancelled")

// Run runs j's step and returns its result.
func (r *Runner) Run(ctx context.Context, j *igny8.Job) (any, error) {
	run := &jobRun{r: r, job: j, logger: r.cfg.Logger.With(slog.Int64("job_id", j.ID), slog.Int64("site_id", j.SiteID), slog.String("kind", j.Kind))}
	site, err := r.cfg.Store.Site(ctx, j.SiteID)
	if err != nil {
		return nil, err
	}
	run.site = site
	switch j.Kind {
	case igny8.JobKeywordImport:
		var in ImportInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.importKeywords(ctx, in)
	case igny8.JobCluster:
		var in ClusterInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.cluster(ctx, in)
	case igny8.JobIdeas:
		var in IdeasInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.ideas(ctx, in)
	case igny8.JobWrite:
		var in WriteInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.write(ctx, in)
	case igny8.JobImagePrompts:
		var in ImagePromptsInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.imagePrompts(ctx, in)
	case igny8.JobImages:
		var in ImagesInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.images(ctx, in)
	case igny8.JobPublish:
		var in PublishInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.publish(ctx, in)
	case igny8.JobLink:
		var in LinkInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.link(ctx, in)
	case igny8.JobOptimize:
		var in OptimizeInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.optimize(ctx, in)
	case igny8.JobGenerateSite:
		var in GenerateInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.generateSite(ctx, in)
	case igny8.JobDistribute:
		var in DistributeInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.distribute(ctx, in)
	case igny8.JobSync, igny8.JobImport:
		var in IntegrationInput
		if err := run.input(&in); err != nil {
			return nil, err
		}
		return run.syncJob(ctx, in, j.Kind == igny8.JobImport)
	}
	return nil, igny8.Errorf(igny8.EInvalid, "Unknown job kind %q.", j.Kind)
}

// jobRun is one run of one job.
type jobRun struct {
	r      *Runner
	job    *igny8.Job
	site   *igny8.Site
	logger *slog.Logger
}

func (run *jobRun) input(v any) error {
	if err := json.Unmarshal(run.job.Input, v); err != nil {
		return igny8.Errorf(igny8.EInvalid, "Job %d has an input this version cannot read: %v.", run.job.ID, err)
	}
	return nil
}

// progress records where the job is, and stops it when it was cancelled.
func (run *jobRun) progress(ctx context.Context, step string, done, total int) error {
	if err := run.r.cfg.Store.JobProgress(ctx, run.job.ID, step, done, total); err != nil {
		return err
	}
	cancelled, err := run.r.cfg.Store.JobCancelled(ctx, run.job.ID)
	if err != nil {
		return err
	}
	if cancelled {
		return ErrCancelled
	}
	return nil
}

// meter runs op as the metered operation named key.
func (run *jobRun) meter(ctx context.Context, opName igny8.Operation, key string, estimate int64, op func(ctx context.Context) (credits.Outcome, error)) (*igny8.Capture, error) {
	req := igny8.HoldRequest{Key: key, Operation: opName, Credits: max(estimate, 1), SiteID: run.site.ID}
	if run.job.CreatedBy != nil {
		req.UserID = *run.job.CreatedBy
	}
	return run.r.cfg.Meter.Run(ctx, req, op)
}

// siteContext reads the site's name and language from its blueprint.
func (run *jobRun) siteContext(ctx context.Context) (ai.SiteContext, []byte, error) {
	doc, _, err := run.r.cfg.Store.ActiveBlueprintJSON(ctx, run.site.ID)
	if err != nil {
		return ai.SiteContext{}, nil, fmt.Errorf("read blueprint of site %d: %w", run.site.ID, err)
	}
	var bp struct {
		Site struct {
			Name    string `json:"name"`
			Locale  string `json:"locale"`
			Tagline string `json:"tagline"`
		} `json:"site"`
	}
	if err := json.Unmarshal(doc, &bp); err != nil {
		return ai.SiteContext{}, nil, fmt.Errorf("decode blueprint of site %d: %w", run.site.ID, err)
	}
	sc := ai.SiteContext{Name: bp.Site.Name, Locale: bp.Site.Locale}
	if sc.Name == "" {
		sc.Name = run.site.Name
	}
	if sc.Locale == "" {
		sc.Locale = "en"
	}
	return sc, doc, nil
}

// usage builds the usage detail of a capture.
func (run *jobRun) usage(objectType string, id int64, prov igny8.Provenance, extra map[string]any) igny8.UsageDetail {
	meta := map[string]any{"job_id": run.job.ID, "provider": prov.Provider, "model": prov.Model}
	if prov.PromptVersion != "" {
		meta["prompt_version"] = prov.PromptVersion
	}
	if prov.Offline {
		meta["offline"] = true
	}
	for k, v := range extra {
		meta[k] = v
	}
	return igny8.UsageDetail{ObjectType: objectType, ObjectID: fmt.Sprint(id), Metadata: meta}
}
