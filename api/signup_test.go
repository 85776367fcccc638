package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
)

// *postgres.DB serves sign-ups and invites.
var (
	_ SignupStore = (*postgres.DB)(nil)
	_ InviteStore = (*postgres.DB)(nil)
)

// signupHarness is a harness whose API lets people sign up in mode, onto
// the plan "starter" (2000 monthly credits), limited by lim (nil: none).
func signupHarness(t *testing.T, mode igny8.SignupMode, lim Limiter) *harness {
	t.Helper()
	h := newHarness(t, nil)
	h.must(200, h.system, "PUT", "/v1/plans/starter", igny8.Plan{Name: "Starter", MonthlyCredits: 2000, Features: json.RawMessage(`{}`)}, nil)
	h.srv.Config.Handler = New(signupConfig(h.db, mode, "starter", lim))
	return h
}

func signupConfig(db *postgres.DB, mode igny8.SignupMode, plan string, lim Limiter) Config {
	cfg := dbConfig(db)
	cfg.SignupMode, cfg.SignupPlan, cfg.Signups, cfg.Invites, cfg.SignupLimiter = mode, plan, db, db, lim
	return cfg
}

func newSignup(email string) signupRequest {
	return signupRequest{Email: email, Password: "a long password", Name: "New Owner"}
}

// wantProblem fails unless r is a problem with status and code whose
// detail says each of says.
func wantProblem(t *testing.T, what string, r response, status int, code string, says ...string) Problem {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d: %s", what, r.status, status, r.body)
		return Problem{}
	}
	p := r.problem(t)
	if p.Code != code {
		t.Errorf("%s: problem code %q, want %q", what, p.Code, code)
	}
	for _, s := range says {
		if !strings.Contains(p.Detail, s) {
			t.Errorf("%s: detail %q does not say %q", what, p.Detail, s)
		}
	}
	return p
}

// Open sign-up makes an account with its owner, a working owner token and
// the plan's credits. A retry with the same Idempotency-Key is not
// replayed (public routes have no key space) but refused, saying to log
// in, with no second account and no second grant.
func TestSignupOpen(t *testing.T) {
	h := signupHarness(t, igny8.SignupOpen, nil)
	req := newSignup("Owner@Example.com")
	req.AccountName = "Bakery Ltd"
	var res igny8.SignupResult
	r := h.do("", "POST", "/v1/signup", req, "Idempotency-Key", "signup-1")
	if r.status != 201 {
		t.Fatalf("sign-up: %d %s", r.status, r.body)
	}
	r.json(t, &res)
	if res.Account == nil || res.User == nil || res.Token == nil {
		t.Fatalf("sign-up answer %s lacks the account, user or token", r.body)
	}
	if got, want := res.Account.Slug, "bakery-ltd"; got != want {
		t.Errorf("account slug %q, want %q", got, want)
	}
	if got, want := res.User.Email, "owner@example.com"; got != want {
		t.Errorf("user email %q, want %q", got, want)
	}
	if !strings.HasPrefix(res.Token.Secret, "igny8_") || res.Token.Role != igny8.RoleOwner {
		t.Errorf("token %+v", res.Token)
	}
	var me meResponse
	h.must(200, res.Token.Secret, "GET", "/v1/me", nil, &me)
	if me.Account == nil || me.Account.ID != res.Account.ID || me.UserID != res.User.ID || me.Role != igny8.RoleOwner || me.System {
		t.Errorf("GET /v1/me with the sign-up token: %+v", me)
	}
	var sum igny8.CreditSummary
	h.must(200, res.Token.Secret, "GET", "/v1/credits", nil, &sum)
	if got, want := sum.Balance, int64(2000); got != want {
		t.Errorf("credits balance %d, want the plan's monthly %d", got, want)
	}

	again := h.do("", "POST", "/v1/signup", req, "Idempotency-Key", "signup-1")
	wantProblem(t, "the same sign-up again", again, http.StatusConflict, igny8.EConflict, "log in")
	if again.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("a sign-up was replayed: %s", again.body)
	}
	h.must(200, res.Token.Secret, "GET", "/v1/credits", nil, &sum)
	if got, want := sum.Balance, int64(2000); got != want {
		t.Errorf("credits balance after a retry %d, want %d", got, want)
	}
	var accounts List[igny8.Account]
	h.must(200, h.system, "GET", "/v1/accounts", nil, &accounts)
	if len(accounts.Items) != 2 {
		t.Errorf("%d accounts after a sign-up and its retry, want 2 (system and the new one)", len(accounts.Items))
	}
	var nt igny8.NewToken
	h.must(201, "", "POST", "/v1/login", loginRequest{Email: "owner@example.com", Password: "a long password"}, &nt)
	if nt.AccountID != res.Account.ID {
		t.Errorf("login after sign-up: account %d, want %d", nt.AccountID, res.Account.ID)
	}
}

