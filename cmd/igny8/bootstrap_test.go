package main

import (
	"context"
	"strings"
	"testing"

	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// bootstrap prints a token of a system owner; running it again keeps the
// one system account and prints another working token.
func TestBootstrapCommand(t *testing.T) {
	url := pgtest.URL(t)
	vars := map[string]string{"DATABASE_URL": url, "IGNY8_ADMIN_PASSWORD": "admin-password"}
	runEnv := func(args ...string) (int, string, string) {
		var out, errb syncBuffer
		code := run(context.Background(), args, &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }})
		return code, out.String(), errb.String()
	}
	if code, _, stderr := runEnv("bootstrap"); code != 2 || !strings.Contains(stderr, "--email") {
		t.Errorf("without --email: exit %d, %s", code, stderr)
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var systems []int64
	for i := range 2 {
		code, stdout, stderr := runEnv("bootstrap", "--email", "Admin@Example.com")
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
		a, err := db.Authenticate(context.Background(), strings.TrimSpace(stdout))
		if err != nil {
			t.Fatalf("run %d: the printed token does not work: %v", i, err)
		}
		if !a.System {
			t.Errorf("run %d: the token's actor %+v is not a system administrator", i, a)
		}
		systems = append(systems, a.AccountID)
	}
	if systems[0] != systems[1] {
		t.Errorf("two bootstraps made two system accounts: %v", systems)
	}
	if _, err := db.Login(context.Background(), "admin@example.com", "admin-password", "", 0); err != nil {
		t.Errorf("login with IGNY8_ADMIN_PASSWORD: %v", err)
	}
}
