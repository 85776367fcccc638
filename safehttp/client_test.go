package safehttp

import (
	"errors"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func ok(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }

// The allow list lets the client reach a test server, on the port
// allowed and no other.
func TestAllowHosts(t *testing.T) {
	t.Parallel()
	srv := newTarget(t, "127.0.0.1:0", ok)
	other := newTarget(t, "127.0.0.1:0", ok)
	srv6 := newTarget6(t, ok)
	hooks := resolver(map[string][]string{"hooks.test": {"127.0.0.1"}})
	cases := []struct {
		name string
		cfg  Config
		url  string
	}{
		{"host:port", Config{AllowHosts: []string{srv.addr()}}, srv.URL},
		{"address, any port", Config{AllowHosts: []string{"127.0.0.1"}}, srv.URL},
		{"[::1]:port", Config{AllowHosts: []string{srv6.addr()}}, srv6.URL},
		{"name", Config{AllowHosts: []string{"hooks.test"}, Resolver: hooks}, "http://hooks.test:" + srv.port() + "/"},
		{"name, case and trailing dot", Config{AllowHosts: []string{"HOOKS.test."}, Resolver: hooks}, "http://hooks.test:" + srv.port() + "/"},
		{"prefix", Config{AllowPrefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, srv.URL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, err := get(t, New(c.cfg), c.url)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := body, "ok"; got != want {
				t.Errorf("body = %q, want %q", got, want)
			}
		})
	}
	// An allowance opens only what it names.
	for _, cfg := range []Config{
		{AllowHosts: []string{srv.addr()}},
		{AllowHosts: []string{"hooks.test"}, Resolver: hooks},
		{AllowPrefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}},
	} {
		_, err := get(t, New(cfg), other.URL)
		wantRefused(t, err, "loopback")
	}
	_, err := get(t, New(Config{AllowHosts: []string{srv.addr()}}), "http://localhost:"+srv.port()+"/")
	wantRefused(t, err, "loopback")
	if got := other.conns.Load(); got != 0 {
		t.Errorf("the server on the port not allowed accepted %d connections", got)
	}
}

// The refusal names the URL, without its path and query, in the
// sentence a site owner reads.
func TestBlockedErrorFromRequest(t *testing.T) {
	t.Parallel()
	c := New(Config{Resolver: resolver(map[string][]string{"x.example": {"10.0.0.5"}})})
	_, err := get(t, c, "https://x.example/hooks/igny8?token=s3cret")
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BlockedError", err)
	}
	want := "The URL https://x.example/ resolves to 10.0.0.5, a private address; IGNY8 only connects to public internet addresses."
	if got := be.Error(); got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
	if be.Host != "x.example" || be.Addr != netip.MustParseAddr("10.0.0.5") || be.Reason != "private" || be.Via != "" {
		t.Errorf("error = %+v", *be)
	}
	if strings.Contains(be.Error(), "s3cret") {
		t.Errorf("the refusal shows the token: %v", be)
	}
}

// DNS rebinding: a name that resolved to a public address resolves to a
// private one the next time. Every dial resolves and checks again, so
// the second request is refused and the private address never dialled.
func TestDNSRebinding(t *testing.T) {
	t.Parallel()
	public := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "public") })
	private := newTarget(t, "127.0.0.1:0", nil)
	res := resolver(map[string][]string{"rebind.example": {"93.184.216.34", "127.0.0.1"}})
	fn := &fakeNet{routes: map[string]string{"93.184.216.34:" + public.port(): public.addr()}, fallback: private.addr()}
	c := New(Config{Resolver: res, dial: fn.dial})
	u := "http://rebind.example:" + public.port() + "/"
	if body, err := get(t, c, u); err != nil || body != "public" {
		t.Fatalf("first request: %q, %v; want the public server", body, err)
	}
	c.CloseIdleConnections()
	_, err := get(t, c, u)
	wantRefused(t, err, "loopback")
	if got, want := res.lookups("rebind.example"), 2; got != want {
		t.Errorf("%d lookups, want %d", got, want)
	}
	if got, want := strings.Join(fn.dials(), " "), "93.184.216.34:"+public.port(); got != want {
		t.Errorf("dialled %s, want %s", got, want)
	}
	if got := private.conns.Load(); got != 0 {
		t.Errorf("the private server accepted %d connections", got)
	}
}

