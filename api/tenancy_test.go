package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/domains"
)

// bodies gives each operation a valid request body, so that a refusal is
// about whose object it is, never about a malformed request.
func bodies(tn *tenant, fresh string) map[string]any {
	page := func(id string) pageRequest {
		return pageRequest{Page: json.RawMessage(fmt.Sprintf(`{"id": %q, "path": "/%s/", "type": "page", "title": "T", "blocks": []}`, id, id))}
	}
	home := pageRequest{Page: json.RawMessage(`{"id": "home", "path": "/", "type": "home", "title": "Home again", "blocks": []}`)}
	return map[string]any{
		"login":                   loginRequest{Email: tn.slug + "-owner@example.com", Password: "password-owner"},
		"renameAccount":           nameRequest{Name: "Renamed"},
		"addMember":               memberRequest{Email: fresh + "@example.com", Role: igny8.RoleViewer},
		"setMemberRole":           roleRequest{Role: igny8.RoleEditor},
		"createToken":             igny8.TokenSpec{Name: "t"},
		"createSite":              siteRequest{Slug: fresh, Name: "N"},
		"updateSite":              igny8.SiteUpdate{Name: ptr("Hacked")},
		"createSector":            sectorRequest{Slug: fresh, Name: "N"},
		"renameSector":            nameRequest{Name: "Hacked"},
		"createDomain":            domainRequest{Hostname: fresh + ".example.net"},
		"putAsset":                []byte("<svg>" + fresh + "</svg>"),
		"validateBlueprint":       []byte(testBlueprint),
		"putBlueprint":            []byte(testBlueprint),
		"createPage":              page(fresh),
		"putPage":                 home,
		"reorderPages":            orderRequest{Order: []string{"about", "home"}},
		"rollback":                rollbackRequest{},
		"putPlan":                 igny8.Plan{Name: "Plan", MonthlyCredits: 100},
		"createAccount":           igny8.NewAccount{Slug: fresh, Name: "N", OwnerEmail: fresh + "@example.com"},
		"updateAccount":           igny8.AccountUpdate{Name: ptr("Hacked")},
		"updateCredits":           creditSettings{LowCreditWebhookURL: ptr("https://hooks.example.com/" + fresh)},
		"changeCredits":           igny8.CreditChange{Kind: igny8.CreditTopUp, Amount: 100, Reason: "test"},
		"signup":                  signupRequest{Email: fresh + "@example.com", Password: "a long password", AccountName: fresh},
		"createInvite":            igny8.InviteSpec{Email: fresh + "@example.com"},
		"addKeywords":             keywordsRequest{Keywords: []igny8.KeywordInput{{Keyword: fresh + " recipe"}}},
		"importKeywords":          []byte("keyword,volume\n" + fresh + " bread,10\n"),
		"approveIdea":             approveRequest{},
		"editContent":             pageEdit{Page: tn.content.Page},
		"setContentStatus":        statusChange{Status: igny8.ContentApproved},
		"startJob":                jobRequest{Kind: igny8.JobPublish, Input: json.RawMessage(fmt.Sprintf(`{"content_ids": [%d]}`, tn.content.ID))},
		"generateSite":            generateRequest{Brief: igny8.Brief{Name: "Crumb", Industry: "bakery", Offer: "sourdough bread"}},
		"overridePrompt":          promptOverrideRequest{System: "You write for {{.Site.Name}}.", User: "Write {{.Title}}."},
		"analyzeContent":          analyzeRequest{Keyword: "starter"},
		"linkContent":             linkRequest{},
		"putPipelineSettings":     igny8.DefaultPipelineSettings(0),
		"createIntegration":       wordpressIntegration("https://" + fresh + ".example"),
		"updateIntegration":       integrationChange{IntegrationUpdate: igny8.IntegrationUpdate{Name: ptr("Hacked")}},
		"publishToIntegration":    publishRequest{ContentIDs: []int64{tn.content.ID}},
		"resolvePublishingRecord": resolveRequest{Keep: "remote"},
	}
}

var param = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// target is the URL of route rt on tn's objects, with the query an asset
// upload needs.
func target(rt *route, tn *tenant, accountID int64) string {
	p := path(rt.pattern, tn, accountID)
	if rt.id == "putAsset" {
		p += "?path=assets/probe.svg"
	}
	return p
}

