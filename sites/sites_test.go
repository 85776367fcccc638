package sites_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/domains"
	"github.com/igny8/igny8/sites"
	"github.com/igny8/igny8/storage"
)

// Every change of the live deploy tells the edges first and purges the CDN
// after, whichever method made it; the history records each once.
func TestSwapsAnnounceBeforePurge(t *testing.T) {
	b := setup(t, true)
	ctx := context.Background()
	site := &igny8.Site{ID: 7, Slug: "shop", StorageID: "0123456789abcdef"}

	first, err := b.svc.Publish(ctx, site, files("one"), sites.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.svc.Publish(ctx, site, files("two"), sites.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.svc.Rollback(ctx, site, "")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Ref.DeployID != first.Manifest.DeployID || rb.Record == nil || rb.Record.Type != igny8.DeploymentRollback {
		t.Errorf("rollback: %+v, record %+v; want back to %s, recorded", rb.Ref, rb.Record, first.Manifest.DeployID)
	}
	pr, err := b.svc.PromoteDeployment(ctx, site, second.Record)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Ref.DeployID != second.Manifest.DeployID || pr.Record.ID != second.Record.ID || pr.Record.Status != igny8.DeploymentLive {
		t.Errorf("promote of build row %d: %+v, record %+v; want that row live again", second.Record.ID, pr.Ref, pr.Record)
	}

	// Each swap: announce, then purge (the first publish had nothing to purge
	// from, but the purger is still asked, after the announcement).
	want := []string{}
	for _, id := range []string{first.Manifest.DeployID, second.Manifest.DeployID, first.Manifest.DeployID, second.Manifest.DeployID} {
		want = append(want, "announce "+site.StorageID, "purge "+site.StorageID+" "+id)
	}
	if got := b.ev.all(); !slices.Equal(got, want) {
		t.Errorf("announcements and purges:\n got %q\nwant %q", got, want)
	}
	wantHist := []string{"begin 1", "ready 1", "live 1", "begin 2", "ready 2", "live 2", "rollback " + first.Manifest.DeployID, "live 2"}
	if !slices.Equal(b.history.log, wantHist) {
		t.Errorf("history:\n got %q\nwant %q", b.history.log, wantHist)
	}
	if c := first.Counts; c.Files != 3 || c.UploadedFiles != 3 || c.Bytes == 0 || c.UploadedBytes != c.Bytes {
		t.Errorf("first publish counts %+v, want 3 files all uploaded", c)
	}
	if c := second.Counts; c.Files != 3 || c.UploadedFiles != 1 {
		t.Errorf("second publish counts %+v, want only the changed page uploaded", c)
	}
}

// NoPromote leaves the deploy ready, recorded, and the live site as it was.
func TestPublishWithoutPromote(t *testing.T) {
	b := setup(t, true)
	ctx := context.Background()
	site := &igny8.Site{ID: 1, Slug: "shop", StorageID: "00000000000000aa"}
	p, err := b.svc.Publish(ctx, site, files("x"), sites.PublishOptions{NoPromote: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Swap != nil || p.Record.Status != igny8.DeploymentReady {
		t.Errorf("swap %+v, record %+v; want no swap, a ready row", p.Swap, p.Record)
	}
	if live, err := b.svc.Live(ctx, site); err != nil || live != "" {
		t.Errorf("live = %q, %v; want none", live, err)
	}
	if want := "http://" + strings.ToLower(p.Manifest.DeployID) + "--shop.sites.test/"; p.Record.PreviewURL != want {
		t.Errorf("preview URL %q, want %q", p.Record.PreviewURL, want)
	}
}

// A deleted site serves nothing, accepts no deploy and no swap, loses the
// routes that pointed at it (not one that moved on), and is destroyed
// after its grace period; a site made with its slug starts afresh.
func TestDeleteUnpublishesThenDestroys(t *testing.T) {
	b := setup(t, true)
	ctx := context.Background()
	old := &igny8.Site{ID: 1, Slug: "shop", StorageID: "00000000000000b1"}
	pub, err := b.svc.Publish(ctx, old, files("old"), sites.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	routes := domains.NewRoutes(b.store)
	for _, h := range []string{"www.shop.example", "moved.example"} {
		if err := routes.Set(ctx, h, old.StorageID); err != nil {
			t.Fatal(err)
		}
	}
	// moved.example was verified by another site since.
	if err := routes.Set(ctx, "moved.example", "00000000000000c2"); err != nil {
		t.Fatal(err)
	}
	del := &igny8.SiteDeletion{ID: 1, Slug: "shop", StorageID: old.StorageID, Hosts: []string{"www.shop.example", "moved.example"},
		PurgeAfter: time.Now().Add(time.Hour)}
	store := &deletions{list: []*igny8.SiteDeletion{del}}
	if err := b.svc.Finish(ctx, store, del); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{"shop.sites.test": "", "www.shop.example": "", "moved.example": "00000000000000c2"} {
		if got, err := routes.Lookup(ctx, host); err != nil || got != want {
			t.Errorf("route of %s after the delete: %q, %v; want %q", host, got, err, want)
		}
	}
	if _, err := b.svc.Live(ctx, old); !errors.Is(err, deployer.ErrSiteDeleted) {
		t.Errorf("live of the deleted site: %v, want ErrSiteDeleted", err)
	}
	if _, err := b.svc.Rollback(ctx, old, pub.Manifest.DeployID); !errors.Is(err, deployer.ErrSiteDeleted) {
		t.Errorf("rollback of the deleted site: %v, want ErrSiteDeleted", err)
	}
	if _, _, err := b.svc.Upload(ctx, old, files("late"), nil); !errors.Is(err, deployer.ErrSiteDeleted) {
		t.Errorf("a deploy to the deleted site: %v, want ErrSiteDeleted", err)
	}
	if ev := b.ev.all(); !slices.Contains(ev, "announce host www.shop.example") || !slices.Contains(ev, "announce host shop.sites.test") {
		t.Errorf("the edges were not told of the removed routes: %q", ev)
	}
	// Within the grace period the objects stay.
	if list, _ := b.svc.Deployer().Deploys(ctx, old.StorageID); len(list) != 1 {
		t.Errorf("within the grace period: %d deploys, want 1", len(list))
	}
	if n, err := b.svc.FinishDeletions(ctx, store); err != nil || n != 0 {
		t.Errorf("FinishDeletions within the grace period: %d, %v; want nothing to do", n, err)
	}
	del.PurgeAfter = time.Now().Add(-time.Second)
	if n, err := b.svc.FinishDeletions(ctx, store); err != nil || n != 1 || !store.purged[del.ID] {
		t.Errorf("FinishDeletions after the grace period: %d, %v, purged %v", n, err, store.purged)
	}
	if objs, err := b.store.List(ctx, storage.SiteBucket(old.StorageID), storage.ListOptions{}); !errors.Is(err, storage.ErrBucketNotFound) {
		t.Errorf("after the purge the site's bucket holds %v (%v); want it gone", objs.Objects, err)
	}

	// A new site with the freed slug: its own storage, nothing of the old.
	renewed := &igny8.Site{ID: 2, Slug: "shop", StorageID: "00000000000000b2"}
	if _, err := b.svc.Rollback(ctx, renewed, pub.Manifest.DeployID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("rollback of the new site to the old site's deploy: %v, want not found", err)
	}
	if _, err := b.svc.Publish(ctx, renewed, files("new"), sites.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := routes.Lookup(ctx, "shop.sites.test"); got != renewed.StorageID {
		t.Errorf("the slug's host routes to %q, want the new site's %s", got, renewed.StorageID)
	}
}

// Without a control plane (the CLI alone) the first site to route a host
// keeps it; with one, the database decides.
func TestRoutesClaimedOrSet(t *testing.T) {
	ctx := context.Background()
	cli := setup(t, false)
	a := &igny8.Site{Slug: "shop", StorageID: "shop"}
	if _, err := cli.svc.Publish(ctx, a, files("a"), sites.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	other := &igny8.Site{Slug: "shop", StorageID: "00000000000000d1"}
	if _, err := cli.svc.Publish(ctx, other, files("b"), sites.PublishOptions{}); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("a second site taking the host without a control plane: %v, want conflict", err)
	}
	db := sites.New(sites.Config{Store: cli.store, SitesDomain: "sites.test", Authoritative: true})
	if _, err := db.Publish(ctx, other, files("b"), sites.PublishOptions{}); err != nil {
		t.Errorf("the control plane giving the host to its site: %v", err)
	}
	if got, _ := domains.NewRoutes(cli.store).Lookup(ctx, "shop.sites.test"); got != other.StorageID {
		t.Errorf("route = %q, want %s", got, other.StorageID)
	}
}

// A stored blueprint builds with the site's asset library: what it
// refers to must be in the library, and the deploy counts its uploads.
func TestDeployBlueprintUsesTheAssetLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with Hugo")
	}
	b := setup(t, true)
	ctx := context.Background()
	site := &igny8.Site{ID: 3, Slug: "bakery", StorageID: "00000000000000e1"}
	doc, err := fs.ReadFile(examples.FS(), "bakery/blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.svc.DeployBlueprint(ctx, site, doc, nil); igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(igny8.ErrorMessage(err), "assets/") {
		t.Fatalf("building without the library's files: %v, want invalid naming a missing asset", err)
	}
	if _, _, err := b.svc.DeployBlueprint(ctx, site, []byte(`{"version": 1, "site": {}}`), nil); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("an invalid blueprint: %v, want invalid", err)
	}
	root, _ := fs.Sub(examples.FS(), "bakery")
	err = fs.WalkDir(root, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := root.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, created, err := b.svc.PutAsset(ctx, site, p, "", f)
		if err == nil && !created {
			t.Errorf("asset %s: not created", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		calls []igny8.DeployCounts
	)
	id, c, err := b.svc.DeployBlueprint(ctx, site, doc, func(c igny8.DeployCounts) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Files == 0 || c.UploadedFiles == 0 || c.UploadedFiles > c.Files || len(calls) != c.UploadedFiles+1 || calls[0].UploadedFiles != 0 {
		t.Errorf("counts %+v after %d progress calls; want built totals first, then one call per uploaded file", c, len(calls))
	}
	m, err := b.svc.Deployer().ReadManifest(ctx, site.StorageID, id)
	if err != nil {
		t.Fatal(err)
	}
	logo := false
	for p := range m.Files {
		logo = logo || strings.HasPrefix(p, "media/logo.")
	}
	if !logo {
		t.Error("the deploy has no media/logo.* file from the library")
	}
	_, c2, err := b.svc.DeployBlueprint(ctx, site, doc, nil)
	if err != nil || c2.UploadedFiles != 0 {
		t.Errorf("the same blueprint again: %+v, %v; want nothing uploaded", c2, err)
	}
}

// deletions is a DeletionStore in memory.
type deletions struct {
	list   []*igny8.SiteDeletion
	purged map[int64]bool
}

func (d *deletions) SiteDeletions(ctx context.Context, now time.Time, limit int) ([]*igny8.SiteDeletion, error) {
	var out []*igny8.SiteDeletion
	for _, del := range d.list {
		if del.RoutesRemovedAt == nil || (del.PurgedAt == nil && !now.Before(del.PurgeAfter)) {
			out = append(out, del)
		}
	}
	return out, nil
}

func (d *deletions) DeletionRoutesRemoved(ctx context.Context, id int64) error {
	now := time.Now()
	d.list[id-1].RoutesRemovedAt = &now
	return nil
}

func (d *deletions) DeletionPurged(ctx context.Context, id int64) error {
	if d.purged == nil {
		d.purged = map[int64]bool{}
	}
	d.purged[id] = true
	now := time.Now()
	d.list[id-1].PurgedAt = &now
	return nil
}

func (d *deletions) DeletionFailed(ctx context.Context, id int64, msg string) error { return nil }
