package shopify

import (
	"context"
	"slices"
	"strings"

	"github.com/igny8/igny8"
)

// requiredScopes are the access scopes the adapter needs, each as the
// alternatives that grant it (the first is the one to ask for), as the
// schema's requiredAccess notes give them: write_products for products
// and collections, write_content for pages, blogs and articles, and
// write_files for uploading images (a write scope grants its read scope).
var requiredScopes = [][]string{
	{"write_products"},
	{"write_content", "write_online_store_pages"},
	{"write_files", "write_images", "write_themes"},
}

// RequiredScopes returns the access scopes to give IGNY8's app:
// write_products, write_content and write_files.
func RequiredScopes() []string {
	names := make([]string, len(requiredScopes))
	for i, alts := range requiredScopes {
		names[i] = alts[0]
	}
	return names
}

func scopeNames() string { return strings.Join(RequiredScopes(), ", ") }

// Shop is what Check read of the shop.
type Shop struct {
	Name            string
	MyshopifyDomain string   // acme.myshopify.com
	PrimaryHost     string   // www.acme.com
	PrimaryURL      string   // https://www.acme.com, where published objects are seen
	Scopes          []string // the access scopes the token grants
	APIVersion      string   // the version the client speaks
}

type shopData struct {
	Shop struct {
		Name            string `json:"name"`
		MyshopifyDomain string `json:"myshopifyDomain"`
		PrimaryDomain   struct {
			Host string `json:"host"`
			URL  string `json:"url"`
		} `json:"primaryDomain"`
	} `json:"shop"`
	CurrentAppInstallation struct {
		AccessScopes []struct {
			Handle string `json:"handle"`
		} `json:"accessScopes"`
	} `json:"currentAppInstallation"`
	PublicAPIVersions []struct {
		Handle    string `json:"handle"`
		Supported bool   `json:"supported"`
	} `json:"publicApiVersions"`
}

// Check reads the shop and checks that IGNY8 can publish to it: the
// token is accepted (else an EUnauthorized error), the API version is
// served and supported (else ENotFound or EInvalid), and the token
// grants every required scope (else an EInvalid error naming the
// missing ones).
func (c *Client) Check(ctx context.Context) (*Shop, error) {
	var d shopData
	if err := c.do(ctx, opShop, nil, &d); err != nil {
		return nil, err
	}
	s := &Shop{
		Name:            d.Shop.Name,
		MyshopifyDomain: d.Shop.MyshopifyDomain,
		PrimaryHost:     d.Shop.PrimaryDomain.Host,
		PrimaryURL:      strings.TrimRight(d.Shop.PrimaryDomain.URL, "/"),
		APIVersion:      c.cfg.APIVersion,
	}
	for _, sc := range d.CurrentAppInstallation.AccessScopes {
		s.Scopes = append(s.Scopes, sc.Handle)
	}
	if i := slices.IndexFunc(d.PublicAPIVersions, func(v struct {
		Handle    string `json:"handle"`
		Supported bool   `json:"supported"`
	}) bool {
		return v.Handle == c.cfg.APIVersion
	}); i >= 0 && !d.PublicAPIVersions[i].Supported {
		return s, permanent(igny8.EInvalid, "Shopify no longer supports Admin API version %s, which IGNY8 speaks: IGNY8 needs an update before it can publish to %s.", c.cfg.APIVersion, c.origin)
	}
	if missing := missingScopes(s.Scopes); len(missing) > 0 {
		return s, permanent(igny8.EInvalid, "The access token of %s lacks the scopes %s: give the app these scopes in Shopify (Apps → Develop apps → Configuration), reinstall it and paste the new token.",
			c.origin, strings.Join(missing, ", "))
	}
	return s, nil
}

// missingScopes lists the required scopes granted lacks, by the name to
// ask for.
func missingScopes(granted []string) []string {
	var missing []string
	for _, alts := range requiredScopes {
		if !slices.ContainsFunc(alts, func(s string) bool { return slices.Contains(granted, s) }) {
			missing = append(missing, alts[0])
		}
	}
	return missing
}