// path fills a route's parameters with tn's objects.
func path(pattern string, tn *tenant, accountID int64) string {
	return param.ReplaceAllStringFunc(pattern, func(m string) string {
		switch m {
		case "{siteID}":
			return fmt.Sprint(tn.site.ID)
		case "{sectorID}":
			return fmt.Sprint(tn.sector.ID)
		case "{domainID}":
			return fmt.Sprint(tn.domain.ID)
		case "{assetID}":
			return fmt.Sprint(tn.asset.ID)
		case "{deploymentID}":
			return fmt.Sprint(tn.deploy.ID)
		case "{pageID}":
			return "home"
		case "{userID}":
			return fmt.Sprint(tn.member.User.ID)
		case "{tokenID}":
			return fmt.Sprint(tn.token.ID)
		case "{inviteID}":
			return "1"
		case "{accountID}":
			return fmt.Sprint(accountID)
		case "{slug}":
			return "basic"
		case "{keywordID}":
			return fmt.Sprint(tn.keyword.ID)
		case "{clusterID}":
			return fmt.Sprint(tn.cluster.ID)
		case "{ideaID}":
			return fmt.Sprint(tn.idea.ID)
		case "{taskID}":
			return fmt.Sprint(tn.task.ID)
		case "{contentID}":
			return fmt.Sprint(tn.content.ID)
		case "{jobID}":
			return fmt.Sprint(tn.job.ID)
		case "{optimizationID}":
			return fmt.Sprint(tn.optimization.ID)
		case "{integrationID}":
			return fmt.Sprint(tn.integration.ID)
		case "{recordID}":
			return fmt.Sprint(tn.record.ID)
		case "{name}":
			return "content"
		}
		panic("unknown parameter " + m)
	})
}

// For every endpoint, account B's owner gets 404 for account A's objects
// and cannot create objects under them; lists show B nothing of A's; and
// afterwards A's objects are as they were.
func TestCrossTenantMatrix(t *testing.T) {
	h := newHarness(t, nil)
	a, b := h.newTenant("alpha"), h.newTenant("beta")
	var accA igny8.Account
	h.must(200, a.tokens[igny8.RoleOwner], "GET", "/v1/account", nil, &accA)
	before := snapshot(h, a)

	bOwner := b.tokens[igny8.RoleOwner]
	for i, rt := range (&server{}).table() {
		t.Run(rt.id, func(t *testing.T) {
			p := target(rt, a, accA.ID)
			body := bodies(b, fmt.Sprintf("beta-x%d", i))[rt.id]
			r := h.do(bOwner, rt.method, p, body)
			owned := strings.Contains(rt.pattern, "{siteID}") || strings.Contains(rt.pattern, "{userID}") || strings.Contains(rt.pattern, "{tokenID}")
			switch {
			case rt.system:
				if r.status != http.StatusForbidden {
					t.Errorf("%s %s as a tenant: status %d, want 403: %s", rt.method, p, r.status, r.body)
				}
			case rt.id == "signup":
				// Public, and closed unless configured (the harness
				// keeps the default); signup_test.go opens it.
				if r.status != http.StatusForbidden {
					t.Errorf("%s %s with sign-up closed: status %d, want 403: %s", rt.method, p, r.status, r.body)
				}
			case rt.id == "shopifyWebhook":
				// Public: a token buys nothing there, only Shopify's
				// signature with the integration's secret (hooks_test.go).
				if r.status != http.StatusUnauthorized {
					t.Errorf("%s %s unsigned, with another account's token: status %d, want 401: %s", rt.method, p, r.status, r.body)
				}
			case owned:
				if r.status != http.StatusNotFound {
					t.Errorf("%s %s with another account's id: status %d, want 404: %s", rt.method, p, r.status, r.body)
				} else if pr := r.problem(t); pr.Code != igny8.ENotFound {
					t.Errorf("%s %s: problem code %q", rt.method, p, pr.Code)
				}
			default:
				if r.status >= 300 {
					t.Errorf("%s %s on its own account: status %d: %s", rt.method, p, r.status, r.body)
				}
			}
			if strings.Contains(string(r.body), "alpha") {
				t.Errorf("%s %s: the answer to account B mentions account A: %s", rt.method, p, r.body)
			}
		})
	}
	if after := snapshot(h, a); after != before {
		t.Errorf("account A's objects changed while B probed them:\nbefore %s\nafter  %s", before, after)
	}
}

