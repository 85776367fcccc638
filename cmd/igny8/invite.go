package main

import (
	"context"
	"fmt"
	"time"

	"github.com/igny8/igny8"
)

// runInvite makes a sign-up invite in the name of the system account and
// prints its code, for operators without an API token.
func runInvite(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "invite", "--email EMAIL [--expires 72h]", "Makes an invite to sign up (POST /v1/signup with \"invite\") and prints its code,\nwhich is shown once. With --email only that address may use it; without, anyone\nholding the code. The invite is made in the name of the system account of\nDATABASE_URL (run `igny8 bootstrap` first); sign-up takes invites when the API\nruns with IGNY8_SIGNUP=invite.")
	email := fs.String("email", "", "the address the invite is for (recommended)")
	expires := fs.Duration("expires", igny8.DefaultInviteTTL, "how long the invite lasts")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	spec := igny8.InviteSpec{}
	if *email != "" {
		addr, err := igny8.NormalizeEmail(*email)
		if err != nil {
			return usagef("--email: %s", igny8.ErrorMessage(err))
		}
		spec.Email = addr
	}
	if *expires <= 0 {
		return usagef("--expires must be a positive duration, such as 72h")
	}
	cfg, db, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	exp := time.Now().Add(*expires)
	spec.ExpiresAt = &exp
	nv, err := db.SystemInvite(ctx, spec)
	if err != nil {
		return err
	}
	who := "anyone holding the code"
	if nv.Email != "" {
		who = nv.Email
	}
	fmt.Fprintf(e.stderr, "Invite %d for %s, until %s. The code is shown once:\n", nv.ID, who, nv.ExpiresAt.UTC().Format(time.RFC3339))
	fmt.Fprintln(e.stdout, nv.Code)
	if cfg.Signup.Mode != igny8.SignupInvite {
		fmt.Fprintf(e.stderr, "Note: IGNY8_SIGNUP is %s here; sign-up takes invites only where the API runs with IGNY8_SIGNUP=invite.\n", cfg.Signup.Mode)
	}
	return nil
}
