// Package jobstore adapts the Postgres store to the interface package
// jobs declares. Adapters do not import each other; this is where the two
// meet, for cmd/igny8 and for the jobs tests.
package jobstore

import (
	"context"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/postgres"
)

// Store is a postgres.DB seen as a jobs.Store.
type Store struct{ *postgres.DB }

var _ jobs.Store = Store{}

// New returns db as a jobs.Store.
func New(db *postgres.DB) Store { return Store{db} }

// RelayOutbox implements jobs.Store.
func (s Store) RelayOutbox(ctx context.Context, limit int, send func(context.Context, jobs.Pending) error) (int, error) {
	return s.DB.RelayOutbox(ctx, limit, func(ctx context.Context, e postgres.OutboxEntry) error {
		return send(ctx, jobs.Pending{ID: e.ID, AccountID: e.AccountID, Kind: e.Kind, Queue: e.Queue, Payload: e.Payload})
	})
}

// RelayedSince implements jobs.Store.
func (s Store) RelayedSince(ctx context.Context, since time.Time, afterID int64, limit int) ([]jobs.Pending, error) {
	entries, err := s.DB.RelayedSince(ctx, since, afterID, limit)
	out := make([]jobs.Pending, len(entries))
	for i, e := range entries {
		out[i] = jobs.Pending{ID: e.ID, AccountID: e.AccountID, Kind: e.Kind, Queue: e.Queue, Payload: e.Payload}
	}
	return out, err
}

// TryLead implements jobs.Store.
func (s Store) TryLead(ctx context.Context, key int64) (jobs.Lease, error) {
	l, err := s.DB.TryLead(ctx, key)
	if l == nil || err != nil {
		return nil, err
	}
	return l, nil
}

// Message turns a jobs request into an outbox message.
func Message(r jobs.Request) postgres.OutboxMessage {
	return postgres.OutboxMessage{Kind: r.Kind, Queue: r.Queue, Payload: r.Payload}
}

// QueueBuild records a queued build of a site and requests its job in the
// same transaction.
func (s Store) QueueBuild(ctx context.Context, siteID int64) (*igny8.Deployment, error) {
	d := &igny8.Deployment{SiteID: siteID, Type: igny8.DeploymentBuild}
	err := s.DB.CreateDeployment(ctx, d, func(d *igny8.Deployment) postgres.OutboxMessage {
		return Message(jobs.DeploymentBuildRequest(d))
	})
	return d, err
}