// Closed sign-up (the default, and said explicitly) refuses everyone,
// saying to ask the operator, whatever the body.
func TestSignupClosed(t *testing.T) {
	h := newHarness(t, nil)
	for _, cfg := range []Config{dbConfig(h.db), signupConfig(h.db, igny8.SignupClosed, "starter", nil), signupConfig(h.db, "", "starter", nil)} {
		h.srv.Config.Handler = New(cfg)
		r := h.do("", "POST", "/v1/signup", newSignup("someone@example.com"))
		wantProblem(t, "closed sign-up", r, http.StatusForbidden, igny8.EForbidden, "closed", "operator")
		r = h.do("", "POST", "/v1/signup", `{"nonsense": true}`)
		wantProblem(t, "closed sign-up, bad body", r, http.StatusForbidden, igny8.EForbidden, "closed")
	}
}

// Every problem of a request is reported at once, each with its pointer.
func TestSignupValidation(t *testing.T) {
	h := signupHarness(t, igny8.SignupInvite, nil)
	body := signupRequest{Email: "not an address", Password: "short", Name: strings.Repeat("n", 201),
		AccountName: strings.Repeat("a", 201), AccountSlug: "Bad Slug"}
	r := h.do("", "POST", "/v1/signup", body)
	p := wantProblem(t, "invalid sign-up", r, http.StatusBadRequest, igny8.EInvalid, "6 problems")
	var got []string
	for _, f := range p.Errors {
		got = append(got, f.Pointer)
	}
	want := []string{"/email", "/password", "/name", "/account_name", "/account_slug", "/invite"}
	if !slices.Equal(got, want) {
		t.Errorf("pointers %v, want %v", got, want)
	}
	long := newSignup("long@example.com")
	long.Password = strings.Repeat("é", 37) // 37 characters, 74 bytes
	long.Invite = "x"
	r = h.do("", "POST", "/v1/signup", long)
	wantProblem(t, "a password over 72 bytes", r, http.StatusBadRequest, igny8.EInvalid, "72 bytes")
	reserved := newSignup("r@example.com")
	reserved.AccountSlug, reserved.Invite = "system", "x"
	r = h.do("", "POST", "/v1/signup", reserved)
	if p := wantProblem(t, "a reserved slug", r, http.StatusBadRequest, igny8.EInvalid, "kept"); len(p.Errors) != 1 || p.Errors[0].Pointer != "/account_slug" {
		t.Errorf("a reserved slug: errors %+v, want one at /account_slug", p.Errors)
	}
	r = h.do("", "POST", "/v1/signup", `{"email": "a@example.com", "password": "a long password", "plan": "gold"}`)
	wantProblem(t, "an unknown field", r, http.StatusBadRequest, igny8.EInvalid, "plan")
}

