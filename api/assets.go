package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/igny8/igny8"
)

// Assets is a site's asset library: the images, fonts and documents its
// blueprint refers to by path (cmd/igny8 wires the database and the site
// service's storage).
type Assets interface {
	// PutAsset stores body as the site's asset at path (replacing what was
	// there); created says the path is new.
	PutAsset(ctx context.Context, siteID int64, path, contentType string, body io.Reader) (a *igny8.Asset, created bool, err error)
	Assets(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Asset, error)
	AssetByID(ctx context.Context, siteID, id int64) (*igny8.Asset, error)
	// OpenAsset returns the asset's bytes.
	OpenAsset(ctx context.Context, siteID int64, a *igny8.Asset) (io.ReadCloser, error)
	DeleteAssetByID(ctx context.Context, siteID, id int64) error
}

// assetRoutes are a site's asset library.
func (s *server) assetRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	pathParam := queryParam{name: "path", description: "the asset's path, as the blueprint's assets refer to it (assets/logo.svg)"}
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/assets", id: "listAssets", tag: "assets", summary: "List a site's assets", role: v, out: igny8.Asset{}, list: true, status: 200, serve: s.listAssets},
		{method: "POST", pattern: "/v1/sites/{siteID}/assets", id: "putAsset", tag: "assets", summary: "Upload a file to the site's assets at ?path= (the body is the file; 201 when new, 200 when it replaced one)", role: e, rawIn: true, query: []queryParam{pathParam}, out: igny8.Asset{}, status: 201, serve: s.putAsset},
		{method: "GET", pattern: "/v1/sites/{siteID}/assets/{assetID}", id: "getAsset", tag: "assets", summary: "An asset's path, size, type and sha256", role: v, out: igny8.Asset{}, status: 200, serve: s.getAsset},
		{method: "GET", pattern: "/v1/sites/{siteID}/assets/{assetID}/content", id: "getAssetContent", tag: "assets", summary: "An asset's bytes", role: v, rawOut: true, status: 200, serve: s.getAssetContent},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/assets/{assetID}", id: "deleteAsset", tag: "assets", summary: "Remove an asset from the library (deploys made with it keep their copy)", role: e, status: 204, serve: s.deleteAsset},
	}
}

func (s *server) listAssets(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.Assets.Assets, func(a *igny8.Asset) int64 { return a.ID })
}

func (s *server) putAsset(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	p := r.URL.Query().Get("path")
	if p == "" {
		return 0, nil, invalidParam("path", "path is required: the asset's path, such as ?path=assets/logo.svg, as the blueprint's assets refer to it.")
	}
	if err := igny8.CheckAssetPath(p); err != nil {
		return 0, nil, invalidParam("path", igny8.ErrorMessage(err))
	}
	a, created, err := s.cfg.Assets.PutAsset(r.Context(), siteID, p, r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/assets/%d", siteID, a.ID))
	if created {
		return http.StatusCreated, a, nil
	}
	return http.StatusOK, a, nil
}

func (s *server) getAsset(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "assetID", s.cfg.Assets.AssetByID)
}

func (s *server) getAssetContent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "assetID")
	if err != nil {
		return 0, nil, err
	}
	a, err := s.cfg.Assets.AssetByID(r.Context(), site, id)
	if err != nil {
		return 0, nil, err
	}
	rc, err := s.cfg.Assets.OpenAsset(r.Context(), site, a)
	if err != nil {
		return 0, nil, err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("ETag", `"`+a.SHA256+`"`)
	h.Set("Cache-Control", "private, no-cache")
	// An uploaded file is shown as data, never run as a page of the API.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == `"`+a.SHA256+`"` {
		w.WriteHeader(http.StatusNotModified)
		return 0, nil, nil
	}
	w.WriteHeader(http.StatusOK)
	io.Copy(w, rc)
	return 0, nil, nil
}

func (s *server) deleteAsset(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "assetID", s.cfg.Assets.DeleteAssetByID)
}
