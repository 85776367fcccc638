package edge

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestPollCostsOneRequestPerInterval(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.HostTTL = time.Hour })
	do(t, b.srv, "GET", origin+"/")
	before := b.store.calls.Load()
	b.clock.Advance(2 * time.Second)
	for range 5 {
		do(t, b.srv, "GET", origin+"/")
	}
	// One read of refs/live; the deploy did not change, so no manifest.
	if got, want := b.store.calls.Load()-before, int64(1); got != want {
		t.Errorf("store requests after the interval = %d, want %d", got, want)
	}
}

func TestConcurrentRequestsDuringPromotes(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.PollInterval = time.Nanosecond; c.Now = nil })
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				p := []string{"/", "/css/site.abc123.css", "/blog/x", "/about"}[i%4]
				res := do(t, b.srv, "GET", origin+p, "Accept-Encoding: br")
				if res.StatusCode >= 500 {
					t.Errorf("%s: status %d", p, res.StatusCode)
				}
			}
		})
	}
	prev := "d1"
	for i := 2; i < 12; i++ {
		id := fmt.Sprintf("d%d", i)
		b.f.deploy("site1", id, basicFiles(), nil)
		b.f.promote("site1", id, prev, time.Now())
		b.srv.Invalidate("site1")
		prev = id
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	b.srv.Invalidate("site1")
	if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), prev; got != want {
		t.Errorf("deploy = %q, want %q", got, want)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, tc := range []struct{ method, url string }{
		{"GET", "http://unknown.example.com/"},
		{"POST", origin + "/"},
		{"GET", origin + "/a%2fb"},
		{"GET", origin + "/about"},
	} {
		res := do(t, b.srv, tc.method, tc.url)
		if got, want := res.Header.Get("X-Content-Type-Options"), "nosniff"; got != want {
			t.Errorf("%s %s (%d): X-Content-Type-Options = %q, want %q", tc.method, tc.url, res.StatusCode, got, want)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := Config{}.WithDefaults()
	if c.PollInterval != 2*time.Second || c.CacheBytes <= 0 || c.CacheMaxObject <= 0 ||
		c.SkewWindow <= 0 || c.SkewDeploys <= 0 || c.HostTTL <= 0 || c.MaxHosts <= 0 || c.Logger == nil || c.Now == nil {
		t.Errorf("defaults not set: %+v", c)
	}
	defer func() {
		if recover() == nil {
			t.Error("New without a Store did not panic")
		}
	}()
	New(Config{})
}

func TestInvalidateDuringReloadIsNotLost(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.PollInterval = time.Hour })
	do(t, b.srv, "GET", origin+"/")
	st := b.srv.site("site1")
	// A reload has read refs/live (d1) when the promote and its
	// invalidation arrive; it then finishes with the old answer.
	_, _, wanted := st.snapshot(b.clock.Now(), time.Hour)
	b.f.deploy("site1", "d2", basicFiles(), nil)
	b.f.promote("site1", "d2", "d1", b.clock.Now())
	b.srv.Invalidate("site1")
	st.mu.Lock()
	st.checked, st.done = b.clock.Now(), wanted
	st.mu.Unlock()
	if got, want := do(t, b.srv, "GET", origin+"/").Header.Get("X-Deploy-Id"), "d2"; got != want {
		t.Errorf("deploy = %q, want %q", got, want)
	}
}

func TestColdSiteOutageRetriedPerInterval(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.HostTTL = time.Hour })
	b.srv.lookupHost(t.Context(), "a.example.com") // route cached; site not loaded
	b.store.fail.Store(true)
	before := b.store.calls.Load()
	for range 5 {
		if got, want := do(t, b.srv, "GET", origin+"/").StatusCode, 503; got != want {
			t.Fatalf("status = %d, want %d", got, want)
		}
	}
	if got, want := b.store.calls.Load()-before, int64(1); got != want {
		t.Errorf("store requests during the outage = %d, want %d", got, want)
	}
	b.store.fail.Store(false)
	b.clock.Advance(2 * time.Second)
	if got, want := do(t, b.srv, "GET", origin+"/").StatusCode, 200; got != want {
		t.Errorf("after the outage: status = %d, want %d", got, want)
	}
}

// A host asked for before its site exists is served within PollInterval
// of its route appearing, however long HostTTL is.
func TestNewHostServedWithinPollInterval(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.HostTTL = time.Hour })
	const host = "http://fresh.sites.test/"
	if res := do(t, b.srv, "GET", host); res.StatusCode != 404 {
		t.Fatalf("before the route: status %d, want 404", res.StatusCode)
	}
	b.f.route("fresh.sites.test", "site1")
	b.clock.Advance(time.Second)
	if res := do(t, b.srv, "GET", host); res.StatusCode != 404 {
		t.Errorf("within the poll interval: status %d, want the cached 404", res.StatusCode)
	}
	b.clock.Advance(2 * time.Second)
	if res := do(t, b.srv, "GET", host); res.StatusCode != 200 {
		t.Errorf("after the poll interval: status %d, want 200", res.StatusCode)
	}
}
