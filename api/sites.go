package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/igny8/igny8"
)

// SiteStore manages the account's sites (*postgres.DB implements it).
type SiteStore interface {
	CreateSite(ctx context.Context, s *igny8.Site) error
	Site(ctx context.Context, id int64) (*igny8.Site, error)
	Sites(ctx context.Context, after int64, limit int) ([]*igny8.Site, error)
	UpdateSite(ctx context.Context, id int64, u igny8.SiteUpdate) (*igny8.Site, error)
}

// SiteDeleter deletes a site: its rows at once, its host names unrouted at
// once (the edges stop serving it), its files after a grace period
// (cmd/igny8 wires the database and the site service).
type SiteDeleter interface {
	DeleteSite(ctx context.Context, id int64) error
}

// siteRequest is the body of POST /v1/sites.
type siteRequest struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	SiteType    string `json:"site_type,omitempty"`
	HostingType string `json:"hosting_type,omitempty"`
}

// siteRoutes manage sites.
func (s *server) siteRoutes() []*route {
	v, a := igny8.RoleViewer, igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/sites", id: "listSites", tag: "sites", summary: "List sites", role: v, out: igny8.Site{}, list: true, status: 200, serve: s.listSites},
		{method: "POST", pattern: "/v1/sites", id: "createSite", tag: "sites", summary: "Create a site", role: a, in: siteRequest{}, out: igny8.Site{}, status: 201, serve: s.createSite},
		{method: "GET", pattern: "/v1/sites/{siteID}", id: "getSite", tag: "sites", summary: "Get a site", role: v, out: igny8.Site{}, status: 200, serve: s.getSite},
		{method: "PATCH", pattern: "/v1/sites/{siteID}", id: "updateSite", tag: "sites", summary: "Change a site's name or types (the slug never changes)", role: a, in: igny8.SiteUpdate{}, out: igny8.Site{}, status: 200, serve: s.updateSite},
		{method: "DELETE", pattern: "/v1/sites/{siteID}", id: "deleteSite", tag: "sites", summary: "Delete a site: it stops being served at once, its data is deleted, its files after a grace period, and its slug is free again", role: a, status: 204, serve: s.deleteSite},
	}
}

func (s *server) listSites(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Sites.Sites, func(s *igny8.Site) int64 { return s.ID })
}

func (s *server) createSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req siteRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	var errs []error
	if err := igny8.CheckSiteSlug(req.Slug); err != nil {
		errs = append(errs, invalidField("/slug", "/slug: "+igny8.ErrorMessage(err)))
	}
	errs = append(errs, required("/name", req.Name, "the site's display name"),
		oneOf("/site_type", req.SiteType, igny8.SiteTypeNew, igny8.SiteTypeExisting, igny8.SiteTypeHybrid),
		oneOf("/hosting_type", req.HostingType, igny8.HostingIgny8Sites, igny8.HostingWordPress, igny8.HostingShopify, igny8.HostingCustom, igny8.HostingMulti))
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	site := &igny8.Site{Slug: req.Slug, Name: req.Name, SiteType: req.SiteType, HostingType: req.HostingType}
	if err := s.cfg.Sites.CreateSite(r.Context(), site); err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d", site.ID))
	return 201, site, nil
}

func (s *server) site(r *http.Request) (*igny8.Site, error) {
	id, err := pathID(r, "siteID")
	if err != nil {
		return nil, err
	}
	return s.cfg.Sites.Site(r.Context(), id)
}

func (s *server) getSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := s.site(r)
	return 200, site, err
}

func (s *server) updateSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req igny8.SiteUpdate
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	var errs []error
	if req.Name != nil {
		errs = append(errs, required("/name", *req.Name, "the site's display name"))
	}
	if req.SiteType != nil {
		errs = append(errs, oneOf("/site_type", *req.SiteType, igny8.SiteTypeNew, igny8.SiteTypeExisting, igny8.SiteTypeHybrid))
	}
	if req.HostingType != nil {
		errs = append(errs, oneOf("/hosting_type", *req.HostingType, igny8.HostingIgny8Sites, igny8.HostingWordPress, igny8.HostingShopify, igny8.HostingCustom, igny8.HostingMulti))
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	site, err := s.cfg.Sites.UpdateSite(r.Context(), id, req)
	return 200, site, err
}

func (s *server) deleteSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.SiteDeleter.DeleteSite(r.Context(), id)
}
