package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

// ideaSelect reads ideas (as i) with the id of their task, if any.
const ideaSelect = `SELECT i.id, i.account_id, i.site_id, i.cluster_id, i.title, i.angle, i.outline, i.target_keyword,
	i.secondary_keywords, i.intent, i.entity_type, i.estimated_words, i.status, t.id,
	i.provider, i.model, i.prompt, i.prompt_version, i.offline, i.created_at
	FROM ideas i LEFT JOIN tasks t ON t.account_id = i.account_id AND t.idea_id = i.id`

func scanIdea(row pgx.Row) (*igny8.Idea, error) {
	var i igny8.Idea
	err := row.Scan(&i.ID, &i.AccountID, &i.SiteID, &i.ClusterID, &i.Title, &i.Angle, &i.Outline, &i.TargetKeyword,
		&i.SecondaryKeywords, &i.Intent, &i.EntityType, &i.EstimatedWords, &i.Status, &i.TaskID,
		&i.Provider, &i.Model, &i.Prompt, &i.PromptVersion, &i.Offline, &i.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &i, nil
}

func collectIdeas(rows pgx.Rows, err error) ([]*igny8.Idea, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Idea, error) { return scanIdea(r) })
}

func noIdea(siteID, id int64) error {
	return igny8.Errorf(igny8.ENotFound, "There is no idea %d in site %d.", id, siteID)
}

// stringsJSON encodes a list of strings as a JSON array ([] for none).
func stringsJSON(s []string) []byte {
	if s == nil {
		s = []string{}
	}
	b, _ := json.Marshal(s)
	return b
}

// SaveIdeas writes the ideas of the actor's cluster clusterID in order,
// new, once: when the cluster has ideas already it returns them and
// changes nothing.
func (db *DB) SaveIdeas(ctx context.Context, siteID, clusterID int64, ideas []*igny8.Idea) ([]*igny8.Idea, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	for n, i := range ideas {
		if i.Title == "" {
			return nil, igny8.Errorf(igny8.EInvalid, "Idea %d has no title.", n+1)
		}
		if !slices.Contains(igny8.EntityTypes, i.EntityType) {
			return nil, igny8.Errorf(igny8.EInvalid, "Idea %d's entity type %q is not one of %s.", n+1, i.EntityType, strings.Join(igny8.EntityTypes, ", "))
		}
		if i.EstimatedWords < 0 {
			return nil, igny8.Errorf(igny8.EInvalid, "Idea %d estimates %d words.", n+1, i.EstimatedWords)
		}
	}
	var out []*igny8.Idea
	list := func(tx pgx.Tx) (err error) {
		out, err = collectIdeas(tx.Query(ctx, ideaSelect+` WHERE i.account_id = $1 AND i.cluster_id = $2 ORDER BY i.ordinal`, a.AccountID, clusterID))
		return err
	}
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		// The cluster's lock orders two deliveries: the second finds the
		// first's ideas.
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM clusters WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`,
			a.AccountID, siteID, clusterID).Scan(&id)
		if err == pgx.ErrNoRows {
			return noCluster(siteID, clusterID)
		} else if err != nil {
			return err
		}
		if err := list(tx); err != nil || len(out) > 0 {
			return err
		}
		for n, i := range ideas {
			if _, err := tx.Exec(ctx, `INSERT INTO ideas (account_id, site_id, cluster_id, ordinal, title, angle, outline, target_keyword,
					secondary_keywords, intent, entity_type, estimated_words, provider, model, prompt, prompt_version, offline)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
				a.AccountID, siteID, clusterID, n, i.Title, i.Angle, stringsJSON(i.Outline), i.TargetKeyword,
				stringsJSON(i.SecondaryKeywords), i.Intent, i.EntityType, i.EstimatedWords,
				i.Provider, i.Model, i.Prompt, i.PromptVersion, i.Offline); err != nil {
				return err
			}
		}
		if err := list(tx); err != nil || len(out) == 0 {
			return err
		}
		return audit(ctx, tx, "ideas.save", "cluster", clusterID, map[string]any{"site_id": siteID, "ideas": len(out)})
	})
	return out, err
}

