package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// clusterSelect reads clusters (as c) with their pillar's text and their
// counts of keywords and ideas.
const clusterSelect = `SELECT c.id, c.account_id, c.site_id, c.sector_id, c.name, c.description, c.pillar_keyword_id,
	coalesce(pk.keyword, ''),
	(SELECT count(*) FROM keywords k WHERE k.account_id = c.account_id AND k.cluster_id = c.id),
	(SELECT count(*) FROM ideas i WHERE i.account_id = c.account_id AND i.cluster_id = c.id),
	c.batch_key, c.provider, c.model, c.prompt, c.prompt_version, c.offline, c.created_at
	FROM clusters c LEFT JOIN keywords pk ON pk.account_id = c.account_id AND pk.id = c.pillar_keyword_id`

func scanCluster(row pgx.Row) (*igny8.Cluster, error) {
	var c igny8.Cluster
	err := row.Scan(&c.ID, &c.AccountID, &c.SiteID, &c.SectorID, &c.Name, &c.Description, &c.PillarKeywordID, &c.Pillar,
		&c.Keywords, &c.Ideas, &c.Batch, &c.Provider, &c.Model, &c.Prompt, &c.PromptVersion, &c.Offline, &c.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func collectClusters(rows pgx.Rows, err error) ([]*igny8.Cluster, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Cluster, error) { return scanCluster(r) })
}

func noCluster(siteID, id int64) error {
	return igny8.Errorf(igny8.ENotFound, "There is no cluster %d in site %d.", id, siteID)
}

// SaveClusters writes the clusters of one clustering request, named by
// batchKey, in order (batch_index), and assigns the keywords members[i]
// to clusters[i]. When the site has clusters of batchKey already it
// returns them and changes nothing, so a redelivered request finds its
// own. A keyword already in a cluster stays there; ids the site does not
// have (deleted since, or never its) are skipped, and so is a pillar
// keyword the site does not have.
func (db *DB) SaveClusters(ctx context.Context, siteID int64, batchKey string, clusters []*igny8.Cluster, members [][]int64) ([]*igny8.Cluster, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if batchKey == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "Clusters need the key of the request that made them.")
	}
	if members != nil && len(members) != len(clusters) {
		return nil, igny8.Errorf(igny8.EInvalid, "%d clusters but %d lists of members.", len(clusters), len(members))
	}
	var sectors []int64
	for i, c := range clusters {
		if c.Name == "" {
			return nil, igny8.Errorf(igny8.EInvalid, "Cluster %d has no name.", i+1)
		}
		if c.SectorID != nil {
			sectors = append(sectors, *c.SectorID)
		}
	}
	var out []*igny8.Cluster
	list := func(tx pgx.Tx) (err error) {
		out, err = collectClusters(tx.Query(ctx, clusterSelect+` WHERE c.account_id = $1 AND c.site_id = $2 AND c.batch_key = $3
			ORDER BY c.batch_index`, a.AccountID, siteID, batchKey))
		return err
	}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		// The site's lock orders two deliveries of one request: the second
		// finds the first's clusters.
		if err := lockSiteForUpdate(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		if err := list(tx); err != nil || len(out) > 0 {
			return err
		}
		if err := checkSectors(ctx, tx, a.AccountID, siteID, sectors); err != nil {
			return err
		}
		for i, c := range clusters {
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO clusters (account_id, site_id, sector_id, name, description, pillar_keyword_id,
					batch_key, batch_index, provider, model, prompt, prompt_version, offline)
				VALUES ($1, $2, $3, $4, $5, (SELECT id FROM keywords WHERE account_id = $1 AND site_id = $2 AND id = $6),
					$7, $8, $9, $10, $11, $12, $13) RETURNING id`,
				a.AccountID, siteID, c.SectorID, c.Name, c.Description, c.PillarKeywordID,
				batchKey, i, c.Provider, c.Model, c.Prompt, c.PromptVersion, c.Offline).Scan(&id)
			if err != nil {
				return err
			}
			if members == nil || len(members[i]) == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE keywords SET cluster_id = $3
				WHERE account_id = $1 AND site_id = $2 AND id = ANY($4) AND cluster_id IS NULL`, a.AccountID, siteID, id, members[i]); err != nil {
				return err
			}
		}
		if err := list(tx); err != nil {
			return err
		}
		return audit(ctx, tx, "clusters.save", "site", siteID, map[string]any{"batch_key": batchKey, "clusters": len(out)})
	})
	return out, err
}

// Cluster returns cluster id of the actor's site.
func (db *DB) Cluster(ctx context.Context, siteID, id int64) (*igny8.Cluster, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *igny8.Cluster
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		c, err = scanCluster(tx.QueryRow(ctx, clusterSelect+` WHERE c.account_id = $1 AND c.site_id = $2 AND c.id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return noCluster(siteID, id)
		}
		return err
	})
	return c, err
}

// Clusters lists the clusters of the actor's site with ids after `after`,
// at most limit (0: all).
func (db *DB) Clusters(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Cluster, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Cluster
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		out, err = collectClusters(tx.Query(ctx, clusterSelect+` WHERE c.account_id = $1 AND c.site_id = $2 AND c.id > $3
			ORDER BY c.id LIMIT $4`, a.AccountID, siteID, after, limitArg(limit)))
		return err
	})
	return out, err
}
