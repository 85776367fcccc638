package wordpress

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/igny8/igny8"
)

const (
	// DefaultMaxPages bounds FetchAll: 100 pages of 100 items.
	DefaultMaxPages = 100
	// DefaultMaxAttempts is Config.MaxAttempts when it is 0.
	DefaultMaxAttempts = 3
	// DefaultMaxRetryWait is Config.MaxRetryWait when it is 0.
	DefaultMaxRetryWait = 30 * time.Second
	// DefaultUserAgent is sent when Config.UserAgent is empty. Some
	// firewalls in front of WordPress refuse Go's default agent.
	DefaultUserAgent = "IGNY8-WordPress/1.0"
	// maxBody bounds one answer; a page of 100 posts with their content
	// is a few megabytes at most.
	maxBody = 32 << 20
	// minPasswordLength is a floor far below the 24 characters WordPress
	// generates: it keeps redaction meaningful (see Client.redact).
	minPasswordLength = 8
)

// Config configures a Client.
type Config struct {
	// SiteURL is the site's home address, like https://example.com or
	// https://example.com/blog.
	SiteURL string
	// Username is the WordPress user name (or email address) to sign in
	// as.
	Username string
	// Password is one of the user's Application Passwords (Users →
	// Profile → Application Passwords), with or without its spaces.
	Password string
	// HTTPClient sends every request: the SSRF-safe client in
	// production. Required.
	HTTPClient *http.Client
	// APIRoot is the REST root a previous Check found (Site.APIRoot); ""
	// means discover it on first use.
	APIRoot string
	// MaxPages bounds FetchAll; 0 means DefaultMaxPages.
	MaxPages int
	// UserAgent is sent with every request; "" means DefaultUserAgent.
	UserAgent string
	// MaxAttempts bounds the tries of one Do or Upload that WordPress
	// answers with 429 or a 5xx, or that gets no answer; 0 means
	// DefaultMaxAttempts. A POST is retried only after a 429: any other
	// failure may have come after WordPress stored it.
	MaxAttempts int
	// MaxRetryWait is the longest wait between tries (a Retry-After
	// included) that a request sits out itself; a longer Retry-After ends
	// it with a transient *APIError that carries it. 0 means
	// DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// Logger gets one debug line per request (method, URL, status,
	// duration), never a credential; nil discards.
	Logger *slog.Logger
}

// Client talks to one WordPress site. It is safe for concurrent use.
type Client struct {
	site     *url.URL
	username string
	password string // never in errors, logs or String
	secrets  []string
	hc       *http.Client // requests without credentials
	authHC   *http.Client // requests with credentials: never follows redirects
	maxPages int
	agent    string
	log      *slog.Logger
	attempts int
	maxWait  time.Duration
	sleep    func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	root *url.URL // the REST root that works; nil until known
}

// New returns a Client for cfg, or an *igny8.Error (EInvalid) that says
// what is wrong with the site address, user name or password.
func New(cfg Config) (*Client, error) {
	if cfg.HTTPClient == nil {
		return nil, errors.New("wordpress: Config.HTTPClient is nil")
	}
	site, err := parseSiteURL(cfg.SiteURL)
	if err != nil {
		return nil, err
	}
	username := strings.TrimSpace(cfg.Username)
	switch {
	case username == "":
		return nil, igny8.Errorf(igny8.EInvalid, "Enter the WordPress user name (or email address) to connect as.")
	case strings.ContainsFunc(username, func(r rune) bool { return r == ':' || unicode.IsControl(r) }):
		return nil, igny8.Errorf(igny8.EInvalid, "The WordPress user name must not contain a colon or control characters.")
	}
	password := strings.TrimSpace(cfg.Password)
	switch {
	case password == "":
		return nil, igny8.Errorf(igny8.EInvalid, "Enter an Application Password: create one in WordPress under Users → Profile → Application Passwords.")
	case len(password) < minPasswordLength:
		return nil, igny8.Errorf(igny8.EInvalid, "The Application Password is too short: WordPress makes them 24 letters and digits long, shown in groups of four (abcd efgh ijkl mnop qrst uvwx).")
	case strings.ContainsFunc(password, unicode.IsControl):
		return nil, igny8.Errorf(igny8.EInvalid, "The Application Password must not contain control characters.")
	}
	c := &Client{
		site:     site,
		username: username,
		password: password,
		hc:       cfg.HTTPClient,
		maxPages: cfg.MaxPages,
		agent:    cfg.UserAgent,
		log:      cfg.Logger,
	}
	// Credentials never follow a redirect: Go's client would forward the
	// Authorization header to the same host even from https to http. A
	// redirect comes back as the answer instead, and Check explains it.
	auth := *cfg.HTTPClient
	auth.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.authHC = &auth
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if c.agent == "" {
		c.agent = DefaultUserAgent
	}
	c.attempts, c.maxWait, c.sleep = cfg.MaxAttempts, cfg.MaxRetryWait, sleep
	if c.attempts <= 0 {
		c.attempts = DefaultMaxAttempts
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxRetryWait
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.secrets = secretForms(username, password)
	if cfg.APIRoot != "" {
		root, err := url.Parse(cfg.APIRoot)
		if err != nil || root.Scheme != "http" && root.Scheme != "https" || !strings.EqualFold(root.Hostname(), site.Hostname()) {
			return nil, igny8.Errorf(igny8.EInvalid, "The saved REST API address %q is not an address on %s.", cfg.APIRoot, site.Host)
		}
		c.root = root
	}
	return c, nil
}

// secretForms lists every form in which the password could show up in
// text: as given, as WordPress reads it (letters and digits only),
// escaped for a URL, and inside the Basic credentials.
func secretForms(username, password string) []string {
	bare := strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, password)
	forms := []string{password, url.QueryEscape(password), url.PathEscape(password)}
	if len(bare) >= minPasswordLength {
		forms = append(forms, bare)
	}
	for _, p := range []string{password, bare} {
		cred := username + ":" + p
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte(cred)), base64.URLEncoding.EncodeToString([]byte(cred)))
	}
	return forms
}