// Idea returns idea id of the actor's site.
func (db *DB) Idea(ctx context.Context, siteID, id int64) (*igny8.Idea, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var i *igny8.Idea
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		i, err = scanIdea(tx.QueryRow(ctx, ideaSelect+` WHERE i.account_id = $1 AND i.site_id = $2 AND i.id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return noIdea(siteID, id)
		}
		return err
	})
	return i, err
}

// Ideas lists the ideas of the actor's site, of one cluster when clusterID
// is set and of one status when status is not "", with ids after `after`,
// at most limit (0: all).
func (db *DB) Ideas(ctx context.Context, siteID int64, clusterID *int64, status string, after int64, limit int) ([]*igny8.Idea, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Idea
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		out, err = collectIdeas(tx.Query(ctx, ideaSelect+` WHERE i.account_id = $1 AND i.site_id = $2 AND i.id > $3
			AND ($4::bigint IS NULL OR i.cluster_id = $4) AND ($5 = '' OR i.status = $5)
			ORDER BY i.id LIMIT $6`, a.AccountID, siteID, after, clusterID, status, limitArg(limit)))
		return err
	})
	return out, err
}

// Word targets of a task: a target outside them is refused, an idea's
// estimate outside them is clamped, and an idea without one gets the
// default.
const (
	minWordTarget     = 50
	maxWordTarget     = 10000
	defaultWordTarget = 1000
)

// ApproveIdea approves idea id of the actor's site and makes its writing
// task, queued, for wordTarget words (0: the idea's estimate, clamped to
// 50–10000, or 1000 without one). Approving it again returns the same task
// and changes nothing.
func (db *DB) ApproveIdea(ctx context.Context, siteID, id int64, wordTarget int) (*igny8.Idea, *igny8.Task, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	if wordTarget != 0 && (wordTarget < minWordTarget || wordTarget > maxWordTarget) {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "A word target is between %d and %d words, not %d.", minWordTarget, maxWordTarget, wordTarget)
	}
	var idea *igny8.Idea
	var task *igny8.Task
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		idea, err = lockIdea(ctx, tx, a.AccountID, siteID, id)
		if err != nil {
			return err
		}
		if idea.TaskID == nil {
			wt := wordTarget
			if wt == 0 {
				wt = defaultWordTarget
				if idea.EstimatedWords > 0 {
					wt = min(max(idea.EstimatedWords, minWordTarget), maxWordTarget)
				}
			}
			var taskID int64
			if err := tx.QueryRow(ctx, `INSERT INTO tasks (account_id, site_id, idea_id, word_target, created_by)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.AccountID, siteID, id, wt, userArg(a)).Scan(&taskID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE ideas SET status = 'approved' WHERE account_id = $1 AND id = $2`, a.AccountID, id); err != nil {
				return err
			}
			idea.Status, idea.TaskID = igny8.IdeaApproved, &taskID
			if err := audit(ctx, tx, "idea.approve", "idea", id, map[string]any{"site_id": siteID, "task_id": taskID}); err != nil {
				return err
			}
		}
		task, err = scanTask(tx.QueryRow(ctx, taskSelect+` WHERE t.account_id = $1 AND t.id = $2`, a.AccountID, *idea.TaskID))
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return idea, task, nil
}

// lockIdea locks idea id of the site, then reads it with its task. Two
// statements: the read after the lock sees a task a concurrent approval
// committed while this one waited (a join in the locking statement would
// not).
func lockIdea(ctx context.Context, tx pgx.Tx, accountID, siteID, id int64) (*igny8.Idea, error) {
	var locked int64
	err := tx.QueryRow(ctx, `SELECT id FROM ideas WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`,
		accountID, siteID, id).Scan(&locked)
	if err == pgx.ErrNoRows {
		return nil, noIdea(siteID, id)
	} else if err != nil {
		return nil, err
	}
	return scanIdea(tx.QueryRow(ctx, ideaSelect+` WHERE i.account_id = $1 AND i.id = $2`, accountID, id))
}

// RejectIdea rejects idea id of the actor's site. An idea that has its
// task already is a conflict: the writing has been asked for.
func (db *DB) RejectIdea(ctx context.Context, siteID, id int64) (*igny8.Idea, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var idea *igny8.Idea
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		idea, err = lockIdea(ctx, tx, a.AccountID, siteID, id)
		if err != nil {
			return err
		}
		if idea.TaskID != nil {
			return igny8.Errorf(igny8.EConflict, "Idea %d is approved and has task %d; it cannot be rejected.", id, *idea.TaskID)
		}
		if idea.Status == igny8.IdeaRejected {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE ideas SET status = 'rejected' WHERE account_id = $1 AND id = $2`, a.AccountID, id); err != nil {
			return err
		}
		idea.Status = igny8.IdeaRejected
		return audit(ctx, tx, "idea.reject", "idea", id, map[string]any{"site_id": siteID})
	})
	return idea, err
}

