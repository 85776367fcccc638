package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/igny8/igny8"
)

// IntegrationStore keeps a site's integrations (*postgres.DB implements
// it). Credentials reach it only sealed.
type IntegrationStore interface {
	CreateIntegration(ctx context.Context, in *igny8.Integration, seal igny8.Sealer) error
	Integrations(ctx context.Context, siteID int64) ([]*igny8.Integration, error)
	Integration(ctx context.Context, siteID, id int64) (*igny8.Integration, error)
	UpdateIntegration(ctx context.Context, siteID, id int64, u igny8.IntegrationUpdate, seal igny8.Sealer) (*igny8.Integration, error)
	DeleteIntegration(ctx context.Context, siteID, id int64) error
	IntegrationCredentials(ctx context.Context, siteID, id int64) (*igny8.SealedCredentials, error)
	PublishingRecords(ctx context.Context, siteID int64, contentID *int64) ([]*igny8.PublishingRecord, error)
	SetIntegrationError(ctx context.Context, siteID, id int64, problem string) (*igny8.Integration, error)
}

// Connector checks a platform connection before it is stored, and seals
// the credentials that passed.
type Connector interface {
	// Check connects to the platform at url with the credentials and
	// returns nil, or an error with code invalid whose message says in
	// plain words what is wrong and what to do.
	Check(ctx context.Context, platform, url string, config json.RawMessage, credentials map[string]string) error
	// Seal returns what seals credentials for an integration's row.
	Seal(credentials map[string]string) igny8.Sealer
	// CheckStored checks a stored integration with its sealed credentials,
	// as Check does.
	CheckStored(ctx context.Context, in *igny8.Integration, sealed *igny8.SealedCredentials) error
}

// integrationTest is the answer of POST …/integrations/{integrationID}/test.
type integrationTest struct {
	OK bool `json:"ok"`
	// Problem says what is wrong and what to do, when not OK.
	Problem     string            `json:"problem"`
	Integration igny8.Integration `json:"integration"`
}

// credentialField is a credential a platform takes, with what to tell a
// user who left it out.
type credentialField struct {
	name, what string
	optional   bool
}

// credentialFields are the credentials each platform takes.
var credentialFields = map[string][]credentialField{
	igny8.PlatformWordPress: {
		{name: "username", what: "the WordPress user name IGNY8 publishes as"},
		{name: "application_password", what: "an Application Password of that user (Users → Profile → Application Passwords), not the login password"},
	},
	igny8.PlatformShopify: {
		{name: "access_token", what: "an Admin API access token of a custom app (shpat_…)"},
		// Without it, product webhooks (POST /v1/hooks/shopify/{id}) are
		// refused and products come back only when sync polls.
		{name: "webhook_secret", what: "the app's API secret key, with which Shopify signs webhooks", optional: true},
	},
	igny8.PlatformCustom: {{name: "signing_secret", what: "the secret IGNY8 signs each delivery with; your endpoint checks the X-IGNY8-Signature header with it"}},
}

// integrationRequest is the body of POST /v1/sites/{siteID}/integrations.
type integrationRequest struct {
	Platform string `json:"platform"`
	// PlatformType is cms, ecommerce or custom_api; "" takes the
	// platform's (WordPress: cms, Shopify: ecommerce, custom: custom_api).
	PlatformType string          `json:"platform_type"`
	Name         string          `json:"name"`
	URL          string          `json:"url"`
	Config       json.RawMessage `json:"config"`
	// Credentials are write-only: the API never returns them, only their
	// fingerprint.
	Credentials map[string]string `json:"credentials"`
	// Active defaults to true.
	Active      *bool `json:"active"`
	SyncEnabled bool  `json:"sync_enabled"`
}

// integrationChange is the body of PATCH …/integrations/{integrationID}:
// absent fields stay as they are; new credentials are checked before they
// replace the old ones.
type integrationChange struct {
	igny8.IntegrationUpdate
	Credentials map[string]string `json:"credentials,omitempty"`
}

