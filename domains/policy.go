// Package domains decides which host names a site may serve and keeps the
// routing entries the edges read.
//
// A host name reaches a site in one of two ways: <slug>.<sites domain>,
// which the site gets with its slug, or a custom domain. A custom domain is
// claimed by a site (a claim reserves nothing), proved by a DNS TXT record
// that only whoever controls the name's DNS can publish, and routed once
// proved. The newest proof wins: a verified domain moves to another site,
// of any account, only when that site proves it too. Removing a domain
// stops the edges serving it at once.
//
// Routing entries live in the routes bucket, hosts/<hostname> → the
// storage id of the site (deployer.HostKey). The edge reads only those.
package domains

import (
	"strings"

	"golang.org/x/net/idna"

	"github.com/igny8/igny8"
)

// Policy says which host names accounts may claim.
type Policy struct {
	// SitesDomain is the platform's domain for <slug>.<SitesDomain> hosts:
	// neither it nor any name under it may be claimed.
	SitesDomain string
	// Reserved are the platform's own host names (the API's, the
	// dashboard's): neither they nor names under them may be claimed.
	Reserved []string
}

// profile turns user input into the ASCII form DNS and Host headers use
// (IDNA 2008 with UTS #46 mapping: "Bäckerei.Example" → "xn--bckerei-5wa.example").
var profile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(true), idna.VerifyDNSLength(true))

// Normalize returns host in the form it is stored, routed and matched in:
// lowercase ASCII (internationalized names in punycode), without a trailing
// dot. The error says what a host name must look like.
func Normalize(host string) (string, error) {
	h := strings.TrimSuffix(strings.TrimSpace(host), ".")
	bad := func(why string) error {
		return igny8.Errorf(igny8.EInvalid, "%q is not a host name you can claim: %s. Give a name such as www.example.com, without scheme, port or path.", clip(host), why)
	}
	switch {
	case h == "":
		return "", bad("it is empty")
	case strings.Contains(h, "://"):
		return "", bad("it has a scheme")
	case strings.ContainsAny(h, "/?#"):
		return "", bad("it has a path")
	case strings.Contains(h, ":"):
		return "", bad("it has a port")
	case strings.Contains(h, "*"):
		return "", bad("wildcards are not supported")
	}
	a, err := profile.ToASCII(h)
	if err != nil {
		return "", bad("it is not a valid DNS name")
	}
	a = strings.ToLower(a)
	if !strings.Contains(a, ".") {
		return "", bad("it needs at least two labels")
	}
	if last := a[strings.LastIndexByte(a, '.')+1:]; strings.Trim(last, "0123456789") == "" {
		return "", bad("an IP address is not a host name")
	}
	return a, nil
}

// Check normalizes host and refuses the platform's own names: the sites
// domain and everything under it, and the reserved host names and
// everything under them.
func (p Policy) Check(host string) (string, error) {
	h, err := Normalize(host)
	if err != nil {
		return "", err
	}
	if under(h, p.SitesDomain) {
		return "", igny8.Errorf(igny8.EInvalid, "%s is under the platform's sites domain %s: every site already answers at <slug>.%s, so such names cannot be claimed.", h, p.SitesDomain, p.SitesDomain)
	}
	for _, r := range p.Reserved {
		if under(h, r) {
			return "", igny8.Errorf(igny8.EInvalid, "%s is one of the platform's own host names and cannot be claimed.", h)
		}
	}
	return h, nil
}

// under reports whether host is domain or a name under it.
func under(host, domain string) bool {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	return domain != "" && (host == domain || strings.HasSuffix(host, "."+domain))
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// TXTName is where the verification token of host is published.
func TXTName(host string) string { return "_igny8." + host }