// taskSelect reads tasks (as t) with their idea's title and entity type.
const taskSelect = `SELECT t.id, t.account_id, t.site_id, t.idea_id, i.title, i.entity_type, t.word_target, t.status,
	t.content_id, t.error, t.created_at, t.updated_at
	FROM tasks t JOIN ideas i ON i.account_id = t.account_id AND i.id = t.idea_id`

func scanTask(row pgx.Row) (*igny8.Task, error) {
	var t igny8.Task
	err := row.Scan(&t.ID, &t.AccountID, &t.SiteID, &t.IdeaID, &t.Title, &t.EntityType, &t.WordTarget, &t.Status,
		&t.ContentID, &t.Error, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func noTask(siteID, id int64) error {
	return igny8.Errorf(igny8.ENotFound, "There is no task %d in site %d.", id, siteID)
}

// Task returns task id of the actor's site.
func (db *DB) Task(ctx context.Context, siteID, id int64) (*igny8.Task, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var t *igny8.Task
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		t, err = scanTask(tx.QueryRow(ctx, taskSelect+` WHERE t.account_id = $1 AND t.site_id = $2 AND t.id = $3`, a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return noTask(siteID, id)
		}
		return err
	})
	return t, err
}

// Tasks lists the tasks of the actor's site, of one status when status is
// not "", with ids after `after`, at most limit (0: all).
func (db *DB) Tasks(ctx context.Context, siteID int64, status string, after int64, limit int) ([]*igny8.Task, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Task
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, taskSelect+` WHERE t.account_id = $1 AND t.site_id = $2 AND t.id > $3 AND ($4 = '' OR t.status = $4)
			ORDER BY t.id LIMIT $5`, a.AccountID, siteID, after, status, limitArg(limit))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Task, error) { return scanTask(r) })
		return err
	})
	return out, err
}

// SetTaskStatus moves task id of the actor's site to writing (clearing its
// error) or to failed with msg. A done task stays done: its content is
// written, and a redelivered job may call this again harmlessly.
func (db *DB) SetTaskStatus(ctx context.Context, siteID, id int64, status, msg string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	switch status {
	case igny8.TaskWriting:
		msg = ""
	case igny8.TaskFailed, igny8.TaskQueued: // queued: its job stopped and will write it again
	default:
		return igny8.Errorf(igny8.EInvalid, "A task can be set queued, writing or failed, not %q.", status)
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		var cur string
		err := tx.QueryRow(ctx, `SELECT status FROM tasks WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`,
			a.AccountID, siteID, id).Scan(&cur)
		if err == pgx.ErrNoRows {
			return noTask(siteID, id)
		} else if err != nil || cur == igny8.TaskDone {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE tasks SET status = $3, error = $4, updated_at = now() WHERE account_id = $1 AND id = $2`,
			a.AccountID, id, status, truncate(msg, 2000))
		return err
	})
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