// snapshot reads every object of tn through the API, as its owner.
func snapshot(h *harness, tn *tenant) string {
	tok := tn.tokens[igny8.RoleOwner]
	site := fmt.Sprintf("/v1/sites/%d", tn.site.ID)
	var sb strings.Builder
	for _, p := range []string{site, site + "/sectors", site + "/domains", site + "/assets", site + "/blueprint", site + "/pages", site + "/deploys", "/v1/members", "/v1/tokens", "/v1/account",
		site + "/keywords", site + "/clusters", site + "/ideas", site + "/tasks", site + "/contents", site + "/jobs"} {
		r := h.must(200, tok, "GET", p, nil, nil)
		// Token use times move; drop them.
		s := regexp.MustCompile(`"last_used_at":"[^"]*"`).ReplaceAllString(string(r.body), "")
		fmt.Fprintf(&sb, "%s %s\n", p, s)
	}
	return sb.String()
}

var roleOrder = []igny8.Role{igny8.RoleViewer, igny8.RoleEditor, igny8.RoleAdmin, igny8.RoleOwner}

// Every write endpoint refuses the role just below its minimum, with 403,
// and lets the minimum role through (whatever else it then says).
func TestRolesGateWrites(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("gamma")
	var acc igny8.Account
	h.must(200, tn.tokens[igny8.RoleOwner], "GET", "/v1/account", nil, &acc)
	routes := (&server{}).table()
	// Deletes last, so the objects other routes need still exist, and the
	// viewer's removal (which ends the viewer's token) very last.
	rank := func(r *route) int { return btoi(r.method == "DELETE") + btoi(r.id == "removeMember") }
	slices.SortStableFunc(routes, func(x, y *route) int { return rank(x) - rank(y) })
	writes := 0
	for i, rt := range routes {
		if rt.method == "GET" || rt.role == "" {
			continue
		}
		writes++
		t.Run(rt.id, func(t *testing.T) {
			p := target(rt, tn, acc.ID)
			if rt.id == "removeMember" {
				p = fmt.Sprintf("/v1/members/%d", tn.member.User.ID)
			}
			body := bodies(tn, fmt.Sprintf("gamma-r%d", i))[rt.id]
			min := slices.Index(roleOrder, rt.role)
			if min > 0 {
				below := roleOrder[min-1]
				r := h.do(tn.tokens[below], rt.method, p, body)
				if r.status != http.StatusForbidden {
					t.Errorf("%s %s as %s: status %d, want 403: %s", rt.method, p, below, r.status, r.body)
				}
			}
			r := h.do(tn.tokens[rt.role], rt.method, p, body)
			if rt.system {
				if r.status != http.StatusForbidden {
					t.Errorf("%s %s by a tenant %s: status %d, want 403 (system only)", rt.method, p, rt.role, r.status)
				}
				r = h.do(h.system, rt.method, p, body)
			}
			if r.status == http.StatusForbidden || r.status == http.StatusUnauthorized {
				t.Errorf("%s %s with the minimum role %s: status %d: %s", rt.method, p, rt.role, r.status, r.body)
			}
		})
	}
	if writes < 25 {
		t.Errorf("only %d write endpoints checked", writes)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Squatting: an unverified claim reserves nothing and routes nothing; the
// first account to verify gets the route; another account's later
// verification moves it; names under the sites domain or the platform's
// own cannot be claimed, and slugs that could be preview hosts cannot be
// made.
func TestDomainClaimsAcrossAccounts(t *testing.T) {
	h := newHarness(t, nil)
	a, b := h.newTenant("alpha"), h.newTenant("beta")
	ao, bo := a.tokens[igny8.RoleOwner], b.tokens[igny8.RoleOwner]
	abase, bbase := fmt.Sprintf("/v1/sites/%d/domains", a.site.ID), fmt.Sprintf("/v1/sites/%d/domains", b.site.ID)
	route := func() string {
		t.Helper()
		id, err := domains.NewRoutes(h.routes).Lookup(context.Background(), "shop.example")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	var da, db igny8.Domain
	h.must(201, ao, "POST", abase, domainRequest{Hostname: "shop.example"}, &da)
	h.must(201, bo, "POST", bbase, domainRequest{Hostname: "shop.example"}, &db)
	if got := route(); got != "" {
		t.Errorf("unverified claims route shop.example to %q", got)
	}
	if r := h.do(bo, "POST", fmt.Sprintf("%s/%d/verify", bbase, db.ID), nil); r.status != 409 || !strings.Contains(string(r.body), "_igny8.shop.example") {
		t.Errorf("verifying without the TXT record: %d %s; want 409 naming the record", r.status, r.body)
	}
	h.dns.set("_igny8.shop.example", da.VerificationToken)
	h.must(200, ao, "POST", fmt.Sprintf("%s/%d/verify", abase, da.ID), nil, &da)
	if got := route(); !da.Verified || got != a.site.StorageID {
		t.Errorf("after alpha's verification: verified=%v, route %q; want alpha's storage %s", da.Verified, got, a.site.StorageID)
	}
	// Beta cannot take it without proving control of the DNS…
	h.do(bo, "POST", fmt.Sprintf("%s/%d/verify", bbase, db.ID), nil)
	if got := route(); got != a.site.StorageID {
		t.Errorf("beta's verify without its record moved the route to %q", got)
	}
	// …and can with it.
	h.dns.set("_igny8.shop.example", db.VerificationToken)
	h.must(200, bo, "POST", fmt.Sprintf("%s/%d/verify", bbase, db.ID), nil, &db)
	h.must(200, ao, "GET", fmt.Sprintf("%s/%d", abase, da.ID), nil, &da)
	if got := route(); !db.Verified || da.Verified || got != b.site.StorageID {
		t.Errorf("after beta's verification: beta %v, alpha %v, route %q; want beta's alone, routed to %s", db.Verified, da.Verified, got, b.site.StorageID)
	}
	// Alpha releasing its stale claim leaves beta's route alone.
	h.must(204, ao, "DELETE", fmt.Sprintf("%s/%d", abase, da.ID), nil, nil)
	if got := route(); got != b.site.StorageID {
		t.Errorf("alpha's removal of its stale claim changed the route to %q", got)
	}
	h.must(204, bo, "DELETE", fmt.Sprintf("%s/%d", bbase, db.ID), nil, nil)
	if got := route(); got != "" {
		t.Errorf("after beta removed it the host still routes to %q", got)
	}

	for _, host := range []string{"x.sites.test", "sites.test", "api.igny8.test", "a.api.igny8.test", "https://shop.example/", "shop.example:8080", "*.example.com", "127.0.0.1"} {
		r := h.do(ao, "POST", abase, domainRequest{Hostname: host})
		if r.status != 400 || r.problem(t).Errors[0].Pointer != "/hostname" {
			t.Errorf("claiming %q: %d %s; want 400 at /hostname", host, r.status, r.body)
		}
	}
	for _, slug := range []string{"20261202t215542z-515ace17--shop", "a--b", strings.Repeat("a", igny8.MaxSiteSlugLen+1), "www"} {
		r := h.do(ao, "POST", "/v1/sites", siteRequest{Slug: slug, Name: "N"})
		if r.status != 400 || r.problem(t).Errors[0].Pointer != "/slug" {
			t.Errorf("site slug %q: %d %s; want 400 at /slug", slug, r.status, r.body)
		}
	}
}

// A site deleted by one account and made again, with the same slug, by
// another: new storage, and none of the old site's history, assets or
// domains through any route.
func TestFreedSlugStartsEmpty(t *testing.T) {
	h := newHarness(t, nil)
	a, b := h.newTenant("alpha"), h.newTenant("beta")
	ao, bo := a.tokens[igny8.RoleOwner], b.tokens[igny8.RoleOwner]
	old := a.site
	h.must(204, ao, "DELETE", fmt.Sprintf("/v1/sites/%d", old.ID), nil, nil)
	var renewed igny8.Site
	h.must(201, bo, "POST", "/v1/sites", siteRequest{Slug: old.Slug, Name: "Again"}, &renewed)
	if renewed.StorageID == old.StorageID || renewed.ID == old.ID {
		t.Fatalf("the new site reuses the old one's id or storage: %+v, old %+v", renewed, old)
	}
	nb := fmt.Sprintf("/v1/sites/%d", renewed.ID)
	for _, p := range []string{"/deploys", "/assets", "/domains"} {
		var list struct{ Items []json.RawMessage }
		h.must(200, bo, "GET", nb+p, nil, &list)
		if len(list.Items) != 0 {
			t.Errorf("GET %s%s: %d items of the deleted site", nb, p, len(list.Items))
		}
	}
	h.must(404, bo, "GET", fmt.Sprintf("%s/deploys/%d", nb, a.deploy.ID), nil, nil)
	h.must(404, bo, "GET", fmt.Sprintf("%s/assets/%d", nb, a.asset.ID), nil, nil)
	h.must(404, ao, "GET", fmt.Sprintf("/v1/sites/%d", old.ID), nil, nil)
	h.must(404, ao, "GET", nb, nil, nil)
}
