// Package migrations holds the Postgres schema as numbered SQL files,
// embedded so the binary carries its own schema.
//
// A file is named NNNN_name.sql and runs once, in one transaction, in
// number order (see postgres.Migrate). Files are never edited after they
// ship; a change is a new file.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
