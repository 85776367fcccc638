package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres/pgtest"
)

// Deleting a site records, in the same transaction, its storage id and
// the verified hosts that routed to it; the deletion is pending until its
// routes are removed, and its purge waits for the grace period.
func TestDeleteSiteRecordsWhatIsLeft(t *testing.T) {
	f := newFixture(t)
	ctx := f.alpha
	site := &igny8.Site{Slug: "shop", Name: "Shop"}
	if err := f.db.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if len(site.StorageID) != 16 || site.StorageID == site.Slug {
		t.Errorf("storage id %q: want 16 random hex digits, not the slug", site.StorageID)
	}
	verified, err := f.db.CreateDomain(ctx, site.ID, "www.shop.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.MarkDomainVerified(ctx, site.ID, verified.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateDomain(ctx, site.ID, "claimed.example"); err != nil {
		t.Fatal(err)
	}
	del, err := f.db.DeleteSite(ctx, site.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if del.StorageID != site.StorageID || del.Slug != "shop" || !slices.Equal(del.Hosts, []string{"www.shop.example"}) {
		t.Errorf("deletion = %+v, want storage %s, slug shop, hosts [www.shop.example] (the unverified claim routed nowhere)", del, site.StorageID)
	}
	if _, err := f.db.Site(ctx, site.ID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("the deleted site: %v, want not found", err)
	}
	pending, err := f.db.SiteDeletions(context.Background(), time.Now(), 10)
	if err != nil || len(pending) != 1 || pending[0].ID != del.ID {
		t.Fatalf("pending deletions: %v, %v; want the one", pending, err)
	}
	if err := f.db.DeletionRoutesRemoved(context.Background(), del.ID); err != nil {
		t.Fatal(err)
	}
	if pending, _ := f.db.SiteDeletions(context.Background(), time.Now(), 10); len(pending) != 0 {
		t.Errorf("routes removed, purge an hour away: %d pending, want 0", len(pending))
	}
	if pending, _ := f.db.SiteDeletions(context.Background(), time.Now().Add(2*time.Hour), 10); len(pending) != 1 {
		t.Errorf("past the grace period: %d pending, want 1", len(pending))
	}
	if err := f.db.DeletionPurged(context.Background(), del.ID); err != nil {
		t.Fatal(err)
	}
	if pending, _ := f.db.SiteDeletions(context.Background(), time.Now().Add(2*time.Hour), 10); len(pending) != 0 {
		t.Errorf("purged: %d pending, want 0", len(pending))
	}

	// The slug is free again, for any account, with new storage.
	again := &igny8.Site{Slug: "shop", Name: "Shop again"}
	if err := f.db.CreateSite(f.beta, again); err != nil {
		t.Fatal(err)
	}
	if again.StorageID == site.StorageID {
		t.Errorf("the new site of a freed slug has the old storage id %s", again.StorageID)
	}
	if _, err := f.db.DeleteSite(f.beta, site.ID, 0); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("deleting a deleted site: %v, want not found", err)
	}
}

// An unverified claim reserves nothing; the newest verification wins, and
// takes the host (and its primary flag) from the account that had it.
func TestDomainClaimsAndTransfer(t *testing.T) {
	f := newFixture(t)
	a := &igny8.Site{Slug: "alpha-site", Name: "A"}
	b := &igny8.Site{Slug: "beta-site", Name: "B"}
	if err := f.db.CreateSite(f.alpha, a); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateSite(f.beta, b); err != nil {
		t.Fatal(err)
	}
	da, err := f.db.CreateDomain(f.alpha, a.ID, "bakery.example")
	if err != nil {
		t.Fatal(err)
	}
	db, err := f.db.CreateDomain(f.beta, b.ID, "bakery.example")
	if err != nil {
		t.Fatalf("a second account's claim of an unverified host: %v, want it accepted", err)
	}
	if _, err := f.db.CreateDomain(f.beta, b.ID, "bakery.example"); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("the same site claiming the host twice: %v, want conflict", err)
	}
	got, moved, err := f.db.MarkDomainVerified(f.alpha, a.ID, da.ID)
	if err != nil || !got.Verified || moved {
		t.Fatalf("first verification: %+v moved=%v %v", got, moved, err)
	}
	if _, err := f.db.MakePrimaryDomain(f.alpha, a.ID, da.ID); err != nil {
		t.Fatal(err)
	}
	got, moved, err = f.db.MarkDomainVerified(f.beta, b.ID, db.ID)
	if err != nil || !got.Verified || !moved {
		t.Fatalf("second account's verification: %+v moved=%v %v; want verified and moved", got, moved, err)
	}
	old, err := f.db.Domain(f.alpha, a.ID, da.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.Verified || old.Primary || old.VerifiedAt != nil {
		t.Errorf("the first account's domain after the move: verified=%v primary=%v verified_at=%v; want none", old.Verified, old.Primary, old.VerifiedAt)
	}
	routes, err := f.db.VerifiedRoutes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 1 || routes[0].Host != "bakery.example" || routes[0].StorageID != b.StorageID {
		t.Errorf("verified routes = %+v, want bakery.example → %s", routes, b.StorageID)
	}
	// Deleting a claim returns it as it was.
	gone, err := f.db.DeleteDomain(f.beta, b.ID, db.ID)
	if err != nil || gone.Hostname != "bakery.example" || !gone.Verified {
		t.Errorf("DeleteDomain = %+v, %v", gone, err)
	}
}

