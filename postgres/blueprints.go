package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// structureKeys are the blueprint's top-level keys stored as
// structure_json; "pages" become page_blueprints; the rest is config_json.
var structureKeys = []string{"navigation", "collections"}

// splitBlueprint splits a blueprint document into config, structure and
// the page objects in order. The caller has validated it.
func splitBlueprint(doc []byte) (config, structure []byte, pages []json.RawMessage, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, nil, nil, igny8.Errorf(igny8.EInvalid, "The blueprint is not a JSON object: %v", err)
	}
	if p, ok := top["pages"]; ok {
		if err := json.Unmarshal(p, &pages); err != nil {
			return nil, nil, nil, igny8.Errorf(igny8.EInvalid, "/pages must be an array of page objects.")
		}
		delete(top, "pages")
	}
	st := map[string]json.RawMessage{}
	for _, k := range structureKeys {
		if v, ok := top[k]; ok {
			st[k] = v
			delete(top, k)
		}
	}
	if config, err = json.Marshal(top); err != nil {
		return nil, nil, nil, err
	}
	if structure, err = json.Marshal(st); err != nil {
		return nil, nil, nil, err
	}
	return config, structure, pages, nil
}

// pageFacts are the columns page_blueprints keeps beside the page object.
type pageFacts struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Title string `json:"title"`
	Draft bool   `json:"draft"`
}

func readPageFacts(page json.RawMessage) (pageFacts, error) {
	var f pageFacts
	if err := json.Unmarshal(page, &f); err != nil {
		return f, igny8.Errorf(igny8.EInvalid, "A page is not a JSON object: %v", err)
	}
	if f.ID == "" {
		return f, igny8.Errorf(igny8.EInvalid, "A page has no id.")
	}
	return f, nil
}

func pageStatus(f pageFacts) string {
	if f.Draft {
		return "draft"
	}
	return "published"
}

const blueprintColumns = `id, account_id, site_id, version, status, config_json, structure_json, created_by, created_at, updated_at`

