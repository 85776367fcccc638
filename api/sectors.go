package api

import (
	"context"
	"net/http"

	"github.com/igny8/igny8"
)

// SectorStore manages the sectors of a site (*postgres.DB implements it).
type SectorStore interface {
	CreateSector(ctx context.Context, s *igny8.Sector) error
	Sectors(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Sector, error)
	Sector(ctx context.Context, siteID, id int64) (*igny8.Sector, error)
	UpdateSector(ctx context.Context, siteID, id int64, name string) (*igny8.Sector, error)
	DeleteSector(ctx context.Context, siteID, id int64) error
}

// sectorRequest is the body of POST /v1/sites/{siteID}/sectors.
type sectorRequest struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// sectorRoutes manage a site's sectors.
func (s *server) sectorRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/sectors", id: "listSectors", tag: "sectors", summary: "List a site's sectors", role: v, out: igny8.Sector{}, list: true, status: 200, serve: s.listSectors},
		{method: "POST", pattern: "/v1/sites/{siteID}/sectors", id: "createSector", tag: "sectors", summary: "Add a sector", role: e, in: sectorRequest{}, out: igny8.Sector{}, status: 201, serve: s.createSector},
		{method: "GET", pattern: "/v1/sites/{siteID}/sectors/{sectorID}", id: "getSector", tag: "sectors", summary: "Get a sector", role: v, out: igny8.Sector{}, status: 200, serve: s.getSector},
		{method: "PATCH", pattern: "/v1/sites/{siteID}/sectors/{sectorID}", id: "renameSector", tag: "sectors", summary: "Rename a sector", role: e, in: nameRequest{}, out: igny8.Sector{}, status: 200, serve: s.renameSector},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/sectors/{sectorID}", id: "deleteSector", tag: "sectors", summary: "Delete a sector", role: e, status: 204, serve: s.deleteSector},
	}
}

func (s *server) listSectors(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.Sectors.Sectors, func(s *igny8.Sector) int64 { return s.ID })
}

func (s *server) createSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req sectorRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	var errs []error
	if !slugRE.MatchString(req.Slug) {
		errs = append(errs, invalidField("/slug", "/slug must be lower-case letters, digits and inner hyphens."))
	}
	errs = append(errs, required("/name", req.Name, "the sector's display name"))
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	sec := &igny8.Sector{SiteID: siteID, Slug: req.Slug, Name: req.Name}
	return 201, sec, s.cfg.Sectors.CreateSector(r.Context(), sec)
}

func (s *server) getSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "sectorID", s.cfg.Sectors.Sector)
}

func (s *server) renameSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "sectorID")
	if err != nil {
		return 0, nil, err
	}
	var req nameRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := required("/name", req.Name, "the sector's display name"); err != nil {
		return 0, nil, err
	}
	sec, err := s.cfg.Sectors.UpdateSector(r.Context(), site, id, req.Name)
	return 200, sec, err
}

func (s *server) deleteSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "sectorID", s.cfg.Sectors.DeleteSector)
}
