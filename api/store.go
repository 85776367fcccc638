package api

import (
	"context"
	"encoding/json"
	"time"

	"github.com/igny8/igny8"
)

// Store is what the API needs of the control plane database
// (*postgres.DB implements it). Every method scopes itself to the actor
// in ctx.
type Store interface {
	Authenticate(ctx context.Context, secret string) (igny8.Actor, error)
	Login(ctx context.Context, email, password, accountSlug string, ttl time.Duration) (*igny8.NewToken, error)

	Account(ctx context.Context) (*igny8.Account, error)
	RenameAccount(ctx context.Context, name string) (*igny8.Account, error)
	Accounts(ctx context.Context, after int64, limit int) ([]*igny8.Account, error)
	CreateAccount(ctx context.Context, na igny8.NewAccount) (*igny8.Account, error)
	UpdateAccount(ctx context.Context, id int64, u igny8.AccountUpdate) (*igny8.Account, error)
	Plans(ctx context.Context) ([]*igny8.Plan, error)
	PutPlan(ctx context.Context, p *igny8.Plan) (*igny8.Plan, error)
	Audit(ctx context.Context, before int64, limit int) ([]igny8.AuditEntry, error)

	Members(ctx context.Context, after int64, limit int) ([]*igny8.Member, error)
	AddMember(ctx context.Context, email, name, password string, role igny8.Role) (*igny8.Member, error)
	SetMemberRole(ctx context.Context, userID int64, role igny8.Role) (*igny8.Member, error)
	RemoveMember(ctx context.Context, userID int64) error

	CreateToken(ctx context.Context, spec igny8.TokenSpec) (*igny8.NewToken, error)
	Tokens(ctx context.Context, after int64, limit int) ([]*igny8.APIToken, error)
	RevokeToken(ctx context.Context, id int64) error

	CreateSite(ctx context.Context, s *igny8.Site) error
	Site(ctx context.Context, id int64) (*igny8.Site, error)
	Sites(ctx context.Context, after int64, limit int) ([]*igny8.Site, error)
	UpdateSite(ctx context.Context, id int64, u igny8.SiteUpdate) (*igny8.Site, error)
	DeleteSite(ctx context.Context, id int64) error

	CreateSector(ctx context.Context, s *igny8.Sector) error
	Sectors(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Sector, error)
	Sector(ctx context.Context, siteID, id int64) (*igny8.Sector, error)
	UpdateSector(ctx context.Context, siteID, id int64, name string) (*igny8.Sector, error)
	DeleteSector(ctx context.Context, siteID, id int64) error

	CreateDomain(ctx context.Context, siteID int64, hostname string) (*igny8.Domain, error)
	Domains(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Domain, error)
	Domain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	MakePrimaryDomain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	MarkDomainVerified(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	DeleteDomain(ctx context.Context, siteID, id int64) error

	SaveBlueprint(ctx context.Context, siteID int64, doc []byte) (*igny8.SiteBlueprint, error)
	ActiveBlueprintJSON(ctx context.Context, siteID int64) ([]byte, int, error)
	Pages(ctx context.Context, siteID int64) ([]*igny8.PageBlueprint, error)
	Page(ctx context.Context, siteID int64, slug string) (*igny8.PageBlueprint, error)
	PutPage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check func([]byte) error) (*igny8.PageBlueprint, bool, error)
	CreatePage(ctx context.Context, siteID int64, page json.RawMessage, position *int, check func([]byte) error) (*igny8.PageBlueprint, error)
	DeletePage(ctx context.Context, siteID int64, slug string, check func([]byte) error) error
	ReorderPages(ctx context.Context, siteID int64, slugs []string, check func([]byte) error) ([]*igny8.PageBlueprint, error)

	Deployment(ctx context.Context, id int64) (*igny8.Deployment, error)
	Deployments(ctx context.Context, siteID, before int64, limit int) ([]*igny8.Deployment, error)

	BeginIdempotent(ctx context.Context, key string, requestHash []byte) (*igny8.StoredResponse, error)
	FinishIdempotent(ctx context.Context, key string, r igny8.StoredResponse) error
	AbandonIdempotent(ctx context.Context, key string) error
}

// Deploys starts builds and moves a site's live pointer. The
// implementation (cmd/igny8) records each in the deployments table.
type Deploys interface {
	// Request queues a build and deploy of the site's active blueprint
	// and returns its deployment row (status queued).
	Request(ctx context.Context, site *igny8.Site) (*igny8.Deployment, error)
	// Rollback makes an earlier ready deploy live: toDeployID, or the one
	// before the live one when empty.
	Rollback(ctx context.Context, site *igny8.Site, toDeployID string) (*igny8.Deployment, error)
	// Promote makes the ready deploy of deployment row d live.
	Promote(ctx context.Context, site *igny8.Site, d *igny8.Deployment) (*igny8.Deployment, error)
}
