package igny8

import (
	"net/mail"
	"strings"
	"time"
)

// SignupMode says who may create an account through sign-up.
type SignupMode string

// Sign-up modes. Closed is the default, so that an installation opens up
// only when its operator says so.
const (
	SignupClosed SignupMode = "closed" // only system administrators create accounts
	SignupOpen   SignupMode = "open"   // anyone
	SignupInvite SignupMode = "invite" // anyone with a valid, unused invite
)

// Valid reports whether m is one of the sign-up modes.
func (m SignupMode) Valid() bool {
	return m == SignupClosed || m == SignupOpen || m == SignupInvite
}

// Password bounds of sign-up. bcrypt reads at most 72 bytes, so a longer
// password would be cut silently: it is refused instead.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 72
)

// MaxEmailLen is the longest email address (RFC 5321's path limit).
const MaxEmailLen = 254

// NormalizeEmail trims and lower-cases an email address and checks it is
// one plain address (local@domain, no display name, no spaces). The error
// is an invalid *Error whose message says what is wrong.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", Errorf(EInvalid, "An email address is required.")
	}
	if len(e) > MaxEmailLen {
		return "", Errorf(EInvalid, "The email address is longer than %d characters.", MaxEmailLen)
	}
	a, err := mail.ParseAddress(e)
	local, domain, ok := strings.Cut(e, "@")
	if err != nil || a.Address != e || a.Name != "" || !ok || local == "" || domain == "" ||
		strings.ContainsAny(e, " \t\r\n<>\"") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", Errorf(EInvalid, "That is not an email address: want one plain address such as name@example.com.")
	}
	return e, nil
}

// reservedAccountSlugs are slugs sign-up never gives: the system
// account's, and names that would pass for the platform's own.
var reservedAccountSlugs = map[string]bool{
	"system": true, "admin": true, "administrator": true, "root": true, "igny8": true,
	"api": true, "www": true, "support": true, "billing": true, "security": true,
}

// ReservedAccountSlug reports whether sign-up keeps slug from accounts
// (a system administrator may still give it).
func ReservedAccountSlug(slug string) bool { return reservedAccountSlugs[slug] }

// Signup asks for a new account with its first owner, a new user.
type Signup struct {
	Email       string
	Password    string
	Name        string        // the owner's name
	AccountName string        // "": the owner's name, else the address's local part
	AccountSlug string        // "": made from the account name, unique with a suffix
	Invite      string        // an invite code to use up; "": none
	Plan        string        // slug of the plan the account gets, with its credits
	TokenTTL    time.Duration // how long the owner's first token lasts
	RequestID   string        // for the audit log
}

// SignupResult is what a sign-up made: the account, its owner, and the
// owner's first API token (its secret shown once).
type SignupResult struct {
	Account *Account  `json:"account"`
	User    *User     `json:"user"`
	Token   *NewToken `json:"token"`
}

// Invite lets one new account sign up while sign-up is by invitation. Its
// code is shown once, when it is made; only its sha256 is kept.
type Invite struct {
	ID              int64      `json:"id"`
	Prefix          string     `json:"prefix"`          // the code's first characters, to recognise it
	Email           string     `json:"email,omitempty"` // only this address may use it; "": anyone
	ExpiresAt       time.Time  `json:"expires_at"`
	CreatedBy       *int64     `json:"created_by"` // the administrator; null when made by `igny8 invite`
	CreatedAt       time.Time  `json:"created_at"`
	RevokedAt       *time.Time `json:"revoked_at"`
	UsedAt          *time.Time `json:"used_at"`
	UsedByAccountID *int64     `json:"used_by_account_id"`
}

// InviteSpec describes an invite to make.
type InviteSpec struct {
	// Email binds the invite to one address; "" lets anyone use it.
	Email string `json:"email,omitempty"`
	// ExpiresAt ends the invite; zero: DefaultInviteTTL from now.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// DefaultInviteTTL is how long an invite lasts unless told otherwise.
const DefaultInviteTTL = 14 * 24 * time.Hour

// NewInvite is an invite just made, with its code.
type NewInvite struct {
	Invite
	Code string `json:"code"`
}
