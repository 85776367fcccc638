package api

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/igny8/igny8"
)

// DomainStore manages the host names of a site (*postgres.DB implements
// it).
type DomainStore interface {
	CreateDomain(ctx context.Context, siteID int64, hostname string) (*igny8.Domain, error)
	Domains(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Domain, error)
	Domain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	MakePrimaryDomain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	MarkDomainVerified(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	DeleteDomain(ctx context.Context, siteID, id int64) error
}

// domainRequest is the body of POST /v1/sites/{siteID}/domains.
type domainRequest struct {
	Hostname string `json:"hostname"`
}

// domainRoutes manage a site's host names and their verification.
func (s *server) domainRoutes() []*route {
	v, a := igny8.RoleViewer, igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/domains", id: "listDomains", tag: "domains", summary: "List a site's domains", role: v, out: igny8.Domain{}, list: true, status: 200, serve: s.listDomains},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains", id: "createDomain", tag: "domains", summary: "Claim a host name for a site (unverified until its TXT record is found)", role: a, in: domainRequest{}, out: igny8.Domain{}, status: 201, serve: s.createDomain},
		{method: "GET", pattern: "/v1/sites/{siteID}/domains/{domainID}", id: "getDomain", tag: "domains", summary: "Get a domain", role: v, out: igny8.Domain{}, status: 200, serve: s.getDomain},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains/{domainID}/verify", id: "verifyDomain", tag: "domains", summary: "Check the domain's TXT record and mark it verified", role: a, out: igny8.Domain{}, status: 200, serve: s.verifyDomain},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains/{domainID}/primary", id: "makePrimaryDomain", tag: "domains", summary: "Make a verified domain the site's primary one", role: a, out: igny8.Domain{}, status: 200, serve: s.primaryDomain},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/domains/{domainID}", id: "deleteDomain", tag: "domains", summary: "Release a host name", role: a, status: 204, serve: s.deleteDomain},
	}
}

var hostnameRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

func (s *server) listDomains(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return pagedInSite(r, s.cfg.Domains.Domains, func(d *igny8.Domain) int64 { return d.ID })
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
	d, err := s.cfg.Domains.CreateDomain(r.Context(), siteID, host)
	return 201, d, err
}

func (s *server) getDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "domainID", s.cfg.Domains.Domain)
}

// verifyDomain looks for the verification token in the TXT records of
// _igny8.<hostname>. Only DNS is consulted: nothing is fetched from the
// user-supplied host.
func (s *server) verifyDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	site, id, err := siteChild(r, "domainID")
	if err != nil {
		return 0, nil, err
	}
	d, err := s.cfg.Domains.Domain(r.Context(), site, id)
	if err != nil {
		return 0, nil, err
	}
	if !d.Verified {
		records, err := s.cfg.Resolver(r.Context(), "_igny8."+d.Hostname)
		if err != nil || !slices.Contains(records, d.VerificationToken) {
			return 0, nil, problem(igny8.EConflict, fmt.Sprintf("No TXT record %q found at _igny8.%s yet: add it, wait for DNS to update, and try again.", d.VerificationToken, d.Hostname))
		}
		if d, err = s.cfg.Domains.MarkDomainVerified(r.Context(), site, id); err != nil {
			return 0, nil, err
		}
	}
	return 200, d, nil
}

func (s *server) primaryDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "domainID", s.cfg.Domains.MakePrimaryDomain)
}

func (s *server) deleteDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "domainID", s.cfg.Domains.DeleteDomain)
}
