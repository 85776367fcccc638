package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// signupBundle is a database with a system account, a plan "starter" of
// 2000 monthly credits, and the owner's connection to look behind the
// application's back.
type signupBundle struct {
	db     *postgres.DB
	owner  *pgx.Conn
	system context.Context
}

func setupSignup(t *testing.T) *signupBundle {
	t.Helper()
	db, url := pgtest.Open(t)
	b := &signupBundle{db: db, owner: ownerConn(t, url)}
	ctx := context.Background()
	_, boot, err := db.Bootstrap(ctx, "root@example.com", "root-password")
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.Authenticate(ctx, boot.Secret)
	if err != nil {
		t.Fatal(err)
	}
	b.system = igny8.WithActor(ctx, a)
	if _, err := db.PutPlan(b.system, &igny8.Plan{Slug: "starter", Name: "Starter", MonthlyCredits: 2000}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *signupBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.owner.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (b *signupBundle) balance(t *testing.T, account int64) int64 {
	t.Helper()
	var n int64
	err := b.owner.QueryRow(context.Background(), `SELECT balance FROM credit_balances WHERE account_id = $1`, account).Scan(&n)
	if err != nil {
		t.Fatalf("balance of account %d: %v", account, err)
	}
	return n
}

func signup(email string) igny8.Signup {
	return igny8.Signup{Email: email, Password: "a long password", Plan: "starter", TokenTTL: time.Hour}
}

// A sign-up makes an account on the plan, with its owner, a working owner
// token, and the plan's monthly credits, granted once: neither the monthly
// replenishment nor a retried sign-up adds more.
func TestSignupCreatesAccountWithCredits(t *testing.T) {
	b := setupSignup(t)
	ctx := context.Background()
	su := signup(" New.Owner@Example.COM ")
	su.Name = "Ada Lovelace"
	res, err := b.db.Signup(ctx, su)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.User.Email, "new.owner@example.com"; got != want {
		t.Errorf("email = %q, want %q", got, want)
	}
	if got, want := res.Account.Slug, "ada-lovelace"; got != want {
		t.Errorf("slug = %q, want %q (from the name)", got, want)
	}
	if got, want := res.Account.Name, "Ada Lovelace"; got != want {
		t.Errorf("account name = %q, want %q (the owner's name)", got, want)
	}
	if res.Account.PlanID == nil || res.Account.IsSystem {
		t.Errorf("account %+v: want a plan and not system", res.Account)
	}
	a, err := b.db.Authenticate(ctx, res.Token.Secret)
	if err != nil {
		t.Fatalf("the sign-up token does not work: %v", err)
	}
	if a.AccountID != res.Account.ID || a.UserID != res.User.ID || a.Role != igny8.RoleOwner || a.System {
		t.Errorf("token actor = %+v, want the new account's owner", a)
	}
	if res.Token.ExpiresAt == nil {
		t.Error("the sign-up token does not expire; want it to last TokenTTL, like a login's")
	}
	if got, want := b.balance(t, res.Account.ID), int64(2000); got != want {
		t.Errorf("balance = %d, want the plan's monthly %d", got, want)
	}
	if _, err := b.db.Login(ctx, "new.owner@example.com", "a long password", "", time.Hour); err != nil {
		t.Errorf("login with the sign-up's password: %v", err)
	}

	// The month's replenishment finds the account already granted.
	if _, err := b.db.ReplenishAll(ctx, igny8.PeriodOf(time.Now()).Key); err != nil {
		t.Fatal(err)
	}
	// A retry of the same sign-up is refused and changes nothing.
	_, err = b.db.Signup(ctx, su)
	if igny8.ErrorCode(err) != igny8.EConflict || !strings.Contains(igny8.ErrorMessage(err), "log in") {
		t.Errorf("the same sign-up again: %v, want a conflict that says to log in", err)
	}
	if got, want := b.balance(t, res.Account.ID), int64(2000); got != want {
		t.Errorf("balance after replenishment and a retry = %d, want %d", got, want)
	}
	if n := b.count(t, `SELECT count(*) FROM credit_transactions WHERE account_id = $1`, res.Account.ID); n != 1 {
		t.Errorf("%d credit transactions, want 1 grant", n)
	}
	if n := b.count(t, `SELECT count(*) FROM accounts`); n != 2 {
		t.Errorf("%d accounts, want the system account and one more", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE account_id = $1 AND action = 'account.signup'`, res.Account.ID); n != 1 {
		t.Errorf("%d account.signup audit entries, want 1", n)
	}
}

// The same sign-up sent several times at once (a double click, a client
// retrying a slow request) makes one account with one grant; the others
// are told to log in.
func TestSignupConcurrentRetries(t *testing.T) {
	b := setupSignup(t)
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = b.db.Signup(context.Background(), signup("twice@example.com")) })
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case igny8.ErrorCode(err) != igny8.EConflict:
			t.Errorf("sign-up %d: %v, want success or a conflict", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d identical sign-ups succeeded, want 1", ok, n)
	}
	if got := b.count(t, `SELECT count(*) FROM accounts WHERE NOT is_system`); got != 1 {
		t.Errorf("%d accounts, want 1", got)
	}
	if got := b.count(t, `SELECT count(*) FROM credit_transactions`); got != 1 {
		t.Errorf("%d credit transactions, want 1 grant", got)
	}
}

// Slugs come from the account name, else the owner's name, else the
// address; a taken one gets a suffix; a slug asked for is used exactly or
// refused.
func TestSignupAccountSlugs(t *testing.T) {
	b := setupSignup(t)
	ctx := context.Background()
	cases := []struct {
		email, name, accountName, slug string
		want                           string
	}{
		{email: "jo@example.com", want: "jo"},
		{email: "jo.smith+x@example.com", want: "jo-smith-x"},
		{email: "a@example.com", name: "Jo", want: "jo-2"},
		{email: "b@example.com", name: "Jo", want: "jo-3"},
		{email: "c@example.com", accountName: "Jo", want: "jo-4"},
		{email: "d@example.com", accountName: "Café Crème — Ltd.", want: "cafe-creme-ltd"},
		{email: "e@example.com", accountName: "日本", want: "e"},
		{email: "__@example.com", accountName: "!!!", want: "account"},
		{email: "f@example.com", accountName: strings.Repeat("long ", 30), want: strings.TrimSuffix(strings.Repeat("long-", 8), "-")},
		{email: "g@example.com", slug: "chosen", want: "chosen"},
		{email: "admin@example.com", want: "admin-2"},
		{email: "h@example.com", accountName: "System", want: "system-2"},
	}
	for _, c := range cases {
		su := signup(c.email)
		su.Name, su.AccountName, su.AccountSlug = c.name, c.accountName, c.slug
		res, err := b.db.Signup(ctx, su)
		if err != nil {
			t.Errorf("%+v: %v", c, err)
			continue
		}
		if res.Account.Slug != c.want {
			t.Errorf("%s %q %q: slug %q, want %q", c.email, c.name, c.accountName, res.Account.Slug, c.want)
		}
	}
	su := signup("x@example.com")
	su.AccountSlug = "chosen"
	_, err := b.db.Signup(ctx, su)
	if igny8.ErrorCode(err) != igny8.EConflict || !strings.Contains(igny8.ErrorMessage(err), "account_slug") {
		t.Errorf("a taken slug asked for: %v, want a conflict naming account_slug", err)
	}
	su = signup("i@example.com")
	su.AccountSlug = "system"
	if _, err := b.db.Signup(ctx, su); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("the slug system asked for: %v, want invalid", err)
	}
	if n := b.count(t, `SELECT count(*) FROM users WHERE email IN ('x@example.com', 'i@example.com')`); n != 0 {
		t.Errorf("the refused sign-up left %d users", n)
	}
}

// A plan that does not exist is the operator's mistake, said plainly; no
// account is made without it.
func TestSignupPlanMissing(t *testing.T) {
	b := setupSignup(t)
	su := signup("p@example.com")
	su.Plan = "gold"
	_, err := b.db.Signup(context.Background(), su)
	if igny8.ErrorCode(err) != igny8.EInternal || !strings.Contains(igny8.ErrorMessage(err), `"gold"`) {
		t.Errorf("sign-up with a missing plan: %v, want an internal error naming the plan", err)
	}
	if n := b.count(t, `SELECT count(*) FROM accounts`); n != 1 {
		t.Errorf("%d accounts, want only the system account", n)
	}
}

// The store checks what the API checks: a bad address or a short password
// is refused before anything is written.
func TestSignupValidates(t *testing.T) {
	b := setupSignup(t)
	for _, su := range []igny8.Signup{
		{Email: "not an address", Password: "a long password"},
		{Email: "x@example.com", Password: "short"},
		{Email: "x@example.com", Password: strings.Repeat("é", 40)}, // 80 bytes
	} {
		if _, err := b.db.Signup(context.Background(), su); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("%q / %d-byte password: %v, want invalid", su.Email, len(su.Password), err)
		}
	}
}

func (b *signupBundle) invite(t *testing.T, spec igny8.InviteSpec) *igny8.NewInvite {
	t.Helper()
	nv, err := b.db.CreateInvite(b.system, spec)
	if err != nil {
		t.Fatal(err)
	}
	return nv
}

// An invite works once, for its address, before it expires, unless
// revoked; every refusal says why and leaves nothing behind.
func TestSignupInvites(t *testing.T) {
	b := setupSignup(t)
	ctx := context.Background()
	good := b.invite(t, igny8.InviteSpec{})
	bound := b.invite(t, igny8.InviteSpec{Email: " Bound@Example.com"})
	revoked := b.invite(t, igny8.InviteSpec{})
	if err := b.db.RevokeInvite(b.system, revoked.ID); err != nil {
		t.Fatal(err)
	}
	expired := b.invite(t, igny8.InviteSpec{})
	if _, err := b.owner.Exec(ctx, `UPDATE signup_invites SET expires_at = now() - interval '1 hour' WHERE id = $1`, expired.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(good.Code, postgres.InvitePrefix) || !strings.HasPrefix(good.Code, good.Prefix) || len(good.Code) < 40 {
		t.Errorf("code %q, prefix %q", good.Code, good.Prefix)
	}
	if d := time.Until(good.ExpiresAt); d < 13*24*time.Hour || d > 15*24*time.Hour {
		t.Errorf("default expiry in %v, want 14 days", d)
	}
	sum := sha256.Sum256([]byte(good.Code))
	if n := b.count(t, `SELECT count(*) FROM signup_invites WHERE code_hash = decode($1, 'hex')`, hex.EncodeToString(sum[:])); n != 1 {
		t.Errorf("%d rows hold the code's sha256, want 1", n)
	}

	refused := []struct {
		name, email, code, want string
	}{
		{"unknown", "u1@example.com", postgres.InvitePrefix + "nosuchcode", "not valid"},
		{"revoked", "u2@example.com", revoked.Code, "revoked"},
		{"expired", "u3@example.com", expired.Code, "expired"},
		{"another address", "u4@example.com", bound.Code, "another email"},
	}
	for _, c := range refused {
		su := signup(c.email)
		su.Invite = c.code
		_, err := b.db.Signup(ctx, su)
		if igny8.ErrorCode(err) != igny8.EForbidden || !strings.Contains(igny8.ErrorMessage(err), c.want) {
			t.Errorf("%s invite: %v, want forbidden saying %q", c.name, err, c.want)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM accounts`); n != 1 {
		t.Fatalf("refused sign-ups left %d accounts, want only the system account", n)
	}

	su := signup("bound@example.com")
	su.Invite = bound.Code
	res, err := b.db.Signup(ctx, su)
	if err != nil {
		t.Fatalf("the bound invite with its address: %v", err)
	}
	su = signup("first@example.com")
	su.Invite = good.Code
	if _, err := b.db.Signup(ctx, su); err != nil {
		t.Fatalf("a good invite: %v", err)
	}
	su = signup("second@example.com")
	su.Invite = good.Code
	if _, err := b.db.Signup(ctx, su); igny8.ErrorCode(err) != igny8.EForbidden || !strings.Contains(igny8.ErrorMessage(err), "used already") {
		t.Errorf("the invite again: %v, want forbidden saying it was used", err)
	}

	list, err := b.db.Invites(b.system, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 {
		t.Fatalf("%d invites listed, want 4", len(list))
	}
	if v := list[1]; v.ID != bound.ID || v.Email != "bound@example.com" || v.UsedAt == nil || v.UsedByAccountID == nil || *v.UsedByAccountID != res.Account.ID {
		t.Errorf("the used bound invite is listed as %+v, want used by account %d", v, res.Account.ID)
	}
	if err := b.db.RevokeInvite(b.system, bound.ID); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("revoking a used invite: %v, want a conflict", err)
	}
	if err := b.db.RevokeInvite(b.system, 999999); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("revoking no invite: %v, want not found", err)
	}
}

// Of many concurrent sign-ups with one invite, exactly one makes an
// account; the others are told the invite is used.
func TestSignupInviteConcurrentUse(t *testing.T) {
	b := setupSignup(t)
	nv := b.invite(t, igny8.InviteSpec{})
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			su := signup("racer" + string(rune('a'+i)) + "@example.com")
			su.Invite = nv.Code
			_, errs[i] = b.db.Signup(context.Background(), su)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case igny8.ErrorCode(err) != igny8.EForbidden:
			t.Errorf("sign-up %d: %v, want success or forbidden", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d sign-ups succeeded with one invite, want exactly 1", ok)
	}
	if got := b.count(t, `SELECT count(*) FROM accounts WHERE NOT is_system`); got != 1 {
		t.Errorf("%d accounts made, want 1", got)
	}
	if got := b.count(t, `SELECT count(*) FROM users WHERE email LIKE 'racer%'`); got != 1 {
		t.Errorf("%d users made, want 1", got)
	}
}

// Managing invites is for system administrators; `igny8 invite` needs a
// system account.
func TestInviteManagementIsSystemOnly(t *testing.T) {
	b := setupSignup(t)
	res, err := b.db.Signup(context.Background(), signup("tenant@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := b.db.Authenticate(context.Background(), res.Token.Secret)
	if err != nil {
		t.Fatal(err)
	}
	tenant := igny8.WithActor(context.Background(), a)
	if _, err := b.db.CreateInvite(tenant, igny8.InviteSpec{}); igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("a tenant owner makes an invite: %v, want forbidden", err)
	}
	if _, err := b.db.Invites(tenant, 0, 10); igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("a tenant owner lists invites: %v, want forbidden", err)
	}
	if err := b.db.RevokeInvite(tenant, 1); igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("a tenant owner revokes an invite: %v, want forbidden", err)
	}
	past := time.Now().Add(-time.Minute)
	if _, err := b.db.CreateInvite(b.system, igny8.InviteSpec{ExpiresAt: &past}); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("an invite expiring in the past: %v, want invalid", err)
	}
	nv, err := b.db.SystemInvite(context.Background(), igny8.InviteSpec{Email: "ops@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if nv.CreatedBy != nil || nv.Email != "ops@example.com" {
		t.Errorf("system invite %+v", nv.Invite)
	}

	empty, _ := pgtest.Open(t)
	if _, err := empty.SystemInvite(context.Background(), igny8.InviteSpec{}); igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(igny8.ErrorMessage(err), "bootstrap") {
		t.Errorf("an invite before bootstrap: %v, want invalid, saying to bootstrap", err)
	}
}

// signup_invites has no account_id, so the tenant-table catalog test does
// not see it: it is checked here. Row-level security is enabled and
// forced; a tenant transaction sees no invite and cannot make one; a
// caller presenting a code sees that row only; system administrators see
// them all. The sign-up policy on accounts admits only the transaction's
// own, non-system account.
func TestSignupInvitesRLS(t *testing.T) {
	b := setupSignup(t)
	ctx := context.Background()
	var enabled, forced bool
	var policies int
	err := b.owner.QueryRow(ctx, `SELECT relrowsecurity, relforcerowsecurity, (SELECT count(*) FROM pg_policy WHERE polrelid = c.oid)
		FROM pg_class c WHERE relname = 'signup_invites' AND relnamespace = 'public'::regnamespace`).Scan(&enabled, &forced, &policies)
	if err != nil {
		t.Fatal(err)
	}
	if !enabled || !forced || policies == 0 {
		t.Errorf("signup_invites: row level security enabled=%v forced=%v, %d policies", enabled, forced, policies)
	}
	one := b.invite(t, igny8.InviteSpec{})
	b.invite(t, igny8.InviteSpec{})
	res, err := b.db.Signup(ctx, signup("tenant@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	tenant := igny8.WithActor(ctx, igny8.Actor{AccountID: res.Account.ID, UserID: res.User.ID, Role: igny8.RoleOwner})
	err = b.db.Tx(tenant, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM signup_invites`).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			t.Errorf("a tenant transaction sees %d invites, want none", n)
		}
		tag, err := tx.Exec(ctx, `UPDATE signup_invites SET revoked_at = now()`)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 0 {
			t.Errorf("a tenant transaction revoked %d invites", tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = b.db.Tx(tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO signup_invites (code_hash, prefix, expires_at) VALUES (sha256('mine'::bytea), 'x', now() + interval '1 day')`)
		return err
	})
	if igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("a tenant inserts an invite: %v, want forbidden", err)
	}
	// The tenant cannot make another account by claiming to sign up.
	err = b.db.Tx(tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.signup', 'on', true)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO accounts (slug, name) VALUES ('sneaky', 'Sneaky')`)
		return err
	})
	if igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("a tenant inserts another account with app.signup on: %v, want forbidden", err)
	}
	// Presenting a code's hash shows that one row.
	sum := sha256.Sum256([]byte(one.Code))
	err = b.db.Tx(tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.invite_hash', $1, true)`, hex.EncodeToString(sum[:])); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM signup_invites`)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(ids) != 1 || ids[0] != one.ID {
			t.Errorf("with the code's hash a transaction sees invites %v, want only %d", ids, one.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if list, err := b.db.Invites(b.system, 0, 10); err != nil || len(list) != 2 {
		t.Errorf("system administrators list %d invites (%v), want 2", len(list), err)
	}
}
