package safehttp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses; *net.Resolver implements it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// dialer resolves a host once, checks every address, and connects only
// to the addresses it checked.
type dialer struct {
	cfg  Config
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func newDialer(cfg Config) *dialer {
	d := &dialer{cfg: cfg, dial: cfg.dial}
	if d.dial == nil {
		nd := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second, ControlContext: d.control}
		d.dial = nd.DialContext
	}
	return d
}

// allowedKey marks the dial of a host the operator allowed, for control.
type allowedKey struct{}

// dialContext resolves address's host, refuses the whole answer if any
// address in it may not be reached, and dials the addresses in turn. The
// addresses dialled are exactly the ones checked: there is no second
// lookup to rebind. A name that answers with one public and one private
// address is refused rather than trimmed: such an answer is an attack or
// a mistake, and trimming would make the outcome depend on the order of
// the records.
func (d *dialer) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("safehttp: dial %q: %w", address, err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DialTimeout)
	defer cancel()
	allowed := d.cfg.allowsHost(host, port)
	if allowed {
		ctx = context.WithValue(ctx, allowedKey{}, true)
	}
	addrs, err := d.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	if !allowed {
		for _, ip := range addrs {
			if err := d.check(host, ip); err != nil {
				return nil, err
			}
		}
	}
	addrs = family(addrs, network)
	if len(addrs) == 0 {
		return nil, fmt.Errorf("safehttp: %s has no address for %s", host, network)
	}
	var first error
	for i, ip := range addrs {
		actx, acancel := partialDeadline(ctx, len(addrs)-i)
		conn, err := d.dial(actx, network, net.JoinHostPort(ip.String(), port))
		acancel()
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// resolve returns host's addresses: host itself when it is an address
// (kept as written, so ::ffff:127.0.0.1 is refused as such), else the
// resolver's answer, IPv4-mapped addresses unmapped.
func (d *dialer) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	addrs, err := d.cfg.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("safehttp: look up %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("safehttp: look up %s: no addresses", host)
	}
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = a.Unmap()
	}
	return out, nil
}

// family keeps the addresses network can dial.
func family(addrs []netip.Addr, network string) []netip.Addr {
	var out []netip.Addr
	for _, a := range addrs {
		if network == "tcp4" && !a.Unmap().Is4() || network == "tcp6" && !a.Is6() {
			continue
		}
		out = append(out, a)
	}
	return out
}

// partialDeadline gives one of left remaining attempts its share of
// ctx's time, as net.Dialer does, so one unreachable address does not
// use up the time of the others.
func partialDeadline(ctx context.Context, left int) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok || left <= 1 {
		return context.WithCancel(ctx)
	}
	remaining := time.Until(deadline)
	share := remaining / time.Duration(left)
	const saneMinimum = 2 * time.Second
	if share < saneMinimum {
		share = min(saneMinimum, remaining)
	}
	return context.WithTimeout(ctx, share)
}

// check returns nil when the client may connect to ip, which host
// resolved to (or is).
func (d *dialer) check(host string, ip netip.Addr) error {
	why := Blocked(ip)
	if why == "" || d.cfg.allowsAddr(ip) {
		return nil
	}
	return &BlockedError{Host: host, Addr: ip, Reason: why}
}

// control checks the socket's address once more, just before connect:
// whatever path led here, a refused address is never connected to.
func (d *dialer) control(ctx context.Context, network, address string, _ syscall.RawConn) error {
	if ctx.Value(allowedKey{}) != nil {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("safehttp: unexpected dial address %q", address)
	}
	return d.check("", ap.Addr())
}
