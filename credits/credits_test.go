package credits

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/safehttp"
)

func TestCost(t *testing.T) {
	for _, tc := range []struct {
		op    igny8.Operation
		units int64
		want  int64
	}{
		{igny8.OpClustering, 1, 10},
		{igny8.OpIdeaGeneration, 2, 30},
		{igny8.OpContent, 0, 0},
		{igny8.OpContent, 1, 1},
		{igny8.OpContent, 100, 1},
		{igny8.OpContent, 101, 2},
		{igny8.OpContent, 1234, 13},
		{igny8.OpImage, 3, 15},
		{igny8.OpImagePrompts, 1, 2},
		{igny8.OpLinking, 2, 16},
		{igny8.OpOptimization, 200, 1},
		{igny8.OpOptimization, 201, 2},
		{igny8.OpSiteStructure, 1, 50},
		{igny8.OpSitePage, 12, 240},
	} {
		got, err := Cost(tc.op, tc.units)
		if err != nil || got != tc.want {
			t.Errorf("Cost(%s, %d) = %d, %v; want %d", tc.op, tc.units, got, err, tc.want)
		}
	}
	if _, err := Cost("teleport", 1); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("unknown operation: %v", err)
	}
	if _, err := Cost(igny8.OpImage, -1); igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("negative units: %v", err)
	}
	for _, op := range Operations() {
		if _, ok := RateOf(op); !ok {
			t.Errorf("operation %s has no rate", op)
		}
	}
}

func TestLimits(t *testing.T) {
	if CheckClustering(50) != nil || CheckClustering(51) == nil || CheckClustering(0) == nil {
		t.Error("clustering takes 1 to 50 keywords")
	}
	if CheckImages(6) != nil || CheckImages(7) == nil || CheckImages(0) == nil {
		t.Error("an image request makes 1 to 6 images")
	}
}

// The webhook client refuses loopback at dial time, whatever the URL
// says: an IP literal, or a name that resolves to it.
func TestWebhookClientRefusesPrivateAtDial(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	c := NewWebhookClient(5 * time.Second)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, u := range []string{srv.URL, "http://localhost:" + port + "/"} {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s through the webhook client succeeded", u)
		} else if be := (*safehttp.BlockedError)(nil); !errors.As(err, &be) || be.Reason != "loopback" {
			t.Errorf("GET %s: %v, want the dial-time refusal of a loopback address", u, err)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server was hit %d times", hits)
	}
}

func TestNotifierSend(t *testing.T) {
	var got igny8.LowCreditsPayload
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s with %q", r.Method, r.Header.Get("Content-Type"))
		}
		json.NewDecoder(r.Body).Decode(&got)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	// The test's escape hatch: a plain client, since httptest listens on
	// loopback, which the webhook client refuses.
	n := &Notifier{Client: srv.Client()}
	ev := igny8.CreditEvent{AccountID: 7, Period: "2026-11", Available: 9, Threshold: 10}
	if err := n.Send(context.Background(), srv.URL, ev); err != nil {
		t.Fatal(err)
	}
	if got.Event != "credits.low" || got.AccountID != 7 || got.Available != 9 || got.Period != "2026-11" {
		t.Errorf("payload = %+v", got)
	}
	status = http.StatusInternalServerError
	if err := n.Send(context.Background(), srv.URL, ev); err == nil {
		t.Error("a 500 answer counted as delivered")
	}
}

// fakeLedger is an in-memory Ledger for the Meter's control flow.
type fakeLedger struct {
	reserved, captured, released []string
	charged                      int64
	reserveErr                   error
}

func (f *fakeLedger) Reserve(ctx context.Context, req igny8.HoldRequest) (*igny8.Reservation, error) {
	f.reserved = append(f.reserved, req.Key)
	return &igny8.Reservation{State: igny8.HoldHeld, Amount: req.Credits}, f.reserveErr
}

func (f *fakeLedger) Capture(ctx context.Context, key string, actual int64, d igny8.UsageDetail) (*igny8.Capture, error) {
	f.captured = append(f.captured, key)
	f.charged += actual
	return &igny8.Capture{Charged: actual}, nil
}

func (f *fakeLedger) Release(ctx context.Context, key string) error {
	f.released = append(f.released, key)
	return nil
}

func TestMeterRun(t *testing.T) {
	f := &fakeLedger{}
	m := &Meter{Ledger: f}
	req := igny8.HoldRequest{Key: "content:1", Operation: igny8.OpContent, Credits: 20}
	c, err := m.Run(context.Background(), req, func(context.Context) (Outcome, error) {
		return Outcome{Units: 1501}, nil
	})
	if err != nil || c.Charged != 16 || len(f.captured) != 1 || len(f.released) != 0 {
		t.Errorf("success: %+v, %v; captured %v released %v; want 16 charged", c, err, f.captured, f.released)
	}
	boom := errors.New("provider down")
	if _, err := m.Run(context.Background(), req, func(context.Context) (Outcome, error) { return Outcome{}, boom }); !errors.Is(err, boom) || len(f.released) != 1 {
		t.Errorf("failure: %v, released %v; want the error and a release", err, f.released)
	}
	f.reserveErr = &igny8.InsufficientCreditsError{Needed: 20, Available: 3}
	ran := false
	if _, err := m.Run(context.Background(), req, func(context.Context) (Outcome, error) { ran = true; return Outcome{}, nil }); igny8.ErrorCode(err) != igny8.EInsufficientCredits || ran {
		t.Errorf("insufficient: %v, ran=%v; want the 402 error and no run", err, ran)
	}
}

type fakeStore struct{ periods []string }

func (f *fakeStore) ReplenishAll(ctx context.Context, period string) (int, error) {
	f.periods = append(f.periods, period)
	return 1, nil
}
func (f *fakeStore) ExpireHolds(ctx context.Context) (int, error) { return 0, nil }
func (f *fakeStore) DeliverLowCreditEvents(ctx context.Context, send func(context.Context, string, igny8.CreditEvent) error) (int, error) {
	return 0, nil
}

func TestMaintenanceReplenishesTheCurrentPeriod(t *testing.T) {
	s := &fakeStore{}
	m := &Maintenance{Store: s, Now: func() time.Time { return time.Date(2026, 12, 31, 23, 30, 0, 0, time.FixedZone("x", -2*3600)) }}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(s.periods) != 1 || s.periods[0] != "2027-01" {
		t.Errorf("periods = %v, want the UTC month 2027-01", s.periods)
	}
}
