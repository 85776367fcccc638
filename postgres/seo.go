package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// PipelineSettings returns the site's pipeline settings, the defaults when
// it has chosen none.
func (db *DB) PipelineSettings(ctx context.Context, siteID int64) (*igny8.PipelineSettings, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	s := igny8.DefaultPipelineSettings(siteID)
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT auto_link, auto_optimize, words_per_link, min_links, max_links, related,
				max_per_target, prefer_pillar, vary_anchors, updated_at
			FROM site_pipeline_settings WHERE account_id = $1 AND site_id = $2`, a.AccountID, siteID).
			Scan(&s.AutoLink, &s.AutoOptimize, &s.WordsPerLink, &s.MinLinks, &s.MaxLinks, &s.Related,
				&s.MaxPerTarget, &s.PreferPillar, &s.VaryAnchors, &s.UpdatedAt)
		if err == pgx.ErrNoRows {
			return nil
		}
		return err
	})
	return &s, err
}

// PutPipelineSettings stores the site's pipeline settings; s is filled in
// from the row.
func (db *DB) PutPipelineSettings(ctx context.Context, s *igny8.PipelineSettings) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, s.SiteID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO site_pipeline_settings (account_id, site_id, auto_link, auto_optimize, words_per_link, min_links, max_links, related,
				max_per_target, prefer_pillar, vary_anchors)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (site_id) DO UPDATE SET auto_link = excluded.auto_link, auto_optimize = excluded.auto_optimize,
				words_per_link = excluded.words_per_link, min_links = excluded.min_links, max_links = excluded.max_links,
				related = excluded.related, max_per_target = excluded.max_per_target, prefer_pillar = excluded.prefer_pillar,
				vary_anchors = excluded.vary_anchors, updated_at = now()
			RETURNING updated_at`, a.AccountID, s.SiteID, s.AutoLink, s.AutoOptimize, s.WordsPerLink, s.MinLinks, s.MaxLinks, s.Related,
			s.MaxPerTarget, s.PreferPillar, s.VaryAnchors).
			Scan(&s.UpdatedAt)
		if err != nil {
			return err
		}
		return audit(ctx, tx, "site.pipeline_settings", "site", s.SiteID, map[string]any{"auto_link": s.AutoLink, "auto_optimize": s.AutoOptimize})
	})
}

const linkColumns = `id, account_id, site_id, source_id, target_id, target_page, anchor, block_id, field, byte_offset, link_type, linker_version, created_at`

func scanLink(row pgx.Row) (*igny8.ContentLink, error) {
	var l igny8.ContentLink
	err := row.Scan(&l.ID, &l.AccountID, &l.SiteID, &l.SourceID, &l.TargetID, &l.TargetPage, &l.Anchor, &l.Block, &l.Field, &l.Offset, &l.Type, &l.LinkerVersion, &l.CreatedAt)
	return &l, err
}

// ApplyLinks records what a linker run made of one content piece, in one
// transaction: when page is not nil, it becomes the content's page as a new
// revision from the linker (expect is the revision the run read: a later
// one is a conflict, and the run links the new one next time), and the
// piece's link rows become links. Applying what is already there changes
// nothing.
func (db *DB) ApplyLinks(ctx context.Context, siteID, sourceID int64, page *igny8.Content, expect int, links []*igny8.ContentLink) (*igny8.Content, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.Content
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		cur, err := lockContent(ctx, tx, a.AccountID, siteID, sourceID)
		if err != nil {
			return err
		}
		out = cur
		if page != nil {
			if err := checkPageJSON(page); err != nil {
				return err
			}
			if out, err = reviseContent(ctx, tx, a, siteID, sourceID, page, "linker", expect); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM content_links WHERE account_id = $1 AND site_id = $2 AND source_id = $3`, a.AccountID, siteID, sourceID); err != nil {
			return err
		}
		for _, l := range links {
			if _, err := tx.Exec(ctx, `INSERT INTO content_links (account_id, site_id, source_id, target_id, target_page, anchor, block_id, field, byte_offset, link_type, linker_version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				a.AccountID, siteID, sourceID, l.TargetID, l.TargetPage, l.Anchor, l.Block, l.Field, l.Offset, l.Type, l.LinkerVersion); err != nil {
				return err
			}
		}
		return nil
	})
	return out, translate(err)
}

