package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/igny8/igny8"
)

var errEmailTaken = igny8.Errorf(igny8.EConflict, "An account with this email exists: log in instead (POST /v1/login).")

// Signup creates an account, its owner (a new user) and the owner's first
// API token, in one transaction that also uses up su.Invite (when given)
// and grants the plan's monthly credits for the current period through
// the ledger's replenishment, which happens once per account and period:
// the scheduler's monthly run then skips the account until next month.
//
// It runs with no system rights: it draws the new account's id, makes it
// the transaction's account, and from there on sees and writes only that
// account's rows (see 0005_signup.sql). An invite is claimed with a row
// lock before anything else is written, so of two sign-ups with one code,
// one fails however they interleave. A retried sign-up whose first try
// succeeded finds the address taken (409) and changes nothing.
func (db *DB) Signup(ctx context.Context, su igny8.Signup) (*igny8.SignupResult, error) {
	email, err := igny8.NormalizeEmail(su.Email)
	if err != nil {
		return nil, err
	}
	if n := len([]rune(su.Password)); n < igny8.MinPasswordLen || len(su.Password) > igny8.MaxPasswordLen {
		return nil, igny8.Errorf(igny8.EInvalid, "The password must have %d to %d characters (at most %d bytes).", igny8.MinPasswordLen, igny8.MaxPasswordLen, igny8.MaxPasswordLen)
	}
	// bcrypt takes tens of milliseconds: before the transaction, not
	// while it holds the invite's lock.
	hash, err := HashPassword(su.Password)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(su.Name)
	accountName := strings.TrimSpace(su.AccountName)
	if accountName == "" {
		accountName = name
	}
	if accountName == "" {
		accountName, _, _ = strings.Cut(email, "@")
	}
	slug, exact := su.AccountSlug, su.AccountSlug != ""
	if !exact {
		slug = accountSlugBase(accountName, email)
	}
	var inviteHash []byte
	if code := strings.TrimSpace(su.Invite); code != "" {
		sum := sha256.Sum256([]byte(code))
		inviteHash = sum[:]
	}
	var res igny8.SignupResult
	err = db.tx(ctx, scope{email: email}, func(tx pgx.Tx) error {
		var accountID int64
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('accounts', 'id'))`).Scan(&accountID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true), set_config('app.signup', 'on', true),
			set_config('app.invite_hash', $2, true)`, strconv.FormatInt(accountID, 10), hex.EncodeToString(inviteHash)); err != nil {
			return err
		}
		planID, err := signupPlan(ctx, tx, su.Plan)
		if err != nil {
			return err
		}
		// The invite before the address: without a valid invite, sign-up
		// tells nothing about which addresses have accounts.
		var inviteID int64
		if inviteHash != nil {
			if inviteID, err = useInvite(ctx, tx, inviteHash, email, accountID); err != nil {
				return err
			}
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)`, email).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return errEmailTaken
		}
		if res.Account, err = insertSignupAccount(ctx, tx, accountID, slug, exact, accountName, planID); err != nil {
			return err
		}
		var u igny8.User
		err = tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
			ON CONFLICT (email) DO NOTHING RETURNING id, email, name, created_at`, email, name, hash).Scan(&u.ID, &u.Email, &u.Name, &u.CreatedAt)
		if err == pgx.ErrNoRows {
			return errEmailTaken // a concurrent sign-up with the same address won
		} else if err != nil {
			return err
		}
		res.User = &u
		if _, err := tx.Exec(ctx, `SELECT set_config('app.user_id', $1, true)`, strconv.FormatInt(u.ID, 10)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, 'owner')`, accountID, u.ID); err != nil {
			return err
		}
		var exp *time.Time
		if su.TokenTTL > 0 {
			exp = new(db.now().Add(su.TokenTTL))
		}
		if res.Token, err = insertToken(ctx, tx, accountID, u.ID, TokenSpec{Name: "signup", Role: igny8.RoleOwner, ExpiresAt: exp}); err != nil {
			return err
		}
		var credits int64
		if err := tx.QueryRow(ctx, `SELECT amount FROM credits_replenish(credits_period(now()))`).Scan(&credits); err != nil {
			return fmt.Errorf("grant the plan's credits: %w", err)
		}
		ctx := igny8.WithActor(ctx, igny8.Actor{AccountID: accountID, UserID: u.ID, TokenID: res.Token.ID, Role: igny8.RoleOwner, RequestID: su.RequestID})
		data := map[string]any{"slug": res.Account.Slug, "plan": su.Plan, "credits": credits}
		if inviteID != 0 {
			data["invite_id"] = inviteID
		}
		return audit(ctx, tx, "account.signup", "account", accountID, data)
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// signupPlan returns the id of the plan named slug, nil for "" (no plan).
func signupPlan(ctx context.Context, tx pgx.Tx, slug string) (*int64, error) {
	if slug == "" {
		return nil, nil
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM plans WHERE slug = $1`, slug).Scan(&id)
	if err == pgx.ErrNoRows {
		// The operator's mistake, not the visitor's: said plainly, as an
		// internal error (500) whose message is shown.
		return nil, igny8.Errorf(igny8.EInternal, "Sign-up is misconfigured: the plan %q for new accounts (IGNY8_SIGNUP_PLAN) does not exist. The operator must create it (PUT /v1/plans/%s) or name another.", slug, slug)
	}
	return &id, err
}

