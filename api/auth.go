package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/igny8/igny8"
)

// AuthStore checks API tokens and exchanges a password for one
// (*postgres.DB implements it).
type AuthStore interface {
	Authenticate(ctx context.Context, secret string) (igny8.Actor, error)
	Login(ctx context.Context, email, password, accountSlug string, ttl time.Duration) (*igny8.NewToken, error)
}

// loginRequest is the body of POST /v1/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Account  string `json:"account,omitempty"`
}

// authRoutes are the public routes that hand out tokens.
func (s *server) authRoutes() []*route {
	return []*route{
		{method: "POST", pattern: "/v1/login", id: "login", tag: "auth", summary: "Exchange an email and password for an API token", in: loginRequest{}, out: igny8.NewToken{}, status: 201, serve: s.login},
	}
}

func (s *server) login(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := joinProblems(required("/email", req.Email, "the address you log in with"), required("/password", req.Password, "your password")); err != nil {
		return 0, nil, err
	}
	// Per address, so password guessing is limited whatever the client.
	lim := s.cfg.LoginLimiter
	if lim == nil {
		lim = s.cfg.Limiter
	}
	if err := s.limit(w, r, lim, "login:"+strings.ToLower(req.Email)); err != nil {
		return 0, nil, err
	}
	nt, err := s.cfg.Auth.Login(r.Context(), req.Email, req.Password, req.Account, s.cfg.LoginTTL)
	return 201, nt, err
}

func (s *server) authenticate(r *http.Request) (igny8.Actor, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if h == "" {
		return igny8.Actor{}, problem(igny8.EUnauthorized, "Send an API token: Authorization: Bearer igny8_…")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return igny8.Actor{}, problem(igny8.EUnauthorized, "The Authorization header must be \"Bearer <token>\".")
	}
	return s.cfg.Auth.Authenticate(r.Context(), strings.TrimSpace(secret))
}