// One slug rule, whatever the door: the store refuses what the API would.
func TestCreateSiteChecksTheSlug(t *testing.T) {
	f := newFixture(t)
	for _, slug := range []string{"a--b", strings.Repeat("a", igny8.MaxSiteSlugLen+1), "-a", "A", "www"} {
		if err := f.db.CreateSite(f.alpha, &igny8.Site{Slug: slug, Name: "x"}); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("slug %q: %v, want invalid", slug, err)
		}
	}
	if err := f.db.CreateSite(f.alpha, &igny8.Site{Slug: strings.Repeat("a", igny8.MaxSiteSlugLen), Name: "x"}); err != nil {
		t.Errorf("a slug at the limit: %v", err)
	}
}

func TestAssetLibrary(t *testing.T) {
	f := newFixture(t)
	site := &igny8.Site{Slug: "assets", Name: "A"}
	if err := f.db.CreateSite(f.alpha, site); err != nil {
		t.Fatal(err)
	}
	sha := strings.Repeat("ab", 32)
	a := &igny8.Asset{SiteID: site.ID, Path: "assets/logo.svg", SHA256: sha, Size: 10, ContentType: "image/svg+xml"}
	created, err := f.db.PutAsset(f.alpha, a)
	if err != nil || !created || a.ID == 0 {
		t.Fatalf("PutAsset: created=%v id=%d %v", created, a.ID, err)
	}
	b := &igny8.Asset{SiteID: site.ID, Path: "assets/logo.svg", SHA256: strings.Repeat("cd", 32), Size: 20, ContentType: "image/svg+xml"}
	if created, err := f.db.PutAsset(f.alpha, b); err != nil || created || b.ID != a.ID {
		t.Errorf("replacing: created=%v id=%d (was %d) %v; want the same row replaced", created, b.ID, a.ID, err)
	}
	again := &igny8.Asset{SiteID: site.ID, Path: "assets/logo.svg", SHA256: b.SHA256, Size: 20, ContentType: "image/svg+xml"}
	if created, err := f.db.PutAsset(f.alpha, again); err != nil || created || again.ID != a.ID || !again.UpdatedAt.Equal(b.UpdatedAt) {
		t.Errorf("the same bytes again: created=%v id=%d updated %v (was %v), %v; want the row unchanged", created, again.ID, again.UpdatedAt, b.UpdatedAt, err)
	}
	if _, err := f.db.PutAsset(f.alpha, &igny8.Asset{SiteID: site.ID, Path: "../x", SHA256: sha, ContentType: "a/b"}); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("a path with ..: %v, want invalid", err)
	}
	list, err := f.db.Assets(f.alpha, site.ID, 0, 0)
	if err != nil || len(list) != 1 || list[0].SHA256 != b.SHA256 {
		t.Errorf("Assets = %v, %v", list, err)
	}
	// Another account sees nothing of it and cannot add to it.
	if _, err := f.db.Assets(f.beta, site.ID, 0, 0); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("another account listing: %v, want not found", err)
	}
	if _, err := f.db.AssetByID(f.beta, site.ID, a.ID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("another account reading: %v, want not found", err)
	}
	if _, err := f.db.PutAsset(f.beta, &igny8.Asset{SiteID: site.ID, Path: "x.png", SHA256: sha, ContentType: "image/png"}); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("another account adding: %v, want not found", err)
	}
	if err := f.db.DeleteAssetByID(f.beta, site.ID, a.ID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("another account deleting: %v, want not found", err)
	}
	if err := f.db.DeleteAssetByID(f.alpha, site.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AssetByID(f.alpha, site.ID, a.ID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("after delete: %v, want not found", err)
	}
}

// The worker role reads domains (to reconcile routes, and to move a
// verified host) but no tenant's assets.
func TestWorkerRoleSeesDomainsNotAssets(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	seedTwoAccounts(t, owner)
	var hosts []string
	err := db.WorkerTx(context.Background(), func(tx pgx.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT hostname FROM domains ORDER BY 1`)
		if err != nil {
			return err
		}
		hosts, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil || !slices.Equal(hosts, []string{"alpha.example.com", "beta.example.com"}) {
		t.Errorf("the worker role sees domains %v (%v), want both accounts'", hosts, err)
	}
	err = db.WorkerTx(context.Background(), func(tx pgx.Tx) error {
		var n int
		return tx.QueryRow(context.Background(), `SELECT count(*) FROM site_assets`).Scan(&n)
	})
	if igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("the worker role reading site_assets: %v, want forbidden", err)
	}
	// It can unverify a domain (the transfer), but not verify one.
	err = db.WorkerTx(context.Background(), func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `UPDATE domains SET verified = true WHERE hostname = 'alpha.example.com'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var verified bool
	if err := owner.QueryRow(context.Background(), `SELECT verified FROM domains WHERE hostname = 'alpha.example.com'`).Scan(&verified); err != nil || verified {
		t.Errorf("the worker role verified a domain (verified=%v, %v); its policy only unverifies", verified, err)
	}
}
