package postgres

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const pageColumns = `id, account_id, site_blueprint_id, slug, type, title, blocks_json, status, position, created_at, updated_at`

func scanPage(row pgx.Row) (*igny8.PageBlueprint, error) {
	var p igny8.PageBlueprint
	err := row.Scan(&p.ID, &p.AccountID, &p.SiteBlueprintID, &p.Slug, &p.Type, &p.Title, &p.Page, &p.Status, &p.Position, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// CheckFunc validates a whole blueprint document; the page methods call it
// with the blueprint as it would be after the change, inside the change's
// transaction, and abandon the change if it fails.
type CheckFunc = func(doc []byte) error

func listPages(ctx context.Context, tx pgx.Tx, accountID, blueprintID int64) ([]*igny8.PageBlueprint, error) {
	rows, err := tx.Query(ctx, `SELECT `+pageColumns+` FROM page_blueprints
		WHERE account_id = $1 AND site_blueprint_id = $2 ORDER BY position, id`, accountID, blueprintID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.PageBlueprint, error) { return scanPage(r) })
}

// Pages lists the pages of the site's active blueprint in order.
func (db *DB) Pages(ctx context.Context, siteID int64) ([]*igny8.PageBlueprint, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.PageBlueprint
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		bp, err := activeBlueprint(ctx, tx, a.AccountID, siteID)
		if err != nil {
			return err
		}
		out, err = listPages(ctx, tx, a.AccountID, bp.ID)
		return err
	})
	return out, err
}

// Page returns the page with id slug of the site's active blueprint.
func (db *DB) Page(ctx context.Context, siteID int64, slug string) (*igny8.PageBlueprint, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var p *igny8.PageBlueprint
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		bp, err := activeBlueprint(ctx, tx, a.AccountID, siteID)
		if err != nil {
			return err
		}
		p, err = scanPage(tx.QueryRow(ctx, `SELECT `+pageColumns+` FROM page_blueprints
			WHERE account_id = $1 AND site_blueprint_id = $2 AND slug = $3`, a.AccountID, bp.ID, slug))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "Page %q not found in site %d's blueprint.", slug, siteID)
		}
		return err
	})
	return p, err
}

