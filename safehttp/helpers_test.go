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
)

// target is an HTTP server on a real loopback listener that counts the
// TCP connections it accepts: the proof that a refused request never
// connected.
type target struct {
	*httptest.Server
	conns atomic.Int32 // connections accepted
	hits  atomic.Int32 // requests served
}

// newTarget starts a target listening on addr ("127.0.0.1:0", "[::1]:0").
func newTarget(t testing.TB, addr string, h http.HandlerFunc) *target {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	tg := &target{}
	tg.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.hits.Add(1)
		if h != nil {
			h(w, r)
		}
	}))
	tg.Listener.Close()
	tg.Listener = l
	tg.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			tg.conns.Add(1)
		}
	}
	tg.Start()
	t.Cleanup(tg.Close)
	return tg
}

// newTarget6 is newTarget on [::1], or on 127.0.0.1 where this machine
// has no IPv6 loopback (the refusals are still checked, the count then
// proves less).
func newTarget6(t testing.TB, h http.HandlerFunc) *target {
	t.Helper()
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		l.Close()
		return newTarget(t, "[::1]:0", h)
	}
	t.Log("no IPv6 loopback here: the [::1] cases count connections on 127.0.0.1")
	return newTarget(t, "127.0.0.1:0", h)
}

func (tg *target) addr() string { return tg.Listener.Addr().String() }

func (tg *target) port() string {
	_, port, _ := net.SplitHostPort(tg.addr())
	return port
}

// fakeResolver answers from a table, one answer per call in turn (the
// last answer repeats), and counts lookups per host. A name it does not
// know goes to next, or is not found.
type fakeResolver struct {
	next    Resolver
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	calls   map[string]int
}

// resolver builds a fakeResolver: host → answers, each a comma-separated
// list of addresses.
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
	as, ok := r.answers[host]
	i := min(r.calls[host], len(as)-1)
	r.calls[host]++
	r.mu.Unlock()
	if ok {
		return as[i], nil
	}
	if r.next != nil {
		return r.next.LookupNetIP(ctx, network, host)
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (r *fakeResolver) lookups(host string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[host]
}

type resolverFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

func (f resolverFunc) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return f(ctx, network, host)
}

// fakeNet replaces the client's dial. A dial to an address in routes goes
// to the real listener standing for it; any other goes to fallback, when
// set (a catch-all: any address the checks let through would connect),
// or fails. It records every address dialled.
type fakeNet struct {
	routes   map[string]string // "ip:port" → real listener address
	fallback string
	mu       sync.Mutex
	dialed   []string
}

func (n *fakeNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dialed = append(n.dialed, addr)
	n.mu.Unlock()
	real, ok := n.routes[addr]
	if !ok {
		real = n.fallback
	}
	if real == "" {
		return nil, fmt.Errorf("fake net: no route to %s", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", real)
}

func (n *fakeNet) dials() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dialed...)
}

// get GETs url and reads the whole body.
func get(t testing.TB, c *Client, url string) (string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("new request %s: %v", url, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// wantRefused checks err against want: a Blocked reason ("loopback"), or
// "url: " and words the *URLError's Problem contains.
func wantRefused(t testing.TB, err error, want string) {
	t.Helper()
	if problem, ok := strings.CutPrefix(want, "url: "); ok {
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("err = %v, want a *URLError", err)
		} else if !strings.Contains(ue.Problem, problem) {
			t.Errorf("problem = %q, want it to contain %q", ue.Problem, problem)
		}
		return
	}
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Errorf("err = %v, want a *BlockedError", err)
	} else if be.Reason != want {
		t.Errorf("refused as %q, want %q (%v)", be.Reason, want, err)
	}
}

func contextWithAllowed(t testing.TB) context.Context {
	return context.WithValue(t.Context(), allowedKey{}, true)
}
