package api

import (
	"context"
	"net/http"

	"github.com/igny8/igny8"
)

// MemberStore manages the account's members (*postgres.DB implements it).
type MemberStore interface {
	Members(ctx context.Context, after int64, limit int) ([]*igny8.Member, error)
	AddMember(ctx context.Context, email, name, password string, role igny8.Role) (*igny8.Member, error)
	SetMemberRole(ctx context.Context, userID int64, role igny8.Role) (*igny8.Member, error)
	RemoveMember(ctx context.Context, userID int64) error
}

// memberRequest is the body of POST /v1/members.
type memberRequest struct {
	Email    string     `json:"email"`
	Name     string     `json:"name,omitempty"`
	Password string     `json:"password,omitempty"`
	Role     igny8.Role `json:"role"`
}

// roleRequest changes a member's role.
type roleRequest struct {
	Role igny8.Role `json:"role"`
}

// memberRoutes manage who belongs to the account, with which role.
func (s *server) memberRoutes() []*route {
	v, o := igny8.RoleViewer, igny8.RoleOwner
	return []*route{
		{method: "GET", pattern: "/v1/members", id: "listMembers", tag: "members", summary: "List members", role: v, out: igny8.Member{}, list: true, status: 200, serve: s.listMembers},
		{method: "POST", pattern: "/v1/members", id: "addMember", tag: "members", summary: "Add a member (a new user is created for an unknown email)", role: o, in: memberRequest{}, out: igny8.Member{}, status: 201, serve: s.addMember},
		{method: "PATCH", pattern: "/v1/members/{userID}", id: "setMemberRole", tag: "members", summary: "Change a member's role", role: o, in: roleRequest{}, out: igny8.Member{}, status: 200, serve: s.setMemberRole},
		{method: "DELETE", pattern: "/v1/members/{userID}", id: "removeMember", tag: "members", summary: "Remove a member and their tokens", role: o, status: 204, serve: s.removeMember},
	}
}

func (s *server) listMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Members.Members, func(m *igny8.Member) int64 { return m.User.ID })
}

func (s *server) addMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req memberRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := joinProblems(required("/email", req.Email, "the new member's email address"), checkRole("/role", req.Role)); err != nil {
		return 0, nil, err
	}
	m, err := s.cfg.Members.AddMember(r.Context(), req.Email, req.Name, req.Password, req.Role)
	return 201, m, err
}

func (s *server) setMemberRole(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "userID")
	if err != nil {
		return 0, nil, err
	}
	var req roleRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := checkRole("/role", req.Role); err != nil {
		return 0, nil, err
	}
	m, err := s.cfg.Members.SetMemberRole(r.Context(), id, req.Role)
	return 200, m, err
}

func (s *server) removeMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "userID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.Members.RemoveMember(r.Context(), id)
}
