package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// Request and response bodies that are not domain types.
type (
	loginRequest struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Account  string `json:"account,omitempty"`
	}
	meResponse struct {
		Account *igny8.Account `json:"account"`
		UserID  int64          `json:"user_id"`
		TokenID int64          `json:"token_id"`
		Role    igny8.Role     `json:"role"`
		System  bool           `json:"system"`
	}
	nameRequest struct {
		Name string `json:"name"`
	}
	memberRequest struct {
		Email    string     `json:"email"`
		Name     string     `json:"name,omitempty"`
		Password string     `json:"password,omitempty"`
		Role     igny8.Role `json:"role"`
	}
	roleRequest struct {
		Role igny8.Role `json:"role"`
	}
	siteRequest struct {
		Slug        string `json:"slug"`
		Name        string `json:"name"`
		SiteType    string `json:"site_type,omitempty"`
		HostingType string `json:"hosting_type,omitempty"`
	}
	sectorRequest struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	domainRequest struct {
		Hostname string `json:"hostname"`
	}
	validation struct {
		Valid    bool           `json:"valid"`
		Problems []FieldProblem `json:"problems"`
	}
	blueprintInfo struct {
		SiteID  int64 `json:"site_id"`
		Version int   `json:"version"`
	}
	orderRequest struct {
		Order []string `json:"order"`
	}
	pageRequest struct {
		Page     json.RawMessage `json:"page"`
		Position *int            `json:"position,omitempty"`
	}
	rollbackRequest struct {
		To string `json:"to,omitempty"`
	}
	blueprintDoc map[string]any // a whole blueprint, see docs/blueprints.md
)

