package postgres_test

import (
	"context"
	"fmt"
	neturl "net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// tenantTables lists the tables that carry account_id, from the catalog.
func tenantTables(t *testing.T, c *pgx.Conn) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), `
		SELECT c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'account_id' AND NOT a.attisdropped
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 10 {
		t.Fatalf("found only %d tables with account_id: %v", len(names), names)
	}
	return names
}

func ownerConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func TestMigrateIsIdempotent(t *testing.T) {
	url := pgtest.URL(t)
	n, err := postgres.Migrate(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("second Migrate applied %d migrations, want 0", n)
	}
}

// Every table with account_id must have row-level security enabled and
// forced, and a policy; the application role must own nothing and be
// unable to bypass it.
func TestCatalogEveryTenantTableForcesRLS(t *testing.T) {
	c := ownerConn(t, pgtest.URL(t))
	ctx := context.Background()
	for _, table := range tenantTables(t, c) {
		var enabled, forced bool
		var policies int
		err := c.QueryRow(ctx, `SELECT relrowsecurity, relforcerowsecurity,
			(SELECT count(*) FROM pg_policy WHERE polrelid = c.oid)
			FROM pg_class c WHERE relname = $1 AND relnamespace = 'public'::regnamespace`, table).Scan(&enabled, &forced, &policies)
		if err != nil {
			t.Fatal(err)
		}
		if !enabled || !forced || policies == 0 {
			t.Errorf("table %s: row level security enabled=%v forced=%v, %d policies; want enabled, forced, ≥1 policy", table, enabled, forced, policies)
		}
	}
	for _, role := range []string{postgres.AppRole, postgres.WorkerRole} {
		var super, bypass bool
		var owned int
		err := c.QueryRow(ctx, `SELECT rolsuper, rolbypassrls,
			(SELECT count(*) FROM pg_class WHERE relowner = r.oid)
			FROM pg_roles r WHERE rolname = $1`, role).Scan(&super, &bypass, &owned)
		if err != nil {
			t.Fatal(err)
		}
		if super || bypass || owned != 0 {
			t.Errorf("role %s: superuser=%v bypassrls=%v owns %d relations; want none of these", role, super, bypass, owned)
		}
	}
}

// seedTwoAccounts inserts, as the owner, one row into every tenant table
// for each of two accounts, and returns their ids.
func seedTwoAccounts(t *testing.T, c *pgx.Conn) (a, b int64) {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, 2)
	for i, name := range []string{"alpha", "beta"} {
		var acc, user, site, bp int64
		q := func(dst *int64, sql string, args ...any) {
			t.Helper()
			if err := c.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
				t.Fatalf("seed %s: %s: %v", name, sql, err)
			}
		}
		exec := func(sql string, args ...any) {
			t.Helper()
			if _, err := c.Exec(ctx, sql, args...); err != nil {
				t.Fatalf("seed %s: %s: %v", name, sql, err)
			}
		}
		q(&acc, `INSERT INTO accounts (slug, name) VALUES ($1, $1) RETURNING id`, name)
		q(&user, `INSERT INTO users (email) VALUES ($1) RETURNING id`, name+"@example.com")
		exec(`INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, 'owner')`, acc, user)
		exec(`INSERT INTO api_tokens (account_id, user_id, token_hash, prefix, role) VALUES ($1, $2, sha256($3::bytea), 'x', 'owner')`, acc, user, name)
		q(&site, `INSERT INTO sites (account_id, slug, name) VALUES ($1, $2, $2) RETURNING id`, acc, name+"-site")
		exec(`INSERT INTO sectors (account_id, site_id, slug, name) VALUES ($1, $2, 'main', 'Main')`, acc, site)
		exec(`INSERT INTO domains (account_id, site_id, hostname, verification_token) VALUES ($1, $2, $3, 't')`, acc, site, name+".example.com")
		q(&bp, `INSERT INTO site_blueprints (account_id, site_id, version, config_json) VALUES ($1, $2, 1, '{}') RETURNING id`, acc, site)
		exec(`INSERT INTO page_blueprints (account_id, site_blueprint_id, slug, type, blocks_json, position) VALUES ($1, $2, 'home', 'home', '{}', 0)`, acc, bp)
		exec(`INSERT INTO deployments (account_id, site_id, version, type) VALUES ($1, $2, 1, 'build')`, acc, site)
		exec(`INSERT INTO audit_log (account_id, action, object_type) VALUES ($1, 'seed', 'site')`, acc)
		exec(`INSERT INTO outbox (account_id, kind) VALUES ($1, 'seed')`, acc)
		exec(`INSERT INTO idempotency_keys (account_id, token_id, key, request_hash) VALUES ($1, 1, 'k', '\x00')`, acc)
		exec(`INSERT INTO credit_balances (account_id, balance) VALUES ($1, 10)`, acc)
		exec(`INSERT INTO credit_holds (account_id, idempotency_key, operation, amount, expires_at) VALUES ($1, 'k', 'image', 5, now())`, acc)
		exec(`INSERT INTO credit_transactions (account_id, kind, amount, balance_after) VALUES ($1, 'grant', 10, 10)`, acc)
		exec(`INSERT INTO credit_usage (account_id, operation, credits, hold_id) VALUES ($1, 'image', 5, 1)`, acc)
		exec(`INSERT INTO credit_events (account_id, kind, period, available, threshold) VALUES ($1, 'low_credits', '2026-11', 1, 2)`, acc)
		exec(`INSERT INTO site_assets (account_id, site_id, path, sha256, size, content_type) VALUES ($1, $2, 'logo.svg', repeat('a', 64), 1, 'image/svg+xml')`, acc, site)
		exec(`INSERT INTO site_deletions (account_id, site_id, slug, storage_id, purge_after) VALUES ($1, 0, $2, $2, now())`, acc, name+"-gone")
		var kw, cluster, idea, task, content int64
		exec(`INSERT INTO ai_jobs (account_id, site_id, kind) VALUES ($1, $2, 'cluster')`, acc, site)
		q(&kw, `INSERT INTO keywords (account_id, site_id, keyword, normalized) VALUES ($1, $2, 'Shoes', 'shoes') RETURNING id`, acc, site)
		q(&cluster, `INSERT INTO clusters (account_id, site_id, name, pillar_keyword_id, batch_key, batch_index, provider)
			VALUES ($1, $2, 'Shoes', $3, 'seed', 0, 'offline') RETURNING id`, acc, site, kw)
		exec(`UPDATE keywords SET cluster_id = $2 WHERE id = $1`, kw, cluster)
		q(&idea, `INSERT INTO ideas (account_id, site_id, cluster_id, ordinal, title, entity_type, provider)
			VALUES ($1, $2, $3, 0, 'Shoes', 'post', 'offline') RETURNING id`, acc, site, cluster)
		q(&task, `INSERT INTO tasks (account_id, site_id, idea_id, word_target) VALUES ($1, $2, $3, 1000) RETURNING id`, acc, site, idea)
		q(&content, `INSERT INTO contents (account_id, site_id, task_id, entity_type, title, slug, page)
			VALUES ($1, $2, $3, 'post', 'Shoes', 'shoes', '{}') RETURNING id`, acc, site, task)
		exec(`UPDATE tasks SET content_id = $2, status = 'done' WHERE id = $1`, task, content)
		exec(`INSERT INTO content_revisions (account_id, content_id, revision, source, page) VALUES ($1, $2, 1, 'ai', '{}')`, acc, content)
		exec(`INSERT INTO content_images (account_id, site_id, content_id, position, prompt, width, height) VALUES ($1, $2, $3, 0, 'p', 1024, 768)`, acc, site, content)
		exec(`INSERT INTO ai_calls (account_id, site_id, operation, provider, outcome) VALUES ($1, $2, 'chat', 'offline', 'ok')`, acc, site)
		exec(`INSERT INTO prompt_overrides (account_id, name, version, system, "user") VALUES ($1, 'ideas', 1, '', 'u')`, acc)
		var other int64
		q(&other, `INSERT INTO contents (account_id, site_id, entity_type, title, slug, page)
			VALUES ($1, $2, 'page', 'Socks', 'socks', '{}') RETURNING id`, acc, site)
		exec(`INSERT INTO content_links (account_id, site_id, source_id, target_id, target_page, anchor, block_id, field, byte_offset, link_type, linker_version)
			VALUES ($1, $2, $3, $4, 'socks', 'socks', 's1', 'markdown', 0, 'contextual', 'v1')`, acc, site, content, other)
		exec(`INSERT INTO optimizations (account_id, site_id, content_id, op_key, keyword, score_before, score_after, kept, page_before, page_after, revision_before)
			VALUES ($1, $2, $3, 'k', 'shoes', 40, 60, true, '{}', '{}', 1)`, acc, site, content)
		exec(`INSERT INTO site_pipeline_settings (account_id, site_id) VALUES ($1, $2)`, acc, site)
		var integ int64
		q(&integ, `INSERT INTO site_integrations (account_id, site_id, platform, platform_type, name, url, credentials, credentials_key_id)
			VALUES ($1, $2, 'wordpress', 'cms', 'Blog', 'https://blog.example', '\x01', 1) RETURNING id`, acc, site)
		exec(`INSERT INTO publishing_records (account_id, site_id, content_id, integration_id) VALUES ($1, $2, $3, $4)`, acc, site, content, integ)
		ids[i] = acc
	}
	return ids[0], ids[1]
}

// The same queries, run as the application role with another account set,
// return no rows of the first account, and cannot write rows for it.
func TestAppRoleSeesOnlyItsAccount(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	a, b := seedTwoAccounts(t, owner)
	tables := tenantTables(t, owner)

	for _, self := range []int64{a, b} {
		other := a + b - self
		ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: self, Role: igny8.RoleOwner})
		err := db.Tx(ctx, func(tx pgx.Tx) error {
			for _, table := range tables {
				var mine, theirs int
				err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FILTER (WHERE account_id = $1), count(*) FILTER (WHERE account_id <> $1) FROM %s`, pgx.Identifier{table}.Sanitize()), self).Scan(&mine, &theirs)
				if err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
				if theirs != 0 {
					t.Errorf("account %d sees %d rows of %s belonging to other accounts", self, theirs, table)
				}
				if mine == 0 {
					t.Errorf("account %d sees none of its own rows in %s (the seed put one there)", self, table)
				}
			}
			var accounts int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts`).Scan(&accounts); err != nil {
				return err
			}
			if accounts != 1 {
				t.Errorf("account %d sees %d accounts, want only its own", self, accounts)
			}
			var users int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
				return err
			}
			if users != 1 {
				t.Errorf("account %d sees %d users, want only its member", self, users)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// Writing a row that names the other account is refused by the policy.
		err = db.Tx(ctx, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO outbox (account_id, kind) VALUES ($1, 'evil')`, other)
			return err
		})
		if igny8.ErrorCode(err) != igny8.EForbidden {
			t.Errorf("insert under another account: got %v, want forbidden", err)
		}
		// Updating the other account's rows touches nothing.
		err = db.Tx(ctx, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `UPDATE sites SET name = 'owned' WHERE account_id = $1`, other)
			if err == nil && tag.RowsAffected() != 0 {
				t.Errorf("account %d updated %d sites of account %d", self, tag.RowsAffected(), other)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A pooled connection never carries one transaction's tenant into the next
// use, whoever uses it.
func TestPooledConnectionsDoNotLeakTenant(t *testing.T) {
	_, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	a, b := seedTwoAccounts(t, owner)

	// One connection: every transaction reuses it.
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "1")
	u.RawQuery = q.Encode()
	db, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	for i := range 20 {
		self := []int64{a, b}[i%2]
		ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: self})
		err := db.Tx(ctx, func(tx pgx.Tx) error {
			var ids []int64
			rows, err := tx.Query(ctx, `SELECT DISTINCT account_id FROM sites`)
			if err != nil {
				return err
			}
			ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			if len(ids) != 1 || ids[0] != self {
				t.Errorf("round %d as account %d: sites of accounts %v", i, self, ids)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Outside a transaction the same connection has no tenant at all.
		var setting string
		var sites int
		if err := db.Pool.QueryRow(context.Background(), `SELECT coalesce(current_setting('app.account_id', true), ''), (SELECT count(*) FROM sites)`).Scan(&setting, &sites); err != nil {
			t.Fatal(err)
		}
		if setting != "" || sites != 0 {
			t.Errorf("round %d: after the transaction the pooled connection has app.account_id=%q and sees %d sites", i, setting, sites)
		}
	}
	if st := db.Pool.Stat(); st.TotalConns() != 1 {
		t.Errorf("pool has %d connections, the test needs exactly 1 to prove reuse", st.TotalConns())
	}
}

// A transaction whose function fails rolls back and leaves no tenant behind.
func TestTxWithoutActorFails(t *testing.T) {
	db, _ := pgtest.Open(t)
	err := db.Tx(context.Background(), func(pgx.Tx) error { return nil })
	if err == nil {
		t.Fatal("Tx without an actor succeeded")
	}
}
