package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/igny8/igny8"
)

// analyzeRequest is the body of POST …/contents/{contentID}/analyze: both
// fields are optional, so an editor can analyze what it shows before it is
// saved.
type analyzeRequest struct {
	// Keyword is the focus keyword; "" takes the content's target keyword.
	Keyword string `json:"keyword"`
	// Page is the page to analyze; absent, the content's stored page.
	Page json.RawMessage `json:"page"`
}

// linkRequest is the body of POST /v1/sites/{siteID}/link.
type linkRequest struct {
	// ContentIDs are the pieces to link from; empty links the whole site.
	ContentIDs []int64 `json:"content_ids"`
}

// seoRoutes analyze, optimize and link content.
func (s *server) seoRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "POST", pattern: "/v1/sites/{siteID}/contents/{contentID}/analyze", id: "analyzeContent", tag: "seo",
			summary: "Analyze a content piece (or an unsaved page of it) for its focus keyword: each check's verdict and reason, and a 0–100 score (free, immediate)",
			role:    v, in: analyzeRequest{}, out: igny8.SEOAnalysis{}, status: 200, serve: s.analyzeContent},
		{method: "POST", pattern: "/v1/sites/{siteID}/contents/{contentID}/optimize", id: "optimizeContent", tag: "seo",
			summary: "Optimize a content piece toward its failing checks (an optimize job; 1 credit per 200 words); the result is kept only if it scores higher",
			role:    e, out: igny8.Job{}, status: 202, serve: s.optimizeContent},
		{method: "GET", pattern: "/v1/sites/{siteID}/contents/{contentID}/optimizations", id: "listOptimizations", tag: "seo",
			summary: "A content's optimizations, newest first: scores and checks before and after, and the pages", role: v, out: igny8.Optimization{}, list: true, whole: true, status: 200, serve: s.listOptimizations},
		{method: "POST", pattern: "/v1/sites/{siteID}/optimizations/{optimizationID}/revert", id: "revertOptimization", tag: "seo",
			summary: "Put back the page an optimization replaced (refused when the content changed since)", role: e, out: igny8.Content{}, status: 200, serve: s.revertOptimization},
		{method: "POST", pattern: "/v1/sites/{siteID}/link", id: "linkContent", tag: "seo",
			summary: "Place internal links in some content pieces, or the whole site (a link job; 8 credits per piece whose text the run reads anew)", role: e, in: linkRequest{}, out: igny8.Job{}, status: 202, serve: s.linkContent},
		{method: "GET", pattern: "/v1/sites/{siteID}/links", id: "listLinks", tag: "seo", summary: "The site's internal links (or one piece's: ?content_id=)", role: v,
			query: []queryParam{{name: "content_id", description: "only the links placed in this content piece"}}, out: igny8.ContentLink{}, list: true, whole: true, status: 200, serve: s.listLinks},
		{method: "GET", pattern: "/v1/sites/{siteID}/links/report", id: "linkReport", tag: "seo",
			summary: "Orphan pages, pages with too few or too many links, and each page's related pages", role: v, out: igny8.LinkReport{}, status: 200, serve: s.linkReport},
		{method: "GET", pattern: "/v1/sites/{siteID}/pipeline", id: "getPipelineSettings", tag: "seo", summary: "The site's pipeline settings (link and optimize after writing; the linker's rules)", role: v, out: igny8.PipelineSettings{}, status: 200, serve: s.getPipelineSettings},
		{method: "PUT", pattern: "/v1/sites/{siteID}/pipeline", id: "putPipelineSettings", tag: "seo", summary: "Change the site's pipeline settings", role: e, in: igny8.PipelineSettings{}, out: igny8.PipelineSettings{}, status: 200, serve: s.putPipelineSettings},
	}
}

func (s *server) analyzeContent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	var req analyzeRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return 0, nil, err
		}
	}
	a, err := s.cfg.Pipeline.Analyze(r.Context(), site, id, req.Keyword, req.Page)
	return http.StatusOK, a, err
}

func (s *server) optimizeContent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	in, _ := json.Marshal(map[string]any{"content_ids": []int64{id}})
	return s.start(w, r, site, igny8.JobOptimize, in)
}

func (s *server) listOptimizations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "contentID")
	if err != nil {
		return 0, nil, err
	}
	list, err := s.cfg.PipelineStore.Optimizations(r.Context(), site, id)
	return http.StatusOK, List[*igny8.Optimization]{Items: nonNil(list)}, err
}

func (s *server) revertOptimization(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "optimizationID")
	if err != nil {
		return 0, nil, err
	}
	c, err := s.cfg.Pipeline.RevertOptimization(r.Context(), site, id)
	return http.StatusOK, c, err
}

func (s *server) linkContent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req linkRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return 0, nil, err
		}
	}
	in, _ := json.Marshal(req)
	return s.start(w, r, site, igny8.JobLink, in)
}

func (s *server) listLinks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return listForContent(r, s.cfg.PipelineStore.Links)
}

// listForContent serves a list of a site's objects, or of one content
// piece's (?content_id=).
func listForContent[T any](r *http.Request, list func(ctx context.Context, siteID int64, contentID *int64) ([]T, error)) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	content, err := optionalID(r, "content_id")
	if err != nil {
		return 0, nil, err
	}
	items, err := list(r.Context(), site, content)
	return http.StatusOK, List[T]{Items: nonNil(items)}, err
}

func (s *server) linkReport(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	rep, err := s.cfg.Pipeline.LinkReport(r.Context(), site)
	return http.StatusOK, rep, err
}

func (s *server) getPipelineSettings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	st, err := s.cfg.PipelineStore.PipelineSettings(r.Context(), site)
	return http.StatusOK, st, err
}

func (s *server) putPipelineSettings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	st := igny8.DefaultPipelineSettings(site)
	if err := decode(r, &st); err != nil {
		return 0, nil, err
	}
	st.SiteID = site
	var errs []error
	if st.WordsPerLink < 50 || st.WordsPerLink > 2000 {
		errs = append(errs, invalidField("/words_per_link", fmt.Sprintf("/words_per_link must be 50 to 2000 words per link, not %d.", st.WordsPerLink)))
	}
	if st.MinLinks < 0 || st.MaxLinks < 1 || st.MaxLinks > 200 || st.MinLinks > st.MaxLinks {
		errs = append(errs, invalidField("/min_links", "/min_links and /max_links must satisfy 0 ≤ min_links ≤ max_links ≤ 200 (max_links at least 1)."))
	}
	if st.Related < 0 || st.Related > 12 {
		errs = append(errs, invalidField("/related", fmt.Sprintf("/related must be 0 to 12 pages, not %d.", st.Related)))
	}
	if st.MaxPerTarget < 1 || st.MaxPerTarget > 5 {
		errs = append(errs, invalidField("/max_per_target", fmt.Sprintf("/max_per_target must be 1 to 5 links from a page to one other page, not %d.", st.MaxPerTarget)))
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, &st, s.cfg.PipelineStore.PutPipelineSettings(r.Context(), &st)
}
