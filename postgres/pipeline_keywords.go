package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const keywordColumns = `id, account_id, site_id, sector_id, keyword, normalized, volume, difficulty, intent, cpc, cluster_id, created_at`

func scanKeyword(row pgx.Row) (*igny8.Keyword, error) {
	var k igny8.Keyword
	err := row.Scan(&k.ID, &k.AccountID, &k.SiteID, &k.SectorID, &k.Keyword, &k.Normalized, &k.Volume, &k.Difficulty,
		&k.Intent, &k.CPC, &k.ClusterID, &k.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &k, nil
}

func collectKeywords(rows pgx.Rows, err error) ([]*igny8.Keyword, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Keyword, error) { return scanKeyword(r) })
}

// keywordKey is what keywords are de-duplicated by within a site.
type keywordKey struct {
	sector     int64
	normalized string
}

func keyOf(k *igny8.Keyword) keywordKey {
	var s int64
	if k.SectorID != nil {
		s = *k.SectorID
	}
	return keywordKey{s, k.Normalized}
}

// checkSectors returns not_found for the first of ids that is not a sector
// of the actor's site.
func checkSectors(ctx context.Context, tx pgx.Tx, accountID, siteID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT id FROM sectors WHERE account_id = $1 AND site_id = $2 AND id = ANY($3)`, accountID, siteID, ids)
	if err != nil {
		return err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			return igny8.Errorf(igny8.ENotFound, "There is no sector %d in site %d.", id, siteID)
		}
	}
	return nil
}

// AddKeywords inserts kws into the actor's site siteID, skipping those
// whose normalized text (NormalizeKeyword of Keyword when Normalized is
// empty) the site's sector already has, or that repeat one earlier in the
// list. Added keywords are filled in from their rows; added + duplicates
// == len(kws). A sector that is not the site's is not_found.
func (db *DB) AddKeywords(ctx context.Context, siteID int64, kws []*igny8.Keyword) (added, duplicates int, err error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, 0, err
	}
	var sectors []int64
	seen := make(map[keywordKey]bool, len(kws))
	var fresh []*igny8.Keyword
	for i, k := range kws {
		if k.Normalized == "" {
			k.Normalized = igny8.NormalizeKeyword(k.Keyword)
		}
		if k.Normalized == "" {
			return 0, 0, igny8.Errorf(igny8.EInvalid, "Keyword %d is empty.", i+1)
		}
		if k.SectorID != nil && !slices.Contains(sectors, *k.SectorID) {
			sectors = append(sectors, *k.SectorID)
		}
		if key := keyOf(k); !seen[key] {
			seen[key] = true
			fresh = append(fresh, k)
		}
	}
	n := len(fresh)
	sectorIDs, texts, norms, intents := make([]*int64, n), make([]string, n), make([]string, n), make([]string, n)
	volumes, difficulties, cpcs := make([]*int64, n), make([]*int, n), make([]*float64, n)
	for i, k := range fresh {
		sectorIDs[i], texts[i], norms[i], intents[i] = k.SectorID, k.Keyword, k.Normalized, k.Intent
		volumes[i], difficulties[i], cpcs[i] = k.Volume, k.Difficulty, k.CPC
	}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		if err := checkSectors(ctx, tx, a.AccountID, siteID, sectors); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		// One INSERT for the lot; ON CONFLICT skips what the site has (and
		// waits for a concurrent import of the same keyword to decide).
		rows, err := tx.Query(ctx, `INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, intent, volume, difficulty, cpc)
			SELECT $1, $2, * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[], $9::numeric[])
			ON CONFLICT DO NOTHING RETURNING `+keywordColumns,
			a.AccountID, siteID, sectorIDs, texts, norms, intents, volumes, difficulties, cpcs)
		inserted, err := collectKeywords(rows, err)
		if err != nil {
			return err
		}
		byKey := make(map[keywordKey]*igny8.Keyword, len(inserted))
		for _, k := range inserted {
			byKey[keyOf(k)] = k
		}
		for _, k := range fresh {
			if row, ok := byKey[keyOf(k)]; ok {
				*k = *row
			}
		}
		added = len(inserted)
		if added == 0 {
			return nil
		}
		return audit(ctx, tx, "keywords.add", "site", siteID, map[string]any{"added": added})
	})
	if err != nil {
		return 0, 0, err
	}
	return added, len(kws) - added, nil
}

// Keywords lists the keywords of the actor's site that f selects, by id.
// f.Search matches a substring of the normalized keyword, literally.
func (db *DB) Keywords(ctx context.Context, siteID int64, f igny8.KeywordFilter) ([]*igny8.Keyword, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	where, args := []string{"account_id = $1", "site_id = $2", "id > $3"}, []any{a.AccountID, siteID, f.After}
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.SectorID != nil {
		add("sector_id = $%d", *f.SectorID)
	}
	if f.ClusterID != nil {
		add("cluster_id = $%d", *f.ClusterID)
	}
	if f.Clustered != nil {
		if *f.Clustered {
			where = append(where, "cluster_id IS NOT NULL")
		} else {
			where = append(where, "cluster_id IS NULL")
		}
	}
	if s := igny8.NormalizeKeyword(f.Search); s != "" {
		add(`normalized ILIKE '%%' || $%d || '%%' ESCAPE '\'`, likeEscaper.Replace(s))
	}
	if f.Intent != "" {
		add("intent = $%d", f.Intent)
	}
	args = append(args, limitArg(f.Limit))
	query := `SELECT ` + keywordColumns + ` FROM keywords WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args))
	var out []*igny8.Keyword
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		out, err = collectKeywords(tx.Query(ctx, query, args...))
		return err
	})
	return out, err
}

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// DeleteKeyword removes keyword id from the actor's site (and from its
// cluster; a cluster it was the pillar of keeps no pillar).
func (db *DB) DeleteKeyword(ctx context.Context, siteID, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		var kw string
		err := tx.QueryRow(ctx, `DELETE FROM keywords WHERE account_id = $1 AND site_id = $2 AND id = $3 RETURNING keyword`,
			a.AccountID, siteID, id).Scan(&kw)
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.ENotFound, "There is no keyword %d in site %d.", id, siteID)
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, "keyword.delete", "keyword", id, map[string]any{"site_id": siteID, "keyword": kw})
	})
}
