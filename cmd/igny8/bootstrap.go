package main

import (
	"context"
	"fmt"
	"strings"
)

// runBootstrap makes sure a new installation has its system account, with
// an owner who administers plans and accounts, and prints a token for it.
func runBootstrap(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bootstrap", "--email EMAIL", "Makes sure the system account exists, with EMAIL as an owner, and prints a new\nAPI token for that owner: the first token of an installation, with which accounts\nand plans are created through the API. A password for /v1/login comes from\nIGNY8_ADMIN_PASSWORD (optional; tokens work without one). Run `igny8 migrate` first.")
	email := fs.String("email", "", "the administrator's email address (required)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if !strings.Contains(*email, "@") {
		return usagef("--email must be the administrator's email address")
	}
	_, db, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	acc, tok, err := db.Bootstrap(ctx, *email, e.getenv("IGNY8_ADMIN_PASSWORD"))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "System account %q (id %d); %s is an owner. The token is shown once:\n", acc.Slug, acc.ID, strings.ToLower(*email))
	fmt.Fprintln(e.stdout, tok.Secret)
	return nil
}
