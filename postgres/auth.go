package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/igny8/igny8"
)

// TokenPrefix starts every API token, so secret scanners can find leaked ones.
const TokenPrefix = "igny8_"

// newSecret returns a fresh API token secret and its sha256.
func newSecret() (secret string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = TokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	h := sha256.Sum256([]byte(secret))
	return secret, h[:]
}

// HashPassword returns the bcrypt hash of password.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", igny8.Errorf(igny8.EInvalid, "The password must have at least 8 characters.")
	}
	if len(password) > 72 {
		return "", igny8.Errorf(igny8.EInvalid, "The password must have at most 72 bytes.")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

const tokenColumns = `id, account_id, user_id, name, prefix, role, scopes, expires_at, last_used_at, revoked_at, created_at`

func scanToken(row pgx.Row) (*igny8.APIToken, error) {
	var t igny8.APIToken
	err := row.Scan(&t.ID, &t.AccountID, &t.UserID, &t.Name, &t.Prefix, &t.Role, &t.Scopes, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt, &t.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

var errBadToken = igny8.Errorf(igny8.EUnauthorized, "The API token is unknown, expired or revoked.")

// Authenticate finds the actor behind an API token secret. The token's
// role is capped by the user's current role in the account, so demoting a
// member demotes their tokens.
func (db *DB) Authenticate(ctx context.Context, secret string) (igny8.Actor, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return igny8.Actor{}, errBadToken
	}
	sum := sha256.Sum256([]byte(secret))
	var act igny8.Actor
	err := db.tx(ctx, scope{tokenHash: hex.EncodeToString(sum[:])}, func(tx pgx.Tx) error {
		t, err := scanToken(tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, sum[:]))
		if err == pgx.ErrNoRows {
			return errBadToken
		} else if err != nil {
			return err
		}
		now := db.now()
		if t.RevokedAt != nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)) {
			return errBadToken
		}
		// From here on, the token's account.
		if _, err := tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true), set_config('app.user_id', $2, true)`,
			strconv.FormatInt(t.AccountID, 10), strconv.FormatInt(t.UserID, 10)); err != nil {
			return err
		}
		var member igny8.Role
		var system bool
		var status string
		err = tx.QueryRow(ctx, `SELECT m.role, a.is_system, a.status FROM memberships m JOIN accounts a ON a.id = m.account_id
			WHERE m.account_id = $1 AND m.user_id = $2`, t.AccountID, t.UserID).Scan(&member, &system, &status)
		if err == pgx.ErrNoRows {
			return errBadToken
		} else if err != nil {
			return err
		}
		if status != "active" {
			return igny8.Errorf(igny8.EForbidden, "The account is %s.", status)
		}
		role := t.Role
		if !member.AtLeast(role) {
			role = member
		}
		if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
			if _, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, now); err != nil {
				return err
			}
		}
		act = igny8.Actor{AccountID: t.AccountID, UserID: t.UserID, TokenID: t.ID, Role: role, System: system && role.AtLeast(igny8.RoleAdmin)}
		return nil
	})
	return act, err
}

// NewToken is igny8.NewToken.
type NewToken = igny8.NewToken

// TokenSpec is igny8.TokenSpec.
type TokenSpec = igny8.TokenSpec

// CreateToken creates a token for the actor's user in the actor's account.
func (db *DB) CreateToken(ctx context.Context, spec TokenSpec) (*NewToken, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if spec.Role == "" {
		spec.Role = a.Role
	}
	if !spec.Role.Valid() {
		return nil, igny8.Errorf(igny8.EInvalid, "role %q is not one of owner, admin, editor, viewer.", spec.Role)
	}
	if !a.Role.AtLeast(spec.Role) {
		return nil, igny8.Errorf(igny8.EForbidden, "A %s cannot create a token with role %s.", a.Role, spec.Role)
	}
	if spec.ExpiresAt != nil && !spec.ExpiresAt.After(db.now()) {
		return nil, igny8.Errorf(igny8.EInvalid, "expires_at is in the past.")
	}
	var nt *NewToken
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		nt, err = insertToken(ctx, tx, a.AccountID, a.UserID, spec)
		if err != nil {
			return err
		}
		return audit(ctx, tx, "token.create", "token", nt.ID, map[string]any{"role": spec.Role, "name": spec.Name})
	})
	return nt, err
}

func insertToken(ctx context.Context, tx pgx.Tx, accountID, userID int64, spec TokenSpec) (*NewToken, error) {
	secret, hash := newSecret()
	if spec.Scopes == nil {
		spec.Scopes = []string{}
	}
	t, err := scanToken(tx.QueryRow(ctx, `INSERT INTO api_tokens (account_id, user_id, name, token_hash, prefix, role, scopes, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+tokenColumns,
		accountID, userID, spec.Name, hash, secret[:len(TokenPrefix)+6], spec.Role, spec.Scopes, spec.ExpiresAt))
	if err != nil {
		return nil, err
	}
	return &NewToken{APIToken: *t, Secret: secret}, nil
}