// A name with several public addresses: the client dials the ones it
// checked, in turn, and resolves once.
func TestDialsTheCheckedAddresses(t *testing.T) {
	t.Parallel()
	public := newTarget(t, "127.0.0.1:0", ok)
	res := resolver(map[string][]string{"two.example": {"93.184.216.34,2606:2800:220:1::1"}})
	fn := &fakeNet{routes: map[string]string{"[2606:2800:220:1::1]:" + public.port(): public.addr()}}
	body, err := get(t, New(Config{Resolver: res, dial: fn.dial}), "http://two.example:"+public.port()+"/")
	if err != nil || body != "ok" {
		t.Fatalf("got %q, %v; want the server behind the second address", body, err)
	}
	if got, want := strings.Join(fn.dials(), " "), "93.184.216.34:"+public.port()+" [2606:2800:220:1::1]:"+public.port(); got != want {
		t.Errorf("dialled %s, want %s", got, want)
	}
	if got, want := res.lookups("two.example"), 1; got != want {
		t.Errorf("%d lookups, want %d", got, want)
	}
}

// A URL with credentials is refused before anything is dialled; so is a
// scheme the client does not speak.
func TestRequestForm(t *testing.T) {
	t.Parallel()
	srv := newTarget(t, "127.0.0.1:0", ok)
	c := New(Config{AllowHosts: []string{srv.addr()}})
	for _, c2 := range []struct{ url, want string }{
		{"http://user:pw@" + srv.addr() + "/", "url: must not contain a user name or password"},
		{"http://user@" + srv.addr() + "/", "url: must not contain a user name or password"},
		{"ftp://" + srv.addr() + "/", "url: must start with http:// or https:// (not ftp://)"},
		{"http:///x", "url: must name a host"},
	} {
		_, err := get(t, c, c2.url)
		wantRefused(t, err, c2.want)
	}
	if got := srv.conns.Load(); got != 0 {
		t.Errorf("the server accepted %d connections", got)
	}
}

// An SDK that takes only the transport (and sets its own redirect
// policy) keeps the checks.
func TestTransportAlone(t *testing.T) {
	t.Parallel()
	private := newTarget(t, "127.0.0.1:0", nil)
	relay := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://user:pw@"+private.addr()+"/", http.StatusFound)
	})
	sdk := &http.Client{Transport: New(Config{AllowHosts: []string{relay.addr()}}).HTTPClient().Transport}
	for _, u := range []string{private.URL, relay.URL} {
		resp, err := sdk.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s succeeded", u)
		}
	}
	resp, err := sdk.Get("http://localhost:" + private.port() + "/")
	if err == nil {
		resp.Body.Close()
	}
	wantRefused(t, err, "loopback")
	if got := private.conns.Load(); got != 0 {
		t.Errorf("the private server accepted %d connections", got)
	}
}

func TestHTTPClient(t *testing.T) {
	t.Parallel()
	c := New(Config{Timeout: time.Minute})
	hc := c.HTTPClient()
	if got, want := hc.Timeout, time.Minute; got != want {
		t.Errorf("Timeout = %v, want %v", got, want)
	}
	hc.Timeout = time.Hour
	hc.CheckRedirect = nil
	if c.HTTPClient().Timeout != time.Minute || c.HTTPClient().CheckRedirect == nil {
		t.Error("changing the returned *http.Client changed the Client")
	}
	if hc.Transport != c.HTTPClient().Transport {
		t.Error("the returned clients do not share the transport")
	}
	if tr := hc.Transport.(*transport).next; tr.Proxy != nil {
		t.Error("the client uses a proxy, which would dial unchecked")
	}
	if NewClient(Config{}).Transport == nil {
		t.Error("NewClient has no transport")
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	cfg := Config{}.WithDefaults()
	if cfg.Timeout != 30*time.Second || cfg.DialTimeout != 5*time.Second || cfg.TLSHandshakeTimeout != 5*time.Second ||
		cfg.ResponseHeaderTimeout != 10*time.Second || cfg.MaxRedirects != 5 || cfg.MaxResponseBytes != 1<<20 || cfg.Resolver == nil {
		t.Errorf("defaults = %+v", cfg)
	}
	set := Config{Timeout: time.Second, MaxRedirects: -1, MaxResponseBytes: 10}.WithDefaults()
	if set.Timeout != time.Second || set.MaxRedirects != -1 || set.MaxResponseBytes != 10 {
		t.Errorf("WithDefaults changed what was set: %+v", set)
	}
}
