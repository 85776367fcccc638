package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/igny8/igny8"
)

// keywordsRequest is the body of POST /v1/sites/{siteID}/keywords.
type keywordsRequest struct {
	SectorID *int64               `json:"sector_id"`
	Keywords []igny8.KeywordInput `json:"keywords"`
}

// keywordRoutes manage a site's keywords.
func (s *server) keywordRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	sector := queryParam{name: "sector_id", description: "the sector the keywords belong to (none: the site's own)"}
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/keywords", id: "listKeywords", tag: "keywords", summary: "List a site's keywords", role: v,
			query: []queryParam{sector, {name: "cluster_id", description: "only this cluster's keywords"},
				{name: "clustered", description: "true: only keywords in a cluster; false: only those in none", enum: []string{"true", "false"}},
				{name: "q", description: "only keywords containing this text"},
				{name: "intent", description: "only keywords of this search intent", enum: igny8.Intents}},
			out: igny8.Keyword{}, list: true, status: 200, serve: s.listKeywords},
		{method: "POST", pattern: "/v1/sites/{siteID}/keywords", id: "addKeywords", tag: "keywords",
			summary: "Add keywords (201 with the import report; 202 with a job for more than 2,000); nothing is added when an item is bad",
			role:    e, in: keywordsRequest{}, out: igny8.KeywordImport{}, status: 201, serve: s.addKeywords},
		{method: "POST", pattern: "/v1/sites/{siteID}/keywords/import", id: "importKeywords", tag: "keywords",
			summary: "Import a keyword CSV file (columns keyword, volume, difficulty, intent, cpc in any order; 201 with the report, 202 with a job for more than 2,000 rows); nothing is imported when a line is bad",
			role:    e, rawIn: true, query: []queryParam{sector}, out: igny8.KeywordImport{}, status: 201, serve: s.importKeywords},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/keywords/{keywordID}", id: "deleteKeyword", tag: "keywords", summary: "Delete a keyword", role: e, status: 204, serve: s.deleteKeyword},
	}
}

func (s *server) listKeywords(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, cursor, limit, err := sitePage(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f := igny8.KeywordFilter{After: cursor, Limit: limit, Search: q.Get("q"), Intent: q.Get("intent")}
	if f.SectorID, err = optionalID(r, "sector_id"); err != nil {
		return 0, nil, err
	}
	if f.ClusterID, err = optionalID(r, "cluster_id"); err != nil {
		return 0, nil, err
	}
	if c := q.Get("clustered"); c != "" {
		b, err := strconv.ParseBool(c)
		if err != nil {
			return 0, nil, invalidParam("clustered", "clustered must be true or false.")
		}
		f.Clustered = &b
	}
	if err := oneOfOptional("intent", f.Intent, igny8.Intents); err != nil {
		return 0, nil, err
	}
	kws, err := s.cfg.PipelineStore.Keywords(r.Context(), siteID, f)
	return http.StatusOK, list(kws, limit, func(k *igny8.Keyword) int64 { return k.ID }), err
}

func (s *server) addKeywords(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req keywordsRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if len(req.Keywords) == 0 {
		return 0, nil, invalidField("/keywords", "/keywords must list at least one keyword.")
	}
	return s.keywordImport(w, siteID, req.SectorID, nil, req.Keywords, r)
}

func (s *server) importKeywords(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	sector, err := optionalID(r, "sector_id")
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, err
	}
	if len(body) == 0 {
		return 0, nil, problem(igny8.EInvalid, "The request body is empty: send the CSV file as the body (curl --data-binary @keywords.csv).")
	}
	return s.keywordImport(w, siteID, sector, body, nil, r)
}

func (s *server) keywordImport(w http.ResponseWriter, siteID int64, sector *int64, csv []byte, items []igny8.KeywordInput, r *http.Request) (int, any, error) {
	res, job, err := s.cfg.Pipeline.ImportKeywords(r.Context(), siteID, sector, csv, items)
	var lines interface{ Lines() []igny8.KeywordError }
	if errors.As(err, &lines) {
		var fields []FieldProblem
		where := "/keywords/%d"
		if csv != nil {
			where = "/line/%d"
		}
		for _, l := range lines.Lines() {
			ptr := fmt.Sprintf(where, l.Line)
			if csv == nil {
				ptr = fmt.Sprintf(where, l.Line-1)
			}
			fields = append(fields, FieldProblem{Pointer: ptr, Detail: l.Message})
		}
		return 0, nil, problem(CodeValidation, igny8.ErrorMessage(err), fields...)
	}
	if err != nil {
		return 0, nil, err
	}
	if job != nil {
		w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/jobs/%d", siteID, job.ID))
		return http.StatusAccepted, job, nil
	}
	return http.StatusCreated, res, nil
}

func (s *server) deleteKeyword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "keywordID", s.cfg.PipelineStore.DeleteKeyword)
}

// optionalID reads an optional positive id from the query.
func optionalID(r *http.Request, name string) (*int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, invalidParam(name, fmt.Sprintf("%s must be a positive whole number, not %q.", name, v))
	}
	return &id, nil
}

// oneOfOptional checks an optional query value against its allowed values.
func oneOfOptional(name, v string, allowed []string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalidParam(name, fmt.Sprintf("%s must be one of %v, not %q.", name, allowed, v))
}
