package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/igny8/igny8"
)

// PageStore edits the pages of a site's active blueprint, one at a time;
// check validates the whole blueprint before it is stored (*postgres.DB
// implements it).
type PageStore interface {
	Pages(ctx context.Context, siteID int64) ([]*igny8.PageBlueprint, error)
	Page(ctx context.Context, siteID int64, slug string) (*igny8.PageBlueprint, error)
	PutPage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check func([]byte) error) (*igny8.PageBlueprint, bool, error)
	CreatePage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check func([]byte) error) (*igny8.PageBlueprint, error)
	DeletePage(ctx context.Context, siteID int64, slug string, check func([]byte) error) error
	ReorderPages(ctx context.Context, siteID int64, slugs []string, check func([]byte) error) ([]*igny8.PageBlueprint, error)
}

// orderRequest lists every page id once, in the new order.
type orderRequest struct {
	Order []string `json:"order"`
}

// pageRequest creates or replaces a page, optionally at a position.
type pageRequest struct {
	Page     json.RawMessage `json:"page"`
	Position *int            `json:"position,omitempty"`
}

// pageRoutes edit a site's pages.
func (s *server) pageRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/pages", id: "listPages", tag: "pages", summary: "The pages of the site's blueprint, in order", role: v, out: igny8.PageBlueprint{}, list: true, whole: true, status: 200, serve: s.listPages},
		{method: "POST", pattern: "/v1/sites/{siteID}/pages", id: "createPage", tag: "pages", summary: "Add a page (its \"id\" must be new)", role: e, in: pageRequest{}, out: igny8.PageBlueprint{}, status: 201, serve: s.createPage},
		{method: "PUT", pattern: "/v1/sites/{siteID}/pages/order", id: "reorderPages", tag: "pages", summary: "Reorder pages: list every page id once", role: e, in: orderRequest{}, out: igny8.PageBlueprint{}, list: true, whole: true, status: 200, serve: s.reorderPages},
		{method: "GET", pattern: "/v1/sites/{siteID}/pages/{pageID}", id: "getPage", tag: "pages", summary: "Get a page", role: v, out: igny8.PageBlueprint{}, status: 200, serve: s.getPage},
		{method: "PUT", pattern: "/v1/sites/{siteID}/pages/{pageID}", id: "putPage", tag: "pages", summary: "Replace a page (or create it with this id)", role: e, in: pageRequest{}, out: igny8.PageBlueprint{}, status: 200, serve: s.putPage},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/pages/{pageID}", id: "deletePage", tag: "pages", summary: "Delete a page", role: e, status: 204, serve: s.deletePage},
	}
}

func (s *server) listPages(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	pages, err := s.cfg.Pages.Pages(r.Context(), siteID)
	return 200, List[*igny8.PageBlueprint]{Items: nonNil(pages)}, err
}

func (s *server) readPage(r *http.Request) (pageRequest, string, error) {
	var req pageRequest
	if err := decode(r, &req); err != nil {
		return req, "", err
	}
	var head struct {
		ID string `json:"id"`
	}
	if len(req.Page) == 0 || json.Unmarshal(req.Page, &head) != nil {
		return req, "", invalidField("/page", "/page must be a page object as in a blueprint's pages array.")
	}
	if head.ID == "" {
		return req, "", invalidField("/page/id", "/page/id is required: the page's id in the blueprint.")
	}
	if req.Position != nil && *req.Position < 0 {
		return req, "", invalidField("/position", "/position must be 0 or more.")
	}
	return req, head.ID, nil
}

func (s *server) createPage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	req, id, err := s.readPage(r)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.cfg.Pages.CreatePage(r.Context(), siteID, req.Page, req.Position, checkBlueprint)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/pages/%s", siteID, id))
	return 201, p, nil
}

func (s *server) getPage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	p, err := s.cfg.Pages.Page(r.Context(), siteID, chi.URLParam(r, "pageID"))
	return 200, p, err
}

func (s *server) putPage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	req, id, err := s.readPage(r)
	if err != nil {
		return 0, nil, err
	}
	if want := chi.URLParam(r, "pageID"); id != want {
		return 0, nil, invalidField("/page/id", fmt.Sprintf("/page/id is %q but the URL names page %q.", id, want))
	}
	p, created, err := s.cfg.Pages.PutPage(r.Context(), siteID, req.Page, req.Position, checkBlueprint)
	if created {
		return 201, p, err
	}
	return 200, p, err
}

func (s *server) deletePage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.Pages.DeletePage(r.Context(), siteID, chi.URLParam(r, "pageID"), checkBlueprint)
}

func (s *server) reorderPages(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req orderRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	pages, err := s.cfg.Pages.ReorderPages(r.Context(), siteID, req.Order, checkBlueprint)
	return 200, List[*igny8.PageBlueprint]{Items: nonNil(pages)}, err
}
