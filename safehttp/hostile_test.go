package safehttp

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// hostileCase is a URL a user could give to reach what IGNY8 must not,
// and what it is refused as: a Blocked reason, or "url: " and words of
// the *URLError. {p4} is the port of a counting listener on 127.0.0.1,
// {p6} of one on [::1].
type hostileCase struct{ url, want string }

func hostileCases() []hostileCase {
	return []hostileCase{
		// Loopback, as addresses, names and IPv6 forms.
		{"http://127.0.0.1:{p4}/", "loopback"},
		{"http://localhost:{p4}/", "loopback"}, // the real resolver: /etc/hosts
		{"http://[::1]:{p6}/", "loopback"},
		{"http://[::ffff:127.0.0.1]:{p4}/", "loopback"},
		{"http://[::FFFF:7f00:1]:{p4}/", "loopback"},
		{"http://[0:0:0:0:0:ffff:127.0.0.1]:{p4}/", "loopback"},
		{"http://0.0.0.0:{p4}/", "unspecified"}, // Linux connects it to this machine
		{"http://[::]:{p6}/", "unspecified"},
		// IPv4 in forms Go reads as names and the C library as 127.0.0.1.
		{"http://127.1:{p4}/", "url: usual form"},
		{"http://2130706433:{p4}/", "url: usual form"},
		{"http://0177.0.0.1:{p4}/", "url: usual form"},
		{"http://0x7f.0.0.1:{p4}/", "url: usual form"},
		{"http://0x7f000001:{p4}/", "url: usual form"},
		{"http://017700000001:{p4}/", "url: usual form"},
		{"http://127.000.000.001:{p4}/", "url: usual form"},
		{"http://127.0.0.1.:{p4}/", "url: usual form"},
		{"http://0:{p4}/", "url: usual form"},
		// IPv6 that wraps a refused IPv4.
		{"http://[::127.0.0.1]:{p4}/", "IPv4-compatible IPv6"},
		{"http://[::ffff:0:7f00:1]:{p4}/", "IPv4-translated IPv6"},
		{"http://[64:ff9b::7f00:1]:{p4}/", "loopback"},
		{"http://[64:ff9b::10.0.0.5]:{p4}/", "private"},
		{"http://[2002:7f00:1::1]:{p4}/", "loopback"},
		{"http://[2002:a9fe:a9fe::1]:{p4}/", "cloud metadata"},
		// Other non-public IPv6.
		{"http://[fe80::1]:{p6}/", "link-local"},
		{"http://[fe80::1%25lo]:{p6}/", "link-local"},
		{"http://[fc00::1]:{p6}/", "private"},
		{"http://[fd00::2]:{p6}/", "private"},
		{"http://[ff02::1]:{p6}/", "multicast"},
		{"http://[2001:db8::1]:{p6}/", "documentation"},
		// Private and special IPv4.
		{"http://10.0.0.5:{p4}/", "private"},
		{"http://172.16.0.1:{p4}/", "private"},
		{"http://172.31.255.255:{p4}/", "private"},
		{"http://192.168.1.1:{p4}/", "private"},
		{"http://100.64.0.1:{p4}/", "carrier-grade NAT"},
		{"http://169.254.1.1:{p4}/", "link-local"},
		{"http://192.0.2.2:{p4}/", "documentation"},
		{"http://192.0.0.8:{p4}/", "reserved"},
		{"http://198.18.0.1:{p4}/", "reserved"},
		{"http://240.0.0.1:{p4}/", "reserved"},
		{"http://224.0.0.1:{p4}/", "multicast"},
		{"http://255.255.255.255:{p4}/", "broadcast"},
		// Cloud metadata.
		{"http://169.254.169.254:{p4}/latest/meta-data/", "cloud metadata"},
		{"http://[fd00:ec2::254]:{p6}/", "cloud metadata"},
		{"http://100.100.100.200:{p4}/", "cloud metadata"},
		{"http://169.254.170.2:{p4}/", "cloud metadata"},
		{"http://[::ffff:169.254.169.254]:{p4}/", "cloud metadata"},
		// Names that resolve where they must not (hostileResolver).
		{"http://evil.test:{p4}/", "private"},
		{"https://evil.test:{p4}/", "private"},
		{"http://loop.test:{p4}/", "loopback"},
		{"http://LOOP.test.:{p4}/", "loopback"},
		{"http://loop6.test:{p6}/", "loopback"},
		{"http://mapped.test:{p4}/", "loopback"},
		{"http://meta.test:{p4}/", "cloud metadata"},
		{"http://meta6.test:{p6}/", "cloud metadata"},
		{"http://nat64.test:{p4}/", "cloud metadata"},
		{"http://metadata.google.internal:{p4}/", "cloud metadata"},
		{"http://public-then-private.test:{p4}/", "loopback"},
		{"http://private-then-public.test:{p4}/", "loopback"},
	}
}

