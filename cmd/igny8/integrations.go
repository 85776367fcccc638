package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/custom"
	"github.com/igny8/igny8/publishing/shopify"
	"github.com/igny8/igny8/publishing/woocommerce"
	"github.com/igny8/igny8/publishing/wordpress"
	"github.com/igny8/igny8/safehttp"
	"github.com/igny8/igny8/secrets"
	"github.com/igny8/igny8/sites"
)

// loadKeyRing reads the key ring that seals integrations' credentials from
// IGNY8_SECRETS_KEYS or IGNY8_SECRETS_KEY_FILE; without either there is
// none (nil), and the API's integration routes say so.
func loadKeyRing(getenv func(string) string) (*secrets.Ring, error) {
	keys, file := getenv(secrets.EnvKeys), getenv(secrets.EnvKeyFile)
	if keys == "" && file == "" {
		return nil, nil
	}
	return secrets.Load(keys, file)
}

// integrationHTTP is the SSRF-safe client integrations connect with.
// IGNY8_INTEGRATION_ALLOW_HOSTS (comma-separated host or host:port) lets
// it reach hosts that are not public: for tests and local development
// only.
func integrationHTTP(getenv func(string) string) *safehttp.Client {
	var allow []string
	for _, h := range strings.Split(getenv("IGNY8_INTEGRATION_ALLOW_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			allow = append(allow, h)
		}
	}
	return safehttp.New(safehttp.Config{AllowHosts: allow})
}

// connector checks connections with the platforms' adapters and seals
// credentials with the key ring.
type connector struct {
	ring *secrets.Ring
	http *safehttp.Client
	db   *postgres.DB // for the stored credentials
	// client, when set, replaces http's client for the requests (a test
	// wraps it); URL checks still use http.
	client *http.Client
}

// httpClient is what requests to integrations go through.
func (c *connector) httpClient() *http.Client {
	if c.client != nil {
		return c.client
	}
	return c.http.HTTPClient()
}

// Check connects to the platform with the credentials.
func (c *connector) Check(ctx context.Context, platform, url string, config json.RawMessage, creds map[string]string) error {
	switch platform {
	case igny8.PlatformCustom:
		if err := c.http.CheckURL(url); err != nil {
			return igny8.Errorf(igny8.EInvalid, "%s", urlProblem(err))
		}
		return nil
	case igny8.PlatformWordPress:
		return checkWordPress(ctx, c.httpClient(), url, creds)
	case igny8.PlatformShopify:
		sc, err := shopifyClient(url, creds["access_token"], c.httpClient())
		if err != nil {
			return err
		}
		_, err = sc.Check(ctx)
		return err
	}
	return igny8.Errorf(igny8.EInvalid, "There is no platform %q; use wordpress, shopify or custom.", platform)
}

// CheckStored opens an integration's credentials and checks them.
func (c *connector) CheckStored(ctx context.Context, in *igny8.Integration, sealed *igny8.SealedCredentials) error {
	creds, err := c.openSealed(in, sealed)
	if err != nil {
		return err
	}
	return c.Check(ctx, in.Platform, in.URL, in.Config, creds)
}

// open reads and opens an integration's stored credentials.
func (c *connector) open(ctx context.Context, in *igny8.Integration) (map[string]string, error) {
	sealed, err := c.db.IntegrationCredentials(ctx, in.SiteID, in.ID)
	if err != nil {
		return nil, err
	}
	return c.openSealed(in, sealed)
}

// openSealed opens sealed credentials of an integration.
func (c *connector) openSealed(in *igny8.Integration, sealed *igny8.SealedCredentials) (map[string]string, error) {
	plain, err := c.ring.OpenCredential(in.AccountID, in.ID, sealed.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("open the credentials of integration %d: %w", in.ID, err)
	}
	defer clear(plain)
	var creds map[string]string
	if err := json.Unmarshal(plain, &creds); err != nil {
		return nil, fmt.Errorf("read the credentials of integration %d: stored as something other than a JSON object", in.ID)
	}
	return creds, nil
}

// urlProblem is what a site owner is told of a refused URL.
func urlProblem(err error) string {
	var blocked *safehttp.BlockedError
	var bad *safehttp.URLError
	switch {
	case errors.As(err, &blocked):
		return blocked.Error()
	case errors.As(err, &bad):
		return bad.Error()
	}
	return err.Error()
}

// Seal seals the credentials (as a JSON object) for the integration's
// row; the fingerprint is of the same JSON.
func (c *connector) Seal(creds map[string]string) igny8.Sealer {
	return func(accountID, integrationID int64) (*igny8.SealedCredentials, error) {
		plain, err := json.Marshal(creds)
		if err != nil {
			return nil, err
		}
		defer clear(plain)
		ct, err := c.ring.SealCredential(accountID, integrationID, plain)
		if err != nil {
			return nil, fmt.Errorf("seal the credentials of integration %d: %w", integrationID, err)
		}
		return &igny8.SealedCredentials{Ciphertext: ct, KeyID: c.ring.Primary(), Fingerprint: c.ring.Fingerprint(plain)}, nil
	}
}

// checkWordPress reads the site's REST index and users/me with the
// credentials, through the SSRF-safe client; the error says in plain
// words what is wrong (wordpress.CheckError, an invalid error).
func checkWordPress(ctx context.Context, client *http.Client, url string, creds map[string]string) error {
	wp, err := wordpress.New(wordpress.Config{SiteURL: url, Username: creds["username"], Password: creds["application_password"],
		HTTPClient: client})
	if err != nil {
		return err
	}
	_, err = wp.Check(ctx)
	return err
}

