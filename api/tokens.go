package api

import (
	"context"
	"net/http"

	"github.com/igny8/igny8"
)

// TokenStore manages API tokens (*postgres.DB implements it).
type TokenStore interface {
	CreateToken(ctx context.Context, spec igny8.TokenSpec) (*igny8.NewToken, error)
	Tokens(ctx context.Context, after int64, limit int) ([]*igny8.APIToken, error)
	RevokeToken(ctx context.Context, id int64) error
}

// tokenRoutes list, create and revoke API tokens.
func (s *server) tokenRoutes() []*route {
	v, a := igny8.RoleViewer, igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/tokens", id: "listTokens", tag: "tokens", summary: "List API tokens (admins: all; others: their own)", role: v, out: igny8.APIToken{}, list: true, status: 200, serve: s.listTokens},
		{method: "POST", pattern: "/v1/tokens", id: "createToken", tag: "tokens", summary: "Create an API token for yourself; the secret is shown once", role: a, in: igny8.TokenSpec{}, out: igny8.NewToken{}, status: 201, serve: s.createToken},
		{method: "DELETE", pattern: "/v1/tokens/{tokenID}", id: "revokeToken", tag: "tokens", summary: "Revoke an API token", role: a, status: 204, serve: s.revokeToken},
	}
}

func (s *server) listTokens(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Tokens.Tokens, func(t *igny8.APIToken) int64 { return t.ID })
}

func (s *server) createToken(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req igny8.TokenSpec
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Role != "" {
		if err := checkRole("/role", req.Role); err != nil {
			return 0, nil, err
		}
	}
	nt, err := s.cfg.Tokens.CreateToken(r.Context(), req)
	return 201, nt, err
}

func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "tokenID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.Tokens.RevokeToken(r.Context(), id)
}
