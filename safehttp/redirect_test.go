package safehttp

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// A redirect to a private address is refused at its dial.
func TestRedirectToPrivate(t *testing.T) {
	private := newCounter(t, nil)
	public := newCounter(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/admin", http.StatusFound)
	})
	res := resolver(map[string][]string{"hooks.example": {"93.184.216.34"}})
	fn := &fakeNet{hosts: map[netip.Addr]string{netip.MustParseAddr("93.184.216.34"): public.Listener.Addr().String()}}
	_, err := get(t, NewClient(Config{Resolver: res, dial: fn.dial}), "http://hooks.example:"+public.port()+"/")
	wantBlocked(t, err, "loopback")
	if got, want := public.hits.Load(), int32(1); got != want {
		t.Errorf("public server hit %d times, want %d", got, want)
	}
	if got := private.hits.Load(); got != 0 {
		t.Errorf("private server hit %d times", got)
	}
}

func TestRedirectLimits(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	loop := newCounter(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/again", http.StatusFound) })
	_, err := get(t, NewClient(Config{AllowPrefixes: allow, MaxRedirects: 3}), loop.URL)
	if err == nil || !strings.Contains(err.Error(), "stopped after 3 redirects") {
		t.Errorf("redirect loop: %v, want stopped after 3 redirects", err)
	}
	if got, want := loop.hits.Load(), int32(4); got != want {
		t.Errorf("%d requests, want %d", got, want)
	}

	for _, target := range []string{"file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://example.com/"} {
		srv := newCounter(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusFound) })
		_, err := get(t, NewClient(Config{AllowPrefixes: allow}), srv.URL)
		if err == nil || !strings.Contains(err.Error(), "only http and https are followed") {
			t.Errorf("redirect to %s: %v, want a refusal of the scheme", target, err)
		}
	}

	// MaxRedirects < 0: the redirect itself is the answer.
	resp, err := NewClient(Config{AllowPrefixes: allow, MaxRedirects: -1}).Get(loop.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusFound; got != want {
		t.Errorf("status %d, want %d", got, want)
	}
}
