// Package jobs runs the platform's background work on Asynq: the outbox
// relay, the build-and-deploy job, per-site concurrency, and the periodic
// work of the scheduler leader (garbage collection first).
//
// Work is requested through the outbox, in the same Postgres transaction as
// the change that needs it; the relay enqueues each outbox row with the
// row's id as the Asynq task id, so relaying a row twice enqueues it once.
// Delivery is still at least once (a worker may die mid-task), so every
// handler is idempotent, keyed by the row it works on.
//
// jobs imports the root package and declares what it needs of the store,
// the builder and the deployer as interfaces; cmd/igny8 wires the real ones.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/igny8/igny8"
)

// Task types.
const (
	// TypeDeploymentBuild builds a site's active blueprint, uploads it as a
	// deploy and makes it live; the payload names the deployment row.
	TypeDeploymentBuild = "deployment:build"
	// TypeSiteGC prunes a site's old deploys and unused blobs.
	TypeSiteGC = "site:gc"
)

// Queues, by priority: critical work is what a user waits for.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

// headerAccount carries the account a task acts for, taken from the
// outbox row (not from the payload, which its author could get wrong).
const headerAccount = "account_id"

// DeploymentBuildPayload is the payload of TypeDeploymentBuild.
type DeploymentBuildPayload struct {
	DeploymentID int64 `json:"deployment_id"`
}

// SiteGCPayload is the payload of TypeSiteGC.
type SiteGCPayload struct {
	SiteID int64 `json:"site_id"`
}

// Request is work to put in the outbox: cmd/igny8 turns it into the
// store's outbox message.
type Request struct {
	Kind    string
	Queue   string
	Payload []byte
}

// DeploymentBuildRequest is the outbox request that builds and deploys d.
func DeploymentBuildRequest(d *igny8.Deployment) Request {
	p, _ := json.Marshal(DeploymentBuildPayload{DeploymentID: d.ID})
	return Request{Kind: TypeDeploymentBuild, Queue: QueueCritical, Payload: p}
}

// Pending is an outbox row waiting to be relayed.
type Pending struct {
	ID        int64
	AccountID int64
	Kind      string
	Queue     string
	Payload   []byte
}

// Store is the control plane as jobs use it. Methods that touch tenant
// rows act for the actor in ctx (igny8.WithActor).
type Store interface {
	Deployment(ctx context.Context, id int64) (*igny8.Deployment, error)
	Site(ctx context.Context, id int64) (*igny8.Site, error)
	// ActiveBlueprintJSON returns the site's active blueprint and its version.
	ActiveBlueprintJSON(ctx context.Context, siteID int64) ([]byte, int, error)
	// StartDeployment moves a build without a recorded deploy to building;
	// changed is false when the build is past that (ready, live, failed).
	StartDeployment(ctx context.Context, id int64, blueprintVersion int) (*igny8.Deployment, bool, error)
	DeploymentProgress(ctx context.Context, id int64, c igny8.DeployCounts) error
	// RecordDeploy records the build's deploy and marks it ready, once:
	// repeating it is harmless, a different deploy is a conflict.
	RecordDeploy(ctx context.Context, id int64, deployID, previewURL string, c igny8.DeployCounts) (*igny8.Deployment, error)
	MarkDeploymentLive(ctx context.Context, id int64) (*igny8.Deployment, error)
	// DeployVersion returns the latest version of the site's deployments
	// that name deployID, 0 when none does.
	DeployVersion(ctx context.Context, siteID int64, deployID string) (int, error)
	NoteDeploymentError(ctx context.Context, id int64, msg string) error
	FailDeployment(ctx context.Context, id int64, msg string) (*igny8.Deployment, error)

	// RelayOutbox claims pending outbox rows and calls send for each; a nil
	// error marks the row relayed.
	RelayOutbox(ctx context.Context, limit int, send func(context.Context, Pending) error) (int, error)
	// RelayedSince lists rows relayed after since with ids above afterID,
	// at most limit, oldest first.
	RelayedSince(ctx context.Context, since time.Time, afterID int64, limit int) ([]Pending, error)
	// Unrelay makes rows pending again.
	Unrelay(ctx context.Context, ids []int64) (int, error)
	// WorkSites lists every account's sites (for periodic work).
	WorkSites(ctx context.Context) ([]*igny8.Site, error)
	// TryLead takes the leadership named key, or returns nil when another
	// process holds it.
	TryLead(ctx context.Context, key int64) (Lease, error)
}

// Lease is a held leadership.
type Lease interface {
	// Check returns an error once leadership may be lost.
	Check(ctx context.Context) error
	Release(ctx context.Context) error
}

// Sites builds, uploads and promotes sites: the sequence package sites
// owns (cmd/igny8 adapts *sites.Service to it).
type Sites interface {
	// DeployBlueprint builds the stored blueprint doc of site and uploads
	// it as a new deploy, not live yet, and returns its id once complete
	// (its manifest written). progress hears the counts once built and as
	// files are uploaded, possibly from several goroutines. An invalid
	// blueprint is an igny8 error with code invalid: retrying cannot fix it.
	DeployBlueprint(ctx context.Context, site *igny8.Site, doc []byte, progress func(igny8.DeployCounts)) (deployID string, c igny8.DeployCounts, err error)
	// Live returns the id of the site's live deploy, "" when none.
	Live(ctx context.Context, site *igny8.Site) (string, error)
	// Promote makes deployID live if expected is live now
	// (compare-and-swap), then tells the edges and purges the CDN.
	Promote(ctx context.Context, site *igny8.Site, deployID, expected string) error
	// PreviewURL is where a deploy can be seen whether or not it is live.
	PreviewURL(site *igny8.Site, deployID string) string
	// Prune deletes the site's old deploys and the blobs none kept uses.
	Prune(ctx context.Context, site *igny8.Site) error
}

// actorContext returns ctx acting for the account in the task's header.
func actorContext(ctx context.Context, t *asynq.Task) (context.Context, error) {
	id, err := strconv.ParseInt(t.Headers()[headerAccount], 10, 64)
	if err != nil || id <= 0 {
		return nil, fmt.Errorf("task %s has no account: %w", t.Type(), asynq.SkipRetry)
	}
	return igny8.WithActor(ctx, igny8.Actor{AccountID: id}), nil
}

func decode(t *asynq.Task, v any) error {
	if err := json.Unmarshal(t.Payload(), v); err != nil {
		return fmt.Errorf("decode %s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return nil
}

// retryDelay backs off failed tasks, but retries quickly a task that only
// waited for a slot of its site, or whose worker died (lease expired).
func retryDelay(n int, err error, t *asynq.Task) time.Duration {
	switch {
	case isSiteBusy(err):
		return time.Second + time.Duration(n%4)*250*time.Millisecond
	case errors.Is(err, asynq.ErrLeaseExpired):
		return time.Second
	}
	// A provider's Retry-After wins over the backoff.
	var ra interface{ RetryDelay() time.Duration }
	if errors.As(err, &ra) && ra.RetryDelay() > 0 {
		return ra.RetryDelay()
	}
	return asynq.DefaultRetryDelayFunc(n, err, t)
}
