package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// fixture: a system account and two tenant accounts, each with an owner.
type fixture struct {
	db       *postgres.DB
	system   context.Context
	alpha    context.Context
	beta     context.Context
	alphaTok string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, _ := pgtest.Open(t)
	ctx := context.Background()
	_, boot, err := db.Bootstrap(ctx, "root@example.com", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	sysActor, err := db.Authenticate(ctx, boot.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if !sysActor.System || sysActor.Role != igny8.RoleOwner {
		t.Fatalf("bootstrap token actor = %+v, want a system owner", sysActor)
	}
	f := &fixture{db: db, system: igny8.WithActor(ctx, sysActor)}
	for _, slug := range []string{"alpha", "beta"} {
		if _, err := db.CreateAccount(f.system, postgres.NewAccount{Slug: slug, Name: slug, OwnerEmail: slug + "@example.com", Password: "password-" + slug}); err != nil {
			t.Fatal(err)
		}
		tok, err := db.Login(ctx, slug+"@Example.com", "password-"+slug, "", time.Hour)
		if err != nil {
			t.Fatalf("login %s: %v", slug, err)
		}
		a, err := db.Authenticate(ctx, tok.Secret)
		if err != nil {
			t.Fatal(err)
		}
		if a.System || a.Role != igny8.RoleOwner {
			t.Fatalf("%s actor = %+v", slug, a)
		}
		if slug == "alpha" {
			f.alpha, f.alphaTok = igny8.WithActor(ctx, a), tok.Secret
		} else {
			f.beta = igny8.WithActor(ctx, a)
		}
	}
	return f
}

func TestLoginAndTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.Login(ctx, "alpha@example.com", "wrong password", "", time.Hour); igny8.ErrorCode(err) != igny8.EUnauthorized {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := f.db.Login(ctx, "nobody@example.com", "whatever1", "", time.Hour); igny8.ErrorCode(err) != igny8.EUnauthorized {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := f.db.Authenticate(ctx, "igny8_notatoken"); igny8.ErrorCode(err) != igny8.EUnauthorized {
		t.Errorf("bad token: %v", err)
	}
	// Beta cannot create accounts.
	if _, err := f.db.CreateAccount(f.beta, postgres.NewAccount{Slug: "x", Name: "x", OwnerEmail: "x@example.com"}); igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("tenant creating an account: %v", err)
	}
	// A viewer token, then demotion caps an admin token.
	m, err := f.db.AddMember(f.alpha, "ed@example.com", "Ed", "password-ed", igny8.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	edTok, err := f.db.Login(ctx, "ed@example.com", "password-ed", "alpha", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetMemberRole(f.alpha, m.User.ID, igny8.RoleViewer); err != nil {
		t.Fatal(err)
	}
	ed, err := f.db.Authenticate(ctx, edTok.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if ed.Role != igny8.RoleViewer {
		t.Errorf("demoted admin's token has role %s, want viewer", ed.Role)
	}
	edCtx := igny8.WithActor(ctx, ed)
	if _, err := f.db.CreateToken(edCtx, postgres.TokenSpec{Role: igny8.RoleEditor}); igny8.ErrorCode(err) != igny8.EForbidden {
		t.Errorf("viewer minting an editor token: %v", err)
	}
	// The only owner cannot leave or be demoted.
	alpha, _ := igny8.ActorFrom(f.alpha)
	if err := f.db.RemoveMember(f.alpha, alpha.UserID); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("removing the only owner: %v", err)
	}
	// Revoked tokens stop working.
	if err := f.db.RevokeToken(f.alpha, edTok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Authenticate(ctx, edTok.Secret); igny8.ErrorCode(err) != igny8.EUnauthorized {
		t.Errorf("revoked token: %v", err)
	}
	// Beta cannot revoke alpha's token, and learns nothing of it.
	if err := f.db.RevokeToken(f.beta, alpha.TokenID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("beta revoking alpha's token: %v", err)
	}
}

const smallBlueprint = `{"version": 1, "site": {"name": "Shop", "base_url": "https://shop.example", "locale": "en"},
 "theme": {"name": "base"}, "navigation": {"main": [{"href": "page:home"}]},
 "pages": [{"id": "home", "path": "/", "type": "home", "title": "Home", "blocks": []},
           {"id": "about", "path": "/about/", "type": "page", "title": "About", "blocks": []}]}`

func TestBlueprintsAndPages(t *testing.T) {
	f := newFixture(t)
	site := &igny8.Site{Slug: "shop", Name: "Shop"}
	if err := f.db.CreateSite(f.alpha, site); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.ActiveBlueprintJSON(f.alpha, site.ID); igny8.ErrorCode(err) != igny8.ENotFound || !strings.Contains(igny8.ErrorMessage(err), "no blueprint") {
		t.Errorf("blueprint before any: %v", err)
	}
	bp, err := f.db.SaveBlueprint(f.alpha, site.ID, []byte(smallBlueprint))
	if err != nil {
		t.Fatal(err)
	}
	if bp.Version != 1 || bp.Status != igny8.BlueprintActive {
		t.Errorf("first save: version %d status %s", bp.Version, bp.Status)
	}
	doc, version, err := f.db.ActiveBlueprintJSON(f.alpha, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	json.Unmarshal([]byte(smallBlueprint), &want)
	json.Unmarshal(doc, &got)
	if version != 1 || !jsonEqual(want, got) {
		t.Errorf("round trip: version %d\n got %s", version, doc)
	}
	// Pages: add, move, reorder, delete; check sees each result.
	var checked []byte
	check := func(doc []byte) error { checked = doc; return nil }
	pos := 0
	if _, created, err := f.db.PutPage(f.alpha, site.ID, json.RawMessage(`{"id": "blog", "path": "/blog/", "type": "page", "title": "Blog", "blocks": []}`), &pos, check); err != nil || !created {
		t.Fatalf("put page: created=%v err=%v", created, err)
	}
	if !strings.Contains(string(checked), `"blog"`) {
		t.Errorf("check did not see the new page: %s", checked)
	}
	pages, err := f.db.Pages(f.alpha, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if slugs(pages) != "blog,home,about" {
		t.Errorf("after put at 0: %s", slugs(pages))
	}
	if pages, err = f.db.ReorderPages(f.alpha, site.ID, []string{"home", "about", "blog"}, check); err != nil || slugs(pages) != "home,about,blog" {
		t.Errorf("reorder: %v %s", err, slugs(pages))
	}
	if _, err := f.db.ReorderPages(f.alpha, site.ID, []string{"home", "home", "blog"}, check); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("reorder with a duplicate: %v", err)
	}
	// A failing check abandons the change.
	refuse := func([]byte) error { return igny8.Errorf(igny8.EInvalid, "no") }
	if err := f.db.DeletePage(f.alpha, site.ID, "home", refuse); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("delete with a failing check: %v", err)
	}
	if _, err := f.db.Page(f.alpha, site.ID, "home"); err != nil {
		t.Errorf("home vanished after a refused delete: %v", err)
	}
	if err := f.db.DeletePage(f.alpha, site.ID, "blog", check); err != nil {
		t.Fatal(err)
	}
	// A new version archives the old one.
	if bp, err = f.db.SaveBlueprint(f.alpha, site.ID, []byte(smallBlueprint)); err != nil || bp.Version != 2 {
		t.Fatalf("second save: %v version %v", err, bp)
	}
	// Beta sees none of it.
	if _, err := f.db.Site(f.beta, site.ID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("beta reading alpha's site: %v", err)
	}
	if _, err := f.db.Pages(f.beta, site.ID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("beta listing alpha's pages: %v", err)
	}
	if _, err := f.db.SaveBlueprint(f.beta, site.ID, []byte(smallBlueprint)); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("beta saving alpha's blueprint: %v", err)
	}
	if err := f.db.CreateSector(f.beta, &igny8.Sector{SiteID: site.ID, Slug: "x", Name: "X"}); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("beta adding a sector to alpha's site: %v", err)
	}
	if _, err := f.db.CreateDomain(f.beta, site.ID, "evil.example"); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("beta adding a domain to alpha's site: %v", err)
	}
	// Slugs are global.
	if err := f.db.CreateSite(f.beta, &igny8.Site{Slug: "shop", Name: "Mine"}); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("beta taking alpha's slug: %v", err)
	}
}

func TestIdempotencyKeys(t *testing.T) {
	f := newFixture(t)
	h1, h2 := []byte("request one"), []byte("request two")
	stored, err := f.db.BeginIdempotent(f.alpha, "k1", h1)
	if err != nil || stored != nil {
		t.Fatalf("first begin: %v %v", stored, err)
	}
	if _, err := f.db.BeginIdempotent(f.alpha, "k1", h1); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("begin while running: %v", err)
	}
	if err := f.db.FinishIdempotent(f.alpha, "k1", postgres.StoredResponse{Status: 201, Body: []byte(`{"id":1}`)}); err != nil {
		t.Fatal(err)
	}
	stored, err = f.db.BeginIdempotent(f.alpha, "k1", h1)
	if err != nil || stored == nil || stored.Status != 201 || string(stored.Body) != `{"id":1}` {
		t.Errorf("replay: %+v %v", stored, err)
	}
	if _, err := f.db.BeginIdempotent(f.alpha, "k1", h2); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("same key, other request: %v", err)
	}
	// Another account's same key is its own.
	if stored, err := f.db.BeginIdempotent(f.beta, "k1", h2); err != nil || stored != nil {
		t.Errorf("beta's k1: %v %v", stored, err)
	}
	if err := f.db.AbandonIdempotent(f.beta, "k1"); err != nil {
		t.Fatal(err)
	}
	if stored, err := f.db.BeginIdempotent(f.beta, "k1", h1); err != nil || stored != nil {
		t.Errorf("beta's k1 after abandon: %v %v", stored, err)
	}
}

