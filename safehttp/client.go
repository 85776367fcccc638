package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Config configures a client. The zero value is the strict default; a
// zero or negative limit means its default.
type Config struct {
	// AllowHosts lists hosts the client may reach although they are not
	// public. FOR TESTS AND LOCAL DEVELOPMENT ONLY: never fill it from
	// user input. An entry is "host:port" (that port only) or "host" (any
	// port); the host is a name or an IP address, matched exactly
	// (case-insensitive): "127.0.0.1:8080", "[::1]:9000", "hooks.test".
	// The addresses of an allowed host are not checked at all.
	AllowHosts []string
	// AllowPrefixes lists address ranges the client may reach although
	// they are not public, whatever name leads there. For tests and
	// operators only, like AllowHosts.
	AllowPrefixes []netip.Prefix
	// Resolver resolves host names; nil uses net.DefaultResolver. Tests
	// set it to make a name resolve where they want.
	Resolver Resolver

	// DialTimeout bounds resolving and connecting (default 5s).
	DialTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake (default 5s).
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for the response's headers
	// once the request is sent (default 10s).
	ResponseHeaderTimeout time.Duration
	// Timeout bounds a whole request, redirects and body included
	// (default 30s).
	Timeout time.Duration
	// MaxRedirects is how many redirects a request follows (default 5);
	// negative follows none: the redirect response itself is returned.
	MaxRedirects int
	// MaxResponseBytes bounds a response body (default 1 MiB): the Read
	// that would pass it fails with *TooLargeError.
	MaxResponseBytes int64

	// dial connects to an address already checked; tests replace it.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// WithDefaults returns cfg with every unset limit at its default.
func (cfg Config) WithDefaults() Config {
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.TLSHandshakeTimeout <= 0 {
		cfg.TLSHandshakeTimeout = 5 * time.Second
	}
	if cfg.ResponseHeaderTimeout <= 0 {
		cfg.ResponseHeaderTimeout = 10 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = 5
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 1 << 20
	}
	return cfg
}

// Validate reports an allowance New cannot use: an AllowHosts entry that
// is not a host or host:port, or an AllowPrefixes entry that is not set.
// Call it on configuration read from the environment; New panics
// where it fails.
func (cfg Config) Validate() error {
	for _, e := range cfg.AllowHosts {
		host, port, err := net.SplitHostPort(e)
		if err != nil {
			host, port = e, ""
		}
		host = strings.TrimSuffix(strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")), ".")
		_, ipErr := netip.ParseAddr(host)
		if host == "" || ipErr != nil && !validHostname(host) {
			return fmt.Errorf("safehttp: AllowHosts entry %q is not a host or host:port; write it like hooks.test, 127.0.0.1:8080 or [::1]:8080", e)
		}
		if port != "" && (portNumber(port) < 1 || portNumber(port) > 65535) {
			return fmt.Errorf("safehttp: AllowHosts entry %q has an invalid port; use 1 to 65535, or no port to allow them all", e)
		}
	}
	for i, p := range cfg.AllowPrefixes {
		if !p.IsValid() {
			return fmt.Errorf("safehttp: AllowPrefixes[%d] is not a valid prefix; build it with netip.ParsePrefix(\"127.0.0.0/8\")", i)
		}
	}
	return nil
}

// allowsAddr reports whether cfg.AllowPrefixes holds ip.
func (cfg Config) allowsAddr(ip netip.Addr) bool {
	ip = ip.WithZone("").Unmap()
	for _, p := range cfg.AllowPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// allowsHost reports whether cfg.AllowHosts lists host, alone or with
// port.
func (cfg Config) allowsHost(host, port string) bool {
	host = canonicalHost(host)
	for _, e := range cfg.AllowHosts {
		h, p, err := net.SplitHostPort(e)
		if err != nil {
			h, p = e, ""
		}
		if canonicalHost(h) == host && (p == "" || p == port) {
			return true
		}
	}
	return false
}

// canonicalHost lowercases a host, drops brackets and a trailing dot, and
// writes an IP address the one way netip does.
func canonicalHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")), ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.String()
	}
	return h
}

// Client is an HTTP client that only reaches public addresses (and those
// its Config allows), uses no proxy, and applies its Config's limits.
// It is safe for concurrent use.
type Client struct {
	cfg Config
	hc  *http.Client
}

// New returns a Client for cfg. It panics if cfg.Validate fails: an
// allowance written wrong is a programming error.
func New(cfg Config) *Client {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	cfg = cfg.WithDefaults()
	d := newDialer(cfg)
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would dial for us, unchecked
		DialContext:            d.dialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    cfg.TLSHandshakeTimeout,
		ResponseHeaderTimeout:  cfg.ResponseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           10,
		IdleConnTimeout:        30 * time.Second,
	}
	return &Client{cfg: cfg, hc: &http.Client{
		Timeout:       cfg.Timeout,
		Transport:     &transport{next: tr, limit: cfg.MaxResponseBytes},
		CheckRedirect: checkRedirect(cfg.MaxRedirects),
	}}
}

