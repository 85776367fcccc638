package api

import (
	"context"
	"net/http"
	"time"

	"github.com/igny8/igny8"
)

// InviteStore makes, lists and revokes sign-up invites; the
// implementation (*postgres.DB) lets only system administrators.
type InviteStore interface {
	CreateInvite(ctx context.Context, spec igny8.InviteSpec) (*igny8.NewInvite, error)
	Invites(ctx context.Context, after int64, limit int) ([]*igny8.Invite, error)
	RevokeInvite(ctx context.Context, id int64) error
}

// inviteRoutes manage the invites that sign-up by invitation needs.
func (s *server) inviteRoutes() []*route {
	a := igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/invites", id: "listInvites", tag: "admin", summary: "List sign-up invites, used, revoked and expired ones included (system administrators)", role: a, system: true, out: igny8.Invite{}, list: true, status: 200, serve: s.listInvites},
		{method: "POST", pattern: "/v1/invites", id: "createInvite", tag: "admin", summary: "Make a sign-up invite, optionally for one email address; the code is shown once (system administrators)", role: a, system: true, in: igny8.InviteSpec{}, out: igny8.NewInvite{}, status: 201, serve: s.createInvite},
		{method: "DELETE", pattern: "/v1/invites/{inviteID}", id: "revokeInvite", tag: "admin", summary: "Revoke an unused sign-up invite (system administrators)", role: a, system: true, status: 204, serve: s.revokeInvite},
	}
}

// invites returns Config.Invites, or a 501 problem when it is not
// configured.
func (s *server) invites() (InviteStore, error) {
	if s.cfg.Invites != nil {
		return s.cfg.Invites, nil
	}
	return nil, problem(CodeNotImplemented, "Invites are not configured on this server.")
}

func (s *server) listInvites(w http.ResponseWriter, r *http.Request) (int, any, error) {
	st, err := s.invites()
	if err != nil {
		return 0, nil, err
	}
	return paged(r, st.Invites, func(v *igny8.Invite) int64 { return v.ID })
}

func (s *server) createInvite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	st, err := s.invites()
	if err != nil {
		return 0, nil, err
	}
	var spec igny8.InviteSpec
	if err := decode(r, &spec); err != nil {
		return 0, nil, err
	}
	var errs []error
	if spec.Email != "" {
		if _, err := igny8.NormalizeEmail(spec.Email); err != nil {
			errs = append(errs, invalidField("/email", "/email must be the address the invite is for, such as name@example.com, or left out for anyone."))
		}
	}
	if spec.ExpiresAt != nil && !spec.ExpiresAt.After(time.Now()) {
		errs = append(errs, invalidField("/expires_at", "/expires_at must be in the future; leave it out for 14 days."))
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	nv, err := st.CreateInvite(r.Context(), spec)
	return 201, nv, err
}

func (s *server) revokeInvite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	st, err := s.invites()
	if err != nil {
		return 0, nil, err
	}
	id, err := pathID(r, "inviteID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, st.RevokeInvite(r.Context(), id)
}
