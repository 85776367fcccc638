package api

import (
	"context"
	"net/http"

	"github.com/igny8/igny8"
)

// DomainStore reads and changes a site's host names (*postgres.DB
// implements it).
type DomainStore interface {
	Domains(ctx context.Context, siteID, after int64, limit int) ([]*igny8.Domain, error)
	Domain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	MakePrimaryDomain(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
}

// DomainService claims, verifies and removes custom domains and keeps the
// edges' routes in step (*domains.Service implements it).
type DomainService interface {
	// Claim records an unverified claim; it reserves nothing. Host names
	// under the sites domain or the platform's own are refused.
	Claim(ctx context.Context, siteID int64, host string) (*igny8.Domain, error)
	// Verify checks the DNS TXT record; found, the domain serves the site
	// (taken from any site that had verified it before).
	Verify(ctx context.Context, siteID, id int64) (*igny8.Domain, error)
	// Remove stops serving the domain at once and releases it.
	Remove(ctx context.Context, siteID, id int64) error
}

// domainRequest is the body of POST /v1/sites/{siteID}/domains.
type domainRequest struct {
	Hostname string `json:"hostname" expect:"a host name such as www.example.com, without scheme, port or path"`
}

// domainRoutes manage a site's host names and their verification.
func (s *server) domainRoutes() []*route {
	v, a := igny8.RoleViewer, igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/sites/{siteID}/domains", id: "listDomains", tag: "domains", summary: "List a site's domains", role: v, out: igny8.Domain{}, list: true, status: 200, serve: s.listDomains},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains", id: "createDomain", tag: "domains", summary: "Claim a host name for a site: it serves nothing and reserves nothing until verified (publish the TXT record _igny8.<hostname> with its verification_token)", role: a, in: domainRequest{}, out: igny8.Domain{}, status: 201, serve: s.createDomain},
		{method: "GET", pattern: "/v1/sites/{siteID}/domains/{domainID}", id: "getDomain", tag: "domains", summary: "Get a domain", role: v, out: igny8.Domain{}, status: 200, serve: s.getDomain},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains/{domainID}/verify", id: "verifyDomain", tag: "domains", summary: "Check the domain's TXT record; found, the domain serves the site (moving it from any site that had it)", role: a, out: igny8.Domain{}, status: 200, serve: s.verifyDomain},
		{method: "POST", pattern: "/v1/sites/{siteID}/domains/{domainID}/primary", id: "makePrimaryDomain", tag: "domains", summary: "Make a verified domain the site's primary one", role: a, out: igny8.Domain{}, status: 200, serve: s.primaryDomain},
		{method: "DELETE", pattern: "/v1/sites/{siteID}/domains/{domainID}", id: "deleteDomain", tag: "domains", summary: "Release a host name; a verified one stops serving the site at once", role: a, status: 204, serve: s.deleteDomain},
	}
}

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
	d, err := s.cfg.DomainService.Claim(r.Context(), siteID, req.Hostname)
	if igny8.ErrorCode(err) == igny8.EInvalid {
		return 0, nil, invalidField("/hostname", "/hostname: "+igny8.ErrorMessage(err))
	}
	return 201, d, err
}

func (s *server) getDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "domainID", s.cfg.Domains.Domain)
}

// verifyDomain looks for the verification token in the TXT records of
// _igny8.<hostname>. Only DNS is consulted: nothing is fetched from the
// user-supplied host.
func (s *server) verifyDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "domainID", s.cfg.DomainService.Verify)
}

func (s *server) primaryDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return inSite(r, "domainID", s.cfg.Domains.MakePrimaryDomain)
}

func (s *server) deleteDomain(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return deleteInSite(r, "domainID", s.cfg.DomainService.Remove)
}