// table is every API operation. The OpenAPI document is generated from it.
func (s *server) table() []*route {
	v := igny8.RoleViewer
	e := igny8.RoleEditor
	a := igny8.RoleAdmin
	o := igny8.RoleOwner
	return append([]*route{
		{method: "POST", pattern: "/v1/login", id: "login", tag: "auth", summary: "Exchange an email and password for an API token", in: loginRequest{}, out: igny8.NewToken{}, status: 201, serve: s.login},
		{method: "GET", pattern: "/v1/openapi.json", id: "openapi", tag: "meta", summary: "This API's OpenAPI 3.1 document", status: 200, serve: s.openapi},

		{method: "GET", pattern: "/v1/me", id: "getMe", tag: "account", summary: "Who the token acts as", role: v, out: meResponse{}, status: 200, serve: s.me},
		{method: "GET", pattern: "/v1/account", id: "getAccount", tag: "account", summary: "The token's account", role: v, out: igny8.Account{}, status: 200, serve: s.getAccount},
		{method: "PATCH", pattern: "/v1/account", id: "renameAccount", tag: "account", summary: "Rename the account", role: o, in: nameRequest{}, out: igny8.Account{}, status: 200, serve: s.renameAccount},
		{method: "GET", pattern: "/v1/audit", id: "listAudit", tag: "account", summary: "The account's audit log, newest first", role: a, out: igny8.AuditEntry{}, list: true, status: 200, serve: s.listAudit},

		{method: "GET", pattern: "/v1/members", id: "listMembers", tag: "members", summary: "List members", role: v, out: igny8.Member{}, list: true, status: 200, serve: s.listMembers},
		{method: "POST", pattern: "/v1/members", id: "addMember", tag: "members", summary: "Add a member (a new user is created for an unknown email)", role: o, in: memberRequest{}, out: igny8.Member{}, status: 201, serve: s.addMember},
		{method: "PATCH", pattern: "/v1/members/{userID}", id: "setMemberRole", tag: "members", summary: "Change a member's role", role: o, in: roleRequest{}, out: igny8.Member{}, status: 200, serve: s.setMemberRole},
		{method: "DELETE", pattern: "/v1/members/{userID}", id: "removeMember", tag: "members", summary: "Remove a member and their tokens", role: o, status: 204, serve: s.removeMember},

		{method: "GET", pattern: "/v1/tokens", id: "listTokens", tag: "tokens", summary: "List API tokens (admins: all; others: their own)", role: v, out: igny8.APIToken{}, list: true, status: 200, serve: s.listTokens},
		{method: "POST", pattern: "/v1/tokens", id: "createToken", tag: "tokens", summary: "Create an API token for yourself; the secret is shown once", role: a, in: igny8.TokenSpec{}, out: igny8.NewToken{}, status: 201, serve: s.createToken},
		{method: "DELETE", pattern: "/v1/tokens/{tokenID}", id: "revokeToken", tag: "tokens", summary: "Revoke an API token", role: a, status: 204, serve: s.revokeToken},

		{method: "GET", pattern: "/v1/sites", id: "listSites", tag: "sites", summary: "List sites", role: v, out: igny8.Site{}, list: true, status: 200, serve: s.listSites},
		{method: "POST", pattern: "/v1/sites", id: "createSite", tag: "sites", summary: "Create a site", role: a, in: siteRequest{}, out: igny8.Site{}, status: 201, serve: s.createSite},
		{method: "GET", pattern: "/v1/sites/{siteID}", id: "getSite", tag: "sites", summary: "Get a site", role: v, out: igny8.Site{}, status: 200, serve: s.getSite},
		{method: "PATCH", pattern: "/v1/sites/{siteID}", id: "updateSite", tag: "sites", summary: "Change a site's name or types (the slug never changes)", role: a, in: igny8.SiteUpdate{}, out: igny8.Site{}, status: 200, serve: s.updateSite},
		{method: "DELETE", pattern: "/v1/sites/{siteID}", id: "deleteSite", tag: "sites", summary: "Delete a site and everything stored for it in the database", role: a, status: 204, serve: s.deleteSite},

		{method: "GET", pattern: "/v1/sites/{siteID}/sectors", id: "listSectors", tag: "sectors", summary: "List a site's sectors", role: v, out: igny8.Sector{}, list: true, status: 200, serve: s.listSectors},
		{method: "POST", pattern: "/v1/sites/{siteID}/sectors", id: "createSector", tag: "sectors", summary: "Add a sector", role: e, in: sectorRequest{}, out: igny8.Sector{}, status: 201, serve: s.createSector},
		{method: "GET", pattern: "/v1/sites/{siteID}/sectors/{sectorID}", id: "getSector", tag: "sectors", summary: "Get a sector", role: v, out: igny8.Sector{}, status: 200, serve: s.getSector},
		{method: "PATCH", pattern: "/v1/sites/{siteID}/sectors/{sectorID}", id: "renameSector", tag: "sectors", summary: "Rename a sector", role: e, in: nameRequest{}, out: igny8.Sector{}, status: 200, serve: s.renameSector},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/sectors/{sectorID}", id: "deleteSector", tag: "sectors", summary: "Delete a sector", role: e, status: 204, serve: s.deleteSector},

		{method: "GET", pattern: "/v1/sites/{siteID}/domains", id: "listDomains", tag: "domains", summary: "List a site's domains", role: v, out: igny8.Domain{}, list: true, status: 200, serve: s.listDomains},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains", id: "createDomain", tag: "domains", summary: "Claim a host name for a site (unverified until its TXT record is found)", role: a, in: domainRequest{}, out: igny8.Domain{}, status: 201, serve: s.createDomain},
		{method: "GET", pattern: "/v1/sites/{siteID}/domains/{domainID}", id: "getDomain", tag: "domains", summary: "Get a domain", role: v, out: igny8.Domain{}, status: 200, serve: s.getDomain},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains/{domainID}/verify", id: "verifyDomain", tag: "domains", summary: "Check the domain's TXT record and mark it verified", role: a, out: igny8.Domain{}, status: 200, serve: s.verifyDomain},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains/{domainID}/primary", id: "makePrimaryDomain", tag: "domains", summary: "Make a verified domain the site's primary one", role: a, out: igny8.Domain{}, status: 200, serve: s.primaryDomain},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/domains/{domainID}", id: "deleteDomain", tag: "domains", summary: "Release a host name", role: a, status: 204, serve: s.deleteDomain},

		{method: "POST", pattern: "/v1/blueprints/validate", id: "validateBlueprint", tag: "blueprints", summary: "Validate a blueprint; every problem with its JSON pointer", role: v, in: blueprintDoc{}, out: validation{}, status: 200, serve: s.validateBlueprint},
		{method: "GET", pattern: "/v1/sites/{siteID}/blueprint", id: "getBlueprint", tag: "blueprints", summary: "The site's active blueprint (X-Blueprint-Version tells its version)", role: v, out: blueprintDoc{}, status: 200, serve: s.getBlueprint},
		{method: "PUT", pattern: "/v1/sites/{siteID}/blueprint", id: "putBlueprint", tag: "blueprints", summary: "Store a new version of the site's blueprint (validated first)", role: e, in: blueprintDoc{}, out: blueprintInfo{}, status: 200, serve: s.putBlueprint},

		{method: "GET", pattern: "/v1/sites/{siteID}/pages", id: "listPages", tag: "pages", summary: "The pages of the site's blueprint, in order", role: v, out: igny8.PageBlueprint{}, list: true, whole: true, status: 200, serve: s.listPages},
		{method: "POST", pattern: "/v1/sites/{siteID}/pages", id: "createPage", tag: "pages", summary: "Add a page (its \"id\" must be new)", role: e, in: pageRequest{}, out: igny8.PageBlueprint{}, status: 201, serve: s.createPage},
		{method: "PUT", pattern: "/v1/sites/{siteID}/pages/order", id: "reorderPages", tag: "pages", summary: "Reorder pages: list every page id once", role: e, in: orderRequest{}, out: igny8.PageBlueprint{}, list: true, whole: true, status: 200, serve: s.reorderPages},
		{method: "GET", pattern: "/v1/sites/{siteID}/pages/{pageID}", id: "getPage", tag: "pages", summary: "Get a page", role: v, out: igny8.PageBlueprint{}, status: 200, serve: s.getPage},
		{method: "PUT", pattern: "/v1/sites/{siteID}/pages/{pageID}", id: "putPage", tag: "pages", summary: "Replace a page (or create it with this id)", role: e, in: pageRequest{}, out: igny8.PageBlueprint{}, status: 200, serve: s.putPage},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/pages/{pageID}", id: "deletePage", tag: "pages", summary: "Delete a page", role: e, status: 204, serve: s.deletePage},

		{method: "GET", pattern: "/v1/sites/{siteID}/deploys", id: "listDeploys", tag: "deploys", summary: "A site's deploy history, newest first", role: v, out: igny8.Deployment{}, list: true, status: 200, serve: s.listDeploys},
		{method: "POST", pattern: "/v1/sites/{siteID}/deploys", id: "createDeploy", tag: "deploys", summary: "Build and deploy the active blueprint in the background", role: e, out: igny8.Deployment{}, status: 202, serve: s.createDeploy},
		{method: "GET", pattern: "/v1/sites/{siteID}/deploys/{deploymentID}", id: "getDeploy", tag: "deploys", summary: "A deploy's status, counts and error", role: v, out: igny8.Deployment{}, status: 200, serve: s.getDeploy},
		{method: "POST", pattern: "/v1/sites/{siteID}/deploys/{deploymentID}/promote", id: "promoteDeploy", tag: "deploys", summary: "Make this ready deploy live", role: e, out: igny8.Deployment{}, status: 200, serve: s.promoteDeploy},
		{method: "POST", pattern: "/v1/sites/{siteID}/rollback", id: "rollback", tag: "deploys", summary: "Make an earlier deploy live (the previous one, or \"to\")", role: e, in: rollbackRequest{}, out: igny8.Deployment{}, status: 200, serve: s.rollback},

		{method: "GET", pattern: "/v1/plans", id: "listPlans", tag: "admin", summary: "List plans", role: v, out: igny8.Plan{}, list: true, whole: true, status: 200, serve: s.listPlans},
		{method: "PUT", pattern: "/v1/plans/{slug}", id: "putPlan", tag: "admin", summary: "Create or change a plan (system administrators)", role: a, system: true, in: igny8.Plan{}, out: igny8.Plan{}, status: 200, serve: s.putPlan},
		{method: "GET", pattern: "/v1/accounts", id: "listAccounts", tag: "admin", summary: "List every account (system administrators)", role: a, system: true, out: igny8.Account{}, list: true, status: 200, serve: s.listAccounts},
		{method: "POST", pattern: "/v1/accounts", id: "createAccount", tag: "admin", summary: "Create an account with its owner (system administrators)", role: a, system: true, in: igny8.NewAccount{}, out: igny8.Account{}, status: 201, serve: s.createAccount},
		{method: "PATCH", pattern: "/v1/accounts/{accountID}", id: "updateAccount", tag: "admin", summary: "Change an account's name, plan or status (system administrators)", role: a, system: true, in: igny8.AccountUpdate{}, out: igny8.Account{}, status: 200, serve: s.updateAccount},
	}, s.creditRoutes()...)
}

