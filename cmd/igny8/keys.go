package main

import (
	"context"
	"fmt"

	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/secrets"
)

// runKeys manages the key ring that seals integrations' credentials.
func runKeys(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "keys", "add|rotate", `Manages the key ring that seals integrations' credentials (IGNY8_SECRETS_KEYS or
IGNY8_SECRETS_KEY_FILE).

  igny8 keys add      adds a new key to IGNY8_SECRETS_KEY_FILE and makes it the primary
                      (with -primary=false, adds it without; do that first on a fleet,
                      restart every process, then make it primary)
  igny8 keys rotate   re-encrypts every credential not sealed with the primary key
                      (DATABASE_URL); afterwards the old keys can be removed

A key ring in IGNY8_SECRETS_KEYS is edited by hand: put a new "id:base64key" entry
(openssl rand -base64 32) first, restart, then run igny8 keys rotate.`)
	primary := fs.Bool("primary", true, "keys add: make the new key the primary")
	batch := fs.Int("batch", 100, "keys rotate: credentials per transaction")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("give add or rotate")
	}
	switch rest[0] {
	case "add":
		file := e.getenv(secrets.EnvKeyFile)
		if file == "" {
			return usagef("%s is not set: keys add edits a key file (a ring in %s is edited by hand)", secrets.EnvKeyFile, secrets.EnvKeys)
		}
		id, err := secrets.AddKeyToFile(file, *primary)
		if err != nil {
			return err
		}
		what := "as the primary: restart the processes, then run igny8 keys rotate"
		if !*primary {
			what = "(not primary yet)"
		}
		fmt.Fprintf(e.stdout, "Added key %d to %s %s.\n", id, file, what)
		return nil
	case "rotate":
		ring, err := loadKeyRing(e.getenv)
		if err != nil {
			return err
		}
		if ring == nil {
			return usagef("set %s or %s", secrets.EnvKeys, secrets.EnvKeyFile)
		}
		cfg, err := loadConfig(e.getenv)
		if err != nil {
			return err
		}
		if cfg.DatabaseURL == "" {
			return usagef("DATABASE_URL is not set")
		}
		db, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer db.Close()
		n, err := db.RotateCredentials(ctx, ring.Primary(), *batch, func(accountID, integrationID int64, ct []byte) ([]byte, uint32, bool, error) {
			out, changed, err := ring.Reencrypt(ct, secrets.AssociatedData(secrets.PurposeIntegrationCredentials, accountID, integrationID))
			if err != nil {
				return nil, 0, false, fmt.Errorf("integration %d of account %d: %w", integrationID, accountID, err)
			}
			return out, ring.Primary(), changed, nil
		})
		fmt.Fprintf(e.stdout, "Re-encrypted %d credentials with key %d.\n", n, ring.Primary())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Every credential is now sealed with key %d; keys %v other than it can be retired.\n", ring.Primary(), ring.IDs())
		return nil
	}
	return usagef("unknown keys command %q: give add or rotate", rest[0])
}
