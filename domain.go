package igny8

import (
	"context"
	"encoding/json"
	"time"
)

// Role is a member's role in an account. Each role can do what the roles
// after it can: owners manage members, admins manage sites, domains and
// tokens, editors edit content, viewers read.
type Role string

// Roles, strongest first.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

var roleRank = map[Role]int{RoleOwner: 4, RoleAdmin: 3, RoleEditor: 2, RoleViewer: 1}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// AtLeast reports whether r can do everything min can.
func (r Role) AtLeast(min Role) bool { return r.Valid() && roleRank[r] >= roleRank[min] }

// Plan is what an account pays for: a monthly credit allowance.
type Plan struct {
	ID             int64           `json:"id"`
	Slug           string          `json:"slug"`
	Name           string          `json:"name"`
	MonthlyCredits int             `json:"monthly_credits"`
	SupportLevel   string          `json:"support_level"` // basic, priority, enterprise
	BillingCycle   string          `json:"billing_cycle"` // monthly, annual
	PriceCents     int             `json:"price_cents"`
	Currency       string          `json:"currency"`
	Features       json.RawMessage `json:"features"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// Account is a tenant: it owns sites, members and tokens.
type Account struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	PlanID    *int64    `json:"plan_id"`
	IsSystem  bool      `json:"is_system"`
	Status    string    `json:"status"` // active, suspended
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// User is a person who logs in; one user may belong to several accounts.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Member is a user's membership of an account.
type Member struct {
	AccountID int64     `json:"account_id"`
	User      User      `json:"user"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// APIToken is a bearer token of a member. The secret is shown once, at
// creation; only its sha256 is stored.
type APIToken struct {
	ID         int64      `json:"id"`
	AccountID  int64      `json:"account_id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       Role       `json:"role"`
	Scopes     []string   `json:"scopes"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Site types and hosting types.
const (
	SiteTypeNew      = "new"
	SiteTypeExisting = "existing"
	SiteTypeHybrid   = "hybrid"

	HostingIgny8Sites = "igny8_sites"
	HostingWordPress  = "wordpress"
	HostingShopify    = "shopify"
	HostingCustom     = "custom"
	HostingMulti      = "multi"
)

// Site is a website of an account. Its slug names its <slug>.<sites domain>
// host and never changes; its objects live under StorageID, which is never
// reused, so a freed slug taken by a new site comes with empty storage.
type Site struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	Slug        string    `json:"slug"`
	StorageID   string    `json:"storage_id"`
	Name        string    `json:"name"`
	SiteType    string    `json:"site_type"`
	HostingType string    `json:"hosting_type"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Sector is a topic area of a site (the content pipeline works per sector).
type Sector struct {
	ID        int64     `json:"id"`
	AccountID int64     `json:"account_id"`
	SiteID    int64     `json:"site_id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Domain is a host name that serves a site.
type Domain struct {
	ID                int64      `json:"id"`
	AccountID         int64      `json:"account_id"`
	SiteID            int64      `json:"site_id"`
	Hostname          string     `json:"hostname"`
	Verified          bool       `json:"verified"`
	Primary           bool       `json:"primary"`
	VerificationToken string     `json:"verification_token"`
	CreatedAt         time.Time  `json:"created_at"`
	VerifiedAt        *time.Time `json:"verified_at"`
}

// Blueprint statuses.
const (
	BlueprintDraft    = "draft"
	BlueprintActive   = "active"
	BlueprintArchived = "archived"
)

// SiteBlueprint is one stored version of a site's blueprint, without its
// pages: Config holds the format version, site settings, theme, SEO,
// assets and redirects; Structure holds navigation and collections.
type SiteBlueprint struct {
	ID        int64           `json:"id"`
	AccountID int64           `json:"account_id"`
	SiteID    int64           `json:"site_id"`
	Version   int             `json:"version"`
	Status    string          `json:"status"`
	Config    json.RawMessage `json:"config"`
	Structure json.RawMessage `json:"structure"`
	CreatedBy *int64          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// PageBlueprint is one page of a stored blueprint: the page object as the
// blueprint format has it (Page), with its place in the page list.
type PageBlueprint struct {
	ID              int64           `json:"id"`
	AccountID       int64           `json:"account_id"`
	SiteBlueprintID int64           `json:"site_blueprint_id"`
	Slug            string          `json:"slug"` // the page's id in the blueprint
	Type            string          `json:"type"`
	Title           string          `json:"title"`
	Page            json.RawMessage `json:"page"`
	Status          string          `json:"status"` // draft, published
	Position        int             `json:"position"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// Deployment types and statuses.
const (
	DeploymentBuild    = "build"
	DeploymentRollback = "rollback"
	DeploymentPromote  = "promote"

	DeploymentQueued    = "queued"
	DeploymentBuilding  = "building"
	DeploymentUploading = "uploading"
	DeploymentReady     = "ready"
	DeploymentLive      = "live"
	DeploymentFailed    = "failed"
)

// Deployment is the history record of a build, rollback or promote of a
// site. The object store holds the deploy itself; this row is what the API
// shows.
type Deployment struct {
	ID               int64  `json:"id"`
	AccountID        int64  `json:"account_id"`
	SiteID           int64  `json:"site_id"`
	Version          int    `json:"version"`
	DeployID         string `json:"deploy_id"`
	Type             string `json:"type"`
	Status           string `json:"status"`
	BlueprintVersion *int   `json:"blueprint_version"`
	DeployCounts
	PreviewURL string `json:"preview_url"`
	// Preview is set for a build that is uploaded but not made live; the
	// owner promotes it (POST …/deployments/{id}/promote) when it looks
	// right.
	Preview bool `json:"preview"`
	// JobID is the pipeline job that requested the build, if one did.
	JobID      *int64     `json:"job_id"`
	Error      string     `json:"error"`
	CreatedBy  *int64     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	DeployedAt *time.Time `json:"deployed_at"`
}

// Actor is who acts in a request or job: the account whose rows it may
// touch, and the user, token and role behind it. System is set only for a
// superuser of the system account acting on accounts and plans.
type Actor struct {
	AccountID int64
	UserID    int64
	TokenID   int64
	Role      Role
	System    bool
	RequestID string
}

type actorKey struct{}

// WithActor returns a context carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// SiteUpdate holds the fields of a site that may change; nil leaves one
// as it is. The slug never changes.
type SiteUpdate struct {
	Name        *string `json:"name,omitempty"`
	SiteType    *string `json:"site_type,omitempty"`
	HostingType *string `json:"hosting_type,omitempty"`
}

// TokenSpec describes an API token to create.
type TokenSpec struct {
	Name      string     `json:"name"`
	Role      Role       `json:"role,omitempty"` // at most the creator's role; "" = the creator's
	Scopes    []string   `json:"scopes,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// NewToken is a token just created: the secret is shown this once.
type NewToken struct {
	APIToken
	Secret string `json:"token"`
}

// NewAccount describes an account to create with its first owner.
type NewAccount struct {
	Slug       string `json:"slug"`
	Name       string `json:"name"`
	PlanID     *int64 `json:"plan_id,omitempty"`
	OwnerEmail string `json:"owner_email"`
	OwnerName  string `json:"owner_name,omitempty"`
	Password   string `json:"password,omitempty"` // optional: without one the owner logs in with tokens only
}

// AccountUpdate holds what a system superuser may change of an account.
type AccountUpdate struct {
	Name   *string `json:"name,omitempty"`
	PlanID *int64  `json:"plan_id,omitempty"`
	Status *string `json:"status,omitempty"`
}

// AuditEntry is one line of an account's audit log.
type AuditEntry struct {
	ID         int64           `json:"id"`
	UserID     *int64          `json:"user_id"`
	TokenID    *int64          `json:"token_id"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Data       json.RawMessage `json:"data"`
	RequestID  string          `json:"request_id"`
	CreatedAt  time.Time       `json:"created_at"`
}

// StoredResponse is the first answer to a request with an Idempotency-Key,
// replayed for repeats.
type StoredResponse struct {
	Status int
	Header map[string][]string
	Body   []byte
}