func required(pointer, value, what string) error {
	if strings.TrimSpace(value) == "" {
		return invalidField(pointer, fmt.Sprintf("%s is required: %s.", pointer, what))
	}
	return nil
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
	nt, err := s.cfg.Store.Login(r.Context(), req.Email, req.Password, req.Account, s.cfg.LoginTTL)
	return 201, nt, err
}

func (s *server) me(w http.ResponseWriter, r *http.Request) (int, any, error) {
	a, _ := igny8.ActorFrom(r.Context())
	acc, err := s.cfg.Store.Account(r.Context())
	return 200, meResponse{Account: acc, UserID: a.UserID, TokenID: a.TokenID, Role: a.Role, System: a.System}, err
}

func (s *server) getAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	acc, err := s.cfg.Store.Account(r.Context())
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
	acc, err := s.cfg.Store.RenameAccount(r.Context(), req.Name)
	return 200, acc, err
}

func (s *server) listAudit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Store.Audit, func(e igny8.AuditEntry) int64 { return e.ID })
}

func (s *server) listMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Store.Members, func(m *igny8.Member) int64 { return m.User.ID })
}

func checkRole(pointer string, role igny8.Role) error {
	if !role.Valid() {
		return invalidField(pointer, fmt.Sprintf("%s must be one of owner, admin, editor, viewer.", pointer))
	}
	return nil
}

