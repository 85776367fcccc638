package safehttp

import (
	"net/http"
	"strconv"
	"testing"
)

// A public server that redirects to a private one: the redirect is
// refused at its dial.
func TestRedirectToPrivate(t *testing.T) {
	t.Parallel()
	private := newTarget(t, "127.0.0.1:0", nil)
	public := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/admin", http.StatusFound)
	})
	res := resolver(map[string][]string{"hooks.example": {"93.184.216.34"}})
	fn := &fakeNet{routes: map[string]string{"93.184.216.34:" + public.port(): public.addr()}, fallback: private.addr()}
	_, err := get(t, New(Config{Resolver: res, dial: fn.dial}), "http://hooks.example:"+public.port()+"/")
	wantRefused(t, err, "loopback")
	if got, want := public.hits.Load(), int32(1); got != want {
		t.Errorf("public server hit %d times, want %d", got, want)
	}
	if got := private.conns.Load(); got != 0 {
		t.Errorf("private server accepted %d connections", got)
	}
}

// Redirects between allowed hosts are followed.
func TestRedirectFollowed(t *testing.T) {
	t.Parallel()
	end := newTarget(t, "127.0.0.1:0", ok)
	start := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, end.URL+"/end", http.StatusMovedPermanently)
	})
	body, err := get(t, New(Config{AllowHosts: []string{start.addr(), end.addr()}}), start.URL)
	if err != nil || body != "ok" {
		t.Fatalf("got %q, %v; want the end of the redirect", body, err)
	}
}

func TestRedirectLimits(t *testing.T) {
	t.Parallel()
	loop := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/again", http.StatusFound) })
	allow := []string{loop.addr()}
	for _, c := range []struct {
		max  int
		want int32 // requests: the first and max redirects
	}{{0, 6}, {3, 4}, {1, 2}} {
		before := loop.hits.Load()
		_, err := get(t, New(Config{AllowHosts: allow, MaxRedirects: c.max}), loop.URL)
		limit := Config{MaxRedirects: c.max}.WithDefaults().MaxRedirects
		wantRefused(t, err, "url: redirects more than "+strconv.Itoa(limit)+" times; use the address it finally leads to")
		if got := loop.hits.Load() - before; got != c.want {
			t.Errorf("MaxRedirects %d: %d requests, want %d", c.max, got, c.want)
		}
	}

	// MaxRedirects < 0: the redirect itself is the answer.
	resp, err := New(Config{AllowHosts: allow, MaxRedirects: -1}).HTTPClient().Get(loop.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusFound; got != want {
		t.Errorf("status %d, want %d", got, want)
	}
}

// A redirect must stay on http or https and carry no credentials.
func TestRedirectForm(t *testing.T) {
	t.Parallel()
	dest := newTarget(t, "127.0.0.1:0", ok)
	for _, c := range []struct{ target, want string }{
		{"ftp://example.com/", "not ftp://"},
		{"file:///etc/passwd", "not file://"},
		{"gopher://127.0.0.1:6379/_INFO", "not gopher://"},
		{"javascript:alert(1)", "not javascript://"},
		{"http://user:pw@" + dest.addr() + "/", "must not contain a user name or password"},
	} {
		srv := newTarget(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, c.target, http.StatusFound) })
		_, err := get(t, New(Config{AllowHosts: []string{srv.addr(), dest.addr()}}), srv.URL)
		wantRefused(t, err, "url: redirects to a URL IGNY8 will not follow: it must")
		wantRefused(t, err, "url: "+c.want)
	}
	if got := dest.conns.Load(); got != 0 {
		t.Errorf("the redirect target accepted %d connections", got)
	}
}
