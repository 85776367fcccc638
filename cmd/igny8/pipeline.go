package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/ai"
	"github.com/igny8/igny8/credits"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/pipeline"
	"github.com/igny8/igny8/postgres"
)

// The store implements what the pipeline, its jobs and its API need.
var (
	_ pipeline.Store = (*postgres.DB)(nil)
	_ ai.Recorder    = (*postgres.DB)(nil)
	_ ai.Overrides   = (*postgres.DB)(nil)
)

// aiClient is the AI client of jobs: the configured provider, every call
// recorded in the account's ai_calls, prompts overridable per account.
func (s *services) aiClient() *ai.Client {
	return &ai.Client{Provider: s.ai, Recorder: s.db, Overrides: s.db, Logger: s.logger.With(slog.String("ai_provider", s.ai.Name()))}
}

// pipelineRunner runs the pipeline's jobs in the worker.
func (s *services) pipelineRunner() *pipeline.Runner {
	var dist pipeline.Distributor
	var syncer pipeline.Syncer
	if d := s.distributor(); d != nil {
		dist, syncer = d, &syncService{db: s.db, dist: d}
	}
	return pipeline.New(pipeline.Config{
		Store:       s.db,
		AI:          s.aiClient(),
		Meter:       &credits.Meter{Ledger: postgres.NewLedger(s.db, postgres.LedgerConfig{})},
		Assets:      s.sites,
		Deployer:    jobDeployer{s.db},
		Distributor: dist,
		Syncer:      syncer,
		Logger:      s.logger,
	})
}

// distributor is what publishes to and syncs with integrations; nil
// without a key ring.
func (s *services) distributor() *distributor {
	if s.ring == nil {
		return nil
	}
	return &distributor{db: s.db, conn: &connector{ring: s.ring, http: s.integrationHTTP, db: s.db, client: s.integrationClient},
		sites: s.sites, limits: &s.integrationLimits}
}

// pipelineService is the pipeline as the API uses it.
func (s *services) pipelineService() *pipeline.Service {
	return &pipeline.Service{Store: s.db, Jobs: jobCreator{s.db}, Credits: s.db, Assets: s.sites, Provider: s.ai.Name()}
}

// aiJobs adapts the store and the runner to jobs.AIJobs.
type aiJobs struct {
	*postgres.DB
	runner *pipeline.Runner
}

func (a aiJobs) Run(ctx context.Context, j *igny8.Job) (any, error) {
	res, err := a.runner.Run(ctx, j)
	if errors.Is(err, pipeline.ErrCancelled) {
		return nil, fmt.Errorf("%w: %w", jobs.ErrCancelled, err)
	}
	return res, err
}

// jobCreator writes a job with its outbox request.
type jobCreator struct{ db *postgres.DB }

func (c jobCreator) CreateJob(ctx context.Context, j *igny8.Job) error {
	return c.db.CreateJob(ctx, j, func(j *igny8.Job) postgres.OutboxMessage { return jobstore.Message(jobs.AIJobRequest(j)) })
}

// jobDeployer requests a job's build and deploy once.
type jobDeployer struct{ db *postgres.DB }

func (d jobDeployer) DeployForJob(ctx context.Context, siteID, jobID int64, preview bool) (*igny8.Deployment, error) {
	dep := &igny8.Deployment{SiteID: siteID, Type: igny8.DeploymentBuild, Preview: preview, JobID: &jobID}
	err := d.db.CreateDeployment(ctx, dep, func(dep *igny8.Deployment) postgres.OutboxMessage {
		return jobstore.Message(jobs.DeploymentBuildRequest(dep))
	})
	return dep, err
}