func (s *server) addMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req memberRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := joinProblems(required("/email", req.Email, "the new member's email address"), checkRole("/role", req.Role)); err != nil {
		return 0, nil, err
	}
	m, err := s.cfg.Store.AddMember(r.Context(), req.Email, req.Name, req.Password, req.Role)
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
	m, err := s.cfg.Store.SetMemberRole(r.Context(), id, req.Role)
	return 200, m, err
}

func (s *server) removeMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "userID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.Store.RemoveMember(r.Context(), id)
}

func (s *server) listTokens(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Store.Tokens, func(t *igny8.APIToken) int64 { return t.ID })
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
	nt, err := s.cfg.Store.CreateToken(r.Context(), req)
	return 201, nt, err
}

func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "tokenID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.Store.RevokeToken(r.Context(), id)
}

var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func oneOf(pointer, value string, allowed ...string) error {
	if value != "" && !slices.Contains(allowed, value) {
		return invalidField(pointer, fmt.Sprintf("%s must be one of %s.", pointer, strings.Join(allowed, ", ")))
	}
	return nil
}

func (s *server) listSites(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Store.Sites, func(s *igny8.Site) int64 { return s.ID })
}

func (s *server) createSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req siteRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	var errs []error
	if !slugRE.MatchString(req.Slug) {
		errs = append(errs, invalidField("/slug", "/slug must be 1–63 lower-case letters, digits and inner hyphens: it names the site's host <slug>.<sites domain>."))
	}
	errs = append(errs, required("/name", req.Name, "the site's display name"),
		oneOf("/site_type", req.SiteType, igny8.SiteTypeNew, igny8.SiteTypeExisting, igny8.SiteTypeHybrid),
		oneOf("/hosting_type", req.HostingType, igny8.HostingIgny8Sites, igny8.HostingWordPress, igny8.HostingShopify, igny8.HostingCustom, igny8.HostingMulti))
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	site := &igny8.Site{Slug: req.Slug, Name: req.Name, SiteType: req.SiteType, HostingType: req.HostingType}
	if err := s.cfg.Store.CreateSite(r.Context(), site); err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d", site.ID))
	return 201, site, nil
}