// useInvite marks the invite whose code hashes to hash used by account
// accountID, or says why it cannot be used.
func useInvite(ctx context.Context, tx pgx.Tx, hash []byte, email string, accountID int64) (int64, error) {
	var id int64
	var bound string
	var expiresAt time.Time
	var expired, revoked, used bool
	err := tx.QueryRow(ctx, `SELECT id, coalesce(email, ''), expires_at, expires_at <= now(), revoked_at IS NOT NULL, used_at IS NOT NULL
		FROM signup_invites WHERE code_hash = $1`, hash).Scan(&id, &bound, &expiresAt, &expired, &revoked, &used)
	switch {
	case err == pgx.ErrNoRows:
		return 0, igny8.Errorf(igny8.EForbidden, "This invite code is not valid: check it, or ask the operator for a new one.")
	case err != nil:
		return 0, err
	case revoked:
		return 0, igny8.Errorf(igny8.EForbidden, "This invite was revoked: ask the operator for a new one.")
	case used:
		return 0, errInviteUsed
	case expired:
		return 0, igny8.Errorf(igny8.EForbidden, "This invite expired on %s: ask the operator for a new one.", expiresAt.UTC().Format(time.RFC3339))
	case bound != "" && bound != email:
		return 0, igny8.Errorf(igny8.EForbidden, "This invite is for another email address: sign up with the address it was sent to.")
	}
	// The claim: the row lock makes a concurrent sign-up with the same
	// code wait here, then find the invite used.
	tag, err := tx.Exec(ctx, `UPDATE signup_invites SET used_at = now(), used_by_account_id = $2
		WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()`, id, accountID)
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() == 0 {
		return 0, errInviteUsed
	}
	return id, nil
}

var errInviteUsed = igny8.Errorf(igny8.EForbidden, "This invite has been used already: ask the operator for a new one.")

// insertSignupAccount inserts account id with slug, or, unless exact, with
// slug and a suffix when the slug is taken.
func insertSignupAccount(ctx context.Context, tx pgx.Tx, id int64, slug string, exact bool, name string, planID *int64) (*igny8.Account, error) {
	const tries = 10
	for i := 1; i <= tries; i++ {
		candidate := slug
		switch {
		case i > 5:
			candidate = withSuffix(slug, randomSuffix())
		case i > 1:
			candidate = withSuffix(slug, strconv.Itoa(i))
		}
		if igny8.ReservedAccountSlug(candidate) {
			if exact {
				return nil, igny8.Errorf(igny8.EInvalid, "The account slug %q is kept for the platform: choose another account_slug, or leave it out.", slug)
			}
			continue
		}
		acc, err := scanAccount(tx.QueryRow(ctx, `INSERT INTO accounts (id, slug, name, plan_id) OVERRIDING SYSTEM VALUE
			VALUES ($1, $2, $3, $4) ON CONFLICT (slug) DO NOTHING RETURNING `+accountColumns, id, candidate, name, planID))
		if err != pgx.ErrNoRows {
			return acc, err
		}
		if exact {
			return nil, igny8.Errorf(igny8.EConflict, "An account with the slug %q exists: choose another account_slug, or leave it out to have one made from the account name.", slug)
		}
	}
	return nil, fmt.Errorf("no free account slug after %s: %d tries", slug, tries)
}

// maxBaseSlug leaves room for a suffix under the 63 characters of an
// account slug.
const maxBaseSlug = 40

// accountSlugBase makes an account slug from the account's name, or from
// the email address's local part when the name has no letter or digit:
// lower-case ASCII letters and digits joined by single hyphens (accents
// dropped), at most 40 characters, "account" when nothing is left.
func accountSlugBase(name, email string) string {
	local, _, _ := strings.Cut(email, "@")
	for _, s := range []string{name, local} {
		if slug := slugify(s, maxBaseSlug); slug != "" {
			return slug
		}
	}
	return "account"
}

