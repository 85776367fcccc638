package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/igny8/igny8"
)

// jobRequest is the body of POST /v1/sites/{siteID}/jobs.
type jobRequest struct {
	// Kind is cluster, ideas, write, image_prompts, images, publish or
	// generate_site.
	Kind string `json:"kind"`
	// Input is the kind's input: {"sector_id"} for cluster; {"cluster_ids",
	// "count", "entity_types"} for ideas; {"task_ids"} for write;
	// {"content_ids", "max"} for image_prompts; {"content_ids"} for images,
	// optimize and publish; {"content_ids"} or {} (the whole site) for link;
	// {"brief", "theme"} for generate_site.
	Input json.RawMessage `json:"input"`
}

// generateRequest is the body of POST /v1/sites/{siteID}/generate.
type generateRequest struct {
	Brief igny8.Brief `json:"brief"`
	Theme string      `json:"theme"`
}

var jobKinds = []string{igny8.JobCluster, igny8.JobIdeas, igny8.JobWrite, igny8.JobImagePrompts, igny8.JobImages, igny8.JobLink, igny8.JobOptimize, igny8.JobPublish, igny8.JobGenerateSite, igny8.JobDistribute, igny8.JobSync, igny8.JobImport}

// jobRoutes start, follow and cancel the pipeline's background jobs.
func (s *server) jobRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/jobs", id: "listJobs", tag: "jobs", summary: "List a site's pipeline jobs, newest first", role: v, out: igny8.Job{}, list: true, status: 200, serve: s.listJobs},
		{method: "POST", pattern: "/v1/sites/{siteID}/jobs", id: "startJob", tag: "jobs",
			summary: "Start a pipeline step as a job (402 when the account has fewer credits available than the step needs)", role: e, in: jobRequest{}, out: igny8.Job{}, status: 202, serve: s.startJob},
		{method: "GET", pattern: "/v1/sites/{siteID}/jobs/{jobID}", id: "getJob", tag: "jobs", summary: "A job's state, progress and result", role: v, out: igny8.Job{}, status: 200, serve: s.getJob},
		{method: "POST", pattern: "/v1/sites/{siteID}/jobs/{jobID}/cancel", id: "cancelJob", tag: "jobs",
			summary: "Cancel a job: a queued job never starts, a running one stops after its current item (what it finished stays, and is charged)", role: e, out: igny8.Job{}, status: 200, serve: s.cancelJob},
		{method: "POST", pattern: "/v1/sites/{siteID}/generate", id: "generateSite", tag: "jobs",
			summary: "Generate the site's blueprint from a business brief and build it as a preview deploy (a generate_site job)", role: e, in: generateRequest{}, out: igny8.Job{}, status: 202, serve: s.generateSite},
	}
}

func (s *server) listJobs(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.PipelineStore.Jobs, func(j *igny8.Job) int64 { return j.ID })
}

func (s *server) startJob(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req jobRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := required("/kind", req.Kind, "the step to run: "+fmt.Sprint(jobKinds)); err != nil {
		return 0, nil, err
	}
	if err := oneOf("/kind", req.Kind, jobKinds...); err != nil {
		return 0, nil, err
	}
	return s.start(w, r, siteID, req.Kind, req.Input)
}

func (s *server) start(w http.ResponseWriter, r *http.Request, siteID int64, kind string, input json.RawMessage) (int, any, error) {
	j, err := s.cfg.Pipeline.StartJob(r.Context(), siteID, kind, input)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/jobs/%d", siteID, j.ID))
	return http.StatusAccepted, j, nil
}

func (s *server) getJob(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "jobID")
	if err != nil {
		return 0, nil, err
	}
	j, err := s.cfg.PipelineStore.Job(r.Context(), id)
	if err == nil && j.SiteID != site {
		return 0, nil, igny8.Errorf(igny8.ENotFound, "There is no job %d in site %d.", id, site)
	}
	return http.StatusOK, j, err
}

func (s *server) cancelJob(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "jobID", s.cfg.PipelineStore.CancelJob)
}

func (s *server) generateSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req generateRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	in, err := json.Marshal(req)
	if err != nil {
		return 0, nil, err
	}
	return s.start(w, r, siteID, igny8.JobGenerateSite, in)
}