func (s *server) site(r *http.Request) (*igny8.Site, error) {
	id, err := pathID(r, "siteID")
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.Site(r.Context(), id)
}

func (s *server) getSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := s.site(r)
	return 200, site, err
}

func (s *server) updateSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req igny8.SiteUpdate
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	var errs []error
	if req.Name != nil {
		errs = append(errs, required("/name", *req.Name, "the site's display name"))
	}
	if req.SiteType != nil {
		errs = append(errs, oneOf("/site_type", *req.SiteType, igny8.SiteTypeNew, igny8.SiteTypeExisting, igny8.SiteTypeHybrid))
	}
	if req.HostingType != nil {
		errs = append(errs, oneOf("/hosting_type", *req.HostingType, igny8.HostingIgny8Sites, igny8.HostingWordPress, igny8.HostingShopify, igny8.HostingCustom, igny8.HostingMulti))
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	site, err := s.cfg.Store.UpdateSite(r.Context(), id, req)
	return 200, site, err
}

func (s *server) deleteSite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.Store.DeleteSite(r.Context(), id)
}

func (s *server) listSectors(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.Store.Sectors, func(s *igny8.Sector) int64 { return s.ID })
}

func (s *server) createSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req sectorRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	var errs []error
	if !slugRE.MatchString(req.Slug) {
		errs = append(errs, invalidField("/slug", "/slug must be lower-case letters, digits and inner hyphens."))
	}
	errs = append(errs, required("/name", req.Name, "the sector's display name"))
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	sec := &igny8.Sector{SiteID: siteID, Slug: req.Slug, Name: req.Name}
	return 201, sec, s.cfg.Store.CreateSector(r.Context(), sec)
}

func (s *server) getSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "sectorID", s.cfg.Store.Sector)
}

func (s *server) renameSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "sectorID")
	if err != nil {
		return 0, nil, err
	}
	var req nameRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if err := required("/name", req.Name, "the sector's display name"); err != nil {
		return 0, nil, err
	}
	sec, err := s.cfg.Store.UpdateSector(r.Context(), site, id, req.Name)
	return 200, sec, err
}

func (s *server) deleteSector(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "sectorID", s.cfg.Store.DeleteSector)
}

var hostnameRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

func (s *server) listDomains(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.Store.Domains, func(d *igny8.Domain) int64 { return d.ID })
}

func (s *server) createDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req domainRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	host := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(req.Hostname)), ".")
	if len(host) > 253 || !hostnameRE.MatchString(host) {
		return 0, nil, invalidField("/hostname", "/hostname must be a host name such as www.example.com (no scheme, port or path).")
	}
	d, err := s.cfg.Store.CreateDomain(r.Context(), siteID, host)
	return 201, d, err
}

func (s *server) getDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "domainID", s.cfg.Store.Domain)
}

