package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/igny8/igny8"
)

// pageEdit is the body of PUT …/contents/{contentID}/page.
type pageEdit struct {
	// Page is the whole page, in the blueprint format.
	Page json.RawMessage `json:"page"`
	// Revision is the revision the edit was made on; another revision
	// since is a conflict. 0 skips the check.
	Revision int `json:"revision"`
}

// statusChange is the body of POST …/contents/{contentID}/status.
type statusChange struct {
	Status string `json:"status"`
}

var contentStatuses = []string{igny8.ContentDraft, igny8.ContentReview, igny8.ContentApproved, igny8.ContentPublished}

// contentRoutes read and edit written content.
func (s *server) contentRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/contents", id: "listContents", tag: "writer", summary: "List a site's written content", role: v,
			query: []queryParam{{name: "status", description: "only content in this state", enum: contentStatuses},
				{name: "entity_type", description: "only content of this type", enum: igny8.EntityTypes}},
			out: igny8.Content{}, list: true, status: 200, serve: s.listContents},
		{method: "GET", pattern: "/v1/sites/{siteID}/contents/{contentID}", id: "getContent", tag: "writer", summary: "Get a content piece with its page (blocks)", role: v, out: igny8.Content{}, status: 200, serve: s.getContent},
		{method: "PUT", pattern: "/v1/sites/{siteID}/contents/{contentID}/page", id: "editContent", tag: "writer",
			summary: "Replace a content's page (its blocks); validated as the site build validates, saved as a new revision", role: e, in: pageEdit{}, out: igny8.Content{}, status: 200, serve: s.editContent},
		{method: "POST", pattern: "/v1/sites/{siteID}/contents/{contentID}/status", id: "setContentStatus", tag: "writer",
			summary: "Move a content along draft → review → approved (or back to draft); publishing is POST …/publish", role: e, in: statusChange{}, out: igny8.Content{}, status: 200, serve: s.setContentStatus},
		{method: "GET", pattern: "/v1/sites/{siteID}/contents/{contentID}/revisions", id: "listContentRevisions", tag: "writer", summary: "A content's revisions, oldest first", role: v, out: igny8.ContentRevision{}, list: true, whole: true, status: 200, serve: s.listContentRevisions},
		{method: "GET", pattern: "/v1/sites/{siteID}/contents/{contentID}/images", id: "listContentImages", tag: "writer", summary: "A content's images: position 0 is the featured image", role: v, out: igny8.ContentImage{}, list: true, whole: true, status: 200, serve: s.listContentImages},
		{method: "POST", pattern: "/v1/sites/{siteID}/contents/{contentID}/publish", id: "publishContent", tag: "writer",
			summary: "Publish an approved content piece as a page of the site and deploy it (a publish job)", role: e, out: igny8.Job{}, status: 202, serve: s.publishContent},
	}
}

func (s *server) listContents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, cursor, limit, err := sitePage(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f := igny8.ContentFilter{Status: q.Get("status"), EntityType: q.Get("entity_type"), After: cursor, Limit: limit}
	if err := oneOfOptional("status", f.Status, contentStatuses); err != nil {
		return 0, nil, err
	}
	if err := oneOfOptional("entity_type", f.EntityType, igny8.EntityTypes); err != nil {
		return 0, nil, err
	}
	cs, err := s.cfg.PipelineStore.Contents(r.Context(), siteID, f)
	return http.StatusOK, list(cs, limit, func(c *igny8.Content) int64 { return c.ID }), err
}

func (s *server) getContent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "contentID", s.cfg.PipelineStore.Content)
}

func (s *server) editContent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	var req pageEdit
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if len(req.Page) == 0 || string(req.Page) == "null" {
		return 0, nil, invalidField("/page", "/page is required: the whole page object, as GET …/contents/{id} returns it.")
	}
	if req.Revision < 0 {
		return 0, nil, invalidField("/revision", "/revision cannot be negative.")
	}
	c, err := s.cfg.Pipeline.EditContent(r.Context(), site, id, req.Page, req.Revision)
	return http.StatusOK, c, err
}

func (s *server) setContentStatus(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	var req statusChange
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := required("/status", req.Status, "the new state: draft, review or approved"); err != nil {
		return 0, nil, err
	}
	if err := oneOf("/status", req.Status, igny8.ContentDraft, igny8.ContentReview, igny8.ContentApproved); err != nil {
		if req.Status == igny8.ContentPublished {
			return 0, nil, invalidField("/status", fmt.Sprintf("Content is published by POST /v1/sites/%d/contents/%d/publish, which also deploys it.", site, id))
		}
		return 0, nil, err
	}
	c, err := s.cfg.PipelineStore.SetContentStatus(r.Context(), site, id, req.Status)
	return http.StatusOK, c, err
}

func (s *server) listContentRevisions(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	revs, err := s.cfg.PipelineStore.ContentRevisions(r.Context(), site, id)
	return http.StatusOK, List[*igny8.ContentRevision]{Items: nonNil(revs)}, err
}

func (s *server) listContentImages(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	imgs, err := s.cfg.PipelineStore.ContentImages(r.Context(), site, id)
	return http.StatusOK, List[*igny8.ContentImage]{Items: nonNil(imgs)}, err
}

func (s *server) publishContent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	in, _ := json.Marshal(map[string]any{"content_ids": []int64{id}})
	j, err := s.cfg.Pipeline.StartJob(r.Context(), site, igny8.JobPublish, in)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/jobs/%d", site, j.ID))
	return http.StatusAccepted, j, nil
}
