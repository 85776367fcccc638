package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

func TestLoadSignupConfig(t *testing.T) {
	cases := []struct {
		env        map[string]string
		mode       igny8.SignupMode
		plan       string
		errsSaying []string
	}{
		{env: nil, mode: igny8.SignupClosed, plan: "starter"},
		{env: map[string]string{"IGNY8_SIGNUP": " Open "}, mode: igny8.SignupOpen, plan: "starter"},
		{env: map[string]string{"IGNY8_SIGNUP": "invite", "IGNY8_SIGNUP_PLAN": "pro"}, mode: igny8.SignupInvite, plan: "pro"},
		{env: map[string]string{"IGNY8_SIGNUP": "closed"}, mode: igny8.SignupClosed, plan: "starter"},
		{env: map[string]string{"IGNY8_SIGNUP": "sometimes", "IGNY8_SIGNUP_PLAN": "Gold Plan"}, errsSaying: []string{`IGNY8_SIGNUP="sometimes"`, `IGNY8_SIGNUP_PLAN="Gold Plan"`}},
	}
	for _, c := range cases {
		sc, err := loadSignupConfig(func(k string) string { return c.env[k] })
		if c.errsSaying != nil {
			if err == nil {
				t.Errorf("%v: no error, want one", c.env)
				continue
			}
			for _, s := range c.errsSaying {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%v: error %q does not say %q", c.env, err, s)
				}
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c.env, err)
			continue
		}
		if sc.Mode != c.mode || sc.Plan != c.plan {
			t.Errorf("%v: mode %q plan %q, want %q %q", c.env, sc.Mode, sc.Plan, c.mode, c.plan)
		}
	}
}

// igny8 invite prints a code that signs up its address once; it needs a
// system account, and refuses bad flags with a usage error.
func TestInviteCommand(t *testing.T) {
	url := pgtest.URL(t)
	vars := map[string]string{"DATABASE_URL": url}
	runEnv := func(args ...string) (int, string, string) {
		var out, errb syncBuffer
		code := run(context.Background(), args, &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }})
		return code, out.String(), errb.String()
	}
	if code, _, stderr := runEnv("invite", "--email", "guest@example.com"); code != 1 || !strings.Contains(stderr, "bootstrap") {
		t.Errorf("before bootstrap: exit %d, %s; want 1, saying to bootstrap", code, stderr)
	}
	if code, _, stderr := runEnv("bootstrap", "--email", "root@example.com"); code != 0 {
		t.Fatalf("bootstrap: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{{"--email", "not an address"}, {"--expires", "-1h"}, {"--expires", "soon"}} {
		if code, _, stderr := runEnv(append([]string{"invite"}, args...)...); code != 2 {
			t.Errorf("invite %v: exit %d, want 2: %s", args, code, stderr)
		}
	}
	code, stdout, stderr := runEnv("invite", "--email", "Guest@Example.com", "--expires", "72h")
	if code != 0 {
		t.Fatalf("invite: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "guest@example.com") || !strings.Contains(stderr, "IGNY8_SIGNUP is closed") {
		t.Errorf("invite's message %q: want the address and a note that sign-up is closed here", stderr)
	}
	vars["IGNY8_SIGNUP"] = "invite"
	if _, _, stderr := runEnv("invite"); strings.Contains(stderr, "Note:") {
		t.Errorf("with IGNY8_SIGNUP=invite the command still notes: %s", stderr)
	}

	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	su := igny8.Signup{Email: "guest@example.com", Password: "a long password", Invite: strings.TrimSpace(stdout), TokenTTL: time.Hour}
	res, err := db.Signup(context.Background(), su)
	if err != nil {
		t.Fatalf("sign-up with the printed code: %v", err)
	}
	if res.Account.PlanID != nil {
		t.Errorf("account %+v has a plan; none was asked for", res.Account)
	}
	su.Password = "another long password"
	if _, err := db.Signup(context.Background(), su); igny8.ErrorCode(err) != igny8.EForbidden || !strings.Contains(igny8.ErrorMessage(err), "used") {
		t.Errorf("the code again: %v, want forbidden, saying it was used", err)
	}
}
