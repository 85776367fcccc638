package api

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"unicode/utf8"

	"github.com/igny8/igny8"
)

// SignupStore creates accounts for people who sign up (*postgres.DB
// implements it).
type SignupStore interface {
	Signup(ctx context.Context, su igny8.Signup) (*igny8.SignupResult, error)
}

// signupRequest is the body of POST /v1/signup.
type signupRequest struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	Name        string `json:"name,omitempty"`
	AccountName string `json:"account_name,omitempty"`
	AccountSlug string `json:"account_slug,omitempty"`
	Invite      string `json:"invite,omitempty"`
}

// maxNameLen bounds the owner's and the account's names.
const maxNameLen = 200

// signupRoutes is the public route that creates accounts.
func (s *server) signupRoutes() []*route {
	return []*route{
		{method: "POST", pattern: "/v1/signup", id: "signup", tag: "auth", summary: "Create an account with yourself as its owner, and get a first API token, shown once (when the installation allows sign-up)", in: signupRequest{}, out: igny8.SignupResult{}, status: 201, serve: s.signup},
	}
}

// signup creates an account, as Config.SignupMode allows.
//
// Enumeration: a sign-up with an address that has an account is refused
// with 409, saying to log in, so sign-up tells whether an address is
// registered; without email verification no sign-up can hide that. It is
// limited per client address, asked only once the request is otherwise
// valid, and, by invitation, only after the invite is found good.
//
// A retry is safe without Idempotency-Key (public routes have no key
// space): the account and its credits are made in one transaction, so a
// retry after a lost answer finds the address taken and changes nothing;
// the client then logs in.
func (s *server) signup(w http.ResponseWriter, r *http.Request) (int, any, error) {
	mode := s.cfg.SignupMode
	if mode == "" {
		mode = igny8.SignupClosed
	}
	if mode == igny8.SignupClosed || s.cfg.Signups == nil {
		return 0, nil, problem(igny8.EForbidden, "Sign-up is closed on this installation: ask its operator for an account.")
	}
	var req signupRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := checkSignup(req, mode); err != nil {
		return 0, nil, err
	}
	lim := s.cfg.SignupLimiter
	if lim == nil {
		lim = s.cfg.Limiter
	}
	if err := s.limit(w, r, lim, "signup:"+clientNet(r.RemoteAddr)); err != nil {
		return 0, nil, err
	}
	su := igny8.Signup{Email: req.Email, Password: req.Password, Name: req.Name, AccountName: req.AccountName,
		AccountSlug: req.AccountSlug, Plan: s.cfg.SignupPlan, TokenTTL: s.cfg.LoginTTL, RequestID: requestID(r.Context())}
	if mode == igny8.SignupInvite {
		su.Invite = req.Invite
	}
	res, err := s.cfg.Signups.Signup(r.Context(), su)
	if igny8.ErrorCode(err) == igny8.EInternal {
		// Also a misconfiguration (a missing plan): the operator reads logs.
		s.log.ErrorContext(r.Context(), "sign-up failed", "err", err, "request_id", requestID(r.Context()))
	}
	return 201, res, err
}

// checkSignup reports every problem of a sign-up request at once.
func checkSignup(req signupRequest, mode igny8.SignupMode) error {
	var errs []error
	if _, err := igny8.NormalizeEmail(req.Email); err != nil {
		errs = append(errs, invalidField("/email", "/email must be your email address, such as name@example.com: you log in with it."))
	}
	switch n := utf8.RuneCountInString(req.Password); {
	case n < igny8.MinPasswordLen:
		errs = append(errs, invalidField("/password", fmt.Sprintf("/password must have at least %d characters.", igny8.MinPasswordLen)))
	case len(req.Password) > igny8.MaxPasswordLen:
		errs = append(errs, invalidField("/password", fmt.Sprintf("/password must have at most %d bytes (bcrypt reads no further).", igny8.MaxPasswordLen)))
	}
	if utf8.RuneCountInString(req.Name) > maxNameLen {
		errs = append(errs, invalidField("/name", fmt.Sprintf("/name must have at most %d characters.", maxNameLen)))
	}
	if utf8.RuneCountInString(req.AccountName) > maxNameLen {
		errs = append(errs, invalidField("/account_name", fmt.Sprintf("/account_name must have at most %d characters.", maxNameLen)))
	}
	switch {
	case req.AccountSlug != "" && !slugRE.MatchString(req.AccountSlug):
		errs = append(errs, invalidField("/account_slug", "/account_slug must be lower-case letters, digits and inner hyphens, at most 63; leave it out to have one made from the account name."))
	case igny8.ReservedAccountSlug(req.AccountSlug):
		errs = append(errs, invalidField("/account_slug", fmt.Sprintf("/account_slug %q is kept for the platform: choose another, or leave it out.", req.AccountSlug)))
	}
	if mode == igny8.SignupInvite {
		if req.Invite == "" {
			errs = append(errs, invalidField("/invite", "/invite is required: sign-up on this installation is by invitation; ask its operator for an invite code."))
		} else if len(req.Invite) > 100 {
			errs = append(errs, invalidField("/invite", "/invite is not an invite code: paste the code you were given."))
		}
	}
	return joinProblems(errs...)
}

// clientNet is the rate-limit key of a client address: the IP of an IPv4
// client, the /64 of an IPv6 one (which commonly holds many addresses).
// It is the connection's address: the API has no trusted-proxy setting,
// and X-Forwarded-For from anyone else would let a client choose its own
// key.
func clientNet(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() != nil {
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