// verifyDomain looks for the verification token in the TXT records of
// _igny8.<hostname>. Only DNS is consulted: nothing is fetched from the
// user-supplied host.
func (s *server) verifyDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "domainID")
	if err != nil {
		return 0, nil, err
	}
	d, err := s.cfg.Store.Domain(r.Context(), site, id)
	if err != nil {
		return 0, nil, err
	}
	if !d.Verified {
		records, err := s.cfg.Resolver(r.Context(), "_igny8."+d.Hostname)
		if err != nil || !slices.Contains(records, d.VerificationToken) {
			return 0, nil, problem(igny8.EConflict, fmt.Sprintf("No TXT record %q found at _igny8.%s yet: add it, wait for DNS to update, and try again.", d.VerificationToken, d.Hostname))
		}
		if d, err = s.cfg.Store.MarkDomainVerified(r.Context(), site, id); err != nil {
			return 0, nil, err
		}
	}
	return 200, d, nil
}

func (s *server) primaryDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "domainID", s.cfg.Store.MakePrimaryDomain)
}

func (s *server) deleteDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "domainID", s.cfg.Store.DeleteDomain)
}

// checkBlueprint validates a whole blueprint document; the error is a 422
// problem listing every problem with its pointer.
func checkBlueprint(doc []byte) error {
	_, err := blueprints.Load(doc, blueprints.Options{})
	var ps blueprints.Problems
	if errors.As(err, &ps) {
		fields := make([]FieldProblem, len(ps))
		for i, p := range ps {
			fields[i] = FieldProblem{Pointer: p.Pointer, Detail: p.Message}
		}
		return problem(CodeValidation, fmt.Sprintf("The blueprint has %d problem(s); each is listed with its JSON pointer.", len(ps)), fields...)
	}
	return err
}

func readAll(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyProblem(err)
	}
	return b, nil
}

func (s *server) validateBlueprint(w http.ResponseWriter, r *http.Request) (int, any, error) {
	doc, err := readAll(r)
	if err != nil {
		return 0, nil, err
	}
	err = checkBlueprint(doc)
	var p *Problem
	if errors.As(err, &p) && p.Code == CodeValidation {
		return 200, validation{Valid: false, Problems: p.Errors}, nil
	} else if err != nil {
		return 0, nil, err
	}
	return 200, validation{Valid: true, Problems: []FieldProblem{}}, nil
}

func (s *server) getBlueprint(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	doc, version, err := s.cfg.Store.ActiveBlueprintJSON(r.Context(), siteID)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("X-Blueprint-Version", fmt.Sprint(version))
	return 200, json.RawMessage(doc), nil
}

func (s *server) putBlueprint(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	doc, err := readAll(r)
	if err != nil {
		return 0, nil, err
	}
	if err := checkBlueprint(doc); err != nil {
		return 0, nil, err
	}
	bp, err := s.cfg.Store.SaveBlueprint(r.Context(), siteID, doc)
	if err != nil {
		return 0, nil, err
	}
	return 200, blueprintInfo{SiteID: siteID, Version: bp.Version}, nil
}

func (s *server) listPages(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	pages, err := s.cfg.Store.Pages(r.Context(), siteID)
	return 200, List[*igny8.PageBlueprint]{Items: nonNil(pages)}, err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *server) readPage(r *http.Request) (pageRequest, string, error) {
	var req pageRequest
	if err := decode(r, &req); err != nil {
		return req, "", err
	}
	var head struct {
		ID string `json:"id"`
	}
	if len(req.Page) == 0 || json.Unmarshal(req.Page, &head) != nil {
		return req, "", invalidField("/page", "/page must be a page object as in a blueprint's pages array.")
	}
	if head.ID == "" {
		return req, "", invalidField("/page/id", "/page/id is required: the page's id in the blueprint.")
	}
	if req.Position != nil && *req.Position < 0 {
		return req, "", invalidField("/position", "/position must be 0 or more.")
	}
	return req, head.ID, nil
}

func (s *server) createPage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	req, id, err := s.readPage(r)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.cfg.Store.CreatePage(r.Context(), siteID, req.Page, req.Position, checkBlueprint)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/pages/%s", siteID, id))
	return 201, p, nil
}

func (s *server) getPage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	p, err := s.cfg.Store.Page(r.Context(), siteID, chi.URLParam(r, "pageID"))
	return 200, p, err
}

