package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// counter is an httptest server that counts its requests.
type counter struct {
	*httptest.Server
	hits atomic.Int32
}

func newCounter(t *testing.T, h http.HandlerFunc) *counter {
	t.Helper()
	c := &counter{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *counter) port() string {
	_, port, _ := net.SplitHostPort(c.Listener.Addr().String())
	return port
}

// fakeResolver answers from a table, one answer per call in turn (the
// last answer repeats), and counts lookups per host.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	calls   map[string]int
}

func resolver(answers map[string][]string) *fakeResolver {
	r := &fakeResolver{answers: map[string][][]netip.Addr{}, calls: map[string]int{}}
	for host, list := range answers {
		for _, one := range list {
			var addrs []netip.Addr
			for a := range strings.SplitSeq(one, ",") {
				addrs = append(addrs, netip.MustParseAddr(a))
			}
			r.answers[host] = append(r.answers[host], addrs)
		}
	}
	return r
}

func (r *fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	as, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(r.calls[host], len(as)-1)
	r.calls[host]++
	return as[i], nil
}

// fakeNet stands in for the internet: a dial to a public address goes to
// the local server standing for it. It records every address dialled.
type fakeNet struct {
	mu     sync.Mutex
	hosts  map[netip.Addr]string // public address → real listener
	dialed []string
}

func (n *fakeNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dialed = append(n.dialed, addr)
	n.mu.Unlock()
	ap := netip.MustParseAddrPort(addr)
	if real, ok := n.hosts[ap.Addr()]; ok {
		var d net.Dialer
		return d.DialContext(ctx, network, real)
	}
	if Blocked(ap.Addr()) != "" {
		var d net.Dialer // the real thing, to show a refused address never gets here
		return d.DialContext(ctx, network, addr)
	}
	return nil, fmt.Errorf("fake net: no route to %s", addr)
}

func get(t *testing.T, c *http.Client, url string) (string, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func wantBlocked(t *testing.T, err error, reason string) {
	t.Helper()
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BlockedError", err)
	}
	if be.Reason != reason {
		t.Errorf("refused as %q, want %q (%v)", be.Reason, reason, err)
	}
}

// By default the client refuses loopback, whether the URL names the
// address or a name that resolves to it.
func TestRefusesLoopbackByDefault(t *testing.T) {
	srv := newCounter(t, nil)
	c := NewClient(Config{})
	for _, u := range []string{srv.URL, "http://localhost:" + srv.port() + "/", "http://[::ffff:127.0.0.1]:" + srv.port() + "/"} {
		_, err := get(t, c, u)
		wantBlocked(t, err, "loopback")
	}
	if got := srv.hits.Load(); got != 0 {
		t.Errorf("the loopback server was hit %d times", got)
	}
}

// The operator's allowances let the client reach a test server.
func TestAllowList(t *testing.T) {
	srv := newCounter(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for name, cfg := range map[string]Config{
		"prefix": {AllowPrefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}},
		"host":   {AllowHosts: []string{"hooks.test"}, Resolver: resolver(map[string][]string{"hooks.test": {"127.0.0.1"}})},
	} {
		t.Run(name, func(t *testing.T) {
			u := srv.URL
			if name == "host" {
				u = "http://hooks.test:" + srv.port() + "/"
			}
			body, err := get(t, NewClient(cfg), u)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := body, "ok"; got != want {
				t.Errorf("body = %q, want %q", got, want)
			}
		})
	}
	// An allowed range does not open the others.
	c := NewClient(Config{AllowPrefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	_, err := get(t, c, srv.URL)
	wantBlocked(t, err, "loopback")
}

// DNS rebinding: a name that resolved to a public address resolves to a
// private one the next time. Every dial resolves and checks again, so
// the second request is refused and the private address never dialled.
func TestDNSRebinding(t *testing.T) {
	public := newCounter(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "public") })
	res := resolver(map[string][]string{"rebind.example": {"93.184.216.34", "127.0.0.1"}})
	fn := &fakeNet{hosts: map[netip.Addr]string{netip.MustParseAddr("93.184.216.34"): public.Listener.Addr().String()}}
	c := NewClient(Config{Resolver: res, dial: fn.dial})
	u := "http://rebind.example:" + public.port() + "/"
	if body, err := get(t, c, u); err != nil || body != "public" {
		t.Fatalf("first request: %q, %v; want the public server", body, err)
	}
	c.CloseIdleConnections()
	_, err := get(t, c, u)
	wantBlocked(t, err, "loopback")
	if got, want := res.calls["rebind.example"], 2; got != want {
		t.Errorf("%d lookups, want %d", got, want)
	}
	for _, a := range fn.dialed {
		if strings.HasPrefix(a, "127.") {
			t.Errorf("dialled %s", a)
		}
	}
}

// An answer mixing public and private addresses: only the public ones
// are dialled.
func TestMixedAnswer(t *testing.T) {
	public := newCounter(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "public") })
	res := resolver(map[string][]string{"mixed.example": {"169.254.169.254,10.0.0.1,93.184.216.34"}})
	fn := &fakeNet{hosts: map[netip.Addr]string{netip.MustParseAddr("93.184.216.34"): public.Listener.Addr().String()}}
	body, err := get(t, NewClient(Config{Resolver: res, dial: fn.dial}), "http://mixed.example:"+public.port()+"/")
	if err != nil || body != "public" {
		t.Fatalf("got %q, %v; want the public server", body, err)
	}
	if got, want := strings.Join(fn.dialed, " "), "93.184.216.34:"+public.port(); got != want {
		t.Errorf("dialled %s, want %s", got, want)
	}
}

// The socket-level check refuses a blocked address whatever path led to
// it, except for a host the operator allowed.
func TestControl(t *testing.T) {
	d := &dialer{cfg: Config{}.WithDefaults()}
	err := d.control(context.Background(), "tcp", "169.254.169.254:80", nil)
	wantBlocked(t, err, "cloud metadata")
	if err := d.control(context.Background(), "tcp", "93.184.216.34:443", nil); err != nil {
		t.Errorf("public address: %v", err)
	}
	if err := d.control(context.WithValue(context.Background(), trustedKey{}, true), "tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("allowed host: %v", err)
	}
}

type resolverFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

func (f resolverFunc) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return f(ctx, network, host)
}

func TestDefaults(t *testing.T) {
	cfg := Config{}.WithDefaults()
	if cfg.Timeout != 30*time.Second || cfg.DialTimeout != 5*time.Second || cfg.TLSHandshakeTimeout != 5*time.Second ||
		cfg.ResponseHeaderTimeout != 10*time.Second || cfg.MaxRedirects != 5 || cfg.MaxResponseBytes != 1<<20 || cfg.Resolver == nil {
		t.Errorf("defaults = %+v", cfg)
	}
	c := NewClient(Config{})
	if tr := c.Transport.(*limitTransport).next.(*http.Transport); tr.Proxy != nil {
		t.Error("the client uses a proxy, which would dial unchecked")
	}
}
