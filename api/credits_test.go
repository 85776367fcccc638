package api

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
)

// *postgres.DB serves the credit endpoints.
var _ Credits = (*postgres.DB)(nil)

func TestCreditEndpoints(t *testing.T) {
	h := newHarness(t, nil)
	tn := h.newTenant("kappa")
	owner, viewer := tn.tokens[igny8.RoleOwner], tn.tokens[igny8.RoleViewer]
	var acc igny8.Account
	h.must(200, owner, "GET", "/v1/account", nil, &acc)

	var sum igny8.CreditSummary
	h.must(200, viewer, "GET", "/v1/credits", nil, &sum)
	if sum.Balance != 0 || sum.Available != 0 || sum.Period.Key == "" {
		t.Errorf("new account's credits = %+v", sum)
	}

	// A system administrator tops the account up; it is in the ledger.
	var tr igny8.CreditTransaction
	h.must(201, h.system, "POST", fmt.Sprintf("/v1/accounts/%d/credits", acc.ID), igny8.CreditChange{Kind: "topup", Amount: 500, Reason: "invoice 1"}, &tr)
	if tr.Amount != 500 || tr.BalanceAfter != 500 || tr.Kind != "topup" {
		t.Errorf("top-up = %+v", tr)
	}
	h.must(200, viewer, "GET", "/v1/credits", nil, &sum)
	if sum.Balance != 500 || sum.Available != 500 {
		t.Errorf("after the top-up: %+v", sum)
	}

	// Removing more than the account has: 402 with the numbers.
	r := h.do(h.system, "POST", fmt.Sprintf("/v1/accounts/%d/credits", acc.ID), igny8.CreditChange{Kind: "adjust", Amount: -501, Reason: "oops"})
	if r.status != 402 {
		t.Fatalf("adjusting below zero: status %d, want 402: %s", r.status, r.body)
	}
	p := r.problem(t)
	if p.Code != igny8.EInsufficientCredits || p.Needed == nil || *p.Needed != 501 || p.Available == nil || *p.Available != 500 {
		t.Errorf("402 problem = %+v, want insufficient_credits with needed 501 and available 500", p)
	}
	if r := h.do(h.system, "POST", fmt.Sprintf("/v1/accounts/%d/credits", acc.ID), igny8.CreditChange{Kind: "gift", Amount: 1}); r.status != 400 {
		t.Errorf("bad kind and no reason: status %d, want 400", r.status)
	}

	// Usage, metered by the ledger as a worker would.
	l := postgres.NewLedger(h.db, postgres.LedgerConfig{})
	ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc.ID, UserID: tn.member.User.ID, Role: igny8.RoleEditor})
	for i, op := range []igny8.Operation{igny8.OpContent, igny8.OpContent, igny8.OpImage} {
		key := fmt.Sprint("job-", i)
		if _, err := l.Reserve(ctx, igny8.HoldRequest{Key: key, Operation: op, Credits: 20, SiteID: tn.site.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Capture(ctx, key, 10, igny8.UsageDetail{Metadata: map[string]any{"model": "m"}}); err != nil {
			t.Fatal(err)
		}
	}
	var rep igny8.UsageReport
	h.must(200, viewer, "GET", "/v1/credits/usage?group_by=operation", nil, &rep)
	if rep.Total != 30 || len(rep.Groups) != 2 || rep.Groups[0] != (igny8.UsageGroup{Key: "content", Credits: 20, Operations: 2}) {
		t.Errorf("usage by operation = %+v", rep)
	}
	h.must(200, viewer, "GET", "/v1/credits/usage?group_by=site", nil, &rep)
	if len(rep.Groups) != 1 || rep.Groups[0].Key != fmt.Sprint(tn.site.ID) || rep.Groups[0].Credits != 30 {
		t.Errorf("usage by site = %+v", rep)
	}
	h.must(200, viewer, "GET", "/v1/credits/usage?group_by=user&from=2000-01-01&to=2000-02-01", nil, &rep)
	if rep.Total != 0 || len(rep.Groups) != 0 {
		t.Errorf("usage in 2000 = %+v, want none", rep)
	}
	for _, q := range []string{"group_by=planet", "from=yesterday", "from=2026-02-01&to=2026-01-01"} {
		if r := h.do(viewer, "GET", "/v1/credits/usage?"+q, nil); r.status != 400 {
			t.Errorf("usage?%s: status %d, want 400", q, r.status)
		}
	}
	var txs List[igny8.CreditTransaction]
	h.must(200, viewer, "GET", "/v1/credits/transactions?limit=2", nil, &txs)
	if len(txs.Items) != 2 || txs.NextCursor == "" || txs.Items[0].Kind != "usage" {
		t.Errorf("transactions page = %+v", txs)
	}
	h.must(200, viewer, "GET", "/v1/credits/transactions?cursor="+txs.NextCursor, nil, &txs)
	if len(txs.Items) != 2 || txs.Items[1].Kind != "topup" {
		t.Errorf("second page = %+v", txs)
	}

	// The webhook: refused when internal, stored when public.
	if r := h.do(owner, "PATCH", "/v1/credits", creditSettings{LowCreditWebhookURL: ptr("http://169.254.169.254/latest")}); r.status != 400 {
		t.Errorf("metadata address as webhook: status %d, want 400", r.status)
	} else if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Pointer != "/low_credit_webhook_url" {
		t.Errorf("problem = %+v", p)
	}
	h.must(200, owner, "PATCH", "/v1/credits", creditSettings{LowCreditWebhookURL: ptr("https://hooks.example.com/k")}, &sum)
	if sum.WebhookURL != "https://hooks.example.com/k" || sum.Balance != 470 {
		t.Errorf("after setting the webhook: %+v", sum)
	}
	var evs List[igny8.CreditEvent]
	h.must(200, viewer, "GET", "/v1/credits/events", nil, &evs)
	if len(evs.Items) != 0 {
		t.Errorf("events without a plan: %+v", evs)
	}
}

// Without a credit ledger the routes answer 501.
func TestCreditsNotConfigured(t *testing.T) {
	s := &server{cfg: Config{}}
	_, _, err := s.getCredits(nil, nil)
	var p *Problem
	if !errors.As(err, &p) || p.Status != 501 || p.Code != CodeNotImplemented {
		t.Errorf("GET /v1/credits without a ledger: %v, want a 501 problem", err)
	}
}
