package api

import (
	"context"
	"net/http"

	"github.com/igny8/igny8"
)

// AccountStore is the token's own account and its audit log
// (*postgres.DB implements it).
type AccountStore interface {
	Account(ctx context.Context) (*igny8.Account, error)
	RenameAccount(ctx context.Context, name string) (*igny8.Account, error)
	Audit(ctx context.Context, before int64, limit int) ([]igny8.AuditEntry, error)
}

// meResponse is the body of GET /v1/me.
type meResponse struct {
	Account *igny8.Account `json:"account"`
	UserID  int64          `json:"user_id"`
	TokenID int64          `json:"token_id"`
	Role    igny8.Role     `json:"role"`
	System  bool           `json:"system"`
}

// nameRequest renames an account or a sector.
type nameRequest struct {
	Name string `json:"name"`
}

// accountRoutes are the token's identity and its account.
func (s *server) accountRoutes() []*route {
	v, a, o := igny8.RoleViewer, igny8.RoleAdmin, igny8.RoleOwner
	return []*route{
		{method: "GET", pattern: "/v1/me", id: "getMe", tag: "account", summary: "Who the token acts as", role: v, out: meResponse{}, status: 200, serve: s.me},
		{method: "GET", pattern: "/v1/account", id: "getAccount", tag: "account", summary: "The token's account", role: v, out: igny8.Account{}, status: 200, serve: s.getAccount},
		{method: "PATCH", pattern: "/v1/account", id: "renameAccount", tag: "account", summary: "Rename the account", role: o, in: nameRequest{}, out: igny8.Account{}, status: 200, serve: s.renameAccount},
		{method: "GET", pattern: "/v1/audit", id: "listAudit", tag: "account", summary: "The account's audit log, newest first", role: a, out: igny8.AuditEntry{}, list: true, status: 200, serve: s.listAudit},
	}
}

func (s *server) me(w http.ResponseWriter, r *http.Request) (int, any, error) {
	a, _ := igny8.ActorFrom(r.Context())
	acc, err := s.cfg.Accounts.Account(r.Context())
	return 200, meResponse{Account: acc, UserID: a.UserID, TokenID: a.TokenID, Role: a.Role, System: a.System}, err
}

func (s *server) getAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	acc, err := s.cfg.Accounts.Account(r.Context())
	return 200, acc, err
}

func (s *server) renameAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req nameRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := required("/name", req.Name, "the account's display name"); err != nil {
		return 0, nil, err
	}
	acc, err := s.cfg.Accounts.RenameAccount(r.Context(), req.Name)
	return 200, acc, err
}

func (s *server) listAudit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Accounts.Audit, func(e igny8.AuditEntry) int64 { return e.ID })
}
