package domains_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/domains"
	"github.com/igny8/igny8/storage/storagetest"
)

// store keeps sites and domain claims in memory, with the database's
// rules: the newest verification of a host unverifies any other.
type store struct {
	mu      sync.Mutex
	sites   map[int64]*igny8.Site
	domains []*igny8.Domain
}

func (s *store) Site(ctx context.Context, id int64) (*igny8.Site, error) {
	if site, ok := s.sites[id]; ok {
		return site, nil
	}
	return nil, igny8.Errorf(igny8.ENotFound, "Site %d not found.", id)
}

func (s *store) CreateDomain(ctx context.Context, siteID int64, host string) (*igny8.Domain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &igny8.Domain{ID: int64(len(s.domains) + 1), SiteID: siteID, Hostname: host, VerificationToken: fmt.Sprintf("token-%d", len(s.domains)+1)}
	s.domains = append(s.domains, d)
	return d, nil
}

func (s *store) Domain(ctx context.Context, siteID, id int64) (*igny8.Domain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.domains {
		if d.ID == id && d.SiteID == siteID {
			c := *d
			return &c, nil
		}
	}
	return nil, igny8.Errorf(igny8.ENotFound, "Domain %d not found.", id)
}

func (s *store) MarkDomainVerified(ctx context.Context, siteID, id int64) (*igny8.Domain, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var target *igny8.Domain
	for _, d := range s.domains {
		if d.ID == id && d.SiteID == siteID {
			target = d
		}
	}
	moved := false
	for _, d := range s.domains {
		if d != target && d.Hostname == target.Hostname && d.Verified {
			d.Verified, moved = false, true
		}
	}
	target.Verified = true
	c := *target
	return &c, moved, nil
}

func (s *store) DeleteDomain(ctx context.Context, siteID, id int64) (*igny8.Domain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, d := range s.domains {
		if d.ID == id && d.SiteID == siteID {
			s.domains = slices.Delete(s.domains, i, i+1)
			return d, nil
		}
	}
	return nil, igny8.Errorf(igny8.ENotFound, "Domain %d not found.", id)
}

// hosts records the route changes announced to the edges.
type hosts struct{ got []string }

func (h *hosts) PublishHost(ctx context.Context, host string) error {
	h.got = append(h.got, host)
	return nil
}

func TestClaimVerifyMoveRemove(t *testing.T) {
	ctx := context.Background()
	st := &store{sites: map[int64]*igny8.Site{1: {ID: 1, StorageID: "aaaa"}, 2: {ID: 2, StorageID: "bbbb"}}}
	routes := domains.NewRoutes(storagetest.NewMemory())
	txt := map[string][]string{}
	ann := &hosts{}
	svc := domains.NewService(domains.Config{Store: st, Routes: routes, Policy: domains.Policy{SitesDomain: "sites.test"}, Announcer: ann,
		LookupTXT: func(ctx context.Context, name string) ([]string, error) {
			if r, ok := txt[name]; ok {
				return r, nil
			}
			return nil, errors.New("no such host")
		}})
	route := func() string {
		t.Helper()
		id, err := routes.Lookup(ctx, "shop.example")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	if _, err := svc.Claim(ctx, 1, "x.sites.test"); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("claiming a name under the sites domain: %v, want invalid", err)
	}
	a, err := svc.Claim(ctx, 1, "Shop.Example")
	if err != nil || a.Hostname != "shop.example" {
		t.Fatalf("claim = %+v, %v", a, err)
	}
	b, _ := svc.Claim(ctx, 2, "shop.example")
	if _, err := svc.Verify(ctx, 1, a.ID); igny8.ErrorCode(err) != igny8.EConflict || route() != "" {
		t.Errorf("verify without a record: %v, route %q; want conflict and no route", err, route())
	}
	txt["_igny8.shop.example"] = []string{"unrelated", a.VerificationToken}
	if d, err := svc.Verify(ctx, 1, a.ID); err != nil || !d.Verified || route() != "aaaa" {
		t.Errorf("verify: %+v, %v, route %q; want verified, routed to aaaa", d, err, route())
	}
	txt["_igny8.shop.example"] = []string{b.VerificationToken}
	if _, err := svc.Verify(ctx, 2, b.ID); err != nil || route() != "bbbb" {
		t.Errorf("the second site's verification: %v, route %q; want it moved to bbbb", err, route())
	}
	// The first site removing its stale claim leaves the new route alone.
	if err := svc.Remove(ctx, 1, a.ID); err != nil || route() != "bbbb" {
		t.Errorf("removing the stale claim: %v, route %q; want bbbb kept", err, route())
	}
	if err := svc.Remove(ctx, 2, b.ID); err != nil || route() != "" {
		t.Errorf("removing the verified domain: %v, route %q; want none", err, route())
	}
	if want := []string{"shop.example", "shop.example", "shop.example"}; !slices.Equal(ann.got, want) {
		t.Errorf("announced %q, want %q (two verifications and one removal)", ann.got, want)
	}

	// Reconcile restores a lost route and fixes a stale one, and changes
	// nothing else.
	if err := routes.Set(ctx, "stale.example", "old0"); err != nil {
		t.Fatal(err)
	}
	if err := routes.Set(ctx, "fine.example", "cccc"); err != nil {
		t.Fatal(err)
	}
	ann.got = nil
	n, err := svc.Reconcile(ctx, []igny8.Route{{Host: "lost.example", StorageID: "aaaa"}, {Host: "stale.example", StorageID: "bbbb"}, {Host: "fine.example", StorageID: "cccc"}})
	if err != nil || n != 2 || !slices.Equal(ann.got, []string{"lost.example", "stale.example"}) {
		t.Errorf("Reconcile: %d changed, %v, announced %q; want lost and stale fixed", n, err, ann.got)
	}
	for host, want := range map[string]string{"lost.example": "aaaa", "stale.example": "bbbb", "fine.example": "cccc"} {
		if got, _ := routes.Lookup(ctx, host); got != want {
			t.Errorf("after Reconcile %s routes to %q, want %q", host, got, want)
		}
	}
}

// Without a control plane, the first claim of a host keeps it.
func TestRoutesClaim(t *testing.T) {
	ctx := context.Background()
	routes := domains.NewRoutes(storagetest.NewMemory())
	if err := routes.Claim(ctx, "a.sites.test", "one"); err != nil {
		t.Fatal(err)
	}
	if err := routes.Claim(ctx, "a.sites.test", "one"); err != nil {
		t.Errorf("claiming one's own host again: %v", err)
	}
	if err := routes.Claim(ctx, "a.sites.test", "two"); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("a second site's claim: %v, want conflict", err)
	}
	if err := routes.Remove(ctx, "a.sites.test", "two"); err != nil {
		t.Fatal(err)
	}
	if got, _ := routes.Lookup(ctx, "a.sites.test"); got != "one" {
		t.Errorf("removing as another site unrouted the host: %q", got)
	}
}
