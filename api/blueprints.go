package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// BlueprintStore keeps the versions of a site's blueprint (*postgres.DB
// implements it).
type BlueprintStore interface {
	SaveBlueprint(ctx context.Context, siteID int64, doc []byte) (*igny8.SiteBlueprint, error)
	ActiveBlueprintJSON(ctx context.Context, siteID int64) ([]byte, int, error)
}

// validation is the answer of POST /v1/blueprints/validate.
type validation struct {
	Valid    bool           `json:"valid"`
	Problems []FieldProblem `json:"problems"`
}

// blueprintInfo is the answer of PUT /v1/sites/{siteID}/blueprint.
type blueprintInfo struct {
	SiteID  int64 `json:"site_id"`
	Version int   `json:"version"`
}

type blueprintDoc map[string]any // a whole blueprint, see docs/blueprints.md

// blueprintRoutes validate blueprints and store a site's.
func (s *server) blueprintRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	return []*route{
		{method: "POST", pattern: "/v1/blueprints/validate", id: "validateBlueprint", tag: "blueprints", summary: "Validate a blueprint; every problem with its JSON pointer", role: v, in: blueprintDoc{}, out: validation{}, status: 200, serve: s.validateBlueprint},
		{method: "GET", pattern: "/v1/sites/{siteID}/blueprint", id: "getBlueprint", tag: "blueprints", summary: "The site's active blueprint (X-Blueprint-Version tells its version)", role: v, out: blueprintDoc{}, status: 200, serve: s.getBlueprint},
		{method: "PUT", pattern: "/v1/sites/{siteID}/blueprint", id: "putBlueprint", tag: "blueprints", summary: "Store a new version of the site's blueprint (validated first)", role: e, in: blueprintDoc{}, out: blueprintInfo{}, status: 200, serve: s.putBlueprint},
	}
}

// checkBlueprint validates a whole blueprint document; the error is a 422
// problem listing every problem with its pointer.
func checkBlueprint(doc []byte) error {
	_, err := blueprints.Load(doc, blueprints.Options{})
	var ps blueprints.Problems
	if errors.As(err, &ps) {
		fields := make([]FieldProblem, len(ps))
		for i, p := range ps {
			fields[i] = FieldProblem{Pointer: p.Pointer, Detail: p.Message}
		}
		return problem(CodeValidation, fmt.Sprintf("The blueprint has %d problem(s); each is listed with its JSON pointer.", len(ps)), fields...)
	}
	return err
}

func readAll(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyProblem(err)
	}
	return b, nil
}

func (s *server) validateBlueprint(w http.ResponseWriter, r *http.Request) (int, any, error) {
	doc, err := readAll(r)
	if err != nil {
		return 0, nil, err
	}
	err = checkBlueprint(doc)
	var p *Problem
	if errors.As(err, &p) && p.Code == CodeValidation {
		return 200, validation{Valid: false, Problems: p.Errors}, nil
	} else if err != nil {
		return 0, nil, err
	}
	return 200, validation{Valid: true, Problems: []FieldProblem{}}, nil
}

func (s *server) getBlueprint(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	doc, version, err := s.cfg.Blueprints.ActiveBlueprintJSON(r.Context(), siteID)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("X-Blueprint-Version", fmt.Sprint(version))
	return 200, json.RawMessage(doc), nil
}

func (s *server) putBlueprint(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	doc, err := readAll(r)
	if err != nil {
		return 0, nil, err
	}
	if err := checkBlueprint(doc); err != nil {
		return 0, nil, err
	}
	bp, err := s.cfg.Blueprints.SaveBlueprint(r.Context(), siteID, doc)
	if err != nil {
		return 0, nil, err
	}
	return 200, blueprintInfo{SiteID: siteID, Version: bp.Version}, nil
}