func slugs(ps []*igny8.PageBlueprint) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Slug
	}
	return strings.Join(s, ",")
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// CreatePage refuses an id the blueprint has, inside its transaction, and
// leaves the page as it was.
func TestCreatePageConflict(t *testing.T) {
	f := newFixture(t)
	site := &igny8.Site{Slug: "pages", Name: "Pages"}
	if err := f.db.CreateSite(f.alpha, site); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SaveBlueprint(f.alpha, site.ID, []byte(smallBlueprint)); err != nil {
		t.Fatal(err)
	}
	dup := json.RawMessage(`{"id": "about", "path": "/other/", "type": "page", "title": "Other", "blocks": []}`)
	if _, err := f.db.CreatePage(f.alpha, site.ID, dup, nil, nil); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("CreatePage with an existing id: %v, want conflict", err)
	}
	if p, err := f.db.Page(f.alpha, site.ID, "about"); err != nil || p.Title != "About" {
		t.Errorf("the existing page after a refused create: %+v %v", p, err)
	}
	fresh := json.RawMessage(`{"id": "new", "path": "/new/", "type": "page", "title": "New", "blocks": []}`)
	if p, err := f.db.CreatePage(f.alpha, site.ID, fresh, nil, nil); err != nil || p.Slug != "new" || p.Position != 2 {
		t.Errorf("CreatePage of a new id: %+v %v", p, err)
	}
}