func scanBlueprint(row pgx.Row) (*igny8.SiteBlueprint, error) {
	var b igny8.SiteBlueprint
	err := row.Scan(&b.ID, &b.AccountID, &b.SiteID, &b.Version, &b.Status, &b.Config, &b.Structure, &b.CreatedBy, &b.CreatedAt, &b.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// SaveBlueprint stores doc, an already validated blueprint, as the next
// version of the site's blueprint and makes it the active one; the
// previous active version is archived.
func (db *DB) SaveBlueprint(ctx context.Context, siteID int64, doc []byte) (*igny8.SiteBlueprint, error) {
	return db.saveBlueprint(ctx, siteID, doc, nil)
}

// SaveGeneratedBlueprint saves doc as SaveBlueprint does, for the site
// generation job jobID, once: when the job saved a blueprint already, that
// version is returned and nothing changes.
func (db *DB) SaveGeneratedBlueprint(ctx context.Context, siteID, jobID int64, doc []byte) (*igny8.SiteBlueprint, error) {
	return db.saveBlueprint(ctx, siteID, doc, &jobID)
}

func (db *DB) saveBlueprint(ctx context.Context, siteID int64, doc []byte, jobID *int64) (*igny8.SiteBlueprint, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	config, structure, pages, err := splitBlueprint(doc)
	if err != nil {
		return nil, err
	}
	facts := make([]pageFacts, len(pages))
	for i, p := range pages {
		if facts[i], err = readPageFacts(p); err != nil {
			return nil, err
		}
	}
	var bp *igny8.SiteBlueprint
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		// FOR UPDATE on the site serialises saves of one site's blueprint.
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM sites WHERE account_id = $1 AND id = $2 FOR UPDATE`, a.AccountID, siteID).Scan(&id)
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Site %d not found.", siteID)
		} else if err != nil {
			return err
		}
		if jobID != nil {
			bp, err = scanBlueprint(tx.QueryRow(ctx, `SELECT `+blueprintColumns+` FROM site_blueprints
				WHERE account_id = $1 AND site_id = $2 AND ai_job_id = $3`, a.AccountID, siteID, *jobID))
			if err == nil {
				return nil
			} else if err != pgx.ErrNoRows {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE site_blueprints SET status = 'archived', updated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND status = 'active'`, a.AccountID, siteID); err != nil {
			return err
		}
		var createdBy *int64
		if a.UserID != 0 {
			createdBy = &a.UserID
		}
		bp, err = scanBlueprint(tx.QueryRow(ctx, `INSERT INTO site_blueprints (account_id, site_id, version, status, config_json, structure_json, created_by, ai_job_id)
			VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM site_blueprints WHERE site_id = $2), 'active', $3, $4, $5, $6)
			RETURNING `+blueprintColumns, a.AccountID, siteID, config, structure, createdBy, jobID))
		if err != nil {
			return err
		}
		// One INSERT for every page (COPY is not allowed under row-level
		// security).
		n := len(pages)
		slugs, types, titles, statuses := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		docs, positions := make([]string, n), make([]int32, n)
		for i, p := range pages {
			f := facts[i]
			slugs[i], types[i], titles[i], statuses[i] = f.ID, f.Type, f.Title, pageStatus(f)
			docs[i], positions[i] = string(p), int32(i)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO page_blueprints (account_id, site_blueprint_id, slug, type, title, blocks_json, status, position)
			SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::int[])`,
			a.AccountID, bp.ID, slugs, types, titles, docs, statuses, positions); err != nil {
			return err
		}
		return audit(ctx, tx, "blueprint.save", "site", siteID, map[string]any{"version": bp.Version, "pages": len(pages)})
	})
	return bp, err
}

// activeBlueprint returns the site's active blueprint row in tx.
func activeBlueprint(ctx context.Context, tx pgx.Tx, accountID, siteID int64) (*igny8.SiteBlueprint, error) {
	bp, err := scanBlueprint(tx.QueryRow(ctx, `SELECT `+blueprintColumns+` FROM site_blueprints
		WHERE account_id = $1 AND site_id = $2 AND status = 'active'`, accountID, siteID))
	if err == pgx.ErrNoRows {
		if err := lockSite(ctx, tx, accountID, siteID); err != nil {
			return nil, err
		}
		return nil, igny8.Errorf(igny8.ENotFound, "Site %d has no blueprint yet: PUT one to /v1/sites/%d/blueprint.", siteID, siteID)
	}
	return bp, err
}

// Blueprint returns the site's active blueprint (without pages).
func (db *DB) Blueprint(ctx context.Context, siteID int64) (*igny8.SiteBlueprint, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var bp *igny8.SiteBlueprint
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		bp, err = activeBlueprint(ctx, tx, a.AccountID, siteID)
		return err
	})
	return bp, err
}

// ActiveBlueprintJSON returns the site's active blueprint as one document
// (config, structure and pages in order) and its version.
func (db *DB) ActiveBlueprintJSON(ctx context.Context, siteID int64) ([]byte, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	var doc []byte
	var version int
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		bp, err := activeBlueprint(ctx, tx, a.AccountID, siteID)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT blocks_json FROM page_blueprints
			WHERE account_id = $1 AND site_blueprint_id = $2 ORDER BY position, id`, a.AccountID, bp.ID)
		if err != nil {
			return err
		}
		pages, err := pgx.CollectRows(rows, pgx.RowTo[json.RawMessage])
		if err != nil {
			return err
		}
		doc, err = assembleBlueprint(bp.Config, bp.Structure, pages)
		version = bp.Version
		return err
	})
	return doc, version, err
}

// assembleBlueprint is splitBlueprint's inverse.
func assembleBlueprint(config, structure []byte, pages []json.RawMessage) ([]byte, error) {
	top := map[string]json.RawMessage{}
	if err := json.Unmarshal(config, &top); err != nil {
		return nil, fmt.Errorf("stored blueprint config: %w", err)
	}
	st := map[string]json.RawMessage{}
	if err := json.Unmarshal(structure, &st); err != nil {
		return nil, fmt.Errorf("stored blueprint structure: %w", err)
	}
	for k, v := range st {
		top[k] = v
	}
	if pages == nil {
		pages = []json.RawMessage{}
	}
	p, err := json.Marshal(pages)
	if err != nil {
		return nil, err
	}
	top["pages"] = p
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(top); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}
