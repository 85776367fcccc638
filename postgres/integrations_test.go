package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres/pgtest"
)

// fakeSeal seals "credentials" as "<key>|<account>/<integration>|<secret>",
// so a test can see what they were bound to.
func fakeSeal(key uint32, secret string) igny8.Sealer {
	return func(acc, id int64) (*igny8.SealedCredentials, error) {
		return &igny8.SealedCredentials{Ciphertext: fmt.Appendf(nil, "%d|%d/%d|%s", key, acc, id, secret), KeyID: key, Fingerprint: fmt.Sprintf("k%d:%s", key, secret[:2])}, nil
	}
}

// The life of an integration: created with sealed credentials bound to
// its own id, listed, changed, its credentials replaced, deleted, and
// created again with the same URL; another account sees none of it.
func TestIntegrationLifecycle(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, site := newSite(t, owner, "integ-a")
	other, otherSite := newSite(t, owner, "integ-b")

	in := &igny8.Integration{SiteID: site, Platform: igny8.PlatformWordPress, PlatformType: igny8.PlatformTypeCMS, Name: "Blog",
		URL: "https://blog.example", Active: true}
	if err := db.CreateIntegration(ctx, in, fakeSeal(1, "s3cret")); err != nil {
		t.Fatal(err)
	}
	if in.ID == 0 || in.CredentialsFingerprint != "k1:s3" || in.SyncStatus != igny8.SyncNever || string(in.Config) != "{}" {
		t.Fatalf("created %+v", in)
	}
	sc, err := db.IntegrationCredentials(ctx, site, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := igny8.ActorFrom(ctx)
	if want := fmt.Sprintf("1|%d/%d|s3cret", acc.AccountID, in.ID); string(sc.Ciphertext) != want || sc.KeyID != 1 {
		t.Errorf("credentials %q (key %d), want %q sealed for the new row", sc.Ciphertext, sc.KeyID, want)
	}
	// The same platform and URL twice is a conflict; another site may.
	dup := *in
	wantCode(t, "a second integration with the URL", db.CreateIntegration(ctx, &dup, nil), igny8.EConflict)

	name, off := "Main blog", false
	got, err := db.UpdateIntegration(ctx, site, in.ID, igny8.IntegrationUpdate{Name: &name, Active: &off, Config: json.RawMessage(`{"status": "draft"}`)}, fakeSeal(2, "n3w"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Active || got.CredentialsFingerprint != "k2:n3" || !bytes.Contains(got.Config, []byte("draft")) || got.URL != in.URL {
		t.Errorf("updated %+v", got)
	}
	list, err := db.Integrations(ctx, site)
	if err != nil || len(list) != 1 || list[0].Name != name {
		t.Errorf("list %+v, %v", list, err)
	}

	// Another account: not found everywhere, nothing listed.
	_, err = db.Integration(other, site, in.ID)
	wantCode(t, "another account's integration", err, igny8.ENotFound)
	_, err = db.IntegrationCredentials(other, site, in.ID)
	wantCode(t, "another account's credentials", err, igny8.ENotFound)
	_, err = db.UpdateIntegration(other, otherSite, in.ID, igny8.IntegrationUpdate{Name: &name}, nil)
	wantCode(t, "changing another account's integration", err, igny8.ENotFound)
	wantCode(t, "deleting another account's integration", db.DeleteIntegration(other, otherSite, in.ID), igny8.ENotFound)
	_, err = db.Integrations(other, site)
	wantCode(t, "listing another account's site", err, igny8.ENotFound)

	if err := db.DeleteIntegration(ctx, site, in.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.Integration(ctx, site, in.ID)
	wantCode(t, "a deleted integration", err, igny8.ENotFound)
	again := &igny8.Integration{SiteID: site, Platform: igny8.PlatformWordPress, PlatformType: igny8.PlatformTypeCMS, Name: "Blog", URL: in.URL, Active: true}
	if err := db.CreateIntegration(ctx, again, nil); err != nil {
		t.Fatalf("re-creating after a delete: %v", err)
	}
	if again.ID == in.ID || again.CredentialsFingerprint != "" {
		t.Errorf("re-created %+v", again)
	}
	_, err = db.IntegrationCredentials(ctx, site, again.ID)
	wantCode(t, "credentials of an integration without", err, igny8.ENotFound)
	// The other account may use the same URL for its own site.
	theirs := &igny8.Integration{SiteID: otherSite, Platform: igny8.PlatformWordPress, PlatformType: igny8.PlatformTypeCMS, Name: "Blog", URL: in.URL, Active: true}
	if err := db.CreateIntegration(other, theirs, fakeSeal(1, "th3irs")); err != nil {
		t.Fatal(err)
	}
}

// Rotation re-encrypts every account's credentials that are not under the
// primary key, in batches, and nothing else.
func TestRotateCredentials(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	total := 0
	for a, n := range []int{3, 2} {
		ctx, site := newSite(t, owner, fmt.Sprintf("rot-%d", a))
		for i := range n {
			key := uint32(1)
			if i == 0 && a == 1 {
				key = 2 // already under the new key
			} else {
				total++
			}
			in := &igny8.Integration{SiteID: site, Platform: igny8.PlatformCustom, PlatformType: igny8.PlatformTypeCustomAPI,
				Name: "Hook", URL: fmt.Sprintf("https://hooks.example/%d", i), Active: true}
			if err := db.CreateIntegration(ctx, in, fakeSeal(key, "secret")); err != nil {
				t.Fatal(err)
			}
		}
	}
	var seen []string
	n, err := db.RotateCredentials(t.Context(), 2, 1, func(acc, id int64, ct []byte) ([]byte, uint32, bool, error) {
		if !bytes.HasPrefix(ct, []byte("1|")) || !bytes.Contains(ct, fmt.Appendf(nil, "|%d/%d|", acc, id)) {
			t.Errorf("asked to re-encrypt %q as %d/%d", ct, acc, id)
		}
		seen = append(seen, string(ct))
		return append([]byte("2|"), ct[2:]...), 2, true, nil
	})
	if err != nil || n != total || len(seen) != total {
		t.Fatalf("rotated %d (%d seen), want %d: %v", n, len(seen), total, err)
	}
	var left int
	if err := owner.QueryRow(t.Context(), `SELECT count(*) FROM site_integrations WHERE credentials_key_id <> 2 OR substr(credentials, 1, 2) <> '2|'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d rows not under key 2 (%v)", left, err)
	}
	if n, err := db.RotateCredentials(t.Context(), 2, 10, nil); err != nil || n != 0 {
		t.Errorf("a second rotation re-encrypted %d: %v", n, err)
	}
}

// A webhook finds an integration's account, site and platform whatever
// the account; the worker role it reads with sees nothing else of it.
func TestIntegrationOwner(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, site := newSite(t, owner, "hook-a")
	in := &igny8.Integration{SiteID: site, Platform: igny8.PlatformShopify, PlatformType: igny8.PlatformTypeEcommerce, Name: "Store",
		URL: "https://hook-a.myshopify.com", Active: true}
	if err := db.CreateIntegration(ctx, in, fakeSeal(1, "s3cret")); err != nil {
		t.Fatal(err)
	}
	acc, siteID, platform, err := db.IntegrationOwner(context.Background(), in.ID)
	if err != nil || acc != in.AccountID || siteID != site || platform != igny8.PlatformShopify {
		t.Errorf("owner of %d: %d, %d, %q, %v; want %d, %d, shopify", in.ID, acc, siteID, platform, err, in.AccountID, site)
	}
	_, _, _, err = db.IntegrationOwner(context.Background(), in.ID+1000)
	wantCode(t, "an unknown integration", err, igny8.ENotFound)
	err = db.WorkerTx(context.Background(), func(tx pgx.Tx) error {
		var ct []byte
		return tx.QueryRow(context.Background(), `SELECT credentials FROM site_integrations WHERE id = $1`, in.ID).Scan(&ct)
	})
	if igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("the worker role read an integration's credentials: %v, want permission denied", err)
	}
}

// A site's hosting type follows its active integrations, as its type
// says.
func TestHostingFollowsIntegrations(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, site := newSite(t, owner, "hosting")
	hosting := func(want string) {
		t.Helper()
		s, err := db.Site(ctx, site)
		if err != nil || s.HostingType != want {
			t.Errorf("hosting %q, %v; want %q", s.HostingType, err, want)
		}
	}
	existing := igny8.SiteTypeExisting
	if _, err := db.UpdateSite(ctx, site, igny8.SiteUpdate{SiteType: &existing}); err != nil {
		t.Fatal(err)
	}
	wp := &igny8.Integration{SiteID: site, Platform: igny8.PlatformWordPress, PlatformType: igny8.PlatformTypeCMS, Name: "Blog", URL: "https://blog.example", Active: true}
	if err := db.CreateIntegration(ctx, wp, nil); err != nil {
		t.Fatal(err)
	}
	hosting(igny8.HostingWordPress)
	shop := &igny8.Integration{SiteID: site, Platform: igny8.PlatformShopify, PlatformType: igny8.PlatformTypeEcommerce, Name: "Shop", URL: "https://s.myshopify.com", Active: true}
	if err := db.CreateIntegration(ctx, shop, nil); err != nil {
		t.Fatal(err)
	}
	hosting(igny8.HostingMulti)
	off := false
	if _, err := db.UpdateIntegration(ctx, site, shop.ID, igny8.IntegrationUpdate{Active: &off}, nil); err != nil {
		t.Fatal(err)
	}
	hosting(igny8.HostingWordPress)
	if err := db.DeleteIntegration(ctx, site, wp.ID); err != nil {
		t.Fatal(err)
	}
	hosting(igny8.HostingIgny8Sites)
}

// The scheduler finds, across accounts, the integrations to sync: active,
// sync enabled, readable (not a custom API), not synced lately and not
// syncing now.
func TestDueSyncs(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, site := newSite(t, owner, "due-a")
	other, otherSite := newSite(t, owner, "due-b")
	create := func(ctx context.Context, site int64, platform, url string, syncOn bool) *igny8.Integration {
		t.Helper()
		in := &igny8.Integration{SiteID: site, Platform: platform, PlatformType: igny8.DefaultPlatformType(platform), Name: "I",
			URL: url, Active: true, SyncEnabled: syncOn}
		if err := db.CreateIntegration(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		return in
	}
	wp := create(ctx, site, igny8.PlatformWordPress, "https://a.example", true)
	create(ctx, site, igny8.PlatformWordPress, "https://b.example", false)
	create(ctx, site, igny8.PlatformCustom, "https://hook.example", true)
	theirs := create(other, otherSite, igny8.PlatformShopify, "https://b.myshopify.com", true)
	due := func(want ...int64) {
		t.Helper()
		list, err := db.DueSyncs(context.Background(), 15*time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, d := range list {
			got = append(got, d.IntegrationID)
			if d.IntegrationID == wp.ID && (d.AccountID != wp.AccountID || d.SiteID != site) {
				t.Errorf("due %+v, want account %d site %d", d, wp.AccountID, site)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("due %v, want %v", got, want)
		}
	}
	due(wp.ID, theirs.ID)
	if err := db.SetIntegrationSync(ctx, site, wp.ID, igny8.SyncSyncing, nil, ""); err != nil {
		t.Fatal(err)
	}
	due(theirs.ID)
	now := time.Now()
	if err := db.SetIntegrationSync(other, otherSite, theirs.ID, igny8.SyncOK, &now, ""); err != nil {
		t.Fatal(err)
	}
	due()
	long := now.Add(-time.Hour)
	if err := db.SetIntegrationSync(other, otherSite, theirs.ID, igny8.SyncOK, &long, ""); err != nil {
		t.Fatal(err)
	}
	due(theirs.ID)
}