// hostileResolver makes the names of hostileCases resolve where they
// must not; other names (localhost) go to the real resolver.
func hostileResolver() *fakeResolver {
	r := resolver(map[string][]string{
		"evil.test":                {"10.0.0.5"},
		"loop.test":                {"127.0.0.1"},
		"LOOP.test.":               {"127.0.0.1"},
		"loop6.test":               {"::1"},
		"mapped.test":              {"::ffff:127.0.0.1"},
		"meta.test":                {"169.254.169.254"},
		"meta6.test":               {"fd00:ec2::254"},
		"nat64.test":               {"64:ff9b::a9fe:a9fe"},
		"metadata.google.internal": {"169.254.169.254"},
		"public-then-private.test": {"93.184.216.34,127.0.0.1"},
		"private-then-public.test": {"127.0.0.1,93.184.216.34"},
	})
	r.next = net.DefaultResolver
	return r
}

// TestHostileURLs sends every hostile URL, directly and through a
// redirect from an allowed server, with the real dialer and with a
// catch-all dialer that would connect any address to the counting
// listener. Every one is refused, and no connection is made.
func TestHostileURLs(t *testing.T) {
	t.Parallel()
	v4 := newTarget(t, "127.0.0.1:0", nil)
	v6 := newTarget6(t, nil)
	relay := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	ports := strings.NewReplacer("{p4}", v4.port(), "{p6}", v6.port())
	catchAll := &fakeNet{routes: map[string]string{relay.addr(): relay.addr()}, fallback: v4.addr()}
	ways := []struct {
		name string
		cfg  Config
	}{
		{"real dialer", Config{Resolver: hostileResolver(), AllowHosts: []string{relay.addr()}}},
		{"catch-all dialer", Config{Resolver: hostileResolver(), AllowHosts: []string{relay.addr()}, dial: catchAll.dial}},
	}
	for _, way := range ways {
		c := New(way.cfg)
		for _, h := range hostileCases() {
			u := ports.Replace(h.url)
			t.Run(way.name+"/direct/"+h.url, func(t *testing.T) {
				_, err := get(t, c, u)
				wantRefused(t, err, h.want)
			})
			t.Run(way.name+"/redirect/"+h.url, func(t *testing.T) {
				before := relay.hits.Load()
				_, err := get(t, c, relay.URL+"/go?to="+url.QueryEscape(u))
				if got, want := relay.hits.Load()-before, int32(1); got != want {
					t.Errorf("the allowed server was hit %d times, want %d", got, want)
				}
				if strings.HasPrefix(h.want, "url: ") {
					wantRefused(t, err, "url: redirects to a URL IGNY8 will not follow: it must")
					wantRefused(t, err, h.want)
					return
				}
				wantRefused(t, err, h.want)
				var be *BlockedError
				if errors.As(err, &be) && be.Via != relay.URL+"/" {
					t.Errorf("Via = %q, want %q", be.Via, relay.URL+"/")
				}
			})
		}
	}
	if got := v4.conns.Load() + v6.conns.Load(); got != 0 {
		t.Errorf("the loopback listeners accepted %d connections, want 0", got)
	}
	for _, a := range catchAll.dials() {
		if a != relay.addr() {
			t.Errorf("the catch-all dialer was asked for %s", a)
		}
	}
	if !slices.Contains(catchAll.dials(), relay.addr()) {
		t.Error("the catch-all dialer never reached the allowed server: the redirect cases proved nothing")
	}
}

// The numeric forms are refused before any lookup; were one to reach the
// dialer, a resolver that reads them as the C library does (127.0.0.1)
// would still be caught there.
func TestNumericHostAtDial(t *testing.T) {
	t.Parallel()
	v4 := newTarget(t, "127.0.0.1:0", nil)
	inetAton := resolver(map[string][]string{
		"2130706433": {"127.0.0.1"}, "0177.0.0.1": {"127.0.0.1"}, "0x7f.0.0.1": {"127.0.0.1"}, "127.1": {"127.0.0.1"},
	})
	d := newDialer(Config{Resolver: inetAton}.WithDefaults())
	for _, host := range []string{"2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1"} {
		conn, err := d.dialContext(t.Context(), "tcp", net.JoinHostPort(host, v4.port()))
		if err == nil {
			conn.Close()
		}
		wantRefused(t, err, "loopback")
	}
	if got := v4.conns.Load(); got != 0 {
		t.Errorf("the listener accepted %d connections, want 0", got)
	}
}

// The socket-level check refuses a refused address whatever path led to
// it, and lets an allowed host's dial through.
func TestControl(t *testing.T) {
	t.Parallel()
	v4 := newTarget(t, "127.0.0.1:0", nil)
	d := newDialer(Config{}.WithDefaults())
	nd := &net.Dialer{ControlContext: d.control}
	conn, err := nd.DialContext(t.Context(), "tcp", v4.addr())
	if err == nil {
		conn.Close()
	}
	wantRefused(t, err, "loopback")
	if got := v4.conns.Load(); got != 0 {
		t.Errorf("the listener accepted %d connections, want 0", got)
	}
	if err := d.control(t.Context(), "tcp", "93.184.216.34:443", nil); err != nil {
		t.Errorf("public address: %v", err)
	}
	// What allowedKey marks (an AllowHosts host) connects.
	conn, err = nd.DialContext(contextWithAllowed(t), "tcp", v4.addr())
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	conn.Close()
}
