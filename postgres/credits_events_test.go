package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

// The available credits falling below 10% of the plan's monthly credits
// records one event per account and period; the scheduler delivers it
// once to the account's webhook, retrying failures.
func TestCreditsLowCreditEvent(t *testing.T) {
	b := setupCredits(t, 1000)
	ctx, acc := b.account(t, "alpha")
	b.db.Replenish(ctx, acc, "2026-11")
	capture := func(key string, credits int64) *igny8.Capture {
		t.Helper()
		if _, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: key, Operation: igny8.OpSitePage, Credits: credits}); err != nil {
			t.Fatal(err)
		}
		c, err := b.l.Capture(ctx, key, credits, igny8.UsageDetail{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := capture("a", 900); c.LowCredits {
		t.Errorf("100 of 1000 left (exactly 10%%): LowCredits set")
	}
	if c := capture("b", 1); !c.LowCredits {
		t.Errorf("99 of 1000 left: LowCredits not set")
	}
	if c := capture("c", 1); c.LowCredits {
		t.Errorf("a second low capture in the period raised another event")
	}
	s, err := b.db.CreditSummary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.LowCredits == nil || s.LowCredits.Available != 99 || s.LowCredits.Threshold != 100 || s.Plan == nil || s.Plan.MonthlyCredits != 1000 {
		t.Fatalf("summary = %+v (event %+v), want this period's event at 99 of 100", s, s.LowCredits)
	}

	var sent []string
	fail := true
	send := func(ctx context.Context, url string, ev igny8.CreditEvent) error {
		sent = append(sent, url)
		if fail {
			return errors.New("connection refused")
		}
		return nil
	}
	// No webhook: handled without sending.
	otherCtx, other := b.account(t, "beta")
	b.db.Replenish(otherCtx, other, "2026-11")
	if _, err := b.l.Reserve(otherCtx, igny8.HoldRequest{Key: "x", Operation: igny8.OpSitePage, Credits: 950}); err != nil {
		t.Fatal(err)
	}
	if c, err := b.l.Capture(otherCtx, "x", 950, igny8.UsageDetail{}); err != nil || !c.LowCredits {
		t.Fatalf("beta's capture: %+v, %v", c, err)
	}
	if err := b.db.SetCreditWebhook(ctx, "https://hooks.example.com/igny8"); err != nil {
		t.Fatal(err)
	}
	if n, err := b.db.DeliverLowCreditEvents(context.Background(), send); err != nil || n != 0 || len(sent) != 1 {
		t.Fatalf("failing delivery: %d sent, %v, %d tries; want 0, nil, 1", n, err, len(sent))
	}
	fail = false
	if n, err := b.db.DeliverLowCreditEvents(context.Background(), send); err != nil || n != 1 || sent[1] != "https://hooks.example.com/igny8" {
		t.Fatalf("retry: %d sent, %v, %v; want alpha's event to its webhook", n, err, sent)
	}
	if n, err := b.db.DeliverLowCreditEvents(context.Background(), send); err != nil || n != 0 || len(sent) != 2 {
		t.Errorf("third run: %d sent, %v, %d tries; want nothing more", n, err, len(sent))
	}
	if n := b.count(t, `SELECT count(*) FROM credit_events WHERE delivered_at IS NULL`); n != 0 {
		t.Errorf("%d events still pending", n)
	}
	evs, err := b.db.CreditEvents(ctx)
	if err != nil || len(evs) != 1 || evs[0].DeliveredAt == nil {
		t.Errorf("alpha's events = %+v, %v; want one, delivered", evs, err)
	}
}

// An administrator's removal of credits can raise the event too.
func TestCreditsLowCreditEventOnAdjust(t *testing.T) {
	f := newFixture(t)
	alpha, _ := igny8.ActorFrom(f.alpha)
	p, err := f.db.PutPlan(f.system, &igny8.Plan{Slug: "pro", Name: "Pro", MonthlyCredits: 1000, SupportLevel: "basic", BillingCycle: "monthly"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdateAccount(f.system, alpha.AccountID, igny8.AccountUpdate{PlanID: &p.ID}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.ReplenishAll(context.Background(), igny8.PeriodOf(time.Now()).Key); err != nil || n != 1 {
		t.Fatalf("ReplenishAll: %d, %v; want alpha granted", n, err)
	}
	if _, err := f.db.ChangeCredits(f.system, alpha.AccountID, igny8.CreditChange{Kind: igny8.CreditAdjust, Amount: -950, Reason: "chargeback"}); err != nil {
		t.Fatal(err)
	}
	s, err := f.db.CreditSummary(f.alpha)
	if err != nil {
		t.Fatal(err)
	}
	if s.Balance != 50 || s.LowCredits == nil || s.LowCredits.Available != 50 {
		t.Errorf("after removing 950 of 1000: %+v, event %+v; want balance 50 and this period's event", s, s.LowCredits)
	}
}
