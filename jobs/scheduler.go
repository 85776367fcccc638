package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/igny8/igny8"
)

// LeaderKey is the Postgres advisory lock the scheduler leader holds.
const LeaderKey = 0x1697_5c4e

// Scheduler enqueues periodic work. Any number may run; one leads (it
// holds LeaderKey) and the others wait to take over. Tasks carry a task id
// per period, so a new leader that takes over mid-period does not enqueue
// that period's work again.
type Scheduler struct {
	cfg    Config
	client *asynq.Client
}

// NewScheduler returns a Scheduler.
func NewScheduler(cfg Config) *Scheduler {
	cfg = cfg.withDefaults()
	return &Scheduler{cfg: cfg, client: asynq.NewClientFromRedisClient(cfg.Redis)}
}

// Run leads when it can, until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	c := s.cfg
	wait := time.NewTicker(c.LeaderCheckInterval)
	defer wait.Stop()
	for {
		lease, err := c.Store.TryLead(ctx, LeaderKey)
		if err != nil && ctx.Err() == nil {
			c.Logger.WarnContext(ctx, "scheduler: take the lead", slog.Any("error", err))
		}
		if lease != nil {
			c.Logger.InfoContext(ctx, "scheduler: leading")
			err := s.lead(ctx, lease)
			lease.Release(context.WithoutCancel(ctx))
			if ctx.Err() != nil {
				return nil
			}
			c.Logger.WarnContext(ctx, "scheduler: lost the lead", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wait.C:
		}
	}
}

// lead runs the periodic work while the lease holds.
func (s *Scheduler) lead(ctx context.Context, lease Lease) error {
	c := s.cfg
	check := time.NewTicker(c.LeaderCheckInterval)
	defer check.Stop()
	gc := time.NewTicker(c.GCInterval)
	defer gc.Stop()
	sweep := time.NewTicker(c.SweepInterval)
	defer sweep.Stop()
	// Each periodic task runs in its own goroutine, so a slow one delays
	// neither the others nor the lease checks; all stop with the lead.
	pctx, stopPeriodic := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stopPeriodic(); wg.Wait() }()
	for _, p := range c.Periodic {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.periodic(pctx, p)
		}()
	}
	s.enqueueGC(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-check.C:
			if err := lease.Check(ctx); err != nil {
				return err
			}
		case <-gc.C:
			s.enqueueGC(ctx)
		case <-sweep.C:
			if n, err := s.SweepLost(ctx); err != nil {
				c.Logger.WarnContext(ctx, "scheduler: sweep lost tasks", slog.Any("error", err))
			} else if n > 0 {
				c.Logger.WarnContext(ctx, "scheduler: the job queue had lost tasks; their outbox rows are sent again", slog.Int("tasks", n))
			}
		}
	}
}

// periodic runs p now and every p.Every until ctx ends.
func (s *Scheduler) periodic(ctx context.Context, p Periodic) {
	t := time.NewTicker(p.Every)
	defer t.Stop()
	for {
		if err := p.Run(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.WarnContext(ctx, "scheduler: "+p.Name, slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EnqueueGC enqueues a TypeSiteGC task for every site, once per GC period,
// and returns how many it enqueued.
func (s *Scheduler) EnqueueGC(ctx context.Context) (int, error) {
	c := s.cfg
	sites, err := c.Store.WorkSites(ctx)
	if err != nil {
		return 0, fmt.Errorf("list sites: %w", err)
	}
	period := time.Now().Truncate(c.GCInterval).Unix()
	n := 0
	for _, site := range sites {
		p, _ := json.Marshal(SiteGCPayload{SiteID: site.ID})
		t := asynq.NewTaskWithHeaders(TypeSiteGC, p, map[string]string{headerAccount: strconv.FormatInt(site.AccountID, 10)},
			asynq.Queue(c.Queue(QueueLow)), asynq.TaskID(fmt.Sprintf("gc-%d-%d", site.ID, period)),
			asynq.MaxRetry(3), asynq.Retention(c.GCInterval))
		_, err := s.client.EnqueueContext(ctx, t)
		switch {
		case errors.Is(err, asynq.ErrTaskIDConflict):
		case err != nil:
			return n, fmt.Errorf("enqueue gc of site %d: %w", site.ID, err)
		default:
			n++
		}
	}
	return n, nil
}

func (s *Scheduler) enqueueGC(ctx context.Context) {
	n, err := s.EnqueueGC(ctx)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "scheduler: gc", slog.Any("error", err))
		return
	}
	s.cfg.Logger.InfoContext(ctx, "scheduler: gc enqueued", slog.Int("sites", n))
}

// SweepLost finds outbox rows relayed within the task retention whose
// task the job queue no longer has (Redis restarted without persistence,
// or was flushed) and makes them pending again, so the relay sends them
// once more; their handlers are idempotent. It returns how many it found.
// Older rows are not checked: their tasks may have been dropped after
// completing, which looks the same.
func (s *Scheduler) SweepLost(ctx context.Context) (int, error) {
	c := s.cfg
	in := asynq.NewInspectorFromRedisClient(c.Redis)
	since := time.Now().Add(-taskRetention + time.Hour)
	var lost []int64
	for after := int64(0); ; {
		rows, err := c.Store.RelayedSince(ctx, since, after, 500)
		if err != nil {
			return 0, err
		}
		for _, p := range rows {
			after = p.ID
			_, err := in.GetTaskInfo(c.Queue(p.Queue), taskID(p.ID))
			switch {
			case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
				lost = append(lost, p.ID)
			case err != nil:
				return 0, err
			}
		}
		if len(rows) < 500 {
			break
		}
	}
	if len(lost) == 0 {
		return 0, nil
	}
	return c.Store.Unrelay(ctx, lost)
}

// GCHandler runs TypeSiteGC: it prunes one site's old deploys and blobs.
type GCHandler struct {
	Store  Store
	Sites  Sites
	Logger *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *GCHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	ctx, err := actorContext(ctx, t)
	if err != nil {
		return err
	}
	var p SiteGCPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	site, err := h.Store.Site(ctx, p.SiteID)
	if igny8.ErrorCode(err) == igny8.ENotFound {
		return nil
	} else if err != nil {
		return err
	}
	return h.Sites.Prune(ctx, site)
}