// integrationRoutes connect a site to other platforms. On a server without
// a Connector each answers 501.
func (s *server) integrationRoutes() []*route {
	v, a := igny8.RoleViewer, igny8.RoleAdmin
	rs := []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/integrations", id: "listIntegrations", tag: "integrations",
			summary: "The site's integrations (WordPress, Shopify, custom APIs); credentials appear only as a fingerprint", role: v,
			out: igny8.Integration{}, list: true, whole: true, status: 200, serve: s.listIntegrations},
		{method: "POST", pattern: "/v1/sites/{siteID}/integrations", id: "createIntegration", tag: "integrations",
			summary: "Connect the site to a platform: the connection is checked with the credentials first, then they are stored encrypted", role: a,
			in: integrationRequest{}, out: igny8.Integration{}, status: 201, serve: s.createIntegration},
		{method: "GET", pattern: "/v1/sites/{siteID}/integrations/{integrationID}", id: "getIntegration", tag: "integrations",
			summary: "An integration", role: v, out: igny8.Integration{}, status: 200, serve: s.getIntegration},
		{method: "PATCH", pattern: "/v1/sites/{siteID}/integrations/{integrationID}", id: "updateIntegration", tag: "integrations",
			summary: "Change an integration's name, config, active and sync flags, or rotate its credentials (checked first)", role: a,
			in: integrationChange{}, out: igny8.Integration{}, status: 200, serve: s.updateIntegration},
		{method: "POST", pattern: "/v1/sites/{siteID}/integrations/{integrationID}/test", id: "testIntegration", tag: "integrations",
			summary: "Check a stored integration's connection with its credentials now; the outcome is kept as its last_error", role: igny8.RoleEditor,
			out: integrationTest{}, status: 200, serve: s.testIntegration},
		{method: "GET", pattern: "/v1/sites/{siteID}/publishing-records", id: "listPublishingRecords", tag: "integrations",
			summary: "Where the site's content was published on its integrations (a distribute job writes them): remote id and URL, content hash, attempts, last error",
			role:    v, query: []queryParam{{name: "content_id", description: "only this content piece's records"}},
			out: igny8.PublishingRecord{}, list: true, whole: true, status: 200, serve: s.listPublishingRecords},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/integrations/{integrationID}", id: "deleteIntegration", tag: "integrations",
			summary: "Disconnect an integration and delete its credentials", role: a, status: 204, serve: s.deleteIntegration},
	}
	return unless(rs, func() bool { return s.cfg.Integrations != nil && s.cfg.Connector != nil },
		"Integrations are not configured on this server: it has no key ring for credentials (IGNY8_SECRETS_KEYS or IGNY8_SECRETS_KEY_FILE).")
}

func (s *server) listIntegrations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	list, err := s.cfg.Integrations.Integrations(r.Context(), site)
	return http.StatusOK, List[*igny8.Integration]{Items: nonNil(list)}, err
}

func (s *server) getIntegration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "integrationID")
	if err != nil {
		return 0, nil, err
	}
	in, err := s.cfg.Integrations.Integration(r.Context(), site, id)
	return http.StatusOK, in, err
}

