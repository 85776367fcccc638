package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/igny8/igny8"
)

// AdminStore manages accounts and plans across the installation; the
// implementation (*postgres.DB) lets only system administrators change
// them.
type AdminStore interface {
	Accounts(ctx context.Context, after int64, limit int) ([]*igny8.Account, error)
	CreateAccount(ctx context.Context, na igny8.NewAccount) (*igny8.Account, error)
	UpdateAccount(ctx context.Context, id int64, u igny8.AccountUpdate) (*igny8.Account, error)
	Plans(ctx context.Context) ([]*igny8.Plan, error)
	PutPlan(ctx context.Context, p *igny8.Plan) (*igny8.Plan, error)
}

// adminRoutes are plans and accounts, for system administrators.
func (s *server) adminRoutes() []*route {
	v, a := igny8.RoleViewer, igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/plans", id: "listPlans", tag: "admin", summary: "List plans", role: v, out: igny8.Plan{}, list: true, whole: true, status: 200, serve: s.listPlans},
		{method: "PUT", pattern: "/v1/plans/{slug}", id: "putPlan", tag: "admin", summary: "Create or change a plan (system administrators)", role: a, system: true, in: igny8.Plan{}, out: igny8.Plan{}, status: 200, serve: s.putPlan},
		{method: "GET", pattern: "/v1/accounts", id: "listAccounts", tag: "admin", summary: "List every account (system administrators)", role: a, system: true, out: igny8.Account{}, list: true, status: 200, serve: s.listAccounts},
		{method: "POST", pattern: "/v1/accounts", id: "createAccount", tag: "admin", summary: "Create an account with its owner (system administrators)", role: a, system: true, in: igny8.NewAccount{}, out: igny8.Account{}, status: 201, serve: s.createAccount},
		{method: "PATCH", pattern: "/v1/accounts/{accountID}", id: "updateAccount", tag: "admin", summary: "Change an account's name, plan or status (system administrators)", role: a, system: true, in: igny8.AccountUpdate{}, out: igny8.Account{}, status: 200, serve: s.updateAccount},
	}
}

func (s *server) listPlans(w http.ResponseWriter, r *http.Request) (int, any, error) {
	plans, err := s.cfg.Admin.Plans(r.Context())
	return 200, List[*igny8.Plan]{Items: nonNil(plans)}, err
}

func (s *server) putPlan(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var p igny8.Plan
	if err := decode(r, &p); err != nil {
		return 0, nil, err
	}
	p.Slug = chi.URLParam(r, "slug")
	errs := []error{required("/name", p.Name, "the plan's display name"),
		oneOf("/support_level", p.SupportLevel, "basic", "priority", "enterprise"),
		oneOf("/billing_cycle", p.BillingCycle, "monthly", "annual")}
	if p.MonthlyCredits < 0 {
		errs = append(errs, invalidField("/monthly_credits", "/monthly_credits must be 0 or more."))
	}
	if p.PriceCents < 0 {
		errs = append(errs, invalidField("/price_cents", "/price_cents must be 0 or more."))
	}
	if !slugRE.MatchString(p.Slug) {
		errs = append(errs, invalidParam("slug", "The plan slug in the URL must be lower-case letters, digits and inner hyphens."))
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	out, err := s.cfg.Admin.PutPlan(r.Context(), &p)
	return 200, out, err
}

func (s *server) listAccounts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Admin.Accounts, func(a *igny8.Account) int64 { return a.ID })
}

func (s *server) createAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var na igny8.NewAccount
	if err := decode(r, &na); err != nil {
		return 0, nil, err
	}
	var errs []error
	if !slugRE.MatchString(na.Slug) {
		errs = append(errs, invalidField("/slug", "/slug must be lower-case letters, digits and inner hyphens."))
	}
	errs = append(errs, required("/name", na.Name, "the account's display name"), required("/owner_email", na.OwnerEmail, "the email of the account's first owner"))
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	acc, err := s.cfg.Admin.CreateAccount(r.Context(), na)
	return 201, acc, err
}

func (s *server) updateAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "accountID")
	if err != nil {
		return 0, nil, err
	}
	var u igny8.AccountUpdate
	if err := decode(r, &u); err != nil {
		return 0, nil, err
	}
	if u.Status != nil {
		if err := oneOf("/status", *u.Status, "active", "suspended"); err != nil {
			return 0, nil, err
		}
	}
	acc, err := s.cfg.Admin.UpdateAccount(r.Context(), id, u)
	return 200, acc, err
}
