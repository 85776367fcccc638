package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/igny8/igny8"
)

// translate turns driver errors into igny8 errors, once, at the edge of
// the package. Errors already of type *igny8.Error pass through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var e *igny8.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return igny8.Errorf(igny8.ENotFound, "Not found.")
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return err
	}
	switch pg.Code {
	case "23505": // unique_violation
		return igny8.Errorf(igny8.EConflict, "%s already exists.", uniqueWhat(pg.ConstraintName))
	case "23503": // foreign_key_violation
		return igny8.Errorf(igny8.ENotFound, "A referenced object does not exist.")
	case "23514", "23502", "22P02", "22001", "22003", "22023": // check, not null, bad text, too long, out of range, bad parameter
		return igny8.Errorf(igny8.EInvalid, "Invalid value (%s).", pg.ConstraintName+pgDetail(pg))
	case "42501": // insufficient_privilege, including a row-level security violation
		return igny8.Errorf(igny8.EForbidden, "Not allowed.")
	case "40001", "40P01": // serialization failure, deadlock
		return igny8.Errorf(igny8.EConflict, "A concurrent change got in the way; retry.")
	}
	return err
}

func pgDetail(pg *pgconn.PgError) string {
	if pg.ConstraintName != "" {
		return ""
	}
	return pg.Message
}

// uniqueWhat names the thing a unique constraint protects, for messages.
func uniqueWhat(constraint string) string {
	switch {
	case strings.HasPrefix(constraint, "sites_slug"):
		return "A site with this slug"
	case strings.HasPrefix(constraint, "site_integrations_site_id_platform_url"):
		return "An integration of this site with this platform and URL"
	case strings.HasPrefix(constraint, "domains_site_hostname"):
		return "A claim of this host name by this site"
	case strings.HasPrefix(constraint, "domains_verified_hostname"):
		return "A verified claim of this host name"
	case strings.HasPrefix(constraint, "sites_storage_id"):
		return "A site with this storage id"
	case strings.HasPrefix(constraint, "users_email"):
		return "A user with this email"
	case strings.HasPrefix(constraint, "accounts_slug"):
		return "An account with this slug"
	case strings.HasPrefix(constraint, "plans_slug"):
		return "A plan with this slug"
	case strings.HasPrefix(constraint, "sectors_site_id_slug"):
		return "A sector with this slug"
	case strings.HasPrefix(constraint, "page_blueprints_site_blueprint_id_slug"):
		return "A page with this id"
	case strings.HasPrefix(constraint, "memberships_pkey"):
		return "This member"
	case strings.HasPrefix(constraint, "domains_one_primary"):
		return "A primary domain for this site"
	case strings.HasPrefix(constraint, "keywords_unique"):
		return "This keyword"
	case strings.HasPrefix(constraint, "clusters_site_id_batch_key"):
		return "A cluster of this clustering request"
	case strings.HasPrefix(constraint, "ideas_cluster_id_ordinal"):
		return "This idea of the cluster"
	case strings.HasPrefix(constraint, "tasks_idea_id"):
		return "A task for this idea"
	case strings.HasPrefix(constraint, "contents_site_id_slug"):
		return "Content with this slug"
	case strings.HasPrefix(constraint, "contents_task_id"):
		return "Content of this task"
	case strings.HasPrefix(constraint, "content_revisions_content_id_revision"):
		return "This revision of the content"
	case strings.HasPrefix(constraint, "content_images_content_id_position"):
		return "An image at this position"
	case strings.HasPrefix(constraint, "prompt_overrides_account_id_name_version"):
		return "This version of the prompt override"
	}
	return "An object with these values"
}