// checkCredentials says which credentials of a platform are missing, and
// which are not the platform's.
func checkCredentials(platform string, creds map[string]string) []error {
	var errs []error
	fields := credentialFields[platform]
	for k := range creds {
		if !slices.ContainsFunc(fields, func(f credentialField) bool { return f.name == k }) {
			var names []string
			for _, f := range fields {
				if f.optional {
					f.name += " (optional)"
				}
				names = append(names, f.name)
			}
			errs = append(errs, invalidField("/credentials/"+k, fmt.Sprintf("/credentials/%s is not a credential of %s; it takes %s.", k, platform, strings.Join(names, ", "))))
		}
	}
	for _, f := range fields {
		if f.optional {
			continue
		}
		if err := required("/credentials/"+f.name, creds[f.name], f.what); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// checkConfig checks that a config is a JSON object.
func checkConfig(cfg json.RawMessage) error {
	if len(cfg) == 0 || string(cfg) == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(cfg, &m); err != nil || m == nil {
		return invalidField("/config", "/config must be a JSON object of the platform's settings, such as {\"status\": \"draft\"}.")
	}
	return nil
}

func (s *server) createIntegration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	var req integrationRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	req.Name, req.URL = strings.TrimSpace(req.Name), strings.TrimRight(strings.TrimSpace(req.URL), "/")
	if string(req.Config) == "null" {
		req.Config = nil
	}
	errs := []error{
		required("/platform", req.Platform, "wordpress, shopify or custom"),
		oneOf("/platform", req.Platform, igny8.Platforms...),
		oneOf("/platform_type", req.PlatformType, igny8.PlatformTypes...),
		required("/name", req.Name, "a name for the connection, such as \"Company blog\""),
		checkConfig(req.Config),
	}
	if len(req.Name) > 100 {
		errs = append(errs, invalidField("/name", "/name is at most 100 characters."))
	}
	if u, perr := url.Parse(req.URL); req.URL == "" || perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		errs = append(errs, invalidField("/url", "/url must be the site's address, such as https://blog.example.com (http or https, no user name or password)."))
	}
	if slices.Contains(igny8.Platforms, req.Platform) {
		errs = append(errs, checkCredentials(req.Platform, req.Credentials)...)
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	if err := s.cfg.Connector.Check(r.Context(), req.Platform, req.URL, req.Config, req.Credentials); err != nil {
		return 0, nil, err
	}
	in := &igny8.Integration{SiteID: site, Platform: req.Platform, PlatformType: req.PlatformType, Name: req.Name, URL: req.URL,
		Config: req.Config, Active: req.Active == nil || *req.Active, SyncEnabled: req.SyncEnabled}
	if in.PlatformType == "" {
		in.PlatformType = igny8.DefaultPlatformType(in.Platform)
	}
	if err := s.cfg.Integrations.CreateIntegration(r.Context(), in, s.cfg.Connector.Seal(req.Credentials)); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, in, nil
}

func (s *server) updateIntegration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "integrationID")
	if err != nil {
		return 0, nil, err
	}
	var req integrationChange
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if string(req.Config) == "null" {
		req.Config = nil
	}
	in, err := s.cfg.Integrations.Integration(r.Context(), site, id)
	if err != nil {
		return 0, nil, err
	}
	var errs []error
	if req.Name != nil {
		*req.Name = strings.TrimSpace(*req.Name)
		errs = append(errs, required("/name", *req.Name, "a name for the connection"))
		if len(*req.Name) > 100 {
			errs = append(errs, invalidField("/name", "/name is at most 100 characters."))
		}
	}
	errs = append(errs, checkConfig(req.Config))
	if req.Credentials != nil {
		errs = append(errs, checkCredentials(in.Platform, req.Credentials)...)
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	var seal igny8.Sealer
	if req.Credentials != nil {
		cfg := in.Config
		if len(req.Config) > 0 {
			cfg = req.Config
		}
		if err := s.cfg.Connector.Check(r.Context(), in.Platform, in.URL, cfg, req.Credentials); err != nil {
			return 0, nil, err
		}
		seal = s.cfg.Connector.Seal(req.Credentials)
	}
	out, err := s.cfg.Integrations.UpdateIntegration(r.Context(), site, id, req.IntegrationUpdate, seal)
	return http.StatusOK, out, err
}

func (s *server) deleteIntegration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "integrationID", s.cfg.Integrations.DeleteIntegration)
}

func (s *server) testIntegration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "integrationID")
	if err != nil {
		return 0, nil, err
	}
	in, err := s.cfg.Integrations.Integration(r.Context(), site, id)
	if err != nil {
		return 0, nil, err
	}
	sealed, err := s.cfg.Integrations.IntegrationCredentials(r.Context(), site, id)
	if err != nil {
		return 0, nil, err
	}
	res := integrationTest{OK: true}
	if err := s.cfg.Connector.CheckStored(r.Context(), in, sealed); err != nil {
		if igny8.ErrorCode(err) != igny8.EInvalid {
			return 0, nil, err
		}
		res.OK, res.Problem = false, igny8.ErrorMessage(err)
	}
	out, err := s.cfg.Integrations.SetIntegrationError(r.Context(), site, id, res.Problem)
	if err != nil {
		return 0, nil, err
	}
	res.Integration = *out
	return http.StatusOK, res, nil
}

func (s *server) listPublishingRecords(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return listForContent(r, s.cfg.Integrations.PublishingRecords)
}
