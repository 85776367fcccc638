package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Defaults of Config.
const (
	DefaultConcurrency   = 10
	DefaultSiteLimit     = 5
	DefaultRelayInterval = 500 * time.Millisecond
	DefaultSlotTTL       = 30 * time.Second
	DefaultBuildTimeout  = 30 * time.Minute
	// DefaultAIJobTimeout bounds one delivery of a pipeline job; a longer
	// job is picked up again by its retry where it stopped.
	DefaultAIJobTimeout = 30 * time.Minute
	// DefaultMaxRetry: a build is retried this often before it fails.
	DefaultMaxRetry = 8
)

// Config configures a Worker and a Scheduler.
type Config struct {
	Redis redis.UniversalClient // required; not closed by jobs
	Store Store                 // required
	Sites Sites                 // required
	// AI runs the content pipeline's jobs; without it TypeAIJob tasks are
	// not handled.
	AI     AIJobs
	Logger *slog.Logger

	// Concurrency is how many tasks one worker process runs at once.
	Concurrency int
	// SiteLimit is how many jobs run at once per site, across every worker.
	SiteLimit int
	// Namespace prefixes queue names and Redis keys. Production leaves it
	// empty; tests sharing a Redis set one each.
	Namespace string
	// RelayInterval is how often the outbox is polled.
	RelayInterval time.Duration
	// SlotTTL is the lease of a per-site slot; a dead worker's slot frees
	// itself after this long.
	SlotTTL time.Duration
	// MaxRetry bounds the retries of a build.
	MaxRetry int
	// GCInterval is how often the scheduler prunes every site (default 1h).
	GCInterval time.Duration
	// SweepInterval is how often the scheduler looks for relayed tasks
	// the job queue lost (default 1m).
	SweepInterval time.Duration
	// LeaderCheckInterval is how often the scheduler checks its leadership,
	// or tries to take it (default 5s).
	LeaderCheckInterval time.Duration
	// Periodic is more work the scheduler leader runs in its own process,
	// each at its interval (credit replenishment and the hold sweeper, say).
	// Each must be safe to run twice: a new leader may repeat a run.
	Periodic []Periodic
}

// Periodic is work the scheduler leader runs every Every, and once when it
// takes the lead.
type Periodic struct {
	Name  string
	Every time.Duration
	Run   func(context.Context) error
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.SiteLimit <= 0 {
		c.SiteLimit = DefaultSiteLimit
	}
	if c.RelayInterval <= 0 {
		c.RelayInterval = DefaultRelayInterval
	}
	if c.SlotTTL <= 0 {
		c.SlotTTL = DefaultSlotTTL
	}
	if c.MaxRetry <= 0 {
		c.MaxRetry = DefaultMaxRetry
	}
	if c.GCInterval <= 0 {
		c.GCInterval = time.Hour
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = time.Minute
	}
	if c.LeaderCheckInterval <= 0 {
		c.LeaderCheckInterval = 5 * time.Second
	}
	return c
}

// Queue returns the Redis name of a queue (critical, default, low).
func (c Config) Queue(name string) string { return c.Namespace + name }

// Worker runs jobs: an Asynq server on the three queues, and the outbox
// relay.
type Worker struct {
	cfg    Config
	client *asynq.Client
}

// NewWorker returns a Worker.
func NewWorker(cfg Config) *Worker {
	cfg = cfg.withDefaults()
	return &Worker{cfg: cfg, client: asynq.NewClientFromRedisClient(cfg.Redis)}
}

// Handler returns the task handler, for tests that run tasks by hand.
func (w *Worker) Handler() asynq.Handler {
	c := w.cfg
	mux := asynq.NewServeMux()
	mux.Handle(TypeDeploymentBuild, &DeployHandler{
		Store: c.Store, Sites: c.Sites,
		Cap: NewSiteCap(c.Redis, "igny8:"+c.Namespace, c.SiteLimit, c.SlotTTL), Logger: c.Logger,
	})
	mux.Handle(TypeSiteGC, &GCHandler{Store: c.Store, Sites: c.Sites, Logger: c.Logger})
	if c.AI != nil {
		mux.Handle(TypeAIJob, &AIJobHandler{
			Jobs: c.AI, Cap: NewSiteCap(c.Redis, "igny8:"+c.Namespace, c.SiteLimit, c.SlotTTL), Logger: c.Logger,
		})
	}
	return mux
}