// Links lists the site's internal links, or one source's when sourceID is
// set, by source and offset.
func (db *DB) Links(ctx context.Context, siteID int64, sourceID *int64) ([]*igny8.ContentLink, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.ContentLink
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		if sourceID != nil {
			if err := contentExists(ctx, tx, a.AccountID, siteID, *sourceID); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT `+linkColumns+` FROM content_links WHERE account_id = $1 AND site_id = $2
			AND ($3::bigint IS NULL OR source_id = $3) ORDER BY source_id, block_id, field, byte_offset, id`, a.AccountID, siteID, sourceID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.ContentLink, error) { return scanLink(r) })
		return err
	})
	return out, err
}

// ContentKeywords returns the target keyword of every content piece of
// the site, by content id.
func (db *DB) ContentKeywords(ctx context.Context, siteID int64) (map[int64]string, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, target_keyword FROM contents WHERE account_id = $1 AND site_id = $2`, a.AccountID, siteID)
		if err != nil {
			return err
		}
		var id int64
		var kw string
		_, err = pgx.ForEachRow(rows, []any{&id, &kw}, func() error {
			out[id] = kw
			return nil
		})
		return err
	})
	return out, err
}

// ContentTopics returns the plan of every content piece of the site that
// was written from a task (its idea's secondary keywords, its cluster and
// the cluster's pillar keyword), by content id.
func (db *DB) ContentTopics(ctx context.Context, siteID int64) (map[int64]igny8.ContentTopic, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]igny8.ContentTopic{}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT c.id, i.cluster_id, coalesce(pk.keyword, ''), i.secondary_keywords
			FROM contents c
			JOIN tasks t ON t.account_id = c.account_id AND t.id = c.task_id
			JOIN ideas i ON i.account_id = t.account_id AND i.id = t.idea_id
			JOIN clusters cl ON cl.account_id = i.account_id AND cl.id = i.cluster_id
			LEFT JOIN keywords pk ON pk.account_id = cl.account_id AND pk.id = cl.pillar_keyword_id
			WHERE c.account_id = $1 AND c.site_id = $2`, a.AccountID, siteID)
		if err != nil {
			return err
		}
		var ct igny8.ContentTopic
		_, err = pgx.ForEachRow(rows, []any{&ct.ContentID, &ct.ClusterID, &ct.Pillar, &ct.SecondaryKeywords}, func() error {
			out[ct.ContentID] = ct
			ct.SecondaryKeywords = nil
			return nil
		})
		return err
	})
	return out, err
}

// contentExists checks content id of the site exists (not_found
// otherwise).
func contentExists(ctx context.Context, tx pgx.Tx, accountID, siteID, id int64) error {
	var got int64
	err := tx.QueryRow(ctx, `SELECT id FROM contents WHERE account_id = $1 AND site_id = $2 AND id = $3`, accountID, siteID, id).Scan(&got)
	if err == pgx.ErrNoRows {
		return noContent(siteID, id)
	}
	return err
}

const optimizationColumns = `id, account_id, site_id, content_id, job_id, keyword, score_before, score_after, kept, checks,
	page_before, page_after, revision_before, revision_after, provider, model, prompt, prompt_version, offline, reverted_at, created_at`

func scanOptimization(row pgx.Row) (*igny8.Optimization, error) {
	var o igny8.Optimization
	var checks []byte
	err := row.Scan(&o.ID, &o.AccountID, &o.SiteID, &o.ContentID, &o.JobID, &o.Keyword, &o.ScoreBefore, &o.ScoreAfter, &o.Kept, &checks,
		&o.PageBefore, &o.PageAfter, &o.RevisionBefore, &o.RevisionAfter, &o.Provider, &o.Model, &o.Prompt, &o.PromptVersion, &o.Offline,
		&o.RevertedAt, &o.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &o, json.Unmarshal(checks, &o.Checks)
}

// ApplyOptimization records optimization o of a content piece under its
// operation key, once: a repeat returns the first record with created
// false. When o.Kept, improved (the content with the optimized page and its
// facts) becomes the content as a new revision from the optimizer, if the
// content is still at o.RevisionBefore (a conflict otherwise).
func (db *DB) ApplyOptimization(ctx context.Context, o *igny8.Optimization, key string, improved *igny8.Content) (*igny8.Optimization, bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	var out *igny8.Optimization
	created := false
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		cur, err := lockContent(ctx, tx, a.AccountID, o.SiteID, o.ContentID)
		if err != nil {
			return err
		}
		out, err = scanOptimization(tx.QueryRow(ctx, `SELECT `+optimizationColumns+` FROM optimizations WHERE account_id = $1 AND op_key = $2`, a.AccountID, key))
		if err == nil {
			return nil
		} else if err != pgx.ErrNoRows {
			return err
		}
		var after *int
		if o.Kept {
			if improved == nil {
				return igny8.Errorf(igny8.EInternal, "a kept optimization needs its page")
			}
			rev, err := reviseContent(ctx, tx, a, o.SiteID, o.ContentID, improved, "optimizer", o.RevisionBefore)
			if err != nil {
				return err
			}
			after = &rev.Revision
		} else if cur.Revision != o.RevisionBefore {
			return igny8.Errorf(igny8.EConflict, "Content %d changed while it was optimized; optimize it again.", o.ContentID)
		}
		checks, err := json.Marshal(o.Checks)
		if err != nil {
			return err
		}
		out, err = scanOptimization(tx.QueryRow(ctx, `INSERT INTO optimizations (account_id, site_id, content_id, job_id, op_key, keyword,
				score_before, score_after, kept, checks, page_before, page_after, revision_before, revision_after,
				provider, model, prompt, prompt_version, offline)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING `+optimizationColumns,
			a.AccountID, o.SiteID, o.ContentID, o.JobID, key, o.Keyword, o.ScoreBefore, o.ScoreAfter, o.Kept, checks,
			[]byte(o.PageBefore), []byte(o.PageAfter), o.RevisionBefore, after, o.Provider, o.Model, o.Prompt, o.PromptVersion, o.Offline))
		if err != nil {
			return err
		}
		created = true
		return audit(ctx, tx, "content.optimize", "content", o.ContentID, map[string]any{"site_id": o.SiteID,
			"score_before": o.ScoreBefore, "score_after": o.ScoreAfter, "kept": o.Kept})
	})
	return out, created, translate(err)
}

// Optimizations lists a content piece's optimizations, newest first.
func (db *DB) Optimizations(ctx context.Context, siteID, contentID int64) ([]*igny8.Optimization, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Optimization
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := contentExists(ctx, tx, a.AccountID, siteID, contentID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+optimizationColumns+` FROM optimizations
			WHERE account_id = $1 AND site_id = $2 AND content_id = $3 ORDER BY id DESC`, a.AccountID, siteID, contentID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Optimization, error) { return scanOptimization(r) })
		return err
	})
	return out, err
}

// Optimization returns one optimization of the site.
func (db *DB) Optimization(ctx context.Context, siteID, id int64) (*igny8.Optimization, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *igny8.Optimization
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = scanOptimization(tx.QueryRow(ctx, `SELECT `+optimizationColumns+` FROM optimizations
			WHERE account_id = $1 AND site_id = $2 AND id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no optimization %d in site %d.", id, siteID)
		}
		return err
	})
	return out, err
}

