// Package safehttp is the one HTTP client for URLs that users supply
// (webhooks, publishing targets, feeds): it refuses to reach loopback,
// private, link-local, cloud metadata and other non-public addresses.
//
// The check happens at dial time, on the address actually dialled, after
// DNS resolution: a host name that resolves (or re-resolves, as in DNS
// rebinding) to a private address is refused, and so is every hop of a
// redirect, since each one dials through the same checked dialer. CheckURL
// gives users an early, readable answer; the dialer is what protects.
//
// An operator may allow hosts or address ranges (Config.AllowHosts,
// Config.AllowPrefixes), for tests or a receiver on their own network;
// user input must never set them.
package safehttp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses; *net.Resolver implements it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Config configures a client. The zero value is the strict default.
type Config struct {
	// AllowPrefixes are address ranges the client may reach although they
	// are not public. For tests and operators only.
	AllowPrefixes []netip.Prefix
	// AllowHosts are host names (exact, case-insensitive) whose addresses
	// are not checked. For tests and operators only.
	AllowHosts []string
	// Resolver resolves host names; nil uses net.DefaultResolver.
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
	// MaxResponseBytes bounds a response body (default 1 MiB): reading
	// past it fails with *TooLargeError rather than truncating.
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

// NewClient returns an HTTP client that only reaches public addresses
// (and those cfg allows), uses no proxy, and applies cfg's limits.
func NewClient(cfg Config) *http.Client {
	cfg = cfg.WithDefaults()
	d := &dialer{cfg: cfg}
	if d.cfg.dial == nil {
		nd := &net.Dialer{Timeout: cfg.DialTimeout, ControlContext: d.control}
		d.cfg.dial = nd.DialContext
	}
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
	return &http.Client{
		Timeout:       cfg.Timeout,
		Transport:     &limitTransport{next: tr, limit: cfg.MaxResponseBytes},
		CheckRedirect: checkRedirect(cfg.MaxRedirects),
	}
}

// checkRedirect follows at most max redirects, each to an http or https
// URL that passes CheckURL's form checks; the dialer checks its address.
func checkRedirect(max int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if max < 0 {
			return http.ErrUseLastResponse
		}
		if len(via) > max {
			return fmt.Errorf("safehttp: stopped after %d redirects", max)
		}
		if s := req.URL.Scheme; s != "http" && s != "https" {
			return fmt.Errorf("safehttp: refusing a redirect to a %s: URL; only http and https are followed", s)
		}
		if req.URL.User != nil {
			return errors.New("safehttp: refusing a redirect to a URL with credentials")
		}
		return nil
	}
}

// dialer resolves and checks every address before it connects.
type dialer struct{ cfg Config }

func (d *dialer) allowedHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return slices.ContainsFunc(d.cfg.AllowHosts, func(h string) bool {
		return strings.EqualFold(strings.TrimSuffix(h, "."), host)
	})
}

// check returns nil when the client may connect to addr.
func (d *dialer) check(host string, addr netip.Addr) error {
	why := Blocked(addr)
	if why == "" {
		return nil
	}
	for _, p := range d.cfg.AllowPrefixes {
		if p.Contains(addr.Unmap().WithZone("")) {
			return nil
		}
	}
	return &BlockedError{Host: host, Addr: addr, Reason: why}
}

// dialContext resolves address's host, drops the addresses it may not
// reach, and dials the others in turn. The addresses dialled are exactly
// the ones checked: there is no second lookup to rebind.
func (d *dialer) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DialTimeout)
	defer cancel()
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		ipNet := "ip"
		switch network {
		case "tcp4":
			ipNet = "ip4"
		case "tcp6":
			ipNet = "ip6"
		}
		if addrs, err = d.cfg.Resolver.LookupNetIP(ctx, ipNet, host); err != nil {
			return nil, fmt.Errorf("safehttp: resolve %s: %w", host, err)
		}
	}
	trusted := d.allowedHost(host)
	if trusted {
		ctx = context.WithValue(ctx, trustedKey{}, true)
	}
	var firstErr error
	for _, ip := range addrs {
		if !trusted {
			if err := d.check(host, ip); err != nil {
				firstErr = cmp.Or(firstErr, err)
				continue
			}
		}
		conn, err := d.cfg.dial(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		firstErr = cmp.Or(firstErr, err)
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("safehttp: %s has no address", host)
	}
	return nil, firstErr
}

// trustedKey marks the dial of a host the operator allowed.
type trustedKey struct{}

// control checks the socket's address once more, just before connect:
// whatever path led here, a blocked address is never connected to.
func (d *dialer) control(ctx context.Context, network, address string, _ syscall.RawConn) error {
	if ctx.Value(trustedKey{}) != nil {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("safehttp: unexpected dial address %q", address)
	}
	return d.check("", ap.Addr())
}
