package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/igny8/igny8/postgres/pgtest"
)

// TestGCGrace: --grace 0s means the shortest grace, with a message saying
// so; a shorter one is refused with the minimum and the reason.
func TestGCGrace(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + t.TempDir()}
	for _, tc := range []struct {
		grace  string
		code   int
		stderr string
	}{
		{"0s", exitOK, "--grace 0s means the minimum, 40s: one deploy lease (30s) plus 10s of clock margin"},
		{"39s", exitUsage, "--grace 39s is too short: the minimum is 40s, one deploy lease (30s)"},
		{"-1h", exitUsage, "the minimum is 40s"},
		{"40s", exitOK, ""},
	} {
		code, stdout, stderr := runEnv(t, vars, "gc", "--site", "shop", "--grace", tc.grace)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("gc --grace %s: exit %d, stderr %q; want exit %d and %q", tc.grace, code, stderr, tc.code, tc.stderr)
		}
		if code == exitOK && !strings.Contains(stdout, "shop: kept 0 deploys") {
			t.Errorf("gc --grace %s: stdout %q", tc.grace, stdout)
		}
	}
}

// With a database, the CLI's deploy makes a site with a storage id of its
// own (not its slug) in the system account and records the deploy; gc
// --site and gc of every site then prune that storage, named by the slug.
func TestGCFindsTheDatabaseSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with Hugo")
	}
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + t.TempDir(), "DATABASE_URL": pgtest.URL(t)}
	if code, _, stderr := runEnv(t, vars, "bootstrap", "--email", "root@example.com"); code != exitOK {
		t.Fatalf("bootstrap: %s", stderr)
	}
	for range 2 {
		code, stdout, stderr := runEnv(t, vars, "deploy", fixture, "--site", "gcshop")
		if code != exitOK || !strings.Contains(stdout, "Recorded as deploy") {
			t.Fatalf("deploy: exit %d\n%s%s", code, stdout, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(strings.TrimPrefix(vars["IGNY8_STORAGE"], "fs://"), "igny8-site-gcshop")); err == nil {
		t.Error("a database site's storage is named after its slug")
	}
	for _, args := range [][]string{{"gc", "--site", "gcshop"}, {"gc"}} {
		code, stdout, stderr := runEnv(t, vars, args...)
		if code != exitOK || !strings.Contains(stdout, "gcshop: kept 2 deploys") {
			t.Errorf("igny8 %s: exit %d\n%s%s; want gcshop's two deploys kept", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	if code, _, stderr := runEnv(t, vars, "gc", "--site", "nosuch"); code != exitFailure || !strings.Contains(stderr, `No site has the slug "nosuch"`) {
		t.Errorf("gc of an unknown site with a database: exit %d, %q", code, stderr)
	}
}