// Run processes tasks and relays the outbox until ctx ends, then lets the
// running tasks finish (Asynq's shutdown timeout; unfinished ones are
// requeued).
func (w *Worker) Run(ctx context.Context) error {
	c := w.cfg
	srv := asynq.NewServerFromRedisClient(c.Redis, asynq.Config{
		Concurrency:    c.Concurrency,
		Queues:         map[string]int{c.Queue(QueueCritical): 6, c.Queue(QueueDefault): 3, c.Queue(QueueLow): 1},
		RetryDelayFunc: retryDelay,
		IsFailure:      func(err error) bool { return !isSiteBusy(err) },
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			if isSiteBusy(err) {
				return
			}
			id, _ := asynq.GetTaskID(ctx)
			c.Logger.ErrorContext(ctx, "task failed", slog.String("type", t.Type()), slog.String("task_id", id), slog.Any("error", err))
		}),
		Logger:                   asynqLogger{c.Logger},
		LogLevel:                 asynq.WarnLevel,
		DelayedTaskCheckInterval: time.Second,
		ShutdownTimeout:          10 * time.Second,
	})
	if err := srv.Start(w.Handler()); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	relay := &Relay{Store: c.Store, Client: w.client, Namespace: c.Namespace, MaxRetry: c.MaxRetry, Logger: c.Logger}
	err := relay.Run(ctx, c.RelayInterval)
	srv.Shutdown()
	return err
}

// Relay moves outbox rows to Asynq.
type Relay struct {
	Store     Store
	Client    *asynq.Client
	Namespace string
	MaxRetry  int
	Logger    *slog.Logger
}

// Once relays what is pending now and returns how many rows it relayed.
func (r *Relay) Once(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := r.Store.RelayOutbox(ctx, 100, r.send)
		total += n
		if err != nil || n < 100 {
			return total, err
		}
	}
}

// Run relays every interval until ctx ends.
func (r *Relay) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := r.Once(ctx); err != nil && ctx.Err() == nil && r.Logger != nil {
			r.Logger.WarnContext(ctx, "outbox relay", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// send enqueues one outbox row with its id as the task id: a row sent
// again (the relay died before marking it) is refused by Asynq as a
// conflict, which counts as sent. Completed tasks are kept for a day so
// their ids stay taken.
func (r *Relay) send(ctx context.Context, p Pending) error {
	opts := []asynq.Option{
		asynq.TaskID(taskID(p.ID)),
		asynq.Queue(r.Namespace + p.Queue),
		asynq.Retention(taskRetention),
	}
	switch p.Kind {
	case TypeDeploymentBuild:
		opts = append(opts, asynq.MaxRetry(max(r.MaxRetry, 1)), asynq.Timeout(DefaultBuildTimeout))
	case TypeAIJob:
		opts = append(opts, asynq.MaxRetry(max(r.MaxRetry, 1)), asynq.Timeout(DefaultAIJobTimeout))
	}
	t := asynq.NewTaskWithHeaders(p.Kind, p.Payload, map[string]string{headerAccount: strconv.FormatInt(p.AccountID, 10)}, opts...)
	_, err := r.Client.EnqueueContext(ctx, t)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// taskRetention is how long Asynq keeps a completed task, and so its id.
const taskRetention = 24 * time.Hour

// taskID is the Asynq task id of an outbox row.
func taskID(outboxID int64) string { return "outbox-" + strconv.FormatInt(outboxID, 10) }

// asynqLogger sends Asynq's own log lines to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) {
	a.l.Debug(fmt.Sprint(args...), slog.String("component", "asynq"))
}
func (a asynqLogger) Info(args ...any) {
	a.l.Info(fmt.Sprint(args...), slog.String("component", "asynq"))
}
func (a asynqLogger) Warn(args ...any) {
	a.l.Warn(fmt.Sprint(args...), slog.String("component", "asynq"))
}
func (a asynqLogger) Error(args ...any) {
	a.l.Error(fmt.Sprint(args...), slog.String("component", "asynq"))
}
func (a asynqLogger) Fatal(args ...any) {
	a.l.Error(fmt.Sprint(args...), slog.String("component", "asynq"))
}
