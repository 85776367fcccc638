package api

import (
	"net/http"

	"github.com/igny8/igny8"
)

// approveRequest is the body of POST …/ideas/{ideaID}/approve.
type approveRequest struct {
	// WordTarget is the length of the content to write; 0 takes the
	// idea's estimate.
	WordTarget int `json:"word_target"`
}

// approval is what approving an idea returns.
type approval struct {
	Idea *igny8.Idea `json:"idea"`
	Task *igny8.Task `json:"task"`
}

// plannerRoutes read clusters, and review ideas and tasks.
func (s *server) plannerRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/clusters", id: "listClusters", tag: "planner", summary: "List a site's keyword clusters", role: v, out: igny8.Cluster{}, list: true, status: 200, serve: s.listClusters},
		{method: "GET", pattern: "/v1/sites/{siteID}/clusters/{clusterID}", id: "getCluster", tag: "planner", summary: "Get a cluster", role: v, out: igny8.Cluster{}, status: 200, serve: s.getCluster},
		{method: "GET", pattern: "/v1/sites/{siteID}/ideas", id: "listIdeas", tag: "planner", summary: "List a site's content ideas", role: v,
			query: []queryParam{{name: "cluster_id", description: "only this cluster's ideas"}, {name: "status", description: "only ideas in this state", enum: []string{igny8.IdeaNew, igny8.IdeaApproved, igny8.IdeaRejected}}},
			out:   igny8.Idea{}, list: true, status: 200, serve: s.listIdeas},
		{method: "GET", pattern: "/v1/sites/{siteID}/ideas/{ideaID}", id: "getIdea", tag: "planner", summary: "Get an idea", role: v, out: igny8.Idea{}, status: 200, serve: s.getIdea},
		{method: "POST", pattern: "/v1/sites/{siteID}/ideas/{ideaID}/approve", id: "approveIdea", tag: "planner", summary: "Approve an idea, which makes its writing task (approving again returns the same task)", role: e, in: approveRequest{}, out: approval{}, status: 200, serve: s.approveIdea},
		{method: "POST", pattern: "/v1/sites/{siteID}/ideas/{ideaID}/reject", id: "rejectIdea", tag: "planner", summary: "Reject an idea", role: e, out: igny8.Idea{}, status: 200, serve: s.rejectIdea},
		{method: "GET", pattern: "/v1/sites/{siteID}/tasks", id: "listTasks", tag: "writer", summary: "List a site's writing tasks", role: v,
			query: []queryParam{{name: "status", description: "only tasks in this state", enum: []string{igny8.TaskQueued, igny8.TaskWriting, igny8.TaskDone, igny8.TaskFailed}}},
			out:   igny8.Task{}, list: true, status: 200, serve: s.listTasks},
		{method: "GET", pattern: "/v1/sites/{siteID}/tasks/{taskID}", id: "getTask", tag: "writer", summary: "Get a writing task", role: v, out: igny8.Task{}, status: 200, serve: s.getTask},
	}
}

func (s *server) listClusters(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.PipelineStore.Clusters, func(c *igny8.Cluster) int64 { return c.ID })
}

func (s *server) getCluster(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "clusterID", s.cfg.PipelineStore.Cluster)
}

func (s *server) listIdeas(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, cursor, limit, err := sitePage(r)
	if err != nil {
		return 0, nil, err
	}
	cluster, err := optionalID(r, "cluster_id")
	if err != nil {
		return 0, nil, err
	}
	status := r.URL.Query().Get("status")
	if err := oneOfOptional("status", status, []string{igny8.IdeaNew, igny8.IdeaApproved, igny8.IdeaRejected}); err != nil {
		return 0, nil, err
	}
	ideas, err := s.cfg.PipelineStore.Ideas(r.Context(), siteID, cluster, status, cursor, limit)
	return http.StatusOK, list(ideas, limit, func(i *igny8.Idea) int64 { return i.ID }), err
}

func (s *server) getIdea(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "ideaID", s.cfg.PipelineStore.Idea)
}

func (s *server) approveIdea(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "ideaID")
	if err != nil {
		return 0, nil, err
	}
	var req approveRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return 0, nil, err
		}
	}
	if req.WordTarget != 0 && (req.WordTarget < 150 || req.WordTarget > 5000) {
		return 0, nil, invalidField("/word_target", "/word_target must be 150 to 5000 words (or 0 for the idea's estimate).")
	}
	idea, task, err := s.cfg.PipelineStore.ApproveIdea(r.Context(), site, id, req.WordTarget)
	return http.StatusOK, approval{Idea: idea, Task: task}, err
}

func (s *server) rejectIdea(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "ideaID", s.cfg.PipelineStore.RejectIdea)
}

func (s *server) listTasks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, cursor, limit, err := sitePage(r)
	if err != nil {
		return 0, nil, err
	}
	status := r.URL.Query().Get("status")
	if err := oneOfOptional("status", status, []string{igny8.TaskQueued, igny8.TaskWriting, igny8.TaskDone, igny8.TaskFailed}); err != nil {
		return 0, nil, err
	}
	tasks, err := s.cfg.PipelineStore.Tasks(r.Context(), siteID, status, cursor, limit)
	return http.StatusOK, list(tasks, limit, func(t *igny8.Task) int64 { return t.ID }), err
}

func (s *server) getTask(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "taskID", s.cfg.PipelineStore.Task)
}