func (s *server) putPage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	req, id, err := s.readPage(r)
	if err != nil {
		return 0, nil, err
	}
	if want := chi.URLParam(r, "pageID"); id != want {
		return 0, nil, invalidField("/page/id", fmt.Sprintf("/page/id is %q but the URL names page %q.", id, want))
	}
	p, created, err := s.cfg.Store.PutPage(r.Context(), siteID, req.Page, req.Position, checkBlueprint)
	if created {
		return 201, p, err
	}
	return 200, p, err
}

func (s *server) deletePage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, s.cfg.Store.DeletePage(r.Context(), siteID, chi.URLParam(r, "pageID"), checkBlueprint)
}

func (s *server) reorderPages(w http.ResponseWriter, r *http.Request) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req orderRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	pages, err := s.cfg.Store.ReorderPages(r.Context(), siteID, req.Order, checkBlueprint)
	return 200, List[*igny8.PageBlueprint]{Items: nonNil(pages)}, err
}

func (s *server) listDeploys(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.Store.Deployments, func(d *igny8.Deployment) int64 { return d.ID })
}

func (s *server) createDeploy(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := s.site(r)
	if err != nil {
		return 0, nil, err
	}
	if _, _, err := s.cfg.Store.ActiveBlueprintJSON(r.Context(), site.ID); err != nil {
		return 0, nil, err
	}
	d, err := s.cfg.Deploys.Request(r.Context(), site)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/sites/%d/deploys/%d", site.ID, d.ID))
	return 202, d, nil
}

// deployment returns the deployment row named in the URL, checking it
// belongs to the URL's site.
func (s *server) deployment(r *http.Request) (*igny8.Site, *igny8.Deployment, error) {
	site, err := s.site(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(r, "deploymentID")
	if err != nil {
		return nil, nil, err
	}
	d, err := s.cfg.Store.Deployment(r.Context(), id)
	if err == nil && d.SiteID != site.ID {
		err = igny8.Errorf(igny8.ENotFound, "Deploy %d not found in site %d.", id, site.ID)
	}
	return site, d, err
}

func (s *server) getDeploy(w http.ResponseWriter, r *http.Request) (int, any, error) {
	_, d, err := s.deployment(r)
	return 200, d, err
}

func (s *server) promoteDeploy(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, d, err := s.deployment(r)
	if err != nil {
		return 0, nil, err
	}
	out, err := s.cfg.Deploys.Promote(r.Context(), site, d)
	return 200, out, err
}

func (s *server) rollback(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := s.site(r)
	if err != nil {
		return 0, nil, err
	}
	var req rollbackRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return 0, nil, err
		}
	}
	d, err := s.cfg.Deploys.Rollback(r.Context(), site, req.To)
	return 200, d, err
}

func (s *server) listPlans(w http.ResponseWriter, r *http.Request) (int, any, error) {
	plans, err := s.cfg.Store.Plans(r.Context())
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
	out, err := s.cfg.Store.PutPlan(r.Context(), &p)
	return 200, out, err
}

func (s *server) listAccounts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return paged(r, s.cfg.Store.Accounts, func(a *igny8.Account) int64 { return a.ID })
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
	acc, err := s.cfg.Store.CreateAccount(r.Context(), na)
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
	acc, err := s.cfg.Store.UpdateAccount(r.Context(), id, u)
	return 200, acc, err
}

// joinProblems merges field problems into one 400 that lists them all.
func joinProblems(errs ...error) error {
	var fields []FieldProblem
	for _, err := range errs {
		var p *Problem
		if err == nil {
			continue
		}
		if !errors.As(err, &p) {
			return err
		}
		fields = append(fields, p.Errors...)
	}
	if len(fields) == 0 {
		return nil
	}
	if len(fields) == 1 {
		return problem(igny8.EInvalid, fields[0].Detail, fields...)
	}
	return problem(igny8.EInvalid, fmt.Sprintf("The request has %d problems; each is listed with its pointer.", len(fields)), fields...)
}
