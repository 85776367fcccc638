// Package pgtest gives tests a fresh, migrated database of their own on the
// Postgres server named by IGNY8_TEST_DATABASE_URL (`make test` starts one
// and sets it). Without it, tests skip; under CI=true they fail, because a
// green run that skipped the database tests would be a lie.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8/postgres"
)

// URL returns a connection string for a new, migrated database that is
// dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("IGNY8_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IGNY8_TEST_DATABASE_URL is not set: `make test` starts Postgres and sets it (CI must not skip database tests)")
		}
		t.Skip("IGNY8_TEST_DATABASE_URL is not set; `make test` starts Postgres and sets it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to IGNY8_TEST_DATABASE_URL: %v", err)
	}
	defer admin.Close(context.Background())

	b := make([]byte, 6)
	rand.Read(b)
	name := "igny8_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("IGNY8_TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	dbURL := u.String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop test database: %v", err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	if _, err := postgres.Migrate(ctx, dbURL, nil); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return dbURL
}

// Open returns the application's view (postgres.Open) of a new, migrated
// database, closed when the test ends.
func Open(t testing.TB) (*postgres.DB, string) {
	t.Helper()
	u := URL(t)
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Close)
	return db, u
}