// expire moves an invite's expiry into the past, as a system
// administrator's transaction may.
func expire(t *testing.T, db *postgres.DB, id int64) {
	t.Helper()
	err := pgx.BeginFunc(context.Background(), db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(context.Background(), `SELECT set_config('app.system', 'on', true)`); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), `UPDATE signup_invites SET expires_at = now() - interval '1 hour' WHERE id = $1`, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// By invitation, sign-up needs a good invite: none, an unknown, a used,
// a revoked, an expired or another address's invite is refused; a good
// one works once.
func TestSignupByInvite(t *testing.T) {
	h := signupHarness(t, igny8.SignupInvite, nil)
	mk := func(spec igny8.InviteSpec) igny8.NewInvite {
		var nv igny8.NewInvite
		h.must(201, h.system, "POST", "/v1/invites", spec, &nv)
		return nv
	}
	good, bound, revoked, expired := mk(igny8.InviteSpec{}), mk(igny8.InviteSpec{Email: "Bound@Example.com"}), mk(igny8.InviteSpec{}), mk(igny8.InviteSpec{})
	h.must(204, h.system, "DELETE", fmt.Sprintf("/v1/invites/%d", revoked.ID), nil, nil)
	expire(t, h.db, expired.ID)

	r := h.do("", "POST", "/v1/signup", newSignup("none@example.com"))
	if p := wantProblem(t, "no invite", r, http.StatusBadRequest, igny8.EInvalid, "invitation"); len(p.Errors) != 1 || p.Errors[0].Pointer != "/invite" {
		t.Errorf("no invite: errors %+v, want one at /invite", p.Errors)
	}
	refused := []struct{ name, email, code, says string }{
		{"an unknown invite", "u1@example.com", "igny8inv_nosuchcode", "not valid"},
		{"a revoked invite", "u2@example.com", revoked.Code, "revoked"},
		{"an expired invite", "u3@example.com", expired.Code, "expired"},
		{"another address's invite", "u4@example.com", bound.Code, "another email address"},
	}
	for _, c := range refused {
		req := newSignup(c.email)
		req.Invite = c.code
		wantProblem(t, c.name, h.do("", "POST", "/v1/signup", req), http.StatusForbidden, igny8.EForbidden, c.says)
	}

	req := newSignup("BOUND@example.com")
	req.Invite = bound.Code
	h.must(201, "", "POST", "/v1/signup", req, nil)
	req = newSignup("first@example.com")
	req.Invite = good.Code
	var res igny8.SignupResult
	h.must(201, "", "POST", "/v1/signup", req, &res)
	h.must(200, res.Token.Secret, "GET", "/v1/me", nil, nil)
	req = newSignup("second@example.com")
	req.Invite = good.Code
	wantProblem(t, "a used invite", h.do("", "POST", "/v1/signup", req), http.StatusForbidden, igny8.EForbidden, "used already")

	var list List[igny8.Invite]
	h.must(200, h.system, "GET", "/v1/invites", nil, &list)
	if len(list.Items) != 4 {
		t.Fatalf("%d invites listed, want 4", len(list.Items))
	}
	if v := list.Items[0]; v.ID != good.ID || v.UsedByAccountID == nil || *v.UsedByAccountID != res.Account.ID {
		t.Errorf("the used invite is listed as %+v, want used by account %d", v, res.Account.ID)
	}
	if strings.Contains(string(h.must(200, h.system, "GET", "/v1/invites", nil, nil).body), good.Code) {
		t.Error("the invite list shows a code; codes are shown once, when made")
	}
}

// Of concurrent sign-ups with one invite, exactly one makes an account.
func TestSignupInviteConcurrent(t *testing.T) {
	h := signupHarness(t, igny8.SignupInvite, nil)
	var nv igny8.NewInvite
	h.must(201, h.system, "POST", "/v1/invites", igny8.InviteSpec{}, &nv)
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			req := newSignup(fmt.Sprintf("racer%d@example.com", i))
			req.Invite = nv.Code
			b, _ := json.Marshal(req)
			<-start
			resp, err := http.Post(h.srv.URL+"/v1/signup", "application/json", bytes.NewReader(b))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i, s := range statuses {
		switch s {
		case 201:
			created++
		case 403:
		default:
			t.Errorf("sign-up %d: status %d, want 201 or 403", i, s)
		}
	}
	if created != 1 {
		t.Errorf("%d sign-ups succeeded with one invite (statuses %v), want exactly 1", created, statuses)
	}
	var accounts List[igny8.Account]
	h.must(200, h.system, "GET", "/v1/accounts", nil, &accounts)
	if len(accounts.Items) != 2 {
		t.Errorf("%d accounts, want the system account and one more", len(accounts.Items))
	}
}

// Invites are for system administrators: a tenant owner gets 403 for each
// invite route; an administrator makes, lists and revokes them, and a
// request with a problem says where.
func TestInvitesAreSystemOnly(t *testing.T) {
	h := signupHarness(t, igny8.SignupOpen, nil)
	var res igny8.SignupResult
	h.must(201, "", "POST", "/v1/signup", newSignup("tenant@example.com"), &res)
	owner := res.Token.Secret
	for _, c := range []struct{ method, path string }{{"GET", "/v1/invites"}, {"POST", "/v1/invites"}, {"DELETE", "/v1/invites/1"}} {
		var body any
		if c.method == "POST" {
			body = igny8.InviteSpec{}
		}
		wantProblem(t, c.method+" "+c.path+" by a tenant owner", h.do(owner, c.method, c.path, body), http.StatusForbidden, igny8.EForbidden)
	}
	var nv igny8.NewInvite
	exp := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	h.must(201, h.system, "POST", "/v1/invites", igny8.InviteSpec{Email: "x@example.com", ExpiresAt: &exp}, &nv)
	if !nv.ExpiresAt.Equal(exp) || nv.Email != "x@example.com" || nv.Code == "" || nv.CreatedBy == nil {
		t.Errorf("new invite %+v", nv)
	}
	past := time.Now().Add(-time.Hour)
	r := h.do(h.system, "POST", "/v1/invites", igny8.InviteSpec{Email: "nope", ExpiresAt: &past})
	p := wantProblem(t, "a bad invite", r, http.StatusBadRequest, igny8.EInvalid)
	if len(p.Errors) != 2 || p.Errors[0].Pointer != "/email" || p.Errors[1].Pointer != "/expires_at" {
		t.Errorf("bad invite: errors %+v, want /email and /expires_at", p.Errors)
	}
	h.must(204, h.system, "DELETE", fmt.Sprintf("/v1/invites/%d", nv.ID), nil, nil)
	h.must(204, h.system, "DELETE", fmt.Sprintf("/v1/invites/%d", nv.ID), nil, nil)
	wantProblem(t, "revoking no invite", h.do(h.system, "DELETE", "/v1/invites/999999", nil), http.StatusNotFound, igny8.ENotFound)
}

// An address with an account is refused with 409, saying to log in.
func TestSignupTakenAddress(t *testing.T) {
	h := signupHarness(t, igny8.SignupOpen, nil)
	r := h.do("", "POST", "/v1/signup", newSignup("root@example.com"))
	wantProblem(t, "the administrator's address", r, http.StatusConflict, igny8.EConflict, "log in")
}

// A plan that does not exist is said plainly, naming it.
func TestSignupMissingPlan(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Config.Handler = New(signupConfig(h.db, igny8.SignupOpen, "gold", nil))
	r := h.do("", "POST", "/v1/signup", newSignup("p@example.com"))
	wantProblem(t, "a missing plan", r, http.StatusInternalServerError, igny8.EInternal, `"gold"`, "IGNY8_SIGNUP_PLAN")
}

// Sign-ups are limited per client address, by their own limiter.
func TestSignupRateLimit(t *testing.T) {
	lim := &RedisLimiter{Client: redisClient(t), Limit: 2, Window: time.Hour, Prefix: fmt.Sprintf("igny8:test:%d:signup:", time.Now().UnixNano())}
	h := signupHarness(t, igny8.SignupOpen, lim)
	for i := range 2 {
		h.must(201, "", "POST", "/v1/signup", newSignup(fmt.Sprintf("rl%d@example.com", i)), nil)
	}
	r := h.do("", "POST", "/v1/signup", newSignup("rl2@example.com"))
	wantProblem(t, "a third sign-up from one address", r, http.StatusTooManyRequests, CodeRateLimited)
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Invalid requests are refused before they count.
	h.srv.Config.Handler = New(signupConfig(h.db, igny8.SignupOpen, "starter", &RedisLimiter{Client: lim.Client, Limit: 1, Window: time.Hour, Prefix: lim.Prefix + "2:"}))
	for range 3 {
		wantProblem(t, "an invalid sign-up", h.do("", "POST", "/v1/signup", signupRequest{Email: "x"}), http.StatusBadRequest, igny8.EInvalid)
	}
	h.must(201, "", "POST", "/v1/signup", newSignup("rl3@example.com"), nil)
}

func TestClientNet(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"192.0.2.7:5555", "192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.7]:80", "192.0.2.7"},
		{"unix-socket", "unix-socket"},
	} {
		if got := clientNet(c.addr); got != c.want {
			t.Errorf("clientNet(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
}
