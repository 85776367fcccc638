package postgres

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const imageColumns = `id, account_id, site_id, content_id, position, prompt, alt, section, width, height,
	asset_path, sha256, content_type, provider, model, prompt_name, prompt_version, offline, created_at`

func scanImage(row pgx.Row) (*igny8.ContentImage, error) {
	var i igny8.ContentImage
	err := row.Scan(&i.ID, &i.AccountID, &i.SiteID, &i.ContentID, &i.Position, &i.Prompt, &i.Alt, &i.Section, &i.Width, &i.Height,
		&i.AssetPath, &i.SHA256, &i.ContentType, &i.Provider, &i.Model, &i.Provenance.Prompt, &i.PromptVersion, &i.Offline, &i.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &i, nil
}

func listImages(ctx context.Context, tx pgx.Tx, accountID, contentID int64) ([]*igny8.ContentImage, error) {
	rows, err := tx.Query(ctx, `SELECT `+imageColumns+` FROM content_images WHERE account_id = $1 AND content_id = $2 ORDER BY position`,
		accountID, contentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.ContentImage, error) { return scanImage(r) })
}

// SaveImagePrompts writes the images of content contentID of the actor's
// site as prompted, not generated, once: when the content has images
// already it returns them and changes nothing.
func (db *DB) SaveImagePrompts(ctx context.Context, siteID, contentID int64, imgs []*igny8.ContentImage) ([]*igny8.ContentImage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var positions []int
	for n, img := range imgs {
		if img.Prompt == "" {
			return nil, igny8.Errorf(igny8.EInvalid, "Image %d has no prompt.", n+1)
		}
		if img.Position < 0 || img.Position > 5 {
			return nil, igny8.Errorf(igny8.EInvalid, "Image %d is at position %d; positions are 0 (featured) to 5.", n+1, img.Position)
		}
		if slices.Contains(positions, img.Position) {
			return nil, igny8.Errorf(igny8.EInvalid, "Image %d repeats position %d.", n+1, img.Position)
		}
		positions = append(positions, img.Position)
		if img.Width < 16 || img.Width > 4096 || img.Height < 16 || img.Height > 4096 {
			return nil, igny8.Errorf(igny8.EInvalid, "Image %d is %d×%d; sides are 16 to 4096 pixels.", n+1, img.Width, img.Height)
		}
		if img.Section < 0 {
			return nil, igny8.Errorf(igny8.EInvalid, "Image %d follows section %d.", n+1, img.Section)
		}
	}
	var out []*igny8.ContentImage
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		// The content's lock orders two deliveries: the second finds the
		// first's images.
		if _, err := lockContent(ctx, tx, a.AccountID, siteID, contentID); err != nil {
			return err
		}
		if out, err = listImages(ctx, tx, a.AccountID, contentID); err != nil || len(out) > 0 {
			return err
		}
		for _, img := range imgs {
			if _, err := tx.Exec(ctx, `INSERT INTO content_images (account_id, site_id, content_id, position, prompt, alt, section, width, height,
					provider, model, prompt_name, prompt_version, offline)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				a.AccountID, siteID, contentID, img.Position, img.Prompt, img.Alt, img.Section, img.Width, img.Height,
				img.Provider, img.Model, img.Provenance.Prompt, img.PromptVersion, img.Offline); err != nil {
				return err
			}
		}
		if out, err = listImages(ctx, tx, a.AccountID, contentID); err != nil || len(out) == 0 {
			return err
		}
		return audit(ctx, tx, "images.prompt", "content", contentID, map[string]any{"site_id": siteID, "images": len(out)})
	})
	return out, err
}

// ContentImages lists the images of content contentID of the actor's
// site by position.
func (db *DB) ContentImages(ctx context.Context, siteID, contentID int64) ([]*igny8.ContentImage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.ContentImage
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := contentExists(ctx, tx, a.AccountID, siteID, contentID); err != nil {
			return err
		}
		out, err = listImages(ctx, tx, a.AccountID, contentID)
		return err
	})
	return out, err
}

// SetImageGenerated records that image img.ID of the actor's site is
// generated and stored at img.AssetPath (with img.SHA256, img.ContentType
// and img's provenance). img is filled in from the row.
func (db *DB) SetImageGenerated(ctx context.Context, siteID int64, img *igny8.ContentImage) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := igny8.CheckAssetPath(img.AssetPath); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		got, err := scanImage(tx.QueryRow(ctx, `UPDATE content_images SET asset_path = $4, sha256 = $5, content_type = $6,
				provider = $7, model = $8, prompt_name = $9, prompt_version = $10, offline = $11, generated_at = now()
			WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING `+imageColumns,
			a.AccountID, siteID, img.ID, img.AssetPath, img.SHA256, img.ContentType,
			img.Provider, img.Model, img.Provenance.Prompt, img.PromptVersion, img.Offline))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no image %d in site %d.", img.ID, siteID)
		} else if err != nil {
			return err
		}
		*img = *got
		return audit(ctx, tx, "image.generate", "content", got.ContentID, map[string]any{"site_id": siteID, "image_id": got.ID, "path": got.AssetPath})
	})
}

// PutBlueprintAssets adds or replaces entries of the "assets" object of
// the actor's site's active blueprint (asset id → the asset's JSON),
// checks the whole blueprint as it would be with check, and saves it in
// place (the version stays). Entries equal to those there change nothing.
func (db *DB) PutBlueprintAssets(ctx context.Context, siteID int64, assets map[string]json.RawMessage, check CheckFunc) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	for id, v := range assets {
		if id == "" || !json.Valid(v) {
			return igny8.Errorf(igny8.EInvalid, "Blueprint asset %q is not valid JSON.", id)
		}
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		// Lock the active blueprint row, read after the lock: blueprint edits
		// of one site run one at a time, and a blueprint saved meanwhile
		// (no longer active) is not edited.
		bp, err := scanBlueprint(tx.QueryRow(ctx, `SELECT `+blueprintColumns+` FROM site_blueprints
			WHERE account_id = $1 AND site_id = $2 AND status = 'active' FOR UPDATE`, a.AccountID, siteID))
		if err == pgx.ErrNoRows {
			_, err = activeBlueprint(ctx, tx, a.AccountID, siteID)
			return err
		} else if err != nil {
			return err
		}
		var config map[string]json.RawMessage
		if err := json.Unmarshal(bp.Config, &config); err != nil {
			return err
		}
		current := map[string]json.RawMessage{}
		if raw, ok := config["assets"]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &current); err != nil {
				return igny8.Errorf(igny8.EInvalid, "The blueprint's \"assets\" is not an object.")
			}
		}
		var changed []string
		for id, v := range assets {
			if !sameJSON(current[id], v) {
				current[id] = v
				changed = append(changed, id)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		slices.Sort(changed)
		if config["assets"], err = json.Marshal(current); err != nil {
			return err
		}
		newConfig, err := json.Marshal(config)
		if err != nil {
			return err
		}
		if check != nil {
			pages, err := listPages(ctx, tx, a.AccountID, bp.ID)
			if err != nil {
				return err
			}
			docs := make([]json.RawMessage, len(pages))
			for i, p := range pages {
				docs[i] = p.Page
			}
			doc, err := assembleBlueprint(newConfig, bp.Structure, docs)
			if err != nil {
				return err
			}
			if err := check(doc); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE site_blueprints SET config_json = $2, updated_at = now() WHERE id = $1`, bp.ID, newConfig); err != nil {
			return err
		}
		return audit(ctx, tx, "blueprint.assets", "site", siteID, map[string]any{"version": bp.Version, "assets": changed})
	})
}

// sameJSON reports whether a and b are the same JSON value (jsonb does
// not keep the spacing or key order of what was stored).
func sameJSON(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
