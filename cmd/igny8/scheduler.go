package main

import (
	"context"
	"log/slog"

	"github.com/igny8/igny8/jobs"
)

func runScheduler(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "scheduler", "", "Runs periodic work: garbage collection of every site's old deploys (hourly), and\nthe credit ledger's upkeep (monthly replenishment, expiry of crashed jobs' holds,\nlow-credit webhooks; every minute). Run two or more: one leads (a Postgres advisory lock), the others take over when it\nstops.")
	gc := fs.Duration("gc-interval", 0, "how often every site is garbage collected (default 1h)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, err := openServices(ctx, e)
	if err != nil {
		return err
	}
	defer svc.Close()
	jc := svc.jobsConfig()
	jc.GCInterval = *gc
	svc.logger.Info("scheduler running; waiting to lead", slog.Int64("leader_lock", jobs.LeaderKey))
	return jobs.NewScheduler(jc).Run(ctx)
}
