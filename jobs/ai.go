package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/igny8/igny8"
)

// TypeAIJob runs one step of the content pipeline; the payload names the
// ai_jobs row.
const TypeAIJob = "ai:job"

// AIJobPayload is the payload of TypeAIJob.
type AIJobPayload struct {
	JobID int64 `json:"job_id"`
}

// AIJobRequest is the outbox request that runs j.
func AIJobRequest(j *igny8.Job) Request {
	p, _ := json.Marshal(AIJobPayload{JobID: j.ID})
	return Request{Kind: TypeAIJob, Queue: QueueDefault, Payload: p}
}

// ErrCancelled is returned by a Runner that stopped because its job was
// cancelled.
var ErrCancelled = errors.New("job cancelled")

// AIJobs is the content pipeline as the worker runs it (cmd/igny8 wires
// the store and *pipeline.Runner).
type AIJobs interface {
	Job(ctx context.Context, id int64) (*igny8.Job, error)
	StartJob(ctx context.Context, id int64) (*igny8.Job, error)
	FinishJob(ctx context.Context, id int64, status string, result json.RawMessage, msg string) (*igny8.Job, error)
	// Run does the job's work and returns its result. It returns
	// ErrCancelled when it saw the job's cancellation, an error with a
	// Retryable() bool method or an igny8 error code for failures that
	// retrying cannot fix, and any other error for those it may.
	Run(ctx context.Context, j *igny8.Job) (any, error)
}

// AIJobHandler runs TypeAIJob. It is idempotent, keyed by the job row: a
// finished job is not run again, and the steps themselves are idempotent
// (see package pipeline), so a redelivered job picks up where the first
// delivery stopped without charging or writing twice.
type AIJobHandler struct {
	Jobs   AIJobs
	Cap    *SiteCap // optional
	Logger *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *AIJobHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	ctx, err := actorContext(ctx, t)
	if err != nil {
		return err
	}
	var p AIJobPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	logger := h.logger().With(slog.Int64("job_id", p.JobID))
	j, err := h.Jobs.Job(ctx, p.JobID)
	if igny8.ErrorCode(err) == igny8.ENotFound {
		logger.InfoContext(ctx, "job gone (its site was deleted); nothing to do")
		return nil
	} else if err != nil {
		return err
	}
	if j.Finished() {
		return nil
	}
	logger = logger.With(slog.Int64("site_id", j.SiteID), slog.String("kind", j.Kind))
	if j.Cancel {
		_, err := h.Jobs.FinishJob(ctx, j.ID, igny8.JobCancelled, nil, "Cancelled before it started.")
		return err
	}
	if h.Cap != nil {
		holder, _ := asynq.GetTaskID(ctx)
		if holder == "" {
			holder = fmt.Sprintf("job-%d", j.ID)
		}
		release, err := h.Cap.Acquire(ctx, j.SiteID, holder)
		if err != nil {
			return err
		}
		defer release()
	}
	if j, err = h.Jobs.StartJob(ctx, j.ID); err != nil {
		return err
	}
	if j.Finished() {
		return nil
	}
	start := time.Now()
	res, err := h.Jobs.Run(ctx, j)
	switch {
	case err == nil:
		raw, merr := json.Marshal(res)
		if merr != nil {
			return fmt.Errorf("encode result of job %d: %w", j.ID, merr)
		}
		if _, err := h.Jobs.FinishJob(ctx, j.ID, igny8.JobSucceeded, raw, ""); err != nil {
			return err
		}
		logger.InfoContext(ctx, "job succeeded", slog.Duration("took", time.Since(start)))
		return nil
	case errors.Is(err, ErrCancelled):
		_, ferr := h.Jobs.FinishJob(ctx, j.ID, igny8.JobCancelled, nil, "Cancelled.")
		logger.InfoContext(ctx, "job cancelled")
		return ferr
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, ok := asynq.GetMaxRetry(ctx)
	if permanent(err) || (ok && retried >= maxRetry) {
		if _, ferr := h.Jobs.FinishJob(ctx, j.ID, igny8.JobFailed, nil, jobMessage(err)); ferr != nil {
			logger.ErrorContext(ctx, "record failed job", slog.Any("error", ferr))
			return err
		}
		logger.WarnContext(ctx, "job failed", slog.Any("error", err))
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
}

// permanent reports whether retrying err cannot help.
func permanent(err error) bool {
	if errors.Is(err, asynq.SkipRetry) {
		return true
	}
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return !r.Retryable()
	}
	switch igny8.ErrorCode(err) {
	case igny8.EInvalid, igny8.ENotFound, igny8.EForbidden, igny8.EConflict, igny8.EInsufficientCredits:
		return true
	}
	return false
}

// jobMessage is what the API shows of a failed job.
func jobMessage(err error) string {
	var m interface{ UserMessage() string }
	if errors.As(err, &m) {
		return m.UserMessage()
	}
	var e *igny8.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "The job failed because of an internal error; it has been logged."
}

func (h *AIJobHandler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.New(slog.DiscardHandler)
}