// NewClient is New(cfg).HTTPClient(), for callers that only want the
// *http.Client.
func NewClient(cfg Config) *http.Client { return New(cfg).HTTPClient() }

// HTTPClient returns an *http.Client for SDKs that take one. Each call
// returns a new *http.Client sharing c's transport and connections, so
// changing its fields does not change c. Its Transport does the checks:
// wrap it if you must, never replace it.
func (c *Client) HTTPClient() *http.Client {
	hc := *c.hc
	return &hc
}

// Do sends req, as http.Client.Do does, after the checks.
func (c *Client) Do(req *http.Request) (*http.Response, error) { return c.hc.Do(req) }

// CheckURL is the package's CheckURL with c's allowances.
func (c *Client) CheckURL(raw string) error { return c.cfg.CheckURL(raw) }

// CloseIdleConnections closes the connections c keeps for reuse.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// checkRedirect follows at most limit redirects, each to a URL of the
// form the transport accepts; the dialer checks where it leads.
func checkRedirect(limit int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if limit < 0 {
			return http.ErrUseLastResponse
		}
		if len(via) > limit {
			return &URLError{URL: via[0].URL.Redacted(),
				Problem: fmt.Sprintf("redirects more than %d times; use the address it finally leads to", limit)}
		}
		if problem := formProblem(req.URL); problem != "" {
			return &URLError{URL: via[len(via)-1].URL.Redacted(),
				Problem: "redirects to a URL IGNY8 will not follow: it " + problem}
		}
		return nil
	}
}

// transport checks every request's URL, including each redirect's, puts
// the URL in a refusal, and bounds response bodies. It does these checks
// itself, not the http.Client, so that an SDK that takes the transport
// alone keeps them.
type transport struct {
	next  *http.Transport
	limit int64
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if problem := formProblem(req.URL); problem != "" {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on errors
		}
		return nil, &URLError{URL: req.URL.Redacted(), Problem: problem}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		var be *BlockedError
		if errors.As(err, &be) {
			named := *be
			named.URL = origin(req.URL)
			if req.Response != nil && req.Response.Request != nil {
				named.Via = origin(req.Response.Request.URL)
			}
			return nil, &named
		}
		return nil, err
	}
	if resp.Body != nil && resp.Body != http.NoBody {
		b := &limitedBody{rc: resp.Body, left: t.limit, limit: t.limit, url: origin(req.URL)}
		if resp.ContentLength > t.limit {
			b.err = b.tooLarge() // no need to read it to know
		}
		resp.Body = b
	}
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (t *transport) CloseIdleConnections() { t.next.CloseIdleConnections() }

// origin is u without user, path, query or fragment: what an error may
// show without leaking a token.
func origin(u *url.URL) string {
	return u.Scheme + "://" + u.Host + "/"
}
