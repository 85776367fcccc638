package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/igny8/igny8"
)

// DeploymentStore reads a site's deploy history (*postgres.DB implements
// it).
type DeploymentStore interface {
	Deployment(ctx context.Context, id int64) (*igny8.Deployment, error)
	Deployments(ctx context.Context, siteID, before int64, limit int) ([]*igny8.Deployment, error)
}

// Deploys starts builds and moves a site's live pointer. The
// implementation (cmd/igny8) records each in the deployments table.
type Deploys interface {
	// Request queues a build and deploy of the site's active blueprint
	// and returns its deployment row (status queued).
	Request(ctx context.Context, site *igny8.Site) (*igny8.Deployment, error)
	// Rollback makes an earlier ready deploy live: toDeployID, or the one
	// before the live one when empty.
	Rollback(ctx context.Context, site *igny8.Site, toDeployID string) (*igny8.Deployment, error)
	// Promote makes the ready deploy of deployment row d live.
	Promote(ctx context.Context, site *igny8.Site, d *igny8.Deployment) (*igny8.Deployment, error)
}

// rollbackRequest is the body of POST /v1/sites/{siteID}/rollback.
type rollbackRequest struct {
	// To is a deploy id from the deploy list; empty: the deploy before
	// the live one.
	To string `json:"to,omitempty" expect:"a deploy id string such as 20261202T215542Z-515ace17, as listed by GET /v1/sites/{siteID}/deploys (field deploy_id)"`
}

// deployRoutes are a site's deploys: history, new builds, promote and rollback.
func (s *server) deployRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/deploys", id: "listDeploys", tag: "deploys", summary: "A site's deploy history, newest first", role: v, out: igny8.Deployment{}, list: true, status: 200, serve: s.listDeploys},
		{method: "POST", pattern: "/v1/sites/{siteID}/deploys", id: "createDeploy", tag: "deploys", summary: "Build and deploy the active blueprint in the background", role: e, out: igny8.Deployment{}, status: 202, serve: s.createDeploy},
		{method: "GET", pattern: "/v1/sites/{siteID}/deploys/{deploymentID}", id: "getDeploy", tag: "deploys", summary: "A deploy's status, counts and error", role: v, out: igny8.Deployment{}, status: 200, serve: s.getDeploy},
		{method: "POST", pattern: "/v1/sites/{siteID}/deploys/{deploymentID}/promote", id: "promoteDeploy", tag: "deploys", summary: "Make this ready deploy live", role: e, out: igny8.Deployment{}, status: 200, serve: s.promoteDeploy},
		{method: "POST", pattern: "/v1/sites/{siteID}/rollback", id: "rollback", tag: "deploys", summary: "Make an earlier deploy live (the previous one, or \"to\")", role: e, in: rollbackRequest{}, out: igny8.Deployment{}, status: 200, serve: s.rollback},
	}
}

func (s *server) listDeploys(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.Deployments.Deployments, func(d *igny8.Deployment) int64 { return d.ID })
}

func (s *server) createDeploy(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := s.site(r)
	if err != nil {
		return 0, nil, err
	}
	if _, _, err := s.cfg.Blueprints.ActiveBlueprintJSON(r.Context(), site.ID); err != nil {
		return 0, nil, err
	}
	d, err := s.cfg.Deploys.Request(r.Context(), site)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/deploys/%d", site.ID, d.ID))
	return 202, d, nil
}

// deployment returns the deployment row named in the URL, checking it
// belongs to the URL's site.
func (s *server) deployment(r *http.Request) (*igny8.Site, *igny8.Deployment, error) {
	site, err := s.site(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(r, "deploymentID")
	if err != nil {
		return nil, nil, err
	}
	d, err := s.cfg.Deployments.Deployment(r.Context(), id)
	if err == nil && d.SiteID != site.ID {
		err = igny8.Errorf(igny8.ENotFound, "Deploy %d not found in site %d.", id, site.ID)
	}
	return site, d, err
}

func (s *server) getDeploy(w http.ResponseWriter, r *http.Request) (int, any, error) {
	_, d, err := s.deployment(r)
	return 200, d, err
}

func (s *server) promoteDeploy(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, d, err := s.deployment(r)
	if err != nil {
		return 0, nil, err
	}
	out, err := s.cfg.Deploys.Promote(r.Context(), site, d)
	return 200, out, err
}

func (s *server) rollback(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := s.site(r)
	if err != nil {
		return 0, nil, err
	}
	var req rollbackRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return 0, nil, err
		}
	}
	d, err := s.cfg.Deploys.Rollback(r.Context(), site, req.To)
	return 200, d, err
}
