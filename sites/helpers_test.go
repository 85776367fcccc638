package sites_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/sites"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/storagetest"
)

// events records, in order, what the service told the edges and the CDN.
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, fmt.Sprintf(format, args...))
}

func (e *events) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

func (e *events) Publish(ctx context.Context, storageID string) error {
	e.add("announce %s", storageID)
	return nil
}

func (e *events) PublishHost(ctx context.Context, host string) error {
	e.add("announce host %s", host)
	return nil
}

// purger records purges in the same log as the announcements.
type purger struct{ ev *events }

func (p purger) Purge(ctx context.Context, storageID string, ref deployer.LiveRef) (int, error) {
	p.ev.add("purge %s %s", storageID, ref.DeployID)
	return 1, nil
}

// history records deploys and swaps in memory, like the deployments table.
type history struct {
	mu   sync.Mutex
	rows []*igny8.Deployment
	log  []string
}

func (h *history) add(format string, args ...any) {
	h.log = append(h.log, fmt.Sprintf(format, args...))
}

func (h *history) row(id int64) *igny8.Deployment { return h.rows[id-1] }

func (h *history) BeginDeployment(ctx context.Context, siteID int64) (*igny8.Deployment, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := &igny8.Deployment{ID: int64(len(h.rows) + 1), SiteID: siteID, Type: igny8.DeploymentBuild, Status: igny8.DeploymentBuilding}
	h.rows = append(h.rows, d)
	h.add("begin %d", d.ID)
	return d, nil
}

func (h *history) DeploymentProgress(ctx context.Context, id int64, c igny8.DeployCounts) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.row(id).DeployCounts, h.row(id).Status = c, igny8.DeploymentUploading
	return nil
}

func (h *history) RecordDeploy(ctx context.Context, id int64, deployID, previewURL string, c igny8.DeployCounts) (*igny8.Deployment, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.row(id)
	d.DeployID, d.PreviewURL, d.DeployCounts, d.Status = deployID, previewURL, c, igny8.DeploymentReady
	h.add("ready %d", id)
	return d, nil
}

func (h *history) MarkDeploymentLive(ctx context.Context, id int64) (*igny8.Deployment, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.row(id).Status = igny8.DeploymentLive
	h.add("live %d", id)
	return h.row(id), nil
}

func (h *history) FailDeployment(ctx context.Context, id int64, msg string) (*igny8.Deployment, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.row(id).Status, h.row(id).Error = igny8.DeploymentFailed, msg
	h.add("failed %d", id)
	return h.row(id), nil
}

func (h *history) RecordLiveSwap(ctx context.Context, siteID int64, typ, deployID string) (*igny8.Deployment, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := &igny8.Deployment{ID: int64(len(h.rows) + 1), SiteID: siteID, Type: typ, Status: igny8.DeploymentLive, DeployID: deployID}
	h.rows = append(h.rows, d)
	h.add("%s %s", typ, deployID)
	return d, nil
}

// assets keeps an asset library's rows in memory.
type assets struct {
	mu   sync.Mutex
	rows []*igny8.Asset
}

func (a *assets) PutAsset(ctx context.Context, as *igny8.Asset) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, r := range a.rows {
		if r.SiteID == as.SiteID && r.Path == as.Path {
			as.ID = r.ID
			a.rows[i] = as
			return false, nil
		}
	}
	as.ID = int64(len(a.rows) + 1)
	as.UpdatedAt = time.Now()
	a.rows = append(a.rows, as)
	return true, nil
}

func (a *assets) Assets(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Asset, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []*igny8.Asset
	for _, r := range a.rows {
		if r.SiteID == siteID && r.ID > after {
			out = append(out, r)
		}
	}
	return out, nil
}

// bundle is a service on an in-memory store with every hook recorded.
type bundle struct {
	store   storage.Store
	ev      *events
	history *history
	assets  *assets
	svc     *sites.Service
}

func setup(t *testing.T, authoritative bool) *bundle {
	t.Helper()
	b := &bundle{store: storagetest.NewMemory(), ev: &events{}, history: &history{}, assets: &assets{}}
	b.svc = sites.New(sites.Config{
		Store: b.store, History: b.history, Assets: b.assets, Announcer: b.ev, Purger: purger{b.ev},
		SitesDomain: "sites.test", Authoritative: authoritative,
		URL: func(host string) string { return "http://" + host + "/" },
	})
	return b
}

// files is a small built site.
func files(text string) *sites.Build {
	b := &sites.Build{Options: deployer.DeployOptions{URLPolicy: deployer.URLPolicy{TrailingSlash: "always"}}}
	for p, body := range map[string]string{"index.html": "<h1>" + text + "</h1>", "about/index.html": "<p>about</p>", "app.css": "body{}"} {
		b.Files = append(b.Files, deployer.File{Path: p, Data: []byte(body)})
		b.Bytes += int64(len(body))
	}
	return b
}
