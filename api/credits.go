package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/safehttp"
)

// Credits is what the credit endpoints need of the ledger (*postgres.DB
// implements it). Every method scopes itself to the actor in ctx;
// ChangeCredits is for system superusers.
type Credits interface {
	CreditSummary(ctx context.Context) (*igny8.CreditSummary, error)
	CreditTransactions(ctx context.Context, before int64, limit int) ([]*igny8.CreditTransaction, error)
	CreditUsage(ctx context.Context, q igny8.UsageQuery) (*igny8.UsageReport, error)
	CreditEvents(ctx context.Context) ([]igny8.CreditEvent, error)
	ChangeCredits(ctx context.Context, accountID int64, c igny8.CreditChange) (*igny8.CreditTransaction, error)
	SetCreditWebhook(ctx context.Context, url string) error
}

// creditSettings is the body of PATCH /v1/credits.
type creditSettings struct {
	// LowCreditWebhookURL receives a POST when the available credits fall
	// below 10% of the plan's monthly credits; "" removes it.
	LowCreditWebhookURL *string `json:"low_credit_webhook_url"`
}

// creditRoutes are the credit endpoints, appended to the route table.
func (s *server) creditRoutes() []*route {
	v, o, a := igny8.RoleViewer, igny8.RoleOwner, igny8.RoleAdmin
	return []*route{
		{method: "GET", pattern: "/v1/credits", id: "getCredits", tag: "credits", summary: "Credit balance, reserved and available credits, plan, current period and its low-credit event", role: v, out: igny8.CreditSummary{}, status: 200, serve: s.getCredits},
		{method: "PATCH", pattern: "/v1/credits", id: "updateCredits", tag: "credits", summary: "Set or remove the low-credit webhook URL", role: o, in: creditSettings{}, out: igny8.CreditSummary{}, status: 200, serve: s.updateCredits},
		{method: "GET", pattern: "/v1/credits/transactions", id: "listCreditTransactions", tag: "credits", summary: "The credit ledger, newest first", role: v, out: igny8.CreditTransaction{}, list: true, status: 200, serve: s.listCreditTransactions},
		{method: "GET", pattern: "/v1/credits/usage", id: "getCreditUsage", tag: "credits", summary: "Credits used, grouped by ?group_by=operation|site|user|day, between ?from= and ?to= (RFC 3339 or YYYY-MM-DD; default: the current period)", role: v, out: igny8.UsageReport{}, status: 200, serve: s.getCreditUsage,
			query: []queryParam{
				{name: "group_by", description: "how to group the usage (default operation)", enum: []string{"operation", "site", "user", "day"}},
				{name: "from", description: "start, inclusive: RFC 3339 or YYYY-MM-DD (default: the current period's start)"},
				{name: "to", description: "end, exclusive: RFC 3339 or YYYY-MM-DD (default: the current period's end)"},
			}},
		{method: "GET", pattern: "/v1/credits/events", id: "listCreditEvents", tag: "credits", summary: "Low-credit events, newest first (one per period at most)", role: v, out: igny8.CreditEvent{}, list: true, status: 200, serve: s.listCreditEvents},
		{method: "POST", pattern: "/v1/accounts/{accountID}/credits", id: "changeCredits", tag: "admin", summary: "Top up, grant, refund or adjust an account's credits (system administrators; audited)", role: a, system: true, in: igny8.CreditChange{}, out: igny8.CreditTransaction{}, status: 201, serve: s.changeCredits},
	}
}

// credits returns the credit ledger, Config.Credits, or a 501 problem
// when it is not configured.
func (s *server) credits() (Credits, error) {
	if s.cfg.Credits != nil {
		return s.cfg.Credits, nil
	}
	return nil, problem(CodeNotImplemented, "Credits are not configured on this server.")
}

func (s *server) getCredits(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := s.credits()
	if err != nil {
		return 0, nil, err
	}
	sum, err := c.CreditSummary(r.Context())
	return 200, sum, err
}

func (s *server) updateCredits(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := s.credits()
	if err != nil {
		return 0, nil, err
	}
	var req creditSettings
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if req.LowCreditWebhookURL != nil {
		u := *req.LowCreditWebhookURL
		if u != "" {
			var ue *safehttp.URLError
			if err := safehttp.CheckURL(u); errors.As(err, &ue) {
				return 0, nil, invalidField("/low_credit_webhook_url", "The low-credit webhook URL "+ue.Problem+".")
			} else if err != nil {
				return 0, nil, err
			}
		}
		if err := c.SetCreditWebhook(r.Context(), u); err != nil {
			return 0, nil, err
		}
	}
	sum, err := c.CreditSummary(r.Context())
	return 200, sum, err
}

func (s *server) listCreditTransactions(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := s.credits()
	if err != nil {
		return 0, nil, err
	}
	return paged(r, c.CreditTransactions, func(t *igny8.CreditTransaction) int64 { return t.ID })
}

func (s *server) listCreditEvents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := s.credits()
	if err != nil {
		return 0, nil, err
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return 0, nil, err
	}
	all, err := c.CreditEvents(r.Context())
	if err != nil {
		return 0, nil, err
	}
	var items []igny8.CreditEvent
	for _, e := range all { // newest first; at most one a month
		if (cursor == 0 || e.ID < cursor) && len(items) < limit {
			items = append(items, e)
		}
	}
	return 200, list(items, limit, func(e igny8.CreditEvent) int64 { return e.ID }), nil
}

// maxUsageSpan bounds a usage query (a little over a year of days).
const maxUsageSpan = 400 * 24 * time.Hour

func (s *server) getCreditUsage(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := s.credits()
	if err != nil {
		return 0, nil, err
	}
	qs := r.URL.Query()
	period := igny8.PeriodOf(time.Now())
	q := igny8.UsageQuery{GroupBy: qs.Get("group_by"), From: period.Start, To: period.End}
	if q.GroupBy == "" {
		q.GroupBy = "operation"
	}
	var errs []error
	switch q.GroupBy {
	case "operation", "site", "user", "day":
	default:
		errs = append(errs, invalidParam("group_by", fmt.Sprintf("group_by must be operation, site, user or day, not %q.", q.GroupBy)))
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := qs.Get(p.name); v != "" {
			t, err := parseDateTime(v)
			if err != nil {
				errs = append(errs, invalidParam(p.name, fmt.Sprintf("%s must be an RFC 3339 time or a YYYY-MM-DD date, not %q.", p.name, v)))
				continue
			}
			*p.dst = t
		}
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	if !q.To.After(q.From) || q.To.Sub(q.From) > maxUsageSpan {
		return 0, nil, invalidParam("to", "to must come after from, at most 400 days later.")
	}
	rep, err := c.CreditUsage(r.Context(), q)
	return 200, rep, err
}

// parseDateTime reads an RFC 3339 time or a date (midnight UTC).
func parseDateTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, v)
}

func (s *server) changeCredits(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := s.credits()
	if err != nil {
		return 0, nil, err
	}
	id, err := pathID(r, "accountID")
	if err != nil {
		return 0, nil, err
	}
	var req igny8.CreditChange
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	errs := []error{oneOf("/kind", req.Kind, igny8.CreditTopUp, igny8.CreditGrant, igny8.CreditRefund, igny8.CreditAdjust),
		required("/reason", req.Reason, "why; it goes into both accounts' audit logs")}
	if req.Amount == 0 {
		errs = append(errs, invalidField("/amount", "/amount must not be 0."))
	}
	if err := joinProblems(errs...); err != nil {
		return 0, nil, err
	}
	t, err := c.ChangeCredits(r.Context(), id, req)
	return 201, t, err
}