// Tokens lists the account's tokens (admins see all; others their own).
func (db *DB) Tokens(ctx context.Context, after int64, limit int) ([]*igny8.APIToken, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*igny8.APIToken
	err = db.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE account_id = $1 AND id > $2
			AND ($4 OR user_id = $5) ORDER BY id LIMIT $3`, a.AccountID, after, limit, a.Role.AtLeast(igny8.RoleAdmin), a.UserID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*igny8.APIToken, error) { return scanToken(r) })
		return err
	})
	return out, err
}

// RevokeToken revokes token id of the account (admins: any; others: their own).
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
			WHERE account_id = $1 AND id = $2 AND ($3 OR user_id = $4)`, a.AccountID, id, a.Role.AtLeast(igny8.RoleAdmin), a.UserID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return igny8.Errorf(igny8.ENotFound, "Token %d not found.", id)
		}
		return audit(ctx, tx, "token.revoke", "token", id, nil)
	})
}

var errBadLogin = igny8.Errorf(igny8.EUnauthorized, "The email or password is wrong.")

// Login checks a user's password and issues a token in one of their
// accounts: accountSlug, or their only account. It lasts ttl.
func (db *DB) Login(ctx context.Context, email, password, accountSlug string, ttl time.Duration) (*NewToken, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var nt *NewToken
	err := db.tx(ctx, scope{email: email}, func(tx pgx.Tx) error {
		var userID int64
		var hash string
		err := tx.QueryRow(ctx, `SELECT id, password_hash FROM users WHERE email = $1`, email).Scan(&userID, &hash)
		if err == pgx.ErrNoRows {
			// Spend the same time as a real check, so timing does not tell
			// which addresses exist.
			bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
			return errBadLogin
		} else if err != nil {
			return err
		}
		if hash == "" || bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
			return errBadLogin
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('app.user_id', $1, true)`, strconv.FormatInt(userID, 10)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT a.id, a.slug, m.role FROM memberships m JOIN accounts a ON a.id = m.account_id
			WHERE m.user_id = $1 AND a.status = 'active' ORDER BY a.id`, userID)
		if err != nil {
			return err
		}
		type membership struct {
			id   int64
			slug string
			role igny8.Role
		}
		ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (membership, error) {
			var m membership
			return m, r.Scan(&m.id, &m.slug, &m.role)
		})
		if err != nil {
			return err
		}
		var chosen *membership
		for i := range ms {
			if ms[i].slug == accountSlug || (accountSlug == "" && len(ms) == 1) {
				chosen = &ms[i]
			}
		}
		if chosen == nil {
			if accountSlug == "" && len(ms) > 1 {
				slugs := make([]string, len(ms))
				for i, m := range ms {
					slugs[i] = m.slug
				}
				return igny8.Errorf(igny8.EInvalid, "You belong to several accounts (%s): say which in \"account\".", strings.Join(slugs, ", "))
			}
			return igny8.Errorf(igny8.EForbidden, "You are not a member of an active account %q.", accountSlug)
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('app.account_id', $1, true)`, strconv.FormatInt(chosen.id, 10)); err != nil {
			return err
		}
		exp := db.now().Add(ttl)
		nt, err = insertToken(ctx, tx, chosen.id, userID, TokenSpec{Name: "login", Role: chosen.role, ExpiresAt: &exp})
		if err != nil {
			return err
		}
		ctx := igny8.WithActor(ctx, igny8.Actor{AccountID: chosen.id, UserID: userID, TokenID: nt.ID, Role: chosen.role})
		return audit(ctx, tx, "user.login", "token", nt.ID, nil)
	})
	return nt, err
}

// dummyHash is a bcrypt hash of nothing anyone types, for constant-time
// failed logins. It is made on first use: every igny8 command links this
// package, and a bcrypt hash costs tens of milliseconds.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not a password, only a timing pad"), bcrypt.DefaultCost)
	return h
})
