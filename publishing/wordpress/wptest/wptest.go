// Package wptest gives tests the real WordPress that scripts/wordpress.sh
// runs (Debian's wordpress package with MariaDB and PHP, on loopback):
// `make test` starts it and exports IGNY8_TEST_WORDPRESS_URL,
// IGNY8_TEST_WORDPRESS_USER and IGNY8_TEST_WORDPRESS_APP_PASSWORD.
//
// Tests share the one site, across packages run in parallel, so each
// names what it makes with its own Prefix.
package wptest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// Env is a WordPress to test against.
type Env struct {
	URL         string // the site's address, ending in "/"
	User        string
	AppPassword string // an Application Password of User, an administrator
	// Prefix is unique to the test: start slugs and names with it, so
	// that tests sharing the site never meet.
	Prefix string
}

// Site returns the test WordPress. Without one it skips the test, or
// fails it when CI=true: CI must not skip the WordPress tests.
func Site(t testing.TB) Env {
	t.Helper()
	e := Env{
		URL:         os.Getenv("IGNY8_TEST_WORDPRESS_URL"),
		User:        os.Getenv("IGNY8_TEST_WORDPRESS_USER"),
		AppPassword: os.Getenv("IGNY8_TEST_WORDPRESS_APP_PASSWORD"),
	}
	if e.URL == "" || e.User == "" || e.AppPassword == "" {
		const why = "IGNY8_TEST_WORDPRESS_URL, _USER and _APP_PASSWORD are not set: `make test` starts WordPress with scripts/wordpress.sh and sets them"
		if os.Getenv("CI") == "true" {
			t.Fatal(why + " (CI must not skip the WordPress tests)")
		}
		t.Skip(why)
	}
	if !strings.HasSuffix(e.URL, "/") {
		e.URL += "/"
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	e.Prefix = "t" + hex.EncodeToString(b[:]) + "-"
	return e
}