// RevertOptimization puts back the page a kept optimization replaced
// (before: the content with that page and its facts) as a new revision,
// and marks the optimization reverted. The content must not have changed
// since the optimization (a conflict otherwise: the revert would lose
// those edits); reverting twice is a conflict.
func (db *DB) RevertOptimization(ctx context.Context, siteID, id int64, before *igny8.Content) (*igny8.Optimization, *igny8.Content, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	var o *igny8.Optimization
	var c *igny8.Content
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		o, err = scanOptimization(tx.QueryRow(ctx, `SELECT `+optimizationColumns+` FROM optimizations
			WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no optimization %d in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		switch {
		case !o.Kept:
			return igny8.Errorf(igny8.EConflict, "Optimization %d was not kept (its score was not higher); there is nothing to revert.", id)
		case o.RevertedAt != nil:
			return igny8.Errorf(igny8.EConflict, "Optimization %d was reverted already.", id)
		}
		if c, err = reviseContent(ctx, tx, a, siteID, o.ContentID, before, "revert", *o.RevisionAfter); err != nil {
			if igny8.ErrorCode(err) == igny8.EConflict {
				return igny8.Errorf(igny8.EConflict, "Content %d changed after optimization %d; reverting would lose those changes. Edit the content instead.", o.ContentID, id)
			}
			return err
		}
		now := time.Now()
		if _, err := tx.Exec(ctx, `UPDATE optimizations SET reverted_at = $3 WHERE account_id = $1 AND id = $2`, a.AccountID, id, now); err != nil {
			return err
		}
		o.RevertedAt = &now
		return audit(ctx, tx, "content.optimize.revert", "content", o.ContentID, map[string]any{"site_id": siteID, "optimization_id": id})
	})
	return o, c, translate(err)
}
