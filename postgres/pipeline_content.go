package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
)

const contentColumns = `id, account_id, site_id, task_id, entity_type, title, slug, meta_title, meta_description, excerpt,
	target_keyword, word_count, status, page, revision, provider, model, prompt, prompt_version, offline,
	published_at, created_at, updated_at`

func scanContent(row pgx.Row) (*igny8.Content, error) {
	var c igny8.Content
	err := row.Scan(&c.ID, &c.AccountID, &c.SiteID, &c.TaskID, &c.EntityType, &c.Title, &c.Slug, &c.MetaTitle, &c.MetaDescription,
		&c.Excerpt, &c.TargetKeyword, &c.WordCount, &c.Status, &c.Page, &c.Revision, &c.Provider, &c.Model, &c.Prompt,
		&c.PromptVersion, &c.Offline, &c.PublishedAt, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func noContent(siteID, id int64) error {
	return igny8.Errorf(igny8.ENotFound, "There is no content %d in site %d.", id, siteID)
}

// lockContent reads content id of the site for update.
func lockContent(ctx context.Context, tx pgx.Tx, accountID, siteID, id int64) (*igny8.Content, error) {
	c, err := scanContent(tx.QueryRow(ctx, `SELECT `+contentColumns+` FROM contents WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`,
		accountID, siteID, id))
	if err == pgx.ErrNoRows {
		return nil, noContent(siteID, id)
	}
	return c, err
}

// checkContent refuses content the table would refuse, with a sentence.
func checkContent(c *igny8.Content) error {
	if !slices.Contains(igny8.EntityTypes, c.EntityType) {
		return igny8.Errorf(igny8.EInvalid, "The content's entity type %q is not one of %s.", c.EntityType, strings.Join(igny8.EntityTypes, ", "))
	}
	if c.Title == "" {
		return igny8.Errorf(igny8.EInvalid, "The content has no title.")
	}
	return checkPageJSON(c)
}

func checkPageJSON(c *igny8.Content) error {
	if len(c.Page) == 0 || !json.Valid(c.Page) || c.Page[0] != '{' {
		return igny8.Errorf(igny8.EInvalid, "The content's page is not a JSON object.")
	}
	if c.WordCount < 0 {
		return igny8.Errorf(igny8.EInvalid, "The content's word count cannot be negative.")
	}
	return nil
}

const maxSlugLen = 80

// contentSlug makes s a content slug (see slugify), at most maxSlugLen
// long. It may return "".
func contentSlug(s string) string { return slugify(s, maxSlugLen) }

// slugCandidate is the nth choice of slug for base: base itself, then
// base-2, base-3…, with base shortened to keep within maxSlugLen.
func slugCandidate(base string, n int) string {
	if n == 1 {
		return base
	}
	suffix := "-" + strconv.Itoa(n)
	if len(base)+len(suffix) > maxSlugLen {
		base = strings.TrimRight(base[:maxSlugLen-len(suffix)], "-")
	}
	return base + suffix
}

// freeSlug returns the first candidate for base that no content of the
// site has and no page of its active blueprint uses (publishing the
// content would replace that page). The caller holds the site's lock.
func freeSlug(ctx context.Context, tx pgx.Tx, accountID, siteID int64, base string) (string, error) {
	for n := 1; n <= 1000; n++ {
		slug := slugCandidate(base, n)
		var taken bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contents WHERE account_id = $1 AND site_id = $2 AND slug = $3)
			OR EXISTS (SELECT 1 FROM page_blueprints p JOIN site_blueprints b ON b.account_id = p.account_id AND b.id = p.site_blueprint_id
				WHERE b.account_id = $1 AND b.site_id = $2 AND b.status = 'active' AND p.slug = $3)`, accountID, siteID, slug).Scan(&taken)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
	}
	return "", igny8.Errorf(igny8.EConflict, "Site %d has too many pages called %q.", siteID, base)
}

// renamePage returns page with its "id" from → to and the last segment of
// its "path" too, when they are from; the rest is unchanged.
func renamePage(page json.RawMessage, from, to string) (json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(page, &top); err != nil {
		return nil, igny8.Errorf(igny8.EInvalid, "The content's page is not a JSON object.")
	}
	var id, path string
	_ = json.Unmarshal(top["id"], &id)
	_ = json.Unmarshal(top["path"], &path)
	changed := false
	if id == from {
		top["id"], _ = json.Marshal(to)
		changed = true
	}
	if trimmed := strings.TrimSuffix(path, "/"); strings.HasSuffix(trimmed, "/"+from) {
		p := strings.TrimSuffix(trimmed, from) + to
		if strings.HasSuffix(path, "/") {
			p += "/"
		}
		top["path"], _ = json.Marshal(p)
		changed = true
	}
	if !changed {
		return page, nil
	}
	return json.Marshal(top)
}

// SaveTaskContent writes c, the content task taskID of the actor's site
// produced: a draft at revision 1 whose first revision is from source
// "ai", and marks the task done. It does so once: when the task has
// content already, that is returned with created false and nothing
// changes. A slug another content of the site (or a page of its
// blueprint) has gets -2, -3… appended, and so do the page's id and last
// path segment when they are the slug; an empty slug is made from the
// title.
func (db *DB) SaveTaskContent(ctx context.Context, siteID, taskID int64, c *igny8.Content) (*igny8.Content, bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	var out *igny8.Content
	created := false
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		// The site's lock makes the choice of slug and the insert one step.
		if err := lockSiteForUpdate(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		var locked int64
		err := tx.QueryRow(ctx, `SELECT id FROM tasks WHERE account_id = $1 AND site_id = $2 AND id = $3 FOR UPDATE`,
			a.AccountID, siteID, taskID).Scan(&locked)
		if err == pgx.ErrNoRows {
			return noTask(siteID, taskID)
		} else if err != nil {
			return err
		}
		out, err = scanContent(tx.QueryRow(ctx, `SELECT `+contentColumns+` FROM contents WHERE account_id = $1 AND task_id = $2`, a.AccountID, taskID))
		if err != pgx.ErrNoRows {
			return err // the task's content, written before, or an error
		}
		if err := checkContent(c); err != nil {
			return err
		}
		slug, page, err := placeContent(ctx, tx, a.AccountID, siteID, c)
		if err != nil {
			return err
		}
		out, err = scanContent(tx.QueryRow(ctx, `INSERT INTO contents (account_id, site_id, task_id, entity_type, title, slug,
				meta_title, meta_description, excerpt, target_keyword, word_count, page, provider, model, prompt, prompt_version, offline)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING `+contentColumns,
			a.AccountID, siteID, taskID, c.EntityType, c.Title, slug, c.MetaTitle, c.MetaDescription, c.Excerpt, c.TargetKeyword,
			c.WordCount, []byte(page), c.Provider, c.Model, c.Prompt, c.PromptVersion, c.Offline))
		if err != nil {
			return err
		}
		if err := addRevision(ctx, tx, a, out, "ai"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tasks SET status = 'done', content_id = $3, error = '', updated_at = now()
			WHERE account_id = $1 AND id = $2`, a.AccountID, taskID, out.ID); err != nil {
			return err
		}
		created = true
		return audit(ctx, tx, "content.create", "content", out.ID, map[string]any{"site_id": siteID, "task_id": taskID, "slug": slug})
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// placeContent chooses new content c's slug in the site (its own, else
// one made of its title, with -2, -3… appended when taken) and returns it
// with c's page renamed to it. The caller holds the site's lock.
func placeContent(ctx context.Context, tx pgx.Tx, accountID, siteID int64, c *igny8.Content) (string, json.RawMessage, error) {
	base := contentSlug(c.Slug)
	if base == "" {
		base = contentSlug(c.Title)
	}
	if base == "" {
		base = "content"
	}
	slug, err := freeSlug(ctx, tx, accountID, siteID, base)
	if err != nil {
		return "", nil, err
	}
	page := c.Page
	if slug != c.Slug && c.Slug != "" {
		if page, err = renamePage(page, c.Slug, slug); err != nil {
			return "", nil, err
		}
	}
	return slug, page, nil
}

// addRevision records c's page as its revision c.Revision.
func addRevision(ctx context.Context, tx pgx.Tx, a igny8.Actor, c *igny8.Content, source string) error {
	_, err := tx.Exec(ctx, `INSERT INTO content_revisions (account_id, content_id, revision, source, page, created_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.AccountID, c.ID, c.Revision, source, []byte(c.Page), userArg(a))
	return err
}

// Content returns content id of the actor's site.
func (db *DB) Content(ctx context.Context, siteID, id int64) (*igny8.Content, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *igny8.Content
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		c, err = scanContent(tx.QueryRow(ctx, `SELECT `+contentColumns+` FROM contents WHERE account_id = $1 AND site_id = $2 AND id = $3`,
			a.AccountID, siteID, id))
		if err == pgx.ErrNoRows {
			return noContent(siteID, id)
		}
		return err
	})
	return c, err
}

// Contents lists the content of the actor's site that f selects, by id.
func (db *DB) Contents(ctx context.Context, siteID int64, f igny8.ContentFilter) ([]*igny8.Content, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.Content
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, a.AccountID, siteID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+contentColumns+` FROM contents WHERE account_id = $1 AND site_id = $2 AND id > $3
			AND ($4 = '' OR status = $4) AND ($5 = '' OR entity_type = $5) ORDER BY id LIMIT $6`,
			a.AccountID, siteID, f.After, f.Status, f.EntityType, limitArg(f.Limit))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Content, error) { return scanContent(r) })
		return err
	})
	return out, err
}

// ReviseContent makes c.Page the page of content id of the actor's site,
// as a new revision from source ("edit" when ""), with the facts derived
// from it: title (kept when ""), meta title and description, excerpt and
// word count; the target keyword and provenance change when c sets them.
// The slug, entity type and status stay. expect, when not 0, is the
// revision the change was made on: a later one is a conflict.
func (db *DB) ReviseContent(ctx context.Context, siteID, id int64, c *igny8.Content, source string, expect int) (*igny8.Content, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkPageJSON(c); err != nil {
		return nil, err
	}
	if source == "" {
		source = "edit"
	}
	var out *igny8.Content
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		out, err = reviseContent(ctx, tx, a, siteID, id, c, source, expect)
		return err
	})
	return out, err
}

// reviseContent is ReviseContent inside tx.
func reviseContent(ctx context.Context, tx pgx.Tx, a igny8.Actor, siteID, id int64, c *igny8.Content, source string, expect int) (*igny8.Content, error) {
	cur, err := lockContent(ctx, tx, a.AccountID, siteID, id)
	if err != nil {
		return nil, err
	}
	if expect != 0 && expect != cur.Revision {
		return nil, igny8.Errorf(igny8.EConflict, "Content %d changed since revision %d (it is at %d); reload it and edit again.", id, expect, cur.Revision)
	}
	title := c.Title
	if title == "" {
		title = cur.Title
	}
	out, err := scanContent(tx.QueryRow(ctx, `UPDATE contents SET title = $3, meta_title = $4, meta_description = $5, excerpt = $6,
			word_count = $7, page = $8, target_keyword = coalesce(nullif($9, ''), target_keyword),
			provider = CASE WHEN $10 = '' THEN provider ELSE $10 END,
			model = CASE WHEN $10 = '' THEN model ELSE $11 END,
			prompt = CASE WHEN $10 = '' THEN prompt ELSE $12 END,
			prompt_version = CASE WHEN $10 = '' THEN prompt_version ELSE $13 END,
			offline = CASE WHEN $10 = '' THEN offline ELSE $14 END,
			revision = revision + 1, updated_at = now()
		WHERE account_id = $1 AND id = $2 RETURNING `+contentColumns,
		a.AccountID, id, title, c.MetaTitle, c.MetaDescription, c.Excerpt, c.WordCount, []byte(c.Page), c.TargetKeyword,
		c.Provider, c.Model, c.Prompt, c.PromptVersion, c.Offline))
	if err != nil {
		return nil, err
	}
	if err := addRevision(ctx, tx, a, out, source); err != nil {
		return nil, err
	}
	return out, audit(ctx, tx, "content.revise", "content", id, map[string]any{"site_id": siteID, "revision": out.Revision, "source": source})
}

// contentOrder is the order content moves through before publication.
var contentOrder = []string{igny8.ContentDraft, igny8.ContentReview, igny8.ContentApproved, igny8.ContentPublished}

// contentMove says whether content may go from status cur to next: one
// step on (draft → review → approved → published), back to draft from
// anywhere, or to where it is (published again refreshes published_at).
// It returns the sentence that says why not.
func contentMove(id int64, cur, next string) error {
	i := slices.Index(contentOrder, cur)
	if next == igny8.ContentDraft || next == cur || (i >= 0 && i+1 < len(contentOrder) && contentOrder[i+1] == next) {
		return nil
	}
	if i >= 0 && i+1 < len(contentOrder) {
		return igny8.Errorf(igny8.EInvalid, "Content %d is %s: it can move on to %s or back to draft, not to %s.", id, cur, contentOrder[i+1], next)
	}
	return igny8.Errorf(igny8.EInvalid, "Content %d is %s: it can be published again or go back to draft, not to %s.", id, cur, next)
}

// SetContentStatus moves content id of the actor's site along draft →
// review → approved → published, back to draft from anywhere, or leaves it
// where it is; publishing (again) sets published_at. Other moves are
// invalid.
func (db *DB) SetContentStatus(ctx context.Context, siteID, id int64, status string) (*igny8.Content, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(contentOrder, status) {
		return nil, igny8.Errorf(igny8.EInvalid, "%q is not a content status; the statuses are %s.", status, strings.Join(contentOrder, ", "))
	}
	var out *igny8.Content
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		cur, err := lockContent(ctx, tx, a.AccountID, siteID, id)
		if err != nil {
			return err
		}
		if err := contentMove(id, cur.Status, status); err != nil {
			return err
		}
		if cur.Status == status && status != igny8.ContentPublished {
			out = cur
			return nil
		}
		out, err = scanContent(tx.QueryRow(ctx, `UPDATE contents SET status = $3, updated_at = now(),
				published_at = CASE WHEN $3 = 'published' THEN now() ELSE published_at END
			WHERE account_id = $1 AND id = $2 RETURNING `+contentColumns, a.AccountID, id, status))
		if err != nil {
			return err
		}
		return audit(ctx, tx, "content.status", "content", id, map[string]any{"site_id": siteID, "from": cur.Status, "to": status})
	})
	return out, err
}

// ContentRevisions lists the revisions of content contentID of the
// actor's site, oldest first.
func (db *DB) ContentRevisions(ctx context.Context, siteID, contentID int64) ([]*igny8.ContentRevision, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.ContentRevision
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		if err := contentExists(ctx, tx, a.AccountID, siteID, contentID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, account_id, content_id, revision, source, page, created_by, created_at
			FROM content_revisions WHERE account_id = $1 AND content_id = $2 ORDER BY revision`, a.AccountID, contentID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.ContentRevision, error) {
			var v igny8.ContentRevision
			err := r.Scan(&v.ID, &v.AccountID, &v.ContentID, &v.Revision, &v.Source, &v.Page, &v.CreatedBy, &v.CreatedAt)
			return &v, err
		})
		return err
	})
	return out, err
}