// distributor publishes content to a site's integrations: it opens the
// integration's credentials, makes the platform's adapter, and lets the
// publisher write each piece once per version.
type distributor struct {
	db     *postgres.DB
	conn   *connector
	sites  *sites.Service     // the asset files images are uploaded from
	limits *integrationLimits // paces requests per integration
}

// client is the HTTP client of requests to in's platform: SSRF-safe and
// paced by in's limiter.
func (d *distributor) client(in *igny8.Integration) (*http.Client, error) {
	if d.limits == nil {
		return d.conn.httpClient(), nil
	}
	return d.limits.client(in, d.conn.httpClient())
}

// Distribute publishes content contentID of the site to integration
// integrationID.
func (d *distributor) Distribute(ctx context.Context, siteID, integrationID, contentID int64) (string, *igny8.PublishingRecord, error) {
	in, err := d.db.Integration(ctx, siteID, integrationID)
	if err != nil {
		return "", nil, err
	}
	c, err := d.db.Content(ctx, siteID, contentID)
	if err != nil {
		return "", nil, err
	}
	if err := publishing.Supports(in, c.EntityType); err != nil {
		return "", nil, err
	}
	dest, refs, err := d.destination(ctx, in)
	if err != nil {
		return "", nil, err
	}
	rec, outcome, err := d.publisher(refs).Publish(ctx, in, dest, c)
	return string(outcome), rec, err
}

// publisher publishes with refs's link version, when there are refs.
func (d *distributor) publisher(refs *siteRefs) *publishing.Publisher {
	p := &publishing.Publisher{Store: d.db}
	if refs != nil {
		p.Version, p.Prepare = refs.Version, refs.Prepare
	}
	return p
}

// destination makes the adapter of an integration's platform, and the
// refs it resolves pieces' images and links with (nil for a platform that
// takes pieces as they are).
func (d *distributor) destination(ctx context.Context, in *igny8.Integration) (publishing.Destination, *siteRefs, error) {
	switch in.Platform {
	case igny8.PlatformCustom:
		creds, err := d.conn.open(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		hc, err := d.client(in)
		if err != nil {
			return nil, nil, err
		}
		cd, err := custom.New(in.URL, custom.Config{Client: hc}, []byte(creds["signing_secret"]))
		if err != nil {
			return nil, nil, err
		}
		return &custom.Adapter{Dest: cd}, nil, nil
	case igny8.PlatformWordPress:
		wp, err := d.wordpressClient(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		cfg, err := wordpress.ParseAdapterConfig(in.Config)
		if err != nil {
			return nil, nil, err
		}
		refs, err := d.refs(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		posts, err := wordpress.NewAdapter(wp, refs, cfg)
		if err != nil {
			return nil, nil, err
		}
		posts.Origin = refs.site.StorageID
		if in.PlatformType != igny8.PlatformTypeEcommerce {
			return posts, refs, nil
		}
		products, err := woocommerce.NewAdapter(woocommerce.New(wp), refs, cfg.DefaultStatus)
		if err != nil {
			return nil, nil, err
		}
		products.Origin = refs.site.StorageID
		return productsApart{products: products, rest: posts}, refs, nil
	case igny8.PlatformShopify:
		sc, err := d.shopifyClient(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		refs, err := d.refs(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		return &shopify.Adapter{Client: sc, Refs: refs, Origin: refs.site.StorageID}, refs, nil
	}
	return nil, nil, igny8.Errorf(igny8.EInvalid, "There is no platform %q to publish to; IGNY8 publishes to wordpress, shopify and custom integrations.", in.Platform)
}

// refs is what pieces published to in refer to.
func (d *distributor) refs(ctx context.Context, in *igny8.Integration) (*siteRefs, error) {
	site, err := d.db.Site(ctx, in.SiteID)
	if err != nil {
		return nil, err
	}
	return &siteRefs{db: d.db, sites: d.sites, site: site, integration: in.ID}, nil
}

// wordpressClient connects to a WordPress integration with its stored
// credentials, through the SSRF-safe client.
func (d *distributor) wordpressClient(ctx context.Context, in *igny8.Integration) (*wordpress.Client, error) {
	creds, err := d.conn.open(ctx, in)
	if err != nil {
		return nil, err
	}
	hc, err := d.client(in)
	if err != nil {
		return nil, err
	}
	return wordpress.New(wordpress.Config{SiteURL: in.URL, Username: creds["username"], Password: creds["application_password"],
		HTTPClient: hc})
}

// productsApart sends products to one destination (WooCommerce) and
// everything else to another (the WordPress site's posts and pages).
type productsApart struct{ products, rest publishing.Destination }

func (d productsApart) Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (publishing.Remote, error) {
	if c.EntityType == igny8.EntityProduct {
		return d.products.Publish(ctx, c, rec, key)
	}
	return d.rest.Publish(ctx, c, rec, key)
}

// shopifyClient connects to a Shopify integration with its stored token.
func (d *distributor) shopifyClient(ctx context.Context, in *igny8.Integration) (*shopify.Client, error) {
	creds, err := d.conn.open(ctx, in)
	if err != nil {
		return nil, err
	}
	hc, err := d.client(in)
	if err != nil {
		return nil, err
	}
	return shopifyClient(in.URL, creds["access_token"], hc)
}

// shopifyClient is a client of the Admin API of the store at storeURL, its
// myshopify.com address.
func shopifyClient(storeURL, token string, client *http.Client) (*shopify.Client, error) {
	u, err := url.Parse(storeURL)
	if err != nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), ".myshopify.com") {
		return nil, igny8.Errorf(igny8.EInvalid, "Connect a Shopify store by its myshopify.com address (https://your-store.myshopify.com), not %q: the Admin API answers only there.", storeURL)
	}
	return shopify.New(shopify.Config{Shop: u.Hostname(), Token: token, HTTPClient: client})
}
