package main

import (
	"context"
	"fmt"

	"github.com/igny8/igny8/postgres"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate", "", "Applies the schema migrations DATABASE_URL's database lacks, as the connecting user\n(who owns the tables; the application itself runs as the igny8_app role). Safe to\nrun again and from several machines at once.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return usagef("DATABASE_URL is not set")
	}
	n, err := postgres.Migrate(ctx, cfg.DatabaseURL, func(m postgres.Migration) {
		fmt.Fprintf(e.stderr, "applied %04d_%s\n", m.Version, m.Name)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Schema up to date (%d migrations applied)\n", n)
	return nil
}