// editPages runs edit on the active blueprint's pages (locked), then
// writes the result back and checks the whole blueprint.
func (db *DB) editPages(ctx context.Context, siteID int64, action string, check CheckFunc,
	edit func(pages []*igny8.PageBlueprint) ([]*igny8.PageBlueprint, error)) ([]*igny8.PageBlueprint, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var result []*igny8.PageBlueprint
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		bp, err := activeBlueprint(ctx, tx, a.AccountID, siteID)
		if err != nil {
			return err
		}
		// Lock the blueprint row: page edits of one site run one at a time.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM site_blueprints WHERE account_id = $1 AND id = $2 FOR UPDATE`, a.AccountID, bp.ID); err != nil {
			return err
		}
		before, err := listPages(ctx, tx, a.AccountID, bp.ID)
		if err != nil {
			return err
		}
		after, err := edit(slices.Clone(before))
		if err != nil {
			return err
		}
		if check != nil {
			docs := make([]json.RawMessage, len(after))
			for i, p := range after {
				docs[i] = p.Page
			}
			doc, err := assembleBlueprint(bp.Config, bp.Structure, docs)
			if err != nil {
				return err
			}
			if err := check(doc); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM page_blueprints WHERE account_id = $1 AND site_blueprint_id = $2`, a.AccountID, bp.ID); err != nil {
			return err
		}
		result = make([]*igny8.PageBlueprint, 0, len(after))
		for i, p := range after {
			f, err := readPageFacts(p.Page)
			if err != nil {
				return err
			}
			row, err := scanPage(tx.QueryRow(ctx, `INSERT INTO page_blueprints
				(account_id, site_blueprint_id, slug, type, title, blocks_json, status, position, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now())) RETURNING `+pageColumns,
				a.AccountID, bp.ID, f.ID, f.Type, f.Title, []byte(p.Page), pageStatus(f), i, nullTime(p)))
			if err != nil {
				return err
			}
			result = append(result, row)
		}
		if _, err := tx.Exec(ctx, `UPDATE site_blueprints SET updated_at = now() WHERE id = $1`, bp.ID); err != nil {
			return err
		}
		return audit(ctx, tx, action, "site", siteID, nil)
	})
	return result, err
}

func nullTime(p *igny8.PageBlueprint) any {
	if p.CreatedAt.IsZero() {
		return nil
	}
	return p.CreatedAt
}

// PutPage creates or replaces the page whose id is page's "id" in the
// site's active blueprint. A new page goes at position (or last, when
// position is nil); a replaced one keeps its place unless position is set.
func (db *DB) PutPage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check CheckFunc) (p *igny8.PageBlueprint, created bool, err error) {
	return db.putPage(ctx, siteID, page, position, check, false)
}

// CreatePage adds a page to the site's active blueprint; a page with the
// same id is a conflict, decided in the same transaction as the insert.
func (db *DB) CreatePage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check CheckFunc) (*igny8.PageBlueprint, error) {
	p, _, err := db.putPage(ctx, siteID, page, position, check, true)
	return p, err
}

func (db *DB) putPage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check CheckFunc, mustCreate bool) (p *igny8.PageBlueprint, created bool, err error) {
	f, err := readPageFacts(page)
	if err != nil {
		return nil, false, err
	}
	pages, err := db.editPages(ctx, siteID, "page.put", check, func(pages []*igny8.PageBlueprint) ([]*igny8.PageBlueprint, error) {
		i := slices.IndexFunc(pages, func(p *igny8.PageBlueprint) bool { return p.Slug == f.ID })
		np := &igny8.PageBlueprint{Slug: f.ID, Page: page}
		if i >= 0 && mustCreate {
			return nil, igny8.Errorf(igny8.EConflict, "A page with id %q exists: PUT /v1/sites/%d/pages/%s replaces it.", f.ID, siteID, f.ID)
		}
		if i >= 0 {
			np.CreatedAt = pages[i].CreatedAt
			pages = slices.Delete(pages, i, i+1)
		} else {
			created = true
			i = len(pages)
		}
		if position != nil {
			i = *position
		}
		if i < 0 || i > len(pages) {
			return nil, igny8.Errorf(igny8.EInvalid, "position %d is out of range: the blueprint has %d other pages.", i, len(pages))
		}
		return slices.Insert(pages, i, np), nil
	})
	if err != nil {
		return nil, false, err
	}
	for _, q := range pages {
		if q.Slug == f.ID {
			return q, created, nil
		}
	}
	return nil, false, igny8.Errorf(igny8.EInternal, "page vanished")
}

// DeletePage removes the page with id slug from the site's active blueprint.
func (db *DB) DeletePage(ctx context.Context, siteID int64, slug string, check CheckFunc) error {
	_, err := db.editPages(ctx, siteID, "page.delete", check, func(pages []*igny8.PageBlueprint) ([]*igny8.PageBlueprint, error) {
		i := slices.IndexFunc(pages, func(p *igny8.PageBlueprint) bool { return p.Slug == slug })
		if i < 0 {
			return nil, igny8.Errorf(igny8.ENotFound, "Page %q not found in site %d's blueprint.", slug, siteID)
		}
		return slices.Delete(pages, i, i+1), nil
	})
	return err
}

// ReorderPages puts the pages in the order of slugs, which must name every
// page exactly once.
func (db *DB) ReorderPages(ctx context.Context, siteID int64, slugs []string, check CheckFunc) ([]*igny8.PageBlueprint, error) {
	return db.editPages(ctx, siteID, "page.reorder", check, func(pages []*igny8.PageBlueprint) ([]*igny8.PageBlueprint, error) {
		by := make(map[string]*igny8.PageBlueprint, len(pages))
		for _, p := range pages {
			by[p.Slug] = p
		}
		if len(slugs) != len(pages) {
			return nil, igny8.Errorf(igny8.EInvalid, "order names %d pages; the blueprint has %d: list every page id exactly once.", len(slugs), len(pages))
		}
		out := make([]*igny8.PageBlueprint, 0, len(slugs))
		for _, s := range slugs {
			p, ok := by[s]
			if !ok {
				return nil, igny8.Errorf(igny8.EInvalid, "order: page %q is unknown or listed twice.", s)
			}
			delete(by, s)
			out = append(out, p)
		}
		return out, nil
	})
}

// PutPages creates or replaces several pages of the site's active
// blueprint at once (each by its "id"; new ones go last, replaced ones
// keep their place), checking the whole blueprint once: pages that link to
// each other go in together or not at all.
func (db *DB) PutPages(ctx context.Context, siteID int64, pages []json.RawMessage, check CheckFunc) error {
	ids := make([]string, len(pages))
	for i, p := range pages {
		f, err := readPageFacts(p)
		if err != nil {
			return err
		}
		ids[i] = f.ID
	}
	_, err := db.editPages(ctx, siteID, "pages.put", check, func(cur []*igny8.PageBlueprint) ([]*igny8.PageBlueprint, error) {
		for i, p := range pages {
			np := &igny8.PageBlueprint{Slug: ids[i], Page: p}
			if j := slices.IndexFunc(cur, func(q *igny8.PageBlueprint) bool { return q.Slug == ids[i] }); j >= 0 {
				np.CreatedAt = cur[j].CreatedAt
				cur[j] = np
			} else {
				cur = append(cur, np)
			}
		}
		return cur, nil
	})
	return err
}