// redact replaces every form of the password in s.
func (c *Client) redact(s string) string {
	for _, secret := range c.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// redactErr returns err, or, should its text ever hold the password, an
// error with the same text redacted (and no chain to reach the original).
func (c *Client) redactErr(err error) error {
	if err == nil {
		return nil
	}
	if s := err.Error(); c.redact(s) != s {
		return errors.New(c.redact(s))
	}
	return err
}

// String names the site and the user; never the password.
func (c *Client) String() string {
	return fmt.Sprintf("wordpress.Client{site: %s, user: %s}", c.site, c.username)
}

// GoString is String, so that %#v does not print the password either.
func (c *Client) GoString() string { return c.String() }

// SiteURL is the site's address as the Client uses it.
func (c *Client) SiteURL() string { return c.site.String() }

// APIRoot is the REST root the Client uses, "" until it is known.
func (c *Client) APIRoot() string {
	if root := c.knownRoot(); root != nil {
		return root.String()
	}
	return ""
}

// URLForm is the URL form the Client uses, "" until it is known.
func (c *Client) URLForm() URLForm {
	if root := c.knownRoot(); root != nil {
		return formOf(root)
	}
	return ""
}

func (c *Client) knownRoot() *url.URL {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.root
}

func (c *Client) remember(root *url.URL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.root = root
}

// apiRoot returns the REST root, discovering it if it is not known yet.
func (c *Client) apiRoot(ctx context.Context) (*url.URL, error) {
	if root := c.knownRoot(); root != nil {
		return root, nil
	}
	d, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	return d.root, nil
}

// answer is one HTTP response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL // where it came from, after any redirects
}

// payload is the body of a request, and headers that describe it.
type payload struct {
	body   []byte
	header http.Header // Content-Type, Content-Disposition
}

// send makes one request and reads the answer. With auth it signs in and
// does not follow redirects. A transport error comes back redacted.
func (c *Client) send(ctx context.Context, method string, u *url.URL, auth bool) (*answer, error) {
	return c.sendBody(ctx, method, u, auth, nil)
}

// sendBody is send with a request body, if p is not nil.
func (c *Client) sendBody(ctx context.Context, method string, u *url.URL, auth bool, p *payload) (*answer, error) {
	var reqBody io.Reader
	if p != nil {
		reqBody = bytes.NewReader(p.body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reqBody)
	if err != nil {
		return nil, fmt.Errorf("wordpress: %s %s: %w", method, u.Redacted(), err)
	}
	if p != nil {
		for k, vs := range p.header {
			req.Header[k] = vs
		}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.agent)
	hc := c.hc
	if auth {
		req.SetBasicAuth(c.username, c.password)
		hc = c.authHC
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		err = c.redactErr(err)
		c.log.LogAttrs(ctx, slog.LevelDebug, "wordpress request failed", slog.String("method", method),
			slog.String("url", u.String()), slog.Bool("signed_in", auth), slog.Duration("duration", time.Since(start)), slog.Any("error", err))
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && len(body) > maxBody {
		err = fmt.Errorf("the answer is larger than %d MiB", maxBody>>20)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "wordpress request", slog.String("method", method),
		slog.String("url", u.String()), slog.Bool("signed_in", auth), slog.Int("status", resp.StatusCode),
		slog.Int("bytes", len(body)), slog.Duration("duration", time.Since(start)))
	if err != nil {
		return nil, c.redactErr(fmt.Errorf("wordpress: %s %s: read the answer: %w", method, u, err))
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: body, url: resp.Request.URL}, nil
}
