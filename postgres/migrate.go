package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/igny8/igny8/migrations"
)

// Migration is one embedded schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		b, err := fs.ReadFile(migrations.FS, e.Name())
		if err != nil {
			return nil, err
		}
		v, _ := strconv.Atoi(m[1])
		ms = append(ms, Migration{Version: v, Name: m[2], SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations: expected version %d, found %04d_%s.sql", i+1, m.Version, m.Name)
		}
	}
	return ms, nil
}

func latestVersion() (int, error) {
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	return len(ms), nil
}

// Migrate applies the migrations url's database lacks, each in its own
// transaction, as the connecting user (who becomes the tables' owner; the
// application itself runs as AppRole). Concurrent Migrate calls on one
// database wait for each other. progress, if not nil, hears of each
// migration applied. It returns the number applied.
func Migrate(ctx context.Context, url string, progress func(Migration)) (int, error) {
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("migrate: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	const lockKey = 0x1697_0001 // any constant, the same in every igny8
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return 0, fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey)

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if have > len(ms) {
		return 0, fmt.Errorf("migrate: the database is at version %d, newer than this binary's %d", have, len(ms))
	}
	applied := 0
	for _, m := range ms[have:] {
		if err := applyMigration(ctx, conn, m); err != nil {
			return applied, err
		}
		applied++
		if progress != nil {
			progress(m)
		}
	}
	// The application reads the version to check the schema at start.
	if _, err := conn.Exec(ctx, `GRANT SELECT ON schema_migrations TO `+AppRole); err != nil {
		return applied, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}

// applyMigration runs one migration in a transaction. Roles are shared by
// the cluster, so a migration of another database creating them at the
// same moment can fail this one; it is retried.
func applyMigration(ctx context.Context, conn *pgx.Conn, m Migration) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err == nil || !roleRace(err) {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("migrate: %04d_%s.sql: %w", m.Version, m.Name, err)
	}
	return nil
}

func roleRace(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	// unique_violation on pg_authid, duplicate_object, "tuple concurrently updated"
	return pg.Code == "23505" || pg.Code == "42710" || pg.Code == "XX000"
}