// slugify makes s a slug: lower-case ASCII letters and digits (accents
// dropped) joined by single hyphens, at most max bytes. It may return "".
func slugify(s string, max int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		if b.Len() >= max {
			break
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent, split off its letter by NFKD
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	return strings.Trim(b.String()[:min(b.Len(), max)], "-")
}

// withSuffix appends -suffix to slug, within the slug rule's 63 characters.
func withSuffix(slug, suffix string) string {
	if n := 62 - len(suffix); len(slug) > n {
		slug = strings.TrimRight(slug[:n], "-")
	}
	return slug + "-" + suffix
}

func randomSuffix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// InvitePrefix starts every invite code.
const InvitePrefix = "igny8inv_"

// newInviteCode returns a fresh invite code (160 random bits) and its
// sha256.
func newInviteCode() (code string, hash []byte) {
	b := make([]byte, 20)
	rand.Read(b)
	code = InvitePrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	h := sha256.Sum256([]byte(code))
	return code, h[:]
}

const inviteColumns = `id, prefix, coalesce(email, ''), expires_at, created_by, created_at, revoked_at, used_at, used_by_account_id`

func scanInvite(row pgx.Row) (*igny8.Invite, error) {
	var v igny8.Invite
	err := row.Scan(&v.ID, &v.Prefix, &v.Email, &v.ExpiresAt, &v.CreatedBy, &v.CreatedAt, &v.RevokedAt, &v.UsedAt, &v.UsedByAccountID)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// CreateInvite makes an invite to sign up (system superusers only). The
// code is in the answer and nowhere else.
func (db *DB) CreateInvite(ctx context.Context, spec igny8.InviteSpec) (*igny8.NewInvite, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may make invites.")
	}
	var nv *igny8.NewInvite
	err = db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: true}, func(tx pgx.Tx) error {
		nv, err = db.insertInvite(ctx, tx, spec, nullID(a.UserID))
		return err
	})
	return nv, err
}

// SystemInvite makes an invite in the name of the system account, for
// trusted callers (igny8 invite), not the API.
func (db *DB) SystemInvite(ctx context.Context, spec igny8.InviteSpec) (*igny8.NewInvite, error) {
	var nv *igny8.NewInvite
	err := db.tx(ctx, scope{system: true}, func(tx pgx.Tx) error {
		var sys int64
		err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE is_system`).Scan(&sys)
		if err == pgx.ErrNoRows {
			return igny8.Errorf(igny8.EInvalid, "There is no system account yet: run `igny8 bootstrap` first.")
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true)`, strconv.FormatInt(sys, 10)); err != nil {
			return err
		}
		nv, err = db.insertInvite(igny8.WithActor(ctx, igny8.Actor{AccountID: sys}), tx, spec, nil)
		return err
	})
	return nv, err
}

// insertInvite inserts the invite and audits it in the actor's account.
func (db *DB) insertInvite(ctx context.Context, tx pgx.Tx, spec igny8.InviteSpec, createdBy *int64) (*igny8.NewInvite, error) {
	var email *string
	if spec.Email != "" {
		e, err := igny8.NormalizeEmail(spec.Email)
		if err != nil {
			return nil, err
		}
		email = &e
	}
	exp := db.now().Add(igny8.DefaultInviteTTL)
	if spec.ExpiresAt != nil {
		exp = *spec.ExpiresAt
	}
	if !exp.After(db.now()) {
		return nil, igny8.Errorf(igny8.EInvalid, "expires_at is in the past.")
	}
	code, hash := newInviteCode()
	v, err := scanInvite(tx.QueryRow(ctx, `INSERT INTO signup_invites (code_hash, prefix, email, expires_at, created_by)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+inviteColumns, hash, code[:len(InvitePrefix)+4], email, exp, createdBy))
	if err != nil {
		return nil, err
	}
	data := map[string]any{"expires_at": v.ExpiresAt, "bound": email != nil}
	if err := audit(ctx, tx, "invite.create", "invite", v.ID, data); err != nil {
		return nil, err
	}
	return &igny8.NewInvite{Invite: *v, Code: code}, nil
}

// Invites lists the invites, oldest first (system superusers only).
func (db *DB) Invites(ctx context.Context, after int64, limit int) ([]*igny8.Invite, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may list invites.")
	}
	var out []*igny8.Invite
	err = db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: true}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+inviteColumns+` FROM signup_invites WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.Invite, error) { return scanInvite(r) })
		return err
	})
	return out, err
}

// RevokeInvite ends an unused invite (system superusers only). Revoking
// it again changes nothing; a used invite cannot be revoked.
func (db *DB) RevokeInvite(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.System {
		return igny8.Errorf(igny8.EForbidden, "Only administrators of the system account may revoke invites.")
	}
	return db.tx(ctx, scope{accountID: a.AccountID, userID: a.UserID, system: true}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE signup_invites SET revoked_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return audit(ctx, tx, "invite.revoke", "invite", id, nil)
		}
		v, err := scanInvite(tx.QueryRow(ctx, `SELECT `+inviteColumns+` FROM signup_invites WHERE id = $1`, id))
		switch {
		case err == pgx.ErrNoRows:
			return igny8.Errorf(igny8.ENotFound, "Invite %d not found.", id)
		case err != nil:
			return err
		case v.UsedAt != nil:
			return igny8.Errorf(igny8.EConflict, "Invite %d was used on %s, by account %d: there is nothing left to revoke.", id, v.UsedAt.UTC().Format(time.RFC3339), deref(v.UsedByAccountID))
		}
		return nil // revoked already
	})
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
