package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/igny8/igny8"
)

// Resolver settles what a sync found on one publishing record: a conflict
// (both sides changed) or a remote deletion.
type Resolver interface {
	// Resolve keeps IGNY8's version ("igny8": published over the remote
	// one, or made again where it was deleted) or the remote one
	// ("remote": brought back as the content's next revision).
	Resolve(ctx context.Context, siteID, recordID int64, keep string) (*igny8.PublishingRecord, error)
}

// resolveRequest is the body of POST …/publishing-records/{recordID}/resolve.
type resolveRequest struct {
	// Keep is "igny8" or "remote".
	Keep string `json:"keep"`
}

// publishRequest is the body of POST …/integrations/{integrationID}/publish.
type publishRequest struct {
	ContentIDs []int64 `json:"content_ids"`
}

// syncRoutes publish to, sync with and import from a site's integrations,
// and settle what syncing finds. Each publish, sync and import is a job.
func (s *server) syncRoutes() []*route {
	v, e := igny8.RoleViewer, igny8.RoleEditor
	rs := []*route{
		{method: "POST", pattern: "/v1/sites/{siteID}/integrations/{integrationID}/publish", id: "publishToIntegration", tag: "integrations",
			summary: "Publish content pieces to the integration (a distribute job): each piece once per version; a piece already there is updated, never duplicated",
			role:    e, in: publishRequest{}, out: igny8.Job{}, status: 202, serve: s.integrationJob(igny8.JobDistribute)},
		{method: "POST", pattern: "/v1/sites/{siteID}/integrations/{integrationID}/sync", id: "syncIntegration", tag: "integrations",
			summary: "Sync now (a sync job): edits made on the platform since the last sync come back as revisions, edits on both sides become conflicts, deletions are marked",
			role:    e, out: igny8.Job{}, status: 202, serve: s.integrationJob(igny8.JobSync)},
		{method: "POST", pattern: "/v1/sites/{siteID}/integrations/{integrationID}/import", id: "importIntegration", tag: "integrations",
			summary: "Import what the platform holds (an import job): each post and page IGNY8 does not have becomes a draft content piece of blocks, recorded as published there",
			role:    e, out: igny8.Job{}, status: 202, serve: s.integrationJob(igny8.JobImport)},
		{method: "GET", pattern: "/v1/sites/{siteID}/conflicts", id: "listConflicts", tag: "integrations",
			summary: "The site's publishing records a sync could not settle: conflicts (with the remote version) and remote deletions",
			role:    v, out: igny8.PublishingRecord{}, list: true, whole: true, status: 200, serve: s.listConflicts},
		{method: "POST", pattern: "/v1/sites/{siteID}/publishing-records/{recordID}/resolve", id: "resolvePublishingRecord", tag: "integrations",
			summary: "Resolve a conflict or a remote deletion: keep igny8 (publish IGNY8's version) or remote (bring the remote version back as a revision)",
			role:    e, in: resolveRequest{}, out: igny8.PublishingRecord{}, status: 200, serve: s.resolveRecord},
	}
	return unless(rs, func() bool { return s.cfg.Integrations != nil && s.cfg.Resolver != nil && s.cfg.Pipeline != nil },
		"Integrations are not configured on this server: it has no key ring for credentials (IGNY8_SECRETS_KEYS or IGNY8_SECRETS_KEY_FILE).")
}

// integrationJob starts a job of kind on the integration in the path.
func (s *server) integrationJob(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		site, id, err := siteChild(r, "integrationID")
		if err != nil {
			return 0, nil, err
		}
		input := map[string]any{"integration_id": id}
		if kind == igny8.JobDistribute {
			var req publishRequest
			if err := decode(r, &req); err != nil {
				return 0, nil, err
			}
			if len(req.ContentIDs) == 0 {
				return 0, nil, igny8.Errorf(igny8.EInvalid, "/content_ids is required: the content pieces to publish (GET /v1/sites/%d/contents lists them).", site)
			}
			input["content_ids"] = req.ContentIDs
		}
		raw, _ := json.Marshal(input)
		j, err := s.cfg.Pipeline.StartJob(r.Context(), site, kind, raw)
		if err != nil {
			return 0, nil, err
		}
		w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/jobs/%d", site, j.ID))
		return http.StatusAccepted, j, nil
	}
}

func (s *server) listConflicts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	recs, err := s.cfg.Integrations.PublishingRecords(r.Context(), site, nil)
	recs = slices.DeleteFunc(recs, func(rec *igny8.PublishingRecord) bool {
		return rec.SyncStatus != igny8.RecordConflict && rec.SyncStatus != igny8.RecordRemoteDeleted
	})
	return http.StatusOK, List[*igny8.PublishingRecord]{Items: nonNil(recs)}, err
}

func (s *server) resolveRecord(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "recordID")
	if err != nil {
		return 0, nil, err
	}
	var req resolveRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Keep != "igny8" && req.Keep != "remote" {
		return 0, nil, igny8.Errorf(igny8.EInvalid, "/keep must be \"igny8\" (publish IGNY8's version) or \"remote\" (bring the remote version back), not %q.", req.Keep)
	}
	rec, err := s.cfg.Resolver.Resolve(r.Context(), site, id, req.Keep)
	return http.StatusOK, rec, err
}
