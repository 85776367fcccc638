package credits

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/igny8/igny8"
)

// nonPublic are ranges outside the ones netip's predicates name that a
// webhook must not reach either.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64 (maps onto IPv4, private ones too)
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("2002::/16"),      // 6to4 (embeds IPv4)
}

// PublicAddr reports whether a webhook may connect to ip: not loopback,
// private, link-local (cloud metadata lives there), multicast,
// unspecified or reserved.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// errNotPublic is the dial error for a refused address.
type errNotPublic struct{ addr string }

func (e errNotPublic) Error() string {
	return fmt.Sprintf("webhook: refusing to connect to non-public address %s", e.addr)
}

// NewWebhookClient returns an HTTP client for user-configured URLs. It
// checks every address it connects to at dial time, after DNS resolution,
// so a name that resolves (or re-resolves) to a private, loopback or
// link-local address is refused; it uses no proxy and follows no
// redirects.
func NewWebhookClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !PublicAddr(ip) {
				return errNotPublic{address}
			}
			return nil
		},
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: timeout,
			MaxIdleConns:          10,
			IdleConnTimeout:       30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// CheckWebhookURL checks a webhook URL when it is configured: http or
// https, a host, no credentials, and not a host that is obviously
// internal. The dial-time check of NewWebhookClient is what actually
// protects; this one gives the user an early, clear answer.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return igny8.Errorf(igny8.EInvalid, "The webhook URL must be an absolute http or https URL.")
	}
	if u.User != nil {
		return igny8.Errorf(igny8.EInvalid, "The webhook URL may not carry credentials.")
	}
	if len(raw) > 2000 {
		return igny8.Errorf(igny8.EInvalid, "The webhook URL is longer than 2000 characters.")
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".local") {
		return igny8.Errorf(igny8.EInvalid, "The webhook URL must name a public host, not %q.", host)
	}
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && !PublicAddr(ip) {
		return igny8.Errorf(igny8.EInvalid, "The webhook URL must name a public address, not %s.", ip)
	}
	return nil
}

// Notifier POSTs low-credit events to webhooks.
type Notifier struct {
	// Client sends the requests: NewWebhookClient in production.
	Client *http.Client
}

// Send POSTs ev to url as an igny8.LowCreditsPayload and wants a 2xx.
func (n *Notifier) Send(ctx context.Context, url string, ev igny8.CreditEvent) error {
	body, err := json.Marshal(igny8.LowCreditsPayload{Event: "credits.low", AccountID: ev.AccountID, Period: ev.Period,
		Available: ev.Available, Threshold: ev.Threshold, CreatedAt: ev.CreatedAt})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "igny8-webhook/1")
	req.Header.Set("X-Igny8-Event", "credits.low")
	resp, err := n.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
